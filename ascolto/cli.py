"""The ``ascolto`` command line (DESIGN §9)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

import settings as config_mod

from .cli_export import export_cmd, running_parts, warehouse_cmd
from .cli_publish import public_cmd, publish_cmd

#: the exit status of a command that found the registry's database unreachable or silent (sysexits'
#: EX_TEMPFAIL: nothing is wrong with the command, try it again later)
EXIT_REGISTRY_UNAVAILABLE = 75


class RegistryUnavailable(click.ClickException):
    exit_code = EXIT_REGISTRY_UNAVAILABLE


class WrongDatabaseUrl(click.ClickException):
    """The registry's server answered and refused what ASCOLTO_DATABASE_URL asks: a configuration error."""
    exit_code = 2


class _Main(click.Group):
    """The ``ascolto`` group: any command that meets the registry's database away or silent
    (:data:`registry.errors.UNREACHABLE`; a silent server is given up by :mod:`registry.deadline`) exits
    with :data:`EXIT_REGISTRY_UNAVAILABLE` and one line naming the database (never its password:
    :func:`registry.db.describe`) and the driver's reason — not a traceback.

    Any other database error (a constraint or trigger refusing a row, a table dropped, a server's own
    error) exits 1 with one line: the command that failed, the database, the error's class and first
    line — never SQLAlchemy's ``[SQL: …] [parameters: …]`` block, whose parameters carry token hashes."""

    def invoke(self, ctx: click.Context):
        from sqlalchemy import exc as sa_exc

        from registry.db import describe
        from registry.errors import NOT_MIGRATED, UNREACHABLE, first_line, misconfigured, unmigrated

        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.filename is None or ctx.obj is None:
                raise
            from .cli_preflight import file_error_line

            raise click.ClickException(file_error_line(exc, ctx.obj)) from None
        except (*UNREACHABLE, sa_exc.StatementError) as exc:
            database = describe(getattr(ctx.obj, "database_url", "") or "(ASCOLTO_DATABASE_URL)")
            if misconfigured(exc):
                raise WrongDatabaseUrl(
                    f"the registry database {database} refused the connection ({first_line(exc)}): fix the user, "
                    "password, database name or options in ASCOLTO_DATABASE_URL (retrying will not help)") from None
            if isinstance(exc, UNREACHABLE) and not unmigrated(exc):  # SQLite's "no such table" is one too
                raise RegistryUnavailable(
                    f"the registry database {database} is unavailable ({first_line(exc)}): retry later, or "
                    "check the server and ASCOLTO_DATABASE_URL") from None
            hint = f"; {NOT_MIGRATED}" if unmigrated(exc) else ""
            raise click.ClickException(f"`{_failed_command(exc) or ctx.command_path}` failed on the registry "
                                       f"database {database}: {first_line(exc)}{hint}") from None
        except Exception as exc:
            if "duckdb" not in sys.modules:  # only a command that read the dataset (the probes never import it)
                raise
            from warehouse.dataset import unreadable_file

            if not unreadable_file(exc):
                raise
            raise click.ClickException(f"the dataset cannot be read: {first_line(exc)} — move that file out of "
                                       "ASCOLTO_DATA_DIR (or restore it from the backup)") from None


def _failed_command(exc: BaseException) -> str:
    """The path (``ascolto registry token create``) of the innermost click command ``exc`` went through."""
    path, tb = "", exc.__traceback__
    while tb is not None:
        ctx = tb.tb_frame.f_locals.get("ctx")
        if isinstance(ctx, click.Context):
            path = ctx.command_path
        tb = tb.tb_next
    return path


