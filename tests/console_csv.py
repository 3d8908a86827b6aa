"""Helpers (no tests here): read a console CSV download as a spreadsheet would, back to plain cells."""
from __future__ import annotations

import csv
import io
import re

BOM = b"\xef\xbb\xbf"
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")


def rows(resp) -> list[list[str]]:
    """The cells of a console spreadsheet download (``resp`` a test response, or its bytes): the BOM
    checked and dropped, split at ``;`` (Italian) or ``,`` (English) as its header line says, and a
    decimal comma read back as a point (``53,9`` → ``"53.9"``), so a test compares values as the API
    gives them."""
    body = resp if isinstance(resp, bytes) else resp.get_data()
    assert body.startswith(BOM), body[:20]
    text = body[len(BOM):].decode("utf-8")
    italian = ";" in text.split("\r\n", 1)[0] or ("," not in text.split("\r\n", 1)[0])
    out = list(csv.reader(io.StringIO(text), delimiter=";" if italian else ","))
    if italian:
        out = [[c.replace(",", ".") if _DECIMAL_COMMA.fullmatch(c) else c for c in row] for row in out]
    return out


def dicts(resp) -> list[dict[str, str]]:
    """:func:`rows` as one dict per row, keyed by the header."""
    header, *body = rows(resp)
    return [dict(zip(header, r)) for r in body]
