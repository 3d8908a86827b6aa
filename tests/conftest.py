"""Shared fixtures: a real Tansu broker over TCP, per-test topics, registry and data directory."""
from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest

from settings import Settings
from deploy.broker import LocalBroker, ensure_topics
from registry import connect
from registry.demo import seed

ORIGIN = "https://www.comune.roma.it"


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
                 max_poll_interval_ms=3000, session_timeout_ms=6000, rate_limit_ip="100000/minute")
    ensure_topics(broker.bootstrap, {s.topic: 3, s.dlq_topic: 1})
    seed(connect(s.database_url), [ORIGIN])
    return s


@pytest.fixture
def client(settings):
    from collector.app import create_app

    app = create_app(settings)
    yield app.test_client()
    app.extensions["ascolto.durability"].close()


def submission(service: str = "demo-roma-anagrafe", **answers) -> dict:
    """A valid cx-core submission with a fresh id; keyword arguments override answers."""
    base = {"satisfaction": 4, "ease": 5, "task": "yes", "went_well": ["clarity"]}
    base.update(answers)
    return {"submission_id": str(uuid.uuid4()), "service": service, "questionnaire": "cx-core",
            "version": 1, "lang": "it", "channel": "web", "answers": base, "context": {"page": "/certificati"}}


class ProcessorThread:
    """A real :class:`processor.consumer.Processor` running in a thread, stoppable cleanly."""

    def __init__(self, settings: Settings):
        from processor.consumer import Processor

        self.stop = threading.Event()
        self.processor = Processor(settings)
        self.thread = threading.Thread(target=self.processor.run, args=(self.stop,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(30)
        assert not self.thread.is_alive(), "processor did not stop"


@pytest.fixture
def processor_factory(settings):
    started: list[ProcessorThread] = []

    def start(s: Settings | None = None) -> ProcessorThread:
        p = ProcessorThread(s or settings)
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


def wait_for(predicate, timeout_s: float = 30.0, interval_s: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {message}")
        time.sleep(interval_s)
