"""A count the response-rate page withholds reads "oscurato", as every suppressed figure of the console.

A service-month with enough impressions to publish but one or two submissions (answers: withheld like
the cube's cell of them, :func:`warehouse.protect_rates.publish_rates`) showed its submissions, response
rate and break-off as "—", which the legend reads as "no response arrived" — and which the page's own
contract (:mod:`warehouse.console.rates`) rules out: a suppressed cell is "oscurato", never a dash."""
from __future__ import annotations

import re

from dataset.funnel import write_funnel
from settings import Settings
from tests.console_auth import api_client
from tests.test_confidentiality_rates import _funnel
from tests.warehouse_rows import response, write


def _cells(html: str, service: str, period: str) -> dict[str, str]:
    row = next(r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)
               if f'data-service="{service}"' in r and f"<td>{period}</td>" in r)
    return {c: re.sub(r"<[^>]+>", "", v).strip() for c, v in re.findall(r'<td data-col="(\w+)">(.*?)</td>', row, re.S)}


def test_withheld_submissions_read_oscurato_not_a_dash(tmp_path):
    write(tmp_path, [response(period="2026-03", day=10, service="svc-one", satisfaction=4)])
    write_funnel(tmp_path, _funnel("svc-one", "2026-03", 1, 40), 0, 0, 999)
    client = api_client(Settings(data_dir=tmp_path))
    html = client.get("/quality/response-rates").get_data(as_text=True)
    cells = _cells(html, "svc-one", "2026-03")
    assert cells["impressions"] not in ("—", "oscurato"), cells  # the row is published
    assert cells["submissions"] == cells["response_rate"] == cells["break_off"] == "oscurato", cells
    english = _cells(client.get("/quality/response-rates?lang=en").get_data(as_text=True), "svc-one", "2026-03")
    assert english["submissions"] == "suppressed", english
