"""Fencing the processor group's members: one exclusive lock file per Kafka partition in the dataset.

Kafka's group gives a partition to one member at a time, but it cannot stop a member that lost its
session and still writes (a "zombie": a GC pause, a stalled VM, a SIGSTOP after it fetched a batch).
Its late write would not be in the dedup index the new owner loaded (:mod:`processor.ids`), and its
file name (partition, offsets, ids) differs from the new owner's replay of the same records: the same
submissions stored twice. So writing a partition, and loading its dedup index, takes its lock
``<data_dir>/.locks/<topic>-<partition>.lock`` (``fcntl.flock``, exclusive):

- a member takes it on assignment, before it sweeps the partition's crash leftovers and before it
  loads the index (lazily, at the first write), and holds it while it owns the partition;
- it releases it on revocation — and on a lost session (kafka-python calls the listener's
  ``on_partitions_lost``, which defaults to ``on_partitions_revoked``, before it rejoins) — only after
  the writes it had in flight are done; the OS releases it when the process dies;
- a member that cannot take it at once does not block its poll loop (the group would evict it): it
  pauses the partition and tries again every turn, resuming it once taken;
- every write asks :meth:`Fence.require` first, which re-asserts the lock (a lock lost meanwhile —
  an NFS lease expired — refuses the write: :class:`Fenced`).

So a zombie's late write happens while it still holds the lock, before the new owner takes it and
loads the index, which then holds the zombie's rows. ``flock`` excludes processes on one host and,
over NFSv4, across hosts (Linux emulates it with POSIX byte-range locks). The lock file says who holds
it (instance, pid), for the waiting member's log line. Nothing reads ``.locks/`` as data.
"""
from __future__ import annotations

import errno
import fcntl
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable

log = logging.getLogger("ascolto.processor")
LOCKS_DIR = ".locks"
#: seconds between two log lines about a partition still waiting for its lock
REMIND_S = 60.0


class Fenced(RuntimeError):
    """A write for a partition whose lock this process does not hold (another member's now)."""


class PartitionLocks:
    """This process's locks on the partitions of ``topic`` over ``data_dir``; thread-safe."""

    def __init__(self, data_dir: Path, topic: str, owner: str):
        self.dir = Path(data_dir) / LOCKS_DIR
        self.topic, self.owner = topic, owner
        self._held: dict[int, BinaryIO] = {}
        self._mutex = threading.Lock()

    def path(self, partition: int) -> Path:
        return self.dir / f"{self.topic}-{partition}.lock"

    def partitions(self) -> set[int]:
        return set(self._held)

    def holds(self, partition: int) -> bool:
        """Whether this process took ``partition``'s lock and has not released it (no file system call)."""
        return partition in self._held

    def acquire(self, partition: int) -> bool:
        """Take ``partition``'s lock without waiting: True once held (already or now), False when another
        process holds it. Writes the holder's name into the file."""
        with self._mutex:
            if partition in self._held:
                return True
            self.dir.mkdir(parents=True, exist_ok=True)
            fh = open(self.path(partition), "a+b")
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                fh.close()
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    return False
                raise
            fh.truncate(0)
            fh.write(f"{self.owner} pid {os.getpid()}\n".encode())
            fh.flush()
            self._held[partition] = fh
            return True

    def still_held(self, partition: int) -> bool:
        """Re-assert a lock this process holds (a no-op for a lock still held; over NFS, a lock lost with
        an expired lease fails now): False when not held or lost."""
        with self._mutex:
            fh = self._held.get(partition)
            if fh is None:
                return False
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except OSError:
                return False

    def holder(self, partition: int) -> str:
        """Who holds ``partition``'s lock, as its holder wrote it ("" when unknown)."""
        try:
            return self.path(partition).read_text(errors="replace").strip()
        except OSError:
            return ""

    def release(self, partition: int) -> None:
        with self._mutex:
            fh = self._held.pop(partition, None)
        if fh is not None:
            try:
                fcntl.flock(fh, fcntl.LOCK_UN)
            finally:
                fh.close()

    def release_all(self) -> None:
        for partition in list(self._held):
            self.release(partition)


