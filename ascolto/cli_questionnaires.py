"""``ascolto questionnaires ...``: check the standard, publish a version, write the codebook."""
from __future__ import annotations

from pathlib import Path

import click

_DIR = click.option(
    "--dir", "directory", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
    help="A standard directory (definitions/, taxonomy/, published.json); default: the shipped standard.")


def _root(directory: Path | None) -> Path:
    from questionnaires.catalog import STANDARD_DIR

    return directory if directory is not None else STANDARD_DIR


def _print_report(report) -> None:
    for p in report.errors:
        click.echo(f"ERROR    {p}")
    for p in report.warnings:
        click.echo(f"WARNING  {p}")


@click.group()
def questionnaires() -> None:
    """Work with the questionnaire standard."""


@questionnaires.command()
@_DIR
def check(directory: Path | None) -> None:
    """Validate every definition, the taxonomy and the published hashes.

    Exits 1 when there is any error; warnings (translations missing in de, fr or sl; a
    questionnaire no service type uses) are listed but do not fail the check.
    """
    from questionnaires.check import check_standard

    report = check_standard(_root(directory))
    _print_report(report)
    summary = (f"{len(report.questionnaires)} definitions checked: "
               f"{len(report.errors)} errors, {len(report.warnings)} warnings")
    if report.errors:
        click.echo(f"FAIL {summary}")
        raise SystemExit(1)
    click.echo(f"ok: {summary}")


@questionnaires.command()
@click.argument("references", metavar="ID@VERSION...", nargs=-1, required=True)
@_DIR
def publish(references: tuple[str, ...], directory: Path | None) -> None:
    """Record each ID@VERSION as published: its content hash goes into published.json.

    Refuses (and records nothing) unless the standard checks without errors, other drafts aside,
    and each module's base is published or published with it. Once published, a file must never
    change: a change is a new version.
    """
    from questionnaires.check import check_standard
    from questionnaires.analysis import read_definition
    from questionnaires.published import MANIFEST_NAME, content_hash, parse_ref, read_manifest, write_manifest

    keys = []
    for reference in references:
        try:
            keys.append(parse_ref(reference))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="ID@VERSION") from None
    root = _root(directory)
    report = check_standard(root, drafts_ok=True)
    missing = [r for r, k in zip(references, keys) if k not in report.files]
    if missing:
        raise click.ClickException(f"no definition {', '.join(missing)} in {root / 'definitions'}")
    if report.errors:
        _print_report(report)
        click.echo(f"FAIL nothing published: {len(report.errors)} errors")
        raise SystemExit(1)
    manifest_path = root / MANIFEST_NAME
    manifest = read_manifest(manifest_path)
    for reference, key in zip(references, keys):
        base = report.questionnaires[key].base
        if base is not None and base.ref not in manifest and base.ref not in references:
            raise click.ClickException(f"{reference} extends {base.ref}, which is not published: publish both")
    for reference, key in zip(references, keys):
        if reference in manifest:
            click.echo(f"{reference} is already published ({manifest[reference]})")
            continue
        manifest[reference] = content_hash(read_definition(root / report.files[key]))
        click.echo(f"published {reference}: {manifest[reference]}")
    write_manifest(manifest_path, manifest)


@questionnaires.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write codebook.json and codebook.md into (created if missing, inside a directory "
                   "that exists).")
@click.option("--lang", default="en", show_default=True, type=click.Choice(["it", "en"]),
              help="The language of the codebook's own words (headings, meanings, notes, the labels shown), as "
                   "`ascolto export --lang`; the item wording is given in every language either way.")
@_DIR
def codebook(out_dir: Path, lang: str, directory: Path | None) -> None:
    """Write the codebook (items, wording per language, codes, scales, branching, harmonization)."""
    from questionnaires import DefinitionError
    from questionnaires.catalog import Catalog
    from questionnaires.codebook import build_codebook, write_codebook
    from questionnaires.published import MANIFEST_NAME
    from questionnaires.taxonomy import read_taxonomy

    from warehouse.outpath import OutputError, check_parent

    try:  # as `ascolto export --out`: the directory is created only inside one that exists (a typo is no tree)
        check_parent(out_dir / "codebook.json", out_dir)
    except OutputError as exc:
        raise click.BadParameter(str(exc), param_hint="--out") from None
    root = _root(directory)
    try:
        catalog = Catalog.load(root / "definitions", manifest=root / MANIFEST_NAME)
    except DefinitionError as exc:
        for p in exc.problems or [exc]:
            click.echo(f"ERROR    {p}")
        click.echo("FAIL the standard does not load; run `ascolto questionnaires check`")
        raise SystemExit(1) from None
    cats, types, problems = read_taxonomy(root / "taxonomy", relative_to=root)
    for p in problems:
        click.echo(f"WARNING  {p}")
    for path in write_codebook(out_dir, build_codebook(catalog, cats, types, lang)):
        click.echo(f"wrote {path}")
