"""``ascolto export`` and ``ascolto warehouse …`` (docs/warehouse.md)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cli_datadir import DATA_DIR_OPTION, locate_dataset
from .cli_export_said import written_said

_DATA_DIR = DATA_DIR_OPTION


def _warehouse(settings):
    from warehouse.dataset import Warehouse

    return Warehouse(settings)


@click.command("export")
@click.option("--format", "fmt", required=True,
              type=click.Choice(["csv", "parquet", "sdmx-csv", "jsonstat", "codelists", "datapackage", "sdmx-structure",
                                 "metadata"]),
              help="What to write: the publication table (csv, parquet, sdmx-csv, jsonstat), the labels of its codes "
                   "(codelists: codelist, code, label_it, label_en, the file csv and parquet get beside them), the "
                   "microdata package (datapackage), the SDMX structure (sdmx-structure) or the reference metadata "
                   "(metadata).")
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="Output file (csv and parquet get <stem>.codelists.csv beside them); for datapackage a new or "
                   "empty directory, or a previous Ascolto package's (replaced; nothing else is ever deleted). Only its last "
                   "directory is created, inside one that exists.")
@click.option("--freq", default=None, type=click.Choice(["M", "Q", "A"]),
              help="Periods of the table: M (months, the default, as the console's /api/v1/export/<fmt>: every "
                   "ended month), Q (quarters) or A (years: the running year is left out, said on stderr). The "
                   "microdata package (datapackage) holds months: there it is the frequency --from/--to are written "
                   "in (2026-07: M, 2026-Q3: Q, 2026: A), M without them.")
@click.option("--from", "start", default=None, help="First period (YYYY-MM, YYYY-Qn or YYYY).")
@click.option("--to", "end", default=None, help="Last period.")
@click.option("--lang", default="en", show_default=True, type=click.Choice(["it", "en"]),
              help="jsonstat: the language of its labels and notes (the other one in extension.labels), as the "
                   "console's download offers; jsonstat and metadata: the language of the reference metadata; "
                   "csv, parquet, sdmx-csv: of COMMENT_OBS; datapackage: of the descriptor's words.")
@_DATA_DIR
@click.pass_obj
def export_cmd(settings, fmt: str, out: Path, freq: str, start: str | None, end: str | None, lang: str,
               data_dir: Path | None) -> None:
    """Export the publication table (or the microdata package) protected by the cell-key method, the labels
    of its codes (``codelists``, as the console's /api/v1/export/codelists), its SDMX structure, or its
    reference metadata (``metadata``: SIMS concepts — methods, coverage, revisions). Ended periods only,
    monthly unless --freq says otherwise (as the console's API and Exports page); stderr says which
    periods a table holds and which it leaves out.

    Exits 2 naming the option, writing nothing, for what was typed: --out that cannot be used (a directory
    where a file goes, a file where the package's directory goes, a directory with files Ascolto did not
    write, a path inside the data directory, a path more than one missing directory deep), a malformed,
    reversed or running --from/--to (its figures are published once it has ended). Exits 1, writing nothing,
    for what the dataset holds: no dataset, no response in --from/--to, or a --freq table that would hold no
    ended period (--freq A while every answer is of the running year: use --freq Q or M), each named.
    A failed export leaves nothing behind."""
    from warehouse.comparability import QueryError
    from warehouse.cube import Cut
    from warehouse.data_range import NoData
    from warehouse.export import OutputError, check_out, export
    from warehouse.outpath import check_outside
    from dataset.recordkey import secret_for
    from warehouse.periods import MisalignedRange
    from warehouse.protect import Protection

    asked = freq
    try:
        freq = default_freq(fmt, freq, start, end)
        Cut(freq=freq, start=start, end=end).validate()
        check_out(fmt, out)
    except QueryError as exc:  # a running --from/--to: the latest ended period with data named instead
        said = running_parts(settings, data_dir, None, exc, parts=False)
        if fmt == "datapackage" and isinstance(exc, MisalignedRange):
            said += _months_hint(exc, asked, start, end)
        raise click.BadParameter(said, param_hint=f"--{exc.field}") from None
    except OutputError as exc:
        raise click.BadParameter(str(exc), param_hint="--out") from None
    settings = settings.with_(data_dir=locate_dataset(settings, data_dir), data_dir_configured=True)
    try:
        check_outside(out, settings.data_dir)
    except OutputError as exc:
        raise click.BadParameter(str(exc), param_hint="--out") from None
    try:
        with _warehouse(settings) as wh:
            held = _periods_said(wh.cursor(), fmt, freq, start, end)
            empty = _empty_said(wh.cursor(), fmt, freq, start, end)
            path = export(wh.cursor(), fmt, out, freq=freq, start=start, end=end,
                          protection=Protection.from_settings(settings), microdata_k=settings.microdata_k,
                          progress=None, secret=secret_for(settings.data_dir, settings.ckm_secret), lang=lang,
                          data_dir=settings.data_dir)
    except OutputError as exc:  # --out changed while the export ran
        raise click.BadParameter(str(exc), param_hint="--out") from None
    except NoData as exc:  # what the dataset holds refuses it: a range without any response
        # (warehouse.data_range.require_data), no ended period with data (export_periods.held_periods): exit 1
        raise click.ClickException(f"--{exc.field}: {exc}") from None
    except QueryError as exc:  # what was typed (a range not started yet: warehouse.periods)
        raise click.BadParameter(str(exc), param_hint=f"--{exc.field}") from None
    click.echo(str(path))
    said = written_said(fmt, path, freq, held, empty)
    if said:
        click.echo(said, err=True)


_TABLES = ("csv", "parquet", "sdmx-csv", "jsonstat", "codelists")  # the API's TABLE_FORMATS: hold periods


def _label(value: str | None) -> bool:
    """Whether ``value`` is a period label (YYYY-MM, YYYY-Qn or YYYY)."""
    from warehouse.comparability import QueryError
    from warehouse.periods import freq_of

    try:
        return bool(value) and bool(freq_of(value, "from"))
    except QueryError:
        return False


def _months_hint(exc, asked: str | None, start: str | None, end: str | None) -> str:
    """For a microdata package refused because ``--from``/``--to`` cuts a period of the frequency (``exc``
    a :class:`warehouse.periods.MisalignedRange` from :func:`warehouse.periods.validate_range`): the way out, the ``--freq``
    the refused label is written in, and leaving ``--freq`` out only where the user gave one and the
    frequency ``--from``/``--to`` are written in (:func:`default_freq`) keeps the range. Only for that
    refusal: a running, unstarted or reversed range is not cured by a frequency."""
    from warehouse.comparability import QueryError
    from warehouse.cube import Cut
    from warehouse.periods import freq_of

    finer = freq_of(exc.label, exc.field)
    leave = False
    if asked:
        try:
            Cut(freq=default_freq("datapackage", None, start, end), start=start, end=end).validate()
            leave = True
        except QueryError:
            pass
    return (" The microdata package holds months: " + ("leave --freq out (it follows --from/--to), or give " if leave
                                                        else "give ") + f"--freq {finer}.")


def default_freq(fmt: str, freq: str | None, start: str | None, end: str | None) -> str:
    """``--freq`` as given, else M — the console's ``/api/v1/export/<fmt>`` and Exports page default, which
    leaves out only the running month (A left out the running year's months). For the microdata package,
    whose rows are months whatever the frequency (which only says which boundaries ``--from``/``--to``
    keep), the frequency ``--from``/``--to`` are written in: ``--from 2026-07 --to 2026-09`` is months, ``--from
    2026`` a year (it was refused under the default A: "from=2026-07 starts inside 2026")."""
    if freq:
        return freq
    if fmt == "datapackage" and _label(start or end):
        from warehouse.periods import freq_of

        return freq_of(start or end, "from" if start else "to")
    return "M"


def _periods_said(con, fmt: str, freq: str, start: str | None, end: str | None):
    """The periods a table export (csv, parquet, sdmx-csv, jsonstat, and the codelists of its codes) will hold
    (:class:`warehouse.export_periods.Held`: its periods, the first one's partial coverage, the running
    period left out with the day it is published and the finer ``--freq`` that has ended periods of it),
    said after the export by :func:`ascolto.cli_export_said.written_said`. None for the other formats.

    An export that would hold no period at all is a ``QueryError`` naming ``freq`` (exit 2, nothing
    written): :func:`warehouse.export_periods.held_periods`, the rule the console's API shares."""
    from warehouse.export_periods import held_periods

    return held_periods(con, freq, start, end) if fmt in _TABLES else None


def _empty_said(con, fmt: str, freq: str, start: str | None, end: str | None) -> str | None:
    """For ``metadata``: why its time coverage is empty when the ``--freq`` table it describes would hold no
    period (the tables' refusal, :func:`warehouse.export_periods.held_periods`, which names the running period
    and the finer ``--freq`` to ask); the metadata are still written (their methods hold for any range). None
    otherwise, and for the other formats."""
    from warehouse.comparability import QueryError
    from warehouse.export_periods import held_periods

    if fmt != "metadata":
        return None
    try:
        held_periods(con, freq, start, end)
    except QueryError as exc:
        if exc.field != "freq":
            raise  # a range without data: exit 1 naming --from or --to, as every format
        return str(exc)
    return None


@click.group("warehouse")
def warehouse_cmd() -> None:
    """The warehouse's rollup."""


@warehouse_cmd.command("refresh")
@_DATA_DIR
@click.pass_obj
def refresh(settings, data_dir: Path | None) -> None:
    """Bring the rollup up to date with the responses (incremental)."""
    from warehouse.rollup import refresh as do_refresh

    settings = settings.with_(data_dir=locate_dataset(settings, data_dir), data_dir_configured=True)
    click.echo(json.dumps(do_refresh(settings.data_dir, progress=None if sys.stderr.isatty() else False,
                                     secret=settings.ckm_secret)))


@warehouse_cmd.command("status")
@_DATA_DIR
@click.pass_obj
def status(settings, data_dir: Path | None) -> None:
    """Whether the rollup is built and up to date, and what it covers: ``built``, ``stale`` (a refresh
    would change it), ``input_files`` (the responses files it covers), ``responses_files`` (those on
    disk), ``rollup_files`` and a ``note`` saying the state in words — "not built yet" until the console
    starts or a reader first reads (then ``stale`` and ``input_files: 0`` mean nothing is lost)."""
    from warehouse.rollup import MANIFEST, SCHEMA, read_manifest, rollup_dir, scan_inputs

    settings = settings.with_(data_dir=locate_dataset(settings, data_dir), data_dir_configured=True)
    m = read_manifest(settings.data_dir)
    try:  # a manifest of an older layout is rebuilt: not built either
        built = json.loads((rollup_dir(settings.data_dir) / MANIFEST).read_text("utf-8")).get("schema") == SCHEMA
    except (OSError, ValueError, AttributeError):
        built = False
    now = scan_inputs(settings.data_dir)
    seen = {k: (v["size"], v["mtime_ns"]) for k, v in m["inputs"].items()}
    changed = sum(now.get(k) != seen.get(k) for k in now.keys() | seen.keys())
    if not built:
        note = ("not built yet: the console builds it as it starts, any reader (ascolto indicators, ascolto export) "
                "as it first reads, or ascolto warehouse refresh now") if now else "not built yet: no responses stored yet"
    elif changed:
        note = (f"stale: {changed} responses file{'s' * (changed != 1)} changed since the last refresh; the next reader "
                "(the console within ASCOLTO_ROLLUP_CHECK_S seconds) or ascolto warehouse refresh brings it up to date")
    else:
        note = "up to date: it covers every responses file"
    click.echo(json.dumps({"built": built, "stale": now != seen, "input_files": len(m["inputs"]),
                           "responses_files": len(now), "rollup_files": len(m["outputs"]), "note": note}))


def running_parts(settings, data_dir: Path | None, period: str | None, exc: Exception, parts: bool = True) -> str:
    """``ascolto indicators``' refusal ``exc`` in words: for a running ``--period``, read from the dataset, the
    ended period to ask for instead — the latest of its frequency with data, or that none has ended
    (:func:`warehouse.export_periods.with_data`, as the console says it: not the one right before, "such as
    2025", which may hold no data) — and, for a quarter or year and with ``parts``, " Its ended parts with
    data: …" (:func:`warehouse.export_periods.ended_parts`, worded as ``--period``); any other refusal, or no
    dataset: ``exc`` as it is. ``period`` None: whichever running period ``exc`` names (``ascolto export``'s
    ``--from``/``--to``)."""
    from warehouse.dataset import Warehouse
    from warehouse.export_periods import ended_parts, with_data

    period = period or getattr(exc, "running", None)
    if period is None or getattr(exc, "running", None) != period:
        return str(exc)
    try:
        settings = settings.with_(data_dir=locate_dataset(settings, data_dir), data_dir_configured=True)
    except click.ClickException:
        return str(exc)
    with Warehouse(settings) as wh:
        said, found = str(with_data(wh.cursor(), exc)), ended_parts(wh.cursor(), period) if parts else ""
    return said + (f" Its ended parts with data: {found}." if found else "")