@click.group(cls=_Main)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Ascolto: centralized customer-experience statistics for Italian public administrations."""
    try:
        ctx.obj = config_mod.load()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


@main.command()
@click.option("--demo-responses", default=100, show_default=True, type=click.IntRange(0),
              help="Demo submissions of today to post through the collector's API at start (0: none).")
@click.option("--demo-months", default=13, show_default=True, type=click.IntRange(0, 60),
              help="Months of demo history to load (once per data directory; 0: none).")
@click.pass_obj
def up(settings, demo_responses: int, demo_months: int) -> None:
    """Run the whole stack locally: broker, collector :8000, processor, console :8001, demo site :8002,
    public site :8003 (ports: ASCOLTO_COLLECTOR_PORT, _CONSOLE_PORT, _DEMO_PORT, _PUBLIC_PORT, _BROKER_PORT). A new
    data directory gets the demo history, its last two ended quarters published (actor "demo"). Exits 2, starting
    nothing, when one of its ports is taken."""
    from deploy.up import up as run_up
    from .cli_demo_releases import publish_demo
    _refuse_weak_secrets(settings, "ASCOLTO_CONSOLE_SECRET", "ASCOLTO_FORM_SECRET")
    sys.exit(run_up(settings, demo_responses=demo_responses, demo_months=demo_months, after_history=publish_demo))


def _refuse_weak_secrets(settings, *names: str) -> None:
    """Exit 2 with a clear message before starting a server whose secret is short or a placeholder."""
    from settings.secret_policy import WeakSecret, check_secret

    values = {"ASCOLTO_CONSOLE_SECRET": settings.console_secret, "ASCOLTO_FORM_SECRET": settings.form_secret}
    try:
        for name in names:
            check_secret(name, values[name])
    except WeakSecret as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)


def _gunicorn(app: str, port: int, host: str, port_var: str, dirs=()) -> None:
    from deploy.up import gunicorn_cmd

    from .cli_preflight import preflight

    preflight(port, host, port_var, dirs)
    cmd = gunicorn_cmd(app, port, host)
    os.execv(cmd[0], cmd)


@main.command()
@click.pass_obj
def collector(settings) -> None:
    """Run the public collector under gunicorn on ASCOLTO_BIND_HOST:ASCOLTO_COLLECTOR_PORT (0.0.0.0:8000), its
    spool in ASCOLTO_SPOOL_DIR (default DATA_DIR/spool), with the spool's shipper to ASCOLTO_BROKER.

    Exits 2 with one line, starting nothing, for a configuration that cannot work: a malformed or
    out-of-range ASCOLTO_* value, a weak ASCOLTO_FORM_SECRET, a port in use, a directory it cannot use."""
    _refuse_weak_secrets(settings, "ASCOLTO_FORM_SECRET")
    from deploy.up import COLLECTOR_APP

    _gunicorn(COLLECTOR_APP, settings.collector_port, settings.bind_host, "ASCOLTO_COLLECTOR_PORT",
              ((settings.data_dir, "ASCOLTO_DATA_DIR", False), (settings.spool_dir, "ASCOLTO_SPOOL_DIR", True)))


@main.command()
@click.pass_obj
def shipper(settings) -> None:
    """Ship this host's collector spool to Kafka (gunicorn's master runs one for `ascolto collector`).

    Runs ``python -m collector.shipper`` in this process's place: nothing imports the collector."""
    from .cli_preflight import preflight

    preflight(dirs=((settings.spool_dir, "ASCOLTO_SPOOL_DIR", True),))
    os.execv(sys.executable, [sys.executable, "-m", "collector.shipper"])


@main.command()
@click.pass_obj
def console(settings) -> None:
    """Run the internal console under gunicorn on ASCOLTO_BIND_HOST:ASCOLTO_CONSOLE_PORT (0.0.0.0:8001),
    reading the dataset in ASCOLTO_DATA_DIR (read-write: its rollup and lock) and the registry.

    Exits 2 with one line, starting nothing, for a configuration that cannot work: a malformed or
    out-of-range ASCOLTO_* value, a weak ASCOLTO_CONSOLE_SECRET, a port in use, a directory it cannot use."""
    _refuse_weak_secrets(settings, "ASCOLTO_CONSOLE_SECRET")
    _gunicorn("warehouse.console:create_app()", settings.console_port, settings.bind_host, "ASCOLTO_CONSOLE_PORT",
              ((settings.data_dir, "ASCOLTO_DATA_DIR", True),))


#: where ``ascolto edge-errors`` listens unless told otherwise (deploy/k8s/edge-errors.yaml)
EDGE_ERRORS_PORT = 8004


