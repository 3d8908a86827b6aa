"""A unit whose parts switch to a break version in different months (docs/methodology.md §5, §11.3): the
months between the switches hold both series, and neither a trend nor a before/after comparison may pool
them unsaid — real console app, DuckDB and registry. The rule reads each month's series from the
published cube (warehouse.protect), not from the rollup."""
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

ENTITY, STYPE, A, B, C = "r_lombar", "regione.bandi", "lomb-bandi-a", "lomb-bandi-b", "asl-prenota-c"


def _version(service: str, month: int, i: int) -> int:
    """A answers cx-core version 2 from 2026-03; B from the middle of 2026-06 (half its June answers are
    version 1), so the entity's 2026-03..2026-06 hold both series and only the new one from 2026-07."""
    if service == A:
        return 1 if month < 3 else 2
    return 1 if month < 6 or (month == 6 and i < 30) else 2


def _break_at_v2(indicator: str) -> list[tuple[str, int]]:
    return [("cx-core", 2)] if indicator == "satisfaction" else []


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed-series")
    settings, tokens = build(root)
    rows = [response(period=f"2026-{m:02d}", day=1 + i % 28, entity=ENTITY, service=svc, service_type=STYPE,
                     region="ITC4", pa_type="L4", version=_version(svc, m, i),
                     satisfaction=5 if i < 27 + m % 4 + (svc == B) * 2 else 2)
            for svc in (A, B) for m in range(1, 13) for i in range(60)]
    # C (another entity): version 1 until 2026-06, one answer in 2026-07 (on version 2: a suppressed cell),
    # version 2 from 2026-08
    rows += [response(period=f"2026-{m:02d}", day=1 + i % 28, entity="asl_rm1", service=C, service_type="sanita.prenotazione",
                      region="ITI4", pa_type="L7", version=1 if m < 7 else 2, satisfaction=5 if i < 28 + m % 3 else 2)
             for m in range(1, 13) for i in range(1 if m == 7 else 60)]
    write(root, rows)
    factory = connect(settings.database_url)
    with session_scope(factory) as s:
        for key in (A, B):
            ops.add_service(s, actor="test", key=key, entity_ipa=ENTITY, name=f"Bandi {key[-1]}", service_type=STYPE)
        ops.add_service(s, actor="test", key=C, entity_ipa="asl_rm1", name="Prenotazioni C",
                        service_type="sanita.prenotazione")
        ids = [plan_ops.add_plan(s, actor="test", service_key=B, indicator="satisfaction", measure=measure,
                                 baseline_period="2026-06", target_value=60, deadline="2027-06-30", actions="x",
                                 owner="A").id for measure in ("top2", "mean")]
    dispose(factory)
    return settings, tokens, ids


@pytest.fixture
def get(seeded, monkeypatch):
    monkeypatch.setattr(cube, "_break_versions", _break_at_v2)
    settings, tokens, _ids = seeded
    c = create_app(settings).test_client()
    return lambda url: c.get(url, headers={"Authorization": f"Bearer {tokens['monitoring']}"})


def test_an_entity_trend_starting_between_its_services_switches_is_refused_naming_where_one_series_begins(get):
    """The break month of the entity is 2026-03 (A's switch): a trend from 2026-04 has no break month inside
    it and was given, pooling A's new series with B's old one until B switched. Now refused, naming 2026-07
    — the month after B's switch, the first with only the new series; from there it is given."""
    r = get(f"/api/v1/improve/trend?entity={ENTITY}&from=2026-04&to=2026-12")
    body = r.get_json()
    assert r.status_code == 422 and body["reason"] == "break", body
    assert body["detail"] == {"first": "2026-03", "month": "2026-07"}
    assert "only the new series is present from 2026-07 on" in body["message"]
    assert "questionnaire break in 2026-03" in body["message"]
    after = get(f"/api/v1/improve/trend?entity={ENTITY}&from=2026-07&to=2026-12")
    assert after.status_code == 200 and after.get_json()["trend"]["months"] == 6
    assert all("series" not in m for m in after.get_json()["months"])  # the rule's input is not shown
    # each service alone: A is one series from 2026-03 on, B from 2026-07
    assert get(f"/api/v1/improve/trend?service={A}&from=2026-04&to=2026-12").status_code == 200
    assert get(f"/api/v1/improve/trend?service={B}&from=2026-06&to=2026-12").get_json()["detail"] == \
        {"first": "2026-06", "month": "2026-07"}


def test_a_before_after_whose_baseline_mixes_both_series_says_so(get, seeded):
    """B's baseline 2026-06 holds both versions, its follow-up 2026-09 only the new one: the break month
    (2026-06) is the baseline's first, so it was not "between" the periods and the change was given as
    one series'. Now ``break_between`` names it, a mean's change is refused, and the trend on the
    plan's page (2026-06..2026-12) is refused naming 2026-07, in Italian."""
    settings, tokens, (share_plan, mean_plan) = seeded
    body = get(f"/api/v1/improve/plans/{share_plan}/evaluation?follow_up=2026-09").get_json()
    assert body["break_between"] == "2026-06", body
    r = get(f"/api/v1/improve/plans/{mean_plan}/evaluation?follow_up=2026-09")
    assert r.status_code == 422 and "questionnaire break in 2026-06" in r.get_json()["fields"]["follow_up"][0]
    c = create_app(settings).test_client()
    auth = {"Authorization": f"Bearer {tokens['monitoring']}"}
    page = html_lib.unescape(c.get(f"/workspace/{ENTITY}/plans/{share_plan}/evaluation?follow_up=2026-12",
                                   headers=auth).get_data(as_text=True))
    assert 'data-note="break"' in page and "Cambio di questionario in 2026-06" in page
    line = re.search(r'<p data-col="trend">(.*?)</p>', page, re.S).group(1)
    assert "Tendenza non stimabile" in line and "cambio di questionario in 2026-06" in line, line
    assert "solo la nuova serie è presente da 2026-07 in poi" in line, line


def test_the_rule_reads_published_cells_only_a_suppressed_months_version_is_never_read(get):
    """C's only answer of 2026-07 is on version 2, and its cell is suppressed. The rule read the rollup
    around warehouse.protect: a trend over 2026-01..2026-12 was refused naming 2026-07 — telling that
    the hidden cell held answers, and of which version. Now it reads each published month's series only:
    it names 2026-08, the first published month of the new series, and a trend to 2026-07 (fitted to
    January–June, one series: the suppressed month enters no fit) is given."""
    r = get(f"/api/v1/improve/trend?service={C}&from=2026-01&to=2026-07")
    body = r.get_json()
    assert r.status_code == 200, body
    assert body["months"][-1] == {"period": "2026-07", "n": None, "top2": None} and body["trend"]["last"] == "2026-06"
    body = get(f"/api/v1/improve/trend?service={C}&from=2026-01&to=2026-12").get_json()
    assert body["reason"] == "break" and body["detail"] == {"first": "2026-08", "month": "2026-08"}, body
