"""Analysis of a definition file: every structural problem, and the questionnaire when there is none.

:func:`build_questionnaire` (raise on problems), :func:`analyze_definition` (list them),
:func:`read_definition` / :func:`load_definition` (files).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Mapping

from marshmallow import ValidationError

from .definition_schema import DefinitionSchema
from .model import Condition, Item, Option, Questionnaire
from .presentation import comment_last
from .vocabulary import (CATEGORY_CODES, CATEGORY_INDICATORS, METHODS, SCORE_INDICATORS, DefinitionError,
                         Problem, bool_key)

Resolver = Callable[[str, int], "Questionnaire"]


def build_questionnaire(raw: Any, source: str = "<definition>", resolve: Resolver | None = None) -> Questionnaire:
    """Build a :class:`Questionnaire` from a parsed definition or raise :class:`DefinitionError`.

    ``resolve(id, version)`` returns the base of a definition that ``extends`` one (raising
    ``LookupError`` when there is none); without it, extending definitions are rejected.
    """
    q, problems = analyze_definition(raw, source, resolve)
    if q is None or problems:
        raise DefinitionError.from_problems(problems)
    return q


def analyze_definition(raw: Any, source: str = "<definition>",
                       resolve: Resolver | None = None) -> tuple[Questionnaire | None, list[Problem]]:
    """Every structural problem of one definition, and the questionnaire when there is none.

    Checked here (so a definition that loads is safe to use): the schema, unique item and option
    codes, ``show_if`` references (an earlier item, an operator that fits its type, a value it can
    take, a branch that can be shown), the base of ``extends``, and the harmonization (known
    indicators, existing items, methods that fit the item, maps that cover every answer, category
    codes that are canonical, and a rule for every rating item).
    """
    def problem(where: str, message: str) -> None:
        problems.append(Problem(source, where, message))

    problems: list[Problem] = []
    if not isinstance(raw, dict):
        problem("", "a definition must be a JSON object")
        return None, problems
    try:
        data = DefinitionSchema().load(raw)
    except ValidationError as exc:
        problems.extend(Problem(source, where, msg) for where, msg in _schema_problems(exc.messages, raw))
        return None, problems

    base: Questionnaire | None = None
    if "extends" in data:
        ref = data["extends"]
        if (ref["id"], ref["version"]) == (data["id"], data["version"]):
            problem("extends", "a definition cannot extend itself")
        elif resolve is None:
            problem("extends", f"cannot resolve base {ref['id']}@{ref['version']} here")
        else:
            try:
                base = resolve(ref["id"], ref["version"])
            except LookupError as exc:
                problem("extends", f"base {ref['id']}@{ref['version']} is not available ({exc})")
        if base is None:
            return None, problems

    items: list[Item] = list(base.items) if base else []
    by_code: dict[str, Item] = {it.code: it for it in items}
    for d in data["items"]:
        code = d["code"]
        where = f"item '{code}'"
        if code in by_code:
            inherited = base is not None and code in {it.code for it in base.items}
            problem(where, "duplicate item code" + (f" (already an item of the base {base.ref})" if inherited else ""))
            continue
        cond = d.get("show_if")
        if cond:
            _check_condition(where, cond, by_code, problem)
        item = Item(
            code=code, type=d["type"], label=d["label"], required=d["required"],
            scale_min=d.get("scale", {}).get("min"), scale_max=d.get("scale", {}).get("max"),
            options=tuple(Option(o["code"], o["label"]) for o in d.get("options", [])),
            show_if=Condition(**cond) if cond else None, max_length=d.get("max_length"),
            hint=d.get("hint", {}), scale_labels=d.get("scale_labels", {}), display=d.get("display"),
        )
        items.append(item)
        by_code[code] = item

    own_codes = {d["code"] for d in data["items"]}
    inherited_rules = dict(base.harmonization) if base else {}
    own_rules: dict[str, dict] = {}
    for indicator, rule in data["harmonization"].items():
        where = f"harmonization '{indicator}'"
        if indicator in inherited_rules:
            problem(where, f"already harmonized by the base {base.ref}; a module cannot redefine it")
            continue
        if _check_rule(where, indicator, rule, data["id"], by_code, own_codes, problem):
            own_rules[indicator] = rule

    covered = {rule.get("item") for rule in data["harmonization"].values() if isinstance(rule, dict)}
    for d in data["items"]:
        if d["type"] == "rating" and d["code"] not in covered:
            problem(f"item '{d['code']}'", "rating item has no harmonization rule "
                    "(map it onto a canonical indicator or a module indicator 'ID:name')")

    if data["version"] > 1 and "harmonization" not in raw:
        problem("harmonization", f"version {data['version']} must declare its harmonization")
    if data["version"] == 1 and data.get("discontinued"):
        problem("discontinued", "version 1 has no predecessor: nothing to discontinue")
    for name in data.get("discontinued", []):
        if name in own_rules or name in inherited_rules:
            problem("discontinued", f"'{name}' is discontinued but still harmonized")
    if data["version"] == 1 and data.get("breaks"):
        problem("breaks", "version 1 has no predecessor: no series to break")
    for name in data.get("breaks", {}):
        if name not in own_rules and name not in inherited_rules:
            problem(f"breaks '{name}'", "a break is declared for an indicator this version does not harmonize")

    if problems:
        return None, problems
    if base:  # the base's free comment stays last (questionnaires.presentation)
        items = comment_last(items, len(base.items))
    return Questionnaire(
        id=data["id"], version=data["version"], title=data["title"], items=tuple(items),
        harmonization={**inherited_rules, **own_rules}, description=data.get("description", {}),
        channels=tuple(data.get("channels", ())), base=base, changes=data.get("changes", {}),
        discontinued=tuple(data.get("discontinued", ())), breaks=data.get("breaks", {}),
    ), problems


def _check_condition(where: str, cond: dict, earlier: Mapping[str, Item], problem) -> None:
    source = earlier.get(cond["item"])
    if source is None:
        problem(where, f"show_if refers to '{cond['item']}', which is not an earlier item")
        return
    op, value = cond["op"], cond["value"]
    possible = source.possible_answers()
    if possible is None:
        problem(where, f"show_if on '{source.code}': a {source.type} item cannot drive branching")
        return
    if op in ("gt", "gte", "lt", "lte") and source.type != "rating":
        problem(where, f"show_if op '{op}' needs a rating item; '{source.code}' is {source.type}")
        return
    values = value if op == "in" else [value]
    if op == "in" and not isinstance(value, list):
        problem(where, "show_if op 'in' needs a list of values")
        return
    if op in ("gt", "gte", "lt", "lte"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problem(where, f"show_if value {value!r} is not a number")
            return
    else:
        bad = [v for v in values if not any(v == p and type(v) is type(p) for p in possible)]
        if bad:
            problem(where, f"show_if value {bad[0]!r} is not a possible answer to '{source.code}' "
                           f"(one of {list(possible)!r})")
            return
    condition = Condition(cond["item"], op, value)
    if not any(condition.holds({source.code: p}) for p in possible):
        problem(where, f"show_if {condition.describe()} can never hold: the item would never be shown")


def _check_rule(where: str, indicator: str, rule: Any, qid: str, items: Mapping[str, Item],
                own_codes: set[str], problem) -> bool:
    if not isinstance(rule, dict):
        problem(where, "a rule is an object {item, method[, map]}")
        return False
    unknown = sorted(set(rule) - {"item", "method", "map"})
    if unknown:
        problem(where, f"unknown keys {unknown}")
        return False
    canonical = indicator in SCORE_INDICATORS or indicator in CATEGORY_INDICATORS
    if not canonical and not (indicator.startswith(f"{qid}:") and len(indicator) > len(qid) + 1):
        problem(where, f"not a canonical indicator ({', '.join(SCORE_INDICATORS + CATEGORY_INDICATORS)}) "
                       f"nor a module indicator named '{qid}:NAME'")
        return False
    item = items.get(rule.get("item"))
    if item is None:
        problem(where, f"refers to unknown item {rule.get('item')!r}")
        return False
    if item.code not in own_codes:
        problem(where, f"item '{item.code}' belongs to the base; only the base harmonizes it")
        return False
    method = rule.get("method")
    if method not in METHODS:
        problem(where, f"unknown method {method!r} (one of {', '.join(METHODS)})")
        return False
    if indicator in CATEGORY_INDICATORS and method != "categories":
        problem(where, f"'{indicator}' is categorical: use method 'categories'")
        return False
    if method == "categories":
        if canonical and indicator not in CATEGORY_INDICATORS:
            problem(where, f"'{indicator}' is a score: use method 'linear' or 'map'")
            return False
        if item.type not in ("choice", "multi"):
            problem(where, f"method 'categories' needs a choice or multi item; '{item.code}' is {item.type}")
            return False
        mapping = rule.get("map", {})
        if not isinstance(mapping, dict):
            problem(where, "map must be an object")
            return False
        extra = sorted(set(mapping) - set(item.option_codes))
        if extra:
            problem(where, f"map has codes that are not options of '{item.code}': {extra}")
            return False
        bad = [f"{c} → {mapping.get(c, c)}" for c in item.option_codes if mapping.get(c, c) not in CATEGORY_CODES]
        if bad:
            problem(where, f"options must map onto the category codes {', '.join(CATEGORY_CODES)}: "
                           f"{', '.join(bad)}")
            return False
        return True
    if method == "linear":
        if item.type != "rating":
            problem(where, f"method 'linear' needs a rating item; '{item.code}' is {item.type}")
            return False
        if "map" in rule:
            problem(where, "method 'linear' takes no map")
            return False
        return True
    # method == "map": every possible answer scored 0–100 (null: not scored, e.g. "don't know")
    mapping = rule.get("map")
    possible = item.possible_answers()
    if possible is None:
        problem(where, f"method 'map' needs a rating, choice or boolean item; '{item.code}' is {item.type}")
        return False
    if not isinstance(mapping, dict):
        problem(where, "method 'map' needs a map of answer to score")
        return False
    keys = [bool_key(p) for p in possible]
    missing = [k for k in keys if k not in mapping]
    extra = sorted(set(mapping) - set(keys))
    if missing or extra:
        problem(where, f"map must score every answer of '{item.code}' exactly: "
                       + "; ".join(s for s in (f"missing {missing}" if missing else "",
                                               f"unknown {extra}" if extra else "") if s))
        return False
    bad = [k for k, v in mapping.items()
           if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 100)]
    if bad:
        problem(where, f"map scores must be numbers 0–100 or null: {bad}")
        return False
    return True


def _schema_problems(messages: Any, raw: Any) -> list[tuple[str, str]]:
    """Turn a marshmallow error tree into (where, message) pairs naming items and options by code."""
    out: list[tuple[str, str]] = []

    def code_at(container: Any, key: str, index: Any) -> str:
        try:
            value = container[key][int(index)].get("code")
            return value if isinstance(value, str) else f"#{index}"
        except (TypeError, ValueError, IndexError, KeyError, AttributeError):
            return f"#{index}"

    def walk(node: Any, raw_node: Any, where: list[str], path: list[str]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("items", "options") and isinstance(value, dict) and all(
                        isinstance(k, int) for k in value):
                    for index, sub in value.items():
                        name = "item" if key == "items" else "option"
                        code = code_at(raw_node, key, index)
                        try:
                            child = raw_node[key][index]
                        except (TypeError, IndexError, KeyError):
                            child = None
                        walk(sub, child, where + [f"{name} '{code}'"], [])
                elif key == "_schema":
                    walk(value, raw_node, where, path)
                else:
                    child = raw_node.get(key) if isinstance(raw_node, dict) else None
                    walk(value, child, where, path + [str(key)])
        else:
            msgs = node if isinstance(node, list) else [node]
            text = " ".join(str(m) for m in msgs)
            w = " ".join(where)
            p = ".".join(path)
            if w:
                out.append((w, f"{p}: {text}" if p else text))
            else:
                out.append((p, text))

    walk(messages, raw, [], [])
    return out


def read_definition(path: Path) -> Any:
    """The parsed JSON of a definition file; raise :class:`DefinitionError` when unreadable."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DefinitionError(f"{path}: cannot read definition: {exc}",
                              [Problem(str(path), "", f"cannot read definition: {exc}")]) from None


def load_definition(path: Path, resolve: Resolver | None = None) -> Questionnaire:
    """Load one definition file; raise :class:`DefinitionError` for unreadable or invalid files."""
    return build_questionnaire(read_definition(path), str(path), resolve)
