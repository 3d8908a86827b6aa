"""The codebook of the standard: every item, its wording per language, codes, scales, branching and
harmonization, as JSON (``ascolto.codebook/1``, for machines: exports, the data package) and as
Markdown (for people). Both are deterministic: the same standard gives byte-identical files.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from .catalog import Catalog
from .model import (CATEGORY_CODES, CATEGORY_INDICATORS, DEFAULT_LANGUAGE, LANGUAGES, SCORE_INDICATORS, Item,
                    Questionnaire)
from .taxonomy import PACategory, ServiceType

CODEBOOK_SCHEMA = "ascolto.codebook/1"

INDICATOR_MEANINGS = {
    "satisfaction": "overall satisfaction with the service",
    "ease": "ease of use",
    "clarity": "clarity of the information",
    "speed": "satisfaction with the time taken",
    "trust": "trust in the administration",
    "task_completed": "the citizen did what they came to do (yes 100, partly 50, no 0)",
    "went_well": "what went well, as category codes",
    "went_wrong": "what went wrong, as category codes",
}
#: The missing-value codes, as the microdata files write them (warehouse.datapackage), and their meaning.
MISSING_VALUES = {
    "NOT_ASKED": "the item was hidden by its show_if branching: no answer exists and the indicator is empty",
    "NOT_ANSWERED": "an optional item left blank: absent from the answers map, the indicator is empty",
    "NOT_SCORED": "an answer a 'map' rule scores as null (e.g. 'don't know'): the raw answer is kept, the "
                  "indicator is empty",
}


def _item_entry(q: Questionnaire, item: Item, origin: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"code": item.code, "type": item.type, "required": item.required, "origin": origin,
                             "label": dict(item.label)}
    if item.hint:
        entry["hint"] = dict(item.hint)
    if item.type == "rating":
        entry["scale"] = {"min": item.scale_min, "max": item.scale_max,
                          "labels": {k: dict(v) for k, v in item.scale_labels.items()}}
    if item.options:
        entry["options"] = [{"code": o.code, "label": dict(o.label)} for o in item.options]
    if item.type == "boolean":
        entry["values"] = [True, False]
    if item.max_length:
        entry["max_length"] = item.max_length
    if item.display:
        entry["display"] = item.display
    entry["show_if"] = ({"item": item.show_if.item, "op": item.show_if.op, "value": item.show_if.value}
                        if item.show_if else None)
    entry["harmonization"] = [dict(rule, indicator=name) for name, rule in q.harmonization.items()
                              if rule["item"] == item.code]
    return entry


def _kind(indicator: str) -> str:
    if indicator in SCORE_INDICATORS:
        return "score"
    if indicator in CATEGORY_INDICATORS:
        return "categories"
    return "module"


def build_codebook(catalog: Catalog, pa_categories: Mapping[str, PACategory],
                   service_types: Mapping[str, ServiceType]) -> dict[str, Any]:
    """The codebook as a JSON-ready dict."""
    from .scales import measures

    measured = {(m.questionnaire, m.version, m.indicator): m for m in measures(catalog)}
    questionnaires = []
    for q in catalog:
        base_ref = q.base.ref if q.base else None
        own = {it.code for it in q.own_items}
        items = [_item_entry(q, it, q.ref if it.code in own else _origin(q, it.code)) for it in q.items]
        total = sum(1 for _ in q.texts(own_only=False))
        questionnaires.append({
            "id": q.id, "version": q.version, "ref": q.ref,
            "published": catalog.published_hash(q.id, q.version),
            "extends": base_ref,
            "title": dict(q.title), "description": dict(q.description),
            "channels": list(q.channels),
            "changes": dict(q.changes), "discontinued": list(q.discontinued),
            "languages": {lang: {"texts": total, "missing": len(q.missing_translations(lang, own_only=False))}
                          for lang in LANGUAGES},
            "items": items,
            "breaks": {name: dict(reason) for name, reason in q.breaks.items()},
            "harmonization": {name: dict(rule, kind=_kind(name), **_measure(measured[(q.id, q.version, name)]))
                              for name, rule in q.harmonization.items()},
        })
    return {
        "schema": CODEBOOK_SCHEMA,
        "languages": list(LANGUAGES),
        "default_language": DEFAULT_LANGUAGE,
        "canonical_indicators": [{"name": n, "kind": _kind(n), "meaning": INDICATOR_MEANINGS[n],
                                  **({"range": "0-100"} if n in SCORE_INDICATORS else {"codes": list(CATEGORY_CODES)})}
                                 for n in SCORE_INDICATORS + CATEGORY_INDICATORS],
        "category_codes": list(CATEGORY_CODES),
        "missing_values": MISSING_VALUES,
        "questionnaires": questionnaires,
        "service_types": [{"code": st.code, "label": dict(st.label), "pa_categories": list(st.pa_categories),
                           "questionnaires": list(st.questionnaires)} for st in service_types.values()],
        "pa_categories": [{"code": c.code, "label": dict(c.label)} for c in pa_categories.values()],
    }


def _measure(m) -> dict[str, Any]:
    """What the comparability rules need of a measure (docs/methodology.md)."""
    return {"instrument": m.instrument, "scale": m.scale, "positive": list(m.positive), "headline": m.headline,
            "series": m.series, "wording": m.wording}


def _origin(q: Questionnaire, code: str) -> str:
    base = q.base
    while base is not None:
        if code in {it.code for it in base.own_items}:
            return base.ref
        base = base.base
    return q.ref


def _md(text: Any) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _answers(entry: dict[str, Any]) -> str:
    if entry["type"] == "rating":
        s = entry["scale"]
        ends = [f"{s[k]} = {_md(s['labels'][k].get('it'))}" for k in ("min", "max") if k in s["labels"]]
        return f"{s['min']}–{s['max']}" + (f" ({'; '.join(ends)})" if ends else "")
    if "options" in entry:
        return ", ".join(f"`{o['code']}`" for o in entry["options"]) + (" (several)" if entry["type"] == "multi" else "")
    if entry["type"] == "boolean":
        return "`true`, `false`"
    return f"text ≤ {entry['max_length']} characters"


def _rules(entry: dict[str, Any]) -> str:
    out = []
    for r in entry["harmonization"]:
        detail = ""
        if r.get("map"):
            detail = " " + ", ".join(f"{k}→{'null' if v is None else v}" for k, v in r["map"].items())
        out.append(f"**{_md(r['indicator'])}** ({r['method']}{detail})")
    return "; ".join(out) or "—"


def render_markdown(codebook: dict[str, Any]) -> str:
    """The codebook for people: one section per questionnaire version."""
    langs = codebook["languages"]
    lines = ["# Ascolto — codebook of the questionnaire standard", "",
             f"Schema `{codebook['schema']}`. Texts are given in {', '.join(langs)}; where a translation is "
             f"missing the widget shows the Italian text (marked *— (it)* below).", "",
             "## Canonical indicators", "", "| indicator | kind | meaning |", "| --- | --- | --- |"]
    for ind in codebook["canonical_indicators"]:
        kind = "0–100" if ind["kind"] == "score" else "category codes"
        lines.append(f"| `{ind['name']}` | {kind} | {_md(ind['meaning'])} |")
    lines += ["", "Category codes: " + ", ".join(f"`{c}`" for c in codebook["category_codes"]) + ".", "",
              "Missing values:", ""]
    lines += [f"- `{k}`: {_md(v)}" for k, v in codebook["missing_values"].items()]
    lines += ["", "## Contents", ""]
    lines += [f"- [{q['id']} v{q['version']}](#{q['id']}-v{q['version']})" for q in codebook["questionnaires"]]

    for q in codebook["questionnaires"]:
        lines += ["", f"## {q['id']} v{q['version']}", "", f"**{_md(q['title']['it'])}**", ""]
        if q["description"]:
            lines += [_md(q["description"].get("en") or q["description"]["it"]), ""]
        langs_state = ", ".join(f"{l} ✓" if v["missing"] == 0 else f"{l} ({v['missing']} of {v['texts']} missing)"
                                for l, v in q["languages"].items())
        lines += [f"- Published: `{q['published']}`" if q["published"] else "- Published: **no (draft)**",
                  f"- Extends: [{q['extends']}](#{q['extends'].replace('@', '-v')}) — its items come first, unchanged"
                  if q["extends"] else "- Extends: —",
                  f"- Channels: {', '.join(q['channels']) if q['channels'] else 'any'}",
                  f"- Languages: {langs_state}"]
        if q["changes"]:
            lines.append(f"- Changes: {_md(q['changes'].get('en') or q['changes']['it'])}")
        if q["discontinued"]:
            lines.append(f"- Discontinued indicators: {', '.join(q['discontinued'])}")
        for name, reason in q.get("breaks", {}).items():
            lines.append(f"- Break in series for **{_md(name)}**: {_md(reason.get('en') or reason['it'])}")
        lines.append("- Scales: " + ", ".join(f"{_md(name)} `{h['scale']}` (positive: "
                                              f"{', '.join(h['positive']) or '—'})"
                                              for name, h in q["harmonization"].items()))
        lines += ["", "| # | code | type | required | answers | shown if | harmonization |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for n, e in enumerate(q["items"], 1):
            cond = e["show_if"]
            shown = f"`{cond['item']}` {cond['op']} `{json.dumps(cond['value'], ensure_ascii=False)}`" if cond else "always"
            code = f"`{e['code']}`" + (f" (from {e['origin']})" if e["origin"] != q["ref"] else "")
            lines.append(f"| {n} | {code} | {e['type']}{' (' + e['display'] + ')' if 'display' in e else ''} | "
                         f"{'yes' if e['required'] else 'no'} | {_answers(e)} | {shown} | {_rules(e)} |")
        lines += ["", "### Wording", "", "| text | " + " | ".join(langs) + " |",
                  "| --- |" + " --- |" * len(langs)]

        def row(name: str, labels: Mapping[str, str]) -> str:
            return f"| {name} | " + " | ".join(_md(labels[l]) if labels.get(l) else "*— (it)*" for l in langs) + " |"

        lines.append(row("title", q["title"]))
        for e in q["items"]:
            if e["origin"] != q["ref"]:
                continue
            lines.append(row(f"`{e['code']}`", e["label"]))
            if "hint" in e:
                lines.append(row(f"`{e['code']}` hint", e["hint"]))
            for end, labels in e.get("scale", {}).get("labels", {}).items():
                lines.append(row(f"`{e['code']}` = {e['scale'][end]}", labels))
            for o in e.get("options", []):
                lines.append(row(f"`{e['code']}` = `{o['code']}`", o["label"]))
        if q["extends"]:
            lines += ["", f"The wording of the items from {q['extends']} is in its own section."]

    lines += ["", "## Service types", "", "| code | label | PA categories | questionnaires |",
              "| --- | --- | --- | --- |"]
    for st in codebook["service_types"]:
        lines.append(f"| `{st['code']}` | {_md(st['label']['it'])} | {', '.join(st['pa_categories'])} | "
                     f"{', '.join(st['questionnaires'])} |")
    lines += ["", "## PA categories (IPA)", "", "| code | label |", "| --- | --- |"]
    lines += [f"| `{c['code']}` | {_md(c['label']['it'])} |" for c in codebook["pa_categories"]]
    return "\n".join(lines) + "\n"


def write_codebook(out_dir: Path, codebook: dict[str, Any]) -> tuple[Path, Path]:
    """Write ``codebook.json`` and ``codebook.md`` into ``out_dir`` (created); return both paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    js, md = out_dir / "codebook.json", out_dir / "codebook.md"
    js.write_text(json.dumps(codebook, ensure_ascii=False, indent=2) + "\n", "utf-8")
    md.write_text(render_markdown(codebook), "utf-8")
    return js, md
