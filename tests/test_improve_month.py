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

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods


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
    of different spans. Its default follow-up is a quarter after the baseline — here 2026-Q4, the
    latest complete one with data (a running quarter is never one: it is not published)."""
    c = client_as(app, seeded[1], "entity")
    url = _plan(c, baseline_period="2026-Q3")
    r = c.get(url + "/evaluation")
    page = html_lib.unescape(r.get_data(as_text=True))
    assert "Verifica (2026-Q4)" in page, page[-3000:]
    assert 'data-partial="follow_up"' not in page
    assert "Periodo di verifica non indicato: l'ultimo periodo completo con dati dopo il riferimento." in page


def test_the_drivers_page_without_a_period_analyses_the_latest_month_with_data(app, seeded):
    """The service's drivers page ("Priorità di intervento", linked from every plan) analysed the
    previous calendar month: in December, November — no answers — and the page opened on "Analisi
    rifiutata". It now analyses the latest complete month with data (October: 320 complete answers)."""
    c = client_as(app, seeded[1], "entity")
    r = c.get(f"/workspace/{ROMA}/services/{SERVICE}/drivers")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and 'data-chart="drivers"' in page
    assert re.search(r'id="f-period" name="period" value="2026-10"', page)


@pytest.mark.parametrize("measure,value,n,sd,target,status", [
    ("share", 72.5, 40, None, 60, "uncertain"),   # 29 of 40: Wilson 57–84 holds 60
    ("share", 61.0, 400, None, 60, "uncertain"),  # just above, but within noise
    ("share", 72.5, 400, None, 60, "reached"),    # 290 of 400: 68–77, wholly above
    ("share", 40.0, 400, None, 60, "not_reached"),
    ("mean", 66.0, 50, 20.0, 60, "reached"),      # t interval 60.3–71.7
    ("mean", 62.0, 50, 20.0, 60, "uncertain"),
    ("mean", 62.0, 50, None, 60, "uncertain"),    # no SD: no interval, nothing can be said
])
def test_a_target_is_reached_only_when_the_follow_ups_interval_says_so(measure, value, n, sd, target, status):
    from warehouse.evaluation import target_check

    out = target_check(target, measure, value, n, sd, noise_var=0.0)  # a cell published without perturbation
    assert out["status"] == status
    if out["ci"]:
        assert out["ci"][0] <= value <= out["ci"][1]


def test_a_target_within_the_follow_ups_noise_is_not_called_reached(app, seeded):
    """A plan aiming just under its follow-up month's figure (about 40 answers): the page said
    "nessuna variazione rilevabile" and, in the next column, "Obiettivo raggiunto: sì" — what a manager
    copies into the performance report. Some 40 answers are compatible with a share ±13 points around
    it: the target is "non accertabile", with the interval that says why; the API and the report's JSON
    say ``target_status: uncertain`` and ``target_reached: false``."""
    from registry import connect, dispose, session_scope
    from registry import plans as plan_ops

    monitoring = client_as(app, seeded[1], "monitoring")
    follow = monitoring.get("/api/v1/improve/plans/1/evaluation?follow_up=2026-09").json["change"]["follow_up"]
    target = round(follow - 0.5, 1)  # the point value is above the target; its interval holds it
    factory = connect(seeded[0].database_url)
    with session_scope(factory) as s:
        pid = plan_ops.add_plan(s, actor="test", service_key=SERVICE, indicator="satisfaction",
                                baseline_period="2026-08", target_value=target, deadline="2027-06-30",
                                actions="Più sportelli online.", owner="Anagrafe").id
    dispose(factory)
    c = client_as(app, seeded[1], "entity")
    url = f"/workspace/{ROMA}/plans/{pid}/evaluation"
    page = html_lib.unescape(c.get(url + "?follow_up=2026-09").get_data(as_text=True))
    cell = re.search(r'<td data-col="target" data-status="(\w+)">([^<]*)</td>', page)
    assert cell and cell.groups() == ("uncertain", "non accertabile"), page[-4000:]
    sentence = re.search(r'<p data-col="target-sentence">([^<]*)</p>', page).group(1)
    shown = f"{target:.1f}".replace(".", ",")
    assert re.fullmatch(rf"Obiettivo {shown} non accertabile: l'IC 95% del valore di verifica \(\d+,\d – \d+,\d\) "
                        r"comprende l'obiettivo, quindi con queste risposte non si può dire se è raggiunto\.", sentence)
    body = c.get(url + ".json?follow_up=2026-09").get_json()
    assert body["change"]["target_status"] == "uncertain" and body["change"]["target_reached"] is False
    api = monitoring.get(f"/api/v1/improve/plans/{pid}/evaluation?follow_up=2026-09").json
    assert api["target_status"] == "uncertain" and api["target_reached"] is False
    assert api["target_ci"] == pytest.approx(body["change"]["target_ci"])
    en = html_lib.unescape(c.get(url + "?follow_up=2026-09&lang=en").get_data(as_text=True))
    assert "cannot be established</td>" in en and f"Target {target:.1f} cannot be established: the 95% CI" in en


