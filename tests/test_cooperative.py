"""The collector under gevent workers (issue 18): a sync handed to the kernel or to the hub's thread
pool does not stop the loop, its errors reach the caller, and group commit still answers each request once its line is
on disk; a PostgreSQL registry query waits through the loop. Each case runs in a child process
patched by gevent, as a gunicorn gevent worker is."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from deploy.up import COLLECTOR_APP, gunicorn_cmd
ROOT = Path(__file__).resolve().parents[1]


def _run_patched(code: str, *args: str, prelude: str = "") -> str:
    script = "from gevent import monkey\nmonkey.patch_all()\n" + textwrap.dedent(prelude) + textwrap.dedent(code)
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=60,
                         cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_the_collector_alone_runs_cooperative_workers():
    from deploy.gunicorn_gevent import GeventWorker
    from gunicorn.workers.ggevent import GeventWorker as Gevent

    collector = gunicorn_cmd(COLLECTOR_APP, 8000)
    worker_class = collector[collector.index("--worker-class") + 1]
    assert worker_class == "deploy.gunicorn_gevent.GeventWorker" and issubclass(GeventWorker, Gevent)
    assert not any("gevent" in word for word in gunicorn_cmd("warehouse.console:create_app()", 8001))


def test_a_blocking_call_runs_beside_the_loop_and_raises_in_its_caller():
    out = _run_patched("""
        import gevent
        from gevent import monkey
        from collector.cooperative import blocking, cooperative

        real_sleep = monkey.get_original("time", "sleep")
        ticks = []
        ticker = gevent.spawn(lambda: [ticks.append(gevent.sleep(0.01)) for _ in range(1000)])
        assert cooperative()
        assert blocking(lambda s: real_sleep(s) or "slept", 0.3) == "slept"
        during = len(ticks)
        try:
            blocking(lambda: 1 / 0)
        except ZeroDivisionError:
            raised = True
        ticker.kill()
        print(during, raised)
    """)
    during, raised = out.split()
    assert int(during) >= 10 and raised == "True"  # the loop ticked all along the 0.3 s call


def test_group_commit_under_gevent_answers_each_request_once_its_line_is_on_disk(tmp_path):
    out = _run_patched("""
        import sys
        from pathlib import Path
        import gevent
        from collector.durable import Durability
        from collector.spool import Spool, written_part

        d = Path(sys.argv[1])
        durability = Durability(Spool(d, max_bytes=10**9))
        assert durability._max_leaders == 1
        def lines():
            return [l for p in sorted(d.glob("*.spool")) for l in written_part(p.read_bytes()).splitlines()]
        def post(i):
            value = b'{"n":%d}' % i
            assert durability.submit("svc", value) == "spool"
            assert b"svc\\t" + value in lines()
            return i
        done = [g.value for g in gevent.joinall([gevent.spawn(post, i) for i in range(200)], raise_error=True)]
        print(len(done), len(lines()), len(set(lines())))
    """, str(tmp_path))
    assert out == "200 200 200"


def test_a_cooperative_process_syncs_its_log_through_the_kernel_and_gets_its_errors(tmp_path):
    """Linux AIO (collector.aio): the sync leaves no thread of the process involved; an error of
    the sync (here a closed descriptor) reaches the caller as fdatasync's would."""
    out = _run_patched("""
        import errno, os, sys
        from collector import cooperative
        from collector.aio import KernelSync

        fd = os.open(os.path.join(sys.argv[1], "log"), os.O_RDWR | os.O_CREAT, 0o600)
        os.write(fd, b"line\\n")
        cooperative.fdatasync(fd)
        cooperative.fdatasync(fd)
        os.close(fd)
        try:
            cooperative.fdatasync(fd)
        except OSError as exc:
            failed = exc.errno == errno.EBADF
        aio = "[aio]" in open("/proc/self/maps").read()
        print(isinstance(cooperative._kernel[os.getpid()], KernelSync), aio, failed)
    """, str(tmp_path))
    assert out == "True True True"


