"""Schema-driven fuzzing of the public API from its own /openapi.json: no input produces a 5xx."""
from __future__ import annotations

import json
import uuid

import pytest
import schemathesis
from schemathesis import GenerationMode
from hypothesis import HealthCheck, given, settings as hsettings

from settings import Settings
from collector.app import close_app, create_app
from deploy.broker import ensure_topics
from registry import connect
from registry.demo import seed
from tests.conftest import WIDGET


@pytest.fixture(scope="module")
def fuzz_app(broker, tmp_path_factory):
    tag = uuid.uuid4().hex[:8]
    s = Settings(data_dir=tmp_path_factory.mktemp("fuzz"), broker=broker.bootstrap, topic=f"fz-{tag}",
                 collector_id="fuzz", produce_timeout_s=5.0, rate_limit_enabled=False)
    ensure_topics(broker.bootstrap, {s.topic: 1})
    seed(connect(s.database_url), ["https://www.comune.roma.it"])
    app = create_app(s)
    yield app
    close_app(app)


POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
OPERATIONS = [("POST", "/v1/submissions", POSITIVE), ("POST", "/v1/submissions", NEGATIVE),
              ("GET", "/v1/services/{key}/questionnaire", POSITIVE),
              ("GET", "/v1/services/{key}/questionnaire", NEGATIVE),
              ("GET", "/readyz", POSITIVE), ("GET", "/healthz", POSITIVE), ("GET", "/openapi.json", POSITIVE),
              ("POST", "/v1/funnel", POSITIVE), ("POST", "/v1/funnel", NEGATIVE),
              ("GET", "/v1/services/{key}/kiosk", NEGATIVE)]


@pytest.mark.parametrize("method, path, mode", OPERATIONS, ids=lambda v: getattr(v, "value", v))
def test_no_input_produces_a_server_error(fuzz_app, method, path, mode):
    schema = schemathesis.openapi.from_wsgi("/openapi.json", fuzz_app)
    operation = schema[path][method]
    # Schemathesis' pytest plugin does not support pytest 9 yet: drive its strategies with Hypothesis.

    @given(case=operation.as_strategy(generation_mode=mode))
    @hsettings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
               database=None)
    def check(case):
        response = case.call(headers=WIDGET)  # a browser's post: without it, every post is a 401
        assert response.status_code < 500, (response.status_code, response.text[:500])
        if response.status_code >= 400 and response.headers.get("Content-Type", "").startswith("application/json"):
            assert set(response.json()) == {"error", "message", "fields"}

    check()


# --- a corpus of inputs that once reached a 500 (issue 11): each a 4xx naming its field, or accepted ---

def _body(**over) -> dict:
    body = {"submission_id": str(uuid.uuid4()), "service": "demo-roma-anagrafe", "questionnaire": "cx-core",
            "version": 1, "lang": "it", "channel": "web",
            "answers": {"satisfaction": 4, "ease": 5, "task": "yes", "went_well": ["clarity"]}, "context": {}}
    for k, v in over.items():
        body[k] = v
    return body


def _raw(body: dict, **replace: str) -> bytes:
    """``body`` as JSON text, with placeholders replaced by raw JSON (escapes json.dumps would not write)."""
    text = json.dumps(body)
    for k, v in replace.items():
        text = text.replace(f'"@{k}@"', v)
    return text.encode()


DEEP = 5000  # deeper than the JSON parser's recursion limit, well under the 16 KB body limit
CORPUS = [  # id, raw body, expected status, the field the error names (None: accepted)
    ("lone-surrogate-in-comment",
     _raw(_body(answers={"satisfaction": 4, "ease": 5, "task": "yes", "went_well": ["clarity"], "comment": "@c@"}),
          c='"ok \\ud800 grazie"'), 202, None),
    ("lone-low-surrogate-in-context", _raw(_body(context={"page": "@p@"}), p='"/x\\udfff"'), 202, None),
    ("surrogate-as-answer-key", _raw(_body(answers={"@k@": 1}), k='"\\ud800"'),
     422, "answers.\ufffd"),
    ("fill-ms-superscript", _raw(_body(context={"fill_ms": "²"})), 400, "context.fill_ms"),
    ("fill-ms-arabic-indic", _raw(_body(context={"fill_ms": "٣٠٠٠"})), 400, "context.fill_ms"),
    ("nested-arrays-as-body", b"[" * DEEP + b"]" * DEEP, 400, "body"),
    ("nested-arrays-in-answers", _raw(_body(answers={"went_well": "@n@"}), n="[" * DEEP + "]" * DEEP), 400, "body"),
    ("nested-objects-in-context", _raw(_body(context="@n@"), n='{"a":' * 40 + "1" + "}" * 40), 400, "context"),
    ("nested-lists-in-answers", _raw(_body(answers="@n@"), n='{"went_well":' + "[" * 20 + "]" * 20 + "}"), 400,
     "answers"),
]


@pytest.mark.parametrize("raw, status, field", [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_the_corpus_of_past_server_errors_gets_a_4xx_naming_the_field(fuzz_app, raw, status, field):
    resp = fuzz_app.test_client().post("/v1/submissions", data=raw, content_type="application/json", headers=WIDGET)
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    if field is not None:
        payload = resp.get_json()
        assert set(payload) == {"error", "message", "fields"} and field in payload["fields"], payload
