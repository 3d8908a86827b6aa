"""The improvement cycle's JSON API (/api/v1/improve): roles, drivers beside protected performance,
trend, plans and their evaluation, refusals with reasons — against the real console app, DuckDB and
the registry."""
from __future__ import annotations

import numpy as np
import pytest

from registry import connect, dispose, ops, session_scope
from registry import plans as plan_ops
from tests.console_data import build
from tests.warehouse_rows import speed_driven, write
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

SERVICE = "demo-roma-anagrafe"
ROUTES = ["/api/v1/improve/drivers?service=demo-roma-anagrafe&period=2026-10",
          "/api/v1/improve/trend?service=demo-roma-anagrafe&from=2026-08&to=2026-10",
          "/api/v1/improve/plans", "/api/v1/improve/plans/1", "/api/v1/improve/plans/1/evaluation?follow_up=2026-10"]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    root = tmp_path_factory.mktemp("improve")
    settings, tokens = build(root)
    rng = np.random.default_rng(12)
    rows = speed_driven(rng, 320, service=SERVICE, entity="c_h501")  # satisfaction made mostly from speed
    write(root, rows)
    factory = connect(settings.database_url)
    with session_scope(factory) as s:
        ops.add_entity(s, actor="test", ipa_code="c_l219", name="Comune di Torino", category="L6", comune_istat="001272")
        ops.add_service(s, actor="test", key="svc-torino-anagrafe", entity_ipa="c_l219", name="Certificati",
                        service_type="anagrafe.certificati")
        plan_ops.add_plan(s, actor="test", service_key=SERVICE, indicator="satisfaction", baseline_period="2026-08",
                          target_value=60, deadline="2027-06-30", actions="Più sportelli online.", owner="Anagrafe")
        plan_ops.add_plan(s, actor="test", service_key="svc-torino-anagrafe", indicator="satisfaction",
                          baseline_period="2026-08", target_value=60, deadline="2027-06-30", actions="x",
                          owner="Anagrafe")
        plan_ops.add_plan(s, actor="test", service_key=SERVICE, indicator="satisfaction", measure="mean",
                          baseline_period="2026-08", target_value=70, deadline="2027-06-30", actions="y", owner="z")
    dispose(factory)
    return settings, tokens


@pytest.fixture(scope="module")
def client(seeded):
    return create_app(seeded[0]).test_client()


def get(client, url, role="monitoring", tokens=None):
    return client.get(url, headers={"Authorization": f"Bearer {tokens[role]}"})


@pytest.mark.parametrize("url", ROUTES)
def test_every_route_needs_a_token(client, url):
    r = client.get(url)
    assert r.status_code == 401 and r.get_json()["error"] == "unauthorized"


def test_drivers_with_protected_performance_and_a_plain_list(client, seeded):
    tokens = seeded[1]
    r = get(client, ROUTES[0], "monitoring", tokens)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["drivers"]["drivers"][0]["aspect"] == "speed"
    assert "n" not in body["drivers"]  # monitoring sees model outputs only
    cells = {c["aspect"]: c for c in body["matrix"]["cells"]}
    assert body["matrix"]["performance_rule"] == "benchmark"  # a service: against its service type
    speed = get(client, "/api/v1/indicators?indicator=speed&by=&service=demo-roma-anagrafe&period=2026-10",
                "monitoring", tokens).get_json()["rows"][0]
    assert cells["speed"]["performance"] == pytest.approx(speed["top2"], abs=0.01)  # the published figure
    assert body["priorities"][0].split(":")[0] in ("migliorare prima", "mantenere")
    stat = get(client, ROUTES[0] + "&lang=en", "statistician", tokens).get_json()
    assert abs(stat["drivers"]["n"] - 320) <= 2 and stat["lang"] == "en"  # the published (perturbed) n


