"""The shipper: produces the host's write-ahead log (:mod:`collector.spool`) to Kafka, then truncates it.

One shipper is active per spool directory (an ``flock`` on ``shipper.lock``; another one started
on the same host waits as a standby). Under gunicorn the master starts it as a process of its own,
under ``deploy/supervise.py`` which restarts it whenever it exits (``deploy/gunicorn.conf.py``);
``ascolto shipper`` runs it alone; a collector app built outside gunicorn runs it in a thread
(``ASCOLTO_SHIPPER=thread``, the default).

Contract:

- Lines are read in order from every segment (sealed or still being written), complete lines
  only. Consecutive lines of one service key become one record (``ascolto.submission-batch/1``
  when there are several, DESIGN §5), keyed by the service key; records are produced with
  ``acks=all`` by an idempotent producer and the shipper waits for every acknowledgement before
  it moves on, so records of one key reach their partition in log order.
- Its position in each segment advances only after the broker acknowledged the lines before it;
  a segment is removed only once it is sealed and shipped to its end. Zeros inside a sealed
  segment with lines after them (a damaged block) lose the line they cut, logged at ERROR; the
  lines after them are shipped. Positions are written to
  ``shipper.pos`` at most every :data:`POSITIONS_S` (and on removal and stop); a crash sends the
  lines acknowledged since again: duplicates on the topic, never a loss (the processor stores each
  ``submission_id`` once).
- A broker that does not answer leaves the log growing (the collector keeps acknowledging, bounded
  by ``ASCOLTO_SPOOL_MAX_BYTES``); the shipper retries with backoff and starts a new producer (a
  restarted broker may not know the old producer id).
- ``shipper.json`` reports ``{"broker": bool, "backlog_bytes": n, "at": epoch, "pid": n}`` at least
  every :data:`HEARTBEAT_S`; the collector's ``/readyz`` reads it. ``broker`` is the last produce's
  outcome, or the probe's (at start and after a failure), or — while the log stays empty — a TCP
  connection to a bootstrap address every :data:`IDLE_CHECK_S`.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from pathlib import Path

from kafka import KafkaProducer
from kafka.errors import KafkaError, KafkaTimeoutError

from settings import Settings
from settings.kafka import any_broker_reachable
from settings.topics import TopicMissing, require_topic
from questionnaires.envelope import BATCH_SCHEMA

from . import metrics
from .spool import Spool, data_size, is_sealed, read_lines

log = logging.getLogger("ascolto.shipper")

HEARTBEAT_S = 2.0
POSITIONS_S = 1.0
STALE_S = 15.0  # a state older than this means no shipper is running
#: After a pass that shipped lines, the shipper waits this long before the next one (unless the
#: pass left more to read). A produce request costs kafka-python's sender about a millisecond of
#: CPU whatever its size: shipping every few lines as they came cost 100–130 µs of CPU per
#: submission, on the cores that serve the requests; one pass per 50 ms costs 10–20 (issue 18).
#: It adds at most this much to the freshness (target: p95 under 5 s).
LINGER_S = 0.05
#: While the log stays empty, at most this often the shipper checks that a broker of ``ASCOLTO_BROKER``
#: still accepts a TCP connection: a broker that went away while no citizen answered was reported up
#: (``/readyz`` ready, ``ascolto_shipper_broker_up`` 1) until the first submission found out.
IDLE_CHECK_S = 5.0
_BATCH_HEAD = b'{"schema":"' + BATCH_SCHEMA.encode() + b'","envelopes":['


def batch_value(envelopes: list[bytes]) -> bytes:
    """The record value for already-encoded envelopes (see ``questionnaires.envelope``)."""
    if len(envelopes) == 1:
        return envelopes[0]
    return _BATCH_HEAD + b",".join(envelopes) + b"]}"


def records(data: bytes, max_envelopes: int = 500, max_bytes: int = 900_000) -> list[tuple[bytes, bytes, int]]:
    """``(key, value, n_envelopes)`` records for complete ``key TAB value`` lines.

    The lines of one key become as few records as the bounds allow (a record never mixes keys),
    in log order within the key; keys come in the order of their first line. Only the order
    within a key matters: it is the order on the key's partition. Lines without a key cannot
    come from a collector and are skipped.
    """
    groups: dict[bytes, list[bytes]] = {}
    for line in data.split(b"\n"):
        k, tab, value = line.partition(b"\t")
        if not tab or not k or not value:
            if line:
                log.warning("skipping a log line without key and value (%d bytes)", len(line))
            continue
        groups.setdefault(k, []).append(value)
    out: list[tuple[bytes, bytes, int]] = []
    for key, values in groups.items():
        chunk: list[bytes] = []
        size = 0
        for value in values:
            if chunk and (len(chunk) >= max_envelopes or size + len(value) > max_bytes):
                out.append((key, batch_value(chunk), len(chunk)))
                chunk, size = [], 0
            chunk.append(value)
            size += len(value) + 1
        out.append((key, batch_value(chunk), len(chunk)))
    return out


def read_state(spool_dir: Path) -> dict:
    """The active shipper's last report, or ``{}`` when none is fresh."""
    try:
        state = json.loads((Path(spool_dir) / "shipper.json").read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict) or time.time() - float(state.get("at", 0)) > STALE_S:
        return {}
    return state


