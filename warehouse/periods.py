"""Period ranges that cover whole periods of the requested frequency.

A table at frequency ``M``, ``Q`` or ``A`` labels each cell with a month (``2026-10``), a quarter
(``2026-Q4``) or a year (``2026``). A range ``from``/``to`` must therefore start at the beginning and
end at the end of a period of that frequency: ``freq=A&from=2026-01&to=2026-02`` would publish two
months under the label ``2026``, and ``freq=Q&from=2026-11`` a month and a half as ``2026-Q4``.
:func:`validate_range` refuses such ranges with a :class:`~warehouse.comparability.QueryError`
naming the field (``from``, ``to``, ``period`` or ``freq``: HTTP 400) and otherwise returns the
first and last month covered. In ``from``/``to``, labels of any frequency are accepted where they
align: ``2026``, ``2026-Q1`` and ``2026-01`` all start a year; a single ``period`` is one period of
``freq`` itself (:func:`require_freq`: ``freq=M&period=2026-Q3`` is refused, naming ``period``).

:func:`require_started` refuses a period that has not started yet (the plan form's rule, one home:
:func:`registry.plans.has_started`); :func:`require_ended` (and :func:`require_ended_range`) refuses
that and a period still running, for every period a console page, the API or the CLI is asked for:
a period's figures are published only once it has ended. :func:`ended_only` is the SQL rule behind
it — every figure reads only responses of ended months (:class:`warehouse.dataset.Warehouse`).

:func:`is_complete` is the one definition of a *complete* period (it ended before the current month
in Europe/Rome): the console's and the API's default period (:func:`warehouse.cube.latest_period`),
the period menus and the refusal of a running period all use it.

The rule of the reference period (a response's month in Europe/Rome) and ``ROME`` have their one home
in :mod:`questionnaires.periods`, shared with the processor and the registry; :func:`today_rome` here is
that module's clock :data:`PUBLISH_DELAY` (six hours) late, the day publication goes by. This module
adds what the warehouse, its console and the public site show: :func:`date_rome` (a date),
:func:`rome_minute` and :func:`rome_time` (an instant as Italian clocks show it).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import questionnaires.periods as _periods
from questionnaires.periods import ROME

#: How long after its end (Rome) a month's figures wait before the warehouse reads them: an answer is of
#: the month in which the collector *received* it, and is stored when the processor has written it —
#: seconds later in normal running, later behind a backlog or a broker outage the collector spooled.
#: Read at midnight, the month would be published again as its last answers landed, each time with one
#: more known answer and a fresh cell-key noise (route 21, docs/confidentiality.md).
PUBLISH_DELAY = timedelta(hours=6)


def today_rome() -> date:
    """The day the warehouse reads the periods by: Rome's date :data:`PUBLISH_DELAY` ago (the clock of
    :mod:`questionnaires.periods`). Every default "today" of this package — which month is running
    (:func:`running_month`, :func:`ended_only`), which period is complete (:func:`is_complete`,
    :func:`require_ended`) — is this one, so a month is published, everywhere at once, from 06:00 on the
    first day of the next month, when the answers it received have been stored."""
    return (_periods.datetime.now(ROME) - PUBLISH_DELAY).date()

from .comparability import QueryError


FREQS = ("M", "Q", "A")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_NAMES = {"M": "months", "Q": "quarters", "A": "years"}


def months(label: str, field: str) -> tuple[str, str]:
    """(first month, last month) covered by a period label; raises :class:`QueryError` on ``field``."""
    if label in (None, ""):
        raise QueryError(field, f"{field} is required: a period YYYY-MM, YYYY-Qn or YYYY.")
    if not isinstance(label, str):
        raise QueryError(field, f"{field} must be a period YYYY-MM, YYYY-Qn or YYYY.")
    if m := _MONTH.match(label):
        return label, label
    if m := _QUARTER.match(label):
        y, q = m.group(1), int(m.group(2))
        return f"{y}-{3 * q - 2:02d}", f"{y}-{3 * q:02d}"
    if m := _YEAR.match(label):
        return f"{m.group(1)}-01", f"{m.group(1)}-12"
    raise QueryError(field, f"{field} must be a period YYYY-MM, YYYY-Qn or YYYY; got {label!r}.")


def freq_of(label: str, field: str) -> str:
    """The frequency a period label is written at: ``M`` (``2026-10``), ``Q`` (``2026-Q4``) or ``A``
    (``2026``); raises :class:`QueryError` on ``field`` for anything else (as :func:`months`)."""
    months(label, field)
    return "M" if _MONTH.match(label) else "Q" if _QUARTER.match(label) else "A"


def date_rome(timestamp: str) -> str:
    """The date (``YYYY-MM-DD``) in Europe/Rome of an ISO timestamp with an offset (a release's
    ``created_at``, stored in UTC): a release made at 23:30 UTC on 31 March is dated 1 April in Rome.
    A timestamp without an offset is taken as UTC."""
    return _in_rome(datetime.fromisoformat(timestamp)).date().isoformat()


def rome_minute(at: datetime) -> str:
    """A stored instant (a datetime; naive ones are UTC, as the registry writes them) as Italian clocks
    show it, to the minute: ``2026-12-01 15:33`` (a token's creation, a plan's versions)."""
    return _in_rome(at).strftime("%Y-%m-%d %H:%M")


def rome_time(epoch: float | None) -> str | None:
    """An instant (seconds since the epoch; None stays None) as Italian clocks show it, with the zone:
    ``2026-10-20 12:00 CEST`` (the data-quality page's freshness)."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(float(epoch), ROME).strftime("%Y-%m-%d %H:%M %Z")


def _in_rome(at: datetime) -> datetime:
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(ROME)


def is_complete(label: str, today: date | None = None) -> bool:
    """Whether the period ``label`` (``YYYY-MM``, ``YYYY-Qn``, ``YYYY``) is complete: its last month is
    before the month of ``today`` (default: :func:`today_rome`). ``2026-11`` is complete from
    2026-12-01, ``2026-Q4`` and ``2026`` from 2027-01-01."""
    today = today or today_rome()
    last = months(label, "period")[1]
    return (int(last[:4]), int(last[5:])) < (today.year, today.month)


def complete_from(label: str) -> date:
    """The first day (in Europe/Rome) on which the period ``label`` is complete (:func:`is_complete`):
    the first day of the month after its last month (``2026-Q4`` → 2027-01-01); raises
    :class:`QueryError` on ``period`` for a malformed label (as :func:`months`)."""
    last = months(label, "period")[1]
    year, month = int(last[:4]), int(last[5:])
    return date(year + month // 12, month % 12 + 1, 1)


def require_started(label: str, field: str, today: date | None = None) -> str:
    """``label`` if its period has started on ``today`` (default: Rome's date, without the publication delay
    of :func:`today_rome`); else a
    :class:`QueryError` naming ``field`` (HTTP 400): a period that has not started has no data, and
    showing it with N 0 everywhere would mislead. The rule is the plan form's
    (:func:`registry.plans.has_started`); a running period (today's month, quarter or year) passes here
    and is refused by :func:`require_ended`, which every period asked of a page calls. A malformed
    label is refused as by :func:`months`."""
    from registry.plans import has_started

    months(label, field)
    if not has_started(label, today or _periods.today_rome()):  # Rome's own date: a period begun is begun
        raise QueryError(field, f"{field}={label} has not started yet: choose a period that has begun.")
    return label


def running_month(today: date | None = None) -> str:
    """The month still running on ``today`` (default: :func:`today_rome`), ``YYYY-MM``: no figure reads
    a response of it or of a later month (:func:`ended_only`)."""
    today = today or today_rome()
    return f"{today.year:04d}-{today.month:02d}"


def last_ended_month(today: date | None = None) -> str:
    """The month before :func:`running_month` (``YYYY-MM``): the latest one a figure may read."""
    return period_before(running_month(today))


#: The one-row table (column ``running_month``, ``YYYY-MM``) of a :class:`warehouse.dataset.Warehouse`'s
#: database: the running month its data were loaded with (:func:`ended_only`). The cube judges which
#: periods have ended by it, not by the live clock (:func:`warehouse.cube.aggregate`), so a cursor taken
#: before a month's turn and used after it never calls a quarter ended that its data hold without its
#: last month (route 22, docs/confidentiality.md). Written with the data, in one transaction.
LOADED_MONTH = "loaded_running_month"


def ended_only(column: str = "period", today: date | None = None) -> str:
    """The SQL predicate of the rows of an *ended* month, over the ``YYYY-MM`` expression ``column``:
    the one rule of what a figure may read (docs/confidentiality.md, "published once it has ended").
    A running month's cell would be republished with fresh cell-key noise after each answer, and an
    attacker posting answers one at a time would average the noise away; an ended month takes no new
    answer (the collector sets ``received_at``)."""
    return f"({column} < '{running_month(today)}')"


def _period_end(freq: str) -> str:
    """SQL: the last month (``YYYY-MM``) of the ``freq`` period holding the rollup row's ``period``."""
    if freq == "M":
        return "period"
    if freq == "Q":
        return "substr(period, 1, 5) || lpad(CAST((CAST(substr(period, 6, 2) AS INTEGER) + 2) // 3 * 3 AS VARCHAR), 2, '0')"
    return "substr(period, 1, 5) || '12'"


def _loaded(con) -> bool:
    """Whether ``con`` is a :class:`warehouse.dataset.Warehouse`'s (it holds the running month its data were
    loaded with, :data:`warehouse.periods.LOADED_MONTH`); a bare ``rollup`` (tests of the arithmetic) does not."""
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [LOADED_MONTH]).fetchone()[0])


