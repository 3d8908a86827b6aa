"""The Kafka producer of one collector process, created lazily after gunicorn forks."""
from __future__ import annotations

import os
import threading

from kafka import KafkaProducer
from kafka.errors import KafkaError


class BrokerUnavailable(RuntimeError):
    """The broker did not acknowledge the record in time; nothing was acknowledged to the client."""


class SubmissionProducer:
    """Sends envelopes with ``acks=all`` and waits for the acknowledgement.

    The underlying :class:`KafkaProducer` is created on first use in each process (never
    inherited across ``fork``), and rebuilt if the process id changes.
    """

    def __init__(self, bootstrap: str, topic: str, timeout_s: float):
        self.bootstrap, self.topic, self.timeout_s = bootstrap, topic, timeout_s
        self._producer: KafkaProducer | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def _get(self) -> KafkaProducer:
        with self._lock:
            if self._producer is None or self._pid != os.getpid():
                try:
                    self._producer = KafkaProducer(
                        bootstrap_servers=self.bootstrap, acks="all", linger_ms=1,
                        retries=3, max_block_ms=int(self.timeout_s * 1000),
                        bootstrap_timeout_ms=int(self.timeout_s * 1000),
                        request_timeout_ms=int(self.timeout_s * 1000),
                        client_id="ascolto-collector")
                except KafkaError as exc:
                    raise BrokerUnavailable(str(exc)) from exc
                self._pid = os.getpid()
            return self._producer

    def send(self, key: str, value: bytes) -> None:
        """Return once the broker acknowledged the record; raise :class:`BrokerUnavailable`."""
        try:
            self._get().send(self.topic, key=key.encode("utf-8"), value=value).get(timeout=self.timeout_s)
        except KafkaError as exc:
            raise BrokerUnavailable(str(exc)) from exc

    def ready(self) -> bool:
        """True when the broker answers metadata for the topic (blocks up to the timeout)."""
        try:
            return bool(self._get().partitions_for(self.topic))
        except (BrokerUnavailable, KafkaError):
            return False

    def close(self) -> None:
        with self._lock:
            if self._producer is not None and self._pid == os.getpid():
                self._producer.close(timeout=5)
            self._producer = None