def test_a_sync_whose_caller_is_killed_is_reaped_and_never_taken_for_the_next(tmp_path):
    """A request killed while its group's sync is in flight: the sync stays the kernel's until the
    loop reaps its completion, and the next sync waits for its own completion, not that one."""
    out = _run_patched("""
        import os, sys
        import gevent
        from collector.aio import KernelSync

        sync = KernelSync()
        fd = os.open(os.path.join(sys.argv[1], "log"), os.O_RDWR | os.O_CREAT, 0o600)
        killed = []
        for _ in range(20):
            os.write(fd, b"line\\n" * 100)
            waiter = gevent.spawn(sync.fdatasync, fd)
            gevent.sleep(0)  # it submitted its sync and waits
            waiter.kill()
            killed.append(waiter.dead)
            for _ in range(200):  # the loop reaps the abandoned completion (within 50 ms on a quiet machine)
                gevent.sleep(0.01)
                if not sync.busy:
                    break
            assert not sync.busy
            os.write(fd, b"line\\n")
            sync.fdatasync(fd)
        import ctypes
        gevent.sleep(0.05)
        left = sync._libc.syscall(sync._getevents, sync._ctx, ctypes.c_long(0), ctypes.c_long(1), sync._event, None)
        print(all(killed), sync.busy, left)  # left: completions nobody reaped (each a later sync's, mistaken)
    """, str(tmp_path))
    assert out == "True False 0"


def test_where_the_kernel_cannot_sync_asynchronously_the_hub_s_thread_pool_does(tmp_path):
    out = _run_patched("""
        import os, sys
        from collector import aio, cooperative

        def refused():
            raise OSError(38, "io_setup: Function not implemented")  # ENOSYS: no AIO in this kernel
        aio.KernelSync = refused
        fd = os.open(os.path.join(sys.argv[1], "log"), os.O_RDWR | os.O_CREAT, 0o600)
        os.write(fd, b"line\\n")
        cooperative.fdatasync(fd)
        cooperative.fdatasync(fd)
        r, w = os.pipe()  # a file the kernel cannot sync asynchronously either
        print(cooperative._kernel[os.getpid()], aio.kernel_sync(w))
    """, str(tmp_path))
    assert out == "None None"


def test_gathering_a_group_is_bounded_when_the_loop_is_never_idle():
    out = _run_patched("""
        import time
        import gevent
        from collector.cooperative import GATHER_MAX_S, gather

        spinning = True
        def spin():  # always runnable: the loop never goes idle
            while spinning:
                gevent.sleep(0)
        gevent.spawn(spin)
        gevent.sleep(0)
        t = time.monotonic()
        gather()
        waited = time.monotonic() - t
        spinning = False
        print(waited < GATHER_MAX_S + 0.05)
    """)
    assert out == "True"


def test_a_postgresql_registry_query_holds_up_its_request_alone(tmp_path):
    """Under the collector's gevent workers a registry query on PostgreSQL (a service whose cache
    entry expired, an unknown key, an operator's audit) must not stop the worker's other
    connections: psycopg2 waits for the server through the loop (without it: 0 ticks)."""
    from .registry_support import postgres

    url, reason = postgres()
    if url is None:
        pytest.skip(f"no PostgreSQL reachable: {reason}")
    out = _run_patched("""
        import sys
        from pathlib import Path
        import gevent, gevent.event
        import psycopg2.extensions
        from sqlalchemy import text
        from collector.app import close_app, create_app
        from settings import Settings

        d = Path(sys.argv[2])
        app = create_app(Settings(data_dir=d, database_url=sys.argv[1], shipper="external"))
        factory = app.extensions["ascolto.registry"]
        with factory() as s:
            s.execute(text("SELECT 1"))  # connected before the clock starts
        ticks, done = [], gevent.event.Event()
        def query():
            with factory() as s:
                s.execute(text("SELECT pg_sleep(0.3)"))
            done.set()
        def ticker():
            while not done.is_set():
                ticks.append(gevent.sleep(0.01))
        gevent.joinall([gevent.spawn(query), gevent.spawn(ticker)], raise_error=True)
        close_app(app)
        print(psycopg2.extensions.get_wait_callback() is not None, len(ticks))
    """, url, str(tmp_path))
    installed, ticks = out.split()
    assert installed == "True" and int(ticks) >= 10  # the loop ticked all along the 0.3 s query


