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
"""
from __future__ import annotations

from pathlib import Path

import click


class NoDataset(click.ClickException):
    """No dataset where the command looked; the message says where and how to point at one."""


def has_dataset(data_dir: Path) -> bool:
    """True when ``data_dir/responses`` holds at least one Parquet file."""
    responses = Path(data_dir) / "responses"
    return responses.is_dir() and next(responses.rglob("*.parquet"), None) is not None


def find_var(start: Path, holding: str) -> Path | None:
    """The first ``var/`` holding ``holding`` (a file or directory name) in ``start`` or its parents,
    else None: how commands find the stack ``ascolto up`` (make run) started in a checkout."""
    start = Path(start).resolve()
    for d in (start, *start.parents):
        if (d / "var" / holding).exists():
            return d / "var"
    return None


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
