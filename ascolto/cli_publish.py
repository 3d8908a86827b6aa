"""``ascolto publish`` (scheduled publication of a quarter) and ``ascolto public`` (the open-data site)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import click

from .cli_datadir import locate_dataset


@click.command("publish")
@click.option("--period", required=True, help="The quarter to release, YYYY-Qn (it must have ended).")
@click.option("--revise", is_flag=True, help="Publish a revision of an already released quarter (a new version).")
@click.option("--note", default=None, help="Why (required with --revise; shown on the public site).")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="The data directory to read (default: ASCOLTO_DATA_DIR, else var/).")
@click.pass_obj
def publish_cmd(settings, period: str, revise: bool, note: str | None, data_dir: Path | None) -> None:
    """Freeze a quarter's protected table as an immutable release (manifest + SHA-256 checksums).

    Prints what the release changed against the version it supersedes (observations revised, added,
    removed, unchanged), then its directory. Exits 2 when refused: the quarter is not over, already
    released (without --revise), has no data, or a revision whose published figures are identical."""
    from warehouse.dataset import Warehouse
    from warehouse.protect import Protection
    from warehouse.publish import MANIFEST, ReleaseError, check_quarter, describe, publish

    try:
        check_quarter(period)  # before the dataset is looked for: "no dataset" is not the problem of 2026-Q5
    except ReleaseError as exc:
        raise click.UsageError(str(exc)) from None
    settings = settings.with_(data_dir=locate_dataset(settings, data_dir), data_dir_configured=True)
    with Warehouse(settings) as wh:
        try:
            path = publish(wh.cursor(), period, settings.releases_path, Protection.from_settings(settings),
                           revise=revise, note=note, microdata_k=settings.microdata_k)
        except ReleaseError as exc:
            raise click.UsageError(str(exc)) from None
    manifest = json.loads((path / MANIFEST).read_text("utf-8"))
    click.echo(f"{period} v{manifest['version']}: {describe(manifest['changes'])}")
    click.echo(str(path))


@click.command("public")
@click.pass_obj
def public_cmd(settings) -> None:
    """Run the public open-data site under gunicorn (ASCOLTO_PUBLIC_PORT, 8003)."""
    from deploy.up import gunicorn_cmd

    cmd = gunicorn_cmd("warehouse.public:create_app()", settings.public_port, settings.bind_host)
    os.execv(cmd[0], cmd)
