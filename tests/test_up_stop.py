"""Ctrl-C stops ``make run`` (``ascolto up``) in a couple of seconds and quietly: the console's and the
public site's gunicorn used to take 10 s, about every other time, and the collector's printed a traceback.

A terminal's Ctrl-C sends SIGINT to the whole foreground process group: every gthread worker got it
and, a moment later, SIGQUIT from its master; the second signal, landing inside the first handler,
deadlocked on ``ThreadPoolExecutor.shutdown``'s lock until the master's SIGKILL after
``graceful_timeout`` (deploy/gunicorn_worker.py). Whether the second signal lands inside that lock
depends on the machine's load, so the deadlock itself is shown by delivering it there; and a real
gunicorn, as ``ascolto up`` starts it (deploy.up.gunicorn_cmd, deploy/gunicorn.conf.py), gets what a
terminal sends.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

from deploy.broker import free_port
from deploy.up import COLLECTOR_APP, gunicorn_cmd
from settings import child_environment

#: a stop takes about a second; gunicorn's graceful_timeout, which the deadlock waited for, is 10 s
STOP_S = 5.0


def _serve(app: str, tmp_path, stderr=subprocess.DEVNULL, **overrides: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = child_environment(ASCOLTO_DATA_DIR=str(tmp_path / "data"), ASCOLTO_WORKERS="2", ASCOLTO_THREADS="2",
                            **overrides)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # the master makes its own
    proc = subprocess.Popen(gunicorn_cmd(app, port), env=env, start_new_session=True,  # its own group: the "terminal"
                            stdout=subprocess.DEVNULL, stderr=stderr)
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return proc, port
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, "gunicorn did not answer"
            time.sleep(0.1)


def _thread_worker():
    from deploy.gunicorn_worker import ThreadWorker

    worker = ThreadWorker.__new__(ThreadWorker)  # the real class; no sockets nor app: only its quit path
    worker.cfg = SimpleNamespace(worker_int=lambda _worker: None)
    worker.tpool = ThreadPoolExecutor(1)
    worker.alive = True
    return worker


def _quits_promptly(worker, *signals) -> None:
    done = threading.Thread(target=lambda: [worker.handle_quit(s, None) for s in signals], daemon=True)
    done.start()
    done.join(timeout=3)
    assert not done.is_alive(), "the worker's quit handler deadlocked on the pool's lock"
    assert worker.alive is False  # the main loop ends and shuts the pool down outside the handler


def test_the_masters_sigquit_after_the_terminals_sigint_does_not_deadlock():
    """Where the faulthandler dump of a hung worker showed it: a second ``handle_quit`` right after the
    first one's ``shutdown``, inside the pool's ``_shutdown_lock``."""
    _quits_promptly(_thread_worker(), signal.SIGINT, signal.SIGQUIT)


def test_a_ctrl_c_landing_while_the_main_thread_hands_a_request_to_the_pool_does_not_deadlock():
    """``tpool.submit`` holds the same ``_shutdown_lock`` that gthread's quit handler takes: a signal landing
    there (one stop in ten under load: 10 s, then SIGKILL) must not take it again."""
    worker = _thread_worker()
    with worker.tpool._shutdown_lock:  # the main thread inside submit() when the signal lands
        _quits_promptly(worker, signal.SIGINT)


def _ctrl_c(proc: subprocess.Popen) -> float:
    """Seconds from a terminal's Ctrl-C to the gunicorn's exit."""
    started = time.monotonic()
    try:
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the master and every worker
        proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return time.monotonic() - started


def test_ctrl_c_stops_the_public_sites_gunicorn_within_seconds(tmp_path):
    proc, _port = _serve("warehouse.public:create_app()", tmp_path)
    took = _ctrl_c(proc)
    assert took < STOP_S, f"stopped {took:.1f} s after Ctrl-C"


def test_a_stopped_console_prints_no_leak_report_of_duckdbs_bindings(tmp_path):
    """Each console worker printed some forty lines of "nanobind: leaked … instances / types / functions" to
    stderr as it stopped (the journal's or the pod's log, at every restart): the objects its start-up froze
    out of the garbage collector (``gc.freeze``, deploy.gunicorn_worker.settle_heap) were never freed, DuckDB's
    among them. A real console, with data its warm-up loads into DuckDB and a page that queries it."""
    from tests.warehouse_rows import response, write

    from registry import connect, dispose

    write(tmp_path / "data", [response(period=m) for m in ("2026-07", "2026-08", "2026-09") for _ in range(10)])
    db = f"sqlite:///{tmp_path / 'registry.db'}"
    dispose(connect(db))  # the registry's tables
    err = tmp_path / "stderr"
    with err.open("wb") as sink:
        proc, port = _serve("warehouse.console:create_app()", tmp_path, stderr=sink, ASCOLTO_DATABASE_URL=db)
        try:  # stopped whatever happens: a console left running outlives the test
            deadline = time.monotonic() + 60  # ready: the registry answers and the warm-up loaded the data
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5).read()
                    break
                except urllib.error.HTTPError as exc:
                    assert time.monotonic() < deadline, exc.read()[:500]
                    time.sleep(0.2)
            os.killpg(proc.pid, signal.SIGTERM)  # the service manager's stop
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    text = err.read_text(errors="replace")
    assert "Worker exiting" in text and "Booting worker" in text  # the workers ran and stopped
    assert "nanobind" not in text and "Exception during worker exit" not in text, text[-3000:]


def test_ctrl_c_stops_the_collectors_gevent_workers_without_a_traceback(tmp_path):
    """Gunicorn's gevent worker spawned a greenlet per quit signal; the second one's ``SystemExit`` ran
    while the interpreter shut down and printed "failed with SystemExit" on every Ctrl-C of ``make run``."""
    log = tmp_path / "stderr"
    with log.open("wb") as stderr:
        proc, _port = _serve(COLLECTOR_APP, tmp_path, stderr=stderr)
        time.sleep(0.5)  # the workers' loops running, as after a start
        took = _ctrl_c(proc)
    printed = log.read_text(errors="replace")
    assert "Traceback" not in printed and "failed with SystemExit" not in printed, printed[-2000:]
    assert took < STOP_S, f"stopped {took:.1f} s after Ctrl-C"


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_closing_the_terminal_of_make_run_stops_the_whole_stack(tmp_path):
    """A terminal that closes sends SIGHUP to its foreground group. ``ascolto up`` died of it at once,
    while its gunicorns took SIGHUP as "reload" and kept serving: the next ``make run`` found its ports
    taken by orphans nobody had started in that terminal."""
    ports = {name: free_port() for name in ("COLLECTOR", "CONSOLE", "PUBLIC", "DEMO", "BROKER")}
    env = child_environment(ASCOLTO_DATA_DIR=str(tmp_path / "data"),
                            **{f"ASCOLTO_{name}_PORT": str(port) for name, port in ports.items()})
    proc = subprocess.Popen([sys.executable, "-m", "ascolto.cli", "up", "--demo-responses", "0", "--demo-months", "0"],
                            env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in proc.stdout:
            if line.startswith("Press Ctrl-C"):
                break
        else:
            raise AssertionError("ascolto up exited before it was ready")
        os.killpg(proc.pid, signal.SIGHUP)  # the terminal closes
        proc.wait(timeout=30)
        deadline = time.monotonic() + 20  # up waits for its children before it exits; a moment's grace
        while (serving := [name for name, port in ports.items() if name != "DEMO" and _listening(port)]) \
                and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not serving, f"still serving after the terminal closed: {serving}"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def _workers(master: int) -> set[int]:
    pids: set[int] = set()
    for task in Path(f"/proc/{master}/task").iterdir():
        pids.update(int(p) for p in (task / "children").read_text().split())
    return pids


def test_a_gunicorn_master_removes_the_metrics_directory_it_made_as_it_stops_and_only_then(tmp_path):
    """Each gunicorn master (``ascolto up`` starts three) made an ``ascolto-metrics-*`` directory in the
    temporary directory and left it there when it stopped: one more per start, for ever. The master
    removes it in ``on_exit``, after its workers stopped; a worker that exits (a restart, one killed)
    does not, while the master and the other workers still write there."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    proc, _port = _serve("warehouse.public:create_app()", tmp_path, TMPDIR=str(temp))
    try:
        made = sorted(temp.glob("ascolto-metrics-*"))
        assert len(made) == 1, made
        worker = min(_workers(proc.pid))
        os.kill(worker, signal.SIGTERM)  # one worker stops; the master starts another
        deadline = time.monotonic() + 30
        while worker in (workers := _workers(proc.pid)) or len(workers) < 2:
            assert time.monotonic() < deadline, "the master did not replace its worker"
            time.sleep(0.1)
        assert sorted(temp.glob("ascolto-metrics-*")) == made
        proc.terminate()  # the master's graceful stop
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert not list(temp.glob("ascolto-metrics-*"))
