"""The console's CSV downloads for people: files that open right in a spreadsheet.

Monitoring staff open a chart's table, a coverage list, the comments or the plans in Excel with the
Italian locale. Excel decodes a CSV without a byte-order mark in the machine's legacy code page
("CittÃ " for "Città"), and splits its columns at the locale's list separator — ``;`` in Italy,
where ``,`` is the decimal separator — so a comma-separated file opens in one column and ``53.9``
is not a number (``1.10`` may even become a date). Hence, for every human-facing console download
(:func:`csv_response`, the one writer behind :func:`.data.table_csv`, the comments and the plans):

- UTF-8 **with a BOM** (``EF BB BF``), in both languages;
- a page read in **Italian** downloads ``;``-separated cells with the **decimal comma** (``53,9``;
  no thousands separator, so a value reads back as one number: pandas
  ``read_csv(..., sep=";", decimal=",", encoding="utf-8-sig")``);
- a page read in **English** (``?lang=en``) downloads ``,``-separated cells with the decimal point,
  as Excel in an English locale and most tools expect.

Rows end in CRLF and cells are quoted only when needed (RFC 4180 otherwise), every cell through
:func:`warehouse.csvsafe.csv_writer` (no formula runs; ``-0,25`` stays a number). The machine
formats — ``ascolto export``, the console's ``/exports`` downloads and the API — are not these
files: no BOM, ``,`` and ``.`` always.
"""
from __future__ import annotations

import io
import numbers
import re
from decimal import Decimal
from typing import Any, Iterable, Sequence

from flask import Response

from ..csvsafe import csv_writer
from .i18n import lang

BOM = "\ufeff"
#: a number written as text (what some rows carry): localized like a float
_DECIMAL_TEXT = re.compile(r"[+-]?[0-9]+\.[0-9]+")


def dialect(lang_: str | None = None) -> tuple[str, str]:
    """``(cell separator, decimal separator)`` of a download read in ``lang_`` (default: the page's)."""
    return (";", ",") if (lang_ or lang()) == "it" else (",", ".")


def _cell(value: Any, decimal: str) -> Any:
    """A cell's text: a float (or a number written as text) with ``decimal``, ``None`` and NaN empty."""
    if value is None or isinstance(value, bool):
        return "" if value is None else value
    if isinstance(value, Decimal) or (isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral)):
        text = str(value) if isinstance(value, Decimal) else repr(float(value))  # numpy floats too
        return text.replace(".", decimal) if text not in ("nan", "inf", "-inf", "NaN") else ""
    if isinstance(value, str) and decimal != "." and _DECIMAL_TEXT.fullmatch(value):
        return value.replace(".", decimal)
    return value


def spreadsheet_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], lang_: str | None = None) -> bytes:
    """``header`` and ``rows`` as the bytes of a spreadsheet CSV in the dialect of ``lang_`` (see the
    module docstring): BOM, separator, decimal mark; ``None`` as an empty cell."""
    sep, decimal = dialect(lang_)
    buf = io.StringIO()
    w = csv_writer(buf, decimal=decimal, delimiter=sep, lineterminator="\r\n")  # every cell through safe_cell
    w.writerow(header)
    for row in rows:
        w.writerow([_cell(v, decimal) for v in row])
    return (BOM + buf.getvalue()).encode("utf-8")


def csv_response(header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str, **headers: str) -> Response:
    """A download of :func:`spreadsheet_csv` in the page's language, named ``filename``."""
    return Response(spreadsheet_csv(header, rows), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', **headers})


__all__ = ["BOM", "csv_response", "dialect", "spreadsheet_csv"]
