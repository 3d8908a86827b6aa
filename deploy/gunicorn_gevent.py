"""The collector's worker class (``--worker-class``, :func:`deploy.up.worker_options`): gunicorn's gevent
worker, whose refusals of requests it cannot parse — a 414 URL too long, a 431, a malformed request
line — are JSON in the collector's error shape, like every answer of its API, and log no client
address (:mod:`deploy.gunicorn_errors`).

A module of its own: importing it imports gevent, which the console's master has no use for.
"""
from __future__ import annotations

from gunicorn.workers.ggevent import GeventWorker as _GeventWorker

from .gunicorn_errors import JsonErrors
from .gunicorn_worker import QuitOnce


class GeventWorker(JsonErrors, QuitOnce, _GeventWorker):
    """gunicorn's ``gevent`` worker, quitting once (:class:`deploy.gunicorn_worker.QuitOnce`), with JSON
    refusals."""
