"""The fault suite's stack: real broker (behind a fault proxy), collector under gunicorn, processor
processes — all on loopback — and the reconciliation every scenario ends with."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from settings import Settings
from deploy.broker import LocalBroker, ensure_topics, free_port
from deploy.loadgen import LoadResult
from deploy.up import COLLECTOR_APP, gunicorn_cmd
from registry import connect
from registry.demo import seed
from tests.conftest import wait_for
from tests.faults.proxy import FaultProxy

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.faults


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def argv(pid: int) -> list[str]:
    """A process's command line (``[]`` once it is gone or a zombie)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")[:-1]
    except OSError:
        return []


def _runs_module(pid: int, module: str) -> bool:
    return argv(pid)[1:3] == ["-m", module]


@dataclass
class Stack:
    tmp: Path
    settings: Settings
    proxy: FaultProxy
    broker: LocalBroker
    collector_port: int
    extra_env: dict = field(default_factory=dict)
    collector: subprocess.Popen | None = None
    processors: list[subprocess.Popen] = field(default_factory=list)

    @property
    def collector_url(self) -> str:
        return f"http://127.0.0.1:{self.collector_port}"

    def env(self, **more) -> dict:
        s = self.settings
        env = dict(os.environ, ASCOLTO_BROKER=s.broker, ASCOLTO_TOPIC=s.topic, ASCOLTO_GROUP=s.group,
                    ASCOLTO_DATA_DIR=str(s.data_dir), ASCOLTO_DATABASE_URL=s.database_url,
                    ASCOLTO_SPOOL_DIR=str(s.spool_dir), ASCOLTO_PRODUCE_TIMEOUT_S="2",
                    ASCOLTO_RATE_LIMIT_IP="1000000/minute", ASCOLTO_RATE_LIMIT_SERVICE="1000000/minute",
                    ASCOLTO_BATCH_MAX_RECORDS="50", ASCOLTO_BATCH_MAX_SECONDS="0.2",
                    ASCOLTO_MAX_POLL_INTERVAL_MS="3000", ASCOLTO_SESSION_TIMEOUT_MS="6000",
                    ASCOLTO_WORKERS="2", ASCOLTO_THREADS="8", ASCOLTO_LOG_LEVEL="WARNING",
                    PYTHONPATH=str(ROOT))
        env.update(self.extra_env)
        env.update(more)
        return env

    def start_collector(self) -> None:
        self.collector = subprocess.Popen(
            gunicorn_cmd(COLLECTOR_APP, self.collector_port),  # the collector's production options
            env=self.env(), cwd=self.tmp, stdout=subprocess.DEVNULL, stderr=open(self.tmp / "collector.log", "ab"))
        import urllib.request

        def up():
            try:
                return urllib.request.urlopen(f"{self.collector_url}/healthz", timeout=1).status == 200
            except OSError:
                return False
        wait_for(up, timeout_s=30, message="collector up")

    def collector_workers(self) -> list[int]:
        """The gunicorn workers (the master's children but the shipper's supervisor)."""
        return [p for p in _children(self.collector.pid) if not _runs_module(p, "deploy.supervise")]

    def shipper_supervisor(self) -> int | None:
        return next((p for p in _children(self.collector.pid) if _runs_module(p, "deploy.supervise")), None)

    def shipper(self) -> int | None:
        """The running shipper process the master's supervisor started (None between two)."""
        supervisor = self.shipper_supervisor()
        if supervisor is None:
            return None
        return next((p for p in _children(supervisor) if _runs_module(p, "collector.shipper")), None)

    def start_processor(self, **env) -> subprocess.Popen:
        """One more processor process (``env``: variables of its own, e.g. its instance name)."""
        log = open(self.tmp / f"processor-{len(self.processors)}.log", "ab")
        proc = subprocess.Popen([sys.executable, "-m", "ascolto.cli", "processor"], env=self.env(**env), cwd=self.tmp,
                                stdout=subprocess.DEVNULL, stderr=log)
        self.processors.append(proc)
        return proc

    def kill_processors(self, sig: int = signal.SIGKILL) -> None:
        for p in self.processors:
            if p.poll() is None:
                p.send_signal(sig)
                p.wait(20)

    def rows(self) -> Counter:
        from warehouse.dataset import open_dataset

        with open_dataset(self.settings.data_dir) as con:
            return Counter(r[0] for r in con.execute("SELECT submission_id FROM responses").fetchall())

    def settled(self) -> bool:
        """Whether the group committed every record of the topic (the end offsets)."""
        from kafka import KafkaConsumer, TopicPartition

        consumer = KafkaConsumer(bootstrap_servers=self.settings.broker, group_id=self.settings.group,
                                 enable_auto_commit=False, request_timeout_ms=10000)
        try:
            parts = [TopicPartition(self.settings.topic, p) for p in consumer.partitions_for_topic(self.settings.topic)]
            end = consumer.end_offsets(parts)
            return all((consumer.committed(tp) or 0) >= end[tp] for tp in parts)
        finally:
            consumer.close(autocommit=False)

    def reconcile(self, *results: LoadResult, timeout_s: float = 90.0) -> Counter:
        """Every 202 is in the warehouse exactly once; every refused submission got its 4xx and is
        absent; nothing else is there. Returns the warehouse's id counts."""
        result = LoadResult({k: v for r in results for k, v in r.outcomes.items()})
        accepted, refused = result.accepted, result.refused
        unanswered = [o for o in result.outcomes.values() if o.status is None or o.status >= 500 or o.status == 429]
        try:
            wait_for(lambda: sum(self.rows().values()) >= len(accepted), timeout_s=timeout_s, interval_s=0.5,
                     message=f"{len(accepted)} acknowledged submissions in the warehouse")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.diagnosis()}") from None
        time.sleep(1.5)  # anything extra would show up now
        rows = self.rows()
        assert [k for k, n in rows.items() if n > 1] == [], "a submission was stored twice"
        assert set(rows) - accepted - {o.submission_id for o in unanswered} == set(), "rows nobody was told of"
        assert accepted - set(rows) == set(), "acknowledged submissions are missing"
        assert all(result.outcomes[k].invalid for k in refused), "a valid submission was refused"
        assert not (refused & set(rows)), "a refused submission was stored"
        return rows

    def diagnosis(self) -> str:
        """Where acknowledged submissions stand when a reconciliation times out — still in the log,
        on the topic but not committed by the group, or written — and what the processes logged
        besides the Kafka client's connection errors: what a failed CI run needs to be read."""
        lines = [f"rows in the warehouse: {sum(self.rows().values())}"]
        spool = Path(self.settings.spool_dir)
        left = [p.stat().st_size for p in spool.glob("*.spool")] if spool.is_dir() else []
        lines.append(f"log segments on disk (a shipped one goes once sealed): {len(left)} ({sum(left)} bytes)")
        try:
            from kafka import KafkaConsumer, TopicPartition

            consumer = KafkaConsumer(bootstrap_servers=self.settings.broker, group_id=self.settings.group,
                                     enable_auto_commit=False, request_timeout_ms=10000)
            try:
                parts = [TopicPartition(self.settings.topic, p) for p in consumer.partitions_for_topic(self.settings.topic)]
                end = consumer.end_offsets(parts)
                committed = sum(consumer.committed(tp) or 0 for tp in parts)
                lines.append(f"topic end offsets: {sum(end.values())}; committed by the group: {committed}")
            finally:
                consumer.close(autocommit=False)
        except Exception as exc:  # noqa: BLE001 — a diagnosis must not hide the failure it explains
            lines.append(f"offsets unavailable: {exc!r}")
        dumped: dict[Path, int] = {}  # a live processor's log -> its size before SIGUSR1
        for i, p in enumerate(self.processors):
            log = self.tmp / f"processor-{i}.log"
            if p.poll() is None:
                lines.append(f"processor-{i}: running")
                dumped[log] = log.stat().st_size if log.exists() else 0
                p.send_signal(signal.SIGUSR1)  # run_forever: every thread's stack to stderr, its log
            else:
                lines.append(f"processor-{i}: exited with status {p.returncode}")
        if dumped:
            time.sleep(1.0)
        for log in sorted(self.tmp.glob("processor-*.log")) + [self.tmp / "collector.log"]:
            if not log.exists():
                continue
            raw = log.read_bytes()
            text = raw.decode(errors="replace").splitlines()
            if log in dumped:  # what the log gained since, apart from the JSON log lines
                stacks = [t for t in raw[dumped[log]:].decode(errors="replace").splitlines() if not t.startswith("{")]
                lines.append(f"--- {log.name}: its threads now (SIGUSR1):")
                lines += [t[:300] for t in stacks[:200]]
            own = [t for t in text if '"logger": "kafka.' not in t]
            lines.append(f"--- {log.name}: {len(text)} lines, the last of its own (not the Kafka client's):")
            lines += [t[:400] for t in own[-15:]]
            lines.append(f"--- {log.name}: the last lines:")
            lines += [t[:300] for t in text[-5:]]
        return "\n".join(lines)

    def close(self) -> None:
        if self.collector and self.collector.poll() is None:
            self.collector.terminate()
            try:
                self.collector.wait(20)
            except subprocess.TimeoutExpired:
                self.collector.kill()
        self.kill_processors(signal.SIGTERM)
        self.proxy.close()
        self.broker.stop()


