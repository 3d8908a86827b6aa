"""A PA web developer's walkthrough (3 December 2026): each refusal they met names the field and the
problem — and here, also what to do next, which some did not say. Through the real collector app
(``client`` fixture) and the demo registry."""
from __future__ import annotations

from tests.conftest import ORIGIN, submission

SERVICE = "demo-roma-anagrafe"


def test_an_origin_not_allowed_says_how_to_allow_it_on_every_endpoint(client):
    """curl (or the browser's network tab) showed only "Origin … may not submit to this service" and
    "Not among the service's allowed origins.": the command that allows it was in the widget's console
    warning alone. The JSON says it too, with the canonical origin and when collectors apply it."""
    origin = "https://staging.comune.roma.it"
    answers = [client.post("/v1/submissions", json=submission(), headers={"Origin": origin}),
               client.get(f"/v1/services/{SERVICE}/questionnaire?lang=it", headers={"Origin": origin}),
               client.post("/v1/funnel", json={"report_id": "4b3f0a52-9d1e-4c8e-a8f4-0a6b3c1d2e3f",
                                               "service": SERVICE, "impressions": 1}, headers={"Origin": origin})]
    for r in answers:
        assert r.status_code == 403 and r.json["error"] == "origin_not_allowed", r.json
        message = r.json["message"]
        assert f"`ascolto registry origins {SERVICE} --add {origin}`" in message, message
        assert "30 s" in message, message  # ASCOLTO_REGISTRY_TTL_S of the test settings' default
        assert r.json["fields"] == {"Origin": ["Not among the service's allowed origins."]}  # unchanged
    # typed with a path (curl): the command names the origin browsers send, not what was typed
    r = client.post("/v1/submissions", json=submission(), headers={"Origin": origin + "/servizi/"})
    assert f"--add {origin}`" in r.json["message"], r.json
    # a sandboxed iframe's "null" can never be allowed: the message says what to change instead
    r = client.post("/v1/submissions", json=submission(), headers={"Origin": "null"})
    assert r.status_code == 403 and "registry origins" not in r.json["message"]
    assert "allow-same-origin" in r.json["message"], r.json


def _answers_refused(client, answers: dict) -> dict:
    r = client.post("/v1/submissions", json=dict(submission(), answers=answers), headers={"Origin": ORIGIN})
    assert r.status_code == 422 and r.json["error"] == "invalid_answers", r.json
    return r.json["fields"]


def test_a_misspelt_answer_code_is_told_the_code_it_meant_and_the_questionnaires_items(client):
    """"answers.went_wel": ["Unknown field."] said which name was wrong, not which names are right: the
    developer had to find the questionnaire's item codes elsewhere. Now: the nearest code and them all."""
    fields = _answers_refused(client, {"satisfaction": 4, "task": "yes", "went_wel": ["clarity"]})
    [said] = fields["answers.went_wel"]
    assert said.startswith("Unknown field: not an item of cx-core version 1"), said
    assert "did you mean 'went_well'?" in said, said
    assert "satisfaction, ease, clarity, speed, trust, task, went_well, went_wrong, comment" in said, said
    fields = _answers_refused(client, {"satisfaction": 4, "task": "yes", "xyzzy": 1})
    assert "did you mean" not in fields["answers.xyzzy"][0] and "went_well" in fields["answers.xyzzy"][0]


def test_an_answer_to_a_question_not_asked_says_why_in_words_and_to_leave_it_out(client):
    """"Not applicable: asked only when 'satisfaction' lte 3." spoke the definition's operator code and did
    not say what the answer was nor what to do. Now the condition in words, the answer given, and the fix;
    the show_if as the questionnaire's GET serves it stays in brackets for whoever matches it."""
    fields = _answers_refused(client, {"satisfaction": 4, "task": "yes", "went_wrong": ["clarity"]})
    assert fields == {"answers.went_wrong": [
        "Not applicable: asked only when 'satisfaction' is 3 or less (show_if: satisfaction lte 3), and it is 4: "
        "leave 'went_wrong' out."]}
    fields = _answers_refused(client, {"satisfaction": 2, "task": "yes", "went_well": ["clarity"]})
    assert fields["answers.went_well"][0].startswith("Not applicable: asked only when 'satisfaction' is more than 3 ")
    fields = _answers_refused(client, {"task": "yes", "went_well": ["clarity"]})  # the source unanswered
    assert "and it is not answered: leave 'went_well' out." in fields["answers.went_well"][0], fields


def test_a_batch_posted_as_a_list_is_told_to_post_each_on_its_own(client):
    """A back end relaying a day's answers posted them as one JSON list and read only "The body must be a
    JSON object." / "Not an object.": the answer now says what it got and what the API takes instead."""
    batch = [submission(), submission()]
    r = client.post("/v1/submissions", json=batch, headers={"Origin": ORIGIN})
    assert r.status_code == 400 and r.json["error"] == "malformed"
    assert r.json["fields"] == {"body": [
        "A list of 2: the API takes one object per request; post each on its own."]}
    r = client.post("/v1/submissions", json="x", headers={"Origin": ORIGIN})
    assert r.json["fields"] == {"body": ["Not an object: a string."]}


