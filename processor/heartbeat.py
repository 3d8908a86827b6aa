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

Under systemd (``Type=notify``, ``WatchdogSec=``: ``deploy/systemd/ascolto-processor@.service``) every
write is also told to the service manager (sd_notify over ``NOTIFY_SOCKET``, :class:`SystemdNotify`):
``READY=1`` with the first, ``WATCHDOG=1`` with each, ``STOPPING=1`` on a clean stop — so systemd's own
watchdog restarts a processor whose loop stopped turning, with no probe to run.
"""
from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path
from typing import Any, Callable, Iterable

STARTING, RUNNING, HALTED = "starting", "running", "halted"


class SystemdNotify:
    """sd_notify(3): messages to the service manager's datagram socket ``address`` (``NOTIFY_SOCKET``,
    read by :func:`settings.load`; ``@name`` is an abstract socket). A message that cannot be sent is
    dropped: the watchdog then restarts the process, which is what a silent loop would get anyway."""

    def __init__(self, address: str):
        self.address = "\0" + address[1:] if address.startswith("@") else address
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)

    def send(self, message: str) -> None:
        try:
            self.sock.sendto(message.encode(), self.address)
        except OSError:
            pass


class Heartbeat:
    """One process's heartbeat at ``path``; ``clock`` is the wall clock (Unix seconds); ``notify`` the
    systemd notification socket, if any."""

    def __init__(self, path: Path, instance: str, every_s: float = 1.0, clock: Callable[[], float] = time.time,
                 notify: str = ""):
        self.path, self.instance, self.every_s, self.clock = Path(path), instance, every_s, clock
        self.started = clock()
        self.written_at = float("-inf")
        self.systemd = SystemdNotify(notify) if notify else None
        self._ready = False

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
        if self.systemd is not None:
            ready, self._ready = "" if self._ready else "READY=1\n", True
            alive = "WATCHDOG=1\n" if state != HALTED else ""
            self.systemd.send(f"{ready}{alive}STATUS={state}, partitions {','.join(map(str, body['partitions'])) or '-'}")

    def remove(self) -> None:
        """A clean stop: no heartbeat left to read as stale."""
        self.path.unlink(missing_ok=True)
        if self.systemd is not None:
            self.systemd.send("STOPPING=1")


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
    """None when the processor whose heartbeat is at ``path`` is alive; else why not, in one line: no
    heartbeat, halted, stale (older than ``max_age_s``), or fresh but written by a process that no
    longer exists (a crash or a SIGKILL leaves the file behind, still "running" for ``max_age_s``)."""
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
    pid = body.get("pid")
    if isinstance(pid, int) and not _running(pid):
        return (f"processor pid {pid} is not running (last loop turn {age:.0f}s ago, state {body.get('state')}): "
                "it exited without a clean stop — crashed or killed (see its log)")
    return None


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists. The heartbeat is local to the processor's host, pod or container
    (``ASCOLTO_RUN_DIR``), where the check runs too: the same process table."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, under another user
        return True
    return True
