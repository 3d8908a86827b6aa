"""The public intake, against a real broker: what a PA site and a citizen's browser see."""
from __future__ import annotations

import json

import pytest
from kafka import KafkaConsumer

from collector.app import close_app, create_app
from tests.conftest import ORIGIN, submission, WIDGET


def _consume(settings, n: int, topic: str | None = None) -> list:
    consumer = KafkaConsumer(topic or settings.topic, bootstrap_servers=settings.broker,
                             auto_offset_reset="earliest", consumer_timeout_ms=5000, enable_auto_commit=False)
    records = []
    for rec in consumer:
        records.append(rec)
        if len(records) >= n:
            break
    consumer.close()
    return records


def test_valid_submission_is_acknowledged_and_lands_on_the_topic(client, settings):
    body = submission(comment="Tutto bene")
    resp = client.post("/v1/submissions", json=body, headers={"Origin": ORIGIN, "User-Agent": "Mozilla/5.0 (iPhone; Mobile)"})
    assert resp.status_code == 202
    assert resp.get_json() == {"submission_id": body["submission_id"], "status": "accepted"}
    assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Set-Cookie" not in resp.headers

    [record] = _consume(settings, 1)
    assert record.key == b"demo-roma-anagrafe"
    envelope = json.loads(record.value)
    assert envelope["schema"] == "ascolto.submission/1"
    assert envelope["device"] == "mobile"
    assert envelope["collector"] == "test-collector"
    assert envelope["submission"]["answers"] == body["answers"]
    assert "Mozilla" not in record.value.decode() and "127.0.0.1" not in record.value.decode()


def test_a_post_with_neither_origin_nor_token_is_refused_naming_both_and_saying_how_to_get_a_token(client):
    """The public service key alone is not enough, also for an administration with no back-end token
    yet (Roma's here): a script posting without an Origin is not a browser and must authenticate."""
    resp = client.post("/v1/submissions", json=submission())
    assert resp.status_code == 401, resp.get_json()
    body = resp.get_json()
    assert body["error"] == "backend_token_required" and set(body["fields"]) == {"Origin", "authorization"}
    assert "ascolto registry token create --role backend --entity c_h501" in body["message"]
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.post("/v1/submissions", json=submission(), headers=WIDGET).status_code == 202


@pytest.mark.parametrize("mutate, status, error, field", [
    (lambda b: b.pop("submission_id"), 400, "malformed", "submission_id"),
    (lambda b: b.update(submission_id="not-a-uuid"), 400, "malformed", "submission_id"),
    (lambda b: b.update(version="1"), 400, "malformed", "version"),
    (lambda b: b.update(lang="es"), 400, "malformed", "lang"),
    (lambda b: b.update(answers=[1, 2]), 400, "malformed", "answers"),
    (lambda b: b.update(extra=True), 400, "malformed", "extra"),
    (lambda b: b.update(context={"page": "x" * 600}), 400, "malformed", "context.page"),
    (lambda b: b.update(service="nope"), 404, "unknown_service", "service"),
    (lambda b: b.update(questionnaire="faccia"), 409, "questionnaire_not_assigned", "questionnaire"),
    (lambda b: b.update(version=7), 409, "questionnaire_not_assigned", "version"),
    (lambda b: b["answers"].update(satisfaction=9), 422, "invalid_answers", "answers.satisfaction"),
    (lambda b: b["answers"].pop("satisfaction"), 422, "invalid_answers", "answers.satisfaction"),
    (lambda b: b["answers"].update(task="maybe"), 422, "invalid_answers", "answers.task"),
    (lambda b: b["answers"].update(unknown_item=1), 422, "invalid_answers", "answers.unknown_item"),
    (lambda b: b["answers"].update(satisfaction=2), 422, "invalid_answers", "answers.went_well"),  # branching
    (lambda b: b["answers"].update(comment="x" * 501), 422, "invalid_answers", "answers.comment"),
])
def test_invalid_bodies_get_a_4xx_naming_the_field(client, mutate, status, error, field):
    body = submission()
    mutate(body)
    resp = client.post("/v1/submissions", json=body, headers=WIDGET)
    assert resp.status_code == status, resp.get_json()
    payload = resp.get_json()
    assert payload["error"] == error
    assert field in payload["fields"], payload
    assert payload["message"]


