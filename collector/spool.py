"""The local write-ahead log ("spool"): every acknowledged submission is an fsynced line here first.

Every 202 of the collector means the submission's envelope is a complete, fsynced line in this
log; the shipper (:mod:`collector.shipper`) then produces the lines to Kafka and removes a segment
only after the broker acknowledged every line of it. Broker up or down, the path is the same.

Layout: ``<dir>/<pid>-<seq>.spool``, one record per line as ``key TAB value`` (keys are service
keys and values compact JSON, so neither holds a raw newline). Each writing process has one
active segment, created under a temporary name, locked with ``flock`` and only then renamed into
place, so no reader ever sees an unlocked segment that is still going to be written. A segment
is *sealed* once no process holds its lock (its writer moved on to a new segment, or died).
Readers take only complete lines: a torn last line (a crash or a full disk during a write that
was never acknowledged) is skipped.

**Preallocated.** A writer zero-fills its segment :data:`PREALLOCATE` bytes ahead of its lines and
writes each group into those zeros (``pwrite``), so the ``fdatasync`` that acknowledges a group
changes no file size and needs no journal commit of the file system's metadata — only one in
:data:`PREALLOCATE` bytes does (the technique of PostgreSQL's WAL segments; measured in
docs/performance.md: +5 % collector throughput). A segment's data therefore ends at its first NUL
byte (no line holds one: keys are service keys, values compact JSON, which escapes control
characters): readers stop there (:func:`written_part`), and sealing cuts the zeros off, so only a
segment whose writer died keeps a zero tail. Zeros with data after them in a sealed segment are
damage: the shipper skips the line they cut and ships the rest (:mod:`collector.shipper`).

A failed write (disk full, I/O error) is truncated back when possible and its segment sealed;
the next append opens a new segment. A segment is never written again once sealed, so a reader's
position in it stays valid.

**No personal data on the collector's disk.** Before a value is written it goes through
:func:`privacy.redact_record` (:func:`scrub_line`): every string in the record (free-text answers,
context) is redacted as the processor would redact it, so the log (and so the topic) holds the
same placeholders the dataset will. A caller that redacted the values itself says so
(``append(..., scrubbed=True)``; the intake redacts the parsed submission with
:func:`privacy.redact_value`, which gives the same JSON). The processor redacts again (a no-op on placeholders). A placeholder may be longer
than what it replaces ("sono Al" → "sono [NOME]"); no string is let grow past
``max(its length, TEXT_FLOOR)``, the smallest ``max_length`` of a text item in the catalog (a test
keeps the two in step), so a logged answer still passes the processor's validation. The
processor's ``redactions`` counters do not see what the collector already replaced.
"""
from __future__ import annotations

import bisect
import fcntl
import os
import re
import threading
import time
from pathlib import Path
from typing import Iterator

from dataset.durable import fsync_dir
from privacy import redact_record

from .cooperative import fdatasync

#: the smallest ``max_length`` of any text item in the catalog (tests/test_durability.py checks it).
TEXT_FLOOR = 200

#: A writer moves on to a new segment past this size, so shipped segments can be removed.
SEGMENT_BYTES = 8 * 1024 * 1024
#: A writer keeps this many zero bytes ahead of its lines (see the module docstring).
PREALLOCATE = 1024 * 1024
_NAME = re.compile(r"^(\d+)-(\d+)\.spool$")


class _Segment:
    """The active segment of a writing process: its locked descriptor, bytes written, syncs in flight."""

    def __init__(self, fd: int, path: Path):
        self.fd, self.path, self.pid = fd, path, os.getpid()
        self.written, self.users, self.sealed = 0, 0, False
        self.allocated = 0  # the file's size: zeros from ``written`` on

    def reserve(self, end: int) -> None:
        """Make the file at least ``end`` bytes long, the new bytes zeros: :data:`PREALLOCATE` more at a
        time, or just what ``end`` needs when the disk has no room for that. Raises OSError (the disk
        is full) with the file as it was."""
        if end <= self.allocated:
            return
        try:
            self._fill(max(end, self.allocated + PREALLOCATE))
        except OSError:
            self._fill(end)  # no room for a whole chunk: just what this group needs, or raise

    def _fill(self, size: int) -> None:
        try:
            _pwrite_all(self.fd, bytes(size - self.allocated), self.allocated)
        except OSError:
            try:
                os.ftruncate(self.fd, self.allocated)
            except OSError:
                pass
            raise
        self.allocated = size

    def close(self) -> None:
        """Unlock (the segment becomes sealed for readers) and close."""
        try:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        except OSError:
            pass
        os.close(self.fd)


class SpoolFull(RuntimeError):
    """The spool reached its size bound or the disk refused the write; nothing was acknowledged."""


