"""``ascolto registry ...``: manage entities, services, assignments and tokens.

Every command works on ``ASCOLTO_DATABASE_URL`` (brought to the newest schema first), writes
through the registry's service layer (validated and audited as ``--actor``, default
``$ASCOLTO_ACTOR`` or ``cli:$USER``), and exits non-zero with a message naming the option (or argument)
the user typed and the problem when the registry refuses (:func:`cli_error`: the registry's field names
stay the console's and the API's).
"""
from __future__ import annotations

import getpass
import json
import sys
from contextlib import contextmanager
from typing import Any, Iterator

import click

from .cli_codes import PA_TYPE, SERVICE_TYPE

#: ``registry.audit.OBJECT_TYPES``, spelled out: importing the registry here would slow every ``ascolto``
#: command (tests/test_registry_cli_admin.py keeps the two equal)
AUDITED_TYPES = ("entity", "service", "token", "device", "onboarding", "plan", "submission", "release")

def _default_actor(sudo: str = "") -> str:
    """``cli:$USER``; run through ``sudo -u ascolto`` (how a systemd host reaches the registry), the person
    who ran sudo (``sudo``, ``Settings.sudo_user``): ``cli:mrossi (sudo -u ascolto)`` — else every admin
    was logged as ``cli:ascolto``."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name (containers without passwd entries)
        return "cli"
    return f"cli:{sudo} (sudo -u {user})" if sudo and sudo != user else f"cli:{user}"


def actor_of(settings) -> str:
    """Who runs a command that is audited outside the registry group (``ascolto publish``, ``failed
    dismiss``): ``ASCOLTO_ACTOR`` (``Settings.actor``), else as :func:`_default_actor` names them."""
    return getattr(settings, "actor", "") or _default_actor(getattr(settings, "sudo_user", ""))


#: the ``ascolto registry ...`` group's table: a registry field -> the options that set it, where the option
#: is not the field's name (``--sampling-rate`` for ``sampling_rate`` needs no entry); the first one the
#: running command has is said. Sub-groups (plans, names, devices, joins, token) keep their own.
REGISTRY_FIELDS: dict[str, tuple[str, ...]] = {
    "allowed_origins": ("--origin", "--add"), "ipa_code": ("--ipa", "IPA"), "comune_istat": ("--comune",),
    "region_istat": ("--region",), "region_nuts": ("--nuts",), "service_type": ("--type",),
    "entity_ipa": ("--entity",), "questionnaire_id": ("--questionnaire", "QUESTIONNAIRE"),
    "questionnaire_version": ("--version",),
}
#: the ``token`` group's table (as :data:`REGISTRY_FIELDS`)
TOKEN_FIELDS: dict[str, tuple[str, ...]] = {"token": ("REF",)}


def option_of(ctx: click.Context, field: str, table: dict[str, tuple[str, ...]]) -> str:
    """What a CLI user typed for the registry's FIELD on the running command: the first of ``table[field]`` the
    command has, else its parameter named FIELD (an option as its long flag, an argument as its metavar,
    e.g. ``KEY``), else FIELD itself (what no option sets, e.g. a CSV file's ``header``)."""
    params = ctx.command.params
    said = {o: o for p in params for o in p.opts if isinstance(p, click.Option)}
    said.update({p.human_readable_name: p.human_readable_name for p in params if isinstance(p, click.Argument)})
    for name in table.get(field, ()):
        if name in said:
            return said[name]
    for p in params:
        if p.name == field:
            return p.human_readable_name if isinstance(p, click.Argument) else (
                next((o for o in p.opts if o.startswith("--")), p.opts[0]))
    return field


def param_of(ctx: click.Context, said: str, field: str = "") -> click.Parameter | None:
    """The parameter the user typed as ``said`` (:func:`option_of`: an option's flag, an argument's metavar), on
    the running command or a group above it (``--actor``: the registry group's, found by its ``field``); None
    for what no parameter sets (a CSV file's ``header``)."""
    at: click.Context | None = ctx
    while at is not None:
        for p in at.command.params:
            if said in p.opts or p.human_readable_name == said or (field and p.name == field):
                return p
        at = at.parent
    return None


def cli_error(ctx: click.Context, exc, table: dict[str, tuple[str, ...]] | None = None,
              then: str = "") -> click.ClickException:
    """The one-line error of a registry refusal ``exc``, naming the option (:func:`option_of`, on TABLE, default
    :data:`REGISTRY_FIELDS`), ``then`` appended — by the CLI's one rule (README "Exit status"):

    - a malformed or out-of-range value the user typed (:class:`registry.errors.InvalidValue` on a field an
      option or argument sets): a usage error, exit 2, ``Invalid value for '--sampling-rate': 2.0 is outside
      (0, 1]`` — as click says of a value its types refuse (:mod:`ascolto.cli_codes`);
    - anything else the registry refuses — not found, already exists, not allowed by the standard or the
      registry's state, what a file read holds: exit 1, ``OPTION: problem``."""
    from registry import InvalidValue

    said = option_of(ctx, exc.field, REGISTRY_FIELDS if table is None else table)
    param = param_of(ctx, said, exc.field) if isinstance(exc, InvalidValue) else None
    if param is not None:
        return click.BadParameter(f"{exc.problem}{then}", ctx=ctx, param=param)
    return click.ClickException(f"{said}: {exc.problem}{then}")


@contextmanager
def _session(ctx: click.Context, *, commit: bool = True,
             fields: dict[str, tuple[str, ...]] | None = None) -> Iterator[Any]:
    """A registry session on the configured database; registry refusals become clean CLI errors naming
    the option (:func:`cli_error` on ``fields``, the command group's table; an unreachable or silent
    database: :class:`ascolto.cli._Main`, exit status 75)."""
    from registry import RegistryError, connect, dispose

    factory = connect(registry_settings(ctx).database_url)
    session = factory()
    try:
        yield session
        if commit:
            session.commit()
        else:
            session.rollback()
    except RegistryError as exc:
        session.rollback()
        raise cli_error(ctx, exc, fields) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        dispose(factory)


def _emit(rows: list[dict[str, Any]], columns: list[str], as_json: bool) -> None:
    """Rows as JSON, or as a table whose cells stop at 60 characters, a cut one ending in "…"."""
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return
    if not rows:
        click.echo("(none)")
        return
    cells = [[("" if r[c] is None else ",".join(r[c]) if isinstance(r[c], list) else str(r[c])) for c in columns]
             for r in rows]
    widths = [min(60, max(len(c), *(len(row[i]) for row in cells))) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    for row in cells:
        click.echo("  ".join((v if len(v) <= w else v[:w - 1] + "…").ljust(w) for v, w in zip(row, widths)).rstrip())


@click.group()
@click.option("--actor", default=None, show_default="$ASCOLTO_ACTOR or cli:$USER",
              help="Who makes the changes (written in the audit log). Env: ASCOLTO_ACTOR (Settings.actor).")
@click.pass_context
def registry(ctx: click.Context, actor: str | None) -> None:
    """Manage the registry of entities, services and tokens."""
    ctx.meta["ascolto.registry.actor"] = (actor or getattr(ctx.obj, "actor", "")
                                          or _default_actor(getattr(ctx.obj, "sudo_user", "")))


def registry_settings(ctx: click.Context):
    """The settings of a command that opens the registry, pointed at the stack's when none is configured
    (:func:`ascolto.cli_datadir.locate_registry`, once): located here, when a command needs it, not for
    ``--help``, ``service-types`` (the taxonomy) or ``migrate`` (which creates a registry)."""
    from .cli_datadir import locate_registry

    root = ctx.find_root()
    if not root.meta.get("ascolto.registry.located"):
        root.obj, root.meta["ascolto.registry.located"] = locate_registry(root.obj), True
    return root.obj


def _who(ctx: click.Context) -> str:
    return ctx.meta["ascolto.registry.actor"]


@registry.command()
@click.option("--revision", default="head", show_default=True, help="Target Alembic revision.")
@click.option("--wait", "wait_s", default=0, show_default=True, type=click.IntRange(0),
              help="Seconds to keep trying while the database is unavailable (a host booting before it).")
@click.pass_context
def migrate(ctx: click.Context, revision: str, wait_s: int) -> None:
    """Bring the registry schema to REVISION (what every other command does to head first)."""
    from registry import connect, dispose, migrate as mig

    factory = connect(ctx.find_root().obj.database_url, create=False)  # connects lazily
    engine = factory.kw["bind"]
    try:
        before, after = mig.migrate(engine, revision, wait_s)  # an unknown revision: refused before connecting
    except mig.UnknownRevision as exc:
        raise click.BadParameter(str(exc), param_hint="--revision") from None
    finally:
        dispose(factory)
    click.echo(f"registry schema: {before or 'empty'} -> {after} (head {mig.head()})")


@registry.command("seed-demo")
@click.option("--origin", "origins", multiple=True,
              help="Allowed origin (repeatable). Default: the demo site's, on ASCOLTO_DEMO_PORT (8002), as `ascolto up`'s.")
@click.pass_context
def seed_demo(ctx: click.Context, origins) -> None:
    """Insert the demo entities and services that `ascolto up` seeds and `ascolto demo` posts to
    (idempotent)."""
    from registry import RegistryError, connect, dispose
    from registry.demo import demo_origins
    from registry.demo_wide import seed_wide

    settings = registry_settings(ctx)
    factory = connect(settings.database_url)
    try:
        seed_wide(factory, list(origins) or demo_origins(settings.demo_port), actor=_who(ctx))
    except RegistryError as exc:  # a refused --origin: one line, as every registry command
        raise cli_error(ctx, exc) from None
    finally:
        dispose(factory)
    click.echo("demo registry seeded")


@registry.command("import-ipa")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--dry-run", is_flag=True, help="Validate and report, write nothing.")
@click.option("--strict", is_flag=True, help="Write nothing and exit 1 if any row is rejected.")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 50_000),
              help="Rows checked and written per round trip to the database (1–50000); the import stays one "
                   "transaction whatever the size.")
