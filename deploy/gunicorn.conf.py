"""Gunicorn configuration shared by the collector and the console (bind given on the command line)."""
import os

workers = int(os.environ.get("ASCOLTO_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("ASCOLTO_THREADS", "8"))
timeout = 30
graceful_timeout = 10
keepalive = 5
# The app (and its Kafka producer) is built in each worker, after fork.
preload_app = False
accesslog = None
errorlog = "-"
loglevel = os.environ.get("ASCOLTO_LOG_LEVEL", "info")
# Never log client addresses: IPs are used in memory for rate limiting only.
access_log_format = '"%(r)s" %(s)s %(b)s %(L)s'
# Several gunicorn masters run side by side (collector, console): no shared control socket.
control_socket_disable = True
