"""Every released quarter in one file, for a reader who wants the series, not one quarter at a time
(``/data/series.csv``, ``/data/series.sdmx.csv``): the rows of each quarter's *latest* release file, oldest
quarter first, nothing computed — the files' own published (protected) observations, concatenated.

``table.csv`` gains a last column, ``RELEASE`` (``2026-Q3/v2``), naming the release each row comes from, so
that a reader can cite and verify it (the release's ``manifest.json`` holds its checksum). The SDMX-CSV
keeps the standard's columns only: each row already names its dataflow and period. Columns are the union
of the releases' headers in the newest release's order (an older release lacking a column leaves it empty).

The file is built row by row from the release files (it was built from every release's rows as dicts: ~100 MiB
of high water a worker at twelve quarters); the site keeps it as every rendered response, as text and gzipped.
"""
from __future__ import annotations

import csv
import io
from typing import Mapping

from ..csvsafe import csv_writer
from .releases import Release

FILES = {"series.csv": "table.csv", "series.sdmx.csv": "table.sdmx.csv"}


def _header(path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        return next(csv.reader(f), [])


def series(releases: Mapping[str, Release], name: str) -> bytes:
    """The concatenation of every release's file behind ``name`` (a key of :data:`FILES`) as UTF-8 CSV, built
    row by row from the files (no release's rows held). Raises ``KeyError`` for another name."""
    source = FILES[name]
    cited = name == "series.csv"
    periods = sorted(releases)
    headers: list[str] = []
    for period in periods:
        fields = _header(releases[period].path / source)
        headers = fields + [h for h in headers if h not in fields]
    buf = io.BytesIO()
    text = io.TextIOWrapper(buf, encoding="utf-8", newline="")
    writer = csv_writer(text, lineterminator="\n")  # the one safe writer: a release's numbers and codes pass unchanged
    writer.writerow(headers + (["RELEASE"] if cited else []))
    for period in periods:
        r = releases[period]
        tag = [f"{r.period}/v{r.version}"] if cited else []
        with open(r.path / source, encoding="utf-8", newline="") as f:
            rows = csv.reader(f)
            own = next(rows, [])
            at = {c: i for i, c in enumerate(own)}
            index = [at.get(c) for c in headers]
            width = len(headers) if own == headers else -1  # the usual case: a whole row is copied as it is
            for row in rows:
                writer.writerow((row if len(row) == width else
                                 [row[i] if i is not None and i < len(row) else "" for i in index]) + tag)
    text.flush()
    return buf.getvalue()
