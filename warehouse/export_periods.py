"""Which periods an export of the publication table holds, and the refusal of one that would hold none:
the rule ``ascolto export`` (:mod:`ascolto.cli_export`) and the console's ``/api/v1/export/<fmt>``
(:mod:`warehouse.console.api`) share.

A table export holds the periods of ``freq`` that have ended and have data, within ``start``–``end``
(:func:`warehouse.cube.period_labels`; the running period is published once it has ended). One that would
hold none — ``freq`` A (the CLI's default) in a year whose data are all of the running year — is a
:class:`~warehouse.comparability.QueryError` naming ``freq``, saying the running period, the day it is
published and the finer ``freq`` that has ended periods of it, rather than a header-only file that reads
as "nobody answered". The clock is :func:`warehouse.periods.running_month` (one clock, pinned in tests)."""
from __future__ import annotations

from dataclasses import dataclass

from .comparability import QueryError
from .cube import coverage, first_data_month, latest_period, period_labels
from .data_range import NoData, require_data
from .periods import complete_from, freq_of, months, period_of, running_month, running_refusal

FINER = {"A": ("Q", "M"), "Q": ("M",), "M": ()}
WORDS = {"M": "month", "Q": "quarter", "A": "year"}


#: A frequency's name on the console's Exports page, as its menu says it (``ask`` of :meth:`Held.words` there).
FREQ_WORDS = {"it": {"M": "Mensile", "Q": "Trimestrale", "A": "Annuale"},
              "en": {"M": "Monthly", "Q": "Quarterly", "A": "Annual"}}
#: A period's unit in words, singular and plural, per language.
UNITS = {"it": {"M": ("mese", "mesi"), "Q": ("trimestre", "trimestri"), "A": ("anno", "anni")},
         "en": {"M": ("month", "months"), "Q": ("quarter", "quarters"), "A": ("year", "years")}}


@dataclass(frozen=True)
class Held:
    """The periods an export holds (``labels``, oldest first, never empty) and what it leaves out: the
    ``running`` period of ``freq`` whose months have data (None when none), published from ``published``
    (ISO date), and its ``parts``, the ended periods with data of each finer frequency (``(freq, labels)``).
    :meth:`words` says it — the one wording of ``ascolto export``'s stderr line (:meth:`said`) and of the
    console's Exports page, which says it before the download."""
    freq: str
    labels: list[str]
    data_from: str | None  # the first period's first month with data, when it begins after the period does
    running: str | None = None
    published: str | None = None
    parts: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def left_out(self) -> str:
        """What is left out, in English with ``--freq`` (as :meth:`said`), or "" when nothing is."""
        return left_out_words(self.running, self.published, self.parts, "en", "--freq {}".format)

    def words(self, lang: str = "en", ask=None) -> str:
        """What the export holds and leaves out in ``lang`` (it, en): ``2 months exported, 2026-10 to 2026-11``,
        the first period's partial coverage, then the running period, the day it is published and the finer
        frequencies with ended parts, each named by ``ask`` (a frequency code → its words; ``--freq Q`` by
        default)."""
        ask = ask or "--freq {}".format
        unit = UNITS[lang][self.freq][len(self.labels) != 1]
        partial = {"it": " (parziale: dati dal {m})", "en": " (partial: data from {m})"}[lang]
        first = self.labels[0] + (partial.format(m=self.data_from) if self.data_from else "")
        held = first if len(self.labels) == 1 else {"it": "da {a} a {b}", "en": "{a} to {b}"}[lang].format(
            a=first, b=self.labels[-1])
        said = {"it": "{n} {u} nel file: {h}", "en": "{n} {u} exported, {h}"}[lang].format(
            n=len(self.labels), u=unit, h=held)
        out = left_out_words(self.running, self.published, self.parts, lang, ask)
        return said + (f"; {out}." if out else ".")

    def said(self) -> str:
        """One line for the CLI's stderr: ``ascolto: 2 months exported, 2026-10 to 2026-11.``"""
        return "ascolto: " + self.words("en")


def left_out_words(running: str | None, published: str | None, parts, lang: str, ask) -> str:
    """The running period an export leaves out, in ``lang``: when it is published and its ended ``parts``
    (``(freq, labels)``, each frequency named by ``ask``); "" when ``running`` is None."""
    if running is None:
        return ""
    to = {"it": "da {a} a {b}", "en": "{a} to {b}"}[lang]
    hint = {"it": " o ", "en": " or "}[lang].join(
        f"{ask(f)} ({to.format(a=ps[0], b=ps[-1]) if len(ps) > 1 else ps[0]})" for f, ps in parts)
    if lang == "it":
        return (f"lasciato fuori {running}, in corso (si pubblica dal {published})"
                + (f"; i suoi periodi conclusi: {hint}" if hint else ""))
    return f"{running} is still running (published from {published})" + (f"; its ended parts: {hint}" if hint else "")


