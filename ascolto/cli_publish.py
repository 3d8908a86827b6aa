"""``ascolto publish`` (scheduled publication of a quarter) and ``ascolto public`` (the open-data site)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import click

from .cli_datadir import DATA_DIR_OPTION, locate_dataset


@click.command("publish")
@click.option("--period", required=True, help="The quarter to release, YYYY-Qn (it must have ended).")
@click.option("--revise", is_flag=True, help="Publish a revision of an already released quarter (a new version).")
@click.option("--note", default=None, help="Why (required with --revise; shown on the public site).")
@DATA_DIR_OPTION
@click.option("--actor", default=None, show_default="$ASCOLTO_ACTOR or cli:$USER",
              help="Who publishes (written in the registry's audit log, not in the public release).")
@click.pass_obj
def publish_cmd(settings, period: str, revise: bool, note: str | None, data_dir: Path | None,
                actor: str | None) -> None:
    """Freeze a quarter's protected table as an immutable release (manifest + SHA-256 checksums).

    Prints what the release changed against the version it supersedes (observations revised, added,
    removed, unchanged), then its directory. Exits 2 for a request that cannot be: not a quarter, a quarter
    not over, --revise without --note; 1 when what is stored refuses it: the quarter already released
    (without --revise), no release to revise, no data, or a revision whose published figures are identical.
    Who published or revised it, and why, goes into the registry's audit log (type ``release``, key
    ``PERIOD/vN``): the public manifest names no person. Exits 1 when that entry cannot be written
    (the release stands; the message says so)."""
    from warehouse.dataset import Warehouse
    from warehouse.protect import Protection
    from warehouse.publish import MANIFEST, ReleaseError, check_quarter, describe, publish

    try:
        check_quarter(period)  # before the dataset is looked for: "no dataset" is not the problem of 2026-Q5
    except ReleaseError as exc:
        raise _refusal(exc) from None
    from .cli_registry import actor_of

    given, who = settings, actor or actor_of(settings)
    settings = settings.with_(data_dir=locate_dataset(settings, data_dir), data_dir_configured=True)
    with Warehouse(settings) as wh:
        try:
            path = publish(wh.cursor(), period, settings.releases_path, Protection.from_settings(settings),
                           revise=revise, note=note, microdata_k=settings.microdata_k)
        except ReleaseError as exc:
            raise _refusal(exc) from None
    manifest = json.loads((path / MANIFEST).read_text("utf-8"))
    click.echo(f"{period} v{manifest['version']}: {describe(manifest['changes'])}")
    click.echo(str(path))
    _audit(given, settings.data_dir, who, manifest, path)


def _refusal(exc) -> click.ClickException:
    """A refused publication naming the option (``--period``, ``--revise``, ``--note``; a field that is no
    option, a release's checksum, as it is), by the CLI's one rule: what is stored refuses it (``exc.state``:
    already released, nothing to revise, no responses, identical figures) exit 1; the request itself (not a
    quarter, not ended, a revision without a note) a usage error, exit 2, as export's and indicators'."""
    said = f"--{exc.field}" if exc.field in ("period", "revise", "note") else exc.field
    if getattr(exc, "state", False):
        return click.ClickException(f"{said}: {exc.problem}")
    if exc.field in ("period", "revise", "note"):
        return click.BadParameter(exc.problem, param_hint=said)
    return click.UsageError(str(exc))


def _registry_url(given, data_dir: Path) -> str | None:
    """The registry of the stack whose data directory was published: ``ASCOLTO_DATABASE_URL`` when set,
    else the data directory's ``registry.db``, else the one :func:`~ascolto.cli_datadir.locate_registry`
    finds; ``None`` when there is no registry at all (a warehouse copy on its own: SQLite, no file)."""
    from .cli_datadir import locate_registry

    url = given.database_url
    if url == f"sqlite:///{given.data_dir / 'registry.db'}":  # not configured: the stack's own
        if (data_dir / "registry.db").is_file():
            return f"sqlite:///{data_dir / 'registry.db'}"
        try:
            url = locate_registry(given).database_url
        except click.ClickException:
            return None
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return None  # connecting would create an empty registry
    return url


def _audit(given, data_dir: Path, actor: str, manifest: dict, path: Path) -> None:
    """One ``release`` entry in the audit log of the registry of the stack whose ``data_dir`` was published
    (:func:`_registry_url`) for the release just made (``publish`` or ``revise``). Without a registry it
    says the release is not audited; a :class:`click.ClickException` saying the release stands when the
    entry cannot be written."""
    from registry import session_scope
    from registry.audit import record
    from registry.db import connect

    key = f"{manifest['period']}/v{manifest['version']}"
    try:
        url = _registry_url(given, data_dir)
        if url is None:
            click.echo(f"note: no registry found beside {data_dir}: who published {key} is not in an audit log.",
                       err=True)
            return
        with session_scope(connect(url, create=False)) as session:
            record(session, actor=actor, action="revise" if manifest.get("supersedes") else "publish",
                   object_type="release", object_key=key,
                   after={"note": manifest.get("note"), "rows": manifest.get("rows"),
                          "supersedes": manifest.get("supersedes"), "changes": manifest.get("changes"),
                          "created_at": manifest.get("created_at")})
    except Exception as exc:  # the release is made and immutable: say so, and what is missing
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise click.ClickException(
            f"{key} was released ({path}), but its entry in the registry's audit log could not be written: "
            f"{first}. Record who published it and why in your change log.") from None


@click.command("public")
@click.pass_obj
def public_cmd(settings) -> None:
    """Run the public open-data site under gunicorn (ASCOLTO_PUBLIC_PORT, 8003)."""
    from .cli_preflight import preflight
    from deploy.up import gunicorn_cmd

    preflight(settings.public_port, settings.bind_host, "ASCOLTO_PUBLIC_PORT")
    cmd = gunicorn_cmd("warehouse.public:create_app()", settings.public_port, settings.bind_host)
    os.execv(cmd[0], cmd)