class Fence:
    """What the consume loop does with the locks (:class:`processor.consumer.Processor`): take them on
    assignment (``sweep(partition)`` once taken), keep the partitions whose lock another member holds
    paused and try again each turn, release them on revocation; ``set_waiting(n)`` reports how many wait.
    Thread-safe: the rebalance listener (kafka-python's IO thread), the loop and the writer thread call it."""

    def __init__(self, locks: PartitionLocks, sweep: Callable[[int], Any], set_waiting: Callable[[int], Any],
                 clock: Callable[[], float] = time.monotonic):
        self.locks, self.sweep, self.set_waiting, self.clock = locks, sweep, set_waiting, clock
        self.waiting: dict[Any, float] = {}   # TopicPartition -> when its wait began
        self._reminded: dict[Any, float] = {}
        self._revoked: set[int] = set()       # released, not assigned again: never written until then
        self._mutex = threading.RLock()

    def _take(self, partition: int) -> bool:
        if self.locks.holds(partition):
            return True
        if not self.locks.acquire(partition):
            return False
        self.sweep(partition)  # a crash's leftovers, once no other member can be writing them
        return True

    def assigned(self, consumer: Any, assigned: Iterable) -> None:
        """Take the locks of newly ``assigned`` partitions; pause those another member holds."""
        with self._mutex:
            now = self.clock()
            for tp in assigned:
                self._revoked.discard(tp.partition)
                if tp not in self.waiting and not self._take(tp.partition):
                    self.waiting[tp] = self._reminded[tp] = now
                    log.warning("partition %d: its lock %s is held by %s; paused until it is released",
                                tp.partition, self.locks.path(tp.partition), self.locks.holder(tp.partition) or "?")
            if self.waiting:
                consumer.pause(*self.waiting)
            self.set_waiting(len(self.waiting))

    def retry(self, consumer: Any) -> None:
        """One turn of the loop: take the locks now free and resume their partitions; keep the others
        paused (again: a resume of every assigned partition may have undone it)."""
        with self._mutex:
            if not self.waiting:
                return
            now, taken = self.clock(), []
            for tp, since in list(self.waiting.items()):
                if self._take(tp.partition):
                    taken.append(tp)
                    del self.waiting[tp]
                    self._reminded.pop(tp, None)
                    log.warning("partition %d: lock taken after %.1fs; resuming", tp.partition, now - since)
                elif now - self._reminded[tp] >= REMIND_S:
                    self._reminded[tp] = now
                    log.warning("partition %d: still waiting for its lock, held by %s, for %.0fs", tp.partition,
                                self.locks.holder(tp.partition) or "?", now - since)
            if taken:
                consumer.resume(*taken)
                self.set_waiting(len(self.waiting))
            if self.waiting:
                consumer.pause(*self.waiting)

    def resumable(self, partitions: Iterable) -> list:
        """``partitions`` but those waiting for their lock (what a resume of the assignment may resume)."""
        with self._mutex:
            return [tp for tp in partitions if tp not in self.waiting]

    def revoked(self, revoked: Iterable) -> None:
        """Release the locks of ``revoked`` partitions: call once their pending writes are done."""
        with self._mutex:
            for tp in revoked:
                self.waiting.pop(tp, None)
                self._reminded.pop(tp, None)
                self._revoked.add(tp.partition)
                self.locks.release(tp.partition)
            self.set_waiting(len(self.waiting))

    def release_all(self) -> None:
        """Every lock released (a consumer replaced, the processor stopping): partitions assigned again take
        them again."""
        with self._mutex:
            self._revoked |= {tp.partition for tp in self.waiting} | self.locks.partitions()
            self.waiting.clear()
            self._reminded.clear()
            self.locks.release_all()
            self.set_waiting(0)

    def require(self, partition: int) -> None:
        """Before a write of ``partition`` (from the writer thread): its lock held and re-asserted, else
        :class:`Fenced`. A partition never assigned nor revoked (a consumer without a rebalance
        listener) takes its lock here when it is free."""
        with self._mutex:
            if self.locks.holds(partition):
                if self.locks.still_held(partition):
                    return
                raise Fenced(f"partition {partition}: its lock {self.locks.path(partition)} was lost (held by "
                             f"{self.locks.holder(partition) or '?'}); the batch is not written")
            if partition in self._revoked or any(tp.partition == partition for tp in self.waiting) \
                    or not self._take(partition):
                raise Fenced(f"partition {partition}: this member does not hold its lock {self.locks.path(partition)} "
                             f"(held by {self.locks.holder(partition) or '?'}); the batch is not written")


def fence_for(settings: Any, sweep: Callable[[int], Any], metrics: Any) -> Fence:
    """The fence of a processor of ``settings`` (its data directory, topic, instance name), reporting to
    ``metrics.waiting_lock``."""
    return Fence(PartitionLocks(settings.data_dir, settings.topic, settings.instance), sweep, metrics.waiting_lock.set)
