"""Explicit configuration from ``ASCOLTO_*`` environment variables (DESIGN §9).

:func:`load` reads the environment once; every part receives a :class:`Settings` instead of
reading the environment itself, so tests can build settings directly.
"""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field, replace
from pathlib import Path


def _int(env: dict, name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None


def _float(env: dict, name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None


def _choice(env: dict, name: str, allowed: tuple[str, ...], default: str) -> str:
    raw = env.get(name) or default
    if raw not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {raw!r}")
    return raw


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")
    database_url: str = ""
    broker: str = "127.0.0.1:9092"
    topic: str = "ascolto.submissions"
    group: str = "ascolto-processor"
    collector_id: str = field(default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}")
    collector_port: int = 8000
    console_port: int = 8001
    demo_port: int = 8002
    broker_port: int = 0
    produce_timeout_s: float = 10.0
    max_request_bytes: int = 16 * 1024
    min_fill_ms: int = 1500
    spool_dir: Path | None = None
    spool_max_bytes: int = 256 * 1024 * 1024
    shipper: str = "thread"  # who ships the spool to Kafka: "thread" (in the app) or "external" (a process)
    redis_url: str = ""
    rate_limit_ip: str = "120/minute"
    rate_limit_service: str = "12000/minute"
    rate_limit_enabled: bool = True
    proxy_count: int = 0
    console_secret: str = ""  # signs the console's session cookies; "" = a secret kept in data_dir
    console_secure_cookie: bool = False  # mark the console cookie Secure (set behind TLS)
    form_secret: str = ""  # signs the no-JS form's render time; "" = a secret kept in data_dir
    batch_max_records: int = 2000
    batch_max_seconds: float = 1.0
    max_poll_interval_ms: int = 300_000
    session_timeout_ms: int = 10_000
    dlq_window: int = 100        # processor: halt when more than dlq_max_ratio of a window of
    dlq_max_ratio: float = 0.5   # at least dlq_window envelopes is invalid (docs/processor.md)
    compact_min_rows: int = 100_000  # compaction target: files of at least this many rows
    # warehouse disclosure control and rollup (docs/warehouse.md)
    disclosure_min_n: int = 3      # cells with fewer responses are suppressed (CONF_STATUS=A)
    reliability_min_n: int = 30    # published cells with fewer are flagged OBS_STATUS=U
    microdata_min_n: int = 30      # microdata rows are released only from cells with at least this many
    rollup_check_s: float = 5.0    # readers check the rollup's freshness at most this often

    def __post_init__(self):
        object.__setattr__(self, "data_dir", Path(self.data_dir).resolve())
        object.__setattr__(self, "spool_dir", Path(self.spool_dir or self.data_dir / "spool").resolve())
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.data_dir / 'registry.db'}")

    @property
    def dlq_topic(self) -> str:
        return f"{self.topic}.dlq"

    @property
    def responses_dir(self) -> Path:
        return self.data_dir / "responses"

    @property
    def processor_metrics_file(self) -> Path:
        return self.data_dir / "metrics" / f"processor-{self.collector_id}.prom"

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)


def load(env: dict | None = None) -> Settings:
    """Settings from ``env`` (default ``os.environ``); raises ValueError naming a bad variable."""
    env = dict(os.environ if env is None else env)
    defaults = Settings()
    return Settings(
        data_dir=Path(env.get("ASCOLTO_DATA_DIR") or "var"),
        database_url=env.get("ASCOLTO_DATABASE_URL", ""),
        broker=env.get("ASCOLTO_BROKER") or defaults.broker,
        topic=env.get("ASCOLTO_TOPIC") or defaults.topic,
        group=env.get("ASCOLTO_GROUP") or defaults.group,
        collector_id=env.get("ASCOLTO_COLLECTOR_ID") or defaults.collector_id,
        collector_port=_int(env, "ASCOLTO_COLLECTOR_PORT", defaults.collector_port),
        console_port=_int(env, "ASCOLTO_CONSOLE_PORT", defaults.console_port),
        demo_port=_int(env, "ASCOLTO_DEMO_PORT", defaults.demo_port),
        broker_port=_int(env, "ASCOLTO_BROKER_PORT", defaults.broker_port),
        spool_dir=Path(env["ASCOLTO_SPOOL_DIR"]) if env.get("ASCOLTO_SPOOL_DIR") else None,
        spool_max_bytes=_int(env, "ASCOLTO_SPOOL_MAX_BYTES", defaults.spool_max_bytes),
        shipper=_choice(env, "ASCOLTO_SHIPPER", ("thread", "external"), defaults.shipper),
        redis_url=env.get("ASCOLTO_REDIS_URL", ""),
        rate_limit_ip=env.get("ASCOLTO_RATE_LIMIT_IP") or defaults.rate_limit_ip,
        rate_limit_service=env.get("ASCOLTO_RATE_LIMIT_SERVICE") or defaults.rate_limit_service,
        rate_limit_enabled=env.get("ASCOLTO_RATE_LIMIT_ENABLED", "1") not in ("0", "false", "no"),
        proxy_count=_int(env, "ASCOLTO_PROXY_COUNT", defaults.proxy_count),
        min_fill_ms=_int(env, "ASCOLTO_MIN_FILL_MS", defaults.min_fill_ms),
        form_secret=env.get("ASCOLTO_FORM_SECRET", ""),
        console_secret=env.get("ASCOLTO_CONSOLE_SECRET", ""),
        console_secure_cookie=env.get("ASCOLTO_CONSOLE_SECURE_COOKIE", "0").lower() in ("1", "true", "yes"),
        produce_timeout_s=_float(env, "ASCOLTO_PRODUCE_TIMEOUT_S", defaults.produce_timeout_s),
        batch_max_records=_int(env, "ASCOLTO_BATCH_MAX_RECORDS", defaults.batch_max_records),
        batch_max_seconds=_float(env, "ASCOLTO_BATCH_MAX_SECONDS", defaults.batch_max_seconds),
        max_poll_interval_ms=_int(env, "ASCOLTO_MAX_POLL_INTERVAL_MS", defaults.max_poll_interval_ms),
        session_timeout_ms=_int(env, "ASCOLTO_SESSION_TIMEOUT_MS", defaults.session_timeout_ms),
        dlq_window=_int(env, "ASCOLTO_DLQ_WINDOW", defaults.dlq_window),
        dlq_max_ratio=_float(env, "ASCOLTO_DLQ_MAX_RATIO", defaults.dlq_max_ratio),
        compact_min_rows=_int(env, "ASCOLTO_COMPACT_MIN_ROWS", defaults.compact_min_rows),
        disclosure_min_n=_int(env, "ASCOLTO_DISCLOSURE_MIN_N", defaults.disclosure_min_n),
        reliability_min_n=_int(env, "ASCOLTO_RELIABILITY_MIN_N", defaults.reliability_min_n),
        microdata_min_n=_int(env, "ASCOLTO_MICRODATA_MIN_N", defaults.microdata_min_n),
        rollup_check_s=_float(env, "ASCOLTO_ROLLUP_CHECK_S", defaults.rollup_check_s),
    )