@pytest.mark.parametrize("query, status, error, field", [
    ("service=demo-roma-anagrafe&period=2026-09", 422, "items_not_asked", "speed"),
    ("service=svc-bologna-anagrafe&period=2026-10", 422, "items_not_asked", "speed"),
    ("service=demo-roma-anagrafe&entity=c_h501&period=2026-10", 400, "invalid_parameter", "service"),
    ("service=demo-roma-anagrafe&period=2026-13", 400, "invalid_parameter", "period"),
    ("service=demo-roma-anagrafe", 400, "invalid_parameter", "period"),
    ("service=demo-roma-anagrafe&period=2026-10&method=ols", 400, "invalid_parameter", "method"),
    ("service=demo-roma-anagrafe&period=2026-10&lang=xx", 400, "invalid_parameter", "lang"),
    ("service=bad%20code&period=2026-10", 400, "invalid_parameter", "service"),
])
def test_drivers_refusals_name_the_field(client, seeded, query, status, error, field):
    r = get(client, f"/api/v1/improve/drivers?{query}", "monitoring", seeded[1])
    body = r.get_json()
    assert (r.status_code, body["error"]) == (status, error), body
    assert field in body["fields"]
    if field == "period":  # the problem in words, not "period is a period: ...; got None"
        assert body["fields"]["period"][0] in ("period is required: a period YYYY-MM, YYYY-Qn or YYYY.",
                                               "period must be a period YYYY-MM, YYYY-Qn or YYYY; got '2026-13'.")


def test_too_few_responses_is_refused_without_the_count(client, seeded):
    r = get(client, "/api/v1/improve/drivers?entity=c_h501&period=2026-10&service_type=x", "monitoring", seeded[1])
    assert r.status_code == 400
    from tests.warehouse_rows import response as resp  # a unit with 20 complete answers
    rows = []
    for i in range(20):
        x = resp(period="2026-10", service="svc-small", entity="c_small", satisfaction=1 + i % 5, ease=1 + i % 4,
                 clarity=1 + i % 3)
        x.update(speed=float(25 * (i % 5)), trust=float(25 * (i % 2)), task_completed=100.0 * (i % 2))
        rows.append(x)
    write(seeded[0].data_dir, rows)
    r = get(client, "/api/v1/improve/drivers?service=svc-small&period=2026-10", "monitoring", seeded[1])
    body = r.get_json()
    assert (r.status_code, body["error"]) == (422, "too_few_responses")
    assert "20" not in body["message"]


def test_trend_reads_the_monthly_published_cells(client, seeded):
    # three months asked: fewer than a trend needs, the request's fault (400 naming from and the months needed)
    r = get(client, ROUTES[1], "monitoring", seeded[1])
    assert r.status_code == 400 and "at least 6 months" in r.get_json()["fields"]["from"][0]
    # six months asked, three with published answers: 422 with the rule and its numbers
    r = get(client, "/api/v1/improve/trend?service=demo-roma-anagrafe&from=2026-05&to=2026-10", "monitoring", seeded[1])
    body = r.get_json()
    assert r.status_code == 422 and body["reason"] == "too_few_months" and body["detail"] == {"need": 6, "got": 3}
    r = get(client, "/api/v1/improve/trend?service=demo-roma-anagrafe&from=2026-Q1&to=2026-10", "monitoring", seeded[1])
    assert r.status_code == 400 and "from" in r.get_json()["fields"]
    r = get(client, "/api/v1/improve/trend?service=svc-torino-anagrafe&from=2026-05&to=2026-10", "monitoring", seeded[1])
    assert r.status_code == 422 and r.get_json()["error"] == "not_evaluable"


