"""Durable acknowledgement: group commit of concurrent submissions into the local log.

A request thread hands its encoded envelope to :meth:`Durability.submit`, which returns once the
envelope is an fsynced line of the :class:`~collector.spool.Spool` (the write-ahead log): that is
what a 202 promises. Kafka is not on the request path at all; the shipper
(:mod:`collector.shipper`, one per host) produces the log to the broker and truncates it after
the broker's acknowledgement, whether the broker was up all along or comes back after an outage.

Group commit without a committer thread (leader/followers): the first request thread that finds
no commit in progress becomes the *leader*; it takes every line queued at that moment (its own
among them), writes them with one ``write`` and one ``fdatasync`` (the GIL is released while the
disk works, so other request threads go on validating and queue up behind it), releases the
followers of its group, and hands the leadership to the first thread that queued meanwhile. So a
request waits for at most the group in progress and its own, and no thread hand-off is paid when
requests do not overlap.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from . import metrics
from .spool import Spool, SpoolFull

log = logging.getLogger("ascolto.collector")


class Unavailable(RuntimeError):
    """The log could not take the submission (full, or the disk failed): answer 503."""


@dataclass(eq=False)
class _Slot:
    line: bytes
    lock: threading.Lock = field(default_factory=threading.Lock)
    ok: bool = False
    lead: bool = False  # handed the leadership while waiting
    gone: bool = False  # its request gave up waiting (answered 503)


class Durability:
    """Per-process group commit into ``spool``; optionally runs the host's shipper in a thread.

    ``shipper`` is a :class:`collector.shipper.Shipper` to run in this process (tests, a single
    process) or None when a separate shipper process serves the host (under gunicorn).
    """

    def __init__(self, spool: Spool, *, timeout_s: float = 5.0, shipper=None):
        self.spool, self.timeout_s, self.shipper = spool, timeout_s, shipper
        self._mutex = threading.Lock()
        self._queue: list[_Slot] = []
        self._leading = False
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

    def submit(self, key: str, envelope: bytes) -> str:
        """Return ``"spool"`` once ``envelope`` (for service ``key``) is fsynced in the log.

        Raises :class:`Unavailable` when the log cannot take it (full, disk failure, or no group
        commit finished within the timeout).
        """
        slot = _Slot(key.encode("utf-8") + b"\t" + envelope)
        slot.lock.acquire()
        with self._mutex:
            self._queue.append(slot)
            lead = not self._leading
            self._leading = True
        if not lead and not slot.lock.acquire(timeout=self.timeout_s):
            with self._mutex:
                if not slot.lead:  # not handed the leadership: give up (it may still be written)
                    slot.gone = True
                    raise Unavailable("the log did not commit in time")
        if lead or slot.lead:
            self._lead()
        if not slot.ok:
            raise Unavailable("the submission could not be made durable")
        return "spool"

    def _lead(self) -> None:
        """Commit the queued group (the leader's own slot is in it) and pass the leadership on."""
        with self._mutex:
            batch, self._queue = self._queue, []
        ok = False
        try:
            self.spool.append([s.line for s in batch])
            ok = True
            metrics.SPOOLED.inc(len(batch))
        except SpoolFull as exc:
            log.error("the log cannot take submissions: %s", exc)
        except Exception:  # nothing may leave followers waiting; they answer 503
            log.exception("group commit failed")
        finally:
            for s in batch:
                s.ok = ok
                if s.lock.locked():
                    s.lock.release()
            with self._mutex:
                while self._queue and self._queue[0].gone:
                    self._queue.pop(0)
                if self._queue:
                    nxt = self._queue[0]
                    nxt.lead = True
                    if nxt.lock.locked():
                        nxt.lock.release()
                else:
                    self._leading = False

    # --- state --------------------------------------------------------------------------------

    @property
    def spooling(self) -> bool:
        """True when the host's shipper cannot reach the broker (or no shipper reports)."""
        from .shipper import read_state

        return not read_state(self.spool.dir).get("broker", False)

    @property
    def state(self) -> str:
        return "degraded" if self.spooling else "direct"