def test_the_openapi_document_describes_the_questionnaire_a_back_end_reads(client):
    """The README says to generate a client from /openapi.json; the questionnaire's 200 was a bare
    {"type": "object"}, so a generated client knew no id, version or items — what a back end's body is
    made of. The document now describes it, and every key a served questionnaire has is described
    (every shipped questionnaire, every language, and what the collector adds for the service)."""
    from questionnaires import default_catalog
    from questionnaires.vocabulary import ITEM_TYPES, LANGUAGES, OPS

    doc = client.get("/openapi.json").get_json()
    get = doc["paths"]["/v1/services/{key}/questionnaire"]["get"]
    assert get["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Questionnaire"}
    schemas = doc["components"]["schemas"]
    top, item = schemas["Questionnaire"], schemas["QuestionnaireItem"]
    assert {"id", "version", "lang", "title", "items"} <= set(top["required"])
    assert {"code", "type", "required", "label"} <= set(item["required"])
    assert set(item["properties"]["type"]["enum"]) == set(ITEM_TYPES)
    assert set(item["properties"]["show_if"]["properties"]["op"]["enum"]) == set(OPS)
    served = [client.get(f"/v1/services/{SERVICE}/questionnaire?lang={lang}").get_json() for lang in LANGUAGES]
    served += [q.render(lang) for q in default_catalog() for lang in LANGUAGES]
    for d in served:
        assert set(d) <= set(top["properties"]), set(d) - set(top["properties"])
        for it in d["items"]:
            assert set(it) <= set(item["properties"]), (it["code"], set(it) - set(item["properties"]))
            for o in it.get("options", []):
                assert set(o) <= set(item["properties"]["options"]["items"]["properties"]), o
    assert {"service", "service_name", "sampling_rate"} <= set(served[0])


def test_an_unknown_field_is_told_every_field_the_openapi_document_lists(client):
    """The refusal listed the submission's fields but ``test`` (the widget's check-up flag), which
    /openapi.json documents: the list is the schema's own, so it names what the API takes, no more, no less."""
    spec = client.get("/openapi.json").get_json()
    documented = list(spec["components"]["schemas"]["Submission"]["properties"])
    r = client.post("/v1/submissions", json=dict(submission(), extra=1), headers={"Origin": ORIGIN})
    [said] = r.json["fields"]["extra"]
    assert "test" in documented and said == f"Unknown field. A submission has: {', '.join(documented)}.", said


def test_a_misspelt_or_unknown_top_level_field_is_told_the_fields_the_api_takes(client):
    """"questionaire": ["Unknown field."] beside "questionnaire": ["Missing data for required field."] left
    the developer to connect the two; "received_at" (a back end's own timestamp) was only "Unknown field."."""
    body = dict(submission(), questionaire="cx-core")
    del body["questionnaire"]
    r = client.post("/v1/submissions", json=body, headers={"Origin": ORIGIN})
    assert r.status_code == 400
    [said] = r.json["fields"]["questionaire"]
    assert said.startswith("Unknown field; did you mean 'questionnaire'? A submission has: submission_id, "
                           "service, questionnaire, version, lang, channel, answers, context"), said
    assert r.json["fields"]["questionnaire"] == ["Missing data for required field."]
    r = client.post("/v1/submissions", json=dict(submission(), received_at="2026-11-02T10:00:00Z"),
                    headers={"Origin": ORIGIN})
    [said] = r.json["fields"]["received_at"]
    assert "the collector records when it receives" in said and "python -m collector.backfill" in said, said
    r = client.post("/v1/funnel", json={"report_id": "4b3f0a52-9d1e-4c8e-a8f4-0a6b3c1d2e3f", "service": SERVICE,
                                        "impression": 1}, headers={"Origin": ORIGIN})
    assert r.json["fields"]["impression"][0].startswith("Unknown field; did you mean 'impressions'?"), r.json


def test_json_encoded_twice_is_told_to_send_the_object_itself(client):
    """A back end serialising its answers (or the whole body) to a JSON string and then the body again read
    "Not a valid mapping type." or "Not an object": the answer now names the double encoding."""
    import json

    r = client.post("/v1/submissions", json=dict(submission(), answers=json.dumps({"satisfaction": 4, "task": "yes"})),
                    headers={"Origin": ORIGIN})
    assert r.status_code == 400
    assert r.json["fields"]["answers"] == [
        "A string holding JSON: send answers as an object itself, not encoded as text."], r.json
    r = client.post("/v1/submissions", json=json.dumps(submission()), headers={"Origin": ORIGIN})
    assert r.json["fields"]["body"] == [
        "A string holding a JSON object: the body was encoded twice; send the object itself."], r.json
