"""Fault-injection points for the fault suite (``tests/faults``): inert unless their setting is given.

``ASCOLTO_FAULT_FREEZE_BEFORE_WRITE=<file>`` (:attr:`settings.Settings.fault_freeze_before_write`): when
``<file>`` reads ``armed``, the next batch about to be
written (:meth:`processor.consumer.Processor.index`, asked for by the writer just before it writes a
partition's rows) stops the whole process with SIGSTOP — a member frozen (a GC pause, a VM stall) after
it fetched and transformed a batch and before it wrote it, deterministically. ``<file>.frozen`` then
names the partition, and ``<file>.thawed`` appears once a SIGCONT let the process go on (the write
follows). Fires once per process."""
from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

_fired = threading.Lock()  # the writer's io threads: one of them freezes the process, once


def freeze_before_write(path: str, partition: int) -> None:
    """Stop this process here once, if the fault suite armed ``path`` (see the module's docstring)."""
    if not path or _fired.locked():
        return
    try:
        if Path(path).read_text() != "armed":
            return
    except OSError:
        return
    if not _fired.acquire(blocking=False):
        return
    Path(f"{path}.frozen").write_text(str(partition))
    os.kill(os.getpid(), signal.SIGSTOP)
    Path(f"{path}.thawed").write_text(str(partition))
