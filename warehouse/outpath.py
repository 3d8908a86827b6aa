"""Where an export may write (``ascolto export --out``): the error it raises and the parent check
shared by the table formats (:func:`warehouse.export.check_out`) and the data package
(:func:`warehouse.datapackage.check_out_dir`). Nothing here writes."""
from __future__ import annotations

import os
from pathlib import Path


class OutputError(ValueError):
    """``out`` cannot take the export as asked (a directory where a file goes, a file where the
    package's directory goes, a directory holding files Ascolto did not write, …); the message
    says which path and why. Raised before anything is written (the CLI: exit 2 naming ``--out``)."""


def _nearest_existing(path: Path) -> Path:
    for p in (path, *path.parents):
        if p.exists() or p.is_symlink():
            return p
    return Path(".")


def check_parent(out: Path) -> None:
    """Refuse an ``out`` whose directory cannot be created or written: a path component that is a
    file, or an existing directory without write permission."""
    base = _nearest_existing(out.parent)
    if not base.is_dir():
        raise OutputError(f"{out}: {base} is not a directory.")
    if not os.access(base, os.W_OK | os.X_OK):
        raise OutputError(f"{out}: {base} is not writable.")


def check_outside(out: Path, data_dir: Path) -> None:
    """Refuse an ``out`` inside the data directory ``data_dir`` (``ascolto export``; a release is written there
    by ``ascolto publish``, not through ``--out``). Its files are Ascolto's own: a table export in
    ``responses/`` was read as responses by every reader (the warehouse no longer loaded: a DuckDB traceback,
    the console down), and one named ``ckm-secret`` or ``registry.db`` replaced the record keys' secret (every
    published figure changes) or the registry."""
    inside, home = Path(out).resolve(), Path(data_dir).resolve()
    if inside == home or home in inside.parents:
        raise OutputError(f"{out} is inside the data directory {data_dir}, whose files are Ascolto's own (the "
                          "responses every reader reads, the rollup, the record keys' secret, the registry): an "
                          "export there could be read as data or replace them; write it elsewhere.")
