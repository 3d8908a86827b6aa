"""Which series of an indicator a published cell holds, and where a trend or a before/after comparison
would pool two of them (docs/methodology.md §5, §11.3). Pure functions.

A version declaring a break for an indicator starts a new series of it (``Measure.series``; the break
versions: :func:`break_versions`). A cell's *series* are the labels ``questionnaire@start``
(``start`` the version its series began at, 1 when never broken) of the questionnaire versions among its
answers — derived from the cell's ``pool`` inside :func:`warehouse.cube.table` and given for published
cells only (``None`` for a suppressed one), so what a trend's rule reads leaves through
:mod:`warehouse.protect` like every figure (docs/confidentiality.md). Two labels of one questionnaire
with different starts are two series; different questionnaires are not (a positive share pools them).
"""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

Series = Sequence[str]


def break_versions(indicator: str) -> list[tuple[str, int]]:
    """(questionnaire, version) pairs of the standard that start a new series of ``indicator``
    (``Measure.series == version > 1``; :func:`warehouse.cube.table` reads it as ``cube._break_versions``)."""
    from .comparability import pool

    return [(m.questionnaire, m.version) for m in pool(indicator) if m.series == m.version and m.version > 1]


def labels(listing: str | None, versions: Iterable[tuple[str, int]]) -> tuple[str, ...]:
    """The series of a cell from its ``pool`` listing (``questionnaire@version`` joined by commas, as
    :func:`warehouse.cube.aggregate` gives it): each version's series starts at the latest break version
    of its questionnaire not after it (``versions``: the (questionnaire, version) pairs declaring a break
    for the indicator), else at 1. Versions not known (``?``) are left out."""
    starts: dict[str, list[int]] = {}
    for q, v in versions:
        starts.setdefault(q, []).append(int(v))
    out = set()
    for part in (listing or "").split(","):
        q, _, v = part.partition("@")
        if q and v.isdigit():
            out.add(f"{q}@{max([b for b in starts.get(q, []) if b <= int(v)], default=1)}")
    return tuple(sorted(out))


def _by_questionnaire(series: Iterable[Series | None]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for cell in series:
        for label in cell or ():
            q, _, start = label.rpartition("@")
            out.setdefault(q, set()).add(int(start))
    return out


def newest_if_mixed(series: Iterable[Series | None]) -> dict[str, int]:
    """``{questionnaire: newest start}`` for each questionnaire whose answers in these cells come from more
    than one series (in one cell or across them); empty when the cells hold one series of each."""
    return {q: max(s) for q, s in _by_questionnaire(series).items() if len(s) > 1}


def _holds(cell: Series, newest: Mapping[str, int]) -> tuple[bool, bool]:
    """(holds a newest series, holds an older series of a mixed questionnaire)."""
    new = old = False
    for label in cell:
        q, _, start = label.rpartition("@")
        if q in newest:
            new, old = new or int(start) == newest[q], old or int(start) != newest[q]
    return new, old


def first_new(history: Mapping[str, Series | None], newest: Mapping[str, int]) -> str | None:
    """The first period of ``history`` (published cells by period label) holding a newest series."""
    return next((p for p in sorted(history) if history[p] and _holds(history[p], newest)[0]), None)


def only_new_from(history: Mapping[str, Series | None], newest: Mapping[str, int]) -> str | None:
    """The first period of ``history`` from which every published cell holds, of each mixed questionnaire,
    only its newest series (where a trend of one series can start); None when the latest published cell
    still holds an older one (no such period yet)."""
    ordered = [p for p in sorted(history) if history[p] is not None]
    for i in range(len(ordered) - 1, -1, -1):
        if _holds(history[ordered[i]], newest)[1]:
            return ordered[i + 1] if i + 1 < len(ordered) else None
    return ordered[0] if ordered else None


def mixing(months: Sequence[str], history: Mapping[str, Series | None]) -> dict[str, str | None] | None:
    """Whether the ``months`` of a trend hold more than one series of the indicator (in one month, or
    across them): ``None`` when they hold one, else ``{"first": the first month of ``history`` holding the
    newer series, "month": the first from which only it is present (:func:`only_new_from`; None: not
    yet)}``. ``history``: the unit's published months → series (at least ``months``; more lets the
    month named lie beyond the range)."""
    newest = newest_if_mixed(history.get(m) for m in months)
    if not newest:
        return None
    return {"first": first_new(history, newest), "month": only_new_from(history, newest)}
