"""Exports: CSV, Parquet, SDMX-CSV 2.0, JSON-stat 2.0 (:mod:`warehouse.jsonstat`), a Frictionless Data Package, the SDMX
structure (SDMX-ML 3.0, :mod:`warehouse.sdmx_structure`) and the reference metadata (JSON, :mod:`warehouse.refmeta`:
methods, coverage, revisions; also in JSON-stat's ``extension.reference_metadata``).

The four table formats carry the same *publication table* (:func:`publication_table`), one row per
observation. Series per score indicator (:func:`warehouse.codelists.series_code`):
``<IND>_POS`` — the share of positive judgements in % (top categories of each item's own scale, the
happy face, "yes"; Wilson 95% CI), the headline comparable across instruments — and ``<IND>_MEAN`` on
0–100 (t 95% CI, attribute ``CI_STATUS``) only for cells whose answers come from one scale,
instrument, wording and series; ``task_completed`` as ``TASK_COMPLETED_YES|PARTLY|NO`` shares.
Dimensions: FREQ, REF_AREA (NUTS-2, ``IT`` national), PA_TYPE, SERVICE_TYPE, INSTRUMENT, SCALE,
CHANNEL, INDICATOR, TIME_PERIOD; ``_T`` is a total. Three tables share them (:data:`TABLES`): by
area (region × PA type × service type, with margins), by instrument (service type × instrument ×
scale, with margins; module indicators only here) and by channel (service type × channel). Every
cell is published by :func:`warehouse.protect.publish` (the cell-key method): attribute
``CKM_PERTURBED`` = ``Y`` marks a value derived from perturbed counts; suppressed cells have no
OBS_VALUE, bounds or N_RESP (``OBS_STATUS=Q``, ``CONF_STATUS=A``); ``OBS_STATUS`` is the SDMX
vocabulary in every format (A normal, U low reliability, B break in series, Q suppressed); the attribute
``PROVISIONAL`` = ``Y`` marks a published figure of a period that has not ended yet, beside its
OBS_STATUS (JSON-stat, one status per value, appends ``P``: ``UP``). A period shown in part — still running, or begun before the data
(:func:`warehouse.cube.coverage`: ``--freq A`` for a year whose data start in December) — says so in
the attribute ``COMMENT_OBS`` of its observations (:func:`flag_partial`; JSON-stat: a note on the
period's category of TIME_PERIOD), empty when the period is shown whole. Beside
CSV and Parquet a codelist file (``<name>.codelists.csv``: codelist, code, label_it, label_en)
makes the codes readable (format ``codelists``: that file alone); JSON-stat carries the labels, units (on the metric dimension MEASURE, one
dataset per table and unit), roles and ``updated`` itself.
"""
from __future__ import annotations

import io
import json
import os
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from questionnaires.harmonize import SCORE_INDICATORS

from . import codelists as cl
from .codelists import (COLUMNS, DATAFLOW, SDMX_ATTRIBUTES, SDMX_COLUMNS, SDMX_DIMENSIONS,  # noqa: F401  (re-exported)
                        SDMX_UNIT_ATTRIBUTES, VALUE_DECIMALS)
from .csvsafe import csv_writer, fmt_value as _fmt
from .cube import Cut, coverage, first_data_month, last_day, partial_note, table
from .data_range import require_data
from .jsonstat import collection, dumps as dumps_jsonstat
from .outpath import OutputError, check_parent, make_parent  # noqa: F401  (OutputError re-exported)
from .periods import is_complete, today_rome
from .protect import FREE, MEAN_PUBLISHED, TASK, TASK_POINTS, TOTAL, Protection
from .rollup import MODULE_INDICATORS

NUMERIC = ("OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND")
FORMATS = ("csv", "parquet", "sdmx-csv", "jsonstat", "codelists", "datapackage", "sdmx-structure", "metadata")
NATIONAL = "IT"
#: The tables of the publication: name → (grouping dimensions of the cube, with margins, module indicators).
TABLES = {"area": (["region", "pa_type", "service_type"], True, False),
          "instrument": (["service_type", "instrument", "scale"], True, True),
          "channel": (["service_type", "channel"], True, False)}
_CUBE_TO_SDMX = {"region": "REF_AREA", "pa_type": "PA_TYPE", "service_type": "SERVICE_TYPE",
                 "instrument": "INSTRUMENT", "scale": "SCALE", "channel": "CHANNEL"}


