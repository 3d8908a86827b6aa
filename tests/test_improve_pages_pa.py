"""The improvement pages read by a PA: a plan's values marked when of low reliability, no link to a
driver analysis that is always refused, refusals naming the field by its label (tests/test_improve_pages.py's
fixtures)."""
from __future__ import annotations

import re

from registry import connect, ops, session_scope
from registry import plans as plan_ops
from tests.test_improve_pages import ROMA, SERVICE, _csrf, app, client_as, seeded  # noqa: F401  (fixtures)


def test_the_evaluation_marks_a_value_of_low_reliability(app, seeded):
    """The "before and after" table gave the baseline and follow-up values with their N only: a value
    over fewer than 30 answers did not say "bassa affidabilità", as the workspace says it of the same cell."""
    with session_scope(connect(seeded[0].database_url)) as s:  # Milano: 25 answers a month
        pid = plan_ops.add_plan(s, actor="test", service_key="demo-milano-anagrafe", indicator="satisfaction",
                                baseline_period="2026-08", target_value=70, deadline="2027-06-30", actions="x",
                                owner="M").id
    c = client_as(app, seeded[1], "monitoring")
    for ipa, plan, service, low in ((ROMA, 1, SERVICE, False), ("c_f205", pid, "demo-milano-anagrafe", True)):
        html = c.get(f"/workspace/{ipa}/plans/{plan}/evaluation?follow_up=2026-10").get_data(as_text=True)
        for col, period in (("baseline", "2026-08"), ("follow_up", "2026-10")):
            cell = c.get(f"/api/v1/indicators?by=service&service={service}&period={period}").get_json()["rows"][0]
            td = re.search(rf'<td data-col="{col}">(.*?)</td>', html).group(1)
            assert (cell["obs_status"] == "U") == low and f"(N {cell['n']})" in td, (service, col, cell)
            assert ('data-status="U"' in td and "bassa affidabilità" in td) == low, (service, col, td)


def test_the_plans_page_links_no_driver_analysis_that_is_always_refused(app, seeded):
    """The plans page linked "Fattori" for every service: a counter's faces questionnaire (or a Designers
    Italia rating) never asks ease, clarity, speed, trust and completion, so the link always led to
    "Analisi rifiutata" (422). Such a service is listed with the questions its questionnaire does not ask."""
    with session_scope(connect(seeded[0].database_url)) as s:
        ops.add_service(s, actor="test", key="roma-urp-faces", entity_ipa=ROMA, name="URP - sportello",
                        service_type="sportello.urp", channel="front_office", questionnaire_id="faccia")
    c = client_as(app, seeded[1], "entity")
    html = c.get(f"/workspace/{ROMA}/plans").get_data(as_text=True)
    faces = re.search(r'<li data-service="roma-urp-faces">(.*?)</li>', html).group(1)
    assert "/drivers" not in faces and "data-not-asked" in faces
    assert "facilità, chiarezza, rapidità, fiducia, obiettivo raggiunto" in faces
    assert f'href="/workspace/{ROMA}/services/{SERVICE}/drivers"' in html  # cx-core asks them all
    assert c.get(f"/workspace/{ROMA}/services/roma-urp-faces/drivers").status_code == 422  # why no link
    en = c.get(f"/workspace/{ROMA}/plans?lang=en").get_data(as_text=True)
    assert "does not ask about ease, clarity, speed, trust, task completed" in en
    with session_scope(connect(seeded[0].database_url)) as s:  # a plan of the counter: no link to a refusal either
        pid = plan_ops.add_plan(s, actor="test", service_key="roma-urp-faces", indicator="satisfaction",
                                baseline_period="2026-08", baseline_value=50, target_value=70, deadline="2027-06-30",
                                actions="x", owner="URP").id
    assert "/drivers" not in c.get(f"/workspace/{ROMA}/plans/{pid}").get_data(as_text=True)
    assert "/drivers" in c.get(f"/workspace/{ROMA}/plans/1").get_data(as_text=True)


def test_a_refused_plan_names_the_field_by_its_label_and_writes_numbers_as_the_page(app, seeded):
    """A refusal said "Correggi il campo target_value: 10 non è un miglioramento rispetto al valore di
    riferimento 78.6": the field's code, not the label the form shows, and a decimal point in Italian."""
    import html as html_lib

    c = client_as(app, seeded[1], "entity")
    html = c.get(f"/workspace/{ROMA}/plans").get_data(as_text=True)
    form = {"csrf_token": _csrf(html), "service_key": SERVICE, "indicator": "satisfaction", "measure": "top2",
            "baseline_period": "2026-09", "target_value": "10", "deadline": "2027-12-31", "owner": "Ufficio",
            "actions": "Tempi più brevi.", "status": "active"}
    for change, label, label_en in (({}, "Obiettivo", "Target"), ({"deadline": "2026-01-01"}, "Scadenza", "Deadline"),
                                    ({"baseline_period": "2027-03"}, "Periodo di riferimento", "Baseline period")):
        body = html_lib.unescape(c.post(f"/workspace/{ROMA}/plans", data={**form, **change}).get_data(as_text=True))
        alert = body.split('role="alert"')[1].split("</div>")[0].split(">", 1)[1]
        assert f"Correggi il campo «{label}»:" in alert and "_" not in alert.split(":")[0], alert
        if not change:
            assert re.search(r"riferimento \d+,\d\b", alert) and not re.search(r"\d\.\d", alert), alert
        en = html_lib.unescape(c.post(f"/workspace/{ROMA}/plans?lang=en", data={**form, **change}).get_data(as_text=True))
        assert f"Fix the field \u201c{label_en}\u201d:" in en, label_en


