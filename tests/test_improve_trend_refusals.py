"""A trend's refusals in the console and the API: a range shorter than the months a trend needs (400
naming ``from``), months with too few published answers (422 with the reason and the months needed), a
series crossing a questionnaire break (422 naming the break; the page says it in Italian) — real
console app, DuckDB and registry."""
from __future__ import annotations

import html as html_lib
import re

import pytest

from registry import connect, dispose, ops, session_scope
from registry import plans as plan_ops
from tests.console_data import build
from tests.warehouse_rows import response, write
from warehouse import cube
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

ROMA, SERVICE = "c_h501", "roma-trend"
#: positive answers of 60 a month: a flat 50 % on version 1 until 2026-03, then 70 % on version 2
MONTHS = {f"2026-{m:02d}": (30 if m <= 3 else 42, 1 if m <= 3 else 2) for m in range(1, 10)}


def _break_at_v2(indicator: str) -> list[tuple[str, int]]:
    return [("cx-core", 2)] if indicator == "satisfaction" else []


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    root = tmp_path_factory.mktemp("trend-refusals")
    settings, tokens = build(root)
    rows = [response(period=p, day=1 + i % 28, entity=ROMA, service=SERVICE, service_type="anagrafe.certificati",
                     version=v, satisfaction=5 if i < k else 2) for p, (k, v) in MONTHS.items() for i in range(60)]
    write(root, rows)
    factory = connect(settings.database_url)
    with session_scope(factory) as s:
        ops.add_service(s, actor="test", key=SERVICE, entity_ipa=ROMA, name="Certificati",
                        service_type="anagrafe.certificati")
        plan_ops.add_plan(s, actor="test", service_key=SERVICE, indicator="satisfaction", baseline_period="2026-02",
                          target_value=60, deadline="2027-06-30", actions="x", owner="A")
    dispose(factory)
    return settings, tokens


def _api(settings, tokens):
    c = create_app(settings).test_client()
    return lambda url: c.get(url, headers={"Authorization": f"Bearer {tokens['monitoring']}"})


def test_a_range_shorter_than_six_months_is_refused_naming_the_months_needed(seeded):
    get = _api(*seeded)
    r = get(f"/api/v1/improve/trend?service={SERVICE}&from=2026-04&to=2026-06")
    body = r.get_json()
    assert r.status_code == 400 and body["error"] == "invalid_parameter" and list(body["fields"]) == ["from"]
    assert "at least 6 months" in body["message"] and "these have 3" in body["message"]
    r = get(f"/api/v1/improve/trend?service={SERVICE}&from=2026-06&to=2026-04")
    assert r.status_code == 400 and "from" in r.get_json()["fields"]
    # six months asked, fewer with published answers (the data end in 2026-09): 422 with the rule's numbers
    r = get(f"/api/v1/improve/trend?service={SERVICE}&from=2026-07&to=2026-12")
    body = r.get_json()
    assert r.status_code == 422 and body["reason"] == "too_few_months" and body["detail"] == {"need": 6, "got": 3}


def test_a_trend_across_a_questionnaire_break_is_refused_and_one_after_it_is_given(seeded, monkeypatch):
    """cx-core version 2 declares a break for satisfaction and replaces version 1 in 2026-04, its share 20
    points higher: trended as one series, January–September read "rising" — the change of questionnaire
    taken for a change of the service. Now refused naming the break; from 2026-04 on it is one series."""
    get = _api(*seeded)
    assert get(f"/api/v1/improve/trend?service={SERVICE}&from=2026-01&to=2026-09").get_json()["trend"]["verdict"] \
        == "rising"  # no declared break: one series
    monkeypatch.setattr(cube, "_break_versions", _break_at_v2)
    r = get(f"/api/v1/improve/trend?service={SERVICE}&from=2026-01&to=2026-09")
    body = r.get_json()
    assert r.status_code == 422 and body["reason"] == "break" and body["detail"] == {"first": "2026-04", "month": "2026-04"}
    assert "questionnaire break in 2026-04" in body["message"]
    after = get(f"/api/v1/improve/trend?service={SERVICE}&from=2026-04&to=2026-09").get_json()["trend"]
    assert after["months"] == 6 and after["first"] == "2026-04" and after["verdict"] == "no detectable trend"
    # the plan's evaluation (baseline 2026-02, follow-up 2026-09) says it on its page, in Italian
    c = create_app(seeded[0]).test_client()
    auth = {"Authorization": f"Bearer {seeded[1]['monitoring']}"}
    page = html_lib.unescape(c.get(f"/workspace/{ROMA}/plans/1/evaluation?follow_up=2026-09", headers=auth)
                             .get_data(as_text=True))
    line = re.search(r'<p data-col="trend">(.*?)</p>', page, re.S).group(1)
    assert "Tendenza non stimabile" in line and "cambio di questionario in 2026-04" in line, line


def test_a_before_after_across_a_questionnaire_break_says_so_and_a_mean_is_not_compared(seeded, monkeypatch):
    """The plan's baseline (2026-02, version 1) and follow-up (2026-09, version 2 declaring a break) hold
    different series: the share's change is given with the break said (API ``break_between``, page
    note), a mean's is refused (means never compare across series, docs/methodology.md §5)."""
    monkeypatch.setattr(cube, "_break_versions", _break_at_v2)
    get = _api(*seeded)
    body = get("/api/v1/improve/plans/1/evaluation?follow_up=2026-09").get_json()
    assert body["break_between"] == "2026-04" and body["change"]["difference"] > 10
    assert get("/api/v1/improve/plans/1/evaluation?follow_up=2026-03").get_json()["break_between"] is None
    c = create_app(seeded[0]).test_client()
    auth = {"Authorization": f"Bearer {seeded[1]['monitoring']}"}
    page = c.get(f"/workspace/{ROMA}/plans/1/evaluation?follow_up=2026-09", headers=auth).get_data(as_text=True)
    assert 'data-note="break"' in page and "Cambio di questionario in 2026-04" in page
    factory = connect(seeded[0].database_url)
    with session_scope(factory) as s:
        pid = plan_ops.add_plan(s, actor="test", service_key=SERVICE, indicator="satisfaction", measure="mean",
                                baseline_period="2026-02", target_value=70, deadline="2027-06-30", actions="y",
                                owner="z").id
    dispose(factory)
    r = get(f"/api/v1/improve/plans/{pid}/evaluation?follow_up=2026-09")
    assert r.status_code == 422 and "questionnaire break in 2026-04" in r.get_json()["fields"]["follow_up"][0]
    page = c.get(f"/workspace/{ROMA}/plans/{pid}/evaluation?follow_up=2026-09", headers=auth)
    assert page.status_code == 422 and "cambio di questionario in 2026-04" in page.get_data(as_text=True)
