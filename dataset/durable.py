"""Durability primitives shared by every writer of files (stdlib only: the collector's spool uses them).

- :func:`fsync_dir` — make a directory entry (a create, rename or unlink) durable;
- :func:`atomic_write` — a file appears whole or not at all: written under a hidden temporary
  name (``.NAME.tmp``, which no reader's ``*.parquet`` glob matches), fsynced, renamed into place,
  and the directory fsynced;
- :func:`dataset_lock` — the advisory lock ``$DATA/.dataset.lock``: writers hold it shared for the
  moment of their writes, compaction and purge exclusively for their swaps, and locked reads
  (:func:`dataset.files.read_listed`) shared between listing and reading.
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

LOCK_NAME = ".dataset.lock"


def fsync_dir(path: Path) -> None:
    """fsync the directory ``path`` (its entries: files created, renamed or removed in it)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_name(path: Path) -> Path:
    """The hidden temporary name a file is written under before its rename into ``path``."""
    return path.parent / f".{path.name}.tmp"


def atomic_write(path: Path, fill: Callable[[BinaryIO], None], sync_dir: bool = True) -> None:
    """Write ``path`` durably: ``fill(fh)`` into the temporary name, fsync, rename, fsync the directory.

    A crash leaves either the old file (or none) or the whole new one, plus perhaps a temporary
    file that readers never match and writers' sweeps remove."""
    tmp = temp_name(path)
    with open(tmp, "wb") as fh:
        fill(fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    if sync_dir:
        fsync_dir(path.parent)


@contextmanager
def dataset_lock(data_dir: Path, exclusive: bool = False) -> Iterator[None]:
    """The advisory lock between writers and readers (shared) and compaction's swaps (exclusive)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / LOCK_NAME, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
