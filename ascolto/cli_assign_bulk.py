"""``ascolto registry assign-bulk``: assign questionnaires to many services in one run (:mod:`registry.bulk`)."""
from __future__ import annotations

import click

from .cli_codes import SERVICE_TYPE
from .cli_registry import _session, _who


@click.command("assign-bulk")
@click.option("--csv", "csv_file", metavar="FILE",
              help='A CSV file ("-": standard input) with a header line and the columns service,questionnaire'
                   "[,version]: one service key per line; an empty or missing version is the newest published.")
@click.option("--service-type", metavar="CODE", type=SERVICE_TYPE,
              help="Instead of a file: every service of this type (see `registry service-types`).")
@click.option("--entity", metavar="IPA", help="With --service-type: only the services of this entity.")
@click.option("--questionnaire", metavar="ID", help="With --service-type: the questionnaire to assign, e.g. cx-core.")
@click.option("--version", type=click.IntRange(1), default=None,
              help="With --service-type: the questionnaire's version (default: newest published).")
@click.option("--dry-run", is_flag=True, help="Check every line and print what would change; write nothing.")
@click.pass_context
def assign_bulk(ctx: click.Context, csv_file: str | None, service_type: str | None, entity: str | None,
                questionnaire: str | None, version: int | None, dry_run: bool) -> None:
    """Assign questionnaires to many services: from --csv FILE, or to every service of --service-type.

    All or nothing: every line is checked first (the service exists, its type allows the
    questionnaire, the version is published, it fits the service's channel); if any is refused, each
    refusal is printed with its line (or service) and field, and nothing is assigned. Services that
    already have that questionnaire and version are left as they are; each one changed gets its own
    audit entry ("bulk ..., line N"). Exit status: 0 done (or, with --dry-run, all would be), 1 refused.

    \b
    Examples:
      ascolto registry assign-bulk --service-type anagrafe.certificati --questionnaire mod-anagrafe --dry-run
      ascolto registry assign-bulk --csv assignments.csv
    """
    from registry import bulk

    if bool(csv_file) == bool(service_type):
        raise click.UsageError("give --csv FILE or --service-type CODE, not both" if csv_file else
                               "say which services: --csv FILE, or --service-type CODE --questionnaire ID")
    if csv_file and (entity or questionnaire or version):
        raise click.UsageError("--entity, --questionnaire and --version go with --service-type; with --csv each "
                               "line names its service, questionnaire and version")
    if service_type and not questionnaire:
        raise click.UsageError("--service-type needs --questionnaire ID (the questionnaire to assign)")
    with _session(ctx, commit=not dry_run) as s:
        if csv_file:
            source = "<stdin>" if csv_file == "-" else csv_file
            try:
                stream = click.open_file("-", encoding="utf-8-sig") if csv_file == "-" \
                    else open(csv_file, encoding="utf-8-sig", newline="")
                with stream:
                    rows, refusals = bulk.read_csv(stream, source)
            except OSError as exc:
                raise click.ClickException(f"cannot read {csv_file}: {exc.strerror}") from None
            except UnicodeDecodeError:
                raise click.ClickException(f"cannot read {csv_file}: not UTF-8 text (save the sheet as CSV UTF-8)") \
                    from None
            if not rows and not refusals:
                raise click.ClickException(f"{source} has a header but no line to assign")
        else:
            source = f"--service-type {service_type}" + (f" --entity {entity}" if entity else "")
            rows, refusals = bulk.select(s, service_type=service_type, questionnaire=questionnaire,
                                         version=version, entity=entity), []
        total = len(rows) + len(refusals)  # the lines a file's reading refused are not rows
        planned, refused = bulk.plan(s, rows)
        refusals = sorted(refusals + refused, key=_order)
        for r in refusals:
            click.echo(f"refused {r}", err=True)
        if refusals:
            raise click.ClickException(f"{len(refusals)} of {total} line(s) refused: nothing assigned "
                                       "(fix them and run again)")
        for p in planned:
            (bq, bv), (aq, av) = p.before, p.after
            click.echo(f"{p.row.service}: {aq} v{av} (unchanged)" if not p.changes
                       else f"{p.row.service}: {bq or '-'} v{bv or '-'} -> {aq} v{av}")
        if not dry_run:
            bulk.apply(s, planned, refusals, actor=_who(ctx), source=source)
    changed = sum(p.changes for p in planned)
    verb = "to assign" if dry_run else "assigned"
    click.echo(f"{len(planned)} service(s): {changed} {verb}, {len(planned) - changed} unchanged"
               + (" (dry run: nothing written)" if dry_run else ""))


def _order(refusal) -> tuple[int, str]:
    """Refusals in file order (``line 9`` before ``line 10``), a selection's by service key."""
    where = refusal.where
    return (int(where.split()[1]), "") if where.startswith("line ") else (0, where)
