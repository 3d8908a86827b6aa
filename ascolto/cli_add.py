"""``ascolto registry add-entity`` and ``add-service``: onboard an entity and its services by hand
(:mod:`ascolto.cli` adds them to the ``registry`` group)."""
from __future__ import annotations

import click
from click.core import ParameterSource

from .cli_codes import CHANNEL, PA_TYPE, SERVICE_TYPE
from .cli_registry import _session, _who, cli_error, registry_settings


@click.command("add-entity")
@click.option("--ipa", "ipa_code", required=True, help="IPA code (Codice_IPA).")
@click.option("--name", required=True, help='The official name (Denominazione_ente), e.g. "Comune di Bologna".')
@click.option("--category", required=True, type=PA_TYPE,
              help="PA type: an IPA category code the questionnaire standard defines, e.g. L6, C16.")
@click.option("--comune", "comune_istat", help="Istat comune code (6 digits); region derived from it.")
@click.option("--region", "region_istat", help="Istat region code, for entities without a comune.")
@click.option("--nuts", "region_nuts", help="NUTS-2 code (only needed in Trentino-Alto Adige without a comune).")
@click.pass_context
def add_entity(ctx: click.Context, **fields) -> None:
    """Add one entity by hand (most come from import-ipa)."""
    from registry import ops

    with _session(ctx) as s:
        e = ops.add_entity(s, actor=_who(ctx), **fields)
        click.echo(f"entity {e.ipa_code} added ({e.category}, region {e.region_istat} {e.region_nuts})")


@click.command("add-service")
@click.option("--entity", "entity_ipa", required=True, help="IPA code of the entity.")
@click.option("--name", required=True, help='The name citizens know the service by, e.g. "Certificati anagrafici".')
@click.option("--type", "service_type", required=True, type=SERVICE_TYPE,
              help="Service-type code from the taxonomy (ascolto registry service-types).")
@click.option("--key", default=None, help="Public key (default: generated).")
@click.option("--channel", default="web", show_default=True, type=CHANNEL,
              help="Where the answers are collected: web, app, email, sms, kiosk, front_office or phone "
                   "(the faccia questionnaire of sportello.urp: front_office, kiosk or phone).")
@click.option("--origin", "origins", multiple=True, help="Allowed origin (repeatable), e.g. https://www.comune.roma.it")
@click.option("--questionnaire", "questionnaire_id", default=None,
              help="Default: the first the service type allows.")
@click.option("--version", "questionnaire_version", type=int, default=None, help="Default: newest published.")
@click.option("--sampling-rate", default=1.0, show_default=True, type=float,
              help="Share of visits asked for an answer, over 0 and at most 1.")
@click.option("--inactive", is_flag=True, help="Create the service deactivated.")
@click.option("--key-only", is_flag=True, help="Print only the key (for scripts).")
@click.option("--lang", default="it", type=click.Choice(("it", "en", "de", "fr", "sl")), help="The printed link's language.")
@click.pass_context
def add_service(ctx: click.Context, origins, inactive: bool, key_only: bool, lang: str, **fields) -> None:
    """Add a service; prints its public key, then what its channel collects with: on the web the HTML to paste
    into the PA's page, for an app, e-mail or SMS the form's link, for the phone, a counter or kiosk where to answer.

    Addresses point at ASCOLTO_PUBLIC_URL, the collector's public address (default
    http://localhost:$ASCOLTO_COLLECTOR_PORT)."""
    from registry import RegistryError, ops
    from registry.snippet import channel_kit

    settings = registry_settings(ctx)
    with _session(ctx) as s:
        try:
            svc = ops.add_service(s, actor=_who(ctx), allowed_origins=list(origins), active=not inactive, **fields)
        except RegistryError as exc:
            if exc.field == "channel" and ctx.get_parameter_source("channel") is ParameterSource.DEFAULT:
                # the operator chose no channel: say the option that fixes it (e.g. sportello.urp's faccia)
                raise cli_error(ctx, exc, then=": add --channel (the service type's questionnaire is not "
                                               "collected on the web)") from None
            raise
        key, allowed, channel, entity = svc.key, list(svc.allowed_origins or ()), svc.channel, svc.entity_ipa
        click.echo(key)
        click.echo(f"service {svc.key} of {svc.entity_ipa}: {svc.service_type}, "
                   f"{svc.questionnaire_id} v{svc.questionnaire_version}, {channel}, "
                   f"{'active' if svc.active else 'inactive'}", err=True)
    if key_only:
        return
    kit = channel_kit(settings.collector_url, key, channel, lang)
    operator_token = f'ascolto registry token create --role operator --entity {entity} --label "..."'
    if kit["kind"] == "snippet":
        where = (f"on {', '.join(allowed)}" if allowed else
                 f"(no allowed origin yet: add one with `ascolto registry origins {key} --add URL`, "
                 "or the widget says it is not active)")
        click.echo(f"\nPaste this into the page where the service ends, {where}:\n")
        click.echo(kit["code"])
    elif kit["kind"] == "link":
        how = {"app": "Open this link from the app", "email": "Send this link by e-mail"}.get(channel, "Send this link by SMS")
        click.echo(f"\n{how} right after the service; its answers are recorded on the {channel} channel:\n")
        click.echo(kit["code"])
    elif kit["kind"] == "operator":
        click.echo("\nOn the phone the operator enters the answers after the call, on the console's operator page "
                   "(/operator), with an operator token of the entity:\n")
        click.echo(operator_token)
        return
    else:
        click.echo(f"\nRegister each {channel} device; it prints the kiosk address to open on it:\n")
        click.echo(f'ascolto registry devices add --service {key} --label "..."')
        if channel == "front_office":
            click.echo("\nAt the counter, operators may also enter the answers on the console's operator page "
                       f"(/operator): {operator_token}")
        return
    if not settings.public_url:
        click.echo(f"\n({settings.collector_url} is the local collector: set ASCOLTO_PUBLIC_URL to its public address.)")

