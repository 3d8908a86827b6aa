"""Typed model of a questionnaire definition: options, conditions, items and the questionnaire.

A definition is a data file (see ``definitions/`` and ``docs/questionnaires.md``);
:func:`questionnaires.analysis.build_questionnaire` turns its parsed JSON into an immutable
:class:`Questionnaire` or raises :class:`DefinitionError` naming the file, the item and every
problem found. A definition may ``extend`` another one (a module on top of ``cx-core``): its
effective items are the base items followed by its own (the base's closing free comment stays last:
``presentation.comment_last``), and its effective harmonization is the
base's plus its own. Validation of answers is :mod:`questionnaires.validation`; the vocabulary and
the errors are :mod:`questionnaires.vocabulary` (re-exported here for the model's users).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from marshmallow import fields, validate

from . import validation
from .presentation import end_labels
from .vocabulary import (CATEGORY_CODES, CATEGORY_INDICATORS, CHANNELS, DEFAULT_LANGUAGE, DISPLAYS, ITEM_TYPES,
                         LANGUAGES, METHODS, OPS, REQUIRED_LANGUAGES, SCORE_INDICATORS, AnswersInvalid,
                         DefinitionError, Problem, bool_key, label, label_lang)

__all__ = ["Option", "Condition", "Item", "Questionnaire", "CATEGORY_CODES", "CATEGORY_INDICATORS", "CHANNELS",
           "DEFAULT_LANGUAGE", "DISPLAYS", "ITEM_TYPES", "LANGUAGES", "METHODS", "REQUIRED_LANGUAGES",
           "SCORE_INDICATORS", "AnswersInvalid", "DefinitionError", "Problem", "bool_key"]


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
            return bool(OPS[self.op](answers[self.item], self.value))
        except TypeError:
            return False

    def describe(self) -> str:
        return f"'{self.item}' {self.op} {self.value!r}"

    def in_words(self) -> str:
        """The condition as a sender reads it, "'satisfaction' is 3 or less", with the ``show_if`` the
        questionnaire's GET serves in brackets: "(show_if: satisfaction lte 3)"."""
        value = ", ".join(map(_word, self.value)) if isinstance(self.value, (list, tuple)) else _word(self.value)
        return f"'{self.item}' {_OP_WORDS.get(self.op, self.op + ' {}').format(value)} (show_if: {self.item} {self.op} {value})"


#: each ``show_if`` operator (:data:`questionnaires.vocabulary.OPS`) in words, around its value
_OP_WORDS = {"eq": "is {}", "ne": "is not {}", "gt": "is more than {}", "gte": "is {} or more",
             "lt": "is less than {}", "lte": "is {} or less", "in": "is one of {}"}


def _word(value: Any) -> str:
    """An answer value as JSON writes it (``true``, ``"yes"``, ``4``)."""
    return json.dumps(value, ensure_ascii=False)


def _mark(out: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """``out`` with ``key`` set to ``value`` when there is one (a text's fallback language): kept lean."""
    if value:
        out[key] = value
    return out


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
                validate=[validate.Length(min=1), validation.no_repeats],
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
        """This item for a client in ``lang`` (Italian where a translation is missing).

        Each text served in Italian instead says so, beside it: ``label_lang``, ``hint_lang``, an
        option's ``label_lang``, ``scale_labels_lang`` ({end: "it"}): ``"it"``, only where it falls back
        (:func:`~questionnaires.vocabulary.label_lang`), so a client marks that text ``lang="it"``."""
        out: dict[str, Any] = {"code": self.code, "type": self.type, "required": self.required,
                               "label": label(self.label, lang)}
        _mark(out, "label_lang", label_lang(self.label, lang))
        if self.type == "rating":
            out["scale"] = {"min": self.scale_min, "max": self.scale_max}
            ends = end_labels(self)
            out["scale_labels"] = {k: label(v, lang) for k, v in ends.items()}
            _mark(out, "scale_labels_lang", {k: m for k, v in ends.items() if (m := label_lang(v, lang))})
        if self.options:
            out["options"] = [_mark({"code": o.code, "label": label(o.label, lang)}, "label_lang",
                                    label_lang(o.label, lang)) for o in self.options]
        if self.show_if:
            out["show_if"] = {"item": self.show_if.item, "op": self.show_if.op, "value": self.show_if.value}
        if self.max_length:
            out["max_length"] = self.max_length
        if self.hint:
            out["hint"] = label(self.hint, lang)
            _mark(out, "hint_lang", label_lang(self.hint, lang))
        if self.display:
            out["display"] = self.display
        return out


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
        (:func:`questionnaires.validation.validate`)
        """
        return validation.validate(self, answers)

    def fast_validate(self, answers: Any) -> dict[str, Any] | None:
        """The plainly valid answers map by the compiled check, else ``None``: then ask :meth:`validate`
        (:func:`questionnaires.validation.fast_validate`)."""
        return validation.fast_validate(self, answers)

    def render(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """The questionnaire as a client renders it, in ``lang`` with Italian fallback."""
        if lang not in LANGUAGES:
            lang = DEFAULT_LANGUAGE
        return _mark({"id": self.id, "version": self.version, "lang": lang,
                      "title": label(self.title, lang), "items": [it.render(lang) for it in self.items]},
                     "title_lang", label_lang(self.title, lang))
