"""A plan's before/after comparison across seasons: a baseline in October against a follow-up in August
compares two seasons as well as two states of the service (summer, deadlines, enrolments), and the
result said nothing of it — the trend had its ``seasonal_caveat``, the comparison did not. Now the
result (API, the page's JSON download) carries ``seasonal_caveat`` and the page warns, in Italian and
English; the same months of different years carry none. The figures compared are unchanged."""
from __future__ import annotations

import html as html_lib
import re

import numpy as np
import pytest

from registry import connect, dispose, session_scope
from registry import plans as plan_ops
from tests.console_data import build
from tests.test_improve_pages import client_as
from tests.warehouse_rows import speed_driven, write
from warehouse.console import create_app
from warehouse.comparability import QueryError
from warehouse.evaluation import seasonal_caveat

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2025 and 2026, read as ended periods

SERVICE, ROMA = "demo-roma-anagrafe", "c_h501"
IT_NOTE = "coprono mesi diversi dell'anno: parte della variazione può essere stagionale"
EN_NOTE = "cover different months of the year: part of the change may be seasonal"


@pytest.mark.parametrize("baseline, follow_up, caveat", [
    ("2026-08", "2026-11", True), ("2026-08", "2026-Q4", True), ("2025-10", "2026", True),
    ("2025-Q3", "2026-Q4", True), ("2025-10", "2026-10", False), ("2025-Q3", "2026-Q3", False),
    ("2025", "2026", False)])
def test_the_caveat_is_set_when_the_periods_cover_different_months_of_the_year(baseline, follow_up, caveat):
    assert seasonal_caveat(baseline, follow_up) is caveat


def test_a_malformed_period_is_refused_naming_it():
    with pytest.raises(QueryError) as exc:
        seasonal_caveat("2026-13", "2026-10")
    assert exc.value.field == "baseline_period"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """Console data, answers of the service in 2025-10, 2026-08 and 2026-10, a plan with baseline 2025-10."""
    root = tmp_path_factory.mktemp("improve-seasonal")
    settings, tokens = build(root)
    rng = np.random.default_rng(7)
    write(root, [r for period in ("2025-10", "2026-08", "2026-10")
                 for r in speed_driven(rng, 120, service=SERVICE, entity=ROMA, period=period)])
    factory = connect(settings.database_url)
    with session_scope(factory) as s:
        plan_id = plan_ops.add_plan(s, actor="test", service_key=SERVICE, indicator="satisfaction",
                                 baseline_period="2025-10", target_value=60, deadline="2027-06-30",
                                 actions="Più sportelli online.", owner="Anagrafe").id
    dispose(factory)
    return settings, tokens, plan_id


@pytest.fixture(scope="module")
def app(seeded):
    return create_app(seeded[0])


@pytest.mark.parametrize("follow_up, caveat", [("2026-08", True), ("2026-10", False)])
def test_the_api_and_the_json_download_say_whether_the_seasons_differ(app, seeded, follow_up, caveat):
    settings, tokens, plan_id = seeded
    api = app.test_client().get(f"/api/v1/improve/plans/{plan_id}/evaluation?follow_up={follow_up}",
                                headers={"Authorization": f"Bearer {tokens['monitoring']}"})
    assert api.status_code == 200, api.get_data(as_text=True)
    assert api.get_json()["seasonal_caveat"] is caveat
    c = client_as(app, tokens, "monitoring")
    download = c.get(f"/workspace/{ROMA}/plans/{plan_id}/evaluation.json?follow_up={follow_up}")
    assert download.status_code == 200 and download.get_json()["change"]["seasonal_caveat"] is caveat


@pytest.mark.parametrize("follow_up, caveat", [("2026-08", True), ("2026-10", False)])
def test_the_page_warns_in_italian_and_english_only_when_the_seasons_differ(app, seeded, follow_up, caveat):
    _, tokens, plan_id = seeded
    c = client_as(app, tokens, "monitoring")
    url = f"/workspace/{ROMA}/plans/{plan_id}/evaluation?follow_up={follow_up}"
    it = html_lib.unescape(c.get(url).get_data(as_text=True))
    assert ('data-note="seasonal-change"' in it) is caveat and (IT_NOTE in it) is caveat
    c.get("/lang/en")
    en = html_lib.unescape(c.get(url).get_data(as_text=True))
    assert ('data-note="seasonal-change"' in en) is caveat and (EN_NOTE in en) is caveat
    assert IT_NOTE not in en
    if caveat:
        note = re.search(r'data-note="seasonal-change">([^<]+)<', en).group(1)
        assert "(2025-10)" in note and "(2026-08)" in note