def _progress(iterable: Iterable, total: int, desc: str, progress: bool | None):
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="step", disable=None if progress is None else not progress)


def _series(ind: str, df: pd.DataFrame) -> list[tuple[str, str, pd.Series, pd.Series, pd.Series, str, Any]]:
    """(series code, unit, value, lower, upper, keep mask, CI status) of one indicator's table."""
    if ind == TASK:
        return [(cl.series_code(ind, a.upper()), "PC", df[f"share_{a}"], df[f"share_{a}_lower"],
                 df[f"share_{a}_upper"], None, "") for a in TASK_POINTS]
    mean_ok = df["mean_status"].isin(MEAN_PUBLISHED) | df["mean_status"].isna()
    share_ok = df["top2_status"].isin(["ok"]) | df["top2_status"].isna()
    return [(cl.series_code(ind, "POS"), "PC", df["top2"], df["top2_lower"], df["top2_upper"], share_ok, ""),
            (cl.series_code(ind, "MEAN"), "PT", df["mean"], df["mean_lower"], df["mean_upper"], mean_ok,
             df["mean_status"])]


def publication_table(con, freq: str = "A", start: str | None = None, end: str | None = None,
                      indicators: Iterable[str] | None = None, protection: Protection | None = None,
                      progress: bool | None = False, tables: Iterable[str] = tuple(TABLES),
                      today: date | None = None, lang: str = "en") -> pd.DataFrame:
    """The long table every table export writes (one row per observation, :data:`COLUMNS`, each once);
    ``TABLE`` names the first of :data:`TABLES` giving a row (:func:`table_rows`: a table's rows).

    A mean is left out where its cell pools scales, instruments, wordings or series (the guard), and a
    positive share where its cell pools a non-headline measure with other instruments (``not_headline``:
    the national clarity would mix Designers Italia's page ratings into the services' clarity).
    A period not complete on ``today`` (default: today in Europe/Rome; see
    :func:`warehouse.periods.is_complete`) is left out: a period's figures are published once it has
    ended (docs/confidentiality.md), so ``PROVISIONAL`` (:func:`flag_provisional`) stays empty — the
    column is kept for the files' readers; a period shown in part says so in ``COMMENT_OBS``
    (:func:`flag_partial`, in ``lang``; its coverage in ``attrs["partial"]``).
    ``attrs["withheld"]``: the keys (tuples over ``SDMX_DIMENSIONS``) of the series left out by the guard,
    which JSON-stat marks ``M`` rather than ``O`` (no responses) (:func:`warehouse.jsonstat.collection`)."""
    protection = protection or Protection()
    wanted = list(indicators) if indicators is not None else None
    frames, withheld = [], set()
    steps = [(t, ind) for t in tables for ind in (*SCORE_INDICATORS, *(MODULE_INDICATORS if TABLES[t][2] else ()))
             if wanted is None or ind in wanted]
    for name, ind in _progress(steps, len(steps), "tables", progress):
        by, margins, _ = TABLES[name]
        df = table(con, Cut(indicator=ind, by=by, freq=freq, start=start, end=end, margins=margins), protection)
        if df.empty:
            continue
        free = df["conf_status"] == FREE
        dims = {sdmx: (df[c].replace(TOTAL, NATIONAL) if c == "region" else df[c]) if c in by else
                (NATIONAL if c == "region" else TOTAL) for c, sdmx in _CUBE_TO_SDMX.items()}
        base = pd.DataFrame({"FREQ": freq, **dims, "TIME_PERIOD": df["period"], "N_RESP": df["n"].astype("Int64"),
                             "OBS_STATUS": df["obs_status"], "PROVISIONAL": "", "CONF_STATUS": df["conf_status"],
                             "CKM_PERTURBED": np.where(free & protection.enabled, "Y", ""), "COMMENT_OBS": "",
                             "TABLE": name})
        for code, unit, v, lo, hi, keep, ci in _series(ind, df):
            part = base.assign(INDICATOR=code, OBS_VALUE=v.round(VALUE_DECIMALS),
                               LOWER_BOUND=lo.round(VALUE_DECIMALS), UPPER_BOUND=hi.round(VALUE_DECIMALS),
                               UNIT_MEASURE=unit,
                               CI_STATUS=np.where(free, ci, "") if isinstance(ci, pd.Series) else "")
            if keep is not None:
                withheld.update(part.loc[~keep.to_numpy(), SDMX_DIMENSIONS].itertuples(index=False, name=None))
                part = part[keep.to_numpy()]
            frames.append(part)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in NUMERIC else "Int64" if c == "N_RESP"
                                          else "object") for c in [*COLUMNS, "TABLE"]})
    out = pd.concat(frames, ignore_index=True)
    out["CI_STATUS"] = out["CI_STATUS"].fillna("")
    out = out.drop_duplicates(subset=SDMX_DIMENSIONS, keep="first")[[*COLUMNS, "TABLE"]]
    out = out.sort_values(["INDICATOR", "TIME_PERIOD", *SDMX_DIMENSIONS[1:7]]).reset_index(drop=True)
    # a period is published once it has ended on ``today`` (the cube leaves out the running ones already)
    out = out[[is_complete(p, today) for p in out["TIME_PERIOD"]]].reset_index(drop=True)
    flag_provisional(out, today)
    flag_partial(out, first_data_month(con), today, lang)
    # JSON-stat's ``updated``: the day of the newest response in the data (the same in every export of it)
    out.attrs["updated"] = last_day(con)
    # the series the guard leaves out (keys over SDMX_DIMENSIONS): JSON-stat's status M, not O (no data)
    out.attrs["withheld"] = withheld - set(out[SDMX_DIMENSIONS].itertuples(index=False, name=None))
    return out