class Spool:
    """This process's writer, plus the reading side used by the shipper (and the tests)."""

    def __init__(self, directory: Path, max_bytes: int, segment_bytes: int = SEGMENT_BYTES):
        self.dir = Path(directory)
        self.max_bytes, self.segment_bytes = max_bytes, segment_bytes
        self._lock = threading.Lock()
        self._seg: _Segment | None = None
        self._seq = time.time_ns() // 1000  # segment names are never reused, even by a recycled pid
        self._size_hint = 0
        self._size_checked = 0.0
        self.dir.mkdir(parents=True, exist_ok=True)
        self.refresh_size()

    # --- writing ------------------------------------------------------------------------------

    def append(self, values: list[bytes], *, scrubbed: bool = False) -> None:
        """Append ``key TAB value`` lines (values redacted, see above, unless the caller says they
        already are: ``scrubbed``) and fsync them; raise :class:`SpoolFull` when they cannot be kept.

        Returning means every line is on disk. Writes are serialized (one ``pwrite`` each into the
        segment's preallocated zeros, straight to the descriptor: no user-space buffer could hold a
        failed write back and replay it later); the ``fdatasync`` that follows runs outside the
        lock, so concurrent appends share the file system's journal commits instead of queueing
        for one another. A failed write is truncated back (no other write can follow it
        meanwhile) and its segment sealed.
        """
        data = b"\n".join(values if scrubbed else [scrub_line(v) for v in values]) + b"\n" if values else b""
        with self._lock:
            if self._size_hint + len(data) > self.max_bytes:
                self._refresh_locked()  # the shipper removes what the broker took
                if self._size_hint + len(data) > self.max_bytes:
                    raise SpoolFull(f"spool holds {self._size_hint} bytes, bound is {self.max_bytes}")
            try:
                seg = self._active()
                start = seg.written
                try:
                    seg.reserve(start + len(data))
                    _pwrite_all(seg.fd, data, start)
                except OSError:
                    try:
                        os.ftruncate(seg.fd, start)
                    except OSError:
                        pass
                    self._close_active()
                    raise
            except OSError as exc:
                raise SpoolFull(f"cannot write the spool: {exc}") from exc
            seg.written += len(data)
            self._size_hint += len(data)
            seg.users += 1
            if seg.written >= self.segment_bytes:
                self._close_active()
        try:
            fdatasync(seg.fd)  # a gevent worker's loop goes on meanwhile
        except OSError as exc:
            with self._lock:
                if self._seg is seg:
                    self._close_active()
            raise SpoolFull(f"cannot sync the spool: {exc}") from exc
        finally:
            with self._lock:
                seg.users -= 1
                if seg.sealed and not seg.users:
                    seg.close()

    def _active(self) -> "_Segment":
        """This process's active segment, created and locked on first use (call with the lock held)."""
        if self._seg is None or self._seg.pid != os.getpid():
            self._seq += 1
            name = f"{os.getpid()}-{self._seq:08d}.spool"
            tmp = self.dir / f".{name}.new"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                os.rename(tmp, self.dir / name)  # visible to readers only once locked
                fsync_dir(self.dir)
            except OSError:
                os.close(fd)
                tmp.unlink(missing_ok=True)
                raise
            self._seg = _Segment(fd, self.dir / name)
        return self._seg

    def _close_active(self) -> bool:
        """Seal the active segment (removed if empty; closed once no sync uses it); return
        whether it held data. Call with the lock held."""
        seg, self._seg = self._seg, None
        if seg is None or seg.pid != os.getpid():
            return False
        seg.sealed = True
        had_data = seg.written > 0
        if not had_data:
            seg.path.unlink(missing_ok=True)  # before unlocking: nobody may claim it meanwhile
        elif seg.allocated > seg.written:
            try:  # the preallocated zeros go: a sealed segment is its lines (syncs in flight are below)
                os.ftruncate(seg.fd, seg.written)
            except OSError:
                pass  # readers stop at the zeros anyway
        if not seg.users:
            seg.close()
        return had_data

    def seal(self) -> bool:
        """Close the active segment so it can be shipped and removed; return whether it held anything."""
        with self._lock:
            return self._close_active()

    def is_writing(self) -> bool:
        with self._lock:
            return self._seg is not None and self._seg.pid == os.getpid() and self._seg.written > 0

    # --- reading ------------------------------------------------------------------------------

    def segments(self) -> list[Path]:
        """Every segment, sealed or being written, in writing order per process."""
        found = []
        for p in self.dir.glob("*.spool"):
            m = _NAME.match(p.name)
            if m:
                found.append(((int(m.group(1)), int(m.group(2))), p))
        return [p for _, p in sorted(found)]

    def claimable(self) -> list[Path]:
        """Segments not held by any writer (sealed), oldest first."""
        own = self._seg.path if self._seg is not None else None
        return [p for p in self.segments() if p != own and is_sealed(p)]

    def claim(self, path: Path) -> "Claim | None":
        """Lock ``path`` to read it whole and remove it, or None if a writer holds it or it is gone."""
        try:
            fh = open(path, "rb")
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            return None
        if not path.exists():  # shipped and removed by someone else meanwhile
            fh.close()
            return None
        return Claim(self, path, fh)

    def _refresh_locked(self) -> int:
        total = 0
        own = self._seg if self._seg is not None and self._seg.pid == os.getpid() else None
        for p in self.dir.glob("*.spool"):
            if own is not None and p == own.path:
                total += own.written
                continue
            try:
                total += data_size(p)
            except FileNotFoundError:
                pass
        self._size_hint, self._size_checked = total, time.monotonic()
        return total

    def refresh_size(self) -> int:
        """Bytes of lines in every segment on disk (shipped or not; preallocated zeros not counted),
        remembered as :attr:`size`."""
        with self._lock:
            return self._refresh_locked()

    def forget(self, nbytes: int) -> None:
        """``nbytes`` were removed from the log (by this process's shipper)."""
        with self._lock:
            self._size_hint = max(0, self._size_hint - nbytes)

    @property
    def size(self) -> int:
        return self._size_hint


