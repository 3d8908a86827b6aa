"""The ``ascolto`` command line (DESIGN §9)."""
from __future__ import annotations

import json
import os
import sys

import click

from . import config as config_mod
from .cli_export import export_cmd, warehouse_cmd


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """Ascolto: centralized customer-experience statistics for Italian public administrations."""
    try:
        ctx.obj = config_mod.load()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


@main.command()
@click.option("--demo-responses", default=300, show_default=True, help="Demo submissions to post at start.")
@click.pass_obj
def up(settings, demo_responses: int) -> None:
    """Run the whole stack locally: broker, collector :8000, processor, console :8001, demo site."""
    from deploy.up import up as run_up

    sys.exit(run_up(settings, demo_responses=demo_responses))


def _gunicorn(app: str, port: int) -> None:
    from deploy.up import gunicorn_cmd

    cmd = gunicorn_cmd(app, port, os.environ.get("ASCOLTO_BIND_HOST", "0.0.0.0"))
    os.execv(cmd[0], cmd)


@main.command()
@click.pass_obj
def collector(settings) -> None:
    """Run the public collector under gunicorn."""
    _gunicorn("collector.app:create_app()", settings.collector_port)


@main.command()
@click.pass_obj
def shipper(settings) -> None:
    """Ship this host's collector spool to Kafka (gunicorn's master runs one for `ascolto collector`)."""
    from collector.shipper import run_forever

    from .logs import configure

    configure()
    sys.exit(run_forever(settings))


@main.command()
@click.pass_obj
def console(settings) -> None:
    """Run the internal console under gunicorn."""
    _gunicorn("warehouse.console:create_app()", settings.console_port)


@main.command()
@click.pass_obj
def processor(settings) -> None:
    """Run one processor (a member of the consumer group) until SIGTERM."""
    from processor.consumer import run_forever

    from .logs import configure

    configure()
    status = run_forever(settings)
    if status:
        click.echo("processor halted: too many invalid records in a window (see the log); offsets not committed",
                   err=True)
    sys.exit(status)


@main.command()
@click.option("--indicator", default="satisfaction", show_default=True)
@click.option("--period", default=None, help="YYYY-MM; all periods when omitted.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def indicators(settings, indicator: str, period: str | None, as_json: bool) -> None:
    """Print an indicator by PA type and service type."""
    from warehouse.dataset import open_dataset
    from warehouse.indicators import QueryError, by_pa_and_service_type

    try:
        with open_dataset(settings.data_dir) as con:
            rows = by_pa_and_service_type(con, indicator, period)
    except QueryError as exc:
        raise click.BadParameter(str(exc), param_hint=f"--{exc.field}") from None
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    click.echo(f"{'period':8} {'pa_type':7} {'service_type':34} {'n':>6} {'mean':>6}")
    for r in rows:
        click.echo(f"{r['period']:8} {r['pa_type']:7} {r['service_type']:34} {r['n']:>6} {r['mean']:>6.1f}")


@main.command()
@click.option("--responses", default=300, show_default=True)
@click.option("--collector-url", default=None, help="Default: http://127.0.0.1:$ASCOLTO_COLLECTOR_PORT")
@click.pass_obj
def demo(settings, responses: int, collector_url: str | None) -> None:
    """Post realistic synthetic submissions through the real collector API."""
    from deploy.demo_data import post_demo

    url = collector_url or f"http://127.0.0.1:{settings.collector_port}"
    click.echo(f"{post_demo(url, responses)} of {responses} accepted")


from .cli_questionnaires import questionnaires  # noqa: E402  (subcommand groups, one module each)
from .cli_failed import compact, failed  # noqa: E402
from .cli_registry import registry  # noqa: E402
from .cli_purge import purge  # noqa: E402

main.add_command(questionnaires)
main.add_command(registry)
main.add_command(failed)
main.add_command(compact)
main.add_command(export_cmd)
main.add_command(warehouse_cmd)
main.add_command(purge)


if __name__ == "__main__":
    main()
