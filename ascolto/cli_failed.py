"""``ascolto failed list|replay|dismiss`` (the typed dead letters) and ``ascolto compact``."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone

import click

from dataset.reasons import RETENTION_GAP
from processor.badrows import Reason

from .cli_datadir import locate_data_dir


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter("use an ISO date or time, e.g. 2026-11-20 or 2026-11-20T10:00Z",
                                 param_hint="--since") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


_reason = click.option("--reason", type=click.Choice([r.value for r in Reason] + [RETENTION_GAP]), default=None,
                       help=f"Only this reason ({RETENTION_GAP}: offsets Kafka's retention deleted unread, not replayable).")
_since_opt = click.option("--since", default=None, help="Only failures at or after this ISO date/time (UTC).")


@click.group()
def failed() -> None:
    """Dead letters kept in the typed failed/ dataset: list them, replay them after a fix, dismiss
    those no fix can recover (in ASCOLTO_DATA_DIR, else the var/ of the working directory or a parent)."""


@failed.command("list")
@_reason
@_since_opt
@click.option("--pending", is_flag=True, help="Only those not yet replayed successfully.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_obj
def list_(settings, reason, since, pending, as_json) -> None:
    """List dead letters (one per failure), oldest first, with a summary by reason. Each is named by its full
    id, topic/partition/offset/index/digest (--json: ``letter_id``; ``failure_id`` is the id it was written
    with, without the digest for a letter of before it), the id `failed dismiss` takes."""
    from dataset.failed import lost_records
    from processor.failed import FailedStore

    settings = locate_data_dir(settings)
    rows = FailedStore(settings.data_dir).list(reason=reason, since=_since(since), pending_only=pending)
    for r in rows:
        if as_json:
            click.echo(json.dumps({k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in r.items()
                                   if k not in ("key", "value")}, ensure_ascii=False))
        else:
            click.echo(f"{r['failed_at']:%Y-%m-%dT%H:%M:%SZ} {r['letter_id']:40} {r['reason']:22} {r['status']:10} "
                       f"{(r['detail'] or '')[:80]}")
    if not as_json:
        by = Counter((r["reason"], r["status"]) for r in rows)
        lost = sum(lost_records(r) for r in rows)
        click.echo(f"{len(rows)} failures" + "".join(f"; {n} {reason} {status}" for (reason, status), n in sorted(by.items()))
                   + (f"; lost to the topic's retention: {lost} records ({RETENTION_GAP}: nothing to replay, "
                      "dismiss once noted)" if lost else ""))


@failed.command()
@_reason
@_since_opt
@click.option("--dry-run", is_flag=True, help="Run the steps and report, write nothing.")
@click.pass_obj
def replay(settings, reason, since, dry_run) -> None:
    """Re-process pending dead letters through the processor's steps (idempotent).

    Exits 1 when any letter still fails (a line each says why; they stay pending), 0 when every one went
    through or there was nothing to replay — a script or a cron job can tell without reading the output.
    A retention_gap letter (records Kafka's retention deleted unread) is skipped and said so: nothing of it is left."""
    from dataset.failed import NOT_REPLAYABLE
    from processor.failed import FailedStore
    from processor.replay import replay as run_replay

    settings = locate_data_dir(settings)
    gaps = [r for r in FailedStore(settings.data_dir).list(reason=reason, since=_since(since), pending_only=True)
            if r["reason"] in NOT_REPLAYABLE]
    for r in gaps:
        click.echo(f"{r['letter_id']}: skipped, not replayable: {r['detail'][:160]}")
    counts, results = run_replay(settings, reason=reason, since=_since(since), dry_run=dry_run)
    still = [r for r in results if r["outcome"].startswith("failed")]
    for r in still:
        click.echo(f"{r['failure_id']}: still {r['outcome']}: {r['detail'][:120]}")
    click.echo(f"{len(results)} replayed{' (dry run)' if dry_run else ''}: "
               + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) if results else "nothing to replay")
    if still:
        click.get_current_context().exit(1)


@failed.command()
@click.argument("failure_ids", nargs=-1, required=True)
@click.option("--note", required=True, help="Why they are dismissed (kept in the ledger with your name).")
@click.pass_obj
def dismiss(settings, failure_ids, note) -> None:
    """Mark the pending dead letters FAILURE_IDS (ids as `failed list` prints them) as never to be replayed: an
    undecodable record, a test post, a retention_gap once noted. They leave `failed list --pending` and `failed replay`; the letters
    stay in failed/ until `ascolto purge` removes their month.

    An id of before the digest (topic/partition/offset/index) is taken when one letter alone has
    it; shared by letters of two lives of a topic it is refused, naming their full ids. Exits 2, recording
    nothing, for a malformed or ambiguous id or an empty --note; 1 when an id is of no pending dead letter."""
    from processor.failed import DismissRefused, FailedStore

    from .cli_registry import actor_of

    settings = locate_data_dir(settings)
    try:
        done = FailedStore(settings.data_dir).dismiss(failure_ids, note, actor=actor_of(settings))
    except DismissRefused as exc:
        hint = "FAILURE_IDS" if exc.field == "failure_id" else "--note"
        if exc.state:  # well formed, of no pending letter: the state of failed/, not the input
            raise click.ClickException(f"{hint}: {exc.problem}") from None
        raise click.BadParameter(exc.problem, param_hint=hint) from None
    click.echo(f"{len(done)} dismissed")


@click.command()
@click.option("--min-rows", type=click.IntRange(min=1), default=None, help="Target rows per file (default ASCOLTO_COMPACT_MIN_ROWS).")
@click.pass_obj
def compact(settings, min_rows) -> None:
    """Merge small Parquet files of each period/PA-type directory (safe while processors run)."""
    from processor.compact import compact as run_compact

    settings = locate_data_dir(settings)
    # a volume's first superseding pass waits for the readers' next freshness check (processor.compact)
    done = run_compact(settings.data_dir, min_rows or settings.compact_min_rows, settle_s=2 * settings.rollup_check_s + 1)
    for d in done:
        if d["file"]:
            click.echo(f"{d['dir']}: {d['inputs']} files, {d['rows']} rows -> {d['file']}")
    merged = [d for d in done if d["file"]]
    how = " (superseding their inputs: the volume has no RENAME_EXCHANGE)" if any(d["how"] == "supersede" for d in merged) else ""
    click.echo(f"{len(merged)} directories compacted{how}")