#: For the scripts of a registry server that does not answer: ``lookups`` registry queries of ``app``, each
#: given up with an OperationalError, beside a greenlet ticking every 10 ms; the (seconds, ``expected`` in
#: the error) of each failure and the ticks of the loop meanwhile.
_LOOKUPS_BESIDE_A_TICKER = """
    def lookups_beside_a_ticker(app, lookups, expected, timeout_s):
        import time
        import gevent, gevent.event
        from sqlalchemy import text
        from sqlalchemy.exc import OperationalError
        ticks, done, failed = [], gevent.event.Event(), []
        def lookup():
            for _ in range(lookups):
                t0 = time.monotonic()
                try:
                    with app.extensions["ascolto.registry"]() as s:
                        s.execute(text("SELECT 1"))
                except OperationalError as exc:
                    failed.append((round(time.monotonic() - t0), expected in str(exc)))
            done.set()
        def ticker():
            while not done.is_set():
                ticks.append(gevent.sleep(0.01))
        with gevent.Timeout(timeout_s):
            gevent.joinall([gevent.spawn(lookup), gevent.spawn(ticker)], raise_error=True)
        close_app(app)
        return failed, len(ticks)
"""


def test_a_postgresql_server_that_never_answers_fails_the_connection_in_its_connect_timeout(tmp_path):
    """libpq ignores connect_timeout for the non-blocking connections psycopg2 makes under gevent: a
    registry server that accepted and never answered (hung, a stuck proxy, a failover) held the request,
    and every later one needing a connection, for ever. The collector's wait callback keeps the URL's
    connect_timeout, else registry.db.CONNECT_TIMEOUT_S; the loop keeps turning meanwhile."""
    out = _run_patched("""
        import socket, sys
        from pathlib import Path
        import registry.db
        from collector.app import close_app, create_app
        from settings import Settings

        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the handshake; nothing ever answers
        port = silent.getsockname()[1]
        registry.db.CONNECT_TIMEOUT_S = 1
        for query in ("", "?connect_timeout=2"):
            app = create_app(Settings(data_dir=Path(sys.argv[1]) / query[-1:], shipper="external",
                                      database_url=f"postgresql+psycopg2://ascolto@127.0.0.1:{port}/ascolto{query}"))
            failed, ticks = lookups_beside_a_ticker(app, 1, "timeout expired", 20)
            print(failed[0][0], failed[0][1], ticks >= 50)
    """, str(tmp_path), prelude=_LOOKUPS_BESIDE_A_TICKER)
    assert out.splitlines() == ["1 True True", "2 True True"]


def test_a_postgresql_server_that_hangs_after_connecting_fails_the_query_in_its_statement_timeout(tmp_path):
    """A registry server that completed the connection and then never answered (a hung backend, a stuck
    proxy) held the lookup for ever under gevent: the server's own statement_timeout cannot fire there,
    and TCP keepalives are answered by its kernel. The collector's wait callback gives the statement up
    after statement_timeout + STATEMENT_GRACE_S, closes the connection (the next lookup makes a new
    one), and the loop keeps turning meanwhile. The next lookup, within the registry's circuit-breaker
    window (registry.breaker), is refused at once without a new connection: a silent registry held every
    greenlet needing it for the whole deadline, and the pool's connections with them."""
    out = _run_patched("""
        import sys, time
        from pathlib import Path
        import gevent, gevent.event
        from sqlalchemy import text
        from sqlalchemy.exc import OperationalError
        import registry.deadline, registry.db
        from registry.breaker import CircuitOpen
        from collector.app import close_app, create_app
        from settings import Settings
        from tests.registry_support import hung_postgres

        port, startups, close = hung_postgres()
        registry.db.STATEMENT_TIMEOUT_S = 1
        registry.deadline.STATEMENT_GRACE_S = 1
        app = create_app(Settings(data_dir=Path(sys.argv[1]), shipper="external",
                                  database_url=f"postgresql+psycopg2://ascolto@127.0.0.1:{port}/ascolto?sslmode=disable"))
        ticks, done, failed = [], gevent.event.Event(), []
        def lookup():
            for _ in range(2):
                t0 = time.monotonic()
                try:
                    with app.extensions["ascolto.registry"]() as s:
                        s.execute(text("SELECT 1"))
                except OperationalError as exc:
                    failed.append((round(time.monotonic() - t0), "statement timeout expired" in str(exc)))
                except CircuitOpen:
                    failed.append((round(time.monotonic() - t0), "circuit open"))
            done.set()
        def ticker():
            while not done.is_set():
                ticks.append(gevent.sleep(0.01))
        with gevent.Timeout(30):
            gevent.joinall([gevent.spawn(lookup), gevent.spawn(ticker)], raise_error=True)
        close_app(app)
        close()
        print(failed, len(startups), len(ticks) >= 100)
    """, str(tmp_path))
    assert out == "[(2, True), (0, 'circuit open')] 1 True"
