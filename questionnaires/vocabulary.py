"""The vocabulary of the standard: languages, item types, channels, indicators, and the errors.

Constants every other module of ``questionnaires`` (and the rest of Ascolto) refers to, the
finding type :class:`Problem`, and the two errors: :class:`DefinitionError` (a malformed
definition) and :class:`AnswersInvalid` (an answers map that does not satisfy its questionnaire).
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from typing import Any, Mapping

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

OPS = {
    "eq": operator.eq, "ne": operator.ne,
    "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
    "in": lambda answer, values: answer in values,
}
CODE = r"^[a-z][a-z0-9_]*$"


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


#: a BCP-47 language tag as pages write it: a primary language subtag, then subtags (script, region,
#: variant) joined by "-" (or "_", as POSIX locales and some CMSs write it)
_TAG = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*")


def language_of(raw: Any) -> str | None:
    """The questionnaire language a BCP-47 tag names: its primary subtag, any case, whatever region
    or script follows (``it-IT``, ``EN``, ``de_AT``, ``sl-Latn-SI``: ``it``, ``en``, ``de``, ``sl``),
    when it is one of :data:`LANGUAGES`; ``None`` for another language (``es-ES``) or no tag at all.
    The one reader of ``lang`` for the questionnaire's GET and a submission alike."""
    match = _TAG.fullmatch(raw.strip()) if isinstance(raw, str) else None
    code = match.group(1).lower() if match else None
    return code if code in LANGUAGES else None


def client_language(raw: str | None) -> str:
    """The language a client asked for (``?lang=``), as every rendering of a questionnaire reads it
    (its JSON, the form, the kiosk): :func:`language_of` the tag (``EN``, ``en-GB``: ``en``), else
    Italian — a page in a language the questionnaires do not offer still gets them, in Italian."""
    return language_of(raw) or DEFAULT_LANGUAGE


def label(labels: Mapping[str, str], lang: str) -> str:
    """The label in ``lang``, falling back to Italian (always present)."""
    return labels.get(lang) or labels[DEFAULT_LANGUAGE]


def label_lang(labels: Mapping[str, str], lang: str) -> str | None:
    """``"it"`` where :func:`label` falls back to Italian for ``lang``, else ``None``: a page in
    ``lang`` marks that text ``lang="it"`` so that a screen reader speaks it as Italian (WCAG 3.1.2)."""
    return None if lang == DEFAULT_LANGUAGE or labels.get(lang) else DEFAULT_LANGUAGE


def bool_key(value: Any) -> str:
    """How an answer is written as a key of a harmonization ``map`` ("true"/"false" for booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
