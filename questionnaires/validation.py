"""Validation of an answers map against a questionnaire: the marshmallow contract and the compiled check.

:func:`validate` is the contract (messages per item, branching and required items honoured);
:func:`fast_validate` is a validator compiled once per questionnaire that accepts only plainly valid
maps and returns exactly what :func:`validate` returns, else ``None`` (the caller then asks
:func:`validate`). ``tests/test_questionnaires_fast.py`` checks that the two agree. The compiled
checks and the schema are cached per questionnaire object (:mod:`questionnaires.memo`).
"""
from __future__ import annotations

import difflib
import json
import re
import unicodedata
from typing import TYPE_CHECKING, Any, Callable, Mapping

from marshmallow import RAISE, Schema, ValidationError

from .memo import IdentityCache
from .vocabulary import AnswersInvalid

if TYPE_CHECKING:
    from .model import Item, Questionnaire

#: what free text may not carry: C0 controls but tab, line feed and carriage return; DEL and the
#: C1 controls; lone UTF-16 surrogates (not encodable as UTF-8)
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value: str) -> str | None:
    """A free-text answer as it is kept: control characters (:data:`CONTROL_CHARS`) removed, in
    Unicode NFC, and ``None`` — unanswered, as the widget treats it — when nothing but white space is left.

    The one rule for free text, followed by :func:`validate` and :func:`fast_validate`, so by the
    collector at intake (before redaction and the log) and by the processor's re-validation alike;
    ``max_length`` counts the cleaned text's code points. NFC makes them the characters a citizen
    sees: an "è" pasted decomposed ("e" + U+0300, as macOS file names and some PDFs carry it) is
    one character, not two — the widget counts the NFC form too."""
    if not value.isprintable():  # str.isprintable: no control character (nor \t \n \r, nor Z* but " ")
        value = CONTROL_CHARS.sub("", value)
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    return value if value and not value.isspace() else None


#: marshmallow's message for a name the schema does not have (``unknown=RAISE``)
UNKNOWN = "Unknown field."
_SCHEMAS = IdentityCache()
_COMPILED = IdentityCache()


def no_repeats(values: list) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("Each option may be chosen once.")


def validate(q: "Questionnaire", answers: Any) -> dict[str, Any]:
    """Return the answers, type-checked; raise :class:`AnswersInvalid` naming each bad item.

    Honours branching: an answer to an item hidden by its ``show_if`` is an error, and a
    required item is required only when visible. ``None`` counts as unanswered. An item whose
    condition's source is answered invalidly is not judged (the one error is the source's); one whose
    source is unanswered is hidden, as always.
    """
    if not isinstance(answers, Mapping):
        raise AnswersInvalid({"_schema": ["Answers must be an object of item code to value."]})
    present = {k: v for k, v in answers.items() if v is not None}
    for it in q.items:  # free text: cleaned, and blank is unanswered (clean_text)
        if it.type == "text" and isinstance(present.get(it.code), str):
            text = clean_text(present[it.code])
            if text is None:
                del present[it.code]
            else:
                present[it.code] = text
    schema = _SCHEMAS.get(q, _answers_schema)
    errors: dict[str, list[str]] = {}
    try:
        clean = schema.load(present)
    except ValidationError as exc:
        errors = _flatten(exc.messages)
        clean = exc.valid_data if isinstance(exc.valid_data, dict) else {}
        _name_unknown_codes(q, errors)
    for it in q.items:
        if it.code in errors or (it.show_if is not None and it.show_if.item in errors
                                 and answers.get(it.show_if.item) is not None):
            continue  # a source answered invalidly: whether the item is asked cannot be told, so no second error
        shown = it.visible(clean)
        if it.code in clean and not shown:
            cond = it.show_if
            given = (f"it is {json.dumps(clean[cond.item], ensure_ascii=False)}" if cond.item in clean
                     else "it is not answered")
            errors[it.code] = [f"Not applicable: asked only when {cond.in_words()}, and {given}: "
                               f"leave '{it.code}' out."]
        elif shown and it.required and it.code not in clean:
            errors[it.code] = ["Missing data for required field."]
    if errors:
        raise AnswersInvalid(errors)
    return clean


def fast_validate(q: "Questionnaire", answers: Any) -> dict[str, Any] | None:
    """The plainly valid answers map, checked by a validator compiled once per questionnaire.

    Returns what :func:`validate` returns (same keys in the same order, same values and types)
    for the maps it accepts: exact types only (``int`` ratings, ``str`` codes and text, ``bool``,
    ``list`` of distinct codes), no unknown codes, branching and required items honoured.
    Returns ``None`` for everything else — every invalid map and the unusual valid ones that
    marshmallow coerces — and the caller must then ask :func:`validate`, which stays the
    contract and gives the messages. ``tests/test_questionnaires_fast.py`` checks the two agree
    (hypothesis, on generated valid and invalid maps for every shipped questionnaire).
    """
    if type(answers) is not dict:
        return None
    checks, rules = _COMPILED.get(q, _compile)
    clean: dict[str, Any] = {}
    known = 0  # answers to known codes (blank text among them: unanswered, so not in ``clean``)
    for code, check in checks:
        value = answers.get(code)
        if value is None:
            continue
        known += 1
        value = check(value)
        if value is _BAD:
            return None
        if value is not _BLANK:
            clean[code] = value
    if known != len(answers) and known != sum(v is not None for v in answers.values()):
        return None  # an unknown code
    for code, required, cond in rules:
        shown = cond is None or cond.holds(clean)
        if code in clean:
            if not shown:
                return None
        elif shown and required:
            return None
    return clean


def _compile(q: "Questionnaire") -> tuple[tuple, tuple]:
    """(item code, check) in item order and (code, required, show_if)."""
    return (tuple((it.code, _compile_check(it)) for it in q.items),
            tuple((it.code, it.required, it.show_if) for it in q.items if it.required or it.show_if is not None))


def _answers_schema(q: "Questionnaire") -> Schema:
    """One marshmallow schema per questionnaire (schemas are reusable)."""
    return Schema.from_dict({it.code: it.answer_field() for it in q.items})(unknown=RAISE)


_BAD = object()  # a value the compiled check does not accept
_BLANK = object()  # blank free text: unanswered (clean_text)


def _compile_check(item: "Item") -> Callable[[Any], Any]:
    """The check of one answer for :func:`fast_validate`: the clean value or ``_BAD``.

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

    def text(v: Any) -> Any:
        if type(v) is not str:
            return _BAD
        v = clean_text(v)
        if v is None:
            return _BLANK
        return _BAD if limit is not None and len(v) > limit else v
    return text


def _name_unknown_codes(q: "Questionnaire", errors: dict[str, list[str]]) -> None:
    """marshmallow's "Unknown field." of an answer code the questionnaire does not have, made into what its
    sender needs: the questionnaire, the nearest item code (a misspelling), and every item code."""
    codes = [it.code for it in q.items]
    for key, problems in errors.items():
        if problems == [UNKNOWN] and key not in codes:
            errors[key] = [f"Unknown field: not an item of {q.id} version {q.version}{did_you_mean(key, codes)} "
                           f"Its items: {', '.join(codes)}."]


def did_you_mean(name: str, known: list[str]) -> str:
    """The end of a refusal's sentence about an unknown ``name``: "; did you mean 'x'?" naming the nearest of
    ``known`` (a misspelling, :func:`difflib.get_close_matches`), else "."."""
    near = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean {near[0]!r}?" if near else "."


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
