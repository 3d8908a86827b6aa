"""The local spool: an append-only, fsynced log of Kafka record values kept while the broker is away.

Layout: ``<dir>/<pid>-<seq>.spool``, one record per line as ``key TAB value`` (keys are service
keys and values compact JSON, so neither holds a raw newline). A writer holds an exclusive ``flock`` on its active segment; a
segment nobody holds (sealed by its writer, or left by a dead process) can be claimed by any
collector process for replay. A torn last line (a crash during a write that was never
acknowledged) is skipped on replay.
"""
from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path
from typing import Iterator


class SpoolFull(RuntimeError):
    """The spool reached its size bound or the disk refused the write; nothing was acknowledged."""


class Spool:
    """This process's writer, plus claiming of segments that are not being written."""

    def __init__(self, directory: Path, max_bytes: int):
        self.dir = Path(directory)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._fh = None
        self._fh_pid: int | None = None
        self._path: Path | None = None
        self._seq = 0
        self._size_hint = 0
        self.dir.mkdir(parents=True, exist_ok=True)
        self.refresh_size()

    # --- writing ------------------------------------------------------------------------------

    def append(self, values: list[bytes]) -> None:
        """Append record values and fsync them; raise :class:`SpoolFull` when they cannot be kept."""
        data = b"".join(v + b"\n" for v in values)
        with self._lock:
            if self._size_hint + len(data) > self.max_bytes:
                raise SpoolFull(f"spool holds {self._size_hint} bytes, bound is {self.max_bytes}")
            try:
                fh = self._active()
                start = fh.tell()
                try:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                except OSError:
                    fh.truncate(start)  # leave no partial line behind a refused write
                    raise
            except OSError as exc:
                raise SpoolFull(f"cannot write the spool: {exc}") from exc
            self._size_hint += len(data)

    def _active(self):
        if self._fh is None or self._fh_pid != os.getpid():
            self._seq += 1
            self._path = self.dir / f"{os.getpid()}-{self._seq:08d}.spool"
            fh = open(self._path, "ab")
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            _fsync_dir(self.dir)
            self._fh, self._fh_pid = fh, os.getpid()
        return self._fh

    def seal(self) -> bool:
        """Close the active segment so it can be replayed; return whether it held anything."""
        with self._lock:
            if self._fh is None:
                return False
            had_data = self._fh.tell() > 0
            path = self._path
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None
            if not had_data and path is not None:
                path.unlink(missing_ok=True)
            return had_data

    def is_writing(self) -> bool:
        with self._lock:
            return self._fh is not None and self._fh.tell() > 0

    # --- replaying ----------------------------------------------------------------------------

    def claimable(self) -> list[Path]:
        """Segments not held by any writer, oldest first."""
        own = self._path if self._fh is not None else None
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
        _fsync_dir(self.spool.dir)
        self.release()
        with self.spool._lock:
            self.spool._size_hint = max(0, self.spool._size_hint - size)

    def release(self) -> None:
        if not self._fh.closed:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