@main.command("edge-errors")
@click.option("--port", default=EDGE_ERRORS_PORT, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on (on ASCOLTO_BIND_HOST).")
@click.pass_obj
def edge_errors(settings, port: int) -> None:
    """Run the Kubernetes edge's error backend under gunicorn: ingress-nginx's own refusals (a body
    over 16 KB, a collector down or timed out, a path that is not the API's) answered in the API's
    JSON shape (deploy/edge_errors.py, docs/operations.md "Kubernetes"). Needs no secret."""
    _gunicorn("deploy.edge_errors:app", port, settings.bind_host, "--port")


@main.group(invoke_without_command=True)
@click.pass_context
def processor(ctx: click.Context) -> None:
    """Run one processor (a member of the consumer group ASCOLTO_GROUP on ASCOLTO_TOPIC) until SIGTERM
    (exit 0), writing the dataset under ASCOLTO_DATA_DIR; waits for a broker that is away.

    Exits 3 when halted (too many invalid records in a window: ASCOLTO_DLQ_MAX_RATIO), 4 when a file of
    the dataset could not be written (a full or read-only volume; nothing committed), 2 for a
    configuration that cannot work (a malformed ASCOLTO_* value, a directory it cannot use).
    ``ascolto processor check`` is its liveness probe (exit 0 alive, 1 not)."""
    if ctx.invoked_subcommand is not None:
        return
    settings = ctx.obj
    from .cli_preflight import preflight

    preflight(dirs=((settings.data_dir, "ASCOLTO_DATA_DIR", True), (settings.run_dir, "ASCOLTO_RUN_DIR", True)))
    from processor.consumer import run_forever

    from settings.logs import configure

    configure(settings.log_level)
    status = run_forever(settings)
    if status == 3:
        click.echo("processor halted: too many invalid records in a window (see the log); offsets not committed",
                   err=True)
    elif status:
        click.echo("processor stopped: a file of the dataset could not be written (the log's STOPPED line says "
                   "which and why); offsets not committed", err=True)
    sys.exit(status)


@processor.command("check")
@click.option("--instance", default=None, metavar="NAME",
              help="The processor's instance (default: ASCOLTO_PROCESSOR_INSTANCE, else the host name).")
@click.option("--max-age", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="Stale beyond this (default: ASCOLTO_HEARTBEAT_MAX_AGE_S, else the rebalance timeout "
                   "+ the session timeout + 60 s).")
@click.pass_obj
def processor_check(settings, instance: str | None, max_age: float | None) -> None:
    """Liveness probe: exit 0 when this host's processor INSTANCE turned its loop recently, else print why
    on one line and exit 1 (no heartbeat, stale, halted). For an exec livenessProbe, a Compose
    healthcheck or a systemd timer."""
    from processor.heartbeat import check

    from settings import heartbeat_file

    path = heartbeat_file(settings.run_dir, instance) if instance else settings.processor_heartbeat_file
    reason = check(path, max_age if max_age is not None else settings.heartbeat_max_age)
    if reason is not None:
        click.echo(f"unhealthy: {reason}", err=True)
        sys.exit(1)
    click.echo(f"ok: {path}")


@main.command()
@click.option("--indicator", default="satisfaction", show_default=True,
              help="A score (satisfaction, ease, clarity, speed, trust, task_completed, or a module's "
                   "mod-<module>:<item>) or a category indicator (went_well, went_wrong).")
@click.option("--period", default=None,
              help="One period: YYYY-MM (monthly rows), YYYY-Qn (the quarter) or YYYY (the year); every month "
                   "when omitted.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="The data directory to read (default: ASCOLTO_DATA_DIR, else the var/ of the working "
                   "directory or a parent).")
@click.pass_obj
def indicators(settings, indicator: str, period: str | None, as_json: bool, data_dir: Path | None) -> None:
    """Print an indicator by PA type and service type from the published cube (the cell-key method
    applied): for a score n, the positive share and the mean of its 0-100 scores, for went_well /
    went_wrong the share of each category; a legend under the table says what each column and code means.

    The period's form sets the frequency: YYYY-MM months, YYYY-Qn a quarter, YYYY a year. A period still
    running is refused (exit 2 naming --period and its ended parts with data): a period's figures are
    published once it has ended; without --period, every ended month. A period that began before the
    data is said so under the table (--json: each row's "partial"). Exits 2 naming the option for a
    malformed period or indicator (or a running period); exits 1, creating nothing, when there is no
    dataset or the period holds no response (naming --period)."""
    from warehouse.comparability import NotComparable, QueryError
    from warehouse.console.data import partial_json, partial_note
    from warehouse.cube import Cut, coverage, first_data_month, rows_json, table
    from warehouse.data_range import NoData, require_data
    from warehouse.dataset import Warehouse
    from warehouse.periods import freq_of, require_ended
    from warehouse.protect import Protection

    from .cli_datadir import locate_dataset

    try:
        freq = "M" if period is None else freq_of(period, "period")
        if period is not None:  # a running period is not published (refused naming its ended parts: running_parts)
            require_ended(period, "period")
        cut = Cut(indicator=indicator, by=["pa_type", "service_type"], freq=freq, start=period, end=period).validate()
    except (QueryError, NotComparable) as exc:
        raise click.BadParameter(running_parts(settings, data_dir, period, exc), param_hint=f"--{getattr(exc, 'field', 'indicator')}") from None
    settings = settings.with_(data_dir=locate_dataset(settings, data_dir), data_dir_configured=True)
    with Warehouse(settings) as wh:
        try:
            require_data(wh.cursor(), freq, period, period, period=True)  # names period, not an export
        except NoData as exc:  # the data hold no response there: refused by the state, exit 1
            raise click.ClickException(f"--period: {exc}") from None
        except QueryError as exc:  # what was typed
            raise click.BadParameter(str(exc), param_hint="--period") from None
        rows = rows_json(table(wh.cursor(), cut, Protection.from_settings(settings)), cut)
        first = first_data_month(wh.cursor())
    covered = {p: coverage(p, first) for p in dict.fromkeys(r["period"] for r in rows)}
    partial = {p: cov for p, cov in covered.items() if cov["partial"]}
    if as_json:
        click.echo(json.dumps([{**r, "partial": partial_json(covered[r["period"]])} for r in rows], indent=2))
        return
    from .cli_indicators import print_table

    print_table(rows, indicator, partial, lambda cov: partial_note(cov, "en"))


def _http_url(ctx, param, value: str | None) -> str | None:
    """An http(s) URL with a host, else a usage error naming the option (was urllib's traceback)."""
    from urllib.parse import urlsplit

    if value is not None and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).hostname):
        raise click.BadParameter(f"{value!r} is not an http(s) URL with a host, e.g. http://127.0.0.1:8000")
    return value


