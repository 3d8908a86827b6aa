"""Where the stack ``ascolto up`` (make run) started keeps its data, for a command run anywhere in the
checkout: the first ``var/`` holding a marker (``responses/``, ``failed/``, ``registry.db``) in the
working directory or one of its parents.

Used by every command that works on the data directory in place when ``ASCOLTO_DATA_DIR`` is not set —
``ascolto failed``, ``compact``, ``purge`` and ``ascolto registry`` (:mod:`ascolto.cli_datadir`) and
``python -m collector.backfill`` — so that none of them writes to, or reports on, a new ``./var`` that
is not the stack's.
"""
from __future__ import annotations

from pathlib import Path


def find_var(start: Path, holding: str) -> Path | None:
    """The first ``var/`` holding ``holding`` (a file or directory name) in ``start`` or its parents,
    else None: how commands find the stack ``ascolto up`` (make run) started in a checkout."""
    start = Path(start).resolve()
    for d in (start, *start.parents):
        if (d / "var" / holding).exists():
            return d / "var"
    return None


def relocated(settings, var: Path):
    """``settings`` pointed at the stack's ``var`` (found, not configured): its dataset, spool and heartbeats,
    and its registry unless ``ASCOLTO_DATABASE_URL`` names another."""
    default_db = settings.database_url == f"sqlite:///{settings.data_dir / 'registry.db'}"
    return settings.with_(data_dir=var, data_dir_configured=True, spool_dir="", run_dir="",
                          **({"database_url": ""} if default_db else {}))


def locate_stack(settings, holding: tuple[str, ...], cwd: Path | None = None):
    """``settings`` unchanged when ``ASCOLTO_DATA_DIR`` is set; else pointed (:func:`relocated`) at the
    first ``var/`` holding one of ``holding``, tried in order, from ``cwd`` (the working directory) up;
    None when there is none (the caller says where it looked; nothing is created)."""
    if settings.data_dir_configured:
        return settings
    start = Path(cwd or Path.cwd()).resolve()
    for marker in holding:
        found = find_var(start, marker)
        if found is not None:
            return relocated(settings, found)
    return None
