"""The newest figures derived from published cells — the trend API and its refusals, a plan's before/after
evaluation (its break and target check), the services table's changes and their Benjamini–Hochberg q
values — attacked by differencing two worlds that differ only in a suppressed cell.

An attacker who could tell the two worlds apart through any of these outputs would learn something of a
hidden cell beyond "suppressed" (docs/confidentiality.md, "What an attacker can and cannot learn"): its
true n (1 or 2), the version its answers came from, or their values. World A's hidden cells hold one
answer (a positive one, on the questionnaire version that declares a break), world B's two (negative
ones, on the old version); every other record is the same, with the same record keys (the data dirs
have the same name and secret, the rows the same order), so every published cell but the hidden ones
carries the same noise. Each output below is read in both worlds and must be identical: the trend's months,
its slope and interval, a refusal's ``detail`` (``got`` months with published answers, a break's
``first`` and ``month``), an evaluation's change, target check and ``break_between``, each service's
``change`` with its p and q value. (The cube's own break flag, ``OBS_STATUS=B``, is not among them: it
searches a unit's suppressed periods too, and says which version a hidden month's answers came from —
a fact, not a count, that a published union holding the month shows anyway: docs/confidentiality.md,
point 4.) Real console app, DuckDB and registry.
"""
from __future__ import annotations

import pytest

from registry import connect, dispose, ops, session_scope
from registry import plans as plan_ops
from tests.warehouse_rows import response, write
from tests.workspace_data import ROMA, build_workspace
from warehouse import cube
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

TREND, HIDDEN = "roma-trend-hidden", "roma-hidden-now"
STYPE = "anagrafe.certificati"


def _break_at_v2(indicator: str) -> list[tuple[str, int]]:
    return [("cx-core", 2)] if indicator == "satisfaction" else []


def _month(service: str, period: str, n: int, positive: int, version: int) -> list[dict]:
    return [response(period=period, day=1 + i % 28, entity=ROMA, service=service, service_type=STYPE, version=version,
                     satisfaction=5 if i < positive else 2) for i in range(n)]


def _world(root, hidden_n: int):
    """A console of the shared data plus the hidden cells: ``TREND`` in 2026-05 (between its old version,
    January–April, and the new one, June–November) and ``HIDDEN`` in 2026-10 (after a published 2026-09),
    each of ``hidden_n`` answers — one positive on version 2, or two negative on version 1."""
    settings, tokens = build_workspace(root)
    factory = connect(settings.database_url)
    with session_scope(factory) as s:
        for key in (TREND, HIDDEN):
            ops.add_service(s, actor="test", key=key, entity_ipa=ROMA, name=key, service_type=STYPE)
        plan_ops.add_plan(s, actor="test", service_key=TREND, indicator="satisfaction", baseline_period="2026-04",
                          target_value=55, deadline="2027-06-30", actions="x", owner="A")
    dispose(factory)
    shared = [r for m in range(1, 5) for r in _month(TREND, f"2026-{m:02d}", 40, 18 + m, 1)]
    shared += [r for m in range(6, 12) for r in _month(TREND, f"2026-{m:02d}", 40, 22 + m, 2)]
    shared += _month(HIDDEN, "2026-09", 30, 17, 1)
    version, value = (2, 5) if hidden_n == 1 else (1, 1)
    hidden = [response(period=p, day=3 + i, entity=ROMA, service=svc, service_type=STYPE, version=version,
                       satisfaction=value) for svc, p in ((TREND, "2026-05"), (HIDDEN, "2026-10"))
              for i in range(hidden_n)]
    write(root, shared + hidden)  # the hidden rows last: every shared row keeps its id, key and noise
    client = create_app(settings).test_client()
    return client, tokens


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    base = tmp_path_factory.mktemp("hidden-worlds")
    # the same directory name in both worlds: the test rows' submission ids (hence record keys) derive from it
    return {n: _world(base / f"world-{n}" / "data", n) for n in (1, 2)}


def _get(world, url: str, role: str = "monitoring"):
    client, tokens = world
    r = client.get(url, headers={"Authorization": f"Bearer {tokens[role]}"})
    return r.status_code, r.get_json()


def _both(worlds, url: str, role: str = "monitoring"):
    return _get(worlds[1], url, role), _get(worlds[2], url, role)


@pytest.mark.parametrize("span", ["2026-01..2026-11", "2026-03..2026-08", "2026-05..2026-10", "2026-06..2026-11",
                                  "2026-04..2026-09"])
@pytest.mark.parametrize("declared_break", [False, True])
def test_the_trend_and_its_refusals_are_the_same_whatever_a_suppressed_month_holds(worlds, span, declared_break,
                                                                                  monkeypatch):
    """A suppressed month inside (or at the edge of) the range: its one positive answer on the new version
    or its two negative ones on the old give the same months, the same fit, the same refusal — the
    months "with published answers" counted, the break's first month named from published cells only."""
    if declared_break:
        monkeypatch.setattr(cube, "_break_versions", _break_at_v2)
    start, end = span.split("..")
    a, b = _both(worlds, f"/api/v1/improve/trend?service={TREND}&from={start}&to={end}")
    assert a[0] in (200, 422) and a == b
    months = {m["period"]: m for m in (a[1].get("months") or [])}
    if "2026-05" in months:  # the hidden month is listed, as suppressed
        assert months["2026-05"]["n"] is None and months["2026-05"]["top2"] is None
    if declared_break and a[0] == 422 and a[1]["reason"] == "break":
        assert a[1]["detail"] == {"first": "2026-06", "month": "2026-06"}  # never the hidden 2026-05


def test_the_plan_evaluation_is_the_same_whatever_a_suppressed_month_between_holds(worlds, monkeypatch):
    """Baseline 2026-04 (old version) against each follow-up after the hidden 2026-05: the change, its
    interval, the target check and the month of the break named are those of published cells only."""
    monkeypatch.setattr(cube, "_break_versions", _break_at_v2)
    (_, plans), _ = _both(worlds, f"/api/v1/improve/plans?service={TREND}")
    [plan] = plans["plans"]
    for follow_up in ("2026-06", "2026-07", "2026-Q3", "2026-Q4"):
        a, b = _both(worlds, f"/api/v1/improve/plans/{plan['plan_id']}/evaluation?follow_up={follow_up}")
        assert a[0] == 200 and a == b
        assert a[1]["break_between"] == ("2026-06" if follow_up != "2026-Q4" else "2026-06")


def test_the_services_changes_and_q_values_are_the_same_whatever_a_suppressed_service_holds(worlds):
    """The entity's services table judged together (Benjamini–Hochberg over the page): a service hidden this
    month takes no part — every other service's change, p and q value and verdict is the same whether it
    holds one answer or two; its own change is none."""
    url = f"/api/v1/workspace/{ROMA}?freq=M&period=2026-10"
    a, b = _both(worlds, url, role="entity")
    assert a[0] == b[0] == 200
    by = [{s["key"]: s for s in w[1]["services"]} for w in (a, b)]
    assert by[0][HIDDEN]["change"] is None and by[1][HIDDEN]["change"] is None
    judged = [k for k, s in by[0].items() if s.get("change")]
    assert len(judged) >= 2 and all("q_value" in by[0][k]["change"] for k in judged)
    for key in by[0]:
        if key != HIDDEN:
            assert by[0][key].get("change") == by[1][key].get("change"), key
            assert by[0][key].get("cell") == by[1][key].get("cell"), key
