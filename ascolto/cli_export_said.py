"""What ``ascolto export`` says on stderr it wrote, one line per export, each kind in its own words and only what
it wrote: a table (csv, parquet, sdmx-csv, jsonstat) its periods (:class:`warehouse.export_periods.Held`), csv
and parquet also the codelist file beside it; the codelists their codes and codelists, and the table whose
codes they label (they hold no period: "2 months exported" was said of them); the SDMX structure its
artefacts; the microdata package its months, resources and rows; the reference metadata its concepts.
Read from the files written where they state it; a file that does not read as expected gets no line
(nothing is guessed)."""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path


def written_said(fmt: str, path: Path, freq: str, held=None, empty: str | None = None) -> str | None:
    """The line for an export of ``fmt`` written to ``path``: ``held`` the periods of a table format
    (``ascolto.cli_export._periods_said``), ``empty`` why the reference metadata's coverage is empty."""
    try:
        if fmt == "codelists":
            return _codelists(Path(path), freq, held)
        if held is not None:
            said = held.said()
            if fmt in ("csv", "parquet"):
                from warehouse.export import codelists_path

                said = said[:-1] + f"; the labels of its codes in {codelists_path(Path(path)).name} beside it."
            return said
        if fmt == "sdmx-structure":
            return _structure(Path(path))
        if fmt == "datapackage":
            return _datapackage(json.loads((Path(path) / "datapackage.json").read_text("utf-8")
                                           if Path(path).is_dir() else Path(path).read_text("utf-8")))
        if fmt == "metadata":
            return _metadata(json.loads(Path(path).read_text("utf-8")), freq, empty)
    except (OSError, ValueError, KeyError, TypeError, IndexError, csv.Error):
        return None
    return None


def _codelists(path: Path, freq: str, held) -> str:
    from warehouse.export_periods import UNITS

    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    lists = len({r["codelist"] for r in rows})
    labels = held.labels
    span = labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"
    unit = UNITS["en"][freq][len(labels) != 1]
    left = held.left_out
    return (f"ascolto: {len(rows)} code{'s' * (len(rows) != 1)} in {lists} codelist{'s' * (lists != 1)}: the labels "
            f"of the codes the --freq {freq} table of {len(labels)} {unit} ({span}) uses" + (f"; {left}." if left else "."))


def _structure(path: Path) -> str:
    text = path.read_text("utf-8")
    ids = {kind: re.findall(rf'<str:{kind}\b[^>]*\bid="([^"]+)"', text)
           for kind in ("DataStructure", "Dataflow", "ConceptScheme", "Codelist")}
    (dsd,), (flow,), schemes, lists = ids["DataStructure"], ids["Dataflow"], ids["ConceptScheme"], ids["Codelist"]
    return (f"ascolto: SDMX structure: data structure {dsd}, dataflow {flow}, {len(schemes)} concept scheme"
            f"{'s' * (len(schemes) != 1)}, {len(lists)} codelists (no observation: the structure of the tables).")


def _datapackage(doc: dict) -> str:
    period, conf = doc["period"], doc["confidentiality"]
    files = [r["path"] for r in doc["resources"] if isinstance(r, dict) and r.get("path")]
    withheld = conf.get("withheld_rows")
    held = ("no row withheld" if withheld == 0 else
            "the rows withheld not counted (the range is not one calendar month, quarter or year: the "
            "package of one gives the count)" if withheld is None and conf.get("withheld_rows_note") else
            "a few rows withheld (fewer than the tables' minimum: not counted)" if withheld is None else
            f"{withheld} rows withheld (a perturbed count)")
    span = period["from"] if period["from"] == period["to"] else f"{period['from']} to {period['to']}"
    note = f" ({period['partial_note']})" if period.get("partial_note") else ""
    return (f"ascolto: microdata package of the months {span}{note}: {len(files)} resource"
            f"{'s' * (len(files) != 1)} ({', '.join(files) or 'none'}), {conf['released_rows']} rows "
            f"released (k = {conf['microdata_k']}), {held}.")


def _metadata(doc: dict, freq: str, empty: str | None) -> str:
    concepts = [k for k in doc if k.startswith("S.")]
    return (f"ascolto: reference metadata of the --freq {freq} table, {len(concepts)} concepts "
            f"({concepts[0].split()[0]} to {concepts[-1].split()[0]}) of the {doc['standard']}, "
            f"in {doc['language']}, " + (f"data as of {doc['data_as_of']}" if doc["data_as_of"] else "no response in its range")
            + (f"; its time coverage is empty: {empty[:1].lower()}{empty[1:]}" if empty else "."))
