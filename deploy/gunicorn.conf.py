"""Gunicorn configuration shared by the collector, the console and the public site (bind given on the command line).

Values come from :func:`settings.load` (``ASCOLTO_WORKERS``, ``ASCOLTO_THREADS``, ``ASCOLTO_LOG_LEVEL``).
"""
from settings import export_prometheus_dir, export_to_workers, load, release_prometheus_dir
from settings.logs import logging_config

try:
    _settings = load()
except ValueError as _exc:  # a malformed ASCOLTO_* value: one line naming it, before any worker (not gunicorn's traceback)
    import sys

    print(f"Error: {_exc}", file=sys.stderr)
    sys.exit(2)
workers = _settings.workers
# gthread, quitting once: Ctrl-C reaches a worker twice (the terminal, then its master; deploy/gunicorn_worker.py)
worker_class = "deploy.gunicorn_worker.ThreadWorker"
threads = _settings.threads
timeout = 30
graceful_timeout = 10
keepalive = 5
# The app (its Kafka producer, committer and replayer threads) is built in each worker, after fork.
preload_app = False
# Structured JSON logs; no access log: client addresses are never logged.
accesslog = None
logconfig_dict = logging_config(_settings.log_level)
logger_class = "deploy.gunicorn_logging.Logger"
# Several gunicorn masters run side by side (collector, console): no shared control socket.
control_socket_disable = True

# Prometheus samples of all workers are aggregated through files in this directory: PROMETHEUS_MULTIPROC_DIR,
# else a temporary ascolto-metrics-* that this master removes in on_exit (settings/metrics_dir.py).
export_prometheus_dir(_settings)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


# --- the collector's shipper (collector/shipper.py) --------------------------------------------
# Workers only append to the host's write-ahead log; one shipper process produces it to Kafka.
# The master starts it under deploy/supervise.py: a single-threaded process of its own, the
# shipper's only parent, which reaps it itself and starts another whenever it exits. When on_exit
# sends it SIGTERM, or when the master dies, the supervisor stops the shipper (SIGTERM, then SIGKILL
# after graceful_timeout). Not a thread in the master (issue 18, see deploy/supervise.py): a Popen
# in a thread while the arbiter forks a worker can block forever, and the arbiter's waitpid(-1)
# takes the exit status of the master's other children. ``when_ready`` runs in the master's only
# thread before it forks any worker, so this Popen cannot race a fork: keep the master free of
# threads. Other apps (the console, the benchmark's bare handler) get no shipper.
_shipper = {"supervisor": None}


def _is_collector(server) -> bool:
    return str(getattr(server.app, "app_uri", "")).startswith("collector.")


def when_ready(server):
    if not _is_collector(server):
        return
    import os
    import subprocess
    import sys

    export_to_workers(ASCOLTO_SHIPPER="external")  # inherited by the workers forked after this hook
    proc = _shipper["supervisor"] = subprocess.Popen(
        [sys.executable, "-m", "deploy.supervise", "--name", "shipper", "--parent", str(os.getpid()),
         "--grace", str(server.cfg.graceful_timeout), "--log-level", _settings.log_level,
         "--", sys.executable, "-m", "collector.shipper"])
    server.log.info("started the shipper's supervisor (pid %s)", proc.pid)


def post_worker_init(worker):
    """A collector's worker reads the privacy lexicon before it serves (privacy.lexicon.warm); the console's
    and the public site's freeze what their start-up built (deploy.gunicorn_worker.settle_heap)."""
    if _is_collector(worker):
        from privacy import lexicon

        lexicon.warm()
    else:
        from deploy.gunicorn_worker import settle_heap

        settle_heap()


def worker_exit(server, worker):
    """A worker, stopping, closes its app where the app says how (``extensions["ascolto.close"]``): the
    collector's :func:`collector.app.close_app` writes the origin counts it holds (handed to the registry
    every 10 s), not lost with the process; the console's and the public site's (``close_app`` of
    :mod:`warehouse.console`, :mod:`warehouse.public`) close the registry's connections, the rate
    limiters' Redis connections and DuckDB after the warm-up. Gunicorn logs what it raises; the worker
    exits either way."""
    close = getattr(getattr(worker, "wsgi", None), "extensions", {}).get("ascolto.close")
    if close is not None:
        close()
    if not _is_collector(worker):
        from deploy.gunicorn_worker import release_heap

        release_heap()


def on_exit(server):
    """The master stops, its workers stopped: the shipper's supervisor is stopped, then the temporary
    metrics directory this master made is removed (the shipper inherited it too) — unless a master
    re-executed by ``USR2`` still runs and inherited it (gunicorn hands it ``cfg.env_orig``)."""
    try:
        _stop_shipper(server)
    finally:
        inherited = server.cfg.env_orig.get("PROMETHEUS_MULTIPROC_DIR", "") if server.reexec_pid else ""
        release_prometheus_dir(keep=inherited)


def _stop_shipper(server):
    import subprocess

    proc = _shipper["supervisor"]
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()  # the supervisor stops the shipper (which ships what the log holds if it can)
    try:
        proc.wait(server.cfg.graceful_timeout + 5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
