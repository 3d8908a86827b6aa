"""Map validated answers onto the canonical indicators declared by a questionnaire's harmonization.

Canonical indicators (DESIGN §6): ratings ``satisfaction``, ``ease``, ``clarity``, ``speed``,
``trust`` and ``task_completed`` on 0–100 (raw value and scale kept beside them), and the
categorical ``went_well`` / ``went_wrong``. The rules are data in each definition; this module
only knows the methods.
"""
from __future__ import annotations

from typing import Any, Mapping

from .model import Questionnaire

SCORE_INDICATORS = ("satisfaction", "ease", "clarity", "speed", "trust", "task_completed")
CATEGORY_INDICATORS = ("went_well", "went_wrong")
CATEGORY_CODES = ("clarity", "completeness", "orientation", "technical", "speed", "other")


class HarmonizationError(ValueError):
    """An answer cannot be mapped by the declared rule (a defect of the definition)."""


def canonical_indicators(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Return every canonical column for one validated answers map.

    Score indicators give ``name`` (0–100 float or None), ``name_raw`` (the answer, or None) and
    ``name_scale`` ("min-max" for ratings, None otherwise); categorical indicators give a list of
    canonical category codes (empty when not asked or not answered).
    """
    out: dict[str, Any] = {}
    for name in SCORE_INDICATORS:
        out[name] = out[f"{name}_raw"] = out[f"{name}_scale"] = None
    for name in CATEGORY_INDICATORS:
        out[name] = []
    for name, rule in questionnaire.harmonization.items():
        if name not in SCORE_INDICATORS and name not in CATEGORY_INDICATORS:
            continue
        answer = answers.get(rule["item"])
        if answer is None:
            continue
        method = rule.get("method")
        if method == "linear":
            item = questionnaire.item(rule["item"])
            lo, hi = item.scale_min, item.scale_max
            out[name] = round((answer - lo) * 100.0 / (hi - lo), 4)
            out[f"{name}_raw"] = str(answer)
            out[f"{name}_scale"] = f"{lo}-{hi}"
        elif method == "map":
            try:
                out[name] = float(rule["map"][str(answer)])
            except KeyError:
                raise HarmonizationError(f"{questionnaire.key}: {name}: no mapping for {answer!r}") from None
            out[f"{name}_raw"] = str(answer)
        elif method == "categories":
            mapping = rule.get("map", {})
            out[name] = sorted({mapping.get(code, code) for code in answer})
        else:
            raise HarmonizationError(f"{questionnaire.key}: {name}: unknown method {method!r}")
    return out
