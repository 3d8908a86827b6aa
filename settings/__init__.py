"""Explicit configuration from ``ASCOLTO_*`` environment variables (DESIGN §9), for every process.

A bottom-layer package (it imports nothing of Ascolto): :func:`load` is the one place that reads
the environment — the CLI, gunicorn's configuration, logging and the metrics exposition all take
their values from a :class:`Settings` — and :func:`child_environment` is the one place that passes
it on to child processes. ``tests/test_architecture.py`` refuses ``os.environ`` anywhere else.
"""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field, replace
from pathlib import Path

from .kafka import KafkaSecurity, load_kafka_security
from .ranges import broker_list, check_ranges, flag, redis_url


def _number(env: dict, name: str, default, kind, what: str):
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return kind(raw)
    except ValueError:
        raise ValueError(f"{name} must be {what}, got {raw!r}") from None


def _int(env: dict, name: str, default: int) -> int:
    return _number(env, name, default, int, "an integer")


def _float(env: dict, name: str, default: float) -> float:
    return _number(env, name, default, float, "a number")


def _at_least(env: dict, name: str, default, minimum, why: str, kind=int):
    """``name`` read as ``kind`` (default ``default``); a value below ``minimum`` is refused, naming the
    variable and ``why`` — for the statistical-secrecy parameters, which must not be weakened by a
    typo (DESIGN §7: perturbed n < 3 shows neither value nor n)."""
    value = _number(env, name, default, kind, "an integer" if kind is int else "a number")
    if value < minimum or (kind is float and value <= 0 and minimum == 0):
        bound = "above 0" if kind is float and minimum == 0 else f"at least {minimum}"
        raise ValueError(f"{name} must be {bound} ({why}), got {env.get(name)!r}")
    return value


def _choice(env: dict, name: str, allowed: tuple[str, ...], default: str) -> str:
    raw = env.get(name) or default
    if raw not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {raw!r}")
    return raw


#: the levels ``ASCOLTO_LOG_LEVEL`` takes (any case): the ones :mod:`logging` and gunicorn both know
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


#: the registry databases Ascolto ships a driver for (registry.db: a bare postgresql:// means psycopg2)
DATABASE_SCHEMES = ("sqlite", "sqlite+pysqlite", "postgresql", "postgres", "postgresql+psycopg2")


def _database_url(env: dict) -> str:
    """``ASCOLTO_DATABASE_URL`` ("" = SQLite in the data dir), checked to be a URL of a database the
    registry supports (:data:`DATABASE_SCHEMES`): a typo'd or foreign URL is refused here, naming the
    variable, instead of a SQLAlchemy traceback ("Could not parse SQLAlchemy URL", "No module named
    'MySQLdb'") from whichever process opens the registry first. The value holds the password, so
    the message shows the scheme at most, never the URL."""
    raw = env.get("ASCOLTO_DATABASE_URL", "")
    if not raw:
        return raw
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    expected = "postgresql+psycopg2://USER:PASSWORD@HOST:5432/DATABASE or sqlite:////PATH/registry.db"
    try:
        scheme = make_url(raw).drivername
    except (ArgumentError, ValueError):
        raise ValueError(f"ASCOLTO_DATABASE_URL is not a database URL (expected {expected}; "
                         "the value is not shown: it may hold a password)") from None
    if scheme not in DATABASE_SCHEMES:
        raise ValueError(f"ASCOLTO_DATABASE_URL must be a PostgreSQL (psycopg2) or SQLite URL, "
                         f"got the scheme {scheme!r} (expected {expected})")
    for name, value in make_url(raw).query.items():  # libpq's whole seconds and counts (registry.db)
        if (name == "connect_timeout" or name.startswith("keepalives")) and not str(value).strip().isdigit():
            raise ValueError(f"ASCOLTO_DATABASE_URL's {name} must be a whole number (seconds or a count), got {value!r}")
    return raw


