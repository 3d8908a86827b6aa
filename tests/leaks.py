"""What a test leaves behind: threads, child processes, sockets, temporary files (tests/conftest.py).

Always on (cheap: one ``threading.enumerate()`` before and after each test): a test that leaves a
collector's shipper thread (``ascolto-shipper``, :class:`collector.durable.Durability`) running
fails, naming the thread and the test; a warm-up thread it started (:data:`AWAITED_THREADS`) is
waited for. A shipper left running retries its test's broker topic for the rest of the session and
logs into later tests (it failed ``tests/test_form_sent.py`` once).
Close every app a test builds: ``collector.app.close_app(app)``, or use the ``client`` /
``wide_serving`` fixtures, which do; a console's or public site's ``close_app`` (``warehouse.console``,
``warehouse.public``) closes its registry, Redis and DuckDB connections (tests/test_app_shutdown.py).

Opt-in (``ASCOLTO_CHECK_LEAKS=1``): every other thread still alive after a test that was not before
it, every child process of this one, every socket this process holds open that it did not, and
every entry left in a temporary directory private to the session (``TMPDIR`` points there) is
recorded against the test, and listed at the end of the run. Only a report: module-scoped fixtures
and lazily started library pools show up there too.
"""
from __future__ import annotations

import os
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

#: The threads no test may leave running (see the module's docstring).
FORBIDDEN_THREADS = ("ascolto-shipper",)
#: Threads that end on their own and are waited for after the test that started them: a console's or
#: public site's warm-up (warehouse.warmup, not a daemon) otherwise went on building its rollup in the
#: next tests (tests/test_client_buckets.py left them to three later tests).
AWAITED_THREADS = ("rollup-warm-up", "releases-warm-up")
AWAIT_S = 120.0
ENABLED = os.environ.get("ASCOLTO_CHECK_LEAKS", "") not in ("", "0")


def leftover_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    """Threads alive now that were not in ``before``."""
    return [t for t in threading.enumerate() if t not in before and t.is_alive()]


def await_warm_ups(threads: list[threading.Thread]) -> None:
    """Join the :data:`AWAITED_THREADS` among ``threads`` (at most :data:`AWAIT_S` in all)."""
    for t in threads:
        if t.name in AWAITED_THREADS:
            t.join(AWAIT_S)


def forbidden(threads: list[threading.Thread]) -> list[threading.Thread]:
    return [t for t in threads if t.name in FORBIDDEN_THREADS]


def where(thread: threading.Thread) -> str:
    """The innermost frame of ``thread`` outside :mod:`threading` (``file:line function``)."""
    frame = sys._current_frames().get(thread.ident)
    while frame is not None and frame.f_code.co_filename.endswith("threading.py"):
        frame = frame.f_back
    if frame is None:
        return "?"
    return f"{'/'.join(frame.f_code.co_filename.split('/')[-2:])}:{frame.f_lineno} {frame.f_code.co_name}"


def child_pids() -> set[int]:
    """Pids of this process's children (of any of its threads), from ``/proc``."""
    pids: set[int] = set()
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return pids
    for tid in tasks:
        try:
            pids.update(int(p) for p in Path(f"/proc/self/task/{tid}/children").read_text().split())
        except OSError:
            continue
    return pids


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()[:120]
    except OSError:
        return "?"


def sockets() -> set[str]:
    """The ``socket:[inode]`` targets of this process's open file descriptors."""
    found: set[str] = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:"):
            found.add(target)
    return found


def describe_sockets(targets: set[str]) -> list[str]:
    """``local->remote STATE`` of the TCP sockets among ``targets`` (``socket:[inode]``), from ``/proc/net``;
    other kinds (Unix, UDP) are counted as such."""
    states = {"01": "ESTABLISHED", "06": "TIME_WAIT", "08": "CLOSE_WAIT", "0A": "LISTEN", "02": "SYN_SENT"}
    inodes = {t[8:-1] for t in targets}
    found: dict[str, str] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if f[9] in inodes:
                found[f[9]] = f":{int(f[1].rsplit(':', 1)[1], 16)}->:{int(f[2].rsplit(':', 1)[1], 16)} " \
                              f"{states.get(f[3], f[3])}"
    other = len(inodes) - len(found)
    return sorted(found.values()) + ([f"{other} non-TCP"] if other else [])


@dataclass
class Snapshot:
    threads: set[threading.Thread]
    children: set[int] = field(default_factory=set)
    sockets: set[str] = field(default_factory=set)
    temp: set[str] = field(default_factory=set)


class Recorder:
    """The opt-in report: leftovers per test, printed by :meth:`summary`."""

    def __init__(self) -> None:
        self.found: list[tuple[str, list[str]]] = []
        self.temp_dir: Path | None = None

    def start_session(self) -> None:
        """Point ``TMPDIR`` (and :mod:`tempfile`) at a directory of this session only, so that what is
        left there is this run's."""
        self.temp_dir = Path(tempfile.mkdtemp(prefix="ascolto-leaks-"))
        os.environ["TMPDIR"] = str(self.temp_dir)
        tempfile.tempdir = str(self.temp_dir)

    def snapshot(self) -> Snapshot:
        return Snapshot(set(threading.enumerate()), child_pids(), sockets(),
                        set(os.listdir(self.temp_dir)) if self.temp_dir else set())

    def compare(self, test: str, before: Snapshot) -> None:
        after = self.snapshot()
        items = [f"thread {t.name!r}{' (daemon)' if t.daemon else ''} at {where(t)}"
                 for t in leftover_threads(before.threads)]
        items += [f"process {pid} {command_line(pid)!r}" for pid in sorted(after.children - before.children)]
        if extra := after.sockets - before.sockets:
            items.append(f"{len(extra)} socket(s) [{', '.join(describe_sockets(extra))}]")
        items += [f"temp {name}" for name in sorted(after.temp - before.temp) if not name.startswith("pytest-of-")]
        if items:
            self.found.append((test, items))

    def summary(self, write) -> None:
        write(f"leftovers (ASCOLTO_CHECK_LEAKS): {len(self.found)} test(s) left something behind")
        for test, items in self.found:
            write(f"  {test}: {'; '.join(items)}")
