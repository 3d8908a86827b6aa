"""What changed since the previous period, on the national overview (docs/warehouse.md, docs/methodology.md §8).

Every figure from two *published* cells of the protected path (:func:`.data.table` with each cell's
``share_noise_var``), judged as the workspace's and the entity page's services tables judge theirs
(:mod:`warehouse.changes`): the difference in points of the positive share against the previous period
of the same frequency (:func:`~warehouse.changes.previous_period`), Newcombe's 95% interval and the
verdict (:func:`~warehouse.changes.change_since`), many changes of one card judged together by
Benjamini–Hochberg (:func:`~warehouse.changes.fdr_verdicts`).

- :func:`headline_changes`: the headline table's cells of the period and the previous one, each
  indicator's ``change`` — or ``no_change``, why there is none (:data:`NO_CHANGE`) — each judged on its
  own (the public site's highlights give the same national change the same verdict).
- :func:`type_changes`: the card "Tipi di servizio con variazioni rilevabili": one protected query by
  service type for the two periods; every type compared, judged together; the rows of those whose change
  survives (a :class:`.data.Chart`, downloadable as the page's other tables), its note when none does.

No change is given when there is no previous period with answers (``first``), else by the one rule of
every page, the public site's highlights' too (:func:`warehouse.changes.why_not`): either cell is missing
(``missing``: no answers, or no published share), suppressed (``suppressed``), of low reliability
(``low_n``: ``OBS_STATUS`` U, fewer than ``ASCOLTO_RELIABILITY_MIN_N`` answers) or the first period of a
new series of the indicator (``break``: ``OBS_STATUS`` B, a questionnaire version declaring a break).
"""
from __future__ import annotations

from typing import Any

from .. import cube
from ..changes import CHANGE_WORDS, compare, fdr_verdicts, previous_period
from .data import Chart, cell, num, table, type_label
from .i18n import gettext as _

#: Why a change since the previous period is not given (the headline's cell and its CSV say it): ``first``,
#: else a reason of :func:`warehouse.changes.why_not` (``{n}``: ``ASCOLTO_RELIABILITY_MIN_N``).
NO_CHANGE = {"first": "nessun periodo precedente con risposte",
             "missing": "nessun valore pubblicato in uno dei due periodi",
             "suppressed": "valore oscurato in uno dei due periodi (troppe poche risposte)",
             "low_n": "valore di bassa affidabilità in uno dei due periodi (meno di {n} risposte)",
             "break": "serie interrotta: è cambiata la versione del questionario"}

#: The change's columns of a CSV (the headline's and the service types card's).
CHANGE_COLUMNS = [("previous", "Periodo precedente"), ("change_value", "Variazione sul periodo precedente"),
                  ("change_lower", "Variazione: IC 95% inf."), ("change_upper", "Variazione: IC 95% sup."),
                  ("verdict", "Esito")]
#: The service types card's table, as its CSV heads it.
TYPE_CHANGE_COLUMNS = [("code", "Codice"), ("label", "Tipo di servizio"), ("n", "Risposte"),
                       ("share", "Quota positiva %"), ("previous_share", "Quota positiva nel periodo precedente %"),
                       *CHANGE_COLUMNS]


def change_fields(change: dict | None, reason: str | None, prev: str | None, low_n: int | None = None) -> dict[str, Any]:
    """A row's change as the page and its CSV give it (once judged: after :func:`fdr_verdicts`): ``change``
    itself, the difference (``change_value``) and its interval to one decimal, the verdict in words — or,
    none, why (``no_change``: a :data:`NO_CHANGE` code, in words in ``verdict``; ``low_n`` the reliability
    threshold those words state)."""
    ci = (change or {}).get("ci") or [None, None]
    words = _(CHANGE_WORDS[change["verdict"]]) if change else _(NO_CHANGE[reason or "missing"]).format(n=low_n)
    return {"change": change, "previous": prev, "no_change": None if change else reason or "missing",
            "change_value": num((change or {}).get("difference")), "change_lower": num(ci[0]),
            "change_upper": num(ci[1]), "verdict": words}


def headline_changes(con, settings, freq: str, p: str, periods: list[str]) -> list[dict[str, Any]]:
    """The headline table's rows of period ``p``: each score indicator's published cell with its change since
    the previous period (``change``: :func:`change_since`, judged on its own) or why there is none; one
    protected query per indicator for both periods."""
    prev = previous_period(p, freq)
    has_prev = prev in periods
    out = []
    for ind in cube.SCORE_INDICATORS:
        cells = {r["period"]: cell(r) for r in table(con, settings, True, indicator=ind, freq=freq,
                                                     start=prev if has_prev else p, end=p)}
        if p not in cells:
            continue
        change, reason = compare(cells.get(prev), cells[p], prev) if has_prev else (None, "first")
        out.append({"indicator": ind, "period": p, **cells[p], "change": change, "no_change": reason})
    # each indicator judged on its own, as the public highlights judge the national change: one national change,
    # one verdict (Benjamini–Hochberg is for scanning many units of one kind, the card below; methodology §8)
    low_n = settings.reliability_min_n  # what OBS_STATUS U, and so the reason low_n, stands for
    return [{**h, **change_fields(h["change"], h["no_change"], prev if has_prev else None, low_n)} for h in out]


def type_changes(con, settings, indicator: str, freq: str, p: str | None, periods: list[str], lang: str) -> Chart:
    """Chart ``type-changes``: the service types whose positive share of ``indicator`` changed detectably
    since the previous period, after Benjamini–Hochberg over every type compared (the cells
    :func:`warehouse.changes.why_not` lets be compared); its ``note`` says how many were compared, and why
    none is listed when none is."""
    prev = previous_period(p, freq) if p else None
    title = "Tipi di servizio con variazioni rilevabili"
    if not p or prev not in periods:
        return Chart("type-changes", title, TYPE_CHANGE_COLUMNS, [],
                     note=_("Nessun confronto: nessun periodo precedente con risposte.") if p else "")
    cells = {(r["service_type"], r["period"]): cell(r)
             for r in table(con, settings, True, indicator=indicator, by=["service_type"], freq=freq, start=prev, end=p)}
    compared = []
    for t in sorted({t for t, _q in cells if t != cube.UNKNOWN}):
        now, before = cells.get((t, p)), cells.get((t, prev))
        change, _reason = compare(before, now, prev)
        if change:
            compared.append({"code": t, "label": type_label(t, lang), **now, "previous_share": before["share"],
                             "change": change})
    fdr_verdicts([c["change"] for c in compared])  # every type compared at once: false discoveries controlled
    rows = [{**c, **change_fields(c["change"], None, prev)} for c in compared
            if c["change"]["verdict"] != "no detectable change"]
    if not compared:
        note = _("Nessun tipo di servizio ha valori pubblicati e confrontabili in entrambi i periodi ({q} e {p}).")
    elif not rows:
        note = _("Nessun tipo di servizio con una variazione rilevabile rispetto a {q}, tenendo conto del numero di "
                 "confronti (tipi di servizio confrontati: {m}).")
    else:
        note = _("Variazioni rilevabili rispetto a {q}, tenendo conto del numero di confronti (Benjamini–Hochberg; "
                 "tipi di servizio confrontati: {m}).")
    return Chart("type-changes", title, TYPE_CHANGE_COLUMNS, rows, note=note.format(q=prev, p=p, m=len(compared)))


__all__ = ["CHANGE_COLUMNS", "NO_CHANGE", "TYPE_CHANGE_COLUMNS", "change_fields", "headline_changes", "type_changes"]