@pytest.mark.parametrize("data, content_type, status, field", [
    (b"{not json", "application/json", 400, "body"),
    (b"[1, 2]", "application/json", 400, "body"),
    (b"\xff\xfe", "application/json", 400, "body"),
    (b"null", "application/json", 400, "body"),
    (b"a=1", "application/x-www-form-urlencoded", 415, "Content-Type"),
    (b"{}", "text/plain", 415, "Content-Type"),
    (b"{}", "application/json", 400, "submission_id"),
    (b'{"answers": ' + b'"x"' * 1 + b', "pad": "' + b"y" * 20000 + b'"}', "application/json", 413, "body"),
])
def test_malformed_requests_never_produce_a_5xx(client, data, content_type, status, field):
    resp = client.post("/v1/submissions", data=data, content_type=content_type, headers=WIDGET)
    assert resp.status_code == status
    assert field in resp.get_json()["fields"]


def test_origin_not_allowed_is_refused(client):
    resp = client.post("/v1/submissions", json=submission(), headers={"Origin": "https://evil.example"})
    assert resp.status_code == 403
    assert resp.get_json()["fields"] == {"Origin": ["Not among the service's allowed origins."]}


def test_inactive_service_is_refused(client, settings):
    from registry import Service, connect, session_scope

    with session_scope(connect(settings.database_url)) as s:
        s.get(Service, "demo-inps-pensione").active = False
    resp = client.post("/v1/submissions", json=submission("demo-inps-pensione"), headers=WIDGET)
    assert resp.status_code == 404
    assert resp.get_json()["error"] == "inactive_service"


def test_unknown_routes_and_methods_answer_json(client):
    assert client.get("/nope").get_json()["error"] == "not_found"
    resp = client.get("/v1/submissions")
    assert resp.status_code == 405 and resp.get_json()["error"] == "method_not_allowed"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_a_wrong_method_is_a_405_naming_the_method_and_the_allowed_ones(client, method):
    """Field test: GET or PUT on /v1/submissions answered 405 with empty ``fields``; every 4xx names
    the field and the problem, and here the field is the method."""
    resp = client.open("/v1/submissions", method=method)
    assert resp.status_code == 405 and resp.headers["Allow"] == "POST, OPTIONS"
    assert resp.get_json()["fields"] == {"method": [f"{method} is not allowed here; allowed: POST, OPTIONS."]}


