"""Funnel counts (issue 14 §5) at the collector: POST /v1/funnel, with the submissions' checks."""
from __future__ import annotations

import json
import uuid

import pytest
from kafka import KafkaConsumer

from questionnaires.funnel import FUNNEL_SCHEMA, parse_funnel
from tests.conftest import ORIGIN

SERVICE = "demo-roma-anagrafe"


def _report(**kw) -> dict:
    return {"report_id": str(uuid.uuid4()), "service": SERVICE, "impressions": 1, "starts": 1, "submissions": 0, **kw}


def test_a_report_is_durable_on_the_topic_as_a_funnel_envelope(client, settings):
    body = _report()
    resp = client.post("/v1/funnel", json=body, headers={"Origin": ORIGIN})
    assert resp.status_code == 202 and resp.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Set-Cookie" not in resp.headers
    consumer = KafkaConsumer(settings.topic, bootstrap_servers=settings.broker, auto_offset_reset="earliest",
                             consumer_timeout_ms=5000)
    rec = next(iter(consumer))
    consumer.close()
    env = json.loads(rec.value)
    env = env.get("envelopes", [env])[0]
    assert rec.key == SERVICE.encode() and env["schema"] == FUNNEL_SCHEMA
    _, report = parse_funnel(env)
    assert report == {**body, "report_id": body["report_id"]}
    assert set(env) == {"schema", "received_at", "collector", "funnel"}  # no device, page, address


@pytest.mark.parametrize("mutate, status, field", [
    (lambda b: b.update(impressions=-1), 400, "impressions"),
    (lambda b: b.update(impressions="1"), 400, "impressions"),
    (lambda b: b.update(starts=10_000), 400, "starts"),
    (lambda b: b.update(impressions=0, starts=0, submissions=0), 400, "impressions"),
    (lambda b: b.update(page="/x"), 400, "page"),
    (lambda b: b.pop("report_id"), 400, "report_id"),
    (lambda b: b.update(service="nope"), 404, "service"),
])
def test_bad_reports_are_refused_naming_the_field(client, mutate, status, field):
    body = _report()
    mutate(body)
    resp = client.post("/v1/funnel", json=body)
    assert resp.status_code == status and field in resp.get_json()["fields"]


def test_a_foreign_origin_and_a_wrong_type_are_refused(client):
    assert client.post("/v1/funnel", json=_report(), headers={"Origin": "https://evil.example"}).status_code == 403
    assert client.post("/v1/funnel", data="x", content_type="text/plain").status_code == 415


def test_the_questionnaire_tells_the_widget_the_sampling_rate(client):
    assert client.get(f"/v1/services/{SERVICE}/questionnaire").get_json()["sampling_rate"] == 1.0


def test_the_processor_separates_funnel_envelopes_from_submissions_in_one_record():
    from processor.badrows import Reason
    from processor.steps import transform
    from questionnaires.envelope import encode_record, make_envelope
    from questionnaires.funnel import make_funnel_envelope
    from tests.processor_fakes import FakeLookup, Rec, submission as sub

    good = make_funnel_envelope({"report_id": str(uuid.uuid4()), "service": "svc-a", "impressions": 1}, collector="c")
    unknown = make_funnel_envelope({"report_id": str(uuid.uuid4()), "service": "svc-x", "impressions": 1},
                                   collector="c")
    broken = dict(good, funnel={"report_id": "x", "service": "svc-a"})
    value = encode_record([make_envelope(sub(), collector="c", device="mobile"), good, unknown, broken])
    out = transform([Rec("t", 0, 7, b"svc-a", value)], FakeLookup())
    assert len(out.accepted) == 1 and out.envelopes == 4
    [row] = out.funnel
    assert (row["service"], row["entity"], row["impressions"], row["starts"], row["kafka_offset"]) == \
        ("svc-a", "c_h501", 1, 0, 7)
    assert [f.reason for f in out.failures] == [Reason.UNKNOWN_SERVICE, Reason.INVALID_ENVELOPE]


def test_a_report_without_an_origin_is_refused_naming_it(client):
    """Field test: reports without Origin were accepted for any service — anyone could skew any
    service's response and break-off rates. Only the widget on the service's pages reports."""
    resp = client.post("/v1/funnel", json=_report())
    assert resp.status_code == 403 and list(resp.get_json()["fields"]) == ["Origin"]
    resp = client.post("/v1/funnel", json=_report(), headers={"Origin": "https://evil.example"})
    assert resp.status_code == 403 and list(resp.get_json()["fields"]) == ["Origin"]


@pytest.mark.parametrize("counts", [{"impressions": 2}, {"starts": 2}, {"submissions": 20}])
def test_a_count_above_what_one_page_view_reports_is_refused_naming_it(client, counts):
    """Field test: counts up to 20 per report were accepted; the widget reports each at most once
    per page view (0 or 1). Within a report they are not ordered: the widget sends what was not yet
    reported, so a view's start and submission may come after its impression ({0, 1, 1})."""
    resp = client.post("/v1/funnel", json=_report(**counts), headers={"Origin": ORIGIN})
    assert resp.status_code == 400 and list(resp.get_json()["fields"]) == list(counts)
    later = _report(impressions=0, starts=1, submissions=1)  # the rest of a view reported when hidden
    assert client.post("/v1/funnel", json=later, headers={"Origin": ORIGIN}).status_code == 202


def test_the_processor_dead_letters_a_report_above_the_limit_too():
    from questionnaires.funnel import make_funnel_envelope

    env = make_funnel_envelope({"report_id": str(uuid.uuid4()), "service": "svc-a", "impressions": 5}, collector="c")
    with pytest.raises(ValueError, match="impressions"):
        parse_funnel(env)


@pytest.mark.parametrize("received_at", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"])
def test_a_funnel_report_received_at_no_clocks_time_is_refused_not_a_crash(received_at):
    """The processor's period of it overflowed (OverflowError): a poison record on every restart."""
    from questionnaires.funnel import make_funnel_envelope

    env = make_funnel_envelope({"report_id": str(uuid.uuid4()), "service": "svc-a", "impressions": 1}, collector="c")
    env["received_at"] = received_at
    with pytest.raises(ValueError, match="received_at is not a collector's time"):
        parse_funnel(env)
