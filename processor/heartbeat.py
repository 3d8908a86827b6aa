"""The processor's heartbeat file and the liveness check an exec probe runs against it.

The consume loop (:meth:`processor.consumer.Processor.step`, at least every ~200 ms when idle) calls
:meth:`Heartbeat.beat` on every turn; the file is rewritten at most once per ``every_s`` (1 s), never per
record. It is written from the loop itself, not from a thread of its own, so a loop that hangs (a
blocked poll, a stuck write or commit) stops the heartbeat while the process stays alive. The write is
atomic (a temporary file renamed over the old one) and not fsynced: it says something only while the
host is up.

The file is ``settings.processor_heartbeat_file`` — ``ASCOLTO_RUN_DIR/processor-<instance>.json``,
where the instance is ``ASCOLTO_PROCESSOR_INSTANCE`` (the systemd template sets ``%i``) or the host
name (a Kubernetes pod's or a Compose container's own) — and holds one JSON object::

    {"pid": 4242, "instance": "2", "state": "running", "beat": 1764500000.12, "started": 1764499000.0,
     "last_commit": 1764499998.7, "partitions": [0, 3, 7], "halted": false}

``state`` is ``starting`` (waiting for the broker to build its Kafka clients), ``running`` or ``halted``
(stopped on a mostly invalid window: the process exits with status 3). A processor that stops cleanly
removes its file. Times are Unix seconds on the wall clock, so writer and checker must share a host
(they do: the probe runs in the processor's container or next to its unit).

:func:`check` is what ``ascolto processor check`` prints and exits on: None when the heartbeat is younger
than ``max_age_s``, else a one-line reason (missing, unreadable, stale and how old, halted).
Standard library only: a probe runs it every few seconds.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Callable, Iterable

STARTING, RUNNING, HALTED = "starting", "running", "halted"


class Heartbeat:
    """One process's heartbeat at ``path``; ``clock`` is the wall clock (Unix seconds)."""

    def __init__(self, path: Path, instance: str, every_s: float = 1.0, clock: Callable[[], float] = time.time):
        self.path, self.instance, self.every_s, self.clock = Path(path), instance, every_s, clock
        self.started = clock()
        self.written_at = float("-inf")

    def due(self) -> bool:
        """True when the last write is ``every_s`` old (the loop then gathers its state and calls :meth:`write`)."""
        return self.clock() - self.written_at >= self.every_s

    def write(self, state: str = RUNNING, *, last_commit: float | None = None,
              partitions: Iterable[int] = ()) -> None:
        """Rewrite the file now (atomically). OSError propagates (the caller logs it: a processor that
        cannot write its run directory goes stale, and the probe restarts it)."""
        now = self.written_at = self.clock()  # a failed write is retried a period later, not every turn
        body = {"pid": os.getpid(), "instance": self.instance, "state": state, "beat": now,
                "started": self.started, "last_commit": last_commit, "partitions": sorted(partitions),
                "halted": state == HALTED}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}-{id(self):x}.tmp")
        tmp.write_text(json.dumps(body))
        os.replace(tmp, self.path)

    def remove(self) -> None:
        """A clean stop: no heartbeat left to read as stale."""
        self.path.unlink(missing_ok=True)


def read(path: Path) -> dict[str, Any] | None:
    """The heartbeat at ``path``, or None when there is none; ValueError when it is not a heartbeat."""
    try:
        body = json.loads(Path(path).read_text())
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"unreadable ({exc})") from None
    if not isinstance(body, dict) or not isinstance(body.get("beat"), (int, float)):
        raise ValueError("not a heartbeat (no 'beat' time)")
    return body


def check(path: Path, max_age_s: float, now: float | None = None) -> str | None:
    """None when the processor whose heartbeat is at ``path`` is alive; else why not, in one line."""
    try:
        body = read(path)
    except ValueError as exc:
        return f"heartbeat {path} {exc}"
    if body is None:
        return f"no heartbeat at {path} (processor not started, stopped, or another instance name)"
    if body.get("halted") or body.get("state") == HALTED:
        return f"processor pid {body.get('pid')} halted on a mostly invalid window (see its log; it exits with status 3)"
    age = (time.time() if now is None else now) - body["beat"]
    if age > max_age_s:
        return (f"heartbeat stale: last loop turn of pid {body.get('pid')} {age:.0f}s ago "
                f"(limit {max_age_s:.0f}s, state {body.get('state')})")
    return None
