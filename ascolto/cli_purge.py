"""``ascolto purge``: the retention policy for raw answers and free text."""
from __future__ import annotations

import dataclasses
import json

import click


@click.command()
@click.option("--before", "before", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Purge the months before this date's month (YYYY-MM-DD).")
@click.option("--dry-run", is_flag=True, help="Report what would be removed; change nothing.")
@click.pass_obj
def purge(settings, before, dry_run: bool) -> None:
    """Remove raw answers and free text older than the policy, keeping every indicator."""
    from processor.purge import purge as run

    report = run(settings.data_dir, before.date(), dry_run=dry_run)
    click.echo(json.dumps({"dry_run": dry_run, **dataclasses.asdict(report)}, indent=2))
