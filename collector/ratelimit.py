"""Per-IP and per-service rate limits (flask-limiter; memory by default, Redis when configured).

The client address is used only to count requests — as a hash, in memory or in Redis with the
window's expiry; it is never stored with a submission nor logged.
"""
from __future__ import annotations

import hashlib

from flask import Flask, request
from flask_limiter import Limiter

from ascolto.config import Settings

from .body import peek_service


def _ip_key() -> str:
    return "ip:" + hashlib.blake2b((request.remote_addr or "unknown").encode(), digest_size=12).hexdigest()


def _service_key() -> str:
    return f"service:{peek_service() or '-'}"


def apply_limits(app: Flask, settings: Settings, endpoints: list[str]) -> Limiter:
    """Limit each endpoint per client IP and per service; see :func:`retry_after` for 429 answers.

    A storage outage (Redis down) lets requests through rather than failing them.
    """
    limiter = Limiter(_ip_key, app=app, storage_uri=settings.redis_url or "memory://",
                      strategy="moving-window", headers_enabled=False, enabled=settings.rate_limit_enabled,
                      swallow_errors=True, key_prefix="ascolto")
    for endpoint in endpoints:
        view = app.view_functions[endpoint]
        view = limiter.limit(settings.rate_limit_service, key_func=_service_key, scope="service")(view)
        view = limiter.limit(settings.rate_limit_ip, scope="ip")(view)
        app.view_functions[endpoint] = view
    return limiter


def retry_after(app: Flask) -> int:
    """Seconds until the limit this request broke frees a slot (at least 1); for ``Retry-After``."""
    import time

    limiter = app.extensions.get("ascolto.limiter")
    current = limiter.current_limit if limiter is not None else None
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()) + 1)