def test_plans_and_their_evaluation(client, seeded):
    tokens = seeded[1]
    plans = get(client, ROUTES[2], "monitoring", tokens).get_json()["plans"]
    assert [p["service_key"] for p in plans] == [SERVICE, "svc-torino-anagrafe", SERVICE]
    one = get(client, ROUTES[3], "monitoring", tokens).get_json()
    assert one["version"] == 1 and one["versions"][0]["actions"] == "Più sportelli online."
    ev = get(client, ROUTES[4], "monitoring", tokens)
    assert ev.status_code == 200, ev.get_json()
    body = ev.get_json()
    base = get(client, "/api/v1/indicators?indicator=satisfaction&by=&service=demo-roma-anagrafe&period=2026-08",
               "monitoring", tokens).get_json()["rows"][0]
    # the evaluation counts whole answers: the published share times the published n, rounded
    assert body["change"]["baseline"] == pytest.approx(base["top2"], abs=50 / base["n"] + 0.01)
    assert body["change"]["verdict"] in ("improved", "worsened", "no detectable change")
    assert body["sentence"].split(":")[0] in ("migliorato", "peggiorato", "nessuna variazione rilevabile")
    assert isinstance(body["target_reached"], bool)
    mean = get(client, "/api/v1/improve/plans/3/evaluation?follow_up=2026-09&lang=en", "monitoring", tokens).get_json()
    assert mean["change"]["method"] == "welch" and mean["measure"] == "mean"
    suppressed = get(client, "/api/v1/improve/plans/2/evaluation?follow_up=2026-10", "monitoring", tokens)
    assert suppressed.status_code == 422 and "baseline" in suppressed.get_json()["fields"]
    for pid in ("99", "0", "99999999999999999999"):
        assert get(client, f"/api/v1/improve/plans/{pid}", "monitoring", tokens).status_code == 404
    assert get(client, "/api/v1/improve/plans/99/evaluation?follow_up=2026-10", "monitoring", tokens).status_code == 404
    same = get(client, "/api/v1/improve/plans/1/evaluation?follow_up=2026-08", "monitoring", tokens)
    assert same.status_code == 400 and "follow_up" in same.get_json()["fields"]
    for before in ("2026-07", "2026-Q3", "2026"):  # plan 1's baseline is 2026-08: earlier or overlapping
        r = get(client, f"/api/v1/improve/plans/1/evaluation?follow_up={before}", "monitoring", tokens)
        assert r.status_code == 400 and "follow_up" in r.get_json()["fields"], before
    whole = get(client, "/api/v1/improve/plans/1/evaluation?follow_up=2026-10", "monitoring", tokens).get_json()
    assert whole["follow_up_partial"] is False and whole["follow_up_running"] is False
    assert get(client, "/api/v1/improve/plans?status=done", "monitoring", tokens).status_code == 400


def test_a_period_that_has_not_started_is_refused_naming_it(client, seeded):
    """The API took ``follow_up=2027-Q1`` (in December 2026) as a running period with no answers; a
    period not yet begun is now a 400 naming the field (follow-up, drivers period, trend from/to);
    today's month, still running, is refused too (a period is published once it has ended)."""
    from warehouse.periods import today_rome

    tokens, t = seeded[1], today_rome()
    nxt = f"{t.year + (t.month == 12)}-{t.month % 12 + 1:02d}"
    for url, field in ((f"/api/v1/improve/plans/1/evaluation?follow_up={nxt}", "follow_up"),
                       (f"/api/v1/improve/plans/1/evaluation?follow_up={t.year + 1}", "follow_up"),
                       (f"/api/v1/improve/drivers?service=demo-roma-anagrafe&period={nxt}", "period"),
                       (f"/api/v1/improve/trend?service=demo-roma-anagrafe&from=2026-08&to={nxt}", "to")):
        r = get(client, url, "monitoring", tokens)
        assert r.status_code == 400 and list(r.get_json()["fields"]) == [field], url
        assert "has not started yet" in r.get_json()["message"]
    running = get(client, f"/api/v1/improve/plans/1/evaluation?follow_up={t.year}-{t.month:02d}", "monitoring", tokens)
    # a running period is refused as such: its figures are published once it has ended
    assert running.status_code == 400 and list(running.get_json()["fields"]) == ["follow_up"]
    assert "still running" in running.get_json()["message"]
