"""Shared fixtures: a real Tansu broker over TCP, per-test topics, registry and data directory."""
from __future__ import annotations

import contextlib
import re
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from settings import Settings
from deploy.broker import LocalBroker, ensure_topics
from registry import connect, dispose
from registry.demo import seed

from . import leaks
from .registry_support import BACKENDS, postgres
from .warehouse_rows import response, write

ORIGIN = "https://www.comune.roma.it"
#: the header every browser sends on the widget's posts: a direct post needs it or a back-end token
WIDGET = {"Origin": ORIGIN}


@contextlib.contextmanager
def pinned_clock(day):
    """A context in which the one clock of the periods (:func:`questionnaires.periods.today_rome`, which
    every part asks which period is running) says ``day`` (a date; noon in Rome)."""
    from datetime import datetime as real

    import questionnaires.periods as qp

    class Pinned(real):
        @classmethod
        def now(cls, tz=None):
            at = real(day.year, day.month, day.day, 12, 0, tzinfo=qp.ROME)
            return at.astimezone(tz) if tz is not None else at.replace(tzinfo=None)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(qp, "datetime", Pinned)
        yield day


#: "Today" for the tests whose fixed data are dated 2026: a period's figures are published only once it
#: has ended (docs/confidentiality.md), and 2026 — its last quarter, its year — ends on 2027-01-01.
PINNED_TODAY = (2027, 1, 15)


@pytest.fixture
def clock_2027():
    """:func:`pinned_clock` at :data:`PINNED_TODAY`: the tests of a module whose data are fixed months of
    2026 read them as ended periods, as they were written to, whatever the day the suite runs. Use it
    (``pytestmark = pytest.mark.usefixtures("clock_2027")``) only where every row is dated by the test:
    an answer stamped by the collector now is of the real month, which the pinned clock would call
    ended (or, after it, not begun) — such tests use the real clock (and :func:`month_ended`)."""
    from datetime import date

    with pinned_clock(date(*PINNED_TODAY)):
        yield


@pytest.fixture
def clock_december():
    """:func:`pinned_clock` at 2026-12-15: a new user's December — the months to 2026-11 ended, 2026-Q4 and
    the year 2026 still running (``pytestmark = pytest.mark.usefixtures("clock_december")``)."""
    from datetime import date

    with pinned_clock(date(2026, 12, 15)):
        yield


