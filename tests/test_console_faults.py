"""Faults the monitoring staff found in the console (December 2026), each with the behaviour expected:
the national benchmark under unit filters, partial periods said, the service-type filters applied
everywhere and unknown codes refused, Italian/English number formats, indicators not collected,
ranking honesty, translated refusals. Real DuckDB/Parquet data (:mod:`tests.console_data`)."""
from __future__ import annotations

import re

import pytest

from tests.console_data import build
from warehouse.console import create_app

STYPE = "anagrafe.certificati"


@pytest.fixture(scope="module")
def app_tokens(tmp_path_factory):
    settings, tokens = build(tmp_path_factory.mktemp("faults"))
    return create_app(settings), tokens


def _get(app_tokens, url, lang=None):
    app, tokens = app_tokens
    c = app.test_client()
    if lang:
        with c.session_transaction() as s:
            s["lang"] = lang
    return c.get(url, headers={"Authorization": f"Bearer {tokens['monitoring']}"})


# --- 1. a unit filter keeps the national benchmark -------------------------------------------------

def test_api_region_filter_keeps_the_national_benchmark(app_tokens):
    base = f"/api/v1/compare?service_type={STYPE}&freq=M&period=2026-10"
    national = _get(app_tokens, base).get_json()
    roma = _get(app_tokens, base + "&region=ITI4").get_json()
    assert [u["entity"] for u in roma["units"]] == ["c_h501"]
    # the same published cell as without the filter, not Roma's own value
    assert roma["benchmark"]["value"] == national["benchmark"]["value"]
    assert roma["benchmark"]["n"] == national["benchmark"]["n"]
    assert roma["benchmark"]["value"] != roma["units"][0]["value"]
    assert roma["benchmark"]["scope"] == "national"
    assert roma["benchmark"]["filters"] == {"service_type": [STYPE]}
    assert roma["benchmark"]["unit_filters"] == {"region": ["ITI4"]}
    # Roma's z-score is against the national value: the same as in the national comparison
    z = {u["entity"]: u["z"] for u in national["units"]}
    assert roma["units"][0]["z"] == z["c_h501"]


def test_api_measure_filters_still_define_the_benchmark(app_tokens):
    both = _get(app_tokens, f"/api/v1/compare?service_type={STYPE}&freq=M&period=2026-10&channel=web&pa_type=L6")
    body = both.get_json()
    assert body["benchmark"]["filters"] == {"service_type": [STYPE], "channel": ["web"]}
    assert body["benchmark"]["unit_filters"] == {"pa_type": ["L6"]}


def test_page_region_filter_compares_with_the_national_benchmark(app_tokens):
    whole = _get(app_tokens, f"/service-types/{STYPE}?freq=M&period=2026-10").get_data(as_text=True)
    milano = _get(app_tokens, f"/service-types/{STYPE}?freq=M&period=2026-10&region=ITC4").get_data(as_text=True)
    bench = lambda h: re.search(r'data-benchmark="([^"]*)"', h).group(1)  # noqa: E731
    assert bench(milano) == bench(whole) != ""
    assert 'data-benchmark-scope="national"' in milano
    assert "data-benchmark-note" in milano and "data-benchmark-note" not in whole
