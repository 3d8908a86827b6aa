"""Breaks in series between questionnaire versions.

A new version keeps every indicator's series going (``questionnaires check`` insists on a rule for
each). If, under the rule for an indicator, the item changed — its scale, its options, its wording
in a language both versions carry, the rule's scores, or when it is asked (``show_if``) — answers
before and after are not the same measurement. The new version must then *declare a break*::

    "breaks": {"satisfaction": {"it": "Domanda riformulata.", "en": "Question reworded."}}

so the warehouse starts a new series for that indicator from this version (means, funnels and
rankings are never pooled across it) and flags ``OBS_STATUS=B`` on the first period in which the
new version's answers appear. Adding a translation in a new language is not a change. A module
inherits the breaks its new base declares for the base's indicators.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from .model import Questionnaire

ASPECTS = ("item", "scale", "options", "wording", "rule", "routing")


def _item_view(q: Questionnaire, indicator: str) -> dict[str, Any]:
    rule = q.harmonization[indicator]
    item = q.item(rule["item"])
    return {
        "item": (item.code, item.type),
        "scale": (item.scale_min, item.scale_max, item.display),
        "options": item.option_codes,
        "texts": {"label": dict(item.label), **{f"option {o.code}": dict(o.label) for o in item.options},
                  **{f"scale label {k}": dict(v) for k, v in item.scale_labels.items()}},
        "rule": {k: v for k, v in rule.items() if k != "item"},
        "routing": None if item.show_if is None else (item.show_if.item, item.show_if.op, repr(item.show_if.value)),
    }


def changes(prev: Questionnaire, cur: Questionnaire, indicator: str) -> list[str]:
    """What changed for ``indicator`` between two versions: a list of ``"aspect: detail"``.

    Aspects: ``item`` (another item or type), ``scale``, ``options``, ``wording`` (a text changed in
    a language both versions carry), ``rule`` (method or scores), ``routing`` (``show_if``).
    """
    a, b = _item_view(prev, indicator), _item_view(cur, indicator)
    out = []
    if a["item"] != b["item"]:
        out.append(f"item: {a['item'][0]} ({a['item'][1]}) → {b['item'][0]} ({b['item'][1]})")
    if a["scale"] != b["scale"]:
        out.append(f"scale: {a['scale'][0]}–{a['scale'][1]} → {b['scale'][0]}–{b['scale'][1]}"
                   + (f" (display {a['scale'][2]} → {b['scale'][2]})" if a["scale"][2] != b["scale"][2] else ""))
    if a["options"] != b["options"]:
        out.append(f"options: {list(a['options'])} → {list(b['options'])}")
    changed = sorted(f"{place} ({lang})" for place, labels in b["texts"].items()
                     for lang, text in labels.items()
                     if lang in a["texts"].get(place, {}) and a["texts"][place][lang] != text)
    if changed:
        out.append("wording: " + ", ".join(changed))
    if a["rule"] != b["rule"]:
        out.append(f"rule: {a['rule']} → {b['rule']}")
    if a["routing"] != b["routing"]:
        out.append(f"routing: {a['routing']} → {b['routing']}")
    return out


def declared(q: Questionnaire, prev: Questionnaire | None = None) -> dict[str, Mapping[str, str]]:
    """The breaks ``q`` declares, plus those of its base for inherited indicators when the base
    changed since ``prev``'s base."""
    out = dict(q.breaks)
    if q.base is not None and (prev is None or prev.base is None or prev.base.ref != q.base.ref):
        for name, reason in declared(q.base).items():
            if name in q.base.harmonization:
                out.setdefault(name, reason)
    return out


def series_start(by_key: Mapping[tuple[str, int], Questionnaire], qid: str, version: int, indicator: str) -> int:
    """The version of ``qid`` at which ``indicator``'s current series began (1 when never broken)."""
    start = 1
    for v in range(2, version + 1):
        q = by_key.get((qid, v))
        if q is not None and indicator in declared(q, by_key.get((qid, v - 1))):
            start = v
    return start


def starts_series(q: Questionnaire, prev: Questionnaire | None, indicator: str | None = None) -> bool:
    """True when version ``q`` declares a break (for ``indicator``, or for any indicator)."""
    breaks = declared(q, prev)
    return bool(breaks) if indicator is None else indicator in breaks


def index(catalog: Mapping[tuple[str, int], Questionnaire] | Iterable[Questionnaire]) -> dict[tuple[str, int], Questionnaire]:
    """``{(id, version): Questionnaire}`` from a mapping of that shape or any iterable (a ``Catalog``)."""
    if isinstance(catalog, Mapping):
        return dict(catalog)
    return {(q.id, q.version): q for q in catalog}


def first_period_after_break(catalog: Mapping[tuple[str, int], Questionnaire] | Iterable[Questionnaire], qid: str,
                             version: int, first_seen: Mapping[tuple[str, int], str],
                             indicator: str | None = None) -> str | None:
    """The period to flag ``OBS_STATUS=B`` for ``qid@version``: the first period its answers appear
    in (``first_seen[(qid, version)]``, computed by the caller from the data) when that version
    declares a break (for ``indicator`` if given); ``None`` otherwise or when it was never seen.

    ``catalog`` is a ``Catalog`` (or any iterable of questionnaires, or a mapping by (id, version)).
    """
    by_key = index(catalog)
    q = by_key.get((qid, version))
    if q is None or not starts_series(q, by_key.get((qid, version - 1)), indicator):
        return None
    return first_seen.get((qid, version))
