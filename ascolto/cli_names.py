"""``ascolto registry names``: the names of an entity or a service per language (registry.names).

The Italian name (``name``) is mandatory; English, German (Alto Adige), French (Valle d'Aosta) and
Slovenian names are optional. The widget, the hosted form, the kiosk and the console show the name
in their page's language, and the Italian one where the registry has none in it. Every change is
audited like any other (``ascolto registry audit``).
"""
from __future__ import annotations

import click

from .cli_registry import _emit, _session, _who

#: the ``names`` group's table: a registry field -> the argument that sets it (an entity's IPA code is its KEY)
#: (:data:`ascolto.cli_registry.REGISTRY_FIELDS`)
NAMES_FIELDS: dict[str, tuple[str, ...]] = {"ipa_code": ("KEY",),
                                           **{f"name_{lang}": ("NAME",) for lang in ("en", "de", "fr", "sl")}}

KINDS = click.Choice(["entity", "service"])
LANGS = click.Choice(["it", "en", "de", "fr", "sl"])


@click.group("names")
def names() -> None:
    """Names of an entity or a service in the standard's languages (it, en, de, fr, sl)."""


@names.command("set")
@click.argument("kind", type=KINDS, metavar="entity|service")
@click.argument("key")
@click.argument("lang", type=LANGS, metavar="LANG")
@click.argument("name")
@click.pass_context
def set_(ctx: click.Context, kind: str, key: str, lang: str, name: str) -> None:
    """Set the name of entity or service KEY in LANG to NAME (``it``: the Italian name itself), e.g.
    ``ascolto registry names set entity c_a952 de "Gemeinde Bozen"``."""
    from registry.ops import set_names

    with _session(ctx, fields=NAMES_FIELDS) as s:
        set_names(s, kind, key, {lang: name}, actor=_who(ctx), context=f"cli names set {lang}")
    click.echo(f"{kind} {key}: name in {lang} set")


@names.command("remove")
@click.argument("kind", type=KINDS, metavar="entity|service")
@click.argument("key")
@click.argument("lang", type=click.Choice(["en", "de", "fr", "sl"]), metavar="LANG")
@click.pass_context
def remove(ctx: click.Context, kind: str, key: str, lang: str) -> None:
    """Remove the name of entity or service KEY in LANG: pages in LANG show the Italian name again
    (the Italian name itself cannot be removed)."""
    from registry.ops import set_names

    with _session(ctx, fields=NAMES_FIELDS) as s:
        set_names(s, kind, key, {lang: None}, actor=_who(ctx), context=f"cli names remove {lang}")
    click.echo(f"{kind} {key}: name in {lang} removed (pages in {lang} show the Italian name)")


@names.command("show")
@click.argument("kind", type=KINDS, metavar="entity|service")
@click.argument("key")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def show(ctx: click.Context, kind: str, key: str, as_json: bool) -> None:
    """The names of entity or service KEY, one line per language ("(Italian)" where a language has none)."""
    from registry import ops
    from registry.names import OTHER_LANGUAGES

    with _session(ctx, commit=False, fields=NAMES_FIELDS) as s:
        row = ops.get_entity(s, key) if kind == "entity" else ops.get_service(s, key)
        italian, given = row.name, {"it": row.name, **(row.names or {})}
    rows = [{"lang": lang, "name": given.get(lang), "shown": given.get(lang) or f"{italian} (Italian)"}
            for lang in ("it", *OTHER_LANGUAGES)]
    _emit(rows, ["lang", "shown"], as_json)
