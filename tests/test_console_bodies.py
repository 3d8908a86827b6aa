"""The console reads request bodies of a bounded size (``warehouse.console.MAX_BODY_BYTES``), through the
real Flask app on a seeded dataset: a body over the limit is a 413 naming ``body`` — a page in the reader's
language, JSON for the API — before anyone signs in, so a client that need not sign in (``/login``, the
public ``/join`` form) cannot have a worker hold a body of any size in memory. Forms of any real size
still pass (the largest, an improvement plan's 5 000 characters of actions, is well under the limit). A
chunked body (no ``Content-Length``) over the limit is a 413 too, under gunicorn, not a form cut at the limit."""
from __future__ import annotations

import http.client
import io
import re
import socket

import pytest

from tests.console_data import build
from tests.gunicorn_served import gunicorn_served
from warehouse.console import MAX_BODY_BYTES, close_app, create_app

STRONG = "9b1f3c7e2a5d4086b7c1e9f2a3d5b8c6"
OVER = MAX_BODY_BYTES + 1024


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    settings, _tokens = build(tmp_path_factory.mktemp("console-bodies"))
    app = create_app(settings.with_(console_secret=STRONG, console_signin_limit="10000/minute"))
    yield app
    close_app(app)


def _csrf(client, path: str = "/login") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


@pytest.mark.parametrize("path", ["/login", "/join"])
def test_a_form_body_over_the_limit_is_a_413_page_naming_it_before_any_sign_in(app, path):
    client = app.test_client()
    body = b"csrf_token=" + _csrf(client, path).encode() + b"&token=" + b"a" * OVER
    resp = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 413
    assert resp.mimetype == "text/html"
    assert "La richiesta è troppo grande" in resp.get_data(as_text=True)


def test_a_file_uploaded_to_a_form_over_the_limit_is_a_413_too(app):
    client = app.test_client()
    resp = client.post("/login", data={"csrf_token": _csrf(client), "token": (io.BytesIO(b"a" * OVER), "t.txt")},
                       content_type="multipart/form-data")
    assert resp.status_code == 413


def test_the_apis_413_is_json_naming_the_body(app):
    resp = app.test_client().post("/api/v1/meta", data=b"{" + b" " * OVER + b"}", content_type="application/json")
    assert resp.status_code == 413
    body = resp.get_json()
    assert body["error"] == "request_entity_too_large"
    assert body["fields"] == {"body": [f"Larger than the limit of {MAX_BODY_BYTES} bytes."]}


def test_a_large_form_under_the_limit_is_read_as_before(app):
    """A sign-in form of 200 KB (far more than any console form holds) is read: a wrong token's 401, not a 413."""
    client = app.test_client()
    resp = client.post("/login", data={"csrf_token": _csrf(client), "token": "a" * 200_000})
    assert resp.status_code == 401


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The console under gunicorn (``deploy.up.gunicorn_cmd``, one worker) on a seeded dataset: its port."""
    from settings import child_environment

    root = tmp_path_factory.mktemp("console-bodies-served")
    build(root)
    env = child_environment(ASCOLTO_DATA_DIR=str(root), ASCOLTO_WORKERS="1", ASCOLTO_CONSOLE_SECRET=STRONG,
                            ASCOLTO_CONSOLE_SECURE_COOKIE="0")
    with gunicorn_served("warehouse.console:create_app()", env, root / "gunicorn.log") as port:
        yield port


def _chunked_sign_in(port: int, token_bytes: int) -> int:
    """``POST /login`` with a valid CSRF token and a token field of ``token_bytes``, sent chunked (no
    ``Content-Length``) in 64 KB chunks; the answer's status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    resp = conn.getresponse()
    cookie = resp.getheader("Set-Cookie").split(";")[0]
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', resp.read()).group(1)
    chunk = b"a" * 65536
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"POST /login HTTP/1.1\r\nHost: c\r\nConnection: close\r\nCookie: %s\r\n"
                  b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n" % cookie.encode())
        first = b"csrf_token=" + csrf + b"&token="
        try:
            s.sendall(b"%x\r\n%s\r\n" % (len(first), first))
            for _ in range(token_bytes // len(chunk)):
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            s.sendall(b"0\r\n\r\n")
        except OSError:  # the console answered and closed before the whole body was sent
            pass
        data = b""
        while part := s.recv(65536):
            data += part
    return int(data.split(b" ", 2)[1])


def test_a_chunked_body_over_the_limit_is_a_413_not_a_form_cut_at_the_limit(served):
    """Without a ``Content-Length`` werkzeug read the form up to the limit and stopped there silently: the
    sign-in was tried with the first MiB of the field (a 401), as if the client had sent only that."""
    assert _chunked_sign_in(served, 2 * MAX_BODY_BYTES) == 413
    assert _chunked_sign_in(served, 128 * 1024) == 401  # under the limit: read whole, a wrong token's answer