def held_periods(con, freq: str, start: str | None, end: str | None, *, ask: str = "--freq {}") -> Held:
    """The periods a table export of ``freq``, ``start``–``end`` holds. A range without any response is
    :func:`warehouse.data_range.require_data`'s refusal (naming ``from`` or ``to``); one whose periods with data
    have none ended is a ``QueryError`` naming ``freq`` (saying so, or, when no response counts at all — automated
    answers only —, that none is counted). ``ask`` spells a finer frequency the way the caller
    is asked: ``--freq {}`` on the command line, ``freq={}`` in the API."""
    require_data(con, freq, start, end, export=True)

    def held(f: str) -> list[str]:
        lo = start and period_of(months(start, "from")[0], f)
        hi = end and period_of(months(end, "to")[1], f)
        return [p for p in period_labels(con, f) if (not lo or p >= lo) and (not hi or p <= hi)]

    labels = held(freq)
    running = period_of(running_month(), freq)
    newest = con.execute("SELECT max(period) FROM rollup WHERE n > 0").fetchone()[0]  # a month, YYYY-MM
    later = end is None and newest is not None and period_of(newest, freq) == running
    inside = [(f, [p for p in held(f) if period_of(months(p, "from")[0], freq) == running]) for f in FINER[freq]]
    parts = tuple((f, tuple(ps)) for f, ps in inside if ps)
    out = (running, complete_from(running).isoformat(), parts) if later else (None, None, ())
    if not labels and newest is None:
        raise NoData("freq", _nothing_ended(con))
    if not labels:
        left_out = left_out_words(*out, "en", ask.format)
        raise NoData("freq", f"No {WORDS[freq]} with data has ended, so the export would hold no figure"
                                 + (f". {left_out}." if left_out else "."))
    return Held(freq, labels, coverage(labels[0], first_data_month(con))["data_from"], *out)


def _nothing_ended(con) -> str:
    """Why no period has ended with data when no ended month holds a counted response (the rollup's are
    ended months only): the answers are all of the running month — said with the day it is published, as
    the coverage page says when answers arrive (``responses_stored``: whether, never how many) —, none is
    counted at all (automated answers only, stored for audit), or none is stored yet."""
    from dataset.views import counted

    ours, stored = con.execute(f"SELECT count(*) FILTER (WHERE {counted()}), count(*) FROM responses_stored").fetchone()
    if not stored:
        return "No response has been stored yet, so the export would hold no figure."
    if ours:
        running = running_month()
        return (f"No month with data has ended, so the export would hold no figure: the answers received so far "
                f"are of {running}, which is still running (published from {complete_from(running).isoformat()}).")
    return "No response is counted (automated answers are stored for audit, never counted), so the export would " \
           "hold no figure."


def require_period(con, period: str, field: str = "period") -> None:
    """A console page's ``period`` (an ended one) in which no response counts: the API's refusal of such a
    range (:func:`warehouse.data_range.require_data`) said of ``field``, with the months that have data, and its
    ``instead`` the latest ended period of the same frequency with data (the error page links to it) — such a
    page showed "Risposte —" and "Nessun dato.", as if nobody had answered, where the API says where the data are."""
    freq = freq_of(period, field)
    try:
        require_data(con, freq, period, period, period=True)
    except QueryError as refused:
        if refused.field != "period" or not str(refused).startswith("No responses"):
            raise
        first, last = months(period, field)
        lo, hi = con.execute("SELECT min(period), max(period) FROM rollup WHERE n > 0").fetchone()
        of = f" (the months {first} to {last})" if (first, last) != (period, period) else ""
        exc = QueryError(field, f"No responses in {field}={period}{of}: the data cover the months {lo} to {hi}; "
                                "nothing to show for that period.")
        exc.instead = latest_period(con, freq)[0]
        raise exc from None


def ended_parts(con, label: str) -> str:
    """The ended periods with data inside a running quarter or year ``label``, at each finer frequency, in
    words for a refusal: ``the quarters 2026-Q1 to 2026-Q3 and the months 2026-01 to 2026-11 (--period 2026-Q3,
    --period 2026-11)`` — the latest of each frequency is the one to ask for; "" when none (a running month
    has no finer part). What ``ascolto indicators`` adds to its refusal of a running period (:func:`with_data`):
    the finer periods with data of the one asked for."""
    freq = freq_of(label, "period")
    found = [(f, [p for p in period_labels(con, f) if period_of(months(p, "from")[0], freq) == label])
             for f in FINER[freq]]
    found = [(f, ps) for f, ps in found if ps]
    if not found:
        return ""
    words = " and ".join(f"the {WORDS[f]}s {ps[0]} to {ps[-1]}" if len(ps) > 1 else f"the {WORDS[f]} {ps[0]}"
                         for f, ps in found)
    return f"{words} ({', '.join(f'--period {ps[-1]}' for _f, ps in found)})"


def latest_ended(con, label: str, today=None) -> str | None:
    """The period to suggest instead of ``label``, one still running: the latest ended period of its frequency
    that has data (:func:`warehouse.cube.latest_period`, the console's default period), None when none has
    ended — never the period right before ``label`` on the calendar, which may hold no data at all (``2025``
    when the data begin in 2026). The one such suggestion: the console's pages and API (:func:`with_data`),
    ``ascolto indicators`` and ``ascolto publish`` (:func:`warehouse.publish.publish`) name it."""
    return latest_period(con, freq_of(label, "period"), today)[0]


def with_data(con, exc: Exception, today=None) -> Exception:
    """``exc`` — :func:`warehouse.periods.require_ended`'s refusal of a running period, which knows no data
    and suggests the period right before it ("such as 2025") — said again with :func:`latest_ended`'s
    suggestion (its ``instead``, what a console page links to), or saying that none has ended. Any other
    exception is returned as it is."""
    label = getattr(exc, "running", None)
    if label is None:
        return exc
    return running_refusal(exc.field, label, latest_ended(con, label, today))
