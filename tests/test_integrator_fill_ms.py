"""``context.fill_ms`` as a back end or a widget of its own sends it: milliseconds as a JSON number
(``5400``) are accepted like the widget's digits (``"5400"``), and the durable envelope carries one
type, the string, whoever posted — the processor reads one shape. What is not a whole number of
milliseconds, 0 or more, is a 400 naming ``context.fill_ms`` and saying what to send."""
from __future__ import annotations

import json

import pytest

from questionnaires.envelope import FILL_MS_PROBLEM, fast_envelope, parse_envelope
from tests.conftest import WIDGET, submission
from tests.test_collector import _consume


def _with_fill(fill) -> dict:
    body = submission()
    body["context"] = {"page": "/certificati", "hp": "", "fill_ms": fill}
    return body


def test_a_number_of_milliseconds_is_accepted_and_made_durable_as_its_digits(client, settings):
    body = _with_fill(5400)
    r = client.post("/v1/submissions", json=body, headers=WIDGET)
    assert r.status_code == 202, r.json
    [record] = _consume(settings, 1)
    envelope = json.loads(record.value)
    assert envelope["submission"]["context"]["fill_ms"] == "5400"  # as the widget's "5400" is kept
    # the processor's fast path reads it as it reads the widget's (no detour through the schema)
    assert fast_envelope(envelope)["submission"]["context"]["fill_ms"] == "5400"
    assert parse_envelope(envelope)["submission"]["context"]["fill_ms"] == "5400"


def test_a_number_is_held_to_the_same_minimum_as_digits(client):
    for fill in (300, "300"):
        r = client.post("/v1/submissions", json=_with_fill(fill), headers=WIDGET)
        assert r.status_code == 422 and r.json["fields"] == {"context.fill_ms": ["Must be at least 1500."]}


def test_a_whole_number_written_with_a_decimal_point_is_accepted(client):
    assert client.post("/v1/submissions", json=_with_fill(5400.0), headers=WIDGET).status_code == 202


@pytest.mark.parametrize("fill", [-5, "-5", 5400.5, True, None, [5400], {"ms": 5400}, "soon", "5 400"])
def test_what_is_not_a_whole_number_of_milliseconds_is_a_400_saying_what_to_send(client, fill):
    r = client.post("/v1/submissions", json=_with_fill(fill), headers=WIDGET)
    assert r.status_code == 400 and r.json["error"] == "malformed", r.json
    assert r.json["fields"] == {"context.fill_ms": [FILL_MS_PROBLEM]}
    assert "5400" in FILL_MS_PROBLEM and '"5400"' in FILL_MS_PROBLEM


def test_the_openapi_says_fill_ms_may_be_a_number(client):
    context = client.get("/openapi.json").json["components"]["schemas"]["Submission"]["properties"]["context"]
    assert "fill_ms" in context["description"] and "JSON number" in context["description"]
    # a client generated from the description accepts both types for fill_ms, strings for the rest
    assert context["properties"]["fill_ms"]["oneOf"] == [
        {"type": "integer", "minimum": 0}, {"type": "string", "pattern": "^[0-9]{1,12}$"}]
    assert context["additionalProperties"] == {"type": "string", "maxLength": 512}
