"""prometheus_client's multiprocess directory of a gunicorn master (deploy/gunicorn.conf.py): made as the
master starts unless configured, removed when the master that made it stops.

Each gunicorn master (the collector's, the console's, the public site's) sums its workers' samples
through files in ``PROMETHEUS_MULTIPROC_DIR``. A directory the environment names is used as it is and
never removed (it is whoever configured it's). Otherwise :func:`export_prometheus_dir` makes
``ascolto-metrics-*`` in the temporary directory, and :func:`release_prometheus_dir` removes it: called
by the master's ``on_exit``, after its workers have stopped, and registered with :mod:`atexit` for a
master that exits without ``on_exit`` (one failing to bind its port). Only the process that made the
directory removes it: the workers, forked from the master, inherit this module's record and the
:mod:`atexit` call, and one of them exits (a restart, ``max_requests``) while the master and the other
workers go on writing there. A master re-executed by gunicorn's ``USR2`` that inherited the directory
keeps it: ``on_exit`` of the old master passes it as ``keep``.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import Settings

#: the directories :func:`export_prometheus_dir` made, each with the pid of the process that made it
_made: dict[str, int] = {}


def export_prometheus_dir(settings: "Settings") -> str:
    """For a gunicorn master: prometheus_client's multiprocess directory — the configured one, else a new
    temporary one (removed by :func:`release_prometheus_dir`) — exported to the environment its workers
    inherit (prometheus_client reads it there). A configuration reloaded (``HUP``) finds it there: the same."""
    path = settings.prometheus_multiproc_dir
    if not path:
        path = tempfile.mkdtemp(prefix="ascolto-metrics-")
        if not _made:
            atexit.register(release_prometheus_dir)
        _made[path] = os.getpid()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
    return path


def release_prometheus_dir(keep: str = "") -> None:
    """Remove the directories :func:`export_prometheus_dir` made in this process, with what they hold —
    none made by another process (a worker's parent). ``keep``: one still in use elsewhere (by a
    re-executed master), forgotten instead. Idempotent."""
    for path, pid in list(_made.items()):
        if pid != os.getpid():
            continue
        del _made[path]
        if path != keep:
            shutil.rmtree(path, ignore_errors=True)
