"""The service type page names the over-dispersion test it ran (docs/methodology.md §7): with ten or more
units the winsorized φ is tested by Monte Carlo (warehouse.dispersion), which has no χ² statistic nor
degrees of freedom, so the page says "test Monte Carlo, 199 repliche" where a χ² test says "test χ² …, gl …".
Real DuckDB/Parquet data (:mod:`tests.console_data`) plus ten administrations that differ far more than
chance explains."""
from __future__ import annotations

import html
import re

import pytest

from tests.console_auth import get_as
from tests.console_data import build
from tests.warehouse_rows import response, write
from warehouse.console import create_app

STYPE = "anagrafe.certificati"


@pytest.fixture(scope="module")
def app_tokens(tmp_path_factory):
    root = tmp_path_factory.mktemp("dispersion")
    settings, tokens = build(root)
    rows = []
    for i in range(10):  # ten more administrations: half mostly dissatisfied, half mostly satisfied
        answers = (1, 2, 2, 1, 3) if i % 2 else (5, 4, 5, 5, 4)
        rows += [response(period="2026-10", day=1 + j % 28, entity=f"c_x{i:03d}", region="ITI4", satisfaction=s)
                 for j, s in enumerate(answers * 8)]
    write(root, rows)
    return create_app(settings), tokens


def test_the_page_and_the_api_name_the_monte_carlo_test_of_a_winsorized_phi(app_tokens):
    app, tokens = app_tokens
    api = get_as(app, tokens["monitoring"], f"/api/v1/compare?service_type={STYPE}&freq=M&period=2026-10").get_json()
    test = api["test"]
    assert test["winsorized"] and test["test"] == "monte_carlo" and test["df"] is None and test["replicates"] == 199
    assert test["overdispersed"] and api["method"] == "normal_multiplicative"
    url = f"/service-types/{STYPE}?freq=M&period=2026-10"
    for lang, words in (("it", "test Monte Carlo, 199 repliche, p "), ("en", "Monte Carlo test, 199 replicates, p ")):
        page = html.unescape(get_as(app, tokens["monitoring"], url, lang).get_data(as_text=True))
        method = re.search(r'<p class="small" data-method="normal_multiplicative">(.*?)</p>', page, re.S)
        assert method and words in method.group(1) and "χ²" not in method.group(1), (lang, method and method.group(1))
