"""Helpers shared by the benchmarks: processes on loopback, bounded in count and time."""
from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def start_gunicorn(app: str, port: int, env: dict, options: list[str] | None = None,
                   root: Path = ROOT) -> subprocess.Popen:
    """``app`` under deploy/gunicorn.conf.py plus ``options`` (default: the ones ``deploy.up`` gives
    ``app``; the collector's comparison passes the collector's to both of its apps). ``root``: the
    checkout whose code and gunicorn configuration run (default: this one)."""
    from deploy.up import worker_options

    options = worker_options(app) if options is None else options
    if root != ROOT:
        env = dict(env, PYTHONPATH=str(root))
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(root / "deploy" / "gunicorn.conf.py"),
                             *options, "-b", f"127.0.0.1:{port}", "--log-level", "warning", app], env=env, cwd=root)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
        except urllib.error.HTTPError:
            return proc  # it answers (404/405 are fine)
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{app} did not start")


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux ``/proc``; gone processes are skipped)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            todo += [int(c) for t in Path(f"/proc/{p}/task").iterdir()
                     for c in (t / "children").read_text().split()]
        except OSError:
            pass
    return out


def _user_system(stat_file: Path) -> tuple[float, float]:
    """User and system CPU seconds from a ``/proc/.../stat`` file (a process's or one thread's);
    raises OSError when it is gone."""
    stat = stat_file.read_text()
    fields = stat[stat.rfind(")") + 2:].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each live process of ``pids`` (every thread), from ``/proc``."""
    out = {}
    for pid in pids:
        try:
            out[pid] = sum(_user_system(Path(f"/proc/{pid}/stat")))
        except OSError:
            continue
    return out


def thread_cpu_seconds(pids: list[int]) -> dict[int, tuple[float, float, float]]:
    """Per live process of ``pids``: its main thread's user and system CPU seconds, and those of
    its other threads together (a gevent worker's thread pool, a producer's sender), from ``/proc``."""
    out = {}
    for pid in pids:
        user = system = others = 0.0
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                u, s = _user_system(task / "stat")
                if task.name == str(pid):
                    user, system = u, s
                else:
                    others += u + s
        except OSError:
            continue
        out[pid] = (user, system, others)
    return out


def process_role(pid: int) -> str:
    """``shipper``, ``supervisor``, ``gunicorn`` (master or worker) or ``other``, by command line."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return "other"
    if "collector.shipper" in argv:
        return "shipper"
    if "deploy.supervise" in argv:
        return "supervisor"
    return "gunicorn" if "gunicorn" in argv else "other"


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()


def require(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        sys.exit(f"{tool} is required (apt-get install {tool}); `make bench` installs it")
    return path


#: the page the benchmarks' citizens post from: the demo services allow it (:func:`bench_stack_env`), and
#: every load tool sends it as ``Origin`` as browsers do (the collector refuses a post with neither an
#: Origin nor a back-end token); bench/submit.lua sends the same
BENCH_ORIGIN = "http://localhost"


def wrk(url: str, seconds: int, connections: int, threads: int = 2) -> dict:
    """Run wrk with bench/submit.lua; return requests/s, p50/p99 in ms and error counts."""
    out = subprocess.run([require("wrk"), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
                          "-s", str(ROOT / "bench" / "submit.lua"), url], capture_output=True, text=True,
                         timeout=seconds + 60).stdout
    m = re.search(r"RESULT requests=(\d+) duration_us=(\d+) non2xx=(\d+) connect_err=(\d+) timeouts=(\d+) "
                  r"p50_us=(\d+) p99_us=(\d+)", out)
    if not m:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    req, dur, non2xx, conn, tout, p50, p99 = map(int, m.groups())
    return {"rps": req / (dur / 1e6), "requests": req, "errors": non2xx + conn + tout,
            "p50_ms": p50 / 1000, "p99_ms": p99 / 1000}


def hey_at_rate(url: str, body_file: Path, rate: int, seconds: int, workers: int = 32) -> dict:
    """Steady load with hey (rate = workers × per-worker QPS); return p50/p99 in ms and status counts."""
    per_worker = max(1, round(rate / workers))
    out = subprocess.run([require("hey"), "-z", f"{seconds}s", "-c", str(workers), "-q", str(per_worker),
                          "-m", "POST", "-T", "application/json", "-H", f"Origin: {BENCH_ORIGIN}",
                          "-D", str(body_file), url],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    pct = dict(re.findall(r"\s+(\d+)%% in ([\d.]+) secs".replace("%%", "%"), out))
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    codes = dict(re.findall(r"\[(\d{3})\]\s+(\d+) responses", out))
    return {"rate": per_worker * workers, "rps": float(rps.group(1)) if rps else 0.0,
            "p50_ms": float(pct.get("50", "nan")) * 1000, "p99_ms": float(pct.get("99", "nan")) * 1000,
            "codes": codes}


def bench_stack_env(broker_bootstrap: str, data_dir: Path, **extra: str) -> tuple[dict, str]:
    """Topics, a demo registry and the environment for processes of a benchmark stack.

    Rate limits stay on (their cost is the collector's) but high enough not to refuse the load.
    Returns the environment and the topic name.
    """
    from settings import Settings
    from deploy.broker import ensure_topics
    from registry import connect
    from registry.demo import seed

    settings = Settings(data_dir=data_dir, broker=broker_bootstrap)
    ensure_topics(broker_bootstrap, {settings.topic: 6, settings.dlq_topic: 1})
    seed(connect(settings.database_url), [BENCH_ORIGIN])
    env = dict(os.environ, ASCOLTO_BROKER=broker_bootstrap, ASCOLTO_DATA_DIR=str(data_dir),
               ASCOLTO_DATABASE_URL=settings.database_url, ASCOLTO_RATE_LIMIT_IP="100000000/minute",
               ASCOLTO_RATE_LIMIT_SERVICE="100000000/minute", ASCOLTO_RATE_LIMIT_GET="100000000/minute",
               ASCOLTO_LOG_LEVEL="WARNING", **extra)
    return env, settings.topic
