"""A requested range in which no response counts, refused (:func:`require_data`): the one refusal of the
console's API (figures and exports), ``ascolto indicators`` and ``ascolto export``, each naming the
parameter its caller was given, and talking of an export only where there is one."""
from __future__ import annotations

from . import data_months
from .comparability import QueryError
from .periods import require_ended_range, validate_range


class NoData(QueryError):
    """A well-formed, ended range refused for what the dataset holds: no response counts in it
    (:func:`require_data`), or no period of the frequency with data has ended
    (:func:`warehouse.export_periods.held_periods`). A :class:`QueryError` to the console's API (400 naming
    the field); the CLI's exit 1 (refused by the state), where a malformed or running range is its exit 2."""


def require_data(con, freq: str, start: str | None = None, end: str | None = None, *, period: bool = False,
                 export: bool = False) -> None:
    """Refuse a requested range (``start``/``end``: labels, whole periods of ``freq``) in which no
    response counts, with a :class:`QueryError` saying which months have data. It names the parameter the
    caller was given: ``period`` when ``period`` is true (``start`` = ``end``, asked as one period), else
    ``to`` when the range ends before the first month with data, else ``from`` (after the last, or a gap; a
    running period too). ``export``: the range is an export's, and the message says there is nothing to
    export (a header-only file would look like "nobody answered"); figures (indicators, comparisons) are
    not called an export. Without any data at all, or without a range, nothing is refused (the callers
    say "no dataset" themselves)."""
    if start is None and end is None:
        return
    first, last = validate_range(freq, start, end)
    require_ended_range(start, end, start if period else None, freq=freq)  # a running period: published once ended
    months = data_months.months(con)
    if not months:
        return
    lo, hi = months[0], months[-1]
    first, last = first or lo, last or hi
    if any(first <= m <= last for m in months):
        return
    raise NoData(*_no_data(start, end, first, last, (lo, hi), period=period, export=export))


def _no_data(start, end, first: str, last: str, data: tuple[str, str], *, period: bool,
             export: bool) -> tuple[str, str]:
    """(field, message) of :func:`require_data`'s refusal: the parameter asked with and the months with data;
    a range open at one end is said as asked ("up to 2025-10", "from 2026-08 on")."""
    lo, hi = data
    if period:
        field, asked = "period", f"No responses in {start} (period={start})"
    else:
        field = "to" if last < lo else "from"
        # an open end is not filled in with the data's first or last month: "from 2025-11 to 2025-10" for
        # to=2025-10 alone named a range nobody asked for, backwards
        asked = (f"No responses up to {last} (to={end})" if start is None else
                 f"No responses from {first} on (from={start})" if end is None else
                 f"No responses from {first} to {last} (from={start}, to={end})")
    tail = "nothing to export for that range." if export else "ask for a period in that range."
    return field, f"{asked}: the data cover {lo} to {hi}; {tail}"
