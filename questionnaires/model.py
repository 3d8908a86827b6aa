"""Typed model of a questionnaire definition and validation of an answers map against it.

A definition is a data file (see ``definitions/``); :func:`load_definition` turns it into an
immutable :class:`Questionnaire` or raises :class:`DefinitionError` naming the file, the item
and the problem.
"""
from __future__ import annotations

import json
import operator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

LANGUAGES = ("it", "en", "de", "fr", "sl")
DEFAULT_LANGUAGE = "it"
ITEM_TYPES = ("rating", "choice", "multi", "boolean", "text")

_OPS = {
    "eq": operator.eq, "ne": operator.ne,
    "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
    "in": lambda answer, values: answer in values,
}


class DefinitionError(ValueError):
    """A questionnaire definition is malformed; the message names file, item and problem."""


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

    @property
    def option_codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)

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

    def render(self, lang: str) -> dict[str, Any]:
        """This item for a client in ``lang`` (Italian where a translation is missing)."""
        out: dict[str, Any] = {"code": self.code, "type": self.type, "required": self.required,
                               "label": _label(self.label, lang)}
        if self.type == "rating":
            out["scale"] = {"min": self.scale_min, "max": self.scale_max}
            if self.scale_labels:
                out["scale_labels"] = {k: _label(v, lang) for k, v in self.scale_labels.items()}
        if self.options:
            out["options"] = [{"code": o.code, "label": _label(o.label, lang)} for o in self.options]
        if self.show_if:
            out["show_if"] = {"item": self.show_if.item, "op": self.show_if.op, "value": self.show_if.value}
        if self.max_length:
            out["max_length"] = self.max_length
        if self.hint:
            out["hint"] = _label(self.hint, lang)
        return out


def _no_repeats(values: list) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("Each option may be chosen once.")


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: int
    title: Mapping[str, str]
    items: tuple[Item, ...]
    harmonization: Mapping[str, Mapping[str, Any]]

    @property
    def key(self) -> str:
        return f"{self.id}.v{self.version}"

    def item(self, code: str) -> Item:
        for it in self.items:
            if it.code == code:
                return it
        raise KeyError(code)

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
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]*$"))
    label = _Labels(required=True)


class _ConditionSchema(Schema):
    class Meta:
        unknown = RAISE
    item = fields.String(required=True)
    op = fields.String(required=True, validate=validate.OneOf(sorted(_OPS)))
    value = fields.Raw(required=True)


class _ScaleSchema(Schema):
    class Meta:
        unknown = RAISE
    min = fields.Integer(required=True, strict=True)
    max = fields.Integer(required=True, strict=True)


class _ItemSchema(Schema):
    class Meta:
        unknown = RAISE
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]*$"))
    type = fields.String(required=True, validate=validate.OneOf(ITEM_TYPES))
    label = _Labels(required=True)
    required = fields.Boolean(load_default=False)
    scale = fields.Nested(_ScaleSchema)
    scale_labels = fields.Dict(keys=fields.String(validate=validate.OneOf(["min", "max"])), values=_Labels())
    options = fields.List(fields.Nested(_OptionSchema))
    show_if = fields.Nested(_ConditionSchema)
    max_length = fields.Integer(strict=True, validate=validate.Range(min=1))
    hint = _Labels()

    @validates_schema
    def _by_type(self, data, **kw):
        kind = data.get("type")
        if kind == "rating" and "scale" not in data:
            raise ValidationError("A rating item needs a scale.", "scale")
        if kind == "rating" and data["scale"]["min"] >= data["scale"]["max"]:
            raise ValidationError("Scale min must be below max.", "scale")
        if kind in ("choice", "multi") and not data.get("options"):
            raise ValidationError(f"A {kind} item needs options.", "options")
        if kind == "text" and "max_length" not in data:
            raise ValidationError("A text item needs max_length.", "max_length")
        codes = [o["code"] for o in data.get("options", [])]
        if len(codes) != len(set(codes)):
            raise ValidationError("Option codes must be unique.", "options")


class _DefinitionSchema(Schema):
    class Meta:
        unknown = EXCLUDE
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9-]*$"))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    title = _Labels(required=True)
    items = fields.List(fields.Nested(_ItemSchema), required=True, validate=validate.Length(min=1))
    harmonization = fields.Dict(keys=fields.String(), values=fields.Dict(), load_default=dict)


def build_questionnaire(raw: Any, source: str = "<definition>") -> Questionnaire:
    """Build a :class:`Questionnaire` from a parsed definition or raise :class:`DefinitionError`."""
    try:
        data = _DefinitionSchema().load(raw)
    except ValidationError as exc:
        raise DefinitionError(f"{source}: {_describe(exc.messages, raw)}") from None
    items: list[Item] = []
    seen: set[str] = set()
    for d in data["items"]:
        code = d["code"]
        if code in seen:
            raise DefinitionError(f"{source}: item '{code}': duplicate item code")
        cond = d.get("show_if")
        if cond and cond["item"] not in seen:
            raise DefinitionError(
                f"{source}: item '{code}': show_if refers to '{cond['item']}', which is not an earlier item")
        seen.add(code)
        items.append(Item(
            code=code, type=d["type"], label=d["label"], required=d["required"],
            scale_min=d.get("scale", {}).get("min"), scale_max=d.get("scale", {}).get("max"),
            options=tuple(Option(o["code"], o["label"]) for o in d.get("options", [])),
            show_if=Condition(**cond) if cond else None, max_length=d.get("max_length"),
            hint=d.get("hint", {}), scale_labels=d.get("scale_labels", {}),
        ))
    for indicator, rule in data["harmonization"].items():
        if rule.get("item") not in seen:
            raise DefinitionError(
                f"{source}: harmonization '{indicator}': refers to unknown item {rule.get('item')!r}")
    return Questionnaire(id=data["id"], version=data["version"], title=data["title"],
                         items=tuple(items), harmonization=data["harmonization"])


def _describe(messages: Any, raw: Any) -> str:
    """Name the item (by code, not index) and the problem in a marshmallow error tree."""
    parts = []
    for key, value in messages.items():
        if key == "items" and isinstance(value, dict):
            for index, item_errors in value.items():
                try:
                    code = raw["items"][index].get("code", f"#{index}")
                except (TypeError, IndexError, KeyError, AttributeError):
                    code = f"#{index}"
                parts.append(f"item '{code}': {item_errors}")
        else:
            parts.append(f"{key}: {value}")
    return "; ".join(parts)


def load_definition(path: Path) -> Questionnaire:
    """Load one definition file; raise :class:`DefinitionError` for unreadable or invalid files."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DefinitionError(f"{path}: cannot read definition: {exc}") from None
    return build_questionnaire(raw, str(path))