def loaded_today(con) -> date | None:
    """The first day of the running month ``con``'s data were loaded with (:data:`LOADED_MONTH`), for a
    ``today`` of :func:`ended_only` that agrees with them (the response rates' other reads); None on a
    connection that is not a :class:`warehouse.dataset.Warehouse`'s (the live clock judges)."""
    if con is None or not _loaded(con):
        return None
    month = con.execute(f"SELECT running_month FROM {LOADED_MONTH}").fetchone()[0]
    return date(int(month[:4]), int(month[5:]), 1)


def ended_sql(con, freq: str, span: bool = False, end: str | None = None) -> str:
    """SQL over the rollup: the row's ``freq`` period has ended by the running month the data were loaded
    with (:data:`warehouse.periods.LOADED_MONTH`, read in the same query as the data, so the two always
    agree: a cursor taken before a month's turn and used after it still sees the running quarter as
    running); ``TRUE`` on a bare rollup, where the live clock judges (:func:`warehouse.cube.aggregate`).
    ``span`` (one cell over a calendar period, the label ``end``): that period has ended by the same
    month — judged by the live clock alone, a stale cursor's "2026-Q4" was October and November, a fresh
    one's a moment later all three: two draws (route 22 on span cells); no ``end`` (every period): ``TRUE``,
    the data being every ended month they were loaded with."""
    if not _loaded(con) or (span and end is None):
        return "TRUE"
    last = f"'{months(end, 'to')[1]}'" if span else _period_end(freq)  # months() validated it: YYYY-MM
    return f"({last} < (SELECT running_month FROM {LOADED_MONTH}))"


