"""Numbers as each language writes them — the one formatter of the console's and the public site's
pages (CSV, JSON and the other exports keep machine-readable numbers: ``54.0``, ``1234``)."""
from __future__ import annotations


def number(value, lang: str, decimals: int = 1) -> str:
    """``value`` written as each language writes numbers: ``54,0`` and ``1.234`` in Italian and German
    (a decimal comma), ``54.0`` and ``1,234`` in English."""
    text = f"{value:,.{decimals}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang in ("it", "de") else text


def signed(value, lang: str, decimals: int = 1) -> str:
    """:func:`number` with its sign always written — a difference: ``+7,7`` and ``-2,1`` in Italian."""
    return ("-" if value < 0 else "+") + number(abs(value), lang, decimals)
