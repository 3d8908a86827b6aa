"""``ascolto questionnaires ...``: check the standard set and write its codebook."""
from __future__ import annotations

import click


@click.group()
def questionnaires() -> None:
    """Work with the questionnaire standard."""


@questionnaires.command()
def check() -> None:
    """Validate every shipped definition; exit non-zero listing the problems."""
    from questionnaires import DefinitionError
    from questionnaires.catalog import Catalog

    try:
        catalog = Catalog.load()
    except DefinitionError as exc:
        click.echo(f"FAIL {exc}", err=True)
        raise SystemExit(1) from None
    click.echo(f"ok: {len(catalog)} definitions")
