"""A quarter's key findings in words ("In sintesi" / "Highlights" / "Auf einen Blick"), as a statistical
office's release opens, computed from the *published release cells only*: this quarter's frozen table
and the previous quarter's (:mod:`warehouse.public.releases`) — never from the data.

:func:`findings` (the numbers, the ``highlights`` of ``/data/<quarter>.json``):

- for each headline indicator (:data:`HEADLINE`, those the release publishes nationally) its national
  positive share with its published 95% interval, and its change since the previous quarter
  (:func:`warehouse.changes.change_since`: the difference of the two published shares, Newcombe's 95%
  interval and the verdict of :func:`warehouse.evaluation.share_change`; each cell's perturbation
  variance from its published interval, :func:`warehouse.changes.noise_from_interval`) — or why there is
  none (:data:`REASONS`);
- the service types whose positive share of the first headline indicator changed detectably, judged
  together (Benjamini–Hochberg over the types compared, :func:`warehouse.changes.fdr_verdicts`);
- the months a partial quarter holds (the manifest's ``coverage``).

The previous quarter is the calendar one before (:func:`warehouse.changes.previous_period`, as the
console's "change since the previous period"); a comparison needs both cells published with at least
``low_n`` answers (status A), and no break in series in either (``OBS_STATUS`` B: the quarter a
questionnaire version declaring a break first appears in — the release's only trace of the series,
whose labels the cube keeps to itself): the one rule of every page, :func:`warehouse.changes.why_not`.
:func:`sentences` says the findings in Italian, English or German (the texts' translations are in ``EN``
and ``DE``; :data:`TEXTS` lists them for the tests).
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from markupsafe import Markup, escape

from .. import changes
from ..changes import NO_CHANGE_REASONS, fdr_verdicts, noise_from_interval, previous_period
from ..numbers import number, signed
from .i18n import LABELS, gettext, type_name
from .releases import INDICATORS, Release

#: The indicators the section opens with: overall satisfaction (the console's headline too) and whether
#: the person got done what they came for; the others stay in the tables below.
HEADLINE = ("SATISFACTION", "TASK_COMPLETED")
#: Why a change is not given: no quarter released before this one; the quarter before is not released;
#: else the one rule of every page (:func:`warehouse.changes.why_not`): the indicator is not in one of the
#: two tables; a cell suppressed; a cell of fewer than ``low_n`` answers (status U); a break in series
#: (status B) in either quarter.
REASONS = ("first", "previous_not_released", *NO_CHANGE_REASONS)

SHARE = "{label}: {share}% di giudizi positivi (intervallo di confidenza al 95%: {lo}–{hi})."
YES = "{label}: {share}% di risposte «sì» (intervallo di confidenza al 95%: {lo}–{hi})."
CHANGE = "Rispetto al trimestre precedente ({q}): {d} punti (intervallo di confidenza al 95%: da {lo} a {hi}), {verdict}."
VERDICTS = {"improved": "in aumento", "worsened": "in calo", "no detectable change": "nessuna variazione rilevabile"}
WHY = {"first": "Nessun confronto con il trimestre precedente: è il primo trimestre pubblicato.",
       "previous_not_released": "Nessun confronto con il trimestre precedente: il trimestre {q} non è pubblicato.",
       "missing": "Nessun confronto con il trimestre precedente ({q}): l'indicatore non è pubblicato in uno dei due trimestri.",
       "suppressed": "Nessun confronto con il trimestre precedente ({q}): il valore di uno dei due trimestri è oscurato "
                     "perché le risposte sono troppo poche.",
       "low_n": "Nessun confronto con il trimestre precedente ({q}): il valore di uno dei due trimestri si basa su meno "
                "di {n} risposte.",
       "break": "Nessun confronto con il trimestre precedente ({q}): la serie è interrotta perché è cambiata la "
                "versione del questionario."}
TYPES_CHANGED = ("Per tipo di servizio ({label}), variazione rilevabile rispetto al trimestre precedente, tenendo conto "
                 "del numero di confronti (tipi di servizio confrontati: {m}): {items}.")
TYPE_ITEM = "{name} {d} punti (da {lo} a {hi})"
TYPES_NONE = ("Per tipo di servizio ({label}): nessuna variazione rilevabile rispetto al trimestre precedente "
              "(tipi di servizio confrontati: {m}).")
TYPES_NOT_COMPARED = ("Per tipo di servizio ({label}): nessun confronto con il trimestre precedente, perché nessun tipo "
                      "ha valori pubblicati e confrontabili in entrambi i trimestri.")
PARTIAL = "Il trimestre contiene risposte solo dei mesi {m}: i valori non riguardano tutto il trimestre."
#: Every Italian (source) text of the section: each must have its English and German (tests/test_public_german.py)
TEXTS = (SHARE, YES, CHANGE, *VERDICTS.values(), *WHY.values(), TYPES_CHANGED, TYPE_ITEM, TYPES_NONE,
         TYPES_NOT_COMPARED, PARTIAL)


def _cell(cell: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A release cell as :func:`warehouse.changes.why_not` reads one (share %, n, its statuses)."""
    if cell is None:
        return None
    return {"share": cell.get("top2"), "n": cell.get("n"), "conf_status": cell.get("conf_status"),
            "obs_status": cell.get("obs_status")}