@click.pass_context
def import_ipa(ctx: click.Context, file: str, dry_run: bool, strict: bool, batch_size: int) -> None:
    """Import entities from FILE, the IPA open-data "Enti" CSV ("-" for standard input).

    Idempotent: unchanged entities are neither written nor audited. Rejected rows are listed with
    their line numbers; the other rows are imported (unless --strict). Exit status: 0 imported
    (possibly with rejected rows), 1 the file or, with --strict, a row was refused.
    """
    from registry import ipa

    with _session(ctx, commit=not dry_run) as s:
        if file == "-":
            with click.open_file("-", encoding="utf-8-sig") as stream:
                report = ipa.import_ipa(s, stream, actor=_who(ctx), batch_size=batch_size, name="<stdin>")
        else:
            try:
                report = ipa.import_ipa(s, file, actor=_who(ctx), batch_size=batch_size)
            except OSError as exc:
                raise click.ClickException(f"cannot read {file}: {exc.strerror}") from None
        for r in report.rejected:
            click.echo(f"rejected {r}", err=True)
        if strict and report.rejected:
            s.rollback()
            raise click.ClickException(f"{len(report.rejected)} row(s) rejected; --strict: nothing imported")
    click.echo(report.summary() + (" (dry run: nothing written)" if dry_run else ""))


