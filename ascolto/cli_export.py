"""``ascolto export`` and ``ascolto warehouse …`` (docs/warehouse.md)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _warehouse(settings):
    from warehouse.dataset import Warehouse

    return Warehouse(settings)


@click.command("export")
@click.option("--format", "fmt", required=True,
              type=click.Choice(["csv", "parquet", "sdmx-csv", "jsonstat", "datapackage"]))
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="Output file (a directory for datapackage).")
@click.option("--freq", default="A", show_default=True, type=click.Choice(["M", "Q", "A"]))
@click.option("--from", "start", default=None, help="First period (YYYY-MM, YYYY-Qn or YYYY).")
@click.option("--to", "end", default=None, help="Last period.")
@click.pass_obj
def export_cmd(settings, fmt: str, out: Path, freq: str, start: str | None, end: str | None) -> None:
    """Export the publication table (or the microdata package), protected by the cell-key method."""
    from warehouse.comparability import QueryError
    from warehouse.cube import Cut
    from warehouse.export import export
    from warehouse.protect import Protection

    try:
        Cut(freq=freq, start=start, end=end).validate()
    except QueryError as exc:
        raise click.BadParameter(str(exc), param_hint="--from/--to") from None
    with _warehouse(settings) as wh:
        path = export(wh.cursor(), fmt, out, freq=freq, start=start, end=end,
                      protection=Protection.from_settings(settings), microdata_k=settings.microdata_k, progress=None)
    click.echo(str(path))


@click.group("warehouse")
def warehouse_cmd() -> None:
    """The warehouse's rollup."""


@warehouse_cmd.command("refresh")
@click.pass_obj
def refresh(settings) -> None:
    """Bring the rollup up to date with the responses (incremental)."""
    from warehouse.rollup import refresh as do_refresh

    click.echo(json.dumps(do_refresh(settings.data_dir, progress=None if sys.stderr.isatty() else False,
                                     secret=settings.ckm_secret)))


@warehouse_cmd.command("status")
@click.pass_obj
def status(settings) -> None:
    """Whether the rollup is stale, and what it covers."""
    from warehouse.rollup import is_stale, read_manifest

    m = read_manifest(settings.data_dir)
    click.echo(json.dumps({"stale": is_stale(settings.data_dir, m), "input_files": len(m["inputs"]),
                           "rollup_files": len(m["outputs"])}))