def test_an_enormous_trend_interval_is_written_as_its_bounds_and_said_so(tmp_path):
    """Three months of shares 20%, 80%, 30% (over-dispersed: the interval uses F(1, 1)) gave "Odds ratio tra
    2026-08 e 2026-10 0,98 (IC 95% 0,00–35.005.454,48)": three months are now refused (a trend needs 6),
    and six such months — still wide — have a bound beyond 1/100 or 100 written "< 0,01" or "> 100", and a
    note says the trend is very uncertain with so few months."""
    import html as html_lib

    from tests.console_data import build
    from tests.warehouse_rows import response, write
    from warehouse.console import create_app

    settings, tokens = build(tmp_path)
    rows = []
    for period, positive in (("2026-05", 8), ("2026-06", 32), ("2026-07", 12), ("2026-08", 30), ("2026-09", 10),
                             ("2026-10", 33)):
        rows += [response(period=period, day=1 + i % 28, entity=ROMA, service="roma-trend",
                          service_type="anagrafe.certificati", satisfaction=5 if i < positive else 2) for i in range(40)]
    write(tmp_path, rows)
    with session_scope(connect(settings.database_url)) as s:
        ops.add_service(s, actor="test", key="roma-trend", entity_ipa=ROMA, name="Certificati",
                        service_type="anagrafe.certificati")
        pid = plan_ops.add_plan(s, actor="test", service_key="roma-trend", indicator="satisfaction",
                                baseline_period="2026-05", target_value=60, deadline="2027-06-30", actions="x",
                                owner="A").id
    c = create_app(settings).test_client()
    auth = {"Authorization": f"Bearer {tokens['monitoring']}"}
    ev = c.get(f"/workspace/{ROMA}/plans/{pid}/evaluation.json?follow_up=2026-10", headers=auth).get_json()
    assert ev["trend"]["dispersion"] > 1 and ev["trend"]["odds_ratio_over_span_ci"][1] > 100  # the case
    page = html_lib.unescape(c.get(f"/workspace/{ROMA}/plans/{pid}/evaluation?follow_up=2026-10",
                                   headers=auth).get_data(as_text=True))
    trend = re.search(r'<p data-col="trend">(.*?)</p>', page, re.S).group(1)
    assert "> 100" in trend and not re.search(r"\d\.\d{3}", trend), trend  # no 35.005.454,48
    assert 'data-note="wide-trend"' in page and "con 6 mesi e queste risposte la tendenza è molto incerta" in page


def test_the_plans_page_links_no_driver_analysis_refused_for_too_few_answers(app, seeded):
    """A cx-core service with fewer than 100 answers (Torino's: none at all) was linked "Fattori" like
    any other, and the link led to "Analisi rifiutata: risposte insufficienti" (422). Now the plans page
    links only where the analysis runs (the month, else its quarter or year) and otherwise says why and
    when it will; the plan's own page links no refusal either. Roma's month of 320 answers keeps its link."""
    c = client_as(app, seeded[1], "entity_torino")
    html = c.get("/workspace/c_l219/plans").get_data(as_text=True)
    torino = re.search(r'<li data-service="svc-torino-anagrafe">(.*?)</li>', html).group(1)
    assert "/drivers" not in torino and "data-too-few" in torino and "almeno 100 risposte complete" in torino
    assert c.get("/workspace/c_l219/services/svc-torino-anagrafe/drivers").status_code == 422  # why no link
    en = c.get("/workspace/c_l219/plans?lang=en").get_data(as_text=True)
    assert "no driver analysis yet: it needs at least 100 complete answers" in en
    plan = c.get("/workspace/c_l219/plans/2")
    assert plan.status_code == 200 and "/drivers" not in plan.get_data(as_text=True)
    roma = client_as(app, seeded[1], "entity").get(f"/workspace/{ROMA}/plans").get_data(as_text=True)
    link = re.search(rf'href="(/workspace/{ROMA}/services/{SERVICE}/drivers[^"]*)"', roma).group(1)
    assert client_as(app, seeded[1], "entity").get(link).status_code == 200
