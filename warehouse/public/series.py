"""Every released quarter in one file, for a reader who wants the series, not one quarter at a time
(``/data/series.csv``, ``/data/series.sdmx.csv``): the rows of each quarter's *latest* release file, oldest
quarter first, nothing computed — the files' own published (protected) observations, concatenated.

``table.csv`` gains a last column, ``RELEASE`` (``2026-Q3/v2``), naming the release each row comes from, so
that a reader can cite and verify it (the release's ``manifest.json`` holds its checksum). The SDMX-CSV
keeps the standard's columns only: each row already names its dataflow and period. Columns are the union
of the releases' headers in the newest release's order (an older release lacking a column leaves it empty).

The file is built compressed (gzip), row by row, and kept so by the site (at twelve quarters the two files are
~21 MiB of text a worker, built from ~100 MiB of row dicts); a reader who does not take gzip gets it
decompressed as it is sent (:func:`plain`).
"""
from __future__ import annotations

import csv
import gzip
import io
import zlib
from typing import Iterator, Mapping

from ..csvsafe import csv_writer
from .releases import Release

FILES = {"series.csv": "table.csv", "series.sdmx.csv": "table.sdmx.csv"}


def _header(path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        return next(csv.reader(f), [])


def series(releases: Mapping[str, Release], name: str) -> bytes:
    """The concatenation of every release's file behind ``name`` (a key of :data:`FILES`) as UTF-8 CSV,
    gzip-compressed (byte-identical for the same releases: no timestamp in the gzip header). Raises
    ``KeyError`` for another name."""
    source = FILES[name]
    cited = name == "series.csv"
    periods = sorted(releases)
    headers: list[str] = []
    for period in periods:
        fields = _header(releases[period].path / source)
        headers = fields + [h for h in headers if h not in fields]
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        text = io.TextIOWrapper(gz, encoding="utf-8", newline="")
        writer = csv_writer(text, lineterminator="\n")  # the one safe writer: a release's numbers and codes pass unchanged
        writer.writerow(headers + (["RELEASE"] if cited else []))
        for period in periods:
            r = releases[period]
            tag = [f"{r.period}/v{r.version}"] if cited else []
            with open(r.path / source, encoding="utf-8", newline="") as f:
                rows = csv.reader(f)
                at = {c: i for i, c in enumerate(next(rows, []))}
                index = [at.get(c) for c in headers]
                for row in rows:
                    writer.writerow([row[i] if i is not None and i < len(row) else "" for i in index] + tag)
        text.flush()
        text.detach()
    return buf.getvalue()


def plain(packed: bytes, chunk: int = 1 << 16) -> Iterator[bytes]:
    """A gzip body of :func:`series` decompressed piece by piece, for a reader who does not take gzip."""
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    for at in range(0, len(packed), chunk):
        if out := inflate.decompress(packed[at:at + chunk]):
            yield out
    if tail := inflate.flush():
        yield tail
