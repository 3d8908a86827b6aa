"""Per-client and per-service rate limits: in memory per worker (`collector.localwindow`), or shared
in Redis with the ``limits`` library when `ASCOLTO_REDIS_URL` is set.

Two per-client budgets, counted apart under the same keyed bucket: the posts (``ASCOLTO_RATE_LIMIT_IP``:
submissions, funnel counts, the no-JS form's post) and the GETs that do work per request
(``ASCOLTO_RATE_LIMIT_GET``: the questionnaire a widget loads, the no-JS form and its thank-you page, the
kiosk page; :meth:`RateLimits.check_read`). Loading pages never eats a client's budget of answers, nor
the reverse. Constant documents (``widget.js``, ``kiosk.js``, ``/openapi.json``: precomputed bytes with an
ETag), the probes (``/healthz``, ``/readyz``, ``/metrics``: internal, never refused) are not limited.

A sliding-window counter per key: O(1) per request, smooth at window edges. The client address
is used only to count — under its keyed bucket (:class:`settings.buckets.ClientBuckets`, the one
home of every per-client limiter: a key derived from the form secret every role of the installation
shares), in memory or in Redis with the window's expiry — and is never stored with a submission nor
logged. A storage outage (Redis down) lets requests through.
"""
from __future__ import annotations

import logging
import time
from typing import Callable

from flask import request
from limits import parse, storage, strategies

from registry.checks import SERVICE_KEY
from settings import Settings
from settings.buckets import ClientBuckets, close_limiter, limiter_storage

from . import metrics
from .errors import ApiError
from .localwindow import LocalWindows

log = logging.getLogger("ascolto.collector")


#: The one bucket shared by every name that is not a known service's key.
UNKNOWN_SERVICE = "-"


class RateLimits:
    """``known(key)`` says whether a well-formed key names a service (the collector's cached
    directory); only those get a bucket of their own, so junk names cannot multiply buckets."""

    def __init__(self, settings: Settings, known: Callable[[str], bool] = lambda key: False):
        self._known = known
        self.enabled = settings.rate_limit_enabled
        self._local = None if settings.redis_url else LocalWindows()  # per worker, no timer thread
        uri, options = limiter_storage(settings)
        self._strategy = strategies.SlidingWindowCounterRateLimiter(
            storage.storage_from_string(uri, **options)) if settings.redis_url else None
        self._per_client = parse(settings.rate_limit_ip)
        self._per_service = parse(settings.rate_limit_service)
        self._per_backend = parse(settings.rate_limit_backend)
        self._per_reader = parse(settings.rate_limit_get)
        #: the bucket of a client address: keyed BLAKE2b (the same in every process of the installation,
        #: so a shared Redis counts a client once; useless without the key)
        self.client_bucket = ClientBuckets(settings).bucket

    def close(self) -> None:
        """Close the Redis storage's connections (the app's shutdown: :func:`collector.app.close_app`)."""
        if self._strategy is not None:
            close_limiter(self._strategy)

    def check_client(self, req=None) -> None:
        """Count this request (``req``, default the current one) against its client; raise a 429
        :class:`ApiError` past the limit."""
        self.check_address((request if req is None else req).remote_addr)

    def check_address(self, address: str | None) -> None:
        """:meth:`check_client` for a request known by its WSGI ``REMOTE_ADDR`` (what werkzeug's
        ``remote_addr`` reads): the JSON intake's front answers without a Flask request."""
        self._hit(self._per_client, "ip", self.client_bucket(address))

    def check_read(self, route: str, req=None) -> None:
        """Count a GET of ``route`` (one of :data:`collector.metrics.READ_ROUTES`) by this request's
        client (``req``, default the current one) against its read budget, before the route does any
        work (a conditional request too: its ETag needs that work, and a header anyone can add must not
        buy a way around the limit); raise a 429 :class:`ApiError` past it, counted in
        ``ascolto_collector_reads_limited_total{route}`` — never as a refused submission."""
        try:
            self._hit(self._per_reader, "get", self.client_bucket((request if req is None else req).remote_addr))
        except ApiError as exc:
            metrics.READS_LIMITED.labels(route).inc()
            exc.counted = True
            raise

    def check_backend(self, prefix: str) -> None:
        """Count this request against the back-end token of public prefix ``prefix`` (verified by the
        caller): a back end's posts count here instead of against its address."""
        self._hit(self._per_backend, "backend", prefix)

    def check_service(self, service: object) -> None:
        """Count this submission against its service: the raw, unvalidated ``service`` of the body
        gets its own bucket only when it has a service key's shape and names a known service;
        every other value (junk, unknown, not a string) shares the one :data:`UNKNOWN_SERVICE` bucket."""
        self._hit(self._per_service, "service", self.bucket(service))

    def bucket(self, service: object) -> str:
        if isinstance(service, str) and SERVICE_KEY.fullmatch(service) and self._known(service):
            return service
        return UNKNOWN_SERVICE

    def _hit(self, limit, scope: str, key: str) -> None:
        if not self.enabled:
            return
        if self._local is not None:
            reset = self._local.hit(limit.amount, limit.get_expiry(), (scope, key))
            if reset is None:
                return
            self._refuse(scope, reset)
        try:
            if self._strategy.hit(limit, "ascolto", scope, key):
                return
            reset = self._strategy.get_window_stats(limit, "ascolto", scope, key).reset_time
        except Exception as exc:  # the limiter's storage failing must not refuse citizens
            log.warning("rate-limit storage unavailable (%s); request allowed", exc)
            return
        self._refuse(scope, reset)

    @staticmethod
    def _refuse(scope: str, reset: float) -> None:
        retry = max(1, int(reset - time.time()) + 1)
        what = {"ip": "submissions from this client", "backend": "submissions from this back-end token",
                "get": "page and questionnaire loads from this client"}.get(scope, "submissions to this service")
        raise ApiError(429, "rate_limited", f"Too many {what}; retry in {retry} s.",
                       {"request": ["Too many requests; retry after the time in Retry-After."]},
                       headers={"Retry-After": str(retry)})
