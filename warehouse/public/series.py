"""Every released quarter in one file, for a reader who wants the series, not one quarter at a time
(``/data/series.csv``, ``/data/series.sdmx.csv``): the rows of each quarter's *latest* release file, oldest
quarter first, nothing computed — the files' own published (protected) observations, concatenated.

``table.csv`` gains a last column, ``RELEASE`` (``2026-Q3/v2``), naming the release each row comes from, so
that a reader can cite and verify it (the release's ``manifest.json`` holds its checksum). The SDMX-CSV
keeps the standard's columns only: each row already names its dataflow and period. Columns are the union
of the releases' headers in the newest release's order (an older release lacking a column leaves it empty).
"""
from __future__ import annotations

import csv
import io
from typing import Mapping

from ..csvsafe import csv_writer
from .releases import Release

FILES = {"series.csv": "table.csv", "series.sdmx.csv": "table.sdmx.csv"}


def series(releases: Mapping[str, Release], name: str) -> bytes:
    """The concatenation of every release's file behind ``name`` (a key of :data:`FILES`) as UTF-8 CSV.
    Raises ``KeyError`` for another name."""
    source = FILES[name]
    cited = name == "series.csv"
    headers: list[str] = []
    parts: list[tuple[Release, list[dict[str, str]]]] = []
    for period in sorted(releases):
        r = releases[period]
        reader = csv.DictReader(io.StringIO((r.path / source).read_text("utf-8")))
        parts.append((r, list(reader)))
        headers = list(reader.fieldnames or []) + [h for h in headers if h not in (reader.fieldnames or [])]
    out = io.StringIO()
    columns = headers + (["RELEASE"] if cited else [])
    writer = csv_writer(out, lineterminator="\n")  # the one safe writer: a release's numbers and codes pass unchanged
    writer.writerow(columns)
    for r, rows in parts:
        for row in rows:
            cells = {**row, **({"RELEASE": f"{r.period}/v{r.version}"} if cited else {})}
            writer.writerow([cells.get(c, "") for c in columns])
    return out.getvalue().encode("utf-8")
