"""What a PA developer integrating the API reads back: every 4xx names the offending field the way
the rest of the API names it (``answers.satisfaction``, ``context.fill_ms``: one dotted name per
field), with a problem they can act on. Through the real collector app (``client`` fixture)."""
from __future__ import annotations

import uuid

from tests.conftest import WIDGET, submission


def _post(client, body, path="/v1/submissions", headers=WIDGET):
    return client.post(path, json=body, headers=headers)


def test_a_context_value_of_the_wrong_type_is_named_by_its_dotted_name(client):
    # a back end that sends the page as a number (the fill time may be one: tests/test_integrator_fill_ms.py)
    body = dict(submission(), context={"page": 404, "fill_ms": 5000})
    r = _post(client, body)
    assert r.status_code == 400
    assert r.json["fields"] == {"context.page": ["Not a valid string."]}


def test_a_too_long_page_is_named_context_page(client):
    r = _post(client, dict(submission(), context={"page": "/" + "a" * 600}))
    assert r.status_code == 400
    assert r.json["fields"] == {"context.page": ["Longer than maximum length 512."]}


def test_a_too_long_context_name_says_it_is_the_name(client):
    name = "k" * 40
    r = _post(client, dict(submission(), context={name: "x"}))
    assert r.status_code == 400
    assert r.json["fields"] == {f"context.{name}": ["The name: Longer than maximum length 32."]}


def test_top_level_problems_keep_their_plain_names(client):
    r = _post(client, {"submission_id": "abc", "service": 5, "questionnaire": "cx-core", "version": "1",
                       "answers": {}, "extra": 1})
    assert r.status_code == 400
    assert r.json["fields"] == {"submission_id": ["Not a valid UUID."], "service": ["Not a valid string."],
                                "version": ["Not a valid integer."], "extra": [
                                    "Unknown field. A submission has: submission_id, service, questionnaire, "
                                    "version, lang, channel, answers, context, test."]}


def test_every_field_of_a_refusal_is_a_flat_list_of_words(client):
    bad = [dict(submission(), context={"page": {"nested": 1}}), dict(submission(), context="x"),
           {"report_id": "x", "service": ["a"], "impressions": "1"}]
    for path, body in zip(["/v1/submissions", "/v1/submissions", "/v1/funnel"], bad):
        r = _post(client, body, path)
        assert r.status_code == 400, (path, r.json)
        assert r.json["fields"] and all(isinstance(v, list) and all(isinstance(m, str) for m in v)
                                        for v in r.json["fields"].values()), r.json
    assert r.json["fields"] == {"report_id": ["Not a valid UUID."], "service": ["Not a valid string."],
                                "impressions": ["Not a valid integer."]}
    assert _post(client, {"report_id": str(uuid.uuid4()), "service": "demo-roma-anagrafe", "impressions": 1},
                 "/v1/funnel").status_code == 202


def test_a_body_not_in_utf8_says_so_and_where(client):
    body = b'{"comment": "perch\xe9"}'  # a back end that encodes its JSON in Latin-1
    r = client.post("/v1/submissions", data=body, content_type="application/json", headers=WIDGET)
    assert r.status_code == 400
    assert r.json["message"] == "The body is not UTF-8: encode the JSON in UTF-8."
    assert r.json["fields"] == {"body": [f"Byte 0xe9 at offset {body.index(0xe9)} is not UTF-8."]}


def test_a_funnel_report_in_another_type_is_not_called_a_submission(client):
    r = client.post("/v1/funnel", data="{}", content_type="text/plain", headers=WIDGET)
    assert r.status_code == 415
    assert r.json["message"] == "Send the body as application/json."
    assert r.json["fields"] == {"Content-Type": ["Must be application/json, got 'text/plain'."]}


def test_a_mistyped_endpoint_names_the_path_and_where_the_endpoints_are(client):
    r = client.post("/v1/submission", json=submission(), headers=WIDGET)  # singular: a typo
    assert r.status_code == 404 and r.json["error"] == "not_found"
    assert r.json["fields"] == {"path": ["No endpoint '/v1/submission' in this API; "
                                         "its endpoints are listed at /openapi.json."]}
    # an unknown service is still named as the service, not as the path
    r = client.get("/v1/services/no-such-service/questionnaire")
    assert r.status_code == 404 and r.json["fields"] == {"service": ["Unknown service."]}


def test_the_readmes_back_end_example_is_accepted_as_written(client, settings):
    """The README's curl example, its body and headers as printed, with a back-end token of INPS."""
    import re
    import shlex
    from pathlib import Path

    from registry import connect, session_scope
    from registry.tokens import create_token

    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    example = re.search(r"```sh\n(?:export ASCOLTO_BACKEND_TOKEN=.*\n)?(curl -X POST http://127\.0\.0\.1:8000/v1/submissions .*?)```", readme, re.S).group(1)
    with session_scope(connect(settings.database_url)) as s:
        secret = create_token(s, role="backend", label="INPS - inoltro risposte", actor="test", entity="inps")[1]
    words = shlex.split(example.replace("\\\n", " ").replace("$ASCOLTO_BACKEND_TOKEN", secret))
    headers = dict(h.split(": ", 1) for flag, h in zip(words, words[1:]) if flag == "-H")
    data = words[words.index("-d") + 1]
    r = client.post("/v1/submissions", data=data, headers=headers)
    assert r.status_code == 202 and r.json["status"] == "accepted", r.json
    del headers["Authorization"]  # what the README says of a post with neither an Origin nor a token
    r = client.post("/v1/submissions", data=data, headers=headers)
    assert r.status_code == 401 and set(r.json["fields"]) == {"Origin", "authorization"}


