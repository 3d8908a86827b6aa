"""Gunicorn configuration shared by the collector and the console (bind given on the command line)."""
import os
import tempfile

from ascolto.logs import logging_config

workers = int(os.environ.get("ASCOLTO_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("ASCOLTO_THREADS", "8"))
timeout = 30
graceful_timeout = 10
keepalive = 5
# The app (its Kafka producer, committer and replayer threads) is built in each worker, after fork.
preload_app = False
# Structured JSON logs; no access log: client addresses are never logged.
accesslog = None
logconfig_dict = logging_config()
# Several gunicorn masters run side by side (collector, console): no shared control socket.
control_socket_disable = True

# Prometheus samples of all workers are aggregated through files in this directory.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ascolto-metrics-")


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