@main.command()
@click.option("--responses", type=click.IntRange(min=1), default=100, show_default=True, help="How many submissions to post.")
@click.option("--collector-url", default=None, callback=_http_url,
              help="Default: http://127.0.0.1:$ASCOLTO_COLLECTOR_PORT")
@click.option("--origin", default=None, callback=_http_url,
              help="The page the answers come from, as the widget's Origin (one the demo services allow); also "
                   "the origin of the funnel reports. Default: http://localhost:$ASCOLTO_DEMO_PORT (the demo PA page).")
@click.option("--funnel", is_flag=True, help="Also post the widget's funnel reports of their page views "
              "(about 4 per web answer: under the per-address rate limit this takes minutes).")
@click.option("--seed", default=2026, show_default=True, type=int, help="Draws the submissions and their ids: "
              "the same seed sends the same ids (each stored once); another seed adds answers.")
@click.pass_obj
def demo(settings, responses: int, collector_url: str | None, origin: str | None, funnel: bool, seed: int) -> None:
    """Post realistic synthetic submissions through the real collector API, as the widget on the demo PA page
    would (waits on 429 Retry-After), to the demo services `ascolto up` seeds; with --funnel, the widget's
    funnel counts of their page views too (POST /v1/funnel); exits 1 when the collector cannot be reached or
    refused any, saying why."""
    from urllib.error import URLError

    from deploy.demo_data import demo_bodies, funnel_reports, post_demo, post_funnel

    url = collector_url or f"http://127.0.0.1:{settings.collector_port}"
    origin = origin or f"http://localhost:{settings.demo_port}"
    progress = lambda m: click.echo(m, err=True)  # noqa: E731
    try:
        accepted = post_demo(url, responses, seed, origin=origin, max_wait_s=900, progress=progress)
    except URLError as exc:
        raise click.ClickException(
            f"cannot reach the collector at {url} ({getattr(exc, 'reason', exc)}): start the stack first (`make run`, "
            "or `ascolto up`), or give a running collector's address with --collector-url.") from None
    click.echo(f"{accepted} of {responses} accepted (the ids of --seed {seed}, the same at every run: where they "
               "were stored before they add no answer, since each id is stored once; another --seed adds answers).")
    if funnel:
        reports = funnel_reports(demo_bodies(responses, seed), seed)
        views = post_funnel(url, origin, reports, max_wait_s=900, progress=progress)
        click.echo(f"funnel reports: {views} of {len(reports)} accepted")
    if accepted < responses:
        click.echo("The refusals above say why; the demo posts to the demo services `ascolto up` seeds "
                   "(registry.demo_wide), which the collector's registry must hold.", err=True)
        sys.exit(1)


from .cli_questionnaires import questionnaires  # noqa: E402  (subcommand groups, one module each)
from .cli_failed import compact, failed  # noqa: E402
from .cli_registry import registry  # noqa: E402
from .cli_names import names  # noqa: E402
from .cli_purge import purge  # noqa: E402
from .cli_plans import plans  # noqa: E402
from .cli_devices import devices  # noqa: E402
from .cli_joins import joins  # noqa: E402
from .cli_testmode import test_mode, test_submissions  # noqa: E402
from .cli_origins import origins  # noqa: E402
from .cli_updates import update_entity, update_service  # noqa: E402
from .cli_assign_bulk import assign_bulk  # noqa: E402
from .cli_add import add_entity, add_service  # noqa: E402
from .cli_helptext import plain  # noqa: E402

main.add_command(questionnaires)
main.add_command(registry)
main.add_command(failed)
main.add_command(compact)
main.add_command(export_cmd)
main.add_command(warehouse_cmd)
main.add_command(purge)
main.add_command(publish_cmd)
main.add_command(public_cmd)
registry.add_command(plans)
registry.add_command(devices)
registry.add_command(joins)
registry.add_command(test_mode)
registry.add_command(test_submissions)
registry.add_command(origins)
registry.add_command(update_service)
registry.add_command(update_entity)
registry.add_command(names)
registry.add_command(assign_bulk)
registry.add_command(add_entity)
registry.add_command(add_service)
plain(main)  # the help as a terminal shows it: no reStructuredText markup


if __name__ == "__main__":
    main()
