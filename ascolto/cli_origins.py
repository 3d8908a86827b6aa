"""``ascolto registry origins``: the pages (origins) a service's widget may run on.

The widget on a page of another origin says "Questo modulo non è attivo su questa pagina" and its
``console.warn`` tells the developer to add the origin to the service: this is how, from the command
line (the console's admin services page does the same). Origins are checked and normalized by
:func:`registry.ops.update_service` (what browsers send in ``Origin``: lower case, no default port,
no path) and every change is audited. The collectors see a change within ``ASCOLTO_REGISTRY_TTL_S``.
"""
from __future__ import annotations

import click

from .cli_registry import _session, _who, registry_settings


@click.command("origins")
@click.argument("key")
@click.option("--add", "added", multiple=True, metavar="URL", help="Allow this origin (repeatable).")
@click.option("--remove", "removed", multiple=True, metavar="URL", help="Stop allowing this origin (repeatable).")
@click.pass_context
def origins(ctx: click.Context, key: str, added: tuple[str, ...], removed: tuple[str, ...]) -> None:
    """Show, add or remove the allowed origins of the service KEY (audited).

    E.g. `ascolto registry origins roma-anagrafe --add https://staging.comune.roma.it`. Without an
    option it prints them, one a line. An origin is scheme://host[:port]; a path is refused."""
    from registry import InvalidValue, ops
    from registry.checks import check_origins

    with _session(ctx, commit=bool(added or removed)) as s:
        current = list(ops.get_service(s, key).allowed_origins or ())
        if added or removed:
            # an origin is removed by the text `origins` lists too: one stored before today's rules
            # (a non-ASCII host) would not pass them, and could never be removed
            listed = {r for r in removed if r in current}
            try:  # a refused --remove says --remove (the registry's field, allowed_origins, is --add's)
                gone = listed | (set(check_origins([r for r in removed if r not in listed], limit=len(removed)))
                                 if removed else set())
            except InvalidValue as exc:  # a malformed origin: wrong input (exit 2), as --add's
                raise click.BadParameter(exc.problem, ctx=ctx, param_hint="'--remove'") from None
            missing = sorted(gone - set(current))
            if missing:
                raise click.ClickException(f"--remove: {', '.join(missing)} not among the service's origins "
                                           f"({', '.join(current) or 'none'})")
            wanted = [o for o in current if o not in gone] + list(added)
            current = list(ops.update_service(s, key, allowed_origins=wanted, actor=_who(ctx)).allowed_origins or ())
    click.echo("\n".join(current) if current else
               "(none: the widget is not active on any page; add one with --add URL)")
    if added or removed:  # the widget's warning sent the developer here: the page works once collectors see it
        ttl = registry_settings(ctx).registry_ttl_s
        click.echo(f"Collectors apply the change within {ttl:g} s (ASCOLTO_REGISTRY_TTL_S): a page refused "
                   "before then works once reloaded after.", err=True)