@registry.command()
@click.argument("key")
@click.argument("questionnaire")
@click.option("--version", type=int, default=None, help="Default: newest published.")
@click.pass_context
def assign(ctx: click.Context, key: str, questionnaire: str, version: int | None) -> None:
    """Assign QUESTIONNAIRE to the service KEY (only one its service type allows)."""
    from registry import ops

    with _session(ctx) as s:
        svc = ops.assign_questionnaire(s, key, questionnaire, version, actor=_who(ctx))
        click.echo(f"service {svc.key}: {svc.questionnaire_id} v{svc.questionnaire_version}")


@registry.command()
@click.argument("key")
@click.pass_context
def activate(ctx: click.Context, key: str) -> None:
    """Activate the service KEY."""
    from registry import ops

    with _session(ctx) as s:
        ops.activate(s, key, actor=_who(ctx))
    click.echo(f"service {key} active")


@registry.command()
@click.argument("key")
@click.pass_context
def deactivate(ctx: click.Context, key: str) -> None:
    """Deactivate the service KEY (its submissions are refused)."""
    from registry import ops

    with _session(ctx) as s:
        ops.deactivate(s, key, actor=_who(ctx))
    click.echo(f"service {key} inactive")


@registry.command("service-types")
@click.option("--category", type=PA_TYPE, help="Only the types that apply to this PA type (IPA category), e.g. L6.")
@click.option("--lang", type=click.Choice(["it", "en"]), default="it", show_default=True,
              help="Language of the labels: it (Italian) or en (English).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def service_types_cmd(category: str | None, lang: str, as_json: bool) -> None:
    """List the valid service types: code, label, PA categories, assignable questionnaires."""
    from questionnaires.taxonomy import service_types

    rows = [{"code": t.code, "label": t.label.get(lang) or t.label["it"], "pa_categories": list(t.pa_categories),
             "questionnaires": list(t.questionnaires)}
            for t in service_types().values() if not category or category in t.pa_categories]
    _emit(rows, ["code", "pa_categories", "questionnaires", "label"], as_json)


@registry.command("list")
@click.argument("what", type=click.Choice(["entities", "services"]))
@click.option("--category", type=PA_TYPE, help="Entities of this PA type (IPA category), e.g. L6.")
@click.option("--region", help="Entities of this region (Istat or NUTS-2 code).")
@click.option("--entity", "entity_ipa", help="Services of this entity.")
@click.option("--type", "service_type", type=SERVICE_TYPE, help="Services of this service type.")
@click.option("--limit", type=click.IntRange(1, 10**9), default=None, help="At most this many rows.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def list_(ctx: click.Context, what: str, category, region, entity_ipa, service_type, limit, as_json) -> None:
    """List entities or services."""
    from registry import audit, ops

    with _session(ctx, commit=False) as s:
        if what == "entities":
            rows = [audit.snapshot(e) for e in ops.list_entities(s, category=category, region=region, limit=limit)]
            cols = ["ipa_code", "category", "region_istat", "region_nuts", "comune_istat", "name"]
        else:
            # test_mode as it counts now (an expired one is off), with its expiry
            rows = [dict(audit.snapshot(x), test_mode=x.in_test_mode()) for x in
                    ops.list_services(s, entity_ipa=entity_ipa, service_type=service_type, limit=limit)]
            rows = [dict(r, test_mode_until=r["test_mode_until"] if r["test_mode"] else None) for r in rows]
            cols = ["key", "entity_ipa", "service_type", "channel", "questionnaire_id", "questionnaire_version",
                    "active", "test_mode", "test_mode_until", "sampling_rate", "allowed_origins", "name"]
    _emit(rows, cols, as_json)


@registry.command()
@click.option("--type", "object_type", type=click.Choice(AUDITED_TYPES), default=None,
              help="Only this kind of object (onboarding: the public form's join requests; plan: improvement plans).")
@click.option("--key", "object_key", default=None, help="Only this object: a service key, an IPA code, a token prefix.")
@click.option("--limit", type=click.IntRange(1, 10**9), default=50, show_default=True, help="At most this many entries.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def log(ctx: click.Context, object_type, object_key, limit, as_json) -> None:
    """Show the audit log, newest first."""
    from registry import audit

    with _session(ctx, commit=False) as s:
        rows = [{"id": a.id, "at": a.at.isoformat(timespec="seconds"), "actor": a.actor, "action": a.action,
                 "object": f"{a.object_type}:{a.object_key}", "before": a.before, "after": a.after,
                 "context": a.context}
                for a in audit.history(s, object_type, object_key, limit)]
    if as_json:
        _emit(rows, [], True)
    else:
        _emit(rows, ["id", "at", "actor", "action", "object", "context"], False)


@registry.group()
def token() -> None:
    """Create, revoke and list tokens (console roles; ``backend``: an entity's back end posting answers)."""


@token.command("create")
@click.option("--role", required=True, type=click.Choice(["admin", "monitoring", "statistician", "entity", "operator", "backend"]),
              help="admin, monitoring, statistician: national staff; entity: one administration's own services "
                   "(its web manager); operator: records judgements at its counters and phones; backend: its back "
                   "end posting answers (no console).")
@click.option("--label", required=True, help="Whose token it is, e.g. 'Istat - servizio statistiche'.")
@click.option("--entity", default=None, metavar="IPA", help="Roles entity, operator, backend: the one administration the token is for.")
@click.option("--manager", is_flag=True, help="Role entity: the token may issue further tokens of its administration.")
@click.option("--expires", default=None, metavar="WHEN",
              help="When the token stops working: a duration (12h, 90d, 26w), a date YYYY-MM-DD (valid through "
                   "that day, UTC) or an ISO 8601 instant. Default: never.")
@click.pass_context
def token_create(ctx: click.Context, role: str, label: str, expires: str | None, entity: str | None,
                 manager: bool) -> None:
    """Create a token and print its secret: shown this once, only a hash is stored."""
    from registry import tokens

    with _session(ctx, fields=TOKEN_FIELDS) as s:
        tok, secret = tokens.create_token(s, role=role, label=label, actor=_who(ctx), expires=expires,
                                          entity=entity, manager=manager)
        until = f", expires {tok.expires_at.isoformat(timespec='seconds')}" if tok.expires_at else ""
    click.echo(secret)
    click.echo(f"token {tok.prefix} ({role}{until}) created; the secret above is not stored and cannot be "
               "shown again", err=True)


@token.command("revoke")
@click.argument("ref")
@click.pass_context
def token_revoke(ctx: click.Context, ref: str) -> None:
    """Revoke the token REF (its prefix or id)."""
    from registry import tokens

    with _session(ctx, fields=TOKEN_FIELDS) as s:
        tok = tokens.revoke_token(s, ref, actor=_who(ctx))
    click.echo(f"token {tok.prefix} revoked")


@token.command("list")
@click.option("--all", "include_revoked", is_flag=True, help="Include revoked tokens.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def token_list(ctx: click.Context, include_revoked: bool, as_json: bool) -> None:
    """List tokens (never their secrets). ``state``: active, pending (a first join's manager token, unusable
    until `joins approve`), expired or revoked."""
    from registry import audit, tokens

    def state(t) -> str:
        return ("revoked" if t.revoked_at is not None else "expired" if t.expired() else
                "pending" if t.pending else "active")

    with _session(ctx, commit=False, fields=TOKEN_FIELDS) as s:
        rows = [dict(audit.snapshot(t), state=state(t)) for t in tokens.list_tokens(s, include_revoked=include_revoked)]
    _emit(rows, ["id", "prefix", "role", "state", "entity_ipa", "label", "created_at", "created_by", "expires_at",
                 "revoked_at"], as_json)



if __name__ == "__main__":  # pragma: no cover
    sys.exit(registry())