def _pwrite_all(fd: int, data: bytes, at: int) -> None:
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, at)
        view, at = view[n:], at + n


def written_part(raw: bytes) -> bytes:
    """``raw`` (bytes read from a segment) up to its first NUL: where the written lines end and the
    preallocated zeros begin."""
    end = raw.find(b"\0")
    return raw if end < 0 else raw[:end]


def data_end(fd: int, size: int) -> int:
    """Where the lines of a segment of ``size`` bytes end (its preallocated zeros start), found by
    bisection from its last byte: exact for a segment whose writer wrote in order; a write torn by a
    crash can leave zeros between lines, and then the figure is an estimate (for sizes, never for
    reading: readers stop at the first NUL, :func:`written_part`)."""
    if size == 0 or os.pread(fd, 1, size - 1) != b"\0":
        return size
    return bisect.bisect_left(range(size), True, key=lambda at: os.pread(fd, 1, at) == b"\0")


def data_size(path: Path) -> int:
    """:func:`data_end` of the segment at ``path``; raises FileNotFoundError when it is gone."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return data_end(fd, os.fstat(fd).st_size)
    finally:
        os.close(fd)


#: what :func:`read_lines` reads at a time
READ_CHUNK = 256 * 1024


def read_lines(fh, start: int, limit: int) -> tuple[bytes, bytes]:
    """``(written, lines)`` from byte ``start`` of an open segment: what was read up to the
    preallocated zeros (at most ``limit`` bytes; as long as ``limit`` when more may follow) and its
    complete lines — more than ``limit`` when a single line is longer. Open the segment unbuffered
    while a writer may still write it (:class:`collector.shipper.Shipper`).

    Read :data:`READ_CHUNK` bytes at a time up to the first NUL: a pass finds a few hundred
    kilobytes of new lines before megabytes of zeros, which it need not copy (issue 18)."""
    fh.seek(start)
    parts, size = [], 0
    while size < limit:
        want = min(READ_CHUNK, limit - size)
        chunk = fh.read(want)
        part = written_part(chunk)
        parts.append(part)
        size += len(part)
        if len(part) < want:  # the zeros, or the end of the file
            break
    written = b"".join(parts)
    lines = complete_lines(written)
    if not lines and len(written) >= limit:  # a line longer than the read size
        fh.seek(start)
        lines = complete_lines(written_part(fh.read()))
    return written, lines


def is_sealed(path: Path) -> bool:
    """Whether no writer holds ``path`` (False if it is gone)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def complete_lines(data: bytes) -> bytes:
    """The prefix of ``data`` up to and including its last newline."""
    end = data.rfind(b"\n")
    return data[:end + 1] if end >= 0 else b""


class Claim:
    """A sealed segment locked by one reader: iterate its lines, then :meth:`done` or :meth:`release`."""

    def __init__(self, spool: Spool, path: Path, fh):
        self.spool, self.path, self._fh = spool, path, fh

    def values(self, start: int = 0) -> Iterator[bytes]:
        """The complete lines from byte ``start`` up to the first NUL (see :func:`written_part`)."""
        self._fh.seek(start)
        for line in self._fh:
            if b"\0" in line:
                return
            if line.endswith(b"\n") and len(line) > 1:
                yield line[:-1]

    def read(self, start: int, limit: int) -> bytes:
        """Complete lines from byte ``start``, at most ``limit`` bytes (more if one line is longer)."""
        return read_lines(self._fh, start, limit)[1]

    def done(self) -> None:
        """Every line reached the broker: remove the segment."""
        try:
            size = data_size(self.path)
        except FileNotFoundError:
            size = 0
        self.path.unlink(missing_ok=True)
        fsync_dir(self.spool.dir)
        self.release()
        self.spool.forget(size)

    def release(self) -> None:
        if not self._fh.closed:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()


def scrub_line(line: bytes) -> bytes:
    """``key TAB value`` with the value's personal data redacted (the key is a service key)."""
    key, tab, value = line.partition(b"\t")
    if not tab:
        return line
    red, _ = redact_record(value, floor=TEXT_FLOOR)
    return line if red is value else key + tab + red