def _base_url(env: dict, name: str) -> str:
    """``name`` as a base URL ("" when unset): ``http``/``https``, a host, no credentials, query or
    fragment; returned without a trailing slash. Anything else is refused naming the variable, so
    that the links built on it (exports' documentation) can be followed by whoever receives them."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return ""
    from urllib.parse import urlsplit

    try:
        url = urlsplit(raw)
        ok = url.port is None or url.port > 0
    except ValueError:
        url, ok = None, False
    if not ok or url.scheme not in ("http", "https") or not url.hostname or url.query or url.fragment \
            or url.username or url.password:
        raise ValueError(f"{name} must be an http(s) URL with a host and no credentials, query or fragment "
                         f"(e.g. https://ascolto.example.gov.it), got {raw!r}")
    return raw.rstrip("/")


def _log_level(env: dict, default: str) -> str:
    """``ASCOLTO_LOG_LEVEL`` upper-cased, one of :data:`LOG_LEVELS`: an unknown level is refused here,
    naming the variable, rather than by ``logging.config`` (a traceback about gunicorn's logger)."""
    raw = env.get("ASCOLTO_LOG_LEVEL") or default
    if raw.upper() not in LOG_LEVELS:
        raise ValueError(f"ASCOLTO_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {raw!r}")
    return raw.upper()


def _rate_limit(env: dict, name: str, default: str) -> str:
    """A rate limit in the ``limits`` notation (``120/minute``, ``10/5minutes``), as the collector, the
    console and the public site parse it: refused here, naming ``name``, rather than by the first worker
    that parses it (a collector worker that fails to boot with "couldn't parse rate limit string")."""
    raw = env.get(name) or default
    from limits import parse

    try:
        parse(raw)
    except ValueError:
        raise ValueError(f"{name} must be a rate limit such as 120/minute or 10/5minutes, got {raw!r}") from None
    return raw


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")
    data_dir_configured: bool = False  # True when ASCOLTO_DATA_DIR named it (not the ./var default)
    database_url: str = ""
    broker: str = "127.0.0.1:9092"
    kafka_security: KafkaSecurity = field(default_factory=KafkaSecurity)  # TLS/SASL (settings.kafka)
    topic: str = "ascolto.submissions"
    group: str = "ascolto-processor"
    collector_id: str = field(default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}")
    collector_port: int = 8000
    console_port: int = 8001
    demo_port: int = 8002
    public_port: int = 8003        # the public open-data site (`ascolto public`)
    public_url: str = ""  # the collector's address as PA pages reach it (snippets); "" = http://localhost:PORT
    collector_internal_url: str = ""  # where the console posts operator entries; "" = http://127.0.0.1:PORT
    public_site_url: str = ""  # the public site's address as readers reach it (exports' links); "" = http://localhost:PORT
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
    rate_limit_backend: str = "6000/minute"  # per back-end token (instead of the per-IP limit; collector.backends)
    rate_limit_get: str = "600/minute"  # per client: the GETs that do work (questionnaire, form, kiosk; apart from posts)
    rate_limit_enabled: bool = True
    proxy_count: int = 0
    console_secret: str = ""  # signs the console's session cookies; "" = a secret kept in data_dir
    console_secure_cookie: bool = True  # mark the console cookie Secure; only `ascolto up` (http://localhost) turns it off
    console_signin_limit: str = "10/5minutes"  # failed console sign-ins allowed per client and per token prefix
    form_secret: str = ""  # signs the no-JS form's render time; "" = a secret kept in data_dir
    batch_max_records: int = 2000
    batch_max_bytes: int = 2_000_000  # processor: record values per batch (its memory bound); 0 = none
    batch_max_seconds: float = 1.0
    writer_pending: int = 1  # processor: batches written by the writer thread while the next is read; 0 = inline
    max_poll_interval_ms: int = 300_000
    session_timeout_ms: int = 10_000
    group_join_timeout_s: float = 0.0  # processor: out of the group this long -> a new consumer; 0 = join_timeout_s's default, <0 = never
    run_dir: Path | None = None    # processor heartbeats (processor.heartbeat); None = data_dir/run
    processor_instance: str = ""   # names this processor's heartbeat; "" = the host name (pod, container)
    heartbeat_max_age_s: float = 0.0  # `ascolto processor check`: older is stale; 0 = heartbeat_max_age's default
    notify_socket: str = ""        # systemd's NOTIFY_SOCKET (Type=notify units): the processor's heartbeat tells it
    fault_freeze_before_write: str = ""  # the fault suite's hook only (processor.faulthooks); "" = off
    dlq_window: int = 100        # processor: halt when more than dlq_max_ratio of a window of
    dlq_max_ratio: float = 0.5   # at least dlq_window envelopes is invalid (docs/processor.md)
    compact_min_rows: int = 100_000  # compaction target: files of at least this many rows
    # warehouse confidentiality and rollup (docs/warehouse.md, docs/confidentiality.md)
    disclosure_min_n: int = 3      # cells with fewer true or perturbed responses are suppressed (CONF_STATUS=A)
    reliability_min_n: int = 30    # published cells with fewer are flagged OBS_STATUS=U
    rollup_check_s: float = 5.0    # readers check the rollup's freshness at most this often
    # statistical confidentiality: the cell-key method (docs/confidentiality.md)
    ckm_secret: str = ""           # record keys' secret; "" = a random one kept in data_dir (ckm-secret)
    ckm_max_deviation: int = 2     # p-table: maximum perturbation D of a count
    ckm_variance: float = 1.0      # p-table: variance V of the perturbation
    ckm_enabled: bool = True       # off only for benchmarks and the method's own tests
    microdata_k: int = 5           # microdata rows only where each quasi-identifier combination has >= k
    origin_flush_s: float = 10.0   # collector: widget requests per origin written to the registry at most this often
    # results back to PAs and the public (issue 15; docs/public.md)
    coverage_target_services: int = 300
    coverage_target_entities: int = 100
    silent_days: int = 14          # a service without responses for this many days has gone silent
    releases_dir: str = ""         # published releases ("" = DATA_DIR/releases)
    public_rate_limit: str = "120/minute"  # the public site, per client
    registry_ttl_s: float = 30.0   # collector and processor see registry changes within this (registry.readmodel)
    registry_stale_s: float = 600.0  # processor: a service read this recently is used while the registry is away
    # process-level (gunicorn, logging, CLI)
    workers: int = 2               # gunicorn workers (collector: one per core)
    threads: int = 8               # gunicorn threads per worker
    bind_host: str = "0.0.0.0"     # where `ascolto collector|console` listen
    log_level: str = "INFO"
    actor: str = ""                # `ascolto registry …`: who is written in the audit log ("" = cli:$USER)
    sudo_user: str = ""            # SUDO_USER: who ran `sudo -u ascolto ascolto registry …` (named in the audit log)
    prometheus_multiproc_dir: str = ""  # prometheus_client's multiprocess directory (set by gunicorn.conf.py)
    collector_metrics_url: str = ""  # the console's quality page reads refusals here ("" = the local collector's /metrics)

    def __post_init__(self):
        object.__setattr__(self, "data_dir", Path(self.data_dir).resolve())
        object.__setattr__(self, "spool_dir", Path(self.spool_dir or self.data_dir / "spool").resolve())
        object.__setattr__(self, "run_dir", Path(self.run_dir or self.data_dir / "run").resolve())
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.data_dir / 'registry.db'}")

    @property
    def join_timeout_s(self) -> float:
        """How long a processor may be out of its consumer group before it replaces its Kafka consumer
        (:mod:`processor.liveness`): ``group_join_timeout_s``, or by default longer than any legitimate
        join (the rebalance timeout ``max_poll_interval_ms`` + the session timeout + 30 s); <= 0: never."""
        if self.group_join_timeout_s:
            return self.group_join_timeout_s
        return (self.max_poll_interval_ms + self.session_timeout_ms) / 1000 + 30.0

    @property
    def heartbeat_max_age(self) -> float:
        """How old a processor's heartbeat may be before ``ascolto processor check`` calls it hung:
        ``heartbeat_max_age_s``, or by default longer than the longest legitimate pause of the consume
        loop — a group join may hold ``poll()`` up to the rebalance timeout (``max_poll_interval_ms``),
        plus the session timeout, plus 60 s (so the join watchdog, :attr:`join_timeout_s`, acts first)."""
        if self.heartbeat_max_age_s > 0:
            return self.heartbeat_max_age_s
        return (self.max_poll_interval_ms + self.session_timeout_ms) / 1000 + 60.0

    @property
    def instance(self) -> str:
        """This processor's name on its host: ``ASCOLTO_PROCESSOR_INSTANCE``, else the host name."""
        return self.processor_instance or socket.gethostname()

    @property
    def processor_heartbeat_file(self) -> Path:
        """The heartbeat of the processor :attr:`instance` (:mod:`processor.heartbeat`)."""
        return heartbeat_file(self.run_dir, self.instance)

    @property
    def metrics_url(self) -> str:
        """Where the console reads the collector's Prometheus metrics (``ASCOLTO_COLLECTOR_METRICS_URL``)."""
        return self.collector_metrics_url or f"http://127.0.0.1:{self.collector_port}/metrics"

    @property
    def collector_url(self) -> str:
        """Where PA pages load the widget from: ``ASCOLTO_PUBLIC_URL``, else the local collector."""
        return (self.public_url or f"http://localhost:{self.collector_port}").rstrip("/")

    @property
    def public_site(self) -> str:
        """The public site's base URL (``ASCOLTO_PUBLIC_SITE_URL``, else the local site on
        ``ASCOLTO_PUBLIC_PORT``): what exports' links to its methodology page start with."""
        return (self.public_site_url or f"http://localhost:{self.public_port}").rstrip("/")

    @property
    def intake_url(self) -> str:
        """Where the console reaches the collector's API (operator entries, issue 14):
        ``ASCOLTO_COLLECTOR_INTERNAL_URL``, else the local collector."""
        return (self.collector_internal_url or f"http://127.0.0.1:{self.collector_port}").rstrip("/")

    @property
    def kafka_options(self) -> dict:
        """Keyword arguments every Kafka client takes besides ``bootstrap_servers`` (TLS, SASL:
        :meth:`settings.kafka.KafkaSecurity.client_options`)."""
        return self.kafka_security.client_options()

    @property
    def dlq_topic(self) -> str:
        return f"{self.topic}.dlq"

    @property
    def responses_dir(self) -> Path:
        return self.data_dir / "responses"

    @property
    def processor_metrics_file(self) -> Path:
        """The Prometheus textfile of the processor :attr:`instance` (:mod:`processor.metrics`): named
        like its heartbeat, so a restarted processor rewrites its own file instead of adding one."""
        return self.data_dir / "metrics" / f"processor-{_file_name(self.instance)}.prom"

    @property
    def releases_path(self) -> Path:
        """Where ``ascolto publish`` writes releases and the public site reads them."""
        return Path(self.releases_dir) if self.releases_dir else Path(self.data_dir) / "releases"

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)


