"""deploy/supervise.py: the process that keeps the collector's shipper running under gunicorn.

Real processes, no mocks: the supervised command is a small Python script that records its pid
and how it was stopped.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.supervise import Supervisor, describe
from tests.conftest import wait_for

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import os, signal, sys, time
from pathlib import Path
out = Path(sys.argv[1])
def term(*_):
    (out / f"term-{os.getpid()}").touch()
    sys.exit(0)
signal.signal(signal.SIGTERM, term)
(out / f"pid-{os.getpid()}").touch()
while True:
    time.sleep(0.05)
"""

# A stand-in for the gunicorn master: starts the supervisor with ``--parent`` itself, prints its pid.
MASTER = """
import os, subprocess, sys, time
cmd = sys.argv[1:]
cmd[cmd.index("--"):cmd.index("--")] = ["--parent", str(os.getpid())]
print(subprocess.Popen(cmd).pid, flush=True)
time.sleep(60)
"""


def _pids(out: Path, kind: str) -> list[int]:
    return sorted(int(p.name.split("-")[1]) for p in out.glob(f"{kind}-*"))


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _supervise(tmp_path: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "deploy.supervise", "--name", "test child", "--grace", "5", *extra,
            "--", sys.executable, "-c", CHILD, str(tmp_path)]


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT))


def test_a_killed_command_is_restarted_and_sigterm_stops_it(tmp_path):
    sup = subprocess.Popen(_supervise(tmp_path), env=_env(), stderr=subprocess.PIPE)
    try:
        first = wait_for(lambda: _pids(tmp_path, "pid"), message="the command started")[0]
        os.kill(first, signal.SIGKILL)
        second = wait_for(lambda: [p for p in _pids(tmp_path, "pid") if p != first], timeout_s=10,
                          message="another one started")[0]
        assert _alive(second)
        sup.send_signal(signal.SIGTERM)
        assert sup.wait(10) == 0
        assert _pids(tmp_path, "term") == [second], "the running command was stopped with SIGTERM"
        assert len(_pids(tmp_path, "pid")) == 2, "nothing started once told to stop"
    finally:
        if sup.poll() is None:
            sup.kill()
            sup.wait()
    log = sup.stderr.read().decode()
    assert f"(pid {first}) exited (killed by SIGKILL)" in log


def test_it_stops_the_command_when_its_parent_dies(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", MASTER, *_supervise(tmp_path)], env=_env(), stdout=subprocess.PIPE)
    supervisor = int(parent.stdout.readline())
    child = wait_for(lambda: _pids(tmp_path, "pid"), message="the command started")[0]
    parent.kill()
    parent.wait()
    wait_for(lambda: _pids(tmp_path, "term") == [child], timeout_s=10, message="the command stopped with SIGTERM")
    wait_for(lambda: not _alive(supervisor), timeout_s=10, message="the supervisor gone")
    assert not _alive(child)


def test_a_command_that_keeps_failing_is_retried_with_a_growing_backoff(tmp_path):
    sup = Supervisor([sys.executable, "-c", "raise SystemExit(3)"], min_backoff=0.05, max_backoff=0.2, tick_s=0.01)
    sleeps = []
    sup._sleep = lambda s: (sleeps.append(s), len(sleeps) >= 5 and sup.request_stop())
    assert sup.run() == 0
    assert sleeps == [0.05, 0.1, 0.2, 0.2, 0.2] and sup.starts == 5


@pytest.mark.parametrize("status, words", [(0, "status 0"), (3, "status 3"), (-9, "killed by SIGKILL"),
                                           (-15, "killed by SIGTERM")])
def test_describe(status, words):
    assert describe(status) == words
