"""Validation of an answers map against a questionnaire: the marshmallow contract and the compiled check.

:func:`validate` is the contract (messages per item, branching and required items honoured);
:func:`fast_validate` is a validator compiled once per questionnaire that accepts only plainly valid
maps and returns exactly what :func:`validate` returns, else ``None`` (the caller then asks
:func:`validate`). ``tests/test_questionnaires_fast.py`` checks that the two agree. The compiled
checks and the schema are cached per questionnaire object (:mod:`questionnaires.memo`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping

from marshmallow import RAISE, Schema, ValidationError

from .memo import IdentityCache
from .vocabulary import AnswersInvalid

if TYPE_CHECKING:
    from .model import Item, Questionnaire

_SCHEMAS = IdentityCache()
_COMPILED = IdentityCache()


def no_repeats(values: list) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("Each option may be chosen once.")


def validate(q: "Questionnaire", answers: Any) -> dict[str, Any]:
    """Return the answers, type-checked; raise :class:`AnswersInvalid` naming each bad item.

    Honours branching: an answer to an item hidden by its ``show_if`` is an error, and a
    required item is required only when visible. ``None`` counts as unanswered.
    """
    if not isinstance(answers, Mapping):
        raise AnswersInvalid({"_schema": ["Answers must be an object of item code to value."]})
    present = {k: v for k, v in answers.items() if v is not None}
    schema = _SCHEMAS.get(q, _answers_schema)
    errors: dict[str, list[str]] = {}
    try:
        clean = schema.load(present)
    except ValidationError as exc:
        errors = _flatten(exc.messages)
        clean = exc.valid_data if isinstance(exc.valid_data, dict) else {}
    for it in q.items:
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


def _compile(q: "Questionnaire") -> tuple[tuple, tuple]:
    """(item code, check) in item order and (code, required, show_if)."""
    return (tuple((it.code, _compile_check(it)) for it in q.items),
            tuple((it.code, it.required, it.show_if) for it in q.items if it.required or it.show_if is not None))


def _answers_schema(q: "Questionnaire") -> Schema:
    """One marshmallow schema per questionnaire (schemas are reusable)."""
    return Schema.from_dict({it.code: it.answer_field() for it in q.items})(unknown=RAISE)


_BAD = object()  # a value the compiled check does not accept


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