def require_ended(label: str, field: str, today: date | None = None) -> str:
    """``label`` if its period has ended on ``today`` (default: :func:`today_rome`,
    :func:`is_complete`); else a :class:`QueryError` naming ``field`` (HTTP 400): one that has not
    started (:func:`require_started`), or one still running — its figures are published once it has
    ended, never while answers still arrive (:func:`ended_only`). A malformed label is refused as by
    :func:`months`."""
    require_started(label, field, today)
    today = today or today_rome()  # the publication day: a month ended less than PUBLISH_DELAY ago still waits
    if not is_complete(label, today):
        raise running_refusal(field, label, period_before(label))
    return label


def running_refusal(field: str, label: str, instead: str | None) -> QueryError:
    """The refusal (HTTP 400 naming ``field``) of ``label``, a period still running: published once it has
    ended, from the day it is; ``instead`` the ended period it suggests ("Ask for an ended one, such as
    2026-Q3."), or None: no period of its frequency with data has ended ("No year with data has ended
    yet."). Its ``instead`` is what a console page links to (a shared link of last month), its ``running``
    the label refused. :func:`require_ended` suggests the period right before, knowing no data;
    :func:`warehouse.export_periods.with_data` says it again with the latest ended one that has data."""
    ask = (f"Ask for an ended one, such as {instead}." if instead else
           f"No {_NAMES[freq_of(label, field)][:-1]} with data has ended yet.")
    exc = QueryError(field, f"{field}={label} is still running: its figures are published once it has ended, "
                            f"from {complete_from(label).isoformat()}. {ask}")
    exc.instead, exc.running = instead, label
    return exc


