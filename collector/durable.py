"""Durable acknowledgement: group commit of concurrent submissions into the local log.

A request thread hands its encoded envelope to :meth:`Durability.submit`, which returns once the
envelope is an fsynced line of the :class:`~collector.spool.Spool` (the write-ahead log): that is
what a 202 promises. Kafka is not on the request path at all; the shipper
(:mod:`collector.shipper`, one per host) produces the log to the broker and truncates it after
the broker's acknowledgement, whether the broker was up all along or comes back after an outage.

Group commit without a committer thread (leaders/followers): a request thread that finds fewer
than :data:`LEADERS` commits in progress becomes a *leader*; it takes every line queued at that
moment (its own among them), writes them with one ``write`` and syncs them with one
``fdatasync`` (the GIL is released while the disk works, so other request threads go on
validating and queue up), releases the followers of its group, and hands its leadership to the
first thread that queued meanwhile. With threads, several groups may be syncing at once: the
file system merges concurrent syncs into its journal commits, so a request does not wait for a
whole commit before its own can start (on a disk whose flush takes milliseconds that wait, not
the CPU, bounded a worker's throughput: 8 threads / 1.5 flushes). No thread hand-off is paid
when requests do not overlap.

Under a gevent worker (:mod:`collector.cooperative`, how the collector runs) the requests are
greenlets: one group commits at a time, its leader first lets the loop run what is runnable (at
most 2 ms) so that requests already read join the group, and the ``fdatasync`` is handed to the
kernel (:func:`collector.cooperative.fdatasync`) while the loop serves the next requests (about 6–14 submissions per sync at 5,000/s
on this machine's disk: ``ascolto_spool_group_lines``).
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from . import metrics
from .cooperative import cooperative, gather
from .spool import Spool, SpoolFull, scrub_line

log = logging.getLogger("ascolto.collector")

#: Group commits of one process that may be syncing at the same time (threaded workers).
LEADERS = 4
#: The same under a cooperative (gevent) worker: one group syncs (beside the loop) while
#: the loop gathers the next, so groups are as large as the disk's latency makes them (measured:
#: 1 gave +10 % over 4 there, issue 18).
COOPERATIVE_LEADERS = 1


class Unavailable(RuntimeError):
    """The log could not take the submission (full, or the disk failed): answer 503."""


@dataclass(eq=False)
class _Slot:
    line: bytes
    scrubbed: bool  # its value was redacted by its producer (see Durability.submit)
    lock: threading.Lock | None = None  # a follower's, held until released once to wake its thread
    woken: bool = False  # its lock was released (or its thread never waits on it)
    lead: bool = False   # woken to lead a group
    done: bool = False   # its line's group finished (ok says how)
    ok: bool = False
    gone: bool = False   # its request gave up waiting (answered 503)


class Durability:
    """Per-process group commit into ``spool``; optionally runs the host's shipper in a thread.

    ``shipper`` is a :class:`collector.shipper.Shipper` to run in this process (tests, a single
    process) or None when a separate shipper process serves the host (under gunicorn).
    """

    def __init__(self, spool: Spool, *, timeout_s: float = 5.0, shipper=None):
        self.spool, self.timeout_s, self.shipper = spool, timeout_s, shipper
        self._mutex = threading.Lock()
        self._queue: list[_Slot] = []
        self._leaders = 0
        self._cooperative = cooperative()
        self._max_leaders = COOPERATIVE_LEADERS if self._cooperative else LEADERS
        self._done = threading.Condition()
        self._shipper_stop = threading.Event()
        self._shipper_thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> "Durability":
        """Start the in-process shipper thread, if any (idempotent)."""
        if self.shipper is not None and (self._shipper_thread is None or not self._shipper_thread.is_alive()):
            self._shipper_stop.clear()
            self._shipper_thread = threading.Thread(target=self.shipper.run, args=(self._shipper_stop,),
                                                    name="ascolto-shipper", daemon=True)
            self._shipper_thread.start()
        return self

    def close(self) -> None:
        """Seal this process's segment and stop the in-process shipper (what is not shipped stays
        in the log for the next shipper)."""
        self.spool.seal()
        if self._shipper_thread is not None:
            self._shipper_stop.set()
            self._shipper_thread.join(self.timeout_s + 10)
            self._shipper_thread = None

    # --- request side -------------------------------------------------------------------------

    def submit(self, key: str, envelope: bytes, *, scrubbed: bool = False) -> str:
        """Return ``"spool"`` once ``envelope`` (for service ``key``) is fsynced in the log.

        ``scrubbed``: the caller built ``envelope`` from values it redacted itself
        (:func:`privacy.redact_value`, with :data:`collector.spool.TEXT_FLOOR`), so the log does
        not parse and redact it again; otherwise the log redacts every string of it.

        Raises :class:`Unavailable` when the log cannot take it (full, disk failure, or no group
        commit finished within the timeout).
        """
        slot = _Slot(key.encode("utf-8") + b"\t" + envelope, scrubbed)
        with self._mutex:
            self._queue.append(slot)
            if self._leaders < self._max_leaders:
                self._leaders += 1
                slot.lead = slot.woken = True
            else:  # a follower: its lock is taken before the mutex lets anyone (who wakes it) see it
                slot.lock = threading.Lock()
                slot.lock.acquire()
        if not slot.lead and not slot.lock.acquire(timeout=self.timeout_s):
            with self._mutex:
                if not slot.woken:  # nobody will wake it now; its line may still be written
                    slot.woken = slot.gone = True
                    raise Unavailable("the log did not commit in time")
        if slot.lead:
            self._lead(slot)
        if not slot.done:  # it led while another leader had taken its line: wait for that group
            with self._done:
                self._done.wait_for(lambda: slot.done, self.timeout_s)
        if not slot.ok:
            raise Unavailable("the submission could not be made durable")
        return "spool"

    def _lead(self, own: _Slot) -> None:
        """Commit the lines queued now as one group, then pass the leadership on. ``own``: the
        leader's slot (its thread is this one, so it needs no wake-up)."""
        if self._cooperative:
            gather()  # let the requests the loop is serving join this group
        with self._mutex:
            batch, self._queue = self._queue, []
        ok = False
        try:
            if batch:
                self.spool.append([s.line if s.scrubbed else scrub_line(s.line) for s in batch], scrubbed=True)
                metrics.SPOOLED.inc(len(batch))
                metrics.GROUP_LINES.observe(len(batch))
            ok = True
        except SpoolFull as exc:
            log.error("the log cannot take submissions: %s", exc)
        except Exception:  # nothing may leave followers waiting; they answer 503
            log.exception("group commit failed")
        finally:
            with self._mutex:
                notify = False
                for s in batch:
                    s.ok, s.done = ok, True
                    if not s.woken:
                        s.woken = True
                        s.lock.release()
                    else:  # another leader's slot: its thread may be waiting for this group
                        notify = notify or (s.lead and s is not own)
                nxt = next((s for s in self._queue if not s.woken), None)
                if nxt is not None:
                    nxt.lead = nxt.woken = True
                    nxt.lock.release()
                else:
                    self._leaders -= 1
            if notify:
                with self._done:
                    self._done.notify_all()