@pytest.fixture
def make_stack(tmp_path):
    stacks: list[Stack] = []

    def make(spool_dir: Path | None = None, data_dir: Path | None = None, database_url: str = "",
             **extra_env) -> Stack:
        proxy_port, broker_port = free_port(), free_port()
        broker = LocalBroker(broker_port, log_path=tmp_path / "broker.log", advertised_port=proxy_port).start()
        proxy = FaultProxy(proxy_port, broker_port).up()
        tag = uuid.uuid4().hex[:8]
        settings = Settings(data_dir=data_dir or tmp_path / "data", broker=broker.bootstrap, topic=f"f-{tag}",
                            group=f"fg-{tag}", spool_dir=spool_dir, database_url=database_url)
        ensure_topics(settings.broker, {settings.topic: 6, settings.dlq_topic: 1})
        seed(connect(settings.database_url), ["https://www.comune.roma.it"])
        stack = Stack(tmp_path, settings, proxy, broker, free_port(), extra_env)
        stacks.append(stack)
        return stack

    yield make
    for s in stacks:
        s.close()


@pytest.fixture
def tmpfs(tmp_path):
    """Mount small tmpfs file systems (root only); skip when mounting is not permitted."""
    mounted: list[Path] = []

    def mount(name: str, size: str) -> Path:
        path = tmp_path / name
        path.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs to fill up ({done.stderr.strip() or 'not root'})")
        mounted.append(path)
        return path

    yield mount
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], capture_output=True)
