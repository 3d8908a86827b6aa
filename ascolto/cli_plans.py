"""``ascolto registry plans ...``: record, edit, list, show and export improvement plans.

Same conventions as ``ascolto registry``: the configured database (migrated to head first), the
``--actor`` of the ``registry`` group in the audit log, and a refusal exits 1 naming the field.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import click

from .cli_codes import INDICATOR
from .cli_registry import _emit, _session, _who, registry_settings

#: the ``plans`` group's table: a registry field -> the options that set it, where the option is not the
#: field's name (:data:`ascolto.cli_registry.REGISTRY_FIELDS`)
PLANS_FIELDS: dict[str, tuple[str, ...]] = {"version": ("--expected-version",)}

_LIST_COLUMNS = ["plan_id", "version", "entity_ipa", "service_key", "indicator", "measure", "baseline_period",
                 "baseline_value", "target_value", "deadline", "status", "owner"]
#: the --help of the options ``add`` and ``update`` share
_INDICATORS = "satisfaction, ease, clarity, speed, trust or task_completed."
_MEASURES = "top2 = positive share (%); mean = mean score on 0–100."
_STATUSES = ["active", "completed", "withdrawn"]


def _actions(text: str | None, path: str | None) -> str | None:
    if path is None:
        return text
    if text is not None:
        raise click.UsageError("give --actions or --actions-file, not both")
    try:
        with click.open_file(path, encoding="utf-8") as stream:
            return stream.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from None


@contextmanager
def _published_figures(ctx: click.Context) -> Iterator[Any]:
    """The lookup :mod:`registry.plans` checks a baseline with — the service's published (protected)
    figure of a period, as the console's plan form uses — read from the dataset; ``None`` (and a
    warning on stderr) when there is no dataset to read, so a plan can still be recorded before
    data arrive."""
    from warehouse import cube
    from warehouse.dataset import Warehouse
    from warehouse.protect import Protection

    from .cli_datadir import NoDataset, locate_dataset

    settings = registry_settings(ctx)
    try:
        data_dir = locate_dataset(settings)
    except NoDataset as exc:
        click.echo(f"warning: the baseline value is not checked against the published figures: {exc.message}",
                   err=True)
        yield None
        return
    protection = Protection.from_settings(settings)
    with Warehouse(settings.with_(data_dir=data_dir, spool_dir="", run_dir="")) as wh:
        con = wh.cursor()

        def published(service_key: str, indicator: str, measure: str, period: str) -> float | None:
            cell = cube.published_cell(con, protection, indicator, "service", service_key, period)
            return None if cell is None else cell["top2" if measure == "top2" else "mean"]

        yield published


@click.group()
def plans() -> None:
    """Improvement plans of services: indicator, baseline, target, deadline, actions, owner (versioned, audited)."""


@plans.command("add")
@click.option("--service", "service_key", required=True, help="Key of the service the plan is for.")
@click.option("--indicator", required=True, type=INDICATOR, help=_INDICATORS)
@click.option("--measure", default="top2", show_default=True, type=click.Choice(["top2", "mean"]), help=_MEASURES)
@click.option("--baseline", "baseline_period", required=True, help="Baseline period: YYYY-MM, YYYY-Qn or YYYY.")
@click.option("--baseline-value", type=float, default=None, help="The indicator in the baseline period (0–100).")
@click.option("--target", "target_value", required=True, type=float, help="Target value (0–100).")
@click.option("--deadline", required=True, help="YYYY-MM-DD, after the baseline period.")
@click.option("--actions", default=None, help="What will be done (free text). Required: this or --actions-file.")
@click.option("--actions-file", default=None, help="Read the actions from a file ('-' = standard input).")
@click.option("--owner", required=True, help="Who answers for the plan (office or person).")
@click.pass_context
def add(ctx: click.Context, actions, actions_file, **fields) -> None:
    """Record a new plan; prints its id."""
    from registry import plans as ops

    text = _actions(actions, actions_file)
    if text is None or not text.strip():  # said before any look-up, naming the options (not "actions: is required")
        raise click.UsageError("give --actions TEXT or --actions-file FILE: what will be done (a plan needs its actions)")
    with _published_figures(ctx) as published, _session(ctx, fields=PLANS_FIELDS) as s:
        plan = ops.add_plan(s, actor=_who(ctx), actions=text, published=published, **fields)
        click.echo(plan.id)
    click.echo(f"plan {plan.id} for {plan.service_key} recorded (version 1)", err=True)


@plans.command("update")
@click.argument("plan_id")
@click.option("--indicator", default=None, type=INDICATOR, help="New indicator: " + _INDICATORS)
@click.option("--measure", default=None, type=click.Choice(["top2", "mean"]), help="New measure: " + _MEASURES)
@click.option("--baseline", "baseline_period", default=None,
              help="New baseline period: YYYY-MM, YYYY-Qn or YYYY, ended (its published figure becomes the "
                   "baseline value).")
@click.option("--baseline-value", type=float, default=None,
              help="The indicator in the baseline period (0–100); best left out: the published figure is filled "
                   "in, a different value refused.")
@click.option("--target", "target_value", type=float, default=None, help="New target value (0–100).")
@click.option("--deadline", default=None, help="New deadline: YYYY-MM-DD, after the baseline period.")
@click.option("--actions", default=None, help="New text of what will be done (replaces the old one).")
@click.option("--actions-file", default=None, help="Read the new actions from a file ('-' = standard input).")
@click.option("--owner", default=None, help="New owner: who answers for the plan (office or person).")
@click.option("--status", default=None, type=click.Choice(_STATUSES),
              help="active (under way), completed (target reached or work done) or withdrawn (abandoned).")
@click.option("--expected-version", type=int, default=None,
              help="Refuse if the plan is no longer at this version (someone else edited it).")
@click.pass_context
def update(ctx: click.Context, plan_id: str, actions, actions_file, expected_version, **fields) -> None:
    """Edit plan PLAN_ID: a new version with the given fields changed (nothing if nothing changes)."""
    from registry import plans as ops

    changes = {k: v for k, v in fields.items() if v is not None}
    text = _actions(actions, actions_file)
    if text is not None:
        changes["actions"] = text
    with _published_figures(ctx) as published, _session(ctx, fields=PLANS_FIELDS) as s:
        before = ops.get_plan(s, plan_id).version
        plan = ops.update_plan(s, plan_id, actor=_who(ctx), expected_version=expected_version, published=published,
                               **changes)
        after = plan.version
    click.echo(f"plan {plan.id}: version {after}" + (" (unchanged)" if after == before else ""))


@plans.command("list")
@click.option("--entity", "entity_ipa", default=None, help="Only the plans of this entity's services (its IPA code).")
@click.option("--service", "service_key", default=None, help="Only the plans of this service (its key).")
@click.option("--status", default=None, type=click.Choice(_STATUSES),
              help="Only the plans in this status (default: any).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def list_(ctx: click.Context, as_json: bool, **filters) -> None:
    """List plans (current versions)."""
    from registry import plans as ops

    with _session(ctx, commit=False, fields=PLANS_FIELDS) as s:
        rows = ops.export_rows(s, **filters)
    _emit(rows, _LIST_COLUMNS, as_json)


@plans.command("show")
@click.argument("plan_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the plan and its versions) instead of a table.")
@click.pass_context
def show(ctx: click.Context, plan_id: str, as_json: bool) -> None:
    """Show plan PLAN_ID with every version, oldest first."""
    from registry import plans as ops

    with _session(ctx, commit=False, fields=PLANS_FIELDS) as s:
        plan = ops.get_plan(s, plan_id)
        history = [{**ops.snapshot(v), "at": v.at.isoformat(timespec="seconds"), "actor": v.actor}
                   for v in ops.versions(s, plan.id)]
        head = {"plan_id": plan.id, "service_key": plan.service_key, "version": plan.version,
                "created_at": plan.created_at.isoformat(timespec="seconds"), "created_by": plan.created_by}
    if as_json:
        _emit([{**head, "versions": history}], [], True)
        return
    click.echo(" ".join(f"{k}={v}" for k, v in head.items()))
    _emit(history, ["version", "at", "actor", "status", "indicator", "measure", "baseline_period", "baseline_value",
                    "target_value", "deadline", "owner", "actions"], False)


@plans.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True,
              help="CSV (UTF-8, one row a plan) or JSON (a list of objects), with the same columns.")
@click.option("--entity", "entity_ipa", default=None, help="Only the plans of this entity's services (its IPA code).")
@click.option("--service", "service_key", default=None, help="Only the plans of this service (its key).")
@click.option("--status", default=None, type=click.Choice(_STATUSES),
              help="Only the plans in this status (default: any).")
@click.option("--output", "-o", default="-", show_default=True, help="File to write ('-' = standard output).")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: str, **filters) -> None:
    """Export plans (current versions) for the entity's performance plan, as CSV or JSON."""
    from registry import plans as ops

    with _session(ctx, commit=False, fields=PLANS_FIELDS) as s:
        rows = ops.export_rows(s, **filters)
    text = ops.to_csv(rows) if fmt == "csv" else ops.to_json(rows) + "\n"
    if output == "-":
        click.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, "utf-8", newline="")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"{len(rows)} plan(s) written to {output}", err=True)
