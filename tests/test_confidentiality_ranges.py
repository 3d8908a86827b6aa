"""Red team, statistical secrecy: least squares over the span cells of many month ranges.

The "Mettiamoci la faccia" report (``/entities/<ipa>/faccia.csv?table=channels&start=…&end=…``) and the
comparisons publish one cell over any range of months (``span``). Each range is a different set of
records, so each has its own, independent noise: with M months there are M(M+1)/2 ranges, and least
squares over their published n estimated every month's count with a variance far below the p-table's
(simulated with the real p-table, the estimate clipped to 1…4 as the attacker knows a suppressed month
had a few answers: 12 months, a suppressed month of 1 answer recovered exactly 89 % of the time, of 2
answers 78 %; 8 months: 86 % and 69 %).

Fixed: a span cell is given only over one calendar month, quarter or year
(:func:`warehouse.periods.calendar_period`), where it is that period's own cell — the same records,
key and noise — so no range adds an independent perturbation to average; any other range is refused
(400 naming ``to``), and the report shows its totals only for such a period.
"""
from __future__ import annotations

import random

import numpy as np
import pytest

from tests.console_data import build
from tests.warehouse_rows import response, write

MONTHS = [f"2025-{m:02d}" for m in range(1, 9)]
HIDDEN = "2025-05"


def _face(period: str, face: str, rnd: random.Random) -> dict:
    value = {"satisfied": 100.0, "neutral": 50.0, "dissatisfied": 0.0}[face]
    row = response(period=period, day=rnd.randint(1, 28), entity="c_h501", service="roma-front_office",
                   service_type="sportello.urp", channel="front_office", questionnaire="faccia")
    row.update(satisfaction=value, satisfaction_raw=face, satisfaction_scale=None, answers=[("face", f'"{face}"')])
    return row


def test_route_13_a_span_cell_is_only_ever_a_calendar_periods_own_cell(tmp_path):
    """The attack needs many differently perturbed cells of overlapping ranges: every range that is
    not one calendar period is refused, and the ones given are the very cells of M, Q and A."""
    from warehouse.comparability import QueryError
    from warehouse.console import create_app
    from warehouse.cube import Cut, table
    from warehouse.protect import Protection

    settings, tokens = build(tmp_path)
    rnd = random.Random(13)
    counts = {m: (1 if m == HIDDEN else rnd.randint(6, 12)) for m in MONTHS}
    write(tmp_path, [_face(m, rnd.choice(["satisfied", "neutral"]), rnd) for m in MONTHS for _ in range(counts[m])])
    app = create_app(settings)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
    with app.app_context():
        con = app.config["ASCOLTO_WAREHOUSE"]().cursor()
    protection = Protection.from_settings(settings)
    filters = {"entity": ["c_h501"], "questionnaire": ["faccia"]}

    def span(a: str, b: str):
        return table(con, Cut("satisfaction", ["channel"], filters, "M", a, b), protection, span=True).iloc[0]

    for a in range(len(MONTHS)):
        for b in range(a, len(MONTHS)):
            if (a, b) in ((0, 2), (3, 5)) or a == b:
                continue
            with pytest.raises(QueryError) as refused:
                span(MONTHS[a], MONTHS[b])
            assert refused.value.field == "to"
    # what is given: each month, quarter and year exactly as its own published cell (same noise)
    for freq, label, a, b in (("M", "2025-04", "2025-04", "2025-04"), ("Q", "2025-Q1", "2025-01", "2025-03"),
                              ("Q", "2025-Q2", "2025-04", "2025-06"), ("A", "2025", "2025-01", "2025-12")):
        own = table(con, Cut("satisfaction", ["channel"], filters, freq, label, label), protection).iloc[0]
        got = span(a, b)
        assert (got["n"], got["top2"], got["obs_status"]) == (own["n"], own["top2"], own["obs_status"]), label
    assert np.isnan(span(HIDDEN, HIDDEN)["n"])  # the hidden month stays hidden
    # the report: months' rows for any range, totals only for a calendar period
    page = client.get(f"/entities/c_h501/faccia?start={MONTHS[0]}&end={MONTHS[1]}").get_data(as_text=True)
    assert 'id="totals-note"' in page and "<h2>Giudizi per canale e mese</h2>" in page
    resp = client.get(f"/entities/c_h501/faccia.csv?table=channels&start={MONTHS[0]}&end={MONTHS[1]}&lang=en")
    assert resp.status_code == 400 and "Giudizi" not in resp.get_data(as_text=True)  # refused, naming end: no totals
    quarter = client.get("/entities/c_h501/faccia?start=2025-01&end=2025-03").get_data(as_text=True)
    assert "Giudizi per canale (1º trimestre 2025)" in quarter and 'id="totals-note"' not in quarter
    # and the API's comparisons
    bad = client.get("/api/v1/compare?service_type=sportello.urp&from=2025-01&to=2025-02")
    assert bad.status_code == 400 and list(bad.get_json()["fields"]) == ["to"]
    assert client.get("/api/v1/compare?service_type=sportello.urp&from=2025-01&to=2025-03").status_code == 200


@pytest.mark.usefixtures("clock_2027")
def test_a_refused_range_is_answered_with_a_period_of_its_own_year(tmp_path):
    """The refusal of a range that is no calendar period suggested "period=2025-Q1, or
    from=2025-01&to=2025-03" whatever was asked: one asking for 2026 was pointed at a year of no
    interest. The example is the calendar quarter the range begins in, and it is one that is answered."""
    from warehouse.console import create_app

    settings, tokens = build(tmp_path)  # anagrafe.certificati, 2026-08 to 2026-10
    client = create_app(settings).test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
    refused = client.get("/api/v1/compare?service_type=anagrafe.certificati&from=2026-08&to=2026-09")
    body = refused.get_json()
    assert refused.status_code == 400 and list(body["fields"]) == ["to"], body
    assert "(period=2026-Q3, or from=2026-07&to=2026-09)" in body["message"] and "2025" not in body["message"]
    for asked in ("period=2026-Q3", "from=2026-07&to=2026-09"):
        assert client.get(f"/api/v1/compare?service_type=anagrafe.certificati&{asked}").status_code == 200
