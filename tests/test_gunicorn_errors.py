"""The requests gunicorn refuses before the collector sees them are answered in the collector's JSON
error shape (``{"error", "message", "fields"}``), like every other answer of its API: a URL too long
(414), header fields too many or too large (431), a request line or a header that is not HTTP (400).
Gunicorn's own answer was an HTML page, which a widget's ``fetch`` or a back end's HTTP library could
not read — and its log line named the client's address. Against the real collector under gunicorn,
started as ``ascolto collector`` and ``ascolto up`` start it (:func:`deploy.up.gunicorn_cmd`)."""
from __future__ import annotations

import json
import socket
import time
import urllib.request

import pytest

from deploy.up import COLLECTOR_APP
from registry import connect
from registry.demo import seed
from settings import child_environment, load
from tests.conftest import ORIGIN
from tests.gunicorn_served import gunicorn_served

QUESTIONNAIRE = "/v1/services/demo-roma-anagrafe/questionnaire"


@pytest.fixture(scope="module")
def collector(broker, tmp_path_factory):
    """The collector under gunicorn on a free port (one worker); yields ``(port, log path)``."""
    data = tmp_path_factory.mktemp("gunicorn-errors")
    env = child_environment(ASCOLTO_DATA_DIR=str(data / "data"), ASCOLTO_BROKER=broker.bootstrap,
                            ASCOLTO_TOPIC=f"t-{data.name}.submissions", ASCOLTO_WORKERS="1",
                            ASCOLTO_LOG_LEVEL="info")
    seed(connect(load(env).database_url), [ORIGIN])
    log = data / "gunicorn.log"
    with gunicorn_served(COLLECTOR_APP, env, log) as port:
        yield port, log


def _raw(port: int, request: bytes) -> tuple[int, dict[str, str], dict]:
    """Send ``request`` as bytes; the status, headers (lower-case names) and JSON body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
    assert headers["content-type"] == "application/json", data[:300]
    assert int(headers["content-length"]) == len(body)
    return int(status_line.split()[1]), headers, json.loads(body)


def test_a_url_longer_than_gunicorns_limit_is_a_json_414_naming_the_url(collector):
    port, _ = collector
    status, headers, body = _raw(port, f"GET {QUESTIONNAIRE}?lang={'x' * 5000} HTTP/1.1\r\nHost: c\r\n"
                                       f"Origin: {ORIGIN}\r\n\r\n".encode())
    assert status == 414 and body["error"] == "uri_too_long"
    assert body["fields"] == {"url": ["Longer than 4094 bytes (the limit of the request line): send the data in "
                                      "a POST body, not in the query string."]}
    assert headers["access-control-allow-origin"] == "*"  # a page's fetch reads it; it grants nothing
    assert headers["x-content-type-options"] == "nosniff" and headers["cache-control"] == "no-store"


@pytest.mark.parametrize("extra", [
    "X-Big: " + "y" * 9000 + "\r\n",  # one field over limit_request_field_size
    "".join(f"X-H{i}: 1\r\n" for i in range(120)),  # more fields than limit_request_fields
])
def test_header_fields_too_large_or_too_many_are_a_json_431_naming_the_headers(collector, extra):
    port, _ = collector
    status, _, body = _raw(port, f"POST /v1/submissions HTTP/1.1\r\nHost: c\r\n{extra}\r\n".encode())
    assert status == 431 and body["error"] == "headers_too_large"
    [problem] = body["fields"]["headers"]
    assert problem.startswith("At most 100 header fields of at most 8190 bytes each")


@pytest.mark.parametrize("request_bytes, field", [
    (b"NOT HTTP AT ALL\r\n\r\n", "request_line"),
    (b"GET / HTTP/7.1\r\nHost: c\r\n\r\n", "version"),
    (b"GET\r\n\r\n", "request_line"),
    (b"GET /healthz HTTP/1.1\r\nHost: c\r\nBad Header: 1\r\n\r\n", "headers"),
])
def test_a_request_that_is_not_http_is_a_json_400_naming_the_part(collector, request_bytes, field):
    port, _ = collector
    status, _, body = _raw(port, request_bytes)
    assert status == 400 and body["error"] == "malformed" and list(body["fields"]) == [field], body
    assert body["message"] and all(isinstance(p, str) and p for p in body["fields"][field])


def test_the_refusals_are_logged_without_the_clients_address(collector):
    port, log = collector
    _raw(port, f"GET /?q={'x' * 5000} HTTP/1.1\r\nHost: c\r\n\r\n".encode())
    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()  # and the worker serves on
    time.sleep(0.5)
    refusals = [line for line in log.read_text().splitlines() if "Invalid request" in line]
    assert any("Invalid request refused: 414 uri_too_long (url)" in line for line in refusals)
    assert not [line for line in refusals if "127.0.0.1" in line or "ip=" in line]


def test_the_console_and_the_public_site_refuse_the_same_way():
    """Their gthread worker (deploy/gunicorn.conf.py's ``worker_class``) has the same refusals: no
    server of Ascolto logs a client's address for a request it could not parse."""
    from deploy.gunicorn_errors import JsonErrors
    from deploy.gunicorn_worker import ThreadWorker

    assert ThreadWorker.handle_error is JsonErrors.handle_error
