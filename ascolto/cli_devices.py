"""``ascolto registry devices add|list|revoke``: kiosk devices of a service (issue 14)."""
from __future__ import annotations

import click

from .cli_registry import _emit, _session, _who, registry_settings

#: the ``devices`` group's table: a registry field -> the option or argument that sets it
#: (:data:`ascolto.cli_registry.REGISTRY_FIELDS`)
DEVICES_FIELDS: dict[str, tuple[str, ...]] = {"service": ("--service",), "device": ("REF",)}


@click.group()
def devices() -> None:
    """Register, list and revoke kiosk devices (a totem or tablet of one service)."""


@devices.command("add")
@click.option("--service", "service_key", required=True, help="Key of the service the device collects for.")
@click.option("--label", required=True, help="Where the device stands, e.g. 'Anagrafe - sala d'attesa'.")
@click.option("--channel", type=click.Choice(["kiosk", "front_office"]), default=None,
              help="The channel of its answers (default: the service's, else kiosk).")
@click.pass_context
def devices_add(ctx: click.Context, service_key: str, label: str, channel: str | None) -> None:
    """Register a device; prints its token (shown once) and the kiosk address to open on it."""
    from registry import devices as ops
    from registry.snippet import kiosk_link

    settings = registry_settings(ctx)
    with _session(ctx, fields=DEVICES_FIELDS) as s:
        dev, token = ops.add_device(s, service_key=service_key, label=label, channel=channel, actor=_who(ctx))
        prefix, chan, key = dev.prefix, dev.channel, dev.service_key
    click.echo(token)
    click.echo(f"device {prefix} ({chan}) of service {key} registered; the token above is not stored.", err=True)
    click.echo(f"Open on the device: {kiosk_link(settings.collector_url, key, token)}", err=True)
    if not settings.public_url:  # as add-service says: a device elsewhere cannot reach localhost
        click.echo(f"({settings.collector_url} is the local collector: set ASCOLTO_PUBLIC_URL to its public address.)",
                   err=True)


@devices.command("list")
@click.option("--service", "service_key", default=None, help="Only the devices of this service (its key).")
@click.option("--all", "include_revoked", is_flag=True, help="Include revoked devices.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def devices_list(ctx: click.Context, service_key: str | None, include_revoked: bool, as_json: bool) -> None:
    """List devices (never their tokens)."""
    from registry import audit, devices as ops

    with _session(ctx, commit=False, fields=DEVICES_FIELDS) as s:
        rows = [audit.snapshot(d) for d in ops.list_devices(s, service_key=service_key,
                                                             include_revoked=include_revoked)]
    _emit(rows, ["id", "prefix", "service_key", "channel", "label", "created_at", "revoked_at"], as_json)


@devices.command("revoke")
@click.argument("ref")
@click.pass_context
def devices_revoke(ctx: click.Context, ref: str) -> None:
    """Revoke the device REF (its prefix): its answers are refused from now on."""
    from registry import devices as ops

    with _session(ctx, fields=DEVICES_FIELDS) as s:
        dev = ops.revoke_device(s, ref, actor=_who(ctx))
    click.echo(f"device {dev.prefix} revoked")
