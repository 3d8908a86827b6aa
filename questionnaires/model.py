"""Typed model of a questionnaire definition and validation of an answers map against it.

A definition is a data file (see ``definitions/`` and ``docs/questionnaires.md``);
:func:`build_questionnaire` turns its parsed JSON into an immutable :class:`Questionnaire` or raises
:class:`DefinitionError` naming the file, the item and every problem found. A definition may
``extend`` another one (a module on top of ``cx-core``): its effective items are the base items
followed by its own (the base's closing free comment stays last: ``presentation.comment_last``),
and its effective harmonization is the base's plus its own.
"""
from __future__ import annotations

import json
import operator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from .presentation import comment_last, end_labels

LANGUAGES = ("it", "en", "de", "fr", "sl")
DEFAULT_LANGUAGE = "it"
REQUIRED_LANGUAGES = ("it", "en")          # every label in these, or the standard is incomplete
ITEM_TYPES = ("rating", "choice", "multi", "boolean", "text")
CHANNELS = ("web", "app", "email", "sms", "kiosk", "front_office", "phone")   # = envelope.CHANNELS (tested)
DISPLAYS = {"stars": ("rating",), "faces": ("choice", "rating")}   # presentation hint → item types

# The canonical indicators of DESIGN §6 and the category codes of went_well / went_wrong.
SCORE_INDICATORS = ("satisfaction", "ease", "clarity", "speed", "trust", "task_completed")
CATEGORY_INDICATORS = ("went_well", "went_wrong")
CATEGORY_CODES = ("clarity", "completeness", "orientation", "technical", "speed", "other")
METHODS = ("linear", "map", "categories")

_OPS = {
    "eq": operator.eq, "ne": operator.ne,
    "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
    "in": lambda answer, values: answer in values,
}
_CODE = r"^[a-z][a-z0-9_]*$"


@dataclass(frozen=True)
class Problem:
    """One finding about a definition or the standard: ``file: where: message``."""

    file: str
    where: str
    message: str
    level: str = "error"            # "error" or "warning"

    def __str__(self) -> str:
        return ": ".join(p for p in (self.file, self.where, self.message) if p)


class DefinitionError(ValueError):
    """A questionnaire definition is malformed; the message names file, item and problem.

    ``problems`` lists every :class:`Problem` found (empty when raised with a plain message).
    """

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])

    @classmethod
    def from_problems(cls, problems: list[Problem]) -> "DefinitionError":
        return cls("; ".join(map(str, problems)), problems)


class AnswersInvalid(ValueError):
    """An answers map does not satisfy its questionnaire.

    ``errors`` maps each offending item code to a list of human-readable messages.
    """

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in sorted(errors.items())))
        self.errors = errors


def _label(labels: Mapping[str, str], lang: str) -> str:
    """The label in ``lang``, falling back to Italian (always present)."""
    return labels.get(lang) or labels[DEFAULT_LANGUAGE]