def compare(now: Mapping[str, Any] | None, before: Mapping[str, Any] | None, prev: str) -> tuple[dict | None, str | None]:
    """(change, None) between two release cells of one indicator, else (None, the reason: :data:`REASONS`) —
    the one rule of every page, :func:`warehouse.changes.compare`. The change: ``difference`` (points),
    ``ci`` (95%), ``verdict``, ``p_value`` (:func:`warehouse.changes.change_since`), each cell's perturbation
    variance the one its published interval implies — worked out (~2 ms a cell) only for cells the rule lets
    be compared."""
    old, new = _cell(before), _cell(now)
    if changes.why_not(old, new) is None:
        for c, raw in ((old, before), (new, now)):
            share, n, lo, hi = (raw.get(k) for k in ("top2", "n", "top2_lower", "top2_upper"))
            c["share_noise_var"] = noise_from_interval(share, n, lo, hi) if None not in (share, n, lo, hi) else None
    return changes.compare(old, new, prev)


def findings(release: Release, releases: Mapping[str, Release], service_type: str | None = None) -> dict[str, Any]:
    """The highlights of ``release`` against the previous quarter among ``releases`` (every released one);
    of one ``service_type``'s cells (its page: the same sentences, no card of service types) when given."""
    prev = previous_period(release.period, "Q")
    before = releases.get(prev)
    first = not any(p < release.period for p in releases)
    scope = {"service_type": service_type} if service_type else {}
    national = {c["indicator"]: c for c in release.cells(**scope)}
    shown = [i for i in HEADLINE if national.get(i, {}).get("top2") is not None] or \
        [i for i in INDICATORS if national.get(i, {}).get("top2") is not None][:1]
    old = {c["indicator"]: c for c in before.cells(**scope)} if before else {}
    out: dict[str, Any] = {"period": release.period, "previous": prev, "previous_released": before is not None,
                           "partial_months": None, "national": [], "service_types": None}
    cov = release.manifest.get("coverage")
    if cov and not cov.get("whole", True):
        out["partial_months"] = list(cov.get("months", []))
    for ind in shown:
        c = national[ind]
        change, reason = compare(c, old.get(ind), prev) if before else (None, "first" if first else "previous_not_released")
        out["national"].append({"indicator": ind, "share": c["top2"], "lower": c["top2_lower"], "upper": c["top2_upper"],
                                "n": c["n"], "change": change, "no_change_reason": reason})
    if shown and before and not service_type:
        ind, compared = shown[0], []
        for t in sorted(set(release.values("service_type")) & set(before.values("service_type"))):
            now_t = {c["indicator"]: c for c in release.cells(service_type=t)}.get(ind)
            old_t = {c["indicator"]: c for c in before.cells(service_type=t)}.get(ind)
            change, _reason = compare(now_t, old_t, prev)
            if change:
                compared.append({"service_type": t, **change})
        fdr_verdicts(compared)  # every type compared at once: false discoveries controlled (methodology §8)
        out["service_types"] = {"indicator": ind, "compared": len(compared),
                                "changed": [c for c in compared if c["verdict"] != "no detectable change"]}
    return out


def sentences(h: Mapping[str, Any], lang: str, low_n: int, name: Callable[[str], str] | None = None,
              markup: bool = False) -> list[str]:
    """The findings (:func:`findings`) as the section's bullets in ``lang``: each headline indicator
    (its share, then its change or why there is none), the service types, a partial quarter. ``name``: a
    service type's name (default :func:`warehouse.public.i18n.type_name`); ``markup``: the bullets as
    :class:`markupsafe.Markup` for a page (the names may be marked up), else plain text (the JSON)."""
    name = name or (lambda code: type_name(code, lang)[0])

    def say(text: str, **kw) -> str:
        words = gettext(text, lang)
        return Markup(escape(words)).format(**kw) if markup else words.format(**kw)

    def num(v: float) -> str:
        return number(v, lang)

    def change_words(c: Mapping[str, Any]) -> dict[str, str]:
        return {"d": signed(c["difference"], lang), "lo": signed(c["ci"][0], lang), "hi": signed(c["ci"][1], lang)}

    q, out = h["previous"], []
    for f in h["national"]:
        label = LABELS[lang][f["indicator"]]
        text = say(YES if f["indicator"] == "TASK_COMPLETED" else SHARE, label=label, share=num(f["share"]),
                   lo=num(f["lower"]), hi=num(f["upper"]))
        if f["change"]:
            tail = say(CHANGE, q=q, verdict=gettext(VERDICTS[f["change"]["verdict"]], lang), **change_words(f["change"]))
        else:
            tail = say(WHY[f["no_change_reason"]], q=q, n=low_n)
        out.append(text + " " + tail)
    st = h["service_types"]
    if st:
        label = LABELS[lang][st["indicator"]]
        if st["changed"]:
            items = (Markup("; ") if markup else "; ").join(say(TYPE_ITEM, name=name(c["service_type"]), **change_words(c))
                                                            for c in st["changed"])
            out.append(say(TYPES_CHANGED, label=label, items=items, m=st["compared"]))
        else:
            out.append(say(TYPES_NONE if st["compared"] else TYPES_NOT_COMPARED, label=label, m=st["compared"]))
    if h["partial_months"]:
        out.append(say(PARTIAL, m=", ".join(h["partial_months"])))
    return out


def for_json(h: dict[str, Any], low_n: int, langs: tuple[str, ...]) -> dict[str, Any]:
    """The findings with their bullets in every language (``text``: ``{lang: [bullet, …]}``), for the JSON."""
    return {**h, "text": {lang: sentences(h, lang, low_n) for lang in langs}}
