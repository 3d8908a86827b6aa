"""``ascolto registry joins list|approve|reject``: the requests of the public ``/join`` form, decided
from the command line as from the console's ``/admin/onboarding`` (:mod:`registry.onboarding`).

A first join (an administration without a manager) handed its requester a *pending* manager
token: ``approve`` activates it — so first ask the administration, at its PEC address in the IPA
index, to confirm the request's number — and ``reject`` revokes it. No secret is ever printed here.
"""
from __future__ import annotations

import click

from .cli_registry import _emit, _session, _who

#: the ``joins`` group's table: a registry field -> the argument that sets it
#: (:data:`ascolto.cli_registry.REGISTRY_FIELDS`)
JOINS_FIELDS: dict[str, tuple[str, ...]] = {"request": ("REQUEST_ID",)}

_COLUMNS = ["id", "status", "ipa_code", "service_name", "service_type", "allowed_origins", "channels",
            "created_at", "first_join", "has_manager"]


@click.group()
def joins() -> None:
    """List, approve and reject requests made through the public /join form."""


@joins.command("list")
@click.option("--status", type=click.Choice(["pending", "approved", "rejected", "all"]), default="pending",
              show_default=True, help="The requests in this state (pending: still to decide; all: every one).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def joins_list(ctx: click.Context, status: str, as_json: bool) -> None:
    """The requests (pending ones by default), newest first. ``first_join``: approving activates the
    requester's manager token; ``has_manager``: the administration has one already (no token)."""
    from registry import onboarding

    with _session(ctx, commit=False, fields=JOINS_FIELDS) as s:
        reqs = onboarding.list_requests(s, None if status == "all" else status)
        managed = {ipa for ipa in {r.ipa_code for r in reqs} if onboarding.active_manager(s, ipa) is not None}
        rows = [dict(r.snapshot(), created_at=r.created_at.strftime("%Y-%m-%d %H:%M"),
                     has_manager=r.ipa_code in managed,
                     first_join=r.status == "pending" and bool(r.token_prefix) and r.ipa_code not in managed)
                for r in reqs]
    _emit(rows, _COLUMNS + (["reason", "service_keys"] if status != "pending" else []), as_json)
    if not as_json and any(r["first_join"] for r in rows):
        click.echo("first_join: approving activates the manager token its requester holds; ask the administration "
                   "(its PEC address in the IPA index) to confirm the request number first.", err=True)


@joins.command("approve")
@click.argument("request_id", type=int)
@click.pass_context
def joins_approve(ctx: click.Context, request_id: int) -> None:
    """Approve REQUEST_ID: create its services (their keys are printed) and activate its requester's
    pending manager token, if any."""
    from registry import onboarding

    with _session(ctx, fields=JOINS_FIELDS) as s:
        req, token = onboarding.approve(s, request_id, actor=_who(ctx))
        keys, ipa, requested = list(req.service_keys or ()), req.ipa_code, req.token_prefix
        prefix = token.prefix if token is not None else None
        managed = onboarding.active_manager(s, ipa) is not None
    for key in keys:
        click.echo(key)
    if prefix:
        said = f"the requester's manager token {prefix} is active now."
    elif managed:
        said = "no token activated (the administration has a manager, who sees the services in her workspace)."
    else:  # the requester's pending token was revoked before the approval: nobody holds a working token
        why = f"the requester's token {requested} was revoked and " if requested else ""
        said = (f"no token activated: {why}{ipa} has no manager; issue one "
                f"with `ascolto registry token create --role entity --entity {ipa} --manager --label …`.")
    click.echo(f"request {request_id} approved: {len(keys)} service(s) of {ipa}; {said}", err=True)


@joins.command("reject")
@click.argument("request_id", type=int)
@click.option("--reason", required=True, help="Why (recorded and audited).")
@click.pass_context
def joins_reject(ctx: click.Context, request_id: int, reason: str) -> None:
    """Reject REQUEST_ID (its requester's pending token, if any, is revoked)."""
    from registry import onboarding

    with _session(ctx, fields=JOINS_FIELDS) as s:
        onboarding.reject(s, request_id, actor=_who(ctx), reason=reason)
    click.echo(f"request {request_id} rejected", err=True)
