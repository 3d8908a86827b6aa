"""A minimal process supervisor: runs one command, restarts it whenever it exits, stops with its parent.

The gunicorn master (``deploy/gunicorn.conf.py``) starts one for the collector's shipper::

    python -m deploy.supervise --name shipper --parent MASTER_PID -- python -m collector.shipper

Why a process of its own rather than a thread in the master (issue 18): the master forks its
workers from its main thread, and its arbiter reaps every child with ``waitpid(-1)``. A thread that
calls ``subprocess.Popen`` while the main thread forks a worker leaves that worker holding the
write end of Popen's exec-status pipe (close-on-exec does not close it: a worker never execs), so
``Popen`` waits for the worker to exit — forever: the shipper then running is never replaced
when it dies. And the arbiter, not the thread, collects a dead shipper's exit status, so the thread
sees ``ECHILD`` (taken by ``Popen.poll`` as status 0) and may see a reused pid. Here the supervisor
is single-threaded and the only parent of its command, so it forks nothing concurrently and reaps
exactly its own child.

Contract:

- The command starts at once, and again after each exit (any status: the command is meant to run
  until told to stop) after a backoff of ``min_backoff`` seconds, doubled up to ``max_backoff``
  while the command keeps exiting within ``stable_s`` of its start. Every exit is logged with its
  status; a start that fails (``OSError``) is logged and retried the same way.
- SIGTERM or SIGINT: the command gets SIGTERM, then SIGKILL if it still runs after ``grace_s``; the
  supervisor then exits 0 and starts nothing more. SIGHUP is ignored (a gunicorn master reloads
  its workers on SIGHUP and goes on; so does the supervisor).
- ``parent``: when that process is no longer the supervisor's parent (it died without stopping
  the supervisor; checked every ``tick_s``), the supervisor stops as on SIGTERM.
- If the supervisor itself is killed, the command keeps running, unsupervised, until it is stopped
  (by its service manager, or when it notices nothing).
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time

log = logging.getLogger("ascolto.supervise")


def describe(status: int | None) -> str:
    """``Popen.returncode`` in words: ``status 1``, ``killed by SIGKILL``."""
    if status is not None and status < 0:
        try:
            return f"killed by {signal.Signals(-status).name}"
        except ValueError:
            return f"killed by signal {-status}"
    return f"status {status}"


class Supervisor:
    """Keeps ``cmd`` running until :meth:`request_stop` or the loss of ``parent``; see the module."""

    def __init__(self, cmd: list[str], *, name: str = "child", parent: int | None = None,
                 min_backoff: float = 0.5, max_backoff: float = 5.0, stable_s: float = 10.0,
                 grace_s: float = 10.0, tick_s: float = 0.2):
        self.cmd, self.name, self.parent = list(cmd), name, parent
        self.min_backoff, self.max_backoff, self.stable_s = min_backoff, max_backoff, stable_s
        self.grace_s, self.tick_s = grace_s, tick_s
        self.stopping = False
        self.child: subprocess.Popen | None = None
        self.starts = 0

    def request_stop(self, *_) -> None:
        """Stop (a signal handler: it only sets a flag; :meth:`run` acts on it within ``tick_s``)."""
        self.stopping = True

    def _should_stop(self) -> bool:
        if not self.stopping and self.parent is not None and os.getppid() != self.parent:
            log.warning("the parent process %s is gone; stopping the %s", self.parent, self.name)
            self.stopping = True
        return self.stopping

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self._should_stop() and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(self.tick_s, left))

    def run(self) -> int:
        """Supervise until told to stop; returns the supervisor's exit status (0)."""
        backoff = self.min_backoff
        while not self._should_stop():
            started = time.monotonic()
            try:
                self.child = subprocess.Popen(self.cmd)
            except OSError as exc:  # e.g. no process slot left
                log.error("cannot start the %s: %s", self.name, exc)
                status = None
            else:
                self.starts += 1
                log.info("started the %s (pid %s)", self.name, self.child.pid)
                status = self._wait()
                if status is None or self._should_stop():  # told to stop (the child was stopped, or went first)
                    break
            if time.monotonic() - started >= self.stable_s:
                backoff = self.min_backoff
            if status is not None:
                log.warning("the %s (pid %s) exited (%s); starting another in %.1f s",
                            self.name, self.child.pid, describe(status), backoff)
            self._sleep(backoff)
            backoff = min(self.max_backoff, backoff * 2)
        return 0

    def _wait(self) -> int | None:
        """The child's exit status, or None once it was stopped because the supervisor stops."""
        while True:
            status = self.child.poll()  # waitpid on this child only: the supervisor is its only parent
            if status is not None:
                return status
            if self._should_stop():
                self._stop_child()
                return None
            time.sleep(self.tick_s)

    def _stop_child(self) -> None:
        child = self.child
        if child.poll() is not None:
            return
        child.terminate()
        try:
            child.wait(self.grace_s)
        except subprocess.TimeoutExpired:
            log.warning("the %s (pid %s) did not stop within %.0f s; killing it", self.name, child.pid, self.grace_s)
            child.kill()
            child.wait()
        log.info("stopped the %s (pid %s, %s)", self.name, child.pid, describe(child.returncode))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.supervise",
                                     description="Run COMMAND, restart it whenever it exits, stop with the parent.")
    parser.add_argument("--name", default="child", help="what the command is, for the logs")
    parser.add_argument("--parent", type=int, help="stop when this process is no longer the parent")
    parser.add_argument("--grace", type=float, default=10.0, help="seconds between SIGTERM and SIGKILL on stop")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG...]")
    args = parser.parse_args(argv)
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        parser.error("no command to supervise")

    from settings.logs import configure

    configure(args.log_level)
    supervisor = Supervisor(cmd, name=args.name, parent=args.parent, grace_s=args.grace)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, supervisor.request_stop)
    signal.signal(signal.SIGHUP, lambda *_: None)  # a handler, not SIG_IGN: the command must not inherit it
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
