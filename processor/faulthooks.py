"""Fault-injection points for the fault suite (``tests/faults``): inert unless their variable is set.

``ASCOLTO_FAULT_FREEZE_BEFORE_WRITE=<file>``: when ``<file>`` reads ``armed``, the next batch about to be
written (:meth:`processor.consumer.Processor.index`, asked for by the writer just before it writes a
partition's rows) stops the whole process with SIGSTOP — a member frozen (a GC pause, a VM stall) after
it fetched and transformed a batch and before it wrote it, deterministically. The file then reads
``frozen <partition>``, and ``thawed <partition>`` once a SIGCONT let the process go on (the write follows).
Fires once per process."""
from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

FREEZE_ENV = "ASCOLTO_FAULT_FREEZE_BEFORE_WRITE"
_fired = threading.Lock()  # the writer's io threads: one of them freezes the process, once


def freeze_before_write(partition: int) -> None:
    """Stop this process here once, if the fault suite armed it (see the module's docstring)."""
    path = os.environ.get(FREEZE_ENV)
    if not path or _fired.locked():
        return
    try:
        if Path(path).read_text() != "armed":
            return
    except OSError:
        return
    if not _fired.acquire(blocking=False):
        return
    Path(path).write_text(f"frozen {partition}")
    os.kill(os.getpid(), signal.SIGSTOP)
    Path(path).write_text(f"thawed {partition}")
