"""The demo's public site is not empty: once ``ascolto up`` has loaded the demo history into a new data
directory, the last :data:`QUARTERS` ended quarters wholly inside it are published, as a statistician
would (``ascolto publish --period … --actor demo``: a release, its checksums, an audit entry), so that
the open-data site's pages, key findings, feed and series files show something on a fresh machine.

Publication reads the stored answers, which reach the dataset through the broker and the processor a
few seconds after the collector accepted them: :func:`publish_demo` waits until the dataset holds as
many answers as the history's summary says were accepted (at most ``timeout_s``), and says so and
publishes nothing when they do not arrive. Never run on a data directory whose history was loaded
before (``deploy.up`` calls it only after a fresh load) nor when a release exists.
"""
from __future__ import annotations

import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Callable

QUARTERS = 2  # two: the newer one's key findings compare it with the one before


def demo_quarters(today: date, months: int) -> list[str]:
    """The last :data:`QUARTERS` quarters that have ended by ``today`` and whose three months all lie in
    the ``months`` months of history up to ``today``'s month (the running one included), oldest first."""
    from warehouse.periods import months as months_of, period_before, period_of, running_month

    first = running_month(today)
    for _ in range(months - 1):
        first = period_before(first)  # the history's first month
    out: list[str] = []
    quarter = period_before(period_of(running_month(today), "Q"))
    while len(out) < QUARTERS and months_of(quarter, "period")[0] >= first:
        out.append(quarter)
        quarter = period_before(quarter)
    return out[::-1]


def stored_answers(data_dir: Path) -> int:
    """How many answers the dataset holds (every month, the running one too)."""
    from warehouse.dataset import open_dataset

    with open_dataset(data_dir) as con:
        return con.execute("SELECT count(*) FROM responses").fetchone()[0]


def publish_demo(data_dir: Path, env: dict, summary: dict, months: int, *, today: date | None = None,
                 timeout_s: float = 120.0, say: Callable[[str], None] = print) -> list[str]:
    """Publish the demo's quarters (:func:`demo_quarters`) once the dataset holds the history's answers
    (``summary``: :func:`deploy.demo_history.load_history`'s); returns the quarters published. ``env``: the
    stack's environment, for the ``ascolto publish`` processes."""
    from warehouse.periods import today_rome

    today = today or today_rome()
    quarters = demo_quarters(today, months)
    releases = Path(data_dir) / "releases"
    if not quarters or (releases.is_dir() and any(releases.iterdir())):
        return []
    expected = summary["accepted"] - summary.get("funnel", {}).get("accepted", 0)
    deadline = time.monotonic() + timeout_s
    while (have := stored_answers(data_dir)) < expected:
        if time.monotonic() > deadline:
            say(f"the processor has stored {have} of the {expected} demo answers after {timeout_s:.0f} s: no quarter "
                f"published for the public site (later: ascolto publish --period {quarters[-1]})")
            return []
        time.sleep(0.5)
    done = []
    for period in quarters:
        out = subprocess.run([sys.executable, "-m", "ascolto.cli", "publish", "--period", period, "--actor", "demo"],
                             env=env, capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            say(f"publishing the demo's {period} failed: {(out.stderr or out.stdout).strip().splitlines()[-1:]}")
            break
        done.append(period)
    if done:
        say(f"published {', '.join(done)} from the demo history for the public site (as `ascolto publish` does)")
    return done
