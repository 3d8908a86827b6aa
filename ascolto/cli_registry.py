"""``ascolto registry ...``: manage entities, services, assignments and tokens."""
from __future__ import annotations

import click


@click.group()
def registry() -> None:
    """Manage the registry of entities and services."""


@registry.command("seed-demo")
@click.option("--origin", "origins", multiple=True, default=["http://localhost:8002", "http://127.0.0.1:8002"])
@click.pass_obj
def seed_demo(settings, origins) -> None:
    """Insert the demo entities and services (idempotent)."""
    from registry import connect
    from registry.demo import seed

    seed(connect(settings.database_url), list(origins))
    click.echo("demo registry seeded")
