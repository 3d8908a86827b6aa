"""The no-JS form's view model: items as the template shows them, and form fields back to typed answers."""
from __future__ import annotations

import re
from typing import Any, Mapping

from questionnaires.model import DEFAULT_LANGUAGE, Item, Questionnaire
from questionnaires.presentation import end_labels
from questionnaires.validation import clean_text
from questionnaires.vocabulary import label_lang

from .faces import face_svg, moods
from .form_i18n import UI, condition_hint

HONEYPOT = "asc_hp"
FIELD = "answers."


def text_length(value: str) -> int:
    """A free-text answer's length as the collector counts it against ``max_length``: characters
    (code points) of the cleaned text (:func:`questionnaires.validation.clean_text`: NFC, so an
    accent pasted decomposed is not a character of its own), 0 when blank.

    Not the browser's ``maxlength``, which counts UTF-16 units: an emoji is one character here and
    two units there, so a ``maxlength`` of the limit stopped an emoji-rich comment short of it."""
    return len(clean_text(value) or "")


def _text_notes(item: Item, text: str, error: str, ui: Mapping[str, str]) -> dict[str, Any]:
    """A text item's limit as the page states it, and the textarea's ``maxlength``.

    The page has no script, so the characters left are said when the server renders it: the limit
    alone on a blank field, the characters left (:func:`text_length`) once the form comes back with
    a text, how much to cut when it is over the limit. ``maxlength`` is only a bound against pastes
    the request limit would refuse: twice the limit in UTF-16 units (a character is at most two), so
    the browser never stops or silently cuts a text the collector would take; a longer one is
    refused by the collector, and the form comes back with the text and the count."""
    limit, n = item.max_length or 0, text_length(text)
    if not n or (n > limit and error):
        note = ui["max_chars"].format(n=limit)
    elif n <= limit:
        note = ui["chars_left"].format(left=limit - n, n=limit)
    else:
        note = ui["too_long"].format(n=limit, len=n, over=n - limit)
    return {"max_note": note, "max_units": 2 * limit}


def _choices(item: Item, lang: str, ui: Mapping[str, str]) -> list[dict[str, Any]]:
    if item.type == "rating":
        out = []
        for v in range(item.scale_min, item.scale_max + 1):
            extreme = "min" if v == item.scale_min else "max" if v == item.scale_max else None
            words = end_labels(item).get(extreme) if extreme else None
            out.append({"value": str(v), "n": str(v), "label": str(v),
                        "word": (words.get(lang) or words[DEFAULT_LANGUAGE]) if words else "",
                        "lang": label_lang(words, lang) if words else None})
        return out
    if item.type == "boolean":
        return [{"value": "true", "label": ui["yes"]}, {"value": "false", "label": ui["no"]}]
    return [{"value": o.code, "label": o.label.get(lang) or o.label[DEFAULT_LANGUAGE],
             "lang": label_lang(o.label, lang)} for o in item.options]


def _view_items(q: Questionnaire, lang: str, raw: Mapping[str, list[str]],
                errors: Mapping[str, str]) -> list[dict[str, Any]]:
    ui = UI[lang]
    items = []
    for item in q.items:
        picked = raw.get(item.code, [])
        view = {
            "code": item.code, "type": item.type, "name": FIELD + item.code, "id": f"q-{item.code}",
            "label": item.label.get(lang) or item.label[DEFAULT_LANGUAGE],
            "label_lang": label_lang(item.label, lang), "required": item.required,
            "hint": (item.hint.get(lang) or item.hint.get(DEFAULT_LANGUAGE)) if item.hint else "",
            "hint_lang": label_lang(item.hint, lang) if item.hint else None,
            "condition": condition_hint(q, item, lang) if item.show_if else "",
            "error": errors.get(item.code, ""), "max_length": item.max_length,
            "text": picked[0] if picked else "",
        }
        view["describedby"] = " ".join(f"{view['id']}-{part}" for part, present in (
            ("cond", view["condition"]), ("hint", view["hint"]), ("err", view["error"]),
            ("max", item.type == "text")) if present)
        if item.type == "text":
            view.update(_text_notes(item, view["text"], view["error"], ui))
        if item.type != "text":
            view["choices"] = [dict(c, checked=c["value"] in picked) for c in _choices(item, lang, ui)]
            view["input_type"] = "checkbox" if item.type == "multi" else "radio"
            view["scale"] = item.type == "rating" and len(view["choices"]) <= 7
            faces = moods(item, q)
            view["faces"] = bool(faces)
            for c, mood in zip(view["choices"], faces or ()):  # a rating's face says the words, not the digit
                c.update(mood=mood, svg=face_svg(mood), label=c.get("word") or c["label"])
            if faces and item.type == "rating":
                view["scale"] = False
        items.append(view)
    return items


def form_answers(q: Questionnaire, form) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Typed answers from form fields (hidden-branch answers dropped) and the raw values.

    Ratings become ints and booleans ``true``/``false`` when well-formed (otherwise the string is
    passed on, and validation names the field); multi answers come from repeated fields; empty
    fields are unanswered; text line breaks are normalized to ``\\n`` as in the widget.
    """
    answers: dict[str, Any] = {}
    raw: dict[str, list[str]] = {}
    for item in q.items:
        values = [v.replace("\r\n", "\n") for v in form.getlist(FIELD + item.code)]
        raw[item.code] = values
        filled = [v for v in values if v.strip()]
        if not filled:
            continue
        if item.type == "multi":
            value: Any = list(dict.fromkeys(v.strip() for v in filled))
        elif item.type == "text":
            value = filled[0]
        else:
            value = filled[0].strip()
            if item.type == "rating" and re.fullmatch(r"-?[0-9]{1,9}", value):
                value = int(value)
            elif item.type == "boolean":
                value = {"true": True, "false": False}.get(value, value)
        if item.visible(answers):
            answers[item.code] = value
    return answers, raw


def _field_errors(q: Questionnaire, answers: Mapping[str, Any], fields: Mapping[str, Any],
                  lang: str) -> dict[str, str]:
    """Localized messages per item code for the ``answers.<code>`` keys of an ApiError."""
    ui = UI[lang]
    out = {}
    for item in q.items:
        if FIELD + item.code not in fields:
            continue
        value = answers.get(item.code)
        if value is None:
            out[item.code] = ui["choose"]
        elif item.type == "text" and item.max_length and text_length(value) > item.max_length:
            n = text_length(value)
            out[item.code] = ui["too_long"].format(n=item.max_length, len=n, over=n - item.max_length)
        else:
            out[item.code] = ui["invalid"]
    return out