def test_an_origin_typed_with_a_path_is_told_the_origin_browsers_send(client):
    # a developer trying the API with curl pastes the site's address as the Origin
    for typed, meant in [("https://www.comune.roma.it/", "https://www.comune.roma.it"),
                         ("HTTPS://WWW.Comune.Roma.it", "https://www.comune.roma.it"),
                         ("https://www.comune.roma.it:443/servizi", "https://www.comune.roma.it")]:
        for r in (client.post("/v1/submissions", json=submission(), headers={"Origin": typed}),
                  client.get("/v1/services/demo-roma-anagrafe/questionnaire", headers={"Origin": typed})):
            assert r.status_code == 403
            assert r.json["fields"]["Origin"] == [
                "Not among the service's allowed origins.",
                f"An origin is scheme://host[:port] in lower case, without a path: {meant!r}, as browsers send it."]
    # an origin in the browsers' form that is simply not allowed gets no hint
    r = client.post("/v1/submissions", json=submission(), headers={"Origin": "https://evil.example"})
    assert r.json["fields"] == {"Origin": ["Not among the service's allowed origins."]}


def test_the_questionnaire_varies_by_origin_even_when_asked_without_one(client):
    """Cacheable for 5 minutes: the copy a cache keeps for a request without ``Origin`` (the URL opened
    in a tab, a crawler) must not be served to the widget's request, which needs the CORS header."""
    plain = client.get("/v1/services/demo-roma-anagrafe/questionnaire?lang=it")
    assert plain.status_code == 200 and "public" in plain.headers["Cache-Control"]
    assert "Origin" in plain.headers.get("Vary", "")
    assert "Access-Control-Allow-Origin" not in plain.headers
    widget = client.get("/v1/services/demo-roma-anagrafe/questionnaire?lang=it", headers=WIDGET)
    assert widget.headers["Access-Control-Allow-Origin"] == WIDGET["Origin"] and "Origin" in widget.headers["Vary"]


def test_a_questionnaire_precondition_not_met_is_an_error_naming_the_header(client):
    """werkzeug answered a failed ``If-Match`` with a 412 whose body was the questionnaire itself."""
    url = "/v1/services/demo-roma-anagrafe/questionnaire"
    etag = client.get(url, headers=WIDGET).headers["ETag"]
    assert client.get(url, headers={**WIDGET, "If-Match": etag}).status_code == 200
    r = client.get(url, headers={**WIDGET, "If-Match": '"stale"'})
    assert r.status_code == 412 and r.json["error"] == "precondition_failed"
    assert r.json["fields"] == {"If-Match": [f"Not met: the questionnaire's ETag is {etag}."]}
    assert r.headers["Access-Control-Allow-Origin"] == WIDGET["Origin"]


def test_a_service_assigned_an_unpublished_questionnaire_is_named_in_the_409(client, settings):
    """Every 4xx names the field: here the service, whose assignment (a version not published) is at fault."""
    from sqlalchemy import update

    from registry import connect, session_scope
    from registry.models import Service

    with session_scope(connect(settings.database_url)) as s:
        s.execute(update(Service).where(Service.key == "demo-roma-anagrafe").values(questionnaire_version=99))
    r = client.get("/v1/services/demo-roma-anagrafe/questionnaire", headers=WIDGET)
    assert r.status_code == 409 and r.json["error"] == "questionnaire_not_assigned"
    assert r.json["fields"] == {"service": ["Assigned cx-core version 99, which is not a published questionnaire: "
                                            "ask the national team."]}


def test_a_compressed_body_is_refused_naming_content_encoding(client):
    """A back end whose HTTP client compresses its requests read "Byte 0x8b at offset 1 is not UTF-8"."""
    import gzip
    import json

    r = client.post("/v1/submissions", data=gzip.compress(json.dumps(submission()).encode()),
                    content_type="application/json", headers={**WIDGET, "Content-Encoding": "gzip"})
    assert r.status_code == 415 and r.json["message"] == "Send the body uncompressed."
    assert r.json["fields"] == {"Content-Encoding": ["Not supported: 'gzip'; send the JSON as it is, "
                                                     "without Content-Encoding."]}
    # a readable body is read whatever the header says (identity is the absence of a coding)
    r = client.post("/v1/submissions", json=submission(), headers={**WIDGET, "Content-Encoding": "identity"})
    assert r.status_code == 202


def test_a_wrong_version_names_only_the_version_and_what_was_sent(client):
    """A back end posting cx-core version 7 read "questionnaire: Expected 'cx-core'" beside the version,
    as if the questionnaire it had right were wrong too: the 409 names only the fields that differ."""
    r = _post(client, dict(submission(), version=7))
    assert r.status_code == 409 and r.json["error"] == "questionnaire_not_assigned"
    assert r.json["fields"] == {"version": ["Expected 1, got 7."]}
    r = _post(client, dict(submission(), questionnaire="faccia"))
    assert r.json["fields"] == {"questionnaire": ["Expected 'cx-core', got 'faccia'."]}
    r = _post(client, dict(submission(), questionnaire="faccia", version=2))
    assert set(r.json["fields"]) == {"questionnaire", "version"}
