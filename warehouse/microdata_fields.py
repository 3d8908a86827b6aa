"""The Table Schema fields of a questionnaire's own items in the microdata package
(:mod:`warehouse.datapackage`): each item as the codebook describes it, and how it becomes the
published series it feeds."""
from __future__ import annotations

from typing import Any

from questionnaires.harmonize import CATEGORY_INDICATORS, SCORE_INDICATORS

from . import codelists as cl


def module_indicators(item, q) -> list[dict[str, Any]]:
    """The module indicators (``mod-anagrafe:fully_online``) the item ``item`` of the questionnaire
    version ``q`` feeds, each with its published series (``MOD_ANAGRAFE__FULLY_ONLINE_POS`` / ``_MEAN``,
    the tables' INDICATOR codes), its harmonization rule (answer → 0–100 score), scale and positive answers.
    The core items' rules are on the score fields (``satisfaction``, …); a module indicator has no score
    column, so without this its rows could not be traced to its series — and a reversed yes/no item
    (``anag_counter``: "no" is the positive answer) read the wrong way round."""
    from questionnaires.scales import lookup, scale_label

    out = []
    for ind, rule in q.harmonization.items():
        if ind in SCORE_INDICATORS or ind in CATEGORY_INDICATORS or rule.get("item") != item.code:
            continue
        m = lookup().get((q.id, q.version, ind))
        out.append({"indicator": ind, "series": [cl.series_code(ind, s) for s in ("POS", "MEAN")],
                    "harmonization": dict(rule),
                    **({"scale": m.scale, "scale_label": {lang: scale_label(m.scale, lang) for lang in ("it", "en")},
                        "positive_answers": list(m.positive)} if m else {})})
    return out


def item_field(item, q=None, lang: str = "en") -> dict[str, Any]:
    """The Table Schema field ``item_<code>`` of one non-text item of the questionnaire version ``q``:
    its wording in every language (``labels``), type, whether the questionnaire required it (``item_required``,
    codebook.json's: a blank of an optional item is a choice not to answer, of a required one a routed-out
    or partial record), options and their labels, its scale and end labels,
    ``show_if``, and the module indicators it feeds (:func:`module_indicators`). ``description``: its
    wording in ``lang`` (the package's language), and so is ``title`` (the Italian wording where the
    questionnaire has none in ``lang``)."""
    from .datapackage_text import text
    f: dict[str, Any] = {"name": f"item_{item.code}", "title": item.label.get(lang) or item.label.get("it", item.code),
                         "description": item.label.get(lang, item.label.get("it", "")),
                         "labels": dict(item.label), "item_type": item.type,
                         # codebook.json's "required"; not constraints.required: a routed-out cell is blank
                         "item_required": bool(item.required)}
    if item.type == "rating":
        scale = {"min": item.scale_min, "max": item.scale_max}  # + its end labels, as codebook.json gives them
        f.update(type="integer", constraints=dict(minimum=item.scale_min, maximum=item.scale_max), scale=scale)
        if item.scale_labels:  # which end is the good one, in every language ("1 = Per niente")
            scale["labels"] = {k: dict(v) for k, v in item.scale_labels.items()}
    elif item.type == "choice":
        f.update(type="string", constraints={"enum": [o.code for o in item.options]},
                 options=[{"code": o.code, "labels": dict(o.label)} for o in item.options])
    elif item.type == "multi":
        f.update(type="string", format="default",
                 description=f.get("description", "") + text("options_separated", lang),
                 options=[{"code": o.code, "labels": dict(o.label)} for o in item.options])
    elif item.type == "boolean":
        f.update(type="boolean")
    if item.show_if:
        f["show_if"] = {"item": item.show_if.item, "op": item.show_if.op, "value": item.show_if.value}
    if q is not None and (fed := module_indicators(item, q)):
        f["indicators"] = fed
    return f