class Shipper:
    """Ships one spool directory to ``settings.topic``; :meth:`run` until ``stop`` is set."""

    def __init__(self, settings: Settings, *, poll_s: float = 0.01, read_bytes: int = 4 * 1024 * 1024,
                 retry_max_s: float = 5.0, linger_s: float = LINGER_S, idle_check_s: float = IDLE_CHECK_S):
        self.settings = settings
        self.linger_s, self.idle_check_s = linger_s, idle_check_s
        self._more = False  # the last pass stopped at read_bytes: more lines are waiting
        self.spool = Spool(settings.spool_dir, settings.spool_max_bytes)
        self.dir = self.spool.dir
        self.poll_s, self.read_bytes, self.retry_max_s = poll_s, read_bytes, retry_max_s
        self.timeout_s = settings.produce_timeout_s
        self._producer: KafkaProducer | None = None
        self._files: dict[str, object] = {}
        self._pos: dict[str, int] = {}
        self._pos_saved = 0.0
        self._state: dict = {}
        self._state_at = 0.0
        self.shipped = 0  # envelopes acknowledged by the broker (this process)

    # --- loop ---------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Hold the host's shipper lock (waiting as a standby), then ship until ``stop``."""
        lock = self._acquire(stop)
        if lock is None:
            return
        try:
            live = {p.name for p in self.spool.segments()}
            self._pos = {k: v for k, v in self._load_positions().items() if k in live}
            delay, checked, probed = 0.0, time.monotonic(), False
            while not stop.is_set():
                try:
                    if not probed:  # at start and after a failure, before any record is sent
                        self.probe()
                        checked, probed = time.monotonic(), True
                    moved = self.ship_once()
                    if moved:
                        checked = time.monotonic()
                    elif time.monotonic() - checked >= self.idle_check_s:  # idle: is a broker still there?
                        checked = time.monotonic()
                        if not any_broker_reachable(self.settings.broker):
                            raise KafkaError(f"no broker of {self.settings.broker} accepts a connection")
                    self._report(broker=True)
                    delay = 0.0
                except Exception as exc:  # nothing may end the shipper: report, back off, retry
                    if isinstance(exc, TopicMissing):
                        log.error("%s; retrying", exc.args[0])
                    elif isinstance(exc, (KafkaError, OSError, TimeoutError)):
                        log.warning("the broker %s (ASCOLTO_BROKER) did not take the log (%s); retrying",
                                    self.settings.broker, exc)
                    else:
                        log.exception("shipping failed; retrying")
                    self._reset_producer()
                    self._report(broker=False, force=True)
                    probed = False
                    delay = min(self.retry_max_s, max(0.2, delay * 2))
                    stop.wait(delay)
                    continue
                if not moved:
                    stop.wait(self.poll_s)
                elif not self._more:
                    stop.wait(self.linger_s)
            if not delay:  # stopping with the broker up: ship what the log holds now
                try:
                    while self.ship_once():
                        pass
                except Exception as exc:
                    log.warning("stopped before the log was shipped (%s); the next shipper sends it", exc)
        finally:
            self._save_positions()
            self._close()
            os.close(lock)

    def _acquire(self, stop: threading.Event) -> int | None:
        fd = os.open(self.dir / "shipper.lock", os.O_RDWR | os.O_CREAT, 0o600)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if stop.wait(0.5):
                    os.close(fd)
                    return None

    def probe(self) -> None:
        """Reach the broker and its topic before the first record (at start, after a failure): raise when it
        cannot — :class:`settings.topics.TopicMissing` when the brokers answer without ``ASCOLTO_TOPIC``
        (logged as one line naming it), which is asked without creating the topic.
        Without it a collector whose log stayed empty reported ``broker: true`` (``/readyz`` ready,
        ``ascolto_shipper_broker_up`` 1) whatever ``ASCOLTO_BROKER`` or ``ASCOLTO_TOPIC`` said, until the
        first submission found out. Once a producer stands, produce calls tell.

        A TCP connection to one of the bootstrap addresses comes first (a second at most each): a client
        built against none would block its constructor for the whole produce timeout, and a stop with it."""
        if not any_broker_reachable(self.settings.broker):
            raise KafkaError(f"no broker of {self.settings.broker} accepts a connection")
        # a metadata request that cannot create the topic (a producer's would, where auto-creation is on)
        require_topic(self.settings.broker, self.settings.topic, self.settings.kafka_options,
                      timeout_ms=int(self.settings.produce_timeout_s * 1000))

    def ship_once(self) -> int:
        """One pass over the log; returns the envelopes shipped. Raises when the broker fails."""
        shipped = 0
        self._more = False
        for path in self.spool.segments():
            name = path.name
            sealed = is_sealed(path)  # before reading: a sealed segment gets no more lines
            pos = self._pos.get(name, 0)
            fh = self._files.get(name)
            if fh is None:
                try:
                    # unbuffered: a buffer would keep the preallocated zeros read past the lines
                    # and serve them again after lines were written there (tests/test_shipper.py)
                    fh = self._files[name] = open(path, "rb", buffering=0)
                except FileNotFoundError:
                    continue
            raw, data = read_lines(fh, pos, self.read_bytes)
            if data:
                shipped += self._produce(data)
                self._pos[name] = pos + len(data)
                self._save_positions(force=False)
            if len(raw) >= self.read_bytes:
                self._more = True
            elif sealed and (resume := _after_zeros(fh, pos + len(raw))) is not None:
                skipped = resume - pos - len(data)  # a line cut by zeros: its head and the zeros go
                log.error("log segment %s is damaged: %d bytes from byte %d (zeros inside its lines) skipped; "
                          "the lines after them are shipped", path, skipped, pos + len(data))
                metrics.DAMAGED_BYTES.inc(skipped)
                self._pos[name] = resume
                self._more = True
            elif sealed:
                self._remove(path)
        return shipped

    # --- producing ----------------------------------------------------------------------------

    def _produce(self, data: bytes) -> int:
        """Send every line of ``data``; return once the broker acknowledged all of them."""
        started = time.perf_counter()
        producer = self._get_producer()
        batch = records(data)
        futures = [producer.send(self.settings.topic, key=key, value=value) for key, value, _ in batch]
        producer.flush(timeout=self.timeout_s)
        for f in futures:
            f.get(timeout=0)  # raises the failure of any record (KafkaError)
        metrics.PRODUCE_SECONDS.observe(time.perf_counter() - started)
        n = sum(k for _, _, k in batch)
        metrics.REPLAYED.inc(len(batch))
        self.shipped += n
        return n

    def _get_producer(self) -> KafkaProducer:
        if self._producer is None:
            ms = int(self.timeout_s * 1000)
            self._producer = KafkaProducer(
                bootstrap_servers=self.settings.broker, acks="all", enable_idempotence=True, linger_ms=2,
                batch_size=1_048_576, max_request_size=1_048_576, max_block_ms=ms, request_timeout_ms=ms,
                delivery_timeout_ms=ms + 1000, bootstrap_timeout_ms=ms, client_id="ascolto-shipper",
                **self.settings.kafka_options)
        return self._producer

    def _reset_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            self._close_producer(producer, 0)

    def _close_producer(self, producer: KafkaProducer, timeout_s: float) -> None:
        """Close ``producer`` and end its I/O thread. kafka-python's ``close`` flushes first and raises,
        before closing anything, while records are pending (after a failed produce they are): its thread
        went on retrying the broker with its sockets open, one more per outage, for the process's life
        (tests/test_shipper.py). The pending records fail within ``delivery_timeout_ms`` (the produce
        timeout plus 1 s): close once they have. They are in the log, shipped by the next producer."""
        try:
            producer.close(timeout=timeout_s)
            return
        except KafkaTimeoutError:
            pass
        except Exception:  # closing a broken client must not stop the shipper
            log.debug("closing the producer", exc_info=True)
            return
        try:
            producer.close(timeout=self.timeout_s + 2)
        except Exception as exc:
            log.warning("a dropped Kafka producer could not be closed (%s); its thread may linger", exc)

    # --- positions, removal, state --------------------------------------------------------------

    def _remove(self, path: Path) -> None:
        """Remove a sealed segment shipped to its end (its torn tail, if any, was never acknowledged)."""
        fh = self._files.pop(path.name, None)
        if fh is not None:
            fh.close()
        claim = self.spool.claim(path)
        if claim is not None:
            claim.done()
        self._pos.pop(path.name, None)
        self._save_positions()

    def _load_positions(self) -> dict[str, int]:
        try:
            pos = json.loads((self.dir / "shipper.pos").read_bytes())
        except (OSError, ValueError):
            return {}  # lost or torn: ship everything again (duplicates, never a loss)
        if not isinstance(pos, dict):
            return {}
        return {k: v for k, v in pos.items() if isinstance(k, str) and isinstance(v, int) and v >= 0}

    def _save_positions(self, force: bool = True) -> None:
        """Write ``shipper.pos`` (at most every :data:`POSITIONS_S` unless ``force``: each write is a
        file-system journal entry competing with the collector's syncs; a crash resends at most
        that much, as duplicates)."""
        now = time.monotonic()
        if not force and now - self._pos_saved < POSITIONS_S:
            return
        self._pos_saved = now
        live = {p.name for p in self.spool.segments()}
        self._pos = {k: v for k, v in self._pos.items() if k in live}
        try:
            _write_atomic(self.dir / "shipper.pos", json.dumps(self._pos).encode())
        except OSError as exc:  # a full disk: keep going from memory (a restart would resend)
            log.warning("cannot write the shipper positions: %s", exc)

    def backlog_bytes(self) -> int:
        total = 0
        for path in self.spool.segments():
            try:
                total += max(0, data_size(path) - self._pos.get(path.name, 0))
            except FileNotFoundError:
                pass
        return total

    def _report(self, broker: bool, force: bool = False) -> None:
        now = time.time()
        if not force and self._state.get("broker") == broker and now - self._state_at < HEARTBEAT_S:
            return
        self._state = {"broker": broker, "backlog_bytes": self.backlog_bytes(), "at": now, "pid": os.getpid()}
        self._state_at = now
        try:
            _write_atomic(self.dir / "shipper.json", json.dumps(self._state).encode())
        except OSError as exc:  # a full disk must not stop the shipper: it is what frees space
            log.warning("cannot write the shipper state: %s", exc)

    def _close(self) -> None:
        for fh in self._files.values():
            fh.close()
        self._files.clear()
        if self._producer is not None:
            self._close_producer(self._producer, 5)
            self._producer = None
        try:
            (self.dir / "shipper.json").unlink(missing_ok=True)
        except OSError:
            pass


def _after_zeros(fh, at: int) -> int | None:
    """Where data follows the zeros at byte ``at`` of a sealed segment, or None when zeros run to its end
    (the preallocated tail of a writer that died). Only a damaged segment has lines after zeros."""
    fh.seek(at)
    while chunk := fh.read(1 << 20):
        if chunk.strip(b"\0"):
            return at + len(chunk) - len(chunk.lstrip(b"\0"))
        at += len(chunk)
    return None


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def run_forever(settings: Settings) -> int:
    """``ascolto shipper``: ship until SIGTERM/SIGINT; returns the exit status."""
    import signal

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    Shipper(settings).run(stop)
    return 0


if __name__ == "__main__":  # `ascolto shipper`, and the supervisor gunicorn's master starts
    import sys

    import settings as config_mod
    from settings.logs import configure

    _settings = config_mod.load()
    configure(_settings.log_level)
    sys.exit(run_forever(_settings))