def period_before(label: str) -> str:
    """The period of ``label``'s frequency right before it (``2026-Q3`` for ``2026-Q4``, ``2025`` for
    ``2026``): an ended one when ``label`` is running — what :func:`require_ended` suggests instead."""
    first = months(label, "period")[0]
    year, month = int(first[:4]), int(first[5:])
    prev = f"{year - (month == 1):04d}-{(month - 2) % 12 + 1:02d}"
    return period_of(prev, freq_of(label, "period"))


def require_ended_range(start: str | None = None, end: str | None = None, period: str | None = None,
                        today: date | None = None, freq: str | None = None) -> None:
    """:func:`require_ended` for a request's ``period`` or ``from``/``to``: the range's last period
    (``to``; ``from`` when the end is open: the data are read through the last ended month). With an open
    end and ``freq`` given, a ``from`` coarser than ``freq`` passes when the first period of ``freq`` it
    begins has ended (``freq=M&from=2026`` in December: the months 2026-01 on, as ``from=2026-01``)."""
    if period is not None:
        require_ended(period, "period", today)
    elif end is not None:
        require_ended(end, "to", today)
    elif start is not None:
        first = period_of(months(start, "from")[0], freq) if freq in ("M", "Q", "A") else start
        if first != start and is_complete(first, today):
            return  # a finer freq than the label's: its first period has ended, so has every one it reads
        require_ended(start, "from", today)


def _starts(month: str, freq: str) -> bool:
    m = int(month[5:])
    return freq == "M" or (freq == "Q" and m % 3 == 1) or (freq == "A" and m == 1)


def _ends(month: str, freq: str) -> bool:
    m = int(month[5:])
    return freq == "M" or (freq == "Q" and m % 3 == 0) or (freq == "A" and m == 12)


def period_of(month: str, freq: str) -> str:
    """The label of the period of frequency ``freq`` (M, Q, A) that holds ``month`` (``YYYY-MM``):
    ``2026-11`` → ``2026-11``, ``2026-Q4``, ``2026``."""
    if freq == "M":
        return month
    if freq == "Q":
        return f"{month[:4]}-Q{(int(month[5:]) + 2) // 3}"
    return month[:4]


def calendar_period(start: str | None, end: str | None) -> str | None:
    """The one calendar month, quarter or year that the periods ``start``..``end`` (labels of any
    frequency, inclusive) cover exactly — ``2025-01``..``2025-03`` → ``2025-Q1`` — else None (an open
    end, or any other range). A figure over a range is published only for such a period (the span
    cells of :func:`warehouse.cube.aggregate`): then it is the same set of records, with the same cell
    key and noise, as that period's own cell, and no range adds a perturbation of its own that many
    ranges together could average away (docs/confidentiality.md, route 13)."""
    if start is None or end is None:
        return None
    first, last = months(start, "from")[0], months(end, "to")[1]
    if first == last:
        return first
    year, m0, m1 = first[:4], int(first[5:]), int(last[5:])
    if last[:4] != year:
        return None
    if (m0, m1) == (1, 12):
        return year
    if m0 % 3 == 1 and m1 == m0 + 2:
        return f"{year}-Q{m1 // 3}"
    return None


_NAME = {"M": "a month", "Q": "a quarter", "A": "a year"}