def table_rows(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """The rows of the table ``name`` (:data:`TABLES`) in the publication table ``df``, margins included:
    those broken down by its dimensions only (the others at ``_T`` / ``IT``), module series only where
    the table holds them — the long table writes an observation common to several tables once."""
    by, _, modules = TABLES[name]
    keep = np.logical_and.reduce([df[sdmx] == (NATIONAL if c == "region" else TOTAL)
                                  for c, sdmx in _CUBE_TO_SDMX.items() if c not in by])
    if not modules:
        keep &= ~df["INDICATOR"].isin({cl.series_code(i, s) for i in MODULE_INDICATORS for s in ("POS", "MEAN")})
    return df[keep]


def flag_provisional(df: pd.DataFrame, today: date | None = None) -> None:
    """Set ``PROVISIONAL=Y`` on the published cells (``CONF_STATUS=F``) of every ``TIME_PERIOD`` that is
    not complete on ``today`` (:func:`warehouse.periods.is_complete`, the definition behind the API's
    "latest complete period"): the figure will change while answers still arrive. ``OBS_STATUS`` is
    left as :mod:`warehouse.protect` and the break flag decided it — a provisional figure of low
    reliability stays ``U``, the first period after a break ``B`` — so both facts reach every format
    (JSON-stat combines them, :func:`warehouse.codelists.status_code`: ``UP``). A suppressed cell
    stays ``Q`` with PROVISIONAL empty (it has no figure to revise); so does every cell of a
    complete period. The only place provisional-ness is decided."""
    today = today or today_rome()
    running = {p for p in df["TIME_PERIOD"].unique() if not is_complete(p, today)}
    df["PROVISIONAL"] = np.where(df["TIME_PERIOD"].isin(running) & (df["CONF_STATUS"] == FREE), "Y", "")


def flag_partial(df: pd.DataFrame, first: str | None, today: date | None = None, lang: str = "en") -> None:
    """Say in ``COMMENT_OBS`` (the SDMX observation comment) of every observation of a ``TIME_PERIOD``
    shown in part — still running, or begun before the first month with data ``first`` — why
    (:func:`warehouse.cube.coverage` and its wording, :func:`warehouse.cube.partial_note`, in ``lang``,
    English by default: the console's "dati dal 2025-12"); ``df.attrs["partial"]`` keeps each such period's coverage (for
    JSON-stat's notes in either language). A period shown whole leaves it empty."""
    partial = {p: cov for p in df["TIME_PERIOD"].unique() if (cov := coverage(p, first, today=today))["partial"]}
    notes = {p: partial_note(cov, lang) for p, cov in partial.items()}
    df["COMMENT_OBS"] = df["TIME_PERIOD"].map(notes).astype(object).fillna("") if notes else ""
    df.attrs["partial"] = partial


def used_codes(df: pd.DataFrame) -> dict[str, set[str]]:
    return {c: set(df[c].dropna().astype(str)) for c in cl.codelists() if c in df.columns}


def codelist_frame(df: pd.DataFrame, protection: Protection | None = None) -> pd.DataFrame:
    """The codelists of the codes ``df`` uses: codelist, code, label_it, label_en (codes without a
    label in the standard keep the code as their label); the status labels state ``protection``'s
    thresholds, the ones ``df`` was cut with (:func:`warehouse.codelists.codelists`)."""
    rows = cl.rows(used_codes(df), **cl.thresholds(protection))
    known = {(r["codelist"], r["code"]) for r in rows}
    for name, codes in used_codes(df).items():
        for code in sorted(codes - {""}):
            if (name, code) not in known:
                rows.append({"codelist": name, "code": code, "label_it": code, "label_en": code})
    return pd.DataFrame(rows, columns=cl.CSV_HEADER)


def write_csv(df: pd.DataFrame, out) -> None:
    w = csv_writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for row in df[COLUMNS].itertuples(index=False, name=None):
        w.writerow([_fmt(v) for v in row])


def write_sdmx_csv(df: pd.DataFrame, out) -> None:
    """SDMX-CSV 2.0: STRUCTURE, STRUCTURE_ID, ACTION, then dimensions, OBS_VALUE and attributes
    (:data:`SDMX_COLUMNS`: the table's, with UNIT_MULT and DECIMALS after UNIT_MEASURE)."""
    w = csv_writer(out, lineterminator="\n")
    w.writerow(["STRUCTURE", "STRUCTURE_ID", "ACTION", *SDMX_COLUMNS])
    st = SDMX_COLUMNS.index("SERVICE_TYPE")
    for row in df.assign(**SDMX_UNIT_ATTRIBUTES)[SDMX_COLUMNS].itertuples(index=False, name=None):
        cells = [_fmt(v) for v in row]
        cells[st] = cl.sdmx_id(cells[st])  # SDMX identifiers have no dots (warehouse.codelists.sdmx_id)
        w.writerow(["dataflow", DATAFLOW, "I", *cells])


PARQUET_SCHEMA = pa.schema([pa.field(c, pa.float64() if c in NUMERIC else pa.int64() if c == "N_RESP" else pa.string(),
                                      metadata=cl.column_metadata(c)) for c in COLUMNS])  # names, codelists, units


def write_parquet(df: pd.DataFrame, path) -> None:
    """The table's columns as Parquet. The frame's ``attrs`` (the withheld keys, a set) stay out of the
    file: pandas would try to write them as JSON metadata and warn a reader of ``ascolto export`` that it
    could not."""
    table = df[COLUMNS].copy()
    table.attrs = {}
    pq.write_table(pa.Table.from_pandas(table, schema=PARQUET_SCHEMA, preserve_index=False), path)


def write_codelists(df: pd.DataFrame, out, protection: Protection | None = None) -> None:
    """The codelist file of ``df`` (:func:`codelist_frame`; ``protection``: the one ``df`` was cut with)."""
    cl.write_csv(codelist_frame(df, protection).to_dict("records"), out)


def span(start: str | None, end: str | None) -> str:
    """What a downloaded file's name says of its periods: ``-2026-Q3`` (one period),
    ``-2026-01_2026-06`` (a range), ``-2026-01_`` / ``-_2026-06`` (an open end), ``""`` (every period)."""
    if not (start or end):
        return ""
    return "-" + (start or "") + ("" if end == start else f"_{end or ''}")


def codelists_path(out: Path) -> Path:
    """Where the codelist file of a CSV/Parquet export goes: ``<stem>.codelists.csv`` beside it, the stem
    being the whole name but its last suffix (``cx.2026-Q3.csv`` → ``cx.2026-Q3.codelists.csv``), so
    two exports whose names differ only after a dot keep their own codelists."""
    return out.with_name(f"{out.stem}.codelists.csv")


def jsonstat(df: pd.DataFrame, freq: str, protection: Protection | None = None, lang: str = "en",
             updated: str | None = None, reference: dict[str, Any] | None = None) -> dict[str, Any]:
    """The publication table ``df`` as a JSON-stat 2.0 collection (:func:`warehouse.jsonstat.collection`):
    one dataset per table of :data:`TABLES` and unit, each table with its margins (:func:`table_rows`);
    ``updated`` defaults to the day of the newest response (``df.attrs``); a period shown in part
    (:func:`flag_partial`) gets a note in ``lang`` on its category of TIME_PERIOD; ``reference``
    (:func:`warehouse.refmeta.reference_metadata`) goes in the collection's ``extension.reference_metadata``."""
    notes = {p: partial_note(cov, lang) for p, cov in df.attrs.get("partial", {}).items()}
    out = collection([(name, table_rows(df, name)) for name in TABLES], freq, protection, lang,
                     updated or df.attrs.get("updated"), notes, df.attrs.get("withheld"))
    if reference is not None:
        out["extension"] = {"reference_metadata": reference}
    return out


def check_out(fmt: str, out: Path) -> None:
    """Refuse, before anything is read or written, an ``out`` the format cannot use (:class:`OutputError`).

    Table formats write a file (an existing file is replaced): ``out`` must not be a directory, nor
    (CSV, Parquet) its codelist file's path (:func:`codelists_path`). The data package is a
    directory: see :func:`warehouse.datapackage.check_out_dir`."""
    out = Path(out)
    if fmt == "datapackage":
        from .datapackage import check_out_dir

        check_out_dir(out)
        return
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    # out first: "." and "/" have no name to derive the codelists' from (codelists_path's ValueError)
    targets = [out] + ([codelists_path(out)] if fmt in ("csv", "parquet") and out.name else [])
    for target in targets:
        if target.is_dir() or not target.name:
            raise OutputError(f"{target} is a directory; {fmt} is written to a file: give a file name "
                              f"(e.g. {target / ('cx' + _SUFFIX[fmt])}).")
    check_parent(out)


_SUFFIX = {"csv": ".csv", "parquet": ".parquet", "sdmx-csv": ".csv", "jsonstat": ".json", "sdmx-structure": ".xml",
           "metadata": ".json", "codelists": ".codelists.csv"}


def export(con, fmt: str, out: Path, freq: str = "A", start: str | None = None, end: str | None = None,
           protection: Protection | None = None, microdata_k: int = 5, progress: bool | None = False,
           secret: str | None = None, lang: str = "en", data_dir: Path | None = None) -> Path:
    """Write one export to ``out`` (a file; a directory for ``datapackage``). CSV and Parquet get
    their codelist file beside them (:func:`codelists_path`). Every format holds the periods
    ``start``–``end`` (whole periods of ``freq``); the microdata package its months.

    ``out`` is checked first (:func:`check_out`, :class:`OutputError`), then the range: one without
    any response is refused (:func:`warehouse.data_range.require_data`, a ``QueryError`` naming ``from`` or
    ``to``) rather than written as a header-only file; so is a microdata package with no ended month of
    counted responses to hold (:func:`warehouse.export_periods.held_periods`' refusal naming ``freq``, as the
    tables'), which was written without any resource. Every file is written to a
    hidden temporary beside its target and renamed into place once all are complete; on any error
    the temporaries are removed, so a failed export leaves nothing behind. ``secret``: the record
    keys' (``Settings.ckm_secret`` or the data dir's), for the package's count of rows withheld; ``lang``:
    the language of JSON-stat's labels and notes (:func:`jsonstat`), of the reference metadata
    (``metadata``, and JSON-stat's ``extension.reference_metadata``: :mod:`warehouse.refmeta`), of the
    tables' ``COMMENT_OBS`` (:func:`flag_partial`) and of the microdata package's descriptor.
    ``data_dir``: the dataset ``con`` reads; given, the microdata package reads the files listed once
    (:func:`warehouse.dataset.pin`)."""
    out = Path(out)
    protection = protection or Protection()
    check_out(fmt, out)
    if fmt != "sdmx-structure":
        require_data(con, freq, start, end, export=True)
    if fmt == "datapackage":
        from .datapackage import write_datapackage
        from .export_periods import held_periods

        # its months are ended months with data: none is the tables' refusal (naming freq), not an empty package
        held_periods(con, "M", start, end)

        if data_dir is not None:  # its many queries read one listing (warehouse.dataset.pin)
            from .dataset import pin
            pin(con, data_dir)

        return write_datapackage(con, out, k=microdata_k, protection=protection, progress=progress, freq=freq,
                                 start=start, end=end, secret=secret, lang=lang)
    df = None if fmt in ("sdmx-structure", "metadata") else publication_table(
        con, freq, start, end, protection=protection, progress=progress, lang=lang)
    # the structure's header is dated by the data it goes with (warehouse.sdmx_structure: reproducible)
    as_of = last_day(con) if fmt == "sdmx-structure" else None
    reference = None
    if fmt in ("jsonstat", "metadata"):
        from .refmeta import reference_metadata

        reference = reference_metadata(con, freq, start, end, protection, microdata_k, lang=lang)
    make_parent(out)
    files = {out: lambda path: _write_table(df, fmt, freq, protection, path, reference, as_of, lang)}
    if fmt in ("csv", "parquet"):
        files[codelists_path(out)] = lambda path: _write_text(
            path, lambda frame, fh: write_codelists(frame, fh, protection), df)
    tmps = {target: target.with_name(f".{target.name}.tmp") for target in files}
    try:
        for target, write in files.items():
            write(tmps[target])
        for target, tmp in tmps.items():
            os.replace(tmp, target)
    finally:
        for tmp in tmps.values():
            tmp.unlink(missing_ok=True)
    return out


def _write_text(path: Path, writer, df: pd.DataFrame) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer(df, fh)


def _write_table(df: pd.DataFrame | None, fmt: str, freq: str, protection: Protection, path: Path,
                 reference: dict[str, Any] | None = None, as_of: str | None = None, lang: str = "en") -> None:
    """One table format (or the SDMX structure, dated ``as_of``, or the reference metadata) to ``path``;
    JSON-stat labelled in ``lang``."""
    if fmt == "metadata":
        path.write_text(json.dumps(reference, ensure_ascii=False, indent=2) + "\n", "utf-8")
    elif fmt == "sdmx-structure":
        from .sdmx_structure import write_structure

        path.write_text(write_structure(protection, as_of=as_of), "utf-8")
    elif fmt == "parquet":
        write_parquet(df, path)
    elif fmt == "codelists":  # the file a CSV/Parquet export writes beside it, alone
        _write_text(path, lambda frame, fh: write_codelists(frame, fh, protection), df)
    elif fmt == "jsonstat":
        path.write_text(dumps_jsonstat(jsonstat(df, freq, protection, lang, reference=reference)), "utf-8")
    else:
        _write_text(path, write_sdmx_csv if fmt == "sdmx-csv" else write_csv, df)


def render(df: pd.DataFrame, fmt: str, freq: str, protection: Protection | None = None,
           lang: str = "en", reference: dict[str, Any] | None = None,
           metadata_url: str | None = None, as_of: str | None = None) -> tuple[bytes, str]:
    """One table export in memory, for the console API: (body, media type); ``reference``: the range's
    reference metadata (:mod:`warehouse.refmeta`), the body of ``metadata`` and JSON-stat's extension;
    ``metadata_url``: where the SDMX structure's dataflow says those are published (a release's);
    ``as_of``: the day of the newest response, the SDMX structure's ``Prepared`` (default: ``df``'s
    ``updated``, :func:`publication_table`), so that the same data give the same bytes."""
    if fmt == "metadata":
        return (json.dumps(reference, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), "application/json"
    if fmt == "csv" or fmt == "sdmx-csv":
        buf = io.StringIO()
        (write_sdmx_csv if fmt == "sdmx-csv" else write_csv)(df, buf)
        return buf.getvalue().encode("utf-8"), ("application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8"
                                                if fmt == "sdmx-csv" else "text/csv; charset=utf-8")
    if fmt == "codelists":
        buf = io.StringIO()
        write_codelists(df, buf, protection)
        return buf.getvalue().encode("utf-8"), "text/csv; charset=utf-8"
    if fmt == "jsonstat":
        return (dumps_jsonstat(jsonstat(df, freq, protection, lang, reference=reference)).encode("utf-8"),
                "application/json")
    if fmt == "parquet":
        buf = io.BytesIO()
        write_parquet(df, buf)
        return buf.getvalue(), "application/vnd.apache.parquet"
    if fmt == "sdmx-structure":
        from .sdmx_structure import write_structure

        as_of = as_of or (df.attrs.get("updated") if df is not None else None)
        return (write_structure(protection, metadata_url, as_of).encode("utf-8"),
                "application/vnd.sdmx.structure+xml; version=3.0.0")
    raise ValueError(fmt)
