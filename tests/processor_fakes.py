"""In-memory stand-ins for the processor's injected parts (no broker): consumer, producer, registry, clock."""
from __future__ import annotations

import uuid
from collections import namedtuple

from kafka.structs import TopicPartition

from registry.readmodel import ServiceView
from questionnaires.envelope import encode_record, make_envelope

Rec = namedtuple("Rec", "topic partition offset key value")


def view(key: str, entity: str, pa_type: str, service_type: str, region: str) -> ServiceView:
    return ServiceView(key=key, active=True, allowed_origins=frozenset(), questionnaire_id="cx-core",
                       questionnaire_version=1, name=key, entity=entity, entity_name=entity, pa_type=pa_type,
                       service_type=service_type, region=region)


FACTS = {"svc-a": view("svc-a", "c_h501", "L6", "anagrafe.certificati", "ITI4"),
         "svc-b": view("svc-b", "inps", "C16", "previdenza.domanda-prestazione", "ITI4")}


def submission(service: str = "svc-a", sid: str | None = None, **answers) -> dict:
    return {"submission_id": sid or str(uuid.uuid4()), "service": service, "questionnaire": "cx-core", "version": 1,
            "lang": "it", "channel": "web", "answers": {"satisfaction": 4, "task": "yes", **answers},
            "context": {"page": "/x"}}


def record_value(*subs: dict) -> bytes:
    return encode_record([make_envelope(s, collector="c", device="mobile") for s in subs])


class FakeLookup:
    """The registry read model as the steps see it; ``facts`` may be changed between calls."""

    def __init__(self, facts: dict | None = None):
        self.facts_by_key = dict(FACTS if facts is None else facts)

    def facts(self, key: str):
        return self.facts_by_key.get(key)


class FakeClock:
    def __init__(self, now: float = 0.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


class FakeFuture:
    def __init__(self, error: Exception | None = None):
        self.error = error

    def get(self, timeout=None):
        if self.error is not None:
            raise self.error


class FakeProducer:
    """Records sends; every acknowledgement fails with ``error`` when set."""

    def __init__(self, error: Exception | None = None):
        self.sent: list[dict] = []
        self.error = error
        self.closed = False

    def send(self, topic, key=None, value=None, headers=()):
        self.sent.append({"topic": topic, "key": key, "value": value, "headers": dict(headers)})
        return FakeFuture(self.error)

    def close(self, timeout=None):
        self.closed = True


class Committed(dict):
    """partition → committed offset, also callable as kafka-python's ``consumer.committed(tp)``."""

    def __call__(self, tp, timeout_ms=None):
        return self.get(tp.partition)


class FakeConsumer:
    """A topic in memory: ``log[partition]`` is a list of (key, value); every partition is assigned on
    subscribe. ``poll`` returns up to ``max_records`` records from the unpaused partitions after the
    position; ``commit`` records offsets and calls ``on_commit(offsets)`` first (a check, or a crash).
    ``log_start[partition]``: the oldest offset kept (as after Kafka's retention); a position below it
    reads from it, as kafka-python's ``auto_offset_reset=earliest`` does (``beginning_offsets`` says it)."""

    def __init__(self, topic: str, log: dict[int, list[tuple[bytes, bytes]]], max_records: int = 500,
                 committed: dict[int, int] | None = None):
        self.topic, self.max_records = topic, max_records
        self.log = {p: [Rec(topic, p, o, k, v) for o, (k, v) in enumerate(items)] for p, items in log.items()}
        self.committed = committed or {}
        self.position = dict(self.committed)
        self.log_start: dict[int, int] = {}
        self.paused: set[int] = set()
        self.pauses = 0
        self.on_commit = None
        self.closed = False

    @property
    def committed(self) -> Committed:
        """partition → committed offset (callable as ``committed(tp)``); assigning a dict keeps it callable."""
        return self._committed

    @committed.setter
    def committed(self, offsets: dict[int, int]) -> None:
        self._committed = Committed(offsets)

    def subscribe(self, topics, listener=None):
        assert topics == [self.topic]
        self.listener = listener
        if listener is not None:
            listener.on_partitions_assigned(self.assignment())

    def assignment(self):
        return {TopicPartition(self.topic, p) for p in self.log}

    def partitions_for_topic(self, topic):
        return set(self.log) if topic == self.topic else None

    def poll(self, timeout_ms=0):
        out, budget = {}, self.max_records
        for p in sorted(self.log):
            if p in self.paused or budget <= 0:
                continue
            start = max(self.position.get(p, 0), self.log_start.get(p, 0))
            recs = self.log[p][start:start + budget]
            if recs:
                out[TopicPartition(self.topic, p)] = recs
                self.position[p] = start + len(recs)
                budget -= len(recs)
        return out

    def commit(self, offsets):
        if self.on_commit is not None:
            self.on_commit(offsets)
        for tp, meta in offsets.items():
            self.committed[tp.partition] = meta.offset

    def beginning_offsets(self, tps, timeout_ms=None):
        return {tp: self.log_start.get(tp.partition, 0) for tp in tps}

    def pause(self, *tps):
        self.pauses += 1
        self.paused |= {tp.partition for tp in tps}

    def resume(self, *tps):
        self.paused -= {tp.partition for tp in tps}

    def close(self, autocommit=False):
        self.closed = True

    def caught_up(self) -> bool:
        return all(self.committed.get(p, 0) == len(items) for p, items in self.log.items())
