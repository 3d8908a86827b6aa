"""Metrics textfiles of processor members killed for good (no clean stop to remove them): a running
member rewrites its own at least every REFRESH_S, even idle, with the time it did; and removes the other
members' files not rewritten for the heartbeat's limit plus a refresh — never a halted member's."""
from __future__ import annotations

import os
import re
import time

from processor import metrics as processor_metrics
from processor.metrics import UPDATED, Metrics
from tests.conftest import wait_for


def _updated(text: str) -> float:
    found = re.search(rf"^{UPDATED}\{{[^}}]*\}} (\S+)$", text, re.M)
    assert found, text
    return float(found.group(1))


def test_a_running_member_removes_the_textfiles_of_members_gone_for_good_and_keeps_its_own_moving(
        settings, processor_factory, monkeypatch):
    """A member killed for good (a deleted pod) left its last textfile in the shared directory for ever:
    node_exporter kept exporting its counters and gauges (``assigned_partitions``, ``last_commit``) as if it
    were there. Real members (one idle processor on the real broker, others made by Metrics as theirs)."""
    monkeypatch.setattr(processor_metrics, "REFRESH_S", 0.5)
    monkeypatch.setattr(processor_metrics, "SWEEP_S", 0.5)
    s = settings.with_(heartbeat_max_age_s=8.0, processor_instance="live")
    folder = s.processor_metrics_file.parent
    gone = Metrics(folder / "processor-gone.prom", "gone")
    gone.assigned.set(3)
    gone.write()
    halted = Metrics(folder / "processor-halted.prom", "halted")
    halted.halted.set(1)
    halted.write()
    older = folder / "processor-old-release.prom"  # a file of a release without the updated gauge
    older.write_text('ascolto_processor_assigned_partitions{processor="old-release"} 2.0\n')
    os.utime(older, (time.time() - 3600, time.time() - 3600))
    assert _updated(gone.path.read_text()) > time.time() - 5

    p = processor_factory(s)  # idle: no record on its topic, so no commit rewrites its file
    own = s.processor_metrics_file
    wait_for(lambda: own.exists(), timeout_s=30, message="the member's own textfile")
    wait_for(lambda: not older.exists(), timeout_s=10, message="the old release's stale file removed")
    assert gone.path.exists()  # 8 s + a refresh have not passed yet: it may be a member in a long join
    fresh = Metrics(folder / "processor-other.prom", "other")
    wait_for(lambda: not gone.path.exists(), timeout_s=20, message="the gone member's file removed")
    fresh.write()  # a live member: rewrites its own
    time.sleep(1.5)  # another sweep or two
    assert fresh.path.exists() and halted.path.exists()  # live, and halted (its alert stays)
    text = own.read_text()
    assert time.time() - _updated(text) < 3  # rewritten while idle
    assert 'ascolto_processor_registry_unavailable_total{processor="live"} 0.0' in text
    p.close()
    assert not own.exists()  # a clean stop removes its own, as before
    assert sorted(f.name for f in folder.glob("*.prom")) == ["processor-halted.prom", "processor-other.prom"]


def test_every_dead_letter_reason_is_exported_at_zero_before_its_first_dead_letter(tmp_path):
    """The alert on dead letters is ``increase(ascolto_processor_dead_letters_total[15m]) > 0``: a series
    born at its first dead letter has no earlier sample, so ``increase`` read 0 and the first poison record
    of a reason went unannounced. Every reason's series exists at 0 from the start."""
    from processor.badrows import Reason
    metrics = Metrics(tmp_path / "processor-a.prom", "a")
    metrics.write()
    text = metrics.path.read_text()
    for reason in Reason:
        assert re.search(rf'^ascolto_processor_dead_letters_total\{{[^}}]*reason="{reason.value}"[^}}]*\}} 0\.0$',
                         text, re.M), reason
