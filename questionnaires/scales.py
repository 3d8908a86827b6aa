"""Scales, instruments, positive answers and wordings of every harmonized measure.

A *measure* is one indicator as one questionnaire version harmonizes it: which item feeds it, on
which response scale, in which words, and which answers count as a *positive judgement*. The
warehouse uses measures to add the ``instrument`` and ``scale`` dimensions to the cube, to count
positive answers per scale (instead of one threshold on 0–100), and to refuse pooling what is not
comparable (``warehouse.comparability``). Everything here is derived from the definitions, so the
published files need no new keys.

Scale codes (:func:`scale_code`):

============  =============================================================  ==================
code          response format                                                positive answers
============  =============================================================  ==================
``likertK``   rating ``1…K`` (``K`` points, e.g. ``likert5``, ``likert4``)   the top two points
``numK``      rating ``0…K-1`` (e.g. ``num11`` for 0–10)                     the top two points
``starsK``    rating ``1…K`` shown as stars (``stars5``)                     the top two stars
``facesK``    choice shown as faces (``faces3``)                             the happiest face
``ynp3``      yes / partly / no                                              yes
``yn2``       boolean, or yes / no (+ an unscored "don't know")              the answer scored 100
``ordK``      any other scored choice (``K`` scored options)                 the best-scored option(s)
``multi``     several options (categorical, ``went_well``)                   —
``single``    one option (categorical)                                       —
============  =============================================================  ==================

A rating scale of three points or fewer counts only its top point as positive; four points or
more, the top two ("top-2-box" of the item's own scale: 4–5 of 5, 3–4 of 4, 9–10 of 0–10). A
scored choice counts the option(s) with the highest score. This replaces the single threshold
``score ≥ 75`` on 0–100, which is 3–4 of a 1–4 scale but 8–10 of 0–10.

The *instrument* of a measure is the definition that owns its item: a module's core items are
``cx-core``'s, unchanged, so ``mod-tributi``'s satisfaction is the ``cx-core`` instrument.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from .model import CATEGORY_INDICATORS, SCORE_INDICATORS, Item, Questionnaire, bool_key

#: Labels of the scale codes (the cube's ``scale`` dimension).
SCALE_LABELS = {
    "likert": {"it": "Scala a {k} punti", "en": "{k}-point scale"},
    "num": {"it": "Scala numerica a {k} punti", "en": "{k}-point numeric scale"},
    "stars": {"it": "{k} stelle", "en": "{k} stars"},
    "faces": {"it": "{k} facce", "en": "{k} faces"},
    "ynp": {"it": "Sì / in parte / no", "en": "Yes / partly / no"},
    "yn": {"it": "Sì / no", "en": "Yes / no"},
    "ord": {"it": "Scelta ordinata a {k} modalità", "en": "Ordered choice, {k} options"},
    "multi": {"it": "Risposta multipla", "en": "Multiple choice"},
    "single": {"it": "Risposta singola", "en": "Single choice"},
}

#: (instrument, indicator) measures that are published but are not part of the national headline of
#: the indicator, with the reason (the object rated differs from the indicator's).
NOT_HEADLINE = {
    ("di-rating-pagina", "clarity"): "rates the information of one web page, not the service as a whole: "
                                     "published under its instrument, not pooled into the national clarity share",
}


@dataclass(frozen=True)
class Measure:
    """One indicator as harmonized by one questionnaire version (see the module docstring)."""

    questionnaire: str
    version: int
    indicator: str
    instrument: str
    item: str
    kind: str                                   # "score" or "categories"
    scale: str
    answers: tuple[str, ...]                    # score: scored raw answers, worst → best; categories: ()
    scores: Mapping[str, float | None] = field(default_factory=dict)   # raw answer → 0–100 (None: not scored)
    positive: tuple[str, ...] = ()              # raw answers counted as a positive judgement
    categories: tuple[str, ...] = ()            # categories: the canonical codes a respondent can reach
    wording: str = ""                           # digest of the item's Italian wording
    headline: bool = False
    note: str = ""                              # why the measure is not a headline measure
    series: int = 1                             # the version that started this measure's series

    @property
    def canonical(self) -> bool:
        return self.indicator in SCORE_INDICATORS or self.indicator in CATEGORY_INDICATORS

    def is_positive(self, raw: str) -> bool:
        """True when the raw answer (``NAME_raw`` of the responses dataset) is a positive judgement."""
        return raw in self.positive


def instrument_of(q: Questionnaire, item_code: str) -> str:
    """The id of the definition (``q`` or one of its bases) whose own items include ``item_code``."""
    cur: Questionnaire | None = q
    while cur is not None:
        if any(it.code == item_code for it in cur.own_items):
            return cur.id
        cur = cur.base
    raise KeyError(item_code)


def _scored(item: Item, rule: Mapping) -> dict[str, float | None]:
    if rule["method"] == "linear":
        lo, hi = item.scale_min, item.scale_max
        return {str(a): round((a - lo) * 100.0 / (hi - lo), 4) for a in range(lo, hi + 1)}
    return {bool_key(a): (None if rule["map"][bool_key(a)] is None else float(rule["map"][bool_key(a)]))
            for a in item.possible_answers()}


def answer_scores(q: Questionnaire, item_code: str) -> dict[str, float | None] | None:
    """How ``q``'s harmonization scores each answer of item ``item_code`` (the raw answer as
    ``bool_key`` writes it → 0–100, None: unscored), or None when no score indicator is fed by it."""
    for rule in q.harmonization.values():
        if rule["item"] == item_code and rule["method"] != "categories":
            return _scored(q.item(item_code), rule)
    return None


def scale_code(q: Questionnaire, indicator: str) -> str:
    """The scale code of ``indicator`` in ``q`` (table in the module docstring)."""
    rule = q.harmonization[indicator]
    item = q.item(rule["item"])
    if rule["method"] == "categories":
        return "multi" if item.type == "multi" else "single"
    if item.type == "rating":
        k = item.scale_max - item.scale_min + 1
        if item.display == "stars":
            return f"stars{k}"
        return f"num{k}" if item.scale_min == 0 else f"likert{k}"
    scored = {a for a, s in _scored(item, rule).items() if s is not None}
    if item.display == "faces":
        return f"faces{len(scored)}"
    if item.type == "boolean" or scored == {"yes", "no"}:
        return "yn2"
    if scored == {"yes", "partly", "no"}:
        return "ynp3"
    return f"ord{len(scored)}"


def positive_answers(q: Questionnaire, indicator: str) -> tuple[str, ...]:
    """The raw answers of ``indicator`` counted as a positive judgement (empty for categorical ones)."""
    rule = q.harmonization[indicator]
    item = q.item(rule["item"])
    if rule["method"] == "categories":
        return ()
    if item.type == "rating":
        top = 2 if item.scale_max - item.scale_min + 1 >= 4 else 1
        return tuple(str(a) for a in range(item.scale_max - top + 1, item.scale_max + 1))
    scored = {a: s for a, s in _scored(item, rule).items() if s is not None}
    best = max(scored.values())
    return tuple(a for a, s in sorted(scored.items(), key=lambda kv: kv[0]) if s == best)


def wording_digest(item: Item) -> str:
    """A short digest of the item's Italian wording: label, option labels, scale-end labels.

    Italian is the reference text of the standard (translations are checked between versions by
    ``questionnaires check``); two measures with the same digest ask the same question.
    """
    doc = {"label": item.label.get("it"), "options": [[o.code, o.label.get("it")] for o in item.options],
           "scale_labels": {k: v.get("it") for k, v in sorted(item.scale_labels.items())}}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]


def measure(q: Questionnaire, indicator: str, series: int = 1) -> Measure:
    """The :class:`Measure` of ``indicator`` in ``q``; raises ``KeyError`` if ``q`` does not harmonize it."""
    rule = q.harmonization[indicator]
    item = q.item(rule["item"])
    instrument = instrument_of(q, item.code)
    canonical = indicator in SCORE_INDICATORS or indicator in CATEGORY_INDICATORS
    if rule["method"] == "categories":
        mapping = rule.get("map", {})
        cats = tuple(sorted({mapping.get(c, c) for c in item.option_codes}))
        headline, note = False, "categorical: shares per option, compared only within one response format"
        return Measure(q.id, q.version, indicator, instrument, item.code, "categories", scale_code(q, indicator),
                       (), {}, (), cats, wording_digest(item), headline, note, series)
    scores = _scored(item, rule)
    answers = tuple(a for a, s in sorted(((a, s) for a, s in scores.items() if s is not None), key=lambda kv: kv[1]))
    if not canonical:
        headline, note = False, "module indicator: compared only within its module"
    elif (instrument, indicator) in NOT_HEADLINE:
        headline, note = False, NOT_HEADLINE[(instrument, indicator)]
    else:
        headline, note = True, ""
    return Measure(q.id, q.version, indicator, instrument, item.code, "score", scale_code(q, indicator), answers,
                   scores, positive_answers(q, indicator), (), wording_digest(item), headline, note, series)


def measures(catalog: Iterable[Questionnaire] | None = None) -> list[Measure]:
    """Every measure of every questionnaire version in ``catalog`` (default: the shipped standard),
    with ``series`` set from the declared breaks (:func:`questionnaires.breaks.series_start`)."""
    from .breaks import series_start
    from .catalog import default_catalog

    qs = list(catalog if catalog is not None else default_catalog())
    by_key = {(q.id, q.version): q for q in qs}
    return [measure(q, name, series_start(by_key, q.id, q.version, name))
            for q in sorted(qs, key=lambda q: (q.id, q.version)) for name in q.harmonization]


def lookup(catalog: Iterable[Questionnaire] | None = None) -> dict[tuple[str, int, str], Measure]:
    """``{(questionnaire, version, indicator): Measure}`` — what the warehouse joins on."""
    return {(m.questionnaire, m.version, m.indicator): m for m in measures(catalog)}


def answer_rows(catalog: Iterable[Questionnaire] | None = None) -> list[dict]:
    """One row per (questionnaire, version, score indicator, raw answer): its score, its position
    on the scale (0 = worst), whether it is positive, and the measure's instrument and scale — a
    table the rollup can join with ``responses`` on (questionnaire, version, NAME_raw)."""
    rows = []
    for m in measures(catalog):
        for pos, raw in enumerate(m.answers):
            rows.append({"questionnaire": m.questionnaire, "version": m.version, "indicator": m.indicator,
                         "raw": raw, "score": m.scores[raw], "position": pos, "positive": raw in m.positive,
                         "instrument": m.instrument, "scale": m.scale, "headline": m.headline})
    return rows


def scale_label(code: str, lang: str = "it") -> str:
    """The label of a scale code in ``lang`` (Italian or English)."""
    stem = code.rstrip("0123456789")
    k = code[len(stem):]
    labels = SCALE_LABELS[stem]
    return labels.get(lang, labels["it"]).format(k=k)