def load(env: dict | None = None) -> Settings:
    """Settings from ``env`` (default ``os.environ``); raises ValueError naming a bad variable — a malformed
    value, or a number out of its range (:mod:`settings.ranges`)."""
    env = dict(os.environ if env is None else env)
    defaults = Settings()
    loaded = Settings(
        data_dir=Path(env.get("ASCOLTO_DATA_DIR") or "var"),
        data_dir_configured=bool(env.get("ASCOLTO_DATA_DIR")),
        database_url=_database_url(env),
        broker=broker_list(env.get("ASCOLTO_BROKER") or defaults.broker),
        kafka_security=load_kafka_security(env),
        topic=env.get("ASCOLTO_TOPIC") or defaults.topic,
        group=env.get("ASCOLTO_GROUP") or defaults.group,
        collector_id=env.get("ASCOLTO_COLLECTOR_ID") or defaults.collector_id,
        collector_port=_int(env, "ASCOLTO_COLLECTOR_PORT", defaults.collector_port),
        console_port=_int(env, "ASCOLTO_CONSOLE_PORT", defaults.console_port),
        demo_port=_int(env, "ASCOLTO_DEMO_PORT", defaults.demo_port),
        public_port=_int(env, "ASCOLTO_PUBLIC_PORT", defaults.public_port),
        origin_flush_s=_float(env, "ASCOLTO_ORIGIN_FLUSH_S", defaults.origin_flush_s),
        coverage_target_services=_int(env, "ASCOLTO_COVERAGE_TARGET_SERVICES", defaults.coverage_target_services),
        coverage_target_entities=_int(env, "ASCOLTO_COVERAGE_TARGET_ENTITIES", defaults.coverage_target_entities),
        silent_days=_int(env, "ASCOLTO_SILENT_DAYS", defaults.silent_days),
        releases_dir=env.get("ASCOLTO_RELEASES_DIR", defaults.releases_dir),
        public_rate_limit=_rate_limit(env, "ASCOLTO_PUBLIC_RATE_LIMIT", defaults.public_rate_limit),
        public_url=_base_url(env, "ASCOLTO_PUBLIC_URL"),
        collector_internal_url=_base_url(env, "ASCOLTO_COLLECTOR_INTERNAL_URL"),
        public_site_url=_base_url(env, "ASCOLTO_PUBLIC_SITE_URL"),
        broker_port=_int(env, "ASCOLTO_BROKER_PORT", defaults.broker_port),
        spool_dir=Path(env["ASCOLTO_SPOOL_DIR"]) if env.get("ASCOLTO_SPOOL_DIR") else None,
        spool_max_bytes=_int(env, "ASCOLTO_SPOOL_MAX_BYTES", defaults.spool_max_bytes),
        shipper=_choice(env, "ASCOLTO_SHIPPER", ("thread", "external"), defaults.shipper),
        redis_url=redis_url(env.get("ASCOLTO_REDIS_URL", "")),
        rate_limit_ip=_rate_limit(env, "ASCOLTO_RATE_LIMIT_IP", defaults.rate_limit_ip),
        rate_limit_service=_rate_limit(env, "ASCOLTO_RATE_LIMIT_SERVICE", defaults.rate_limit_service),
        rate_limit_backend=_rate_limit(env, "ASCOLTO_RATE_LIMIT_BACKEND", defaults.rate_limit_backend),
        rate_limit_get=_rate_limit(env, "ASCOLTO_RATE_LIMIT_GET", defaults.rate_limit_get),
        rate_limit_enabled=flag(env, "ASCOLTO_RATE_LIMIT_ENABLED", True),
        proxy_count=_int(env, "ASCOLTO_PROXY_COUNT", defaults.proxy_count),
        min_fill_ms=_int(env, "ASCOLTO_MIN_FILL_MS", defaults.min_fill_ms),
        form_secret=env.get("ASCOLTO_FORM_SECRET", ""),
        console_secret=env.get("ASCOLTO_CONSOLE_SECRET", ""),
        console_secure_cookie=flag(env, "ASCOLTO_CONSOLE_SECURE_COOKIE", True),
        console_signin_limit=_rate_limit(env, "ASCOLTO_CONSOLE_SIGNIN_LIMIT", defaults.console_signin_limit),
        produce_timeout_s=_float(env, "ASCOLTO_PRODUCE_TIMEOUT_S", defaults.produce_timeout_s),
        batch_max_records=_int(env, "ASCOLTO_BATCH_MAX_RECORDS", defaults.batch_max_records),
        batch_max_seconds=_float(env, "ASCOLTO_BATCH_MAX_SECONDS", defaults.batch_max_seconds),
        batch_max_bytes=_int(env, "ASCOLTO_BATCH_MAX_BYTES", defaults.batch_max_bytes),
        writer_pending=_int(env, "ASCOLTO_WRITER_PENDING", defaults.writer_pending),
        max_poll_interval_ms=_int(env, "ASCOLTO_MAX_POLL_INTERVAL_MS", defaults.max_poll_interval_ms),
        session_timeout_ms=_int(env, "ASCOLTO_SESSION_TIMEOUT_MS", defaults.session_timeout_ms),
        group_join_timeout_s=_float(env, "ASCOLTO_GROUP_JOIN_TIMEOUT_S", defaults.group_join_timeout_s),
        run_dir=Path(env["ASCOLTO_RUN_DIR"]) if env.get("ASCOLTO_RUN_DIR") else None,
        processor_instance=env.get("ASCOLTO_PROCESSOR_INSTANCE", ""),
        fault_freeze_before_write=env.get("ASCOLTO_FAULT_FREEZE_BEFORE_WRITE", ""),
        heartbeat_max_age_s=_float(env, "ASCOLTO_HEARTBEAT_MAX_AGE_S", defaults.heartbeat_max_age_s),
        dlq_window=_int(env, "ASCOLTO_DLQ_WINDOW", defaults.dlq_window),
        dlq_max_ratio=_float(env, "ASCOLTO_DLQ_MAX_RATIO", defaults.dlq_max_ratio),
        compact_min_rows=_int(env, "ASCOLTO_COMPACT_MIN_ROWS", defaults.compact_min_rows),
        disclosure_min_n=(min_n := _at_least(env, "ASCOLTO_DISCLOSURE_MIN_N", defaults.disclosure_min_n, 3,
                                             "a cell of fewer perturbed responses is suppressed")),
        reliability_min_n=_at_least(env, "ASCOLTO_RELIABILITY_MIN_N", defaults.reliability_min_n, min_n,
                                    "a published cell below it is flagged unreliable: not below the suppression threshold"),
        rollup_check_s=_float(env, "ASCOLTO_ROLLUP_CHECK_S", defaults.rollup_check_s),
        ckm_secret=_ckm_secret(env),
        ckm_max_deviation=_at_least(env, "ASCOLTO_CKM_D", defaults.ckm_max_deviation, 1,
                                    "the p-table's maximum deviation: 0 would publish exact counts"),
        ckm_variance=_at_least(env, "ASCOLTO_CKM_V", defaults.ckm_variance, 0, "the p-table's variance", float),
        microdata_k=_at_least(env, "ASCOLTO_MICRODATA_K", defaults.microdata_k, 3,
                              "each quasi-identifier combination of the microdata is shared by at least k responses"),
        registry_ttl_s=_float(env, "ASCOLTO_REGISTRY_TTL_S", defaults.registry_ttl_s),
        registry_stale_s=_float(env, "ASCOLTO_REGISTRY_STALE_S", defaults.registry_stale_s),
        workers=_int(env, "ASCOLTO_WORKERS", defaults.workers),
        threads=_int(env, "ASCOLTO_THREADS", defaults.threads),
        bind_host=env.get("ASCOLTO_BIND_HOST") or defaults.bind_host,
        log_level=_log_level(env, defaults.log_level),
        actor=env.get("ASCOLTO_ACTOR", ""),
        sudo_user=env.get("SUDO_USER", "").strip(),
        prometheus_multiproc_dir=env.get("PROMETHEUS_MULTIPROC_DIR", ""),
        notify_socket=env.get("NOTIFY_SOCKET", ""),
        collector_metrics_url=_base_url(env, "ASCOLTO_COLLECTOR_METRICS_URL"),
    )
    check_ranges(loaded, env)
    return loaded


def heartbeat_file(run_dir: Path, instance: str) -> Path:
    """Where the processor named ``instance`` keeps its heartbeat under ``run_dir``."""
    return Path(run_dir) / f"processor-{_file_name(instance)}.json"


def _file_name(instance: str) -> str:
    """A processor instance's name as a file name part (heartbeat, metrics textfile)."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in instance) or "_"


def child_environment(**overrides: str) -> dict[str, str]:
    """This process's environment with ``overrides``, for a child process (``ascolto up``'s children)."""
    return {**os.environ, **overrides}


def export_to_workers(**values: str) -> None:
    """For a gunicorn master: ``values`` exported to the environment of the workers it forks next
    (e.g. ``ASCOLTO_SHIPPER="external"`` once the master runs the host's shipper)."""
    os.environ.update(values)


# gunicorn masters' prometheus_client directory: made at the start, removed by the master that made it
from .metrics_dir import export_prometheus_dir, release_prometheus_dir  # noqa: E402


def _ckm_secret(env: dict) -> str:
    from .secret_policy import check_secret

    raw = env.get("ASCOLTO_CKM_SECRET", "")
    check_secret("ASCOLTO_CKM_SECRET", raw)
    return raw
