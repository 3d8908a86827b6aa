"""The collector under gevent workers (issue 18): a sync runs in the loop while it is fast and in the
hub's thread pool while it is slow (so a slow disk does not stop the loop), its errors reach the caller, and group commit still answers each request once its line is
on disk. Each case runs in a child process patched by gevent, as a gunicorn gevent worker is."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from deploy.up import COLLECTOR_APP, gunicorn_cmd
ROOT = Path(__file__).resolve().parents[1]


def _run_patched(code: str, *args: str) -> str:
    script = "from gevent import monkey\nmonkey.patch_all()\n" + textwrap.dedent(code)
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=60,
                         cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_the_collector_alone_runs_cooperative_workers():
    assert "gevent" in gunicorn_cmd(COLLECTOR_APP, 8000)
    assert "gevent" not in gunicorn_cmd("warehouse.console:create_app()", 8001)


def test_a_slow_call_moves_to_the_thread_pool_and_the_loop_goes_on_meanwhile():
    out = _run_patched("""
        import gevent
        from gevent import monkey
        from collector.cooperative import Adaptive, cooperative

        real_sleep = monkey.get_original("time", "sleep")
        loop_thread = monkey.get_original("threading", "get_ident")()
        where = []
        def nap(s):
            where.append(monkey.get_original("threading", "get_ident")() == loop_thread)
            real_sleep(s)
            return "slept"
        ticks = []
        ticker = gevent.spawn(lambda: [ticks.append(gevent.sleep(0.01)) for _ in range(1000)])
        gevent.sleep(0)
        assert cooperative()
        call = Adaptive(nap)
        assert call(0) == "slept" and call.inline  # fast: in the loop itself
        call(0.05)                                   # a stall: the loop waits, once
        assert not call.inline
        before = len(ticks)
        assert call(0.3) == "slept"                  # then in the pool while the loop ticks
        during = len(ticks) - before
        for _ in range(40):
            call(0)
        ticker.kill()
        print(where[:3], during, call.inline)
    """)
    assert out.split(" ")[:3] == ["[True,", "True,", "False]"]  # inline, inline, then the pool's thread
    during, inline_again = out.split(" ")[3:]
    assert int(during) >= 10  # the loop ticked all along the 0.3 s call
    assert inline_again == "True"  # fast calls bring it back into the loop


def test_an_adapted_call_raises_in_its_caller_both_ways():
    out = _run_patched("""
        from collector.cooperative import Adaptive

        raised = []
        for threshold in (1.0, 0.0):  # inline, then always in the pool
            call = Adaptive(lambda: 1 / 0, inline_below_s=threshold)
            try:
                call()
            except ZeroDivisionError:
                raised.append(call.inline)
        print(raised)
    """)
    assert out == "[True, False]"


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
