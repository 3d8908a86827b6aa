"""The local spool: an append-only, fsynced log of Kafka record values kept while the broker is away.

Layout: ``<dir>/<pid>-<seq>.spool``, one record per line as ``key TAB value`` (keys are service
keys and values compact JSON, so neither holds a raw newline). A writer holds an exclusive ``flock`` on its active segment; a
segment nobody holds (sealed by its writer, or left by a dead process) can be claimed by any
collector process for replay. A torn last line (a crash during a write that was never
acknowledged) is skipped on replay.

**No personal data on the collector's disk.** Before a value is written it goes through
:func:`privacy.redact_record`: every string in the record (free-text answers, context) is redacted
as the processor would redact it, so a spool left on a volume during an outage holds the same
placeholders the dataset will. The processor redacts again (a no-op on placeholders). A placeholder
may be longer than what it replaces ("sono Al" → "sono [NOME]"); no string is let grow past
``max(its length, TEXT_FLOOR)``, the smallest ``max_length`` of a text item in the catalog (a test
keeps the two in step), so a spooled answer still passes the processor's validation. The
processor's ``redactions`` counters do not see what the spool already replaced.
"""
from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path
from typing import Iterator

from dataset.durable import fsync_dir
from privacy import redact_record

#: the smallest ``max_length`` of any text item in the catalog (tests/test_durability.py checks it).
TEXT_FLOOR = 200


class SpoolFull(RuntimeError):
    """The spool reached its size bound or the disk refused the write; nothing was acknowledged."""


class Spool:
    """This process's writer, plus claiming of segments that are not being written."""

    def __init__(self, directory: Path, max_bytes: int):
        self.dir = Path(directory)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._fd_pid: int | None = None
        self._path: Path | None = None
        self._seq = 0
        self._size_hint = 0
        self.dir.mkdir(parents=True, exist_ok=True)
        self.refresh_size()

    # --- writing ------------------------------------------------------------------------------

    def append(self, values: list[bytes]) -> None:
        """Append ``key TAB value`` lines (values redacted, see above) and fsync them; raise
        :class:`SpoolFull` when they cannot be kept.

        Writes go straight to the file descriptor (no user-space buffer that could hold a failed
        write back and replay it later); a failed append is truncated away, and if even that
        fails the segment is abandoned — its torn last line has no newline and is skipped.
        """
        data = b"".join(_scrubbed(v) + b"\n" for v in values)
        with self._lock:
            if self._size_hint + len(data) > self.max_bytes:
                raise SpoolFull(f"spool holds {self._size_hint} bytes, bound is {self.max_bytes}")
            try:
                fd = self._active()
                start = os.lseek(fd, 0, os.SEEK_END)
                try:
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view):]
                    os.fsync(fd)
                except OSError:
                    try:
                        os.ftruncate(fd, start)
                        os.fsync(fd)
                    except OSError:
                        self._close_active()
                    raise
            except OSError as exc:
                raise SpoolFull(f"cannot write the spool: {exc}") from exc
            self._size_hint += len(data)

    def _active(self) -> int:
        """The descriptor of this process's active segment, opened and locked on first use."""
        if self._fd is None or self._fd_pid != os.getpid():
            self._seq += 1
            path = self.dir / f"{os.getpid()}-{self._seq:08d}.spool"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                fsync_dir(self.dir)
            except OSError:
                os.close(fd)
                raise
            self._fd, self._fd_pid, self._path = fd, os.getpid(), path
        return self._fd

    def _close_active(self) -> bool:
        """Unlock and close the active segment (removed if empty); return whether it held data."""
        fd, path, self._fd = self._fd, self._path, None
        if fd is None:
            return False
        try:
            had_data = os.fstat(fd).st_size > 0
        except OSError:
            had_data = True
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        except OSError:
            pass
        os.close(fd)
        if not had_data and path is not None:
            path.unlink(missing_ok=True)
        return had_data

    def seal(self) -> bool:
        """Close the active segment so it can be replayed; return whether it held anything."""
        with self._lock:
            return self._close_active()

    def is_writing(self) -> bool:
        with self._lock:
            if self._fd is None or self._fd_pid != os.getpid():
                return False
            try:
                return os.fstat(self._fd).st_size > 0
            except OSError:
                return False

    # --- replaying ----------------------------------------------------------------------------

    def claimable(self) -> list[Path]:
        """Segments not held by any writer, oldest first."""
        own = self._path if self._fd is not None else None
        paths = [p for p in self.dir.glob("*.spool") if p != own]
        return sorted(paths, key=lambda p: (p.stat().st_mtime if p.exists() else 0, p.name))

    def claim(self, path: Path) -> "Claim | None":
        """Lock ``path`` for replay, or None if another process holds it or it is gone."""
        try:
            fh = open(path, "rb")
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            return None
        if not path.exists():  # replayed and removed by someone else meanwhile
            fh.close()
            return None
        return Claim(self, path, fh)

    def refresh_size(self) -> int:
        total = 0
        for p in self.dir.glob("*.spool"):
            try:
                total += p.stat().st_size
            except FileNotFoundError:
                pass
        with self._lock:
            self._size_hint = total
        return total

    @property
    def size(self) -> int:
        return self._size_hint


class Claim:
    """A segment locked for replay: iterate its values, then :meth:`done` or :meth:`release`."""

    def __init__(self, spool: Spool, path: Path, fh):
        self.spool, self.path, self._fh = spool, path, fh

    def values(self) -> Iterator[bytes]:
        self._fh.seek(0)
        for line in self._fh:
            if line.endswith(b"\n") and len(line) > 1:
                yield line[:-1]

    def done(self) -> None:
        """Every value reached the broker: remove the segment."""
        size = self.path.stat().st_size
        self.path.unlink(missing_ok=True)
        fsync_dir(self.spool.dir)
        self.release()
        with self.spool._lock:
            self.spool._size_hint = max(0, self.spool._size_hint - size)

    def release(self) -> None:
        if not self._fh.closed:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()


def _scrubbed(line: bytes) -> bytes:
    """``key TAB value`` with the value's personal data redacted (the key is a service key)."""
    key, tab, value = line.partition(b"\t")
    if not tab:
        return line
    red, _ = redact_record(value, floor=TEXT_FLOOR)
    return line if red is value else key + tab + red

