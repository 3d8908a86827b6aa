"""A PA manager's month in the improvement cycle (the console's entity workspace): what the plan's
evaluation and the drivers page show when the manager chooses no period — the latest complete period
with data, as every console page, stated on the page — and how honestly a target "reached" is said
when the change is within noise. Against the real console app, DuckDB and the registry."""
from __future__ import annotations

import html as html_lib
import re

import pytest

from tests.test_improve_pages import ROMA, SERVICE, _csrf, client_as, seed
from warehouse.console import create_app


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return seed(tmp_path_factory.mktemp("improve-month"))


@pytest.fixture(scope="module")
def app(seeded):
    return create_app(seeded[0])


def _plan(c, **fields) -> str:
    html = c.get(f"/workspace/{ROMA}/plans").get_data(as_text=True)
    form = {"csrf_token": _csrf(html), "service_key": SERVICE, "indicator": "satisfaction", "measure": "top2",
            "baseline_period": "2026-09", "target_value": "95", "deadline": "2027-12-31", "owner": "Ufficio",
            "actions": "Moduli più brevi.", "status": "active", **fields}
    r = c.post(f"/workspace/{ROMA}/plans", data=form)
    assert r.status_code == 303, r.get_data(as_text=True)[-2000:]
    return r.headers["Location"]


def test_the_evaluation_without_a_follow_up_compares_the_latest_complete_period_with_data(app, seeded):
    """The plan page's link "Valutazione del piano" (no ``follow_up``) compared the previous calendar
    month, whatever it held: with the data ending in October it opened, in December, on "Valutazione
    non possibile: 2026-11: nessuna risposta" (422). It now compares the latest complete month with
    data after the baseline (as the workspace's default period) and says so."""
    c = client_as(app, seeded[1], "entity")
    r = c.get(f"/workspace/{ROMA}/plans/1/evaluation")  # baseline 2026-08; answers until 2026-10
    page = html_lib.unescape(r.get_data(as_text=True))
    assert r.status_code == 200, page[-2000:]
    assert "Verifica (2026-10)" in page and 'data-col="verdict"' in page
    assert re.search(r'id="f-follow" name="follow_up" value="2026-10"', page)
    assert "Periodo di verifica non indicato: l'ultimo periodo completo con dati dopo il riferimento." in page
    body = c.get(f"/workspace/{ROMA}/plans/1/evaluation.json").get_json()
    assert body["follow_up_period"] == "2026-10" and body["change"] is not None
    given = c.get(f"/workspace/{ROMA}/plans/1/evaluation?follow_up=2026-10").get_data(as_text=True)
    assert 'data-col="follow-up-note"' not in given  # a period the manager chose needs no note
    en = html_lib.unescape(c.get(f"/workspace/{ROMA}/plans/1/evaluation?lang=en").get_data(as_text=True))
    assert "No follow-up period chosen: the latest complete period with data after the baseline." in en


def test_a_quarterly_plan_is_evaluated_on_a_quarter_not_on_a_month(app, seeded):
    """A plan whose baseline is a quarter (2026-Q3) was compared by default with one month: two samples
    of different spans. Its default follow-up is a quarter after the baseline — here the running one,
    the only one with data, flagged as partial."""
    c = client_as(app, seeded[1], "entity")
    url = _plan(c, baseline_period="2026-Q3")
    r = c.get(url + "/evaluation")
    page = html_lib.unescape(r.get_data(as_text=True))
    assert "Verifica (2026-Q4)" in page, page[-3000:]
    assert 'data-partial="follow_up"' in page
    assert "nessun periodo completo dopo il riferimento: il periodo in corso (dati parziali)" in page


def test_the_drivers_page_without_a_period_analyses_the_latest_month_with_data(app, seeded):
    """The service's drivers page ("Priorità di intervento", linked from every plan) analysed the
    previous calendar month: in December, November — no answers — and the page opened on "Analisi
    rifiutata". It now analyses the latest complete month with data (October: 320 complete answers)."""
    c = client_as(app, seeded[1], "entity")
    r = c.get(f"/workspace/{ROMA}/services/{SERVICE}/drivers")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and 'data-chart="drivers"' in page
    assert re.search(r'id="f-period" name="period" value="2026-10"', page)