def test_preflight_allows_json_posts(client):
    resp = client.options("/v1/submissions", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Content-Type" in resp.headers["Access-Control-Allow-Headers"]


def test_questionnaire_is_rendered_per_language_with_etag(client):
    resp = client.get("/v1/services/demo-roma-anagrafe/questionnaire?lang=en")
    assert resp.status_code == 200
    doc = resp.get_json()
    assert (doc["id"], doc["version"], doc["lang"]) == ("cx-core", 1, "en")
    assert doc["items"][0]["label"] == "Overall, how satisfied are you with the service?"
    # the widget names its form, dialog and button by the service: two on one page are told apart;
    # in the page's language where the registry has it (registry.demo.NAMES; tests/test_names.py)
    assert (doc["service"], doc["service_name"]) == ("demo-roma-anagrafe", "Online civil registry certificates")
    assert "service_name_lang" not in doc
    again = client.get("/v1/services/demo-roma-anagrafe/questionnaire?lang=en",
                       headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304
    # cx-core is translated into German; untranslated texts would fall back to Italian
    # (tests/test_questionnaires.py covers the fallback).
    de = client.get("/v1/services/demo-roma-anagrafe/questionnaire?lang=de").get_json()
    assert de["items"][0]["label"] == "Wie zufrieden sind Sie insgesamt mit dem Dienst?"
    assert client.get("/v1/services/nope/questionnaire").status_code == 404


@pytest.mark.parametrize("asked,lang", [("EN", "en"), ("en-GB", "en"), ("de_AT", "de"), (" fr ", "fr"), ("xx", "it"), ("", "it")])
def test_the_questionnaire_reads_the_language_as_the_form_does(client, asked, lang):
    """?lang=en-GB (or EN) got the Italian questionnaire while the form at the same ?lang= was English."""
    from urllib.parse import quote

    doc = client.get(f"/v1/services/demo-roma-anagrafe/questionnaire?lang={quote(asked)}").get_json()
    form = client.get(f"/v1/services/demo-roma-anagrafe/form?lang={quote(asked)}").get_data(as_text=True)
    assert doc["lang"] == lang and f'<html lang="{lang}">' in form


def test_widget_is_served_small_and_cacheable(client):
    import gzip

    resp = client.get("/widget.js")
    assert resp.status_code == 200
    assert resp.mimetype == "application/javascript"
    assert len(gzip.compress(resp.data)) <= 15 * 1024
    assert b"document.cookie" not in resp.data and b"localStorage" not in resp.data
    assert resp.headers["ETag"]


def test_health(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200


def test_broker_down_gives_503_with_retry_after_not_a_crash(settings):
    from deploy.broker import free_port

    app = create_app(settings.with_(broker=f"127.0.0.1:{free_port()}", produce_timeout_s=1.0, spool_max_bytes=0))
    try:
        resp = app.test_client().post("/v1/submissions", json=submission(), headers=WIDGET)
        assert resp.status_code == 503
        assert resp.headers["Retry-After"]
        assert resp.get_json()["error"] == "unavailable"
        assert app.test_client().get("/readyz").status_code == 503
    finally:  # its shipper retries the absent broker until stopped (and logged into later tests)
        close_app(app)


@pytest.mark.parametrize("context, status, field", [
    ({"hp": "http://spam.example"}, 422, "context.hp"),
    ({"fill_ms": "300"}, 422, "context.fill_ms"),
    ({"fill_ms": "soon"}, 400, "context.fill_ms"),
])
def test_bots_are_refused_by_honeypot_and_minimum_fill_time(client, context, status, field):
    body = submission()
    body["context"].update(context)
    resp = client.post("/v1/submissions", json=body, headers=WIDGET)
    assert resp.status_code == status
    assert field in resp.get_json()["fields"]


def test_a_person_filling_the_widget_passes_the_bot_checks(client):
    body = submission()
    body["context"].update(hp="", fill_ms="8200")
    assert client.post("/v1/submissions", json=body, headers=WIDGET).status_code == 202


def test_openapi_describes_every_endpoint_and_error(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    post = spec["paths"]["/v1/submissions"]["post"]
    assert set(post["responses"]) == {"202", "400", "401", "403", "404", "409", "413", "415", "422", "429", "503"}
    assert post["security"] == [{}, {"backendToken": []}]  # optional: a back end's Authorization: Bearer
    assert {"/v1/services/{key}/questionnaire", "/widget.js", "/healthz", "/readyz", "/metrics"} <= set(spec["paths"])
    assert "submission_id" in spec["components"]["schemas"]["Submission"]["required"]
    questionnaire = spec["paths"]["/v1/services/{key}/questionnaire"]["get"]["responses"]
    assert set(questionnaire) == {"200", "304", "403", "404", "409", "412", "429", "503"}  # 403: an origin not allowed; 429: ASCOLTO_RATE_LIMIT_GET


def test_metrics_count_accepted_and_rejected_by_reason(client):
    client.post("/v1/submissions", json=submission(), headers=WIDGET)
    client.post("/v1/submissions", json=submission(service="nope"), headers=WIDGET)
    text = client.get("/metrics").get_data(as_text=True)
    assert 'ascolto_submissions_accepted_total{path="spool"}' in text  # every 202: fsynced in the spool
    assert 'ascolto_submissions_rejected_total{reason="unknown_service",service="unknown"}' in text
    assert "ascolto_produce_seconds_bucket" in text and "ascolto_spool_bytes" in text


def test_every_collector_response_says_nosniff(client):
    """Issue 11.11: successes, errors of each kind, the widget, the form pages, even a 405."""
    answers = [client.get("/widget.js"), client.get("/healthz"), client.get("/metrics"),
               client.get("/openapi.json"), client.get("/v1/services/demo-roma-anagrafe/questionnaire"),
               client.get("/v1/services/nope/questionnaire"), client.get("/no/such/route"),
               client.delete("/v1/submissions"), client.post("/v1/submissions", data=b"{", content_type="application/json", headers=WIDGET),
               client.post("/v1/submissions", json=submission(), headers=WIDGET), client.get("/readyz")]
    for resp in answers:
        assert resp.headers.get("X-Content-Type-Options") == "nosniff", (resp.request.path, resp.status_code)


def _backend_token(settings, entity: str = "c_h501") -> str:
    """A new ``backend`` token of ``entity`` (Roma Capitale: the demo services' default entity)."""
    from registry import connect, session_scope
    from registry.tokens import create_token

    with session_scope(connect(settings.database_url)) as s:
        return create_token(s, role="backend", label="back end", actor="test:admin", entity=entity)[1]


def test_the_202_carries_exactly_its_documented_headers_with_and_without_an_origin(client, settings):
    """The accepted answer's headers, all of them (issue 18 built the response and read the request
    headers more cheaply: nothing may change on the wire)."""
    body = submission()
    resp = client.post("/v1/submissions", json=body, headers={"Origin": ORIGIN})
    expected = b'{"submission_id":"%s","status":"accepted"}' % body["submission_id"].encode()
    assert (resp.status, resp.get_data()) == ("202 ACCEPTED", expected)
    assert sorted(resp.headers.items()) == sorted([
        ("Content-Type", "application/json"), ("Content-Length", str(len(expected))),
        ("X-Content-Type-Options", "nosniff"), ("Access-Control-Allow-Origin", ORIGIN),
        ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"), ("Access-Control-Allow-Headers", "Content-Type"),
        ("Access-Control-Expose-Headers", "Retry-After, ETag"), ("Access-Control-Max-Age", "86400"),
        ("Vary", "Origin")])
    body = submission()
    resp = client.post("/v1/submissions", json=body, headers={"Authorization": f"Bearer {_backend_token(settings)}"})
    assert resp.status_code == 202
    assert sorted(resp.headers.items()) == sorted([
        ("Content-Type", "application/json"), ("Content-Length", str(len(expected))),
        ("X-Content-Type-Options", "nosniff")])


def _chunked(client, path: str, data: bytes, content_type: str):
    """A POST without Content-Length, as gunicorn hands a ``Transfer-Encoding: chunked`` body over:
    a stream it terminates itself (``wsgi.input_terminated``)."""
    import io

    return client.post(path, input_stream=io.BytesIO(data), content_type=content_type,
                       headers={"Transfer-Encoding": "chunked", **WIDGET}, environ_overrides={"wsgi.input_terminated": True})


def test_a_chunked_body_over_the_limit_is_a_413_naming_the_body_and_the_limit_not_a_cut_body(client, settings):
    """Field test: a valid 1 MB JSON body sent chunked got 400 "Unterminated string" (the stream was
    silently cut at the limit); with Content-Length it got 413. Both must say 413 and the limit."""
    limit = settings.max_request_bytes
    big = json.dumps(dict(submission(), pad="y" * (1 << 20))).encode()
    expected = {"body": [f"Larger than the limit of {limit} bytes."]}
    for resp in (_chunked(client, "/v1/submissions", big, "application/json"),
                 client.post("/v1/submissions", data=big, content_type="application/json", headers=WIDGET)):
        assert resp.status_code == 413 and resp.get_json()["fields"] == expected, resp.get_json()
        assert str(limit) in resp.get_json()["message"]
    # a chunked body that fits (exactly the limit, or under) is read whole
    ok = json.dumps(submission()).encode()
    assert _chunked(client, "/v1/submissions", ok, "application/json").status_code == 202
    exact = json.dumps(dict(submission(), context={"page": ""})).encode()
    exact = exact.replace(b'"page": ""', b'"page": "' + b"p" * (limit - len(exact)) + b'"')
    assert len(exact) == limit
    resp = _chunked(client, "/v1/submissions", exact, "application/json")
    assert resp.status_code == 400 and "context.page" in resp.get_json()["fields"]  # read whole: the page is too long


@pytest.mark.parametrize("sid", ["00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"])
def test_the_nil_and_max_uuids_are_refused_as_submission_id_naming_the_field(client, sid):
    """Field test: the nil UUID was accepted as a retry key — every answer of such a client would be
    stored once, as a retry of the first. A retry key must be random."""
    resp = client.post("/v1/submissions", json=dict(submission(), submission_id=sid), headers={"Origin": ORIGIN})
    assert resp.status_code == 400 and list(resp.get_json()["fields"]) == ["submission_id"]
    assert "random" in resp.get_json()["fields"]["submission_id"][0]


@pytest.mark.parametrize("where, status, field", [
    ("answers", 422, "answers.satisfaction"), ("version", 400, "version")])
def test_an_integer_too_long_for_python_is_refused_naming_its_field_without_python_internals(client, where, status, field):
    """Field test: a 5000-digit integer got a 400 on "body" whose message ended in "use
    sys.set_int_max_str_digits()". It is a number nobody can mean: refused naming its field."""
    huge = "1" + "0" * 5000
    body = json.dumps(submission(satisfaction=1, went_well=None)).replace('"satisfaction": 1', '"satisfaction": ' + huge) \
        if where == "answers" else json.dumps(submission()).replace('"version": 1', '"version": ' + huge)
    resp = client.post("/v1/submissions", data=body, content_type="application/json", headers={"Origin": ORIGIN})
    doc = resp.get_json()
    assert resp.status_code == status and list(doc["fields"]) == [field], doc
    assert "sys." not in json.dumps(doc) and "digits" not in json.dumps(doc)


def test_control_characters_are_removed_from_free_text_and_blank_text_is_unanswered(client, settings):
    """Field test: a comment "a\\u0000b" was accepted and stored verbatim (then republished in the
    entity workspace and comments.csv); a blank comment was stored as a comment. At intake, before
    redaction and the log: C0 controls but \\t \\n \\r, DEL and C1 go; blank text is unanswered."""
    dirty = submission(comment="a\x00b\x1b[31m\x7f\x85c\tok\r\nend")
    blank = submission(comment=" \t\n\x00 ")
    for body in (dirty, blank):
        assert client.post("/v1/submissions", json=body, headers={"Origin": ORIGIN}).status_code == 202
    docs = [json.loads(r.value) for r in _consume(settings, 2)]
    got = {env["submission"]["submission_id"]: env["submission"]["answers"]
           for doc in docs for env in doc.get("envelopes", [doc])}
    assert got[dirty["submission_id"]]["comment"] == "ab[31mc\tok\r\nend"
    assert "comment" not in got[blank["submission_id"]]
    assert got[blank["submission_id"]] == {k: v for k, v in blank["answers"].items() if k != "comment"}


def test_the_page_path_is_made_durable_without_its_query_string_or_fragment(client, settings):
    """A back end (or an app) posting the page's whole address: "/certificati/esito?sessione=Zx81kQp2&
    utente=mrossi80#esito" was written as sent to the collector's log and the topic — a session token
    and a user name kept for the topic's retention — although only the processor dropped the query
    string (docs/operations.md: "page paths lose their query strings ... before storage"); and so was
    any other context key ("user_id"), which nothing reads."""
    body = submission()
    body["context"] = {"page": "/certificati/esito?sessione=Zx81kQp2&utente=mrossi80#esito", "hp": "",
                       "user_id": "mrossi80", "pratica": "Zx81kQp2"}  # keys nothing reads: not kept either
    assert client.post("/v1/submissions", json=body, headers={"Origin": ORIGIN}).status_code == 202
    [record] = _consume(settings, 1)
    doc = json.loads(record.value)
    [env] = doc.get("envelopes", [doc])
    assert env["submission"]["context"] == {"page": "/certificati/esito", "hp": ""}
    spooled = b"".join(p.read_bytes() for p in settings.spool_dir.rglob("*") if p.is_file())
    assert body["submission_id"].encode() in spooled  # the collector's log holds the submission
    for secret in (b"Zx81kQp2", b"mrossi80", b"#esito"):
        assert secret not in record.value and secret not in spooled, secret


def test_personal_identifiers_in_the_page_path_are_replaced_before_the_log(client, settings):
    """Privacy red team, round 4: "/utente/mrossi85/pratiche" was written to the collector's log and the
    topic as sent (the free-text redactor sees no personal datum in "mrossi85"); the segment is now
    "[ID]" there already, the path's shape kept."""
    body = submission()
    body["context"] = {"page": "/utente/mrossi85/pratiche/98765432", "hp": ""}
    assert client.post("/v1/submissions", json=body, headers={"Origin": ORIGIN}).status_code == 202
    [record] = _consume(settings, 1)
    doc = json.loads(record.value)
    [env] = doc.get("envelopes", [doc])
    assert env["submission"]["context"] == {"page": "/utente/[ID]/pratiche/[ID]", "hp": ""}
    spooled = b"".join(p.read_bytes() for p in settings.spool_dir.rglob("*") if p.is_file())
    assert body["submission_id"].encode() in spooled
    for secret in (b"mrossi85", b"98765432"):
        assert secret not in record.value and secret not in spooled, secret


def test_an_unreachable_registry_is_a_counted_503_to_retry_not_an_internal_error(settings, caplog):
    """PostgreSQL down (or failing over) once the services' cache entries expired: every request used to
    answer 500 "internal" with a traceback in the log per request, and no refusal was counted, so the
    metrics said nothing. Now 503 registry_unavailable with Retry-After (the widget keeps the answer and
    retries), counted, one log line each; the no-JS form gets its page."""
    import logging

    from collector import metrics

    down = settings.with_(database_url="postgresql+psycopg2://ascolto@127.0.0.1:1/ascolto")
    app = create_app(down)
    try:
        client = app.test_client()
        before = metrics.REJECTED.labels("registry_unavailable", "unknown")._value.get()
        with caplog.at_level(logging.WARNING):
            resp = client.post("/v1/submissions", json=submission(), headers={"Origin": ORIGIN})
            page = client.get("/v1/services/demo-roma-anagrafe/form")
        assert resp.status_code == 503 and resp.headers["Retry-After"] == "30"
        assert resp.get_json()["error"] == "registry_unavailable"
        assert resp.get_json()["fields"] == {"registry": ["The service registry cannot be reached; retry later."]}
        assert page.status_code == 503 and page.mimetype == "text/html" and page.headers["Retry-After"] == "30"
        assert metrics.REJECTED.labels("registry_unavailable", "unknown")._value.get() == before + 2
        lines = [r for r in caplog.records if "registry unreachable" in r.getMessage()]
        assert len(lines) == 2 and not any(r.exc_info for r in lines)
    finally:
        close_app(app)


def test_a_postgresql_registry_not_migrated_is_a_503_naming_the_fix_not_an_internal_error(settings, caplog):
    """A collector pointed at a PostgreSQL registry nobody migrated answered 500 "internal" with an
    UndefinedTable traceback per request (SQLite's "no such table" already gave 503). Now the same
    503 registry_unavailable as an unreachable registry, and the log names `ascolto registry migrate`."""
    import logging

    from sqlalchemy import create_engine, text as sql

    from tests.registry_support import postgres

    base, reason = postgres()
    if base is None:
        pytest.skip(reason)
    schema = f"ascolto_test_{__import__('uuid').uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(sql(f'CREATE SCHEMA "{schema}"'))
    app = create_app(settings.with_(database_url=f"{base}?options=-csearch_path%3D{schema}"))
    try:
        with caplog.at_level(logging.WARNING):
            resp = app.test_client().post("/v1/submissions", json=submission(), headers={"Origin": ORIGIN})
        assert resp.status_code == 503 and resp.get_json()["error"] == "registry_unavailable"
        assert any("ascolto registry migrate" in r.getMessage() for r in caplog.records)
        assert not any(r.exc_info for r in caplog.records)
    finally:
        close_app(app)
        with admin.begin() as conn:
            conn.execute(sql(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
