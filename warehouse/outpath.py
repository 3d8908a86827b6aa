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


def check_parent(out: Path, named: Path | None = None) -> None:
    """Refuse an ``out`` whose directory cannot be created or written: a path component that is a
    file, an existing directory without write permission, or a directory two or more levels from any
    that exists. Only the directory ``out`` is written in may be created, and only inside one that
    exists: ``--out /srv/expotrs/2026/cx.csv`` (a typo) silently created ``/srv/expotrs/2026``; the
    refusal names the missing directory (:func:`make_parent` creates the one allowed), and ``named`` (default
    ``out``: the package's directory for the file it holds) as what was given."""
    named = out if named is None else named
    base = _nearest_existing(out.parent)
    if not base.is_dir():
        raise OutputError(f"{named}: {base} is not a directory.")
    if not os.access(base, os.W_OK | os.X_OK):
        raise OutputError(f"{named}: {base} is not writable.")
    if base not in (out.parent, out.parent.parent):
        missing = next((p for p in (out.parent, *out.parent.parents) if p.parent == base), out.parent)
        raise OutputError(f"{named}: {missing} does not exist (a typo?). Only the last directory of the path, "
                          f"{out.parent.name}, is created, inside one that exists: create {out.parent.parent} "
                          "first if it is meant.")


def make_parent(out: Path) -> None:
    """Create the directory ``out`` is written in when it is missing, inside its existing parent (never a
    tree: :func:`check_parent` refused ``out`` before anything was read)."""
    Path(out).parent.mkdir(exist_ok=True)


#: What Ascolto keeps at the top of a data directory (dataset.layout's datasets, the rollup, the releases, the
#: collector's spool, run and metrics files, the record keys' secret, the registry and the form guard's store,
#: the local broker's log): ``ascolto export --out`` never writes there. Names that begin so are Ascolto's too
#: (``registry.db-wal``).
OWN = ("responses", "answers", "failed", "test", "rollup", "releases", "spool", "run", "metrics", ".staging",
       "ckm-secret", "registry.db", "form-sent.sqlite3", "broker.log")


def check_outside(out: Path, data_dir: Path) -> None:
    """Refuse an ``out`` that is the data directory ``data_dir`` or lies in what Ascolto keeps there
    (:data:`OWN`; ``ascolto export``, whose exports may otherwise go beside them, ``var/cx.csv``; a release is
    written there by ``ascolto publish``, not through ``--out``). A table export in ``responses/`` was read
    as responses by every reader (the warehouse no longer loaded: a DuckDB traceback, the console down), and
    one named ``ckm-secret`` replaced the record keys' secret (every published figure changes)."""
    inside, home = Path(out).resolve(), Path(data_dir).resolve()
    if inside != home and home not in inside.parents:
        return
    first = inside.relative_to(home).parts[0] if inside != home else ""
    if inside == home or first.startswith(OWN):
        raise OutputError(f"{out} is {'the data directory' if inside == home else f'{first} of the data directory'} "
                          f"{data_dir}, which is Ascolto's own (the responses every reader reads, the rollup, the "
                          "record keys' secret, the registry): an export there could be read as data or replace "
                          "them; write it elsewhere (beside them, or outside the data directory).")
