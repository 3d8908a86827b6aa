"""Whether a plan's target is reached is judged on the follow-up's *published* interval — the one the
cube shows beside the figure, which covers the cell-key perturbation too — not on a Wilson interval
recomputed from the published share and n, which ignores the perturbation and is narrower (a target
could read "reached" while the published interval beside the figure still held it). Real console
app, DuckDB and registry (the seeded data of tests/test_improve_pages.py)."""
from __future__ import annotations

import pytest

from tests.test_improve_pages import SERVICE, client_as, seed
from warehouse import cube
from warehouse.console import create_app
from warehouse.dataset import Warehouse
from warehouse.protect import Protection


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return seed(tmp_path_factory.mktemp("methodology-target"))


def test_the_target_is_judged_on_the_published_interval_of_the_follow_up(seeded):
    settings, tokens = seeded
    api = client_as(create_app(settings), tokens, "monitoring")
    body = api.get("/api/v1/improve/plans/1/evaluation?follow_up=2026-10").json
    with Warehouse(settings) as wh:
        cell = cube.published_cell(wh.cursor(), Protection.from_settings(settings), "satisfaction", "service",
                                   SERVICE, "2026-10")
    assert cell["published"] and None not in cell["top2_ci"]
    assert body["target_ci"] == pytest.approx(list(cell["top2_ci"]))
    # the published interval is wider than Wilson's at the published k and n (it adds the noise)
    from warehouse.stats import wilson

    lo, hi = wilson(round(cell["top2"] * cell["n"] / 100), cell["n"])
    assert cell["top2_ci"][0] < 100 * lo and cell["top2_ci"][1] > 100 * hi
