"""The public edge (deploy/nginx/ascolto-collector.conf) answers in the API's JSON shape whatever it
answers itself, readable by any page's ``fetch``: a body over 16 KB (413), a URL over 8 KB (414), a
header field over 8 KB (431), a request that is not HTTP (400), a path that is not the API's (404),
a collector that cannot be reached (503 with ``Retry-After``). nginx's own pages were HTML, and its
413 carried no CORS header: the widget saw a network error and retried, for as long as the page
stayed open, an answer that can never be sent. Run for real (skipped without nginx), with no
collector behind it."""
from __future__ import annotations

import json
import socket
import ssl
import subprocess
import time

import pytest

from tests.test_deploy import _nginx_prefix

ORIGIN = b"Origin: https://www.comune.roma.it\r\n"


def _free() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("edge")
    ports = {"http": _free(), "https": _free(), "upstream": _free()}  # nothing listens on the upstream
    nginx = _nginx_prefix(tmp, ports)
    started = subprocess.run([nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(tmp / "startup.log")],
                             capture_output=True, text=True, timeout=60)
    if started.returncode != 0:
        pytest.skip(f"nginx cannot run here: {started.stderr.strip()[:200]}")
    try:
        yield ports["https"]
    finally:
        subprocess.run([nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-s", "stop"],
                       capture_output=True, timeout=30)


def _send(port: int, request: bytes) -> tuple[int, dict[str, str], dict]:
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    for _ in range(50):  # the workers may take a moment to accept
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
                    ctx.wrap_socket(raw) as s:
                s.sendall(request)
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
            break
        except (ConnectionError, ssl.SSLError):
            time.sleep(0.1)
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
    return int(status_line.split()[1]), headers, json.loads(body)


@pytest.mark.parametrize("request_bytes, status, error, field", [
    (b"POST /v1/submissions HTTP/1.1\r\nHost: h\r\n" + ORIGIN + b"Content-Type: application/json\r\n"
     b"Content-Length: 20000\r\nConnection: close\r\n\r\n" + b"x" * 20000, 413, "too_large", "body"),
    (b"GET /v1/services/x/questionnaire?lang=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: h\r\n" + ORIGIN + b"\r\n",
     414, "uri_too_long", "url"),
    (b"GET /v1/services/x/questionnaire HTTP/1.1\r\nHost: h\r\n" + ORIGIN + b"Cookie: " + b"c" * 9000 + b"\r\n\r\n",
     431, "headers_too_large", "headers"),
    (b"NOT HTTP\r\n\r\n", 400, "malformed", "request"),
    (b"GET /submissions HTTP/1.1\r\nHost: h\r\n" + ORIGIN + b"Connection: close\r\n\r\n", 404, "not_found", "path"),
    (b"GET /.ascolto/too_large HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", 404, "not_found", "path"),
])
def test_the_edges_own_refusals_are_the_apis_json_readable_by_any_page(edge, request_bytes, status, error, field):
    got, headers, body = _send(edge, request_bytes)
    assert (got, body["error"], list(body["fields"])) == (status, error, [field]), body
    assert headers["content-type"] == "application/json" and body["message"]
    assert headers["access-control-allow-origin"] == "*"  # grants nothing: the API takes no credentials
    assert headers["x-content-type-options"] == "nosniff" and headers["cache-control"] == "no-store"
    assert headers["strict-transport-security"] == "max-age=63072000"


def test_a_collector_that_cannot_be_reached_is_a_503_to_retry_after(edge):
    got, headers, body = _send(edge, b"POST /v1/submissions HTTP/1.1\r\nHost: h\r\n" + ORIGIN
                               + b"Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
    assert got == 503 and body["error"] == "unavailable"
    assert headers["retry-after"] == "30" and "Retry-After" in headers["access-control-expose-headers"]
    assert headers["access-control-allow-origin"] == "*"