def bool_key(value: Any) -> str:
    """How an answer is written as a key of a harmonization ``map`` ("true"/"false" for booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Option:
    code: str
    label: Mapping[str, str]


@dataclass(frozen=True)
class Condition:
    """``show_if``: the item is shown only when the answer to ``item`` satisfies ``op value``."""

    item: str
    op: str
    value: Any

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """True when the condition is met; an unanswered source item never meets it."""
        if self.item not in answers or answers[self.item] is None:
            return False
        try:
            return bool(_OPS[self.op](answers[self.item], self.value))
        except TypeError:
            return False

    def describe(self) -> str:
        return f"'{self.item}' {self.op} {self.value!r}"


@dataclass(frozen=True)
class Item:
    code: str
    type: str
    label: Mapping[str, str]
    required: bool = False
    scale_min: int | None = None
    scale_max: int | None = None
    options: tuple[Option, ...] = ()
    show_if: Condition | None = None
    max_length: int | None = None
    hint: Mapping[str, str] = field(default_factory=dict)
    scale_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    display: str | None = None

    @property
    def option_codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)

    def possible_answers(self) -> tuple | None:
        """Every single answer this item admits (None for multi and text: not enumerable)."""
        if self.type == "rating":
            return tuple(range(self.scale_min, self.scale_max + 1))
        if self.type == "choice":
            return self.option_codes
        if self.type == "boolean":
            return (True, False)
        return None

    def visible(self, answers: Mapping[str, Any]) -> bool:
        return self.show_if is None or self.show_if.holds(answers)

    def answer_field(self) -> fields.Field:
        """The marshmallow field that validates one answer to this item."""
        if self.type == "rating":
            return fields.Integer(strict=True, validate=validate.Range(self.scale_min, self.scale_max))
        if self.type == "choice":
            return fields.String(validate=validate.OneOf(self.option_codes))
        if self.type == "multi":
            return fields.List(
                fields.String(validate=validate.OneOf(self.option_codes)),
                validate=[validate.Length(min=1), _no_repeats],
            )
        if self.type == "boolean":
            return fields.Boolean(truthy={True}, falsy={False})
        return fields.String(validate=validate.Length(max=self.max_length))

    def texts(self) -> Iterator[tuple[str, Mapping[str, str]]]:
        """Every translatable text of this item as (place, labels per language)."""
        yield f"item '{self.code}'", self.label
        if self.hint:
            yield f"item '{self.code}' hint", self.hint
        for end in ("min", "max"):
            if end in self.scale_labels:
                yield f"item '{self.code}' scale label '{end}'", self.scale_labels[end]
        for o in self.options:
            yield f"item '{self.code}' option '{o.code}'", o.label

    def render(self, lang: str) -> dict[str, Any]:
        """This item for a client in ``lang`` (Italian where a translation is missing)."""
        out: dict[str, Any] = {"code": self.code, "type": self.type, "required": self.required,
                               "label": _label(self.label, lang)}
        if self.type == "rating":
            out["scale"] = {"min": self.scale_min, "max": self.scale_max}
            out["scale_labels"] = {k: _label(v, lang) for k, v in end_labels(self).items()}
        if self.options:
            out["options"] = [{"code": o.code, "label": _label(o.label, lang)} for o in self.options]
        if self.show_if:
            out["show_if"] = {"item": self.show_if.item, "op": self.show_if.op, "value": self.show_if.value}
        if self.max_length:
            out["max_length"] = self.max_length
        if self.hint:
            out["hint"] = _label(self.hint, lang)
        if self.display:
            out["display"] = self.display
        return out


def _no_repeats(values: list) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("Each option may be chosen once.")


@dataclass(frozen=True)
class Questionnaire:
    """A definition as used at run time.

    ``items`` and ``harmonization`` are the *effective* ones: for a module that extends a base,
    the base's items come first (but its closing free comment last) and the base's harmonization
    rules are included.
    """

    id: str
    version: int
    title: Mapping[str, str]
    items: tuple[Item, ...]
    harmonization: Mapping[str, Mapping[str, Any]]
    description: Mapping[str, str] = field(default_factory=dict)
    channels: tuple[str, ...] = ()
    base: "Questionnaire | None" = None
    changes: Mapping[str, str] = field(default_factory=dict)
    discontinued: tuple[str, ...] = ()
    #: Declared breaks in series: indicator → why this version starts a new series (labels per language).
    breaks: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.id}.v{self.version}"

    @property
    def ref(self) -> str:
        """``id@version``, the key of the published manifest."""
        return f"{self.id}@{self.version}"

    @property
    def own_items(self) -> tuple[Item, ...]:
        """The items this definition adds (all of them unless it extends a base)."""
        if not self.base:
            return self.items
        inherited = {it.code for it in self.base.items}
        return tuple(it for it in self.items if it.code not in inherited)

    @property
    def own_harmonization(self) -> dict[str, Mapping[str, Any]]:
        inherited = self.base.harmonization if self.base else {}
        return {k: v for k, v in self.harmonization.items() if k not in inherited}

    def item(self, code: str) -> Item:
        for it in self.items:
            if it.code == code:
                return it
        raise KeyError(code)

    def texts(self, own_only: bool = True) -> Iterator[tuple[str, Mapping[str, str]]]:
        """Every translatable text as (place, labels per language); the base's only if asked."""
        yield "title", self.title
        for name in ("description", "changes"):
            if getattr(self, name):
                yield name, getattr(self, name)
        for indicator, reason in self.breaks.items():
            yield f"breaks '{indicator}'", reason
        for it in (self.own_items if own_only else self.items):
            yield from it.texts()

    def missing_translations(self, lang: str, own_only: bool = True) -> list[str]:
        """The places (``title``, ``item 'x'``, ``item 'x' option 'y'`` …) with no label in ``lang``."""
        return [place for place, labels in self.texts(own_only) if not labels.get(lang)]

    def validate(self, answers: Any) -> dict[str, Any]:
        """Return the answers, type-checked; raise :class:`AnswersInvalid` naming each bad item.

        Honours branching: an answer to an item hidden by its ``show_if`` is an error, and a
        required item is required only when visible. ``None`` counts as unanswered.
        """
        if not isinstance(answers, Mapping):
            raise AnswersInvalid({"_schema": ["Answers must be an object of item code to value."]})
        present = {k: v for k, v in answers.items() if v is not None}
        schema = self._answers_schema()
        errors: dict[str, list[str]] = {}
        try:
            clean = schema.load(present)
        except ValidationError as exc:
            errors = _flatten(exc.messages)
            clean = exc.valid_data if isinstance(exc.valid_data, dict) else {}
        for it in self.items:
            if it.code in errors:
                continue
            shown = it.visible(clean)
            if it.code in clean and not shown:
                cond = it.show_if
                errors[it.code] = [f"Not applicable: asked only when '{cond.item}' {cond.op} {cond.value!r}."]
            elif shown and it.required and it.code not in clean:
                errors[it.code] = ["Missing data for required field."]
        if errors:
            raise AnswersInvalid(errors)
        return clean

    def fast_validate(self, answers: Any) -> dict[str, Any] | None:
        """The plainly valid answers map, checked by a validator compiled once per questionnaire.

        Returns what :meth:`validate` returns (same keys in the same order, same values and types)
        for the maps it accepts: exact types only (``int`` ratings, ``str`` codes and text, ``bool``,
        ``list`` of distinct codes), no unknown codes, branching and required items honoured.
        Returns ``None`` for everything else — every invalid map and the unusual valid ones that
        marshmallow coerces — and the caller must then ask :meth:`validate`, which stays the
        contract and gives the messages. ``tests/test_questionnaires_fast.py`` checks the two agree
        (hypothesis, on generated valid and invalid maps for every shipped questionnaire).
        """
        if type(answers) is not dict:
            return None
        checks, rules = self._compiled()
        clean: dict[str, Any] = {}
        for code, check in checks:
            value = answers.get(code)
            if value is None:
                continue
            value = check(value)
            if value is _BAD:
                return None
            clean[code] = value
        if len(clean) != len(answers) and len(clean) != sum(v is not None for v in answers.values()):
            return None  # an unknown code
        for code, required, cond in rules:
            shown = cond is None or cond.holds(clean)
            if code in clean:
                if not shown:
                    return None
            elif shown and required:
                return None
        return clean

    def _compiled(self) -> tuple[tuple, tuple]:
        """(item code, check) in item order and (code, required, show_if) — built on first use."""
        compiled = self.__dict__.get("_fast")
        if compiled is None:
            compiled = (tuple((it.code, _compile_check(it)) for it in self.items),
                        tuple((it.code, it.required, it.show_if) for it in self.items
                              if it.required or it.show_if is not None))
            object.__setattr__(self, "_fast", compiled)
        return compiled

    def _answers_schema(self) -> Schema:
        """One marshmallow schema per questionnaire, built on first use (schemas are reusable)."""
        schema = self.__dict__.get("_schema")
        if schema is None:
            schema = Schema.from_dict({it.code: it.answer_field() for it in self.items})(unknown=RAISE)
            object.__setattr__(self, "_schema", schema)
        return schema

    def render(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """The questionnaire as a client renders it, in ``lang`` with Italian fallback."""
        if lang not in LANGUAGES:
            lang = DEFAULT_LANGUAGE
        return {"id": self.id, "version": self.version, "lang": lang,
                "title": _label(self.title, lang), "items": [it.render(lang) for it in self.items]}


_BAD = object()  # a value the compiled check does not accept


def _compile_check(item: Item) -> Callable[[Any], Any]:
    """The check of one answer for :meth:`Questionnaire.fast_validate`: the clean value or ``_BAD``.

    Each accepts a subset of what :meth:`Item.answer_field` accepts, with the same result.
    """
    kind = item.type
    if kind == "rating":
        lo, hi = item.scale_min, item.scale_max
        return lambda v: v if type(v) is int and lo <= v <= hi else _BAD
    if kind == "choice":
        codes = frozenset(item.option_codes)
        return lambda v: v if type(v) is str and v in codes else _BAD
    if kind == "multi":
        codes = frozenset(item.option_codes)

        def multi(v: Any) -> Any:
            if type(v) is not list or not v or not all(type(x) is str and x in codes for x in v) \
                    or len(set(v)) != len(v):
                return _BAD
            return list(v)
        return multi
    if kind == "boolean":
        return lambda v: v if type(v) is bool else _BAD
    limit = item.max_length
    if limit is None:
        return lambda v: v if type(v) is str else _BAD
    return lambda v: v if type(v) is str and len(v) <= limit else _BAD


def _flatten(messages: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in (messages.items() if isinstance(messages, dict) else [("_schema", messages)]):
        if key == "_schema" and isinstance(value, list):
            out[key] = [str(v) for v in value]
        elif isinstance(value, dict):  # list item errors: {index: [msg]}
            out[key] = [f"[{i}] {' '.join(map(str, m))}" for i, m in value.items()]
        elif isinstance(value, list):
            out[key] = [str(v) for v in value]
        else:
            out[key] = [str(value)]
    return out


# --- definition files -------------------------------------------------------------------------

class _Labels(fields.Dict):
    def __init__(self, **kw):
        super().__init__(keys=fields.String(validate=validate.OneOf(LANGUAGES)),
                         values=fields.String(validate=validate.Length(min=1)), **kw)

    def _deserialize(self, value, attr, data, **kw):
        out = super()._deserialize(value, attr, data, **kw)
        if DEFAULT_LANGUAGE not in out:
            raise ValidationError("The Italian label ('it') is required.")
        return out


class _OptionSchema(Schema):
    class Meta:
        unknown = RAISE
    code = fields.String(required=True, validate=validate.Regexp(_CODE))
    label = _Labels(required=True)


class _ConditionSchema(Schema):
    class Meta:
        unknown = RAISE
    item = fields.String(required=True)
    op = fields.String(required=True, validate=validate.OneOf(sorted(_OPS)))
    value = fields.Raw(required=True, allow_none=False)


class _ScaleSchema(Schema):
    class Meta:
        unknown = RAISE
    min = fields.Integer(required=True, strict=True)
    max = fields.Integer(required=True, strict=True)


class _ItemSchema(Schema):
    class Meta:
        unknown = RAISE
    code = fields.String(required=True, validate=validate.Regexp(_CODE))
    type = fields.String(required=True, validate=validate.OneOf(ITEM_TYPES))
    label = _Labels(required=True)
    required = fields.Boolean(load_default=False)
    scale = fields.Nested(_ScaleSchema)
    scale_labels = fields.Dict(keys=fields.String(validate=validate.OneOf(["min", "max"])), values=_Labels())
    options = fields.List(fields.Nested(_OptionSchema))
    show_if = fields.Nested(_ConditionSchema)
    max_length = fields.Integer(strict=True, validate=validate.Range(min=1))
    hint = _Labels()
    display = fields.String(validate=validate.OneOf(sorted(DISPLAYS)))

    @validates_schema
    def _by_type(self, data, **kw):
        kind = data.get("type")
        if kind == "rating" and "scale" not in data:
            raise ValidationError("A rating item needs a scale.", "scale")
        if kind == "rating" and data["scale"]["min"] >= data["scale"]["max"]:
            raise ValidationError("Scale min must be below max.", "scale")
        if kind != "rating" and ("scale" in data or "scale_labels" in data):
            raise ValidationError(f"A {kind} item has no scale.", "scale")
        if kind in ("choice", "multi") and not data.get("options"):
            raise ValidationError(f"A {kind} item needs options.", "options")
        if kind not in ("choice", "multi") and "options" in data:
            raise ValidationError(f"A {kind} item has no options.", "options")
        if kind == "text" and "max_length" not in data:
            raise ValidationError("A text item needs max_length.", "max_length")
        if kind != "text" and "max_length" in data:
            raise ValidationError(f"A {kind} item has no max_length.", "max_length")
        if "display" in data and kind not in DISPLAYS[data["display"]]:
            raise ValidationError(f"display '{data['display']}' does not apply to a {kind} item.", "display")
        codes = [o["code"] for o in data.get("options", [])]
        if len(codes) != len(set(codes)):
            raise ValidationError("Option codes must be unique.", "options")


class _RefSchema(Schema):
    class Meta:
        unknown = RAISE
    id = fields.String(required=True)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class _DefinitionSchema(Schema):
    class Meta:
        unknown = RAISE
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9-]*$"))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    title = _Labels(required=True)
    description = _Labels()
    extends = fields.Nested(_RefSchema)
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)))
    changes = _Labels()
    discontinued = fields.List(fields.String())
    breaks = fields.Dict(keys=fields.String(), values=_Labels())
    items = fields.List(fields.Nested(_ItemSchema), required=True, validate=validate.Length(min=1))
    harmonization = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=dict)


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
        data = _DefinitionSchema().load(raw)
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
