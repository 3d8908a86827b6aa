"""``ascolto registry update-service KEY`` and ``update-entity IPA``: change a service or an entity in
place — its key and every page's tag stay — through :func:`registry.ops.update_service` /
:func:`registry.ops.update_entity` (validated, audited as ``--actor``, nothing written when nothing
changes). The questionnaire (``assign``), the origins (``origins``), the state (``activate``,
``deactivate``, ``test-mode``) and the names in other languages (``names``) have their own commands.
Collectors and processors see a change within ``ASCOLTO_REGISTRY_TTL_S``.
"""
from __future__ import annotations

import click

from .cli_codes import CHANNEL, PA_TYPE, SERVICE_TYPE
from .cli_registry import REGISTRY_FIELDS, _session, _who, option_of


def _changes(before: dict, after: dict, fields: tuple[str, ...]) -> str:
    return ", ".join(f"{f} {before[f]!r} -> {after[f]!r}" for f in fields if before[f] != after[f])


@click.command("update-service")
@click.argument("key")
@click.option("--name", default=None, help="The Italian name (other languages: `ascolto registry names`).")
@click.option("--type", "service_type", default=None, type=SERVICE_TYPE,
              help="Service-type code (ascolto registry service-types); it must apply to the entity and allow the questionnaire assigned.")
@click.option("--channel", default=None, type=CHANNEL, help="web, app, email, sms, kiosk, front_office or phone; the "
              "questionnaire assigned must allow it.")
@click.option("--sampling-rate", type=float, default=None, help="Share of page views the widget invites, in (0, 1].")
@click.pass_context
def update_service(ctx: click.Context, key: str, **given) -> None:
    """Change the service KEY's name, type, channel or sampling rate (only those given; audited)."""
    from registry import audit, ops

    fields = {k: v for k, v in given.items() if v is not None}
    if not fields:
        raise click.UsageError("give at least one of --name, --type, --channel, --sampling-rate")
    with _session(ctx) as s:
        before = audit.snapshot(ops.get_service(s, key))
        after = audit.snapshot(ops.update_service(s, key, actor=_who(ctx), **fields))
    said = _changes(before, after, ("name", "service_type", "channel", "sampling_rate"))
    click.echo(f"service {key} updated: {said}" if said else f"service {key}: nothing to change")


def _region_follows_comune(ctx: click.Context, ipa: str, before: dict, field: str, fields: dict) -> str:
    """The refusal of a ``--region``/``--nuts`` other than the comune's, for an entity that has a comune:
    what disagrees, and the two commands that do what the operator may have meant."""
    from registry.geo import PROVINCE_NUTS, REGIONS

    given = fields[field]
    nuts = fields.get("region_nuts")
    region = fields.get("region_istat") or next(
        (r for r, (_, n) in REGIONS.items() if n == nuts), "04" if nuts in PROVINCE_NUTS.values() else "RR")
    if region == "04" and not nuts:
        nuts = "ITH1|ITH2"
    by_region = f'ascolto registry update-entity {ipa} --comune "" --region {region}' + (
        f" --nuts {nuts}" if nuts else "")
    return (f"{option_of(ctx, field, REGISTRY_FIELDS)}: {given!r} disagrees with comune {before['comune_istat']!r} of entity {ipa} "
            f"(region {before['region_istat']!r}, NUTS-2 {before['region_nuts']!r}): an entity with a comune is in "
            f"the comune's region, so --region/--nuts alone cannot move it.\n"
            f"  To move it to another comune (its region follows):  ascolto registry update-entity {ipa} --comune "
            f"CODE   (the 6-digit Istat code)\n"
            f"  To place it by region only, dropping its comune:  {by_region}")


@click.command("update-entity")
@click.argument("ipa")
@click.option("--name", default=None, help="The Italian name (other languages: `ascolto registry names`).")
@click.option("--category", default=None, type=PA_TYPE,
              help="PA type: an IPA category code of the questionnaire standard, e.g. L6; every service's type must "
                   "apply to it.")
@click.option("--comune", "comune_istat", default=None, help="Istat comune code (6 digits); the region follows.")
@click.option("--region", "region_istat", default=None, help="Istat region code, for an entity without a comune.")
@click.option("--nuts", "region_nuts", default=None, help="NUTS-2 code (Trentino-Alto Adige without a comune).")
@click.pass_context
def update_entity(ctx: click.Context, ipa: str, **given) -> None:
    """Change the entity IPA's name, category or place (only those given; audited). Most entities follow the
    IPA index: `import-ipa` updates them all."""
    from registry import audit, ops
    from registry.ops import RegionFollowsComune

    fields = {k: v for k, v in given.items() if v is not None}
    if not fields:
        raise click.UsageError("give at least one of --name, --category, --comune, --region, --nuts")
    with _session(ctx) as s:
        before = audit.snapshot(ops.get_entity(s, ipa))
        try:
            after = audit.snapshot(ops.update_entity(s, ipa, actor=_who(ctx), **fields))
        except RegionFollowsComune as exc:
            raise click.ClickException(_region_follows_comune(ctx, ipa, before, exc.field, fields)) from None
    said = _changes(before, after, ("name", "category", "comune_istat", "region_istat", "region_nuts"))
    click.echo(f"entity {ipa} updated: {said}" if said else f"entity {ipa}: nothing to change")
