"""The ranges of ``ASCOLTO_*`` numbers and the shape of ``ASCOLTO_BROKER``, checked by :func:`settings.load`.

A value of the right type can still stop a process later and far from its cause: a port of 70000 was
gunicorn's ``OverflowError`` traceback, ``ASCOLTO_WORKERS=0`` a collector master that listened and
served nobody, ``ASCOLTO_BROKER=kafka:909z`` kafka-python's traceback from the processor. Each is refused
here instead, naming the variable, the range it takes and the value given (a ``ValueError``: every
``ascolto`` command exits 2 with it, gunicorn's configuration stops before a worker boots).
"""
from __future__ import annotations

INF = float("inf")

#: (attribute, variable, lowest, highest, what it is): checked only when the variable is set, since the
#: defaults are in range. ``ASCOLTO_BROKER_PORT`` takes 0: a free port, chosen by ``ascolto up``.
RANGES = (
    ("collector_port", "ASCOLTO_COLLECTOR_PORT", 1, 65535, "a TCP port"),
    ("console_port", "ASCOLTO_CONSOLE_PORT", 1, 65535, "a TCP port"),
    ("public_port", "ASCOLTO_PUBLIC_PORT", 1, 65535, "a TCP port"),
    ("demo_port", "ASCOLTO_DEMO_PORT", 1, 65535, "a TCP port"),
    ("broker_port", "ASCOLTO_BROKER_PORT", 0, 65535, "a TCP port, or 0 for a free one"),
    ("workers", "ASCOLTO_WORKERS", 1, INF, "the number of gunicorn workers"),
    ("threads", "ASCOLTO_THREADS", 1, INF, "the number of threads per worker"),
    ("spool_max_bytes", "ASCOLTO_SPOOL_MAX_BYTES", 1, INF, "the spool's bound in bytes"),
    ("produce_timeout_s", "ASCOLTO_PRODUCE_TIMEOUT_S", 1e-3, INF, "seconds"),
    ("proxy_count", "ASCOLTO_PROXY_COUNT", 0, INF, "the number of proxies in front"),
    ("min_fill_ms", "ASCOLTO_MIN_FILL_MS", 0, INF, "milliseconds"),
    ("batch_max_records", "ASCOLTO_BATCH_MAX_RECORDS", 1, INF, "records per batch"),
    ("batch_max_seconds", "ASCOLTO_BATCH_MAX_SECONDS", 0, INF, "seconds"),
    ("batch_max_bytes", "ASCOLTO_BATCH_MAX_BYTES", 0, INF, "bytes per batch, or 0 for no bound"),
    ("writer_pending", "ASCOLTO_WRITER_PENDING", 0, INF, "batches, or 0 to write inline"),
    ("max_poll_interval_ms", "ASCOLTO_MAX_POLL_INTERVAL_MS", 1, INF, "milliseconds"),
    ("session_timeout_ms", "ASCOLTO_SESSION_TIMEOUT_MS", 1, INF, "milliseconds"),
    ("dlq_window", "ASCOLTO_DLQ_WINDOW", 0, INF, "envelopes, or 0 to disable the halt"),
    ("dlq_max_ratio", "ASCOLTO_DLQ_MAX_RATIO", 0, 1, "a share"),
    ("compact_min_rows", "ASCOLTO_COMPACT_MIN_ROWS", 1, INF, "rows"),
    ("rollup_check_s", "ASCOLTO_ROLLUP_CHECK_S", 0, INF, "seconds"),
    ("registry_ttl_s", "ASCOLTO_REGISTRY_TTL_S", 0, INF, "seconds"),
    ("registry_stale_s", "ASCOLTO_REGISTRY_STALE_S", 0, INF, "seconds, or 0 to turn it off"),
    ("origin_flush_s", "ASCOLTO_ORIGIN_FLUSH_S", 0, INF, "seconds"),
    ("silent_days", "ASCOLTO_SILENT_DAYS", 1, INF, "days"),
    ("coverage_target_services", "ASCOLTO_COVERAGE_TARGET_SERVICES", 1, INF, "services"),
    ("coverage_target_entities", "ASCOLTO_COVERAGE_TARGET_ENTITIES", 1, INF, "entities"),
)


def _bound(lo, hi) -> str:
    if hi == INF:
        return f"at least {lo:g}" if lo else "0 or more"
    return f"from {lo:g} to {hi:g}"


def check_ranges(settings, env: dict) -> None:
    """Raise ``ValueError`` naming the first variable of :data:`RANGES` set in ``env`` whose value (as read
    into ``settings``) is out of its range."""
    for attr, var, lo, hi, what in RANGES:
        if env.get(var) in (None, ""):
            continue
        value = getattr(settings, attr)
        if not lo <= value <= hi:
            raise ValueError(f"{var} must be {what}, {_bound(lo, hi)}, got {env[var]!r}")


def broker_list(raw: str) -> str:
    """``ASCOLTO_BROKER`` checked to be a comma-separated list of ``HOST:PORT`` (``[v6]:PORT`` for an IPv6
    address; a bare host means Kafka's 9092); returned unchanged. Anything else raises ``ValueError``
    naming the variable — kafka-python's own refusal is a traceback from inside its bootstrap."""
    for entry in raw.split(","):
        entry = entry.strip()
        host, port = entry, None
        if entry.startswith("["):
            host, bracket, rest = entry[1:].partition("]")
            port = rest[1:] if rest.startswith(":") else (None if bracket and not rest else "")
        elif entry.count(":") == 1:
            host, port = entry.split(":")
        elif ":" in entry and not _ipv6(entry):
            host = ""
        ok = bool(host) and (port is None or (port.isdigit() and 1 <= int(port) <= 65535))
        if not ok:
            raise ValueError(f"ASCOLTO_BROKER must be the brokers' bootstrap list, HOST:PORT[,HOST:PORT…] "
                             f"(e.g. kafka-0:9092,kafka-1:9092), got {raw!r}")
    return raw


def _ipv6(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def flag(env: dict, name: str, default: bool) -> bool:
    """``name`` as a switch: ``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off`` (any case), unset
    or empty the default. Anything else raises ``ValueError`` naming it: ``ASCOLTO_RATE_LIMIT_ENABLED=disabled``
    left the limits on, and ``ASCOLTO_CONSOLE_SECURE_COOKIE=none`` the cookie Secure, without a word."""
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in _TRUE + _FALSE:
        raise ValueError(f"{name} must be 1 or 0 (true/false, yes/no, on/off), got {env[name]!r}")
    return raw in _TRUE


#: the Redis URLs the limiters take (``limits``' storages given redis-py's options: settings.buckets)
REDIS_SCHEMES = ("redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster")


def redis_url(raw: str) -> str:
    """``ASCOLTO_REDIS_URL`` ("" = none) checked to be a Redis URL: anything else failed every collector
    worker's boot with ``limits``' "unknown storage scheme" traceback. The value may hold a password:
    the message shows its scheme only."""
    raw = raw.strip()
    scheme = raw.partition("://")[0].lower() if "://" in raw else ""
    if raw and (scheme not in REDIS_SCHEMES or not raw.partition("://")[2]):
        raise ValueError(f"ASCOLTO_REDIS_URL must be a Redis URL such as redis://HOST:6379/0 (schemes "
                         f"{', '.join(REDIS_SCHEMES)}), got the scheme {scheme or 'none'!r}")
    return raw
