"""Gunicorn configuration shared by the collector and the console (bind given on the command line).

Values come from :func:`settings.load` (``ASCOLTO_WORKERS``, ``ASCOLTO_THREADS``, ``ASCOLTO_LOG_LEVEL``).
"""
import time

from settings import export_prometheus_dir, export_to_workers, load
from settings.logs import logging_config

_settings = load()
workers = _settings.workers
worker_class = "gthread"
threads = _settings.threads
timeout = 30
graceful_timeout = 10
keepalive = 5
# The app (its Kafka producer, committer and replayer threads) is built in each worker, after fork.
preload_app = False
# Structured JSON logs; no access log: client addresses are never logged.
accesslog = None
logconfig_dict = logging_config(_settings.log_level)
# Several gunicorn masters run side by side (collector, console): no shared control socket.
control_socket_disable = True

# Prometheus samples of all workers are aggregated through files in this directory.
export_prometheus_dir(_settings)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


# --- the collector's shipper (collector/shipper.py) --------------------------------------------
# Workers only append to the host's write-ahead log; the master runs one shipper process beside
# them (restarted if it dies) that produces the log to Kafka. Other apps (the console, the
# benchmark's bare handler) get no shipper.
_shipper = {"proc": None, "stop": None}


def _is_collector(server) -> bool:
    return str(getattr(server.app, "app_uri", "")).startswith("collector.")


def when_ready(server):
    if not _is_collector(server):
        return
    import subprocess
    import sys
    import threading

    export_to_workers(ASCOLTO_SHIPPER="external")  # inherited by the workers forked after this hook
    stop = threading.Event()

    def running(proc) -> bool:
        """Whether the shipper still runs. The arbiter's SIGCHLD handler may reap it before ``poll``
        does, so its /proc entry (gone, or a zombie) is checked too."""
        if proc.poll() is not None:
            return False
        try:
            with open(f"/proc/{proc.pid}/stat", "rb") as fh:
                return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
        except (OSError, IndexError):
            return False

    def supervise():
        backoff = 0.5
        while not stop.is_set():
            started = time.monotonic()
            try:
                proc = _shipper["proc"] = subprocess.Popen([sys.executable, "-m", "ascolto.cli", "shipper"])
            except OSError as exc:  # e.g. no process slot left: try again after the backoff
                server.log.error("cannot start the shipper: %s", exc)
                stop.wait(5.0)
                continue
            while running(proc) and not stop.wait(0.2):
                pass
            if stop.is_set():
                return
            server.log.warning("shipper exited (status %s); restarting", proc.returncode)
            backoff = 0.5 if time.monotonic() - started > 10 else min(5.0, backoff * 2)
            stop.wait(backoff)

    _shipper["stop"] = stop
    threading.Thread(target=supervise, name="ascolto-shipper-supervisor", daemon=True).start()


def on_exit(server):
    stop, proc = _shipper["stop"], _shipper["proc"]
    if stop is not None:
        stop.set()
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except Exception:
            proc.kill()