def test_the_trend_on_an_english_page_says_95_ci(app, seeded, monkeypatch):
    """The monthly trend's line on an English evaluation page read "Odds ratio per month 1.28 (IC 95%
    0.84–2.01)": the Italian abbreviation, twice, among English words."""
    from warehouse.console import improve_figures

    months = [f"2026-{m:02d}" for m in range(6, 12)]
    rows = [{"period": p, "n": ni, "top2": 100 * ki / ni}
            for p, ki, ni in zip(months, [0, 3, 2, 3, 3, 2], [16, 12, 8, 3, 5, 6])]
    monkeypatch.setattr(improve_figures, "_monthly", lambda *a, **kw: rows)
    c = client_as(app, seeded[1], "entity")
    en = c.get(f"/workspace/{ROMA}/plans/1/evaluation?follow_up=2026-10&lang=en").get_data(as_text=True)
    line = re.search(r'<p data-col="trend">(.*?)</p>', en, re.S).group(1)
    assert "Odds ratio per month" in line and line.count("(95% CI ") == 2 and "IC 95%" not in line
    it = c.get(f"/workspace/{ROMA}/plans/1/evaluation?follow_up=2026-10").get_data(as_text=True)
    assert re.search(r'<p data-col="trend">(.*?)</p>', it, re.S).group(1).count("(IC 95% ") == 2


def test_the_test_method_is_named_in_words(app, seeded):
    """The evaluation's method line read "metodo del test: newcombe-hybrid-score; score test": the
    API's code on a manager's page. The page names it in words in its language; the JSON keeps the code."""
    c = client_as(app, seeded[1], "entity")
    page = html_lib.unescape(c.get(f"/workspace/{ROMA}/plans/1/evaluation?follow_up=2026-10").get_data(as_text=True))
    line = re.search(r'<p class="small" data-col="method">(.*?)</p>', page, re.S).group(1)
    assert "intervallo di Newcombe (dai due intervalli di Wilson) e test score per due proporzioni" in line
    assert "newcombe-hybrid-score" not in line
    en = html_lib.unescape(c.get(f"/workspace/{ROMA}/plans/1/evaluation?follow_up=2026-10&lang=en").get_data(as_text=True))
    assert "Newcombe's interval (from the two Wilson intervals) and the score test" in en
    body = c.get(f"/workspace/{ROMA}/plans/1/evaluation.json?follow_up=2026-10").get_json()
    assert body["change"]["method"] == "newcombe-hybrid-score; score test"


def test_a_refused_evaluation_names_the_period_by_its_label(app, seeded):
    """"Valutazione non possibile (follow_up): …": the parameter's code where the form calls the field
    "Periodo di verifica"."""
    c = client_as(app, seeded[1], "entity")
    r = c.get(f"/workspace/{ROMA}/plans/1/evaluation?follow_up=2026-08")  # the baseline itself
    alert = html_lib.unescape(r.get_data(as_text=True)).split('data-refused="follow_up">', 1)[1].split("</div>")[0]
    assert r.status_code == 422 and "Valutazione non possibile</strong> (Periodo di verifica):" in alert
    assert "follow_up" not in alert
    en = html_lib.unescape(c.get(f"/workspace/{ROMA}/plans/1/evaluation?follow_up=2026-08&lang=en").get_data(as_text=True))
    assert "Evaluation not possible</strong> (Follow-up period):" in en
