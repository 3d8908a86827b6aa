"""Where the dataset is, for commands that only read it (``ascolto export``, ``ascolto warehouse``).

Reading commands must never invent an empty data directory: run outside the repository, the
default ``./var`` does not exist, and an export of it would write empty files (and the rollup a
stray ``var/``). :func:`locate_dataset` resolves the directory explicitly, in this order:

1. ``--data-dir`` on the command line;
2. ``ASCOLTO_DATA_DIR`` (``Settings.data_dir_configured``);
3. found: the first ``var/`` holding ``responses/`` in the working directory or one of its parents
   (a checkout where ``make run`` ran, entered at any depth).

It raises :class:`NoDataset` (a ``click.ClickException``: exit 1, message on stderr) when the
directory holds no ``responses/**/*.parquet``; nothing is created on the way.

The commands that maintain the data directory in place (``ascolto failed``, ``compact``, ``purge``) use
:func:`locate_data_dir`: ``ASCOLTO_DATA_DIR`` when set (a deployment's scheduled jobs run on an empty
directory too), else the first ``var/`` holding ``responses/`` or ``failed/`` found as above, with the
registry beside it (:func:`settings.stack.relocated`, as ``ascolto registry`` finds it; the collector's
backfill finds it the same way, :mod:`settings.stack`). Run elsewhere they reported "0
failures", "0 directories compacted" or an empty purge of a ``./var`` that was not the stack's.
"""
from __future__ import annotations

from pathlib import Path

import click

from settings.stack import find_var, locate_stack, relocated


#: ``--data-dir`` of the commands that read the dataset with :func:`locate_dataset` (export, warehouse,
#: publish; indicators says the same): one wording of where they look (tests/test_design_contracts.py)
DATA_DIR_OPTION = click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
                               help="The data directory to read (default: ASCOLTO_DATA_DIR, else the var/ "
                                    "of the working directory or a parent).")


class NoDataset(click.ClickException):
    """No dataset where the command looked; the message says where and how to point at one."""


def has_dataset(data_dir: Path) -> bool:
    """True when ``data_dir/responses`` holds at least one Parquet file."""
    from dataset import layout

    return layout.any_parquet(Path(data_dir) / layout.RESPONSES)


def find_data_dir(start: Path) -> Path | None:
    """The first ``var/`` with a ``responses/`` directory in ``start`` or its parents, else None."""
    found = find_var(start, "responses")
    return found if found is not None and (found / "responses").is_dir() else None


def locate_dataset(settings, explicit: Path | None = None, cwd: Path | None = None) -> Path:
    """The data directory to read (see the module docstring); raises NoDataset."""
    if explicit is not None:
        data_dir, how = Path(explicit).resolve(), "--data-dir"
    elif settings.data_dir_configured:
        data_dir, how = settings.data_dir, "ASCOLTO_DATA_DIR"
    else:
        found = find_data_dir(cwd or Path.cwd())
        if found is None:
            raise NoDataset(
                f"no dataset found: neither {Path(cwd or Path.cwd()).resolve()} nor its parents hold var/responses/. "
                "Set ASCOLTO_DATA_DIR (or pass --data-dir) to the data directory the processor writes.")
        data_dir, how = found, "found"
    if not has_dataset(data_dir):
        raise NoDataset(f"no dataset in {data_dir} ({how}): responses/ holds no Parquet file. "
                        "Point ASCOLTO_DATA_DIR (or --data-dir) at the data directory the processor writes.")
    return data_dir


def locate_data_dir(settings, cwd: Path | None = None):
    """``settings`` for a command that maintains the data directory in place (module docstring); raises
    :class:`NoDataset` when nothing is configured and no ``var/`` of a stack is found, or when the
    configured ``ASCOLTO_DATA_DIR`` does not exist: a mistyped one answered "0 failures" and "0
    directories compacted" (``compact`` created it, with a lock file) — an empty directory is fine."""
    if settings.data_dir_configured and not Path(settings.data_dir).is_dir():
        raise NoDataset(f"ASCOLTO_DATA_DIR {settings.data_dir} is not a directory (it does not exist): set it to the "
                        "data directory the processor writes; nothing was read or changed.")
    found = locate_stack(settings, ("responses", "failed"), cwd)
    if found is None:
        raise NoDataset(f"no data directory found: neither {Path(cwd or Path.cwd()).resolve()} nor its parents "
                        "hold var/responses/ or var/failed/. Run the command in the directory where `ascolto up` "
                        "(make run) ran, or set ASCOLTO_DATA_DIR to the data directory the processor writes.")
    return found


def locate_registry(settings, cwd: Path | None = None):
    """``settings`` pointed at an existing registry when none is configured (``ascolto registry …``).

    With neither ``ASCOLTO_DATA_DIR`` nor ``ASCOLTO_DATABASE_URL`` set, the default is
    ``./var/registry.db``; run from anywhere but the directory where ``ascolto up`` ran, that file
    does not exist, and opening it created an empty registry that answered "no service …" for a
    service that exists. Instead the first ``var/registry.db`` in the working directory or its
    parents is used; when there is none the command stops (exit 1) saying where it looked and how
    to point at the registry, and nothing is created (``ascolto registry migrate`` creates one)."""
    default = settings.data_dir / "registry.db"
    configured = settings.data_dir_configured or settings.database_url != f"sqlite:///{default}"
    if configured or default.exists():
        return settings
    start = Path(cwd or Path.cwd()).resolve()
    var = find_var(start, "registry.db")
    if var is not None and (var / "registry.db").is_file():
        return relocated(settings, var)
    raise click.ClickException(
        f"no registry found: neither {start} nor its parents hold var/registry.db. Run the command in the "
        "directory where `ascolto up` (make run) ran, or set ASCOLTO_DATA_DIR (or ASCOLTO_DATABASE_URL) to the "
        "stack's; `ascolto registry migrate` creates a new registry here.")
