"""Disclosure control for published cells (DESIGN §7; rules in docs/warehouse.md).

Primary suppression: a cell with n < ``min_n`` responses publishes no value (``CONF_STATUS=A``,
``OBS_STATUS=Q``). Complementary suppression: a *line* is the set of cells that differ in one
dimension only, together with its margin (the cell where that dimension is the total ``_T``, either
in the same table or — an "implicit" margin — obtainable from a coarser cut of the same cube,
which the API serves on request). A margin's value is a linear combination of its line's cells,
so a line with exactly one suppressed entry reveals it. Until no line has exactly one suppressed
entry: suppress the published cell of that line with the smallest n (ties by key), or its margin
when no cell is left (``CONF_STATUS=D``). Published cells with n < ``low_n`` are flagged
``OBS_STATUS=U``.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Callable, Hashable, Sequence

TOTAL = "_T"
FREE, PRIMARY, SECONDARY = "F", "A", "D"

#: (line type id, cell key) -> (line id or None, True when the cell is that line's margin)
LineFn = Callable[[tuple], tuple[Hashable, bool] | tuple[None, bool]]


def dimension_lines(n_dims: int, total: str = TOTAL) -> list[LineFn]:
    """One line function per key position: cells agreeing on every other position form a line;
    the cell holding ``total`` at that position is its margin."""
    def make(j: int) -> LineFn:
        def fn(key: tuple):
            return (j, key[:j] + key[j + 1:]), key[j] == total
        return fn
    return [make(j) for j in range(n_dims)]


def time_lines(position: int, freq: str) -> list[LineFn]:
    """Lines along time: months within a quarter and within a year, quarters within a year (their
    margins — the quarterly and annual figures — are served by the API, so they are implicit)."""
    def group(label: str, by: str):
        year = label[:4]
        if by == "A":
            return year
        month = int(label[5:7])
        return f"{year}-Q{(month - 1) // 3 + 1}"

    groupings = {"M": ["Q", "A"], "Q": ["A"]}.get(freq, [])

    def make(by: str) -> LineFn:
        def fn(key: tuple):
            label = key[position]
            if label == TOTAL:
                return None, False
            return ("t" + by, key[:position] + (group(label, by),) + key[position + 1:]), False
        return fn
    return [make(by) for by in groupings]


def suppress(keys: Sequence[tuple], n: Sequence[int], lines: Sequence[LineFn], min_n: int = 3,
             implicit_margins: bool = True) -> list[str]:
    """Confidentiality status per cell: ``F`` free, ``A`` primary, ``D`` complementary.

    ``keys`` identify cells (tuples of dimension codes, ``_T`` for a total); ``lines`` say which
    cells form lines with which margins. A line without an explicit margin cell has an implicit
    one with n = Σ n of its cells, suppressed only when that is below ``min_n``; pass
    ``implicit_margins=False`` when no other table can reveal it.
    """
    status = [PRIMARY if v < min_n else FREE for v in n]
    groups: dict[Hashable, dict] = defaultdict(lambda: {"cells": [], "margin": None})
    for li, fn in enumerate(lines):
        for idx, key in enumerate(keys):
            lid, is_margin = fn(key)
            if lid is None:
                continue
            g = groups[(li, lid)]
            if is_margin:
                g["margin"] = idx
            else:
                g["cells"].append(idx)
    order = {i: (n[i], tuple(str(k) for k in keys[i])) for i in range(len(keys))}
    changed = True
    while changed:
        changed = False
        for g in groups.values():
            cells, m = g["cells"], g["margin"]
            if not cells:
                continue
            if m is None:
                if not implicit_margins:
                    continue
                margin_hidden = sum(n[i] for i in cells) < min_n
            else:
                margin_hidden = status[m] != FREE
            hidden = sum(status[i] != FREE for i in cells) + margin_hidden
            if hidden != 1:
                continue
            free = [i for i in cells if status[i] == FREE]
            if free:
                status[min(free, key=order.__getitem__)] = SECONDARY
                changed = True
            elif m is not None and status[m] == FREE:
                status[m] = SECONDARY
                changed = True
    return status


def obs_status(conf: str, n: int, low_n: int = 30) -> str:
    """SDMX OBS_STATUS: ``Q`` suppressed, ``U`` low reliability (n < ``low_n``), ``A`` normal."""
    if conf != FREE:
        return "Q"
    return "U" if n < low_n else "A"
