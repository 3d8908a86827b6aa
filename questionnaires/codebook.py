"""The codebook of the standard: every item, its wording per language, codes, scales, branching and
harmonization, as JSON (``ascolto.codebook/1``, for machines: exports, the data package) and as
Markdown (for people), its own words in Italian or English (``lang``; :mod:`questionnaires.codebook_text`).
Both are deterministic: the same standard gives byte-identical files.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from .catalog import Catalog
from .model import (CATEGORY_CODES, CATEGORY_INDICATORS, DEFAULT_LANGUAGE, LANGUAGES, SCORE_INDICATORS, Item,
                    Questionnaire)
from .codebook_text import INDICATOR_MEANINGS, MISSING_VALUES, meanings, missing_values, words
from .taxonomy import PACategory, ServiceType

__all__ = ["CODEBOOK_SCHEMA", "CODEBOOK_LANGUAGES", "INDICATOR_MEANINGS", "MISSING_VALUES", "build_codebook",
           "render_markdown", "write_codebook"]

CODEBOOK_SCHEMA = "ascolto.codebook/1"

#: Languages the codebook's own words are written in (``--lang``); the item wording is in every language
CODEBOOK_LANGUAGES = ("it", "en")


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
                   service_types: Mapping[str, ServiceType], lang: str = "en") -> dict[str, Any]:
    """The codebook as a JSON-ready dict. ``lang`` (:data:`CODEBOOK_LANGUAGES`) is the language of its own
    words (``language``: the indicators' meanings, the missing values'; :func:`render_markdown` writes in
    it); the texts of the questionnaires and taxonomy are given in every language they have, whatever
    ``lang`` — so the codes and the structure are the same in both languages."""
    if lang not in CODEBOOK_LANGUAGES:
        raise ValueError(f"lang is one of {', '.join(CODEBOOK_LANGUAGES)}; got {lang!r}")
    meaning = meanings(lang)
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
        "language": lang,
        "canonical_indicators": [{"name": n, "kind": _kind(n), "meaning": meaning[n],
                                  **({"range": "0-100"} if n in SCORE_INDICATORS else {"codes": list(CATEGORY_CODES)})}
                                 for n in SCORE_INDICATORS + CATEGORY_INDICATORS],
        "category_codes": list(CATEGORY_CODES),
        "missing_values": missing_values(lang),
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


def _answers(entry: dict[str, Any], lang: str, w: Mapping[str, str]) -> str:
    if entry["type"] == "rating":
        s = entry["scale"]
        ends = [f"{s[k]} = {_md(_in(s['labels'][k], lang))}" for k in ("min", "max") if k in s["labels"]]
        return f"{s['min']}–{s['max']}" + (f" ({'; '.join(ends)})" if ends else "")
    if "options" in entry:
        return ", ".join(f"`{o['code']}`" for o in entry["options"]) + (f" {w['several']}" if entry["type"] == "multi" else "")
    if entry["type"] == "boolean":
        return "`true`, `false`"
    return w["text_answer"].format(n=entry["max_length"])


def _in(labels: Mapping[str, str], lang: str) -> str:
    """A text in ``lang``, else in the default language (Italian, the widget's fallback)."""
    return labels.get(lang) or labels[DEFAULT_LANGUAGE]


def _rules(entry: dict[str, Any]) -> str:
    out = []
    for r in entry["harmonization"]:
        detail = ""
        if r.get("map"):
            detail = " " + ", ".join(f"{k}→{'null' if v is None else v}" for k, v in r["map"].items())
        out.append(f"**{_md(r['indicator'])}** ({r['method']}{detail})")
    return "; ".join(out) or "—"


def render_markdown(codebook: dict[str, Any]) -> str:
    """The codebook for people: one section per questionnaire version, in the codebook's ``language``
    (its fixed words, and each title, description, change, break, scale end and label in that language;
    the wording tables give every language)."""
    langs, lang = codebook["languages"], codebook.get("language", "en")
    w = words(lang)
    lines = [w["title"], "", w["intro"].format(schema=codebook["schema"], langs=", ".join(langs)), "",
             w["indicators"], "", w["indicators_head"], "| --- | --- | --- |"]
    for ind in codebook["canonical_indicators"]:
        kind = "0–100" if ind["kind"] == "score" else w["category_kind"]
        lines.append(f"| `{ind['name']}` | {kind} | {_md(ind['meaning'])} |")
    lines += ["", w["category_codes"] + ", ".join(f"`{c}`" for c in codebook["category_codes"]) + ".", "",
              w["missing"], ""]
    lines += [f"- `{k}`: {_md(v)}" for k, v in codebook["missing_values"].items()]
    lines += ["", w["contents"], ""]
    lines += [f"- [{q['id']} v{q['version']}](#{q['id']}-v{q['version']})" for q in codebook["questionnaires"]]

    for q in codebook["questionnaires"]:
        lines += ["", f"## {q['id']} v{q['version']}", "", f"**{_md(_in(q['title'], lang))}**", ""]
        if q["description"]:
            lines += [_md(_in(q["description"], lang)), ""]
        langs_state = ", ".join(f"{l} ✓" if v["missing"] == 0 else w["lang_missing"].format(lang=l, **v)
                                for l, v in q["languages"].items())
        lines += [w["published"].format(hash=q["published"]) if q["published"] else w["draft"],
                  w["extends"].format(ref=q["extends"], anchor=q["extends"].replace("@", "-v"))
                  if q["extends"] else w["extends_none"],
                  w["channels"].format(channels=", ".join(q["channels"]) if q["channels"] else w["any"]),
                  w["languages"].format(state=langs_state)]
        if q["changes"]:
            lines.append(w["changes"].format(text=_md(_in(q["changes"], lang))))
        if q["discontinued"]:
            lines.append(w["discontinued"].format(names=", ".join(q["discontinued"])))
        for name, reason in q.get("breaks", {}).items():
            lines.append(w["break"].format(name=_md(name), reason=_md(_in(reason, lang))))
        lines.append(w["scales"] + ", ".join(f"{_md(name)} `{h['scale']}` ({w['positive']}: "
                                             f"{', '.join(h['positive']) or '—'})"
                                             for name, h in q["harmonization"].items()))
        lines += ["", w["items_head"], "| --- | --- | --- | --- | --- | --- | --- |"]
        for n, e in enumerate(q["items"], 1):
            cond = e["show_if"]
            shown = f"`{cond['item']}` {cond['op']} `{json.dumps(cond['value'], ensure_ascii=False)}`" if cond else w["always"]
            code = f"`{e['code']}`" + (" " + w["from"].format(ref=e["origin"]) if e["origin"] != q["ref"] else "")
            lines.append(f"| {n} | {code} | {e['type']}{' (' + e['display'] + ')' if 'display' in e else ''} | "
                         f"{w['yes'] if e['required'] else w['no']} | {_answers(e, lang, w)} | {shown} | {_rules(e)} |")
        lines += ["", w["wording"], "", f"| {w['text']} | " + " | ".join(langs) + " |",
                  "| --- |" + " --- |" * len(langs)]

        def row(name: str, labels: Mapping[str, str]) -> str:
            return f"| {name} | " + " | ".join(_md(labels[l]) if labels.get(l) else "*— (it)*" for l in langs) + " |"

        lines.append(row(w["q_title"], q["title"]))
        for e in q["items"]:
            if e["origin"] != q["ref"]:
                continue
            lines.append(row(f"`{e['code']}`", e["label"]))
            if "hint" in e:
                lines.append(row(f"`{e['code']}` {w['hint']}", e["hint"]))
            for end, labels in e.get("scale", {}).get("labels", {}).items():
                lines.append(row(f"`{e['code']}` = {e['scale'][end]}", labels))
            for o in e.get("options", []):
                lines.append(row(f"`{e['code']}` = `{o['code']}`", o["label"]))
        if q["extends"]:
            lines += ["", w["base_wording"].format(ref=q["extends"])]

    lines += ["", w["service_types"], "", w["service_types_head"], "| --- | --- | --- | --- |"]
    for st in codebook["service_types"]:
        lines.append(f"| `{st['code']}` | {_md(_in(st['label'], lang))} | {', '.join(st['pa_categories'])} | "
                     f"{', '.join(st['questionnaires'])} |")
    lines += ["", w["pa_categories"], "", w["pa_categories_head"], "| --- | --- |"]
    lines += [f"| `{c['code']}` | {_md(_in(c['label'], lang))} |" for c in codebook["pa_categories"]]
    return "\n".join(lines) + "\n"


def write_codebook(out_dir: Path, codebook: dict[str, Any]) -> tuple[Path, Path]:
    """Write ``codebook.json`` and ``codebook.md`` into ``out_dir`` (created); return both paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    js, md = out_dir / "codebook.json", out_dir / "codebook.md"
    js.write_text(json.dumps(codebook, ensure_ascii=False, indent=2) + "\n", "utf-8")
    md.write_text(render_markdown(codebook), "utf-8")
    return js, md
