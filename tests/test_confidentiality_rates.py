"""Route 14 (red team, second round): one count published twice with independent noise.

The response-rate page (``/quality/response-rates``, its CSV) published a service-month's widget
submissions perturbed with the widget reports' keys; the cube published the same month's ``responses``
n with the answers' own keys. For a service answered only through the widget the two are the same
count: the mean of the two figures is a better estimate than either, and exact whenever they differ
by 2·D (one cell in 120). Now the submissions take their answers' cell key: one count, one figure.
"""
from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timezone

from dataset.funnel import write_funnel
from dataset.recordkey import keyer
from settings import Settings
from tests.console_auth import api_client
from tests.warehouse_rows import TEST_SECRET, response, write
from warehouse.protect import Protection
from warehouse.response_rates import rates

PERIODS = ("2026-03", "2026-04", "2026-05")


def _funnel(service: str, period: str, answers: int, views: int) -> list[dict]:
    """``views`` widget page views of ``service`` in ``period``, the first ``answers`` of them answered."""
    at = datetime(int(period[:4]), int(period[5:]), 10, 9, tzinfo=timezone.utc)
    ids = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"route14/{service}/{period}/{i}")) for i in range(views)]
    return [{"report_id": rid, "received_at": at, "day": f"{period}-10", "service": service, "entity": "c_h501",
             "pa_type": "L6", "service_type": "anagrafe.certificati", "region": "ITI4", "channel": "web",
             "questionnaire": "cx-core", "version": 1, "impressions": 1, "starts": int(i < answers + 2),
             "submissions": int(i < answers), "record_key": key, "kafka_partition": 0, "kafka_offset": i,
             "period": period} for i, (rid, key) in enumerate(zip(ids, keyer(TEST_SECRET)(ids)))]


def test_route_14_the_widget_submissions_and_the_cube_n_are_one_figure(tmp_path):
    """120 services answered only through the widget, three months each: every submissions count the
    rates publish is the cube's published n of the same service-month, so averaging the two learns
    nothing (on independent keys they differed in two cells out of three, and by 2·D = 4 — the true n
    exactly, their mean — in some)."""
    sizes = {(f"svc-{s:03d}", p): 3 + (7 * s + 3 * j) % 11 for s in range(120) for j, p in enumerate(PERIODS)}
    rows, funnel = [], []
    for (svc, period), n in sizes.items():
        rows += [response(period=period, day=10, service=svc, satisfaction=1 + i % 5) for i in range(n)]
        funnel += _funnel(svc, period, n, 4 * n)
    write(tmp_path, rows)
    for i, period in enumerate(PERIODS):
        write_funnel(tmp_path, [r for r in funnel if r["period"] == period], 0, 10_000 * i, 10_000 * i + 9_999)
    client = api_client(Settings(data_dir=tmp_path))
    resp = client.get(f"/api/v1/indicators?indicator=responses&by=service&freq=M&from={PERIODS[0]}&to={PERIODS[-1]}")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    cube = {(r["service"], r["period"]): r["n"] for r in resp.get_json()["rows"]}
    table = rates(tmp_path, Protection(), ("service", "channel", "period"))
    published = {(r["service"], r["period"]): r["submissions"] for r in table.to_dict("records")}
    both = [c for c in sizes if cube.get(c) is not None and published.get(c) == published.get(c)]
    assert len(both) > 300
    assert [c for c in both if published[c] != cube[c]] == []
    # the console's page and CSV take the answers' keys from the rollup: the same figures
    page = client.get("/quality/response-rates.csv")
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    rows = list(csv.reader(io.StringIO(page.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    col = {name: i for i, name in enumerate(rows[0])}
    shown = {(r[col["Servizio"]], r[col["Periodo"]]): r[col["Invii"]] for r in rows[1:]}
    assert {c: float(shown[c]) for c in both} == {c: cube[c] for c in both}
    recovered = [c for c in both if abs(published[c] - cube[c]) == 4 and (published[c] + cube[c]) / 2 == sizes[c]]
    assert recovered == []


def test_route_14_counts_that_differ_keep_their_difference_not_their_noise(tmp_path):
    """Months where the widget counted one answer fewer than the cube (a report lost): both counts get
    the same deviation (one key; the p-table's rows from D on are one row), so the figures differ by
    exactly 1 and their mean tells nothing the cube's n does not; a service with no answer stored (the
    widget's count only) keeps the reports' own keys."""
    services = [f"svc-lost-{i}" for i in range(8)]
    write(tmp_path, [response(period="2026-03", day=10, service=s, satisfaction=4) for s in services for _ in range(20)])
    write_funnel(tmp_path, [r for s in services for r in _funnel(s, "2026-03", 19, 60)]
                 + _funnel("svc-none", "2026-03", 9, 30), 0, 0, 999)
    client = api_client(Settings(data_dir=tmp_path))
    cube = {r["service"]: r["n"] for r in client.get(
        "/api/v1/indicators?indicator=responses&by=service&freq=M&from=2026-03&to=2026-03").get_json()["rows"]}
    table = rates(tmp_path, Protection(), ("service", "channel", "period")).set_index("service")
    assert {s: cube[s] - table.loc[s, "submissions"] for s in services} == {s: 1 for s in services}
    assert 7 <= table.loc["svc-none", "submissions"] <= 11
