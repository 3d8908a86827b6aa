"""The OpenAPI schemas of ``GET /v1/services/{key}/questionnaire``'s answer: what a back end builds its
body from (``id`` → ``questionnaire``, ``version``, each item's ``code`` → a key of ``answers``), and what a
generated client reads. Built from the vocabulary (item types, ``show_if`` operators, displays), so a new
type or operator is described the day it exists; consumers ignore what they do not know
(``additionalProperties``). ``tests/test_integrator_next_steps.py`` checks every key a served questionnaire
has is described."""
from __future__ import annotations

from questionnaires.vocabulary import DISPLAYS, ITEM_TYPES, LANGUAGES, OPS

_LANG = {"type": "string", "enum": ["it"], "description": "Present when the text beside it is served in Italian "
                                                          "for want of a translation (mark it lang=\"it\")."}
_TEXT = {"type": "string"}

OPTION = {"type": "object", "required": ["code", "label"], "additionalProperties": True, "properties": {
    "code": {"type": "string", "description": "The value to send (stable across languages and versions)."},
    "label": _TEXT, "label_lang": _LANG}}

ITEM = {"type": "object", "required": ["code", "type", "required", "label"], "additionalProperties": True,
        "properties": {
            "code": {"type": "string", "description": "The key of this answer in the submission's answers."},
            "type": {"type": "string", "enum": list(ITEM_TYPES), "description": (
                "rating: a whole number within scale's min and max; choice: one option's code; multi: a list of "
                "distinct option codes; boolean: true or false; text: a string of at most max_length characters.")},
            "required": {"type": "boolean", "description": "Must be answered when shown (see show_if)."},
            "label": _TEXT, "label_lang": _LANG, "hint": _TEXT, "hint_lang": _LANG,
            "scale": {"type": "object", "required": ["min", "max"], "properties": {
                "min": {"type": "integer"}, "max": {"type": "integer"}}},
            "scale_labels": {"type": "object", "description": "The words of the scale's ends.",
                             "additionalProperties": _TEXT},
            "scale_labels_lang": _LANG,
            "options": {"type": "array", "items": OPTION},
            "max_length": {"type": "integer", "description": "At most this many characters (a text item)."},
            "show_if": {"type": "object", "required": ["item", "op", "value"], "description": (
                "Asked only when the answer to item satisfies op value; otherwise leave this item out "
                "(an answer to it is a 422)."), "properties": {
                    "item": {"type": "string"}, "op": {"type": "string", "enum": list(OPS)}, "value": {}}},
            "display": {"type": "string", "enum": sorted(DISPLAYS), "description": "How it is drawn."},
            "faces": {"type": "array", "items": {"type": "string"},
                      "description": "Drawn as faces: the mood of each answer, in order."}}}

QUESTIONNAIRE = {"type": "object", "required": ["id", "version", "lang", "title", "items"],
                 "additionalProperties": True, "properties": {
                     "id": {"type": "string", "description": "Send it as the submission's questionnaire."},
                     "version": {"type": "integer", "description": "Send it as the submission's version."},
                     "lang": {"type": "string", "enum": list(LANGUAGES),
                              "description": "The language served: send it as the submission's lang."},
                     "title": _TEXT, "title_lang": _LANG,
                     "items": {"type": "array", "items": {"$ref": "#/components/schemas/QuestionnaireItem"}},
                     "service": {"type": "string", "description": "The service's key."},
                     "service_name": _TEXT, "service_name_lang": _LANG,
                     "sampling_rate": {"type": "number", "description": "The share of page views the widget invites."},
                     "test": {"type": "boolean", "description": "Present (true) while the service is in test mode: "
                                                                "its answers are check-ups, never counted."}}}
