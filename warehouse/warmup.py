"""Start a process's slow first opening in a background thread as the process starts (the warm-up).

The console opens its warehouse (the rollup's build and load: :class:`warehouse.dataset.SharedWarehouse`)
and the public site loads its releases (checksums verified: :class:`warehouse.public.releases.Releases`)
this way, so that the first page after a start finds the work done, or waits for that same work
under the opener's own lock — never does it a second time.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable


def start(name: str, open_: Callable[[], object], failed: str) -> threading.Thread:
    """Run ``open_()`` in a thread called ``name`` and return the started thread. A failure is logged
    (``ascolto.warehouse``, warning ``failed`` with the traceback) and left to the first caller, who
    opens again and gets the error. The thread is not a daemon: an exit waits for the work (DuckDB
    aborts the process when killed mid-statement)."""

    def run() -> None:
        try:
            open_()
        except Exception:  # noqa: BLE001 — a background warm-up must not die loudly; the first page retries
            logging.getLogger("ascolto.warehouse").warning(failed, exc_info=True)

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread
