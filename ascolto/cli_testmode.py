"""``ascolto registry test-mode`` and ``ascolto registry test-submissions``: check-up answers (issue 19).

A web manager checks the widget on the service's page before going live. Either the whole service
is in test mode (``test-mode KEY on [--hours N]``: every answer, from the widget, the form or a back
end, is a check-up, for N hours — 24 by default — then it switches itself off), or one embedding says
so (``data-test`` on the script tag, honoured only on a page of one of the service's allowed origins).
Check-ups are stored apart (``$DATA/test/``, :mod:`dataset.testrows`) and never counted;
``test-submissions KEY`` lists the latest ones, so the manager sees that the answer arrived: with its
answers when the page asked for the check-up (``data-test``), only as a count by day and page when
the test mode made it one (a service left in
test mode takes real citizens' answers as check-ups: :func:`dataset.testrows.checkups`).
"""
from __future__ import annotations

import json

import click

from .cli_registry import _emit, _session, _who, registry_settings

#: ``registry.ops.TEST_MODE_HOURS`` and ``TEST_MODE_MAX_HOURS``, spelled out: importing the registry here
#: would slow every ``ascolto`` command (tests/test_testmode_expiry.py keeps them equal)
TEST_MODE_HOURS, TEST_MODE_MAX_HOURS = 24, 168


@click.command("test-mode")
@click.argument("key")
@click.argument("state", type=click.Choice(["on", "off"]))
@click.option("--hours", type=click.IntRange(1, TEST_MODE_MAX_HOURS), default=None,
              help=f"With on: how many hours the test mode lasts before it switches itself off "
                   f"(1–{TEST_MODE_MAX_HOURS}; default {TEST_MODE_HOURS}).")
@click.pass_context
def test_mode(ctx: click.Context, key: str, state: str, hours: int | None) -> None:
    """Switch the test mode of the service KEY on (for --hours, then off by itself) or off (audited).

    While on, every answer to the service is a check-up: stored apart, never counted, and the widget
    says so above the questions. It switches itself off after --hours (default 24, at most a week):
    a mode left on by mistake stops taking citizens' answers; switching it on again sets a new expiry.
    Collectors see the switch within ASCOLTO_REGISTRY_TTL_S, the expiry at once."""
    from registry import ops

    if state == "off" and hours is not None:
        raise click.BadParameter("only with on (off switches the test mode off now)", param_hint="'--hours'")
    with _session(ctx) as s:
        svc = ops.set_test_mode(s, key, state == "on", actor=_who(ctx), hours=hours or TEST_MODE_HOURS)
        until = svc.test_mode_until
    if state == "on":
        click.echo(f"service {key}: test mode on until {until:%Y-%m-%d %H:%M} UTC — its answers are check-ups, stored "
                   f"apart and never counted (see them with `ascolto registry test-submissions {key}`); it switches "
                   f"itself off then, or switch it off before going live")
    else:
        click.echo(f"service {key}: test mode off — its answers count")


@click.command("test-submissions")
@click.argument("key")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="How many check-ups (and test-mode day/page rows) to show at most (1–1000), the latest first.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.pass_context
def test_submissions(ctx: click.Context, key: str, limit: int, as_json: bool) -> None:
    """The latest check-up answers of the service KEY, newest first (data dir: ASCOLTO_DATA_DIR).

    Arrived here means: accepted by the collector, through the broker and stored by the processor.
    Answers are listed only of the check-ups a page asked for (the snippet's data-test); those of the
    test mode — every answer, a real citizen's too if the mode was left on — only as how many arrived
    by day and page, only that some arrived (≥ 1), never how many nor their answers."""
    from dataset import testrows
    from registry import ops
    from warehouse.console.onboarding import band

    settings = registry_settings(ctx)
    with _session(ctx, commit=False) as s:
        ops.get_service(s, key)  # an unknown key is an error, not "(none)"
    found = testrows.checkups(settings.data_dir, key, limit=limit)
    listed = [{k: r[k] for k in testrows.LISTED if k != "test_snippet"} for r in found["listed"]]
    arrived = [dict(a, count=band(a["count"])) for a in found["arrived"]]
    if as_json:
        click.echo(json.dumps({"checkups": listed, "test_mode_checkups": arrived}, indent=2, ensure_ascii=False,
                              default=str))
        return
    table = [{"received_at": r["received_at"].strftime("%Y-%m-%d %H:%M:%S UTC"), "submission_id": r["submission_id"],
              "channel": r["channel"], "device": r["device"], "page": r["page"],
              "answers": ", ".join(f"{k}={v}" for k, v in r["answers"].items())} for r in listed]
    if table or not arrived:
        _emit(table, ["received_at", "submission_id", "channel", "device", "page", "answers"], False)
    if arrived:
        click.echo("test mode (every answer a check-up, a citizen's too: how many arrived, never the answers):")
        _emit([dict(a, page=a["page"] or "-") for a in arrived], ["day", "page", "count"], False)
    if not table and not arrived:  # what to do, not a bare "(none)": the web manager is checking a page
        click.echo(f"no check-up answer of {key} has arrived: answer once on a page of one of its allowed origins "
                   f"(`ascolto registry origins {key}`) carrying the snippet with data-test, or switch its test mode "
                   f"on (`ascolto registry test-mode {key} on --hours 24`); an answer shows here seconds after it is sent.",
                   err=True)
