"""``ascolto purge``: the retention policy for raw answers and free text."""
from __future__ import annotations

import dataclasses
import json

import click


@click.command()
@click.option("--before", "before", type=click.DateTime(["%Y-%m-%d"]),
              help="Purge the months before this date's month (YYYY-MM-DD); at the latest the first day of the "
                   "running month (Europe/Rome).")
@click.option("--keep-months", type=click.IntRange(1, 1200), default=None,
              help="Instead of --before: keep this month and the N months before it (Europe/Rome), purge the "
                   "older ones. For a scheduled job: --keep-months 24.")
@click.option("--dry-run", is_flag=True, help="Report what would be removed; change nothing.")
@click.pass_obj
def purge(settings, before, keep_months: int | None, dry_run: bool) -> None:
    """Remove raw answers and free text older than the policy, keeping every indicator.

    Give exactly one of --before and --keep-months. The running month (Europe/Rome) is never purged: a
    --before later than its first day is a usage error (exit 2), with --dry-run too — the purge works on
    whole months that have ended (and removes failed/ and test/ records by day, which would reach into it)."""
    from questionnaires.periods import today_rome

    from processor.purge import keep_months_cutoff, purge as run

    from .cli_datadir import locate_data_dir

    if (before is None) == (keep_months is None):
        raise click.UsageError("give exactly one of --before and --keep-months")
    if before is not None:
        _require_ended(before.date(), today_rome())
    settings = locate_data_dir(settings)
    cutoff = before.date() if before is not None else keep_months_cutoff(
        keep_months, today_rome())
    report = run(settings.data_dir, cutoff, dry_run=dry_run)
    click.echo(json.dumps({"dry_run": dry_run, "before": cutoff.isoformat(), **dataclasses.asdict(report)}, indent=2))


def _require_ended(before, today) -> None:
    """Refuse (``click.BadParameter`` on ``--before``) a cutoff after the first day of ``today``'s month:
    the running month is still being written, and a purge would take part of it (``failed/`` and
    ``test/`` by day) or all of it."""
    start = today.replace(day=1)
    if before > start:
        raise click.BadParameter(
            f"{before.isoformat()} is after the start of the running month ({start.isoformat()}): a purge removes "
            f"whole months that have ended, never the running one. Give {start.isoformat()} or earlier "
            "(or --keep-months N).", param_hint="--before")
