"""Map validated answers onto the canonical indicators declared by a questionnaire's harmonization.

Canonical indicators (DESIGN §6): ratings ``satisfaction``, ``ease``, ``clarity``, ``speed``,
``trust`` and ``task_completed`` on 0–100 (raw value and scale kept beside them), and the
categorical ``went_well`` / ``went_wrong``. The rules are data in each definition; this module
only knows the methods:

- ``linear`` (rating items): ``(answer - min) * 100 / (max - min)``;
- ``map`` (rating, choice or boolean items): a score 0–100 per answer (``"true"``/``"false"`` for
  booleans); ``null`` means "not scored" (a "don't know" answer gives no value);
- ``categories`` (choice or multi items): each chosen option becomes a category code, through
  ``map`` where the option code is not itself one of :data:`CATEGORY_CODES`.

Module indicators (named ``MODULE-ID:name``) use the same methods; :func:`module_indicators`
computes them, :func:`canonical_indicators` ignores them.
"""
from __future__ import annotations

from typing import Any, Mapping

from .memo import IdentityCache
from .model import CATEGORY_CODES, CATEGORY_INDICATORS, SCORE_INDICATORS, Questionnaire, bool_key

__all__ = ["SCORE_INDICATORS", "CATEGORY_INDICATORS", "CATEGORY_CODES", "HarmonizationError",
           "canonical_indicators", "module_indicators"]


class HarmonizationError(ValueError):
    """An answer cannot be mapped by the declared rule (a defect of the definition)."""


def _apply(questionnaire: Questionnaire, name: str, rule: Mapping[str, Any], answer: Any) -> dict[str, Any]:
    """One rule applied to one (present) answer: {"value", "raw", "scale"} or {"categories"}."""
    method = rule.get("method")
    if method == "linear":
        item = questionnaire.item(rule["item"])
        lo, hi = item.scale_min, item.scale_max
        return {"value": round((answer - lo) * 100.0 / (hi - lo), 4), "raw": str(answer), "scale": f"{lo}-{hi}"}
    if method == "map":
        try:
            score = rule["map"][bool_key(answer)]
        except KeyError:
            raise HarmonizationError(f"{questionnaire.key}: {name}: no mapping for {answer!r}") from None
        return {"value": None if score is None else float(score), "raw": bool_key(answer), "scale": None}
    if method == "categories":
        mapping = rule.get("map", {})
        codes = [answer] if isinstance(answer, str) else answer
        return {"categories": sorted({mapping.get(code, code) for code in codes})}
    raise HarmonizationError(f"{questionnaire.key}: {name}: unknown method {method!r}")


def _compile(questionnaire: Questionnaire, name: str, rule: Mapping[str, Any]):
    """``answer -> result``: :func:`_apply` for one rule with its lookups done once (same results)."""
    method = rule.get("method")
    if method == "linear":
        try:
            item = questionnaire.item(rule["item"])
        except KeyError:
            return lambda answer: _apply(questionnaire, name, rule, answer)
        lo, hi = item.scale_min, item.scale_max
        scale = f"{lo}-{hi}"

        def linear(answer: Any) -> dict[str, Any]:
            return {"value": round((answer - lo) * 100.0 / (hi - lo), 4), "raw": str(answer), "scale": scale}
        if not (isinstance(lo, int) and isinstance(hi, int) and 0 < hi - lo <= 100):
            return linear
        # a rating's points, computed once: each call gets its own copy of the result
        points = {point: linear(point) for point in range(lo, hi + 1)}
        return lambda answer: dict(points[answer]) if type(answer) is int and lo <= answer <= hi \
            else linear(answer)
    if method == "map" and isinstance(rule.get("map"), Mapping):
        mapping = rule["map"]

        def mapped(answer: Any) -> dict[str, Any]:
            key = bool_key(answer)
            if key not in mapping:
                raise HarmonizationError(f"{questionnaire.key}: {name}: no mapping for {answer!r}")
            score = mapping[key]
            return {"value": None if score is None else float(score), "raw": key, "scale": None}
        return mapped
    return lambda answer: _apply(questionnaire, name, rule, answer)


def _build_plan(questionnaire: Questionnaire) -> tuple[tuple, tuple]:
    canonical, modules = [], []
    for name, rule in questionnaire.harmonization.items():
        apply = _compile(questionnaire, name, rule)
        if name in CATEGORY_INDICATORS:
            canonical.append((name, rule["item"], apply, None, None))
        elif name in SCORE_INDICATORS:
            canonical.append((name, rule["item"], apply, f"{name}_raw", f"{name}_scale"))
        else:
            modules.append((name, rule["item"], apply))
    return tuple(canonical), tuple(modules)


_PLANS = IdentityCache()


def _plan(questionnaire: Questionnaire) -> tuple[tuple, tuple]:
    """(canonical rules as (name, item code, compiled rule, raw column, scale column) — the columns None for a
    categorical indicator — and module rules as (name, item code, compiled rule)), built once per questionnaire."""
    return _PLANS.get(questionnaire, _build_plan)


_EMPTY: dict[str, Any] = {}
for _name in SCORE_INDICATORS:
    _EMPTY[_name] = _EMPTY[f"{_name}_raw"] = _EMPTY[f"{_name}_scale"] = None


def canonical_indicators(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Return every canonical column for one validated answers map.

    Score indicators give ``name`` (0–100 float or None), ``name_raw`` (the answer, or None) and
    ``name_scale`` ("min-max" for ratings, None otherwise); categorical indicators give a list of
    canonical category codes (empty when not asked or not answered).
    """
    out = dict(_EMPTY)
    for name in CATEGORY_INDICATORS:
        out[name] = []
    for name, item, apply, raw, scale in _plan(questionnaire)[0]:
        answer = answers.get(item)
        if answer is None:
            continue
        result = apply(answer)
        if raw is None:  # a categorical indicator
            out[name] = result.get("categories", [])
        else:
            out[name], out[raw], out[scale] = result["value"], result["raw"], result["scale"]
    return out


def module_indicators(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The module indicators (``ID:name``) of one validated answers map, for the answered items.

    Each is ``{"value": 0–100 or None, "raw": str, "scale": "min-max" or None}`` (or
    ``{"categories": [...]}`` for a categorical one).
    """
    out: dict[str, dict[str, Any]] = {}
    for name, item, apply in _plan(questionnaire)[1]:
        answer = answers.get(item)
        if answer is not None:
            out[name] = apply(answer)
    return out
