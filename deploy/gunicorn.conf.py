"""Gunicorn configuration shared by the collector and the console (bind given on the command line).

Values come from :func:`settings.load` (``ASCOLTO_WORKERS``, ``ASCOLTO_THREADS``, ``ASCOLTO_LOG_LEVEL``).
"""
from settings import export_prometheus_dir, load
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