@contextlib.contextmanager
def month_ended():
    """:func:`pinned_clock` at the first day of next month in Rome: the answers an end-to-end test posts
    now are of the running month, published only once it has ended — this is how such a test sees them
    counted in the published figures."""
    from datetime import date

    from questionnaires.periods import today_rome

    today = today_rome()
    with pinned_clock(date(today.year + today.month // 12, today.month % 12 + 1, 1)) as first:
        yield first


_LEAKS = leaks.Recorder()


def pytest_configure(config):
    if leaks.ENABLED:
        _LEAKS.start_session()


def pytest_terminal_summary(terminalreporter):
    if leaks.ENABLED:
        _LEAKS.summary(terminalreporter.write_line)


@pytest.fixture(autouse=True)
def _no_leftovers(request):
    """Fail a test that leaves a collector's shipper thread running, wait for the warm-ups it started
    (tests/leaks.py); with ``ASCOLTO_CHECK_LEAKS=1`` record every other leftover for the report."""
    before = set(threading.enumerate())
    snapshot = _LEAKS.snapshot() if leaks.ENABLED else None
    yield
    leaks.await_warm_ups(leaks.leftover_threads(before))
    if snapshot is not None:
        _LEAKS.compare(request.node.nodeid, snapshot)
    if left := leaks.forbidden(leaks.leftover_threads(before)):
        pytest.fail(f"{request.node.nodeid} left {', '.join(repr(t.name) for t in left)} running: close the "
                    'apps it builds (collector.app.close_app)', pytrace=False)


@pytest.fixture(scope="session")
def broker(tmp_path_factory):
    """One Tansu broker for the session, on a free port, memory storage."""
    with LocalBroker(log_path=tmp_path_factory.mktemp("broker") / "tansu.log") as b:
        yield b


@pytest.fixture
def settings(broker, tmp_path) -> Settings:
    """Settings isolated per test: own topics, consumer group, SQLite registry and data dir."""
    tag = uuid.uuid4().hex[:8]
    s = Settings(data_dir=tmp_path / "data", broker=broker.bootstrap, topic=f"t-{tag}.submissions",
                 group=f"g-{tag}", collector_id="test-collector", produce_timeout_s=5.0,
                 batch_max_records=200, batch_max_seconds=0.3,
                 max_poll_interval_ms=3000, session_timeout_ms=6000, rate_limit_ip="100000/minute",
                 rate_limit_get="100000/minute")
    ensure_topics(broker.bootstrap, {s.topic: 3, s.dlq_topic: 1})
    seed(connect(s.database_url), [ORIGIN])
    return s


@pytest.fixture
def client(settings):
    from collector.app import close_app, create_app

    app = create_app(settings)
    yield app.test_client()
    close_app(app)


@pytest.fixture
def wide(wide_serving):
    """A collector client over the wide demo registry (every channel, kiosk devices' services)."""
    return wide_serving(None)


@pytest.fixture
def wide_serving(settings):
    """``wide_serving(catalog)``: a collector client over the wide demo registry whose app serves
    ``catalog`` (``create_app(catalog=...)``; None: the standard set) — a test's own questionnaires
    in an app of its own, never a module global patched under apps other tests share."""
    from collector.app import close_app, create_app
    from tests.channel_support import seed as seed_wide

    apps = []

    def make(catalog):
        seed_wide(settings)
        apps.append(create_app(settings, catalog=catalog))
        return apps[-1].test_client()
    yield make
    for app in apps:
        close_app(app)


@pytest.fixture
def origin_counters():
    """``origin_counters(factory, **options)``: a :class:`registry.origins.OriginCounter`, closed after the
    test (its writer thread ends)."""
    from registry.origins import OriginCounter

    made: list[OriginCounter] = []

    def make(factory, **options) -> OriginCounter:
        made.append(OriginCounter(factory, **options))
        return made[-1]
    yield make
    for counter in made:
        counter.close()


def submission(service: str = "demo-roma-anagrafe", **answers) -> dict:
    """A valid cx-core submission with a fresh id; keyword arguments override answers."""
    base = {"satisfaction": 4, "ease": 5, "task": "yes", "went_well": ["clarity"]}
    base.update(answers)
    return {"submission_id": str(uuid.uuid4()), "service": service, "questionnaire": "cx-core",
            "version": 1, "lang": "it", "channel": "web", "answers": base, "context": {"page": "/certificati"}}


class ProcessorThread:
    """A real :class:`processor.consumer.Processor` running in a thread, stoppable cleanly; ``options`` are
    the processor's injection points (e.g. ``consumer_factory``)."""

    def __init__(self, settings: Settings, **options):
        from processor.consumer import Processor

        self.stop = threading.Event()
        self.processor = Processor(settings, **options)
        self.thread = threading.Thread(target=self.processor.run, args=(self.stop,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(30)
        assert not self.thread.is_alive(), "processor did not stop"


@pytest.fixture
def processor_factory(settings):
    started: list[ProcessorThread] = []

    def start(s: Settings | None = None, **options) -> ProcessorThread:
        p = ProcessorThread(s or settings, **options)
        started.append(p)
        return p

    yield start
    for p in started:
        if p.thread.is_alive():
            p.close()


def count_rows(data_dir: Path) -> int:
    from warehouse.dataset import open_dataset

    with open_dataset(data_dir) as con:
        return con.execute("SELECT count(*) FROM responses").fetchone()[0]


def processor_metrics_hold(settings: Settings, *samples: str, timeout_s: float = 30.0) -> str:
    """The processor's metrics textfile once it holds every line of ``samples``, each given without the
    ``processor`` label every sample carries (``ascolto_processor_x{reason="r"} 1.0``). A clean stop
    removes the file: read it while the processor runs."""
    label = f'processor="{settings.instance}"'
    lines = [re.sub(r"^(\w+)(?:\{(.*)\})? ", lambda m: f"{m[1]}{{{label}{',' + m[2] if m[2] else ''}}} ", s)
             for s in samples]

    def text() -> str:
        path = settings.processor_metrics_file
        found = path.read_text() if path.exists() else ""
        return found if all(line in found for line in lines) else ""
    return wait_for(text, timeout_s=timeout_s, message=f"metrics {lines}")


def wait_for(predicate, timeout_s: float = 30.0, interval_s: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {message}")
        time.sleep(interval_s)


# --- registry: every registry test runs on SQLite and on PostgreSQL (tests/registry_support.py) ------

@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A database URL with an empty registry (nothing created yet), on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.db'}"
        return
    base, reason = postgres()
    if base is None:
        pytest.skip(f"PostgreSQL not reachable, registry tests run on SQLite only ({reason})")
    schema = f"ascolto_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text("SET lock_timeout = '20s'"))
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def factory(db_url):
    """A session factory on a registry migrated to head."""
    f = connect(db_url)
    yield f
    dispose(f)


# --- warehouse: a realistic small dataset (tests/warehouse_rows.py) --------------------------------

ENTITIES = [("c_h501", "ITI4", 5, 40), ("c_f205", "ITC4", 3, 35), ("c_a944", "ITH5", 4, 30), ("c_l219", "ITC1", 2, 25),
            ("c_d612", "ITI1", 4, 2)]


@pytest.fixture
def data_dir(tmp_path):
    """Realistic rows: five comuni for anagrafe.certificati (one with 2 responses), a faccia counter, INPS."""
    rows = []
    for entity, region, sat, n in ENTITIES:
        for i in range(n):
            s = max(1, min(5, sat + (i % 3) - 1))
            rows.append(response(entity=entity, region=region, satisfaction=s, ease=s, day=1 + i % 28,
                                 went_well=["clarity"] if s >= 4 else [], went_wrong=["technical"] if s < 3 else [],
                                 task="yes", comment="scrivete a mario.rossi@example.com" if i == 0 else None))
    for i in range(12):
        rows.append(response(entity="c_h501", region="ITI4", questionnaire="di-rating-servizio", ease=5 - i % 2))
    for i in range(40):
        rows.append(response(period="2026-11", pa_type="C16", service_type="previdenza.domanda-prestazione",
                             entity="inps", region="ITI4", satisfaction=3 + i % 3))
    write(tmp_path, rows)
    return tmp_path


@pytest.fixture(scope="module")
def browser():
    """One Debian chromium per test module (tests/browser.py), for every browser test."""
    from playwright.sync_api import sync_playwright

    from .browser import launch

    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()


@pytest.fixture
def short_deadlines(monkeypatch):
    """The registry's client-side deadline made short (registry.deadline): a 1 s statement timeout and a
    0.5 s grace, so that a silent PostgreSQL server is given up in 1.5 s."""
    import registry.db as registry_db
    from registry import deadline

    monkeypatch.setattr(registry_db, "STATEMENT_TIMEOUT_S", 1)
    monkeypatch.setattr(deadline, "STATEMENT_GRACE_S", 0.5)
    deadline.limits.cache_clear()
    yield
    deadline.limits.cache_clear()
