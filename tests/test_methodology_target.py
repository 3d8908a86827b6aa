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


def test_without_the_published_interval_the_target_is_never_met_on_sampling_alone():
    """target_check's fallback (no published interval given) recomputed a Wilson interval from the
    published share and n, ignoring the cell-key noise's variance: 68 % of 120 answers against a target of
    59 read "reached" (Wilson 59.6–76.0) while the noise-aware interval the cube publishes (59 inside it)
    says "cannot tell". Now the fallback recomputes the cube's own interval from the cell's noise variance,
    and with no variance at all it refuses to judge, saying why — never "reached" on sampling alone."""
    from warehouse import stats
    from warehouse.evaluation import TARGET_NO_INTERVAL, target_check

    value, n, target, noise = 68.0, 120, 59.0, 0.0008
    _, lo, hi = stats.positive_share(round(value * n / 100), n, noise_var=noise)  # what the cube publishes
    assert lo < target < hi
    published = target_check(target, "share", value, n, ci=(float(lo), float(hi)))
    assert published["status"] == "uncertain" and published["reason"] is None
    from_noise = target_check(target, "share", value, n, noise_var=noise)
    assert from_noise["status"] == "uncertain" and from_noise["ci"] == pytest.approx(published["ci"])
    bare = target_check(target, "share", value, n)  # before: Wilson 59.6–76.0, "reached"
    assert bare["status"] == "uncertain" and bare["ci"] is None and bare["reason"] == TARGET_NO_INTERVAL
    # a mean alike: the t interval on √(sd² + n·noise) the cube publishes, not on the sd alone
    mean = target_check(60.0, "mean", 66.0, 50, 20.0, noise_var=2.5)
    assert mean["status"] == "uncertain" and mean["ci"][0] < 60 < mean["ci"][1]
    assert target_check(60.0, "mean", 66.0, 50, 20.0)["status"] == "uncertain"  # before: "reached" (60.3–71.7)
    assert target_check(60.0, "mean", 66.0, 50, 20.0, noise_var=0.0)["status"] == "reached"  # no perturbation
    # a published single-point interval (every answer the same) measures nothing: not judged, and said why
    point = target_check(60.0, "mean", 100.0, 3, 0.0, ci=(100.0, 100.0))
    assert point["status"] == "uncertain" and "single point" in point["reason"]


def test_the_api_and_page_say_why_a_target_cannot_be_judged(seeded, monkeypatch):
    """A follow-up cell without its interval and noise variance (a cell published without them): the
    API's ``target_reason`` and the page say why the target cannot be judged, rather than a verdict."""
    from warehouse.console import improve_api

    settings, tokens = seeded
    real = improve_api.cube.published_cell

    def bare(con, protection, indicator, dim, code, period):
        cell = real(con, protection, indicator, dim, code, period)
        if cell and period == "2026-10":
            cell.update(top2_ci=(None, None), top2_noise_var=None)
        return cell

    monkeypatch.setattr(improve_api.cube, "published_cell", bare)
    app = create_app(settings)
    body = client_as(app, tokens, "monitoring").get("/api/v1/improve/plans/1/evaluation?follow_up=2026-10").json
    assert body["target_status"] == "uncertain" and body["target_ci"] is None
    assert "no published interval" in body["target_reason"]
    page = client_as(app, tokens, "entity").get("/workspace/c_h501/plans/1/evaluation?follow_up=2026-10")
    assert "non ha un intervallo pubblicato" in page.get_data(as_text=True)
