"""``ascolto up``: the whole stack on one machine, for demos and development.

Starts the Tansu broker, creates the topics, seeds the demo registry (:mod:`registry.demo_wide`),
runs the collector and the console under gunicorn, the processor, and the demo PA site; loads
thirteen months of demo history through the collector's intake (:mod:`deploy.demo_history`, once
per data directory; with the widget's funnel counts of its last months, through ``POST /v1/funnel``'s
checks) and posts a few submissions of today through the running collector's API (not their views'
funnel reports: some 300 more posts from 127.0.0.1 would hold the start for minutes under the
per-address rate limit, and the citizen trying the demo page shares that address; ``ascolto demo
--funnel`` sends them);
prints how many were accepted (and, from the second start in a data directory, that the demo's fixed
ids were stored by the first: :func:`deploy.demo_data.accepted_line`); stops everything on Ctrl-C (or when any part dies).
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Callable

from settings import Settings, child_environment
from registry import connect
from registry.demo import demo_origins, seed_tokens
from registry.demo_wide import seed_wide

from .broker import LocalBroker, ensure_topics, port_is_free, wait_for_port
from .demo_data import accepted_line, post_demo
from .demo_history import FUNNEL_MONTHS, MARKER, load_history
from .demo_site import make_server, serve_in_thread

GUNICORN_CONF = Path(__file__).with_name("gunicorn.conf.py")
PARTITIONS = 6


#: How long ``ascolto up`` waits for a server's first answer: a first start on a busy two-core machine
#: (bytecode compiled, every worker importing the app) took longer than the 30 s it used to wait.
START_TIMEOUT_S = 180.0


def wait_http(name: str, url: str, process: subprocess.Popen, timeout_s: float | None = None) -> None:
    """Return once ``url`` answers 200. Raises RuntimeError saying what to do as soon as ``process`` (the
    server ``name``) exits, or when nothing answered within ``timeout_s`` (default :data:`START_TIMEOUT_S`)."""
    timeout_s = START_TIMEOUT_S if timeout_s is None else timeout_s
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"the {name} exited with status {process.returncode} before answering {url}: its log "
                               "lines above say why")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the {name} did not answer {url} within {timeout_s:.0f} s: its log lines above say "
                               "why; on a busy machine a first start can be that slow, so run it again")
        time.sleep(0.2)


COLLECTOR_APP = "collector.app:create_app()"


def worker_options(app: str) -> list[str]:
    """Gunicorn options that differ per app, on top of ``deploy/gunicorn.conf.py`` (gthread workers).

    The collector's workers are cooperative (gevent, quitting once: ``deploy/gunicorn_gevent.py``;
    ``ASCOLTO_THREADS`` is then unused): its
    requests mostly wait for their group commit, and a waiting greenlet costs a switch where a
    waiting thread cost a context switch and a GIL hand-off (issue 18; ``collector.cooperative``).
    The console and the public site keep threads: their DuckDB queries hold the CPU, not a wait.
    Both answer the requests gunicorn cannot parse in JSON (``deploy/gunicorn_errors.py``).
    """
    return ["--worker-class", "deploy.gunicorn_gevent.GeventWorker", "--worker-connections", "1000"] \
        if app == COLLECTOR_APP else []


def gunicorn_cmd(app: str, port: int, host: str = "127.0.0.1") -> list[str]:
    """The command that serves ``app`` on ``host:port`` with the shared configuration."""
    return [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), *worker_options(app), "-b", f"{host}:{port}", app]


#: What ``ascolto up`` listens on: the setting, the variable that moves it, and who listens there.
LISTENERS = (("collector_port", "ASCOLTO_COLLECTOR_PORT", "the collector"),
             ("console_port", "ASCOLTO_CONSOLE_PORT", "the console"),
             ("public_port", "ASCOLTO_PUBLIC_PORT", "the public site"),
             ("demo_port", "ASCOLTO_DEMO_PORT", "the demo PA site"),
             ("broker_port", "ASCOLTO_BROKER_PORT", "the broker"))


def port_problems(settings: Settings, host: str = "127.0.0.1") -> list[str]:
    """Each port of :data:`LISTENERS` (the broker's only when set) that ``ascolto up`` could not listen on —
    held by another program, or given to two of its parts — said with the variable that moves it; empty
    when every one is free. Checked before anything starts: a busy port made its gunicorn exit after a
    30 s wait ("did not answer"), or the stack went on with whatever answered there (another stack's
    collector, console or broker)."""
    problems, taken = [], {}
    for attr, var, who in LISTENERS:
        port = getattr(settings, attr)
        if not port:
            continue
        if port in taken:
            problems.append(f"port {port} is set for both {taken[port]} and {who} ({var})")
        elif not port_is_free(port, host, reuse_address=True):
            problems.append(f"port {port} ({who}, {var}) is in use on {host}")
        taken.setdefault(port, f"{who} ({var})")
    return problems


def _months(n: int) -> str:
    """``n`` months in words: "1 month", "13 months"."""
    return f"{n} month" if n == 1 else f"{n} months"


def load_demo_history(data_dir: Path, env: dict, origins: list[str], demo_months: int,
                      after_history: Callable[..., object] | None = None, *,
                      say: Callable[[str], None] = print, loader: Callable[..., dict | None] = load_history) -> None:
    """Load ``demo_months`` of demo history into ``data_dir`` once (``loader``: :func:`deploy.demo_history.load_history`),
    then hand its summary to ``after_history``; ``say`` gets one line per step, each true when said: a data
    directory whose history is loaded (its marker, :data:`deploy.demo_history.MARKER`) is said so in one line —
    no "loading…" first (a second ``make run`` said it was loading, then that it was already loaded)."""
    marker = Path(data_dir) / MARKER
    if marker.exists():
        try:
            loaded = json.loads(marker.read_text("utf-8"))
            months = f"{_months(int(loaded['months']))}, " if isinstance(loaded, dict) and "months" in loaded else ""
            accepted = f"{int(loaded['accepted'])} answers accepted, " if isinstance(loaded, dict) and "accepted" in loaded else ""
        except (OSError, ValueError, TypeError):
            months = accepted = ""
        say(f"demo history already loaded in this data directory ({months}{accepted}at its first start): "
            "not loaded again.")
        return
    say(f"loading {_months(demo_months)} of demo history through the collector's intake…")
    started = time.monotonic()
    summary = loader(data_dir, env, origins, months=demo_months)
    if summary is None:  # loaded meanwhile by another start
        say("demo history already loaded in this data directory: not loaded again.")
        return
    refused = ", ".join(f"{n} {why}" for why, n in summary["refused"].items()) or "none refused"
    funnel = summary.get("funnel", {"lines": 0, "accepted": 0})
    say(f"demo history: {summary['accepted']} of {summary['lines']} accepted ({refused}; "
        f"{funnel['accepted']} of them the widget's funnel reports of the last {_months(min(demo_months, FUNNEL_MONTHS))}) "
        f"in {time.monotonic() - started:.0f} s.")
    if after_history is not None:
        after_history(data_dir, env, summary, demo_months, say=say)


def up(settings: Settings, demo_responses: int = 100, host: str = "127.0.0.1", demo_months: int = 13,
       after_history: Callable[..., object] | None = None) -> int:
    """Run the stack until interrupted; return the process exit status (2, having started nothing, when
    a port it listens on is taken: :func:`port_problems`). ``after_history(data_dir, env, summary, months,
    say=...)`` runs once the demo history was loaded into this data directory for the first time (the CLI
    publishes the demo's quarters there: ``ascolto.cli_demo_releases``)."""
    if problems := port_problems(settings, host):
        print("ascolto: cannot start: " + "; ".join(problems) + ". Stop the program that listens there (an "
              "earlier `make run`?), or set the variable to a free port, e.g. ASCOLTO_COLLECTOR_PORT=18000.",
              file=sys.stderr)
        return 2
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    broker_port = settings.broker_port or (9092 if port_is_free(9092) else 0)
    broker = LocalBroker(broker_port or None, log_path=settings.data_dir / "broker.log").start()
    children: list[tuple[str, subprocess.Popen]] = []
    demo_server = None
    stop = threading.Event()
    # Ctrl-C, a stop, and a closing terminal (SIGHUP: the children's gunicorns would take it as "reload"
    # and outlive this process, keeping the ports) all stop every child.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    status = 0
    try:
        ensure_topics(broker.bootstrap, {settings.topic: PARTITIONS, settings.dlq_topic: 1})
        origins = demo_origins(settings.demo_port)
        registry = connect(settings.database_url)
        seed_wide(registry, origins)
        env = child_environment(ASCOLTO_BROKER=broker.bootstrap, ASCOLTO_DATA_DIR=str(settings.data_dir),
                   ASCOLTO_DATABASE_URL=settings.database_url, ASCOLTO_TOPIC=settings.topic)
        # Tansu answers a group join only after the rebalance timeout: keep it short locally.
        env.setdefault("ASCOLTO_MAX_POLL_INTERVAL_MS", "3000")
        env.setdefault("ASCOLTO_SESSION_TIMEOUT_MS", "6000")
        # The local console is plain http://127.0.0.1: a Secure cookie (the default) would not be kept.
        env.setdefault("ASCOLTO_CONSOLE_SECURE_COOKIE", "0")
        for name, cmd in [
            ("collector", gunicorn_cmd(COLLECTOR_APP, settings.collector_port, host)),
            ("console", gunicorn_cmd("warehouse.console:create_app()", settings.console_port, host)),
            ("public", gunicorn_cmd("warehouse.public:create_app()", settings.public_port, host)),
            ("processor", [sys.executable, "-m", "ascolto.cli", "processor"]),
        ]:
            children.append((name, subprocess.Popen(cmd, env=env)))
        collector = f"http://{host}:{settings.collector_port}"
        console = f"http://{host}:{settings.console_port}"
        wait_http("collector", f"{collector}/healthz", children[0][1])
        wait_http("console", f"{console}/healthz", children[1][1])
        demo_server = make_server(settings.demo_port, settings.collector_port, host)
        serve_in_thread(demo_server)
        wait_for_port(settings.demo_port, host)
        if demo_months:
            load_demo_history(settings.data_dir, env, origins, demo_months, after_history,
                              say=lambda m: print(f"ascolto: {m}", flush=True))
        if demo_responses:
            print(f"ascolto: posting {demo_responses} demo submissions through the collector's API…", flush=True)
            ok = post_demo(collector, demo_responses, origin=origins[0], progress=lambda m: print(f"ascolto: {m}", flush=True))
            print(f"ascolto: {accepted_line(settings.data_dir, ok, demo_responses)}", flush=True)
        demo_tokens = seed_tokens(registry)  # only now, printed at once: a start that failed before lost them
        if demo_tokens:
            print("\nDemo console tokens (shown this once; revoke with `.venv/bin/ascolto registry token revoke PREFIX`):\n"
                  + "".join(f"  {role:<12} {secret}\n" for role, secret in demo_tokens.items()), flush=True)
        else:
            print("Demo console tokens were printed when they were first created; lost them? An admin makes new "
                  "ones at /admin/tokens, or: .venv/bin/ascolto registry token create --role admin --label \"me\"",
                  flush=True)
        print(f"""
ascolto is up.
  Demo PA page (with the widget):  http://localhost:{settings.demo_port}/
  Collector API (OpenAPI):         {collector}/openapi.json  (widget: {collector}/widget.js)
  Console (sign in with a token):  {console}/
  Console API:                     {console}/api/v1/indicators  (Authorization: Bearer <token>)
  Public open data (releases):     http://{host}:{settings.public_port}/it/  (.venv/bin/ascolto publish --period YYYY-Qn)
  Broker (Tansu):                  {broker.bootstrap}
  Data:                            {settings.data_dir}
Press Ctrl-C to stop.""", flush=True)
        while not stop.wait(0.5):
            dead = [(n, p.returncode) for n, p in children if p.poll() is not None]
            if dead:
                print(f"ascolto: {dead[0][0]} exited with status {dead[0][1]}; stopping.", file=sys.stderr)
                status = 1
                break
    except Exception as exc:  # report and shut down cleanly
        print(f"ascolto: {exc}", file=sys.stderr)
        status = 1
    finally:
        print("ascolto: stopping…", flush=True)
        if demo_server:
            demo_server.shutdown()
        for _, proc in reversed(children):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for _, proc in reversed(children):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        broker.stop()
    return status
