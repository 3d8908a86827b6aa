"""Records the topic's retention deleted before the processor read them: found, counted, kept as a typed letter.

Kafka deletes a topic's oldest segments after ``retention.ms`` (7 days here) whether or not a group read
them. A processor group that stayed behind longer — an outage, a halt nobody saw, a lag that only grew —
meets it in one of two ways, and kafka-python (``auto_offset_reset=earliest``) answers both silently, with
one INFO line ("Fetch offset … is out of range … Resetting offset … to offset …"):

(a) at an assignment, the group's committed offset is below the partition's **log start offset** (the
    oldest offset the broker still holds, ``consumer.beginning_offsets``): the client resets to it;
(b) while it runs, retention deletes segments ahead of a member that lags: its next fetch is out of range,
    and the client resets to the log start again.

Either way the next record delivered is past offsets nobody read. :class:`GapWatch` watches what the
consumer delivers from the processor's loop (never from kafka-python's IO thread, where a blocking call
raises): at each new assignment of a partition it compares the committed offset with the log start; on
every turn it compares each partition's first record with the offset after the last one delivered. A
forward jump alone is no loss — Apache Kafka legitimately skips offsets (a transaction's markers, records
compaction removed) — so a jump is only a gap where the log start has moved past the offset expected: the
offsets lost are ``[expected, min(log start, next delivered) - 1]``. ``ascolto.submissions`` has
contiguous offsets (an idempotent, non-transactional producer, no compaction), so there the count is the
count of records; with transactions, markers in the range would be counted too.

A gap is kept with the dead letters (:mod:`processor.failed`, reason
:data:`dataset.failed.RETENTION_GAP`: one letter at the first lost offset, its value a JSON object naming
topic, partition, first and last offset and count, ``failed_at`` when it was found), counted in
``ascolto_processor_records_lost_to_retention_total`` and logged at ERROR. The records are gone: the
letter cannot be replayed (``ascolto failed replay`` skips it and says so); an operator notes it and
dismisses it (``ascolto failed dismiss``). A gap found at an assignment moves the group's committed offset to
the log start once its letter is durable (as a dead letter is written before its offset is committed), so a
restart does not find it again; one found while running is committed past by the next batch. Found again
all the same (a crash in between), the same range is the same letter.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any, Iterable

from kafka import TopicPartition
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata

from dataset.failed import RETENTION_GAP

from .badrows import Failure, Source

log = logging.getLogger("ascolto.processor")
#: the longest the loop waits for a committed or a log start offset (the broker away: tried again next turn)
TIMEOUT_MS = 5000


def gap_failure(topic: str, partition: int, first: int, last: int, log_start: int) -> Failure:
    """The letter of the offsets ``first``..``last`` of ``topic``/``partition`` lost to retention (``log_start``:
    the partition's log start offset when it was found). Its value is stable for a range, so a gap found again
    (after a restart) is the same letter."""
    count = last - first + 1
    value = json.dumps({"kind": RETENTION_GAP, "topic": topic, "partition": partition, "first_offset": first,
                        "last_offset": last, "count": count}, sort_keys=True).encode()
    detail = (f"{count} records of {topic}/{partition}, offsets {first}-{last}, were deleted by the topic's "
              f"retention before the processor read them (log start offset {log_start}): lost, not replayable")
    return Failure(Source(topic, partition, first), RETENTION_GAP, detail, value)  # type: ignore[arg-type]


class GapWatch:
    """Finds the offsets of the processor's partitions that retention deleted before they were read.

    ``store``: where the letters go (:class:`processor.failed.FailedStore`); ``metrics``: its
    ``records_lost`` counter (:class:`processor.metrics.Metrics`). Call :meth:`observe` on every turn of
    the loop with the consumer and what its poll returned. Not thread-safe: the loop's thread only."""

    def __init__(self, store: Any, metrics: Any):
        self.store, self.metrics = store, metrics
        self.found: list[Failure] = []          # every gap found, in order (for the tests and the logs)
        self._consumer: Any = None
        self._known: set = set()                 # the partitions assigned at the last turn
        self._pending: set = set()               # assigned, committed offset not yet compared
        self._expected: dict = {}                # partition → offset after the last record delivered
        self._suspects: dict = {}                # partition → [(expected, next delivered)]: jumps not yet judged
        self._early: set = set()                 # pending partitions whose records were delivered meanwhile

    def observe(self, consumer: Any, polled: Iterable[list]) -> None:
        """One turn: compare the newly assigned partitions' committed offsets, then every partition's
        records (``polled``: lists of records, as ``poll().values()`` gives them) with what came before.
        A Kafka error (the broker away) leaves the comparison to a later turn; nothing is lost meanwhile."""
        if consumer is not self._consumer:  # a renewed consumer: starts from the committed offsets again
            self._consumer, self._known = consumer, set()
            self._pending, self._expected, self._suspects, self._early = set(), {}, {}, set()
        assigned = set(consumer.assignment())
        if assigned != self._known:
            for tp in self._known - assigned:  # revoked: whoever gets it next compares its committed offset
                self._pending.discard(tp)
                self._early.discard(tp)
                self._expected.pop(tp, None)
                self._suspects.pop(tp, None)
            self._pending |= assigned - self._known
            self._known = assigned
        if self._pending:
            self._check_assigned(consumer)
        for records in polled:
            if records:
                self._delivered(records)
        if self._suspects:
            self._judge(consumer)

    def held(self, consumer: Any, records: list) -> list:
        """:meth:`observe` for what a paused poll delivered (a flat list, as the registry outage's ``hold`` gives it);
        returns ``records``."""
        self.observe(consumer, [records])
        return records

    @staticmethod
    def _look_up(partitions: list, what: str, read: Any) -> Any:
        """``read()`` (offsets of ``partitions`` from the broker), or None — logged, tried again on a later turn —
        when the broker does not answer within :data:`TIMEOUT_MS`."""
        try:
            return read()
        except KafkaError as exc:
            log.warning("cannot read the %s of %s yet (%r): trying again later", what,
                        ", ".join(f"{tp.topic}/{tp.partition}" for tp in partitions), exc)
            return None

    def _check_assigned(self, consumer: Any) -> None:
        pending = sorted(self._pending)
        found = self._look_up(pending, "committed and log start offsets", lambda: (
            {tp: consumer.committed(tp, timeout_ms=TIMEOUT_MS) for tp in pending},
            consumer.beginning_offsets(pending, timeout_ms=TIMEOUT_MS)))
        if found is None:
            return
        committed, starts = found
        for tp in pending:
            early = tp in self._early
            self._pending.discard(tp)
            self._early.discard(tp)
            start, offset = starts.get(tp), committed.get(tp)
            if offset is None or start is None:  # a new group starts at the log start: nothing it read is missing
                continue
            if start > offset:
                self._gap(tp, offset, start - 1, start)
                if not early:  # else the chain may have committed past it already: a commit never goes backwards
                    self._commit(consumer, tp, start)
            self._expected.setdefault(tp, max(offset, start))

    def _commit(self, consumer: Any, tp: TopicPartition, start: int) -> None:
        """Move the group's committed offset of ``tp`` up to its log start once the gap before it is durable in
        ``failed/`` (as a dead letter is before its offset): a restart before the partition's next record does not
        find it again, and the group's lag no longer counts offsets that are gone. Nothing is skipped — no offset
        below the log start exists — and the chain's later commits of ``tp`` are above it. A failed commit is
        only logged: the gap is kept, a restart finds the same range (the same letter) again."""
        try:
            consumer.commit({tp: OffsetAndMetadata(start, "", -1)})
        except KafkaError as exc:
            log.warning("could not commit %s/%d past its retention gap (%r): a restart reports it again",
                        tp.topic, tp.partition, exc)

    def _delivered(self, records: list) -> None:
        first, last = records[0], records[-1]
        if first.partition == last.partition and first.topic == last.topic \
                and last.offset - first.offset + 1 == len(records):
            self._next(TopicPartition(first.topic, first.partition), first.offset, last.offset)
            return
        for r in records:  # offsets skipped inside the list, or partitions mixed: record by record
            self._next(TopicPartition(r.topic, r.partition), r.offset, r.offset)

    def _next(self, tp: TopicPartition, first: int, last: int) -> None:
        expected = self._expected.get(tp)
        if tp in self._pending:  # delivered before its committed offset could be read: judged against it then
            self._early.add(tp)
            self._expected[tp] = last + 1 if expected is None else max(expected, last + 1)
            return
        if expected is not None and first > expected:
            self._suspects.setdefault(tp, []).append((expected, first))
        self._expected[tp] = last + 1

    def _judge(self, consumer: Any) -> None:
        suspects = sorted(self._suspects)
        starts = self._look_up(suspects, "log start offsets", lambda: consumer.beginning_offsets(
            suspects, timeout_ms=TIMEOUT_MS))
        if starts is None:
            return
        for tp in suspects:
            start = starts.get(tp)
            for expected, delivered in self._suspects.pop(tp):
                if start is not None and start > expected:  # else offsets Kafka skips (markers, compaction): no loss
                    self._gap(tp, expected, min(start, delivered) - 1, start)

    def _gap(self, tp: TopicPartition, first: int, last: int, log_start: int) -> None:
        failure = gap_failure(tp.topic, tp.partition, first, last, log_start)
        self.store.write([failure], tp.partition, first, last, now=datetime.now(timezone.utc))
        self.found.append(failure)
        self.metrics.records_lost.inc(last - first + 1)
        self.metrics.write()
        log.error("RECORDS LOST: %s; kept as a %s letter (`ascolto failed list --reason %s`)", failure.detail,
                  RETENTION_GAP, RETENTION_GAP)
