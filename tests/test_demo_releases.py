"""`make run` on a fresh machine shows a public site with something on it: once the demo history is loaded
into a new data directory, its last two ended quarters are published as `ascolto publish --actor demo` does
(ascolto.demo_releases), after the processor has stored the history's answers — never before, never over a
release already made. Real Parquet, the real `ascolto publish` processes."""
from __future__ import annotations

import json
import os
from datetime import date

import pytest

from ascolto.cli_demo_releases import demo_quarters, publish_demo
from tests.warehouse_rows import response, write


@pytest.mark.parametrize("today, months, quarters", [
    (date(2026, 12, 3), 13, ["2026-Q2", "2026-Q3"]),  # make run's 13 months: 2025-12 … 2026-12
    (date(2027, 1, 2), 13, ["2026-Q3", "2026-Q4"]),  # a quarter that ended yesterday
    (date(2026, 12, 3), 6, ["2026-Q3"]),  # 2026-07 … 2026-12: Q2 is not wholly inside
    (date(2026, 12, 3), 1, []),  # the tests' stacks: one month, no ended quarter
])
def test_the_quarters_are_the_last_two_ended_ones_wholly_in_the_history(today, months, quarters):
    assert demo_quarters(today, months) == quarters


def _history(data_dir, n=40):
    months = ("2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09")
    write(data_dir, [response(period=months[i % 6], satisfaction=4 if i % 3 else 2) for i in range(n)])
    return {"accepted": n + 7, "funnel": {"accepted": 7}}  # 7 funnel reports: not answers


def _env(data_dir):
    return {**os.environ, "ASCOLTO_DATA_DIR": str(data_dir), "ASCOLTO_DATABASE_URL": f"sqlite:///{data_dir}/registry.db"}


def test_the_stored_history_is_published_as_releases_of_the_demo(tmp_path):
    data_dir = tmp_path
    said = []
    summary = _history(data_dir)
    done = publish_demo(data_dir, _env(data_dir), summary, 13, today=date(2026, 12, 3), say=said.append)
    assert done == ["2026-Q2", "2026-Q3"]
    for q in done:
        manifest = json.loads((data_dir / "releases" / q / "v1" / "manifest.json").read_text("utf-8"))
        assert manifest["period"] == q and manifest["rows"] > 0
    assert said == ["published 2026-Q2, 2026-Q3 from the demo history for the public site (as `ascolto publish` does)"]
    # a second call (another start of the same directory) publishes nothing over them
    assert publish_demo(data_dir, _env(data_dir), summary, 13, today=date(2026, 12, 3), say=said.append) == []
    assert sorted(p.name for p in (data_dir / "releases").iterdir()) == ["2026-Q2", "2026-Q3"]


def test_nothing_is_published_before_the_answers_are_stored_and_it_says_so(tmp_path):
    data_dir = tmp_path
    said = []
    summary = _history(data_dir)
    summary["accepted"] += 100  # answers the processor has not stored
    assert publish_demo(data_dir, _env(data_dir), summary, 13, today=date(2026, 12, 3), timeout_s=1.0,
                        say=said.append) == []
    assert not (data_dir / "releases").exists()
    assert len(said) == 1 and "has stored 40 of the 140 demo answers" in said[0] and "ascolto publish --period 2026-Q3" in said[0]


def test_the_cli_gives_the_stack_the_publishing_step(monkeypatch):
    """`ascolto up` (make run) hands deploy.up the step; deploy.up itself knows nothing of the warehouse. The
    stack's own start (a minute with the demo history) is replaced here by a recorder of what it is given."""
    from click.testing import CliRunner

    import deploy.up
    from ascolto.cli import main

    given = {}
    monkeypatch.setattr(deploy.up, "up", lambda settings, **kw: given.update(kw) or 0)
    result = CliRunner().invoke(main, ["up", "--demo-months", "13", "--demo-responses", "0"])
    assert result.exit_code == 0, result.output
    assert given["after_history"] is publish_demo and given["demo_months"] == 13