def require_freq(freq: str, label: str, field: str = "period") -> str:
    """``label`` if it is written at frequency ``freq`` (:func:`freq_of`); else a :class:`QueryError`
    naming ``field`` (HTTP 400) that says which frequency the label is and what to ask instead. One
    period is one cell of one frequency: ``freq=M&period=2026-Q3`` would be shown as the "monthly"
    2026-Q3 (three months under one label), ``freq=Q&period=2026-10`` as a quarter that is a month. A
    range of months of a quarter is ``from``/``to`` (:func:`validate_range`); a period of ``freq`` still
    running is not offered instead (it would be refused in turn). The console's pages,
    whose form can switch the frequency under a period, show the period of ``freq`` it gives instead
    (:func:`warehouse.console.data.period_choice`)."""
    own = freq_of(label, field)
    if own == freq:
        return label
    first, last = months(label, field)
    if FREQS.index(own) > FREQS.index(freq):  # a coarser label: its periods of freq are a range
        instead = f"from={period_of(first, freq)}&to={period_of(last, freq)} for its {_NAMES[freq]}"
    elif is_complete(holding := period_of(first, freq)):  # a finer label: the period of freq holding it
        instead = f"period={holding}, the {_NAMES[freq][:-1]} holding it"
    else:  # ... unless that one is still running: it would be refused in turn
        raise QueryError(field, f"{field}={label} is {_NAME[own]}, but freq={freq} publishes {_NAMES[freq]}: ask "
                                f"freq={own}&{field}={label} (the {_NAMES[freq][:-1]} holding it, {holding}, is "
                                f"still running: published from {complete_from(holding).isoformat()}).")
    raise QueryError(field, f"{field}={label} is {_NAME[own]}, but freq={freq} publishes {_NAMES[freq]}: "
                            f"ask freq={own}&{field}={label}, or {instead}.")


class MisalignedRange(QueryError):
    """The refusal of ``label`` (``from``/``to``) not on a boundary of the requested ``freq``: a
    :class:`QueryError` a caller can tell from the others of the same field (after ``to``, running, not
    started) and whose ``label`` names the frequency it is written in."""

    def __init__(self, field: str, label: str, message: str):
        super().__init__(field, message)
        self.label = label


def validate_range(freq: str, start: str | None = None, end: str | None = None,
                   period: str | None = None) -> tuple[str | None, str | None]:
    """Check a requested range and return its (first month, last month) (``None`` = open).

    ``period`` is one period of ``freq`` (:func:`require_freq`; it may not be combined with
    ``from``/``to``). Errors name the field:
    ``freq`` unknown; ``from``/``to``/``period`` malformed, or not on a boundary of ``freq``
    (``from`` must start a period, ``to`` end one: that refusal is a :class:`MisalignedRange`); ``from`` after ``to``.
    """
    if freq not in FREQS:
        raise QueryError("freq", f"freq must be one of M, Q, A; got {freq!r}.")
    if period is not None:
        if start is not None or end is not None:
            raise QueryError("period", "Give either period or from/to, not both.")
        require_freq(freq, period)
        start = end = period
        fields = ("period", "period")
    else:
        fields = ("from", "to")
    first = last = None
    if start is not None:
        first = months(start, fields[0])[0]
        if not _starts(first, freq):
            raise MisalignedRange(fields[0], start, (
                f"freq={freq} publishes whole {_NAMES[freq]}, but {fields[0]}={start} starts inside "
                f"{period_of(first, freq)}; start at {period_of(first, freq)} (or use a finer freq)."))
    if end is not None:
        last = months(end, fields[1])[1]
        if not _ends(last, freq):
            raise MisalignedRange(fields[1], end, (
                f"freq={freq} publishes whole {_NAMES[freq]}, but {fields[1]}={end} ends inside "
                f"{period_of(last, freq)}; end at {period_of(last, freq)} (or use a finer freq)."))
    if first is not None and last is not None and first > last:
        raise QueryError(fields[0], f"{fields[0]}={start} is after {fields[1]}={end}.")
    return first, last


def quarter_near(start: str | None, end: str | None) -> tuple[str, str, str]:
    """The calendar quarter a range begins in (its end's when it has no start) as ``(label, first month,
    last month)``: the example a refusal of a range gives, in the request's own year
    (:func:`warehouse.cube.require_calendar_span`)."""
    month = months(start or end, "from" if start else "to")[0]
    quarter = period_of(month, "Q")
    return (quarter, *months(quarter, "to"))
