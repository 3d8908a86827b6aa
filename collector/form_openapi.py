"""The no-JS form's routes for ``/openapi.json`` (merged into the collector's spec by :mod:`collector.openapi`)."""
from __future__ import annotations

from typing import Any

from questionnaires.model import DEFAULT_LANGUAGE, LANGUAGES

from .form_view import HONEYPOT


_HTML = {"text/html": {"schema": {"type": "string"}}}
_KEY = {"name": "key", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}
#: a page's answer when the registry cannot be reached for a service not cached (collector.errors)
_REGISTRY_DOWN = {"description": "The service registry cannot be reached (HTML page, Retry-After).", "content": _HTML}
#: a page's answer past the client's read limit (ASCOLTO_RATE_LIMIT_GET: collector.ratelimit.RateLimits.check_read)
_READS_LIMITED = {"description": "Rate limited: this client's GETs past ASCOLTO_RATE_LIMIT_GET (HTML page, "
                                 "Retry-After).", "content": _HTML}
_LANG = {"name": "lang", "in": "query", "required": False,
         "schema": {"type": "string", "enum": list(LANGUAGES), "default": DEFAULT_LANGUAGE}}

#: OpenAPI 3.1 path items of this blueprint, to be merged into the collector's ``/openapi.json``.
OPENAPI_PATHS: dict[str, Any] = {
    "/v1/services/{key}/form": {"get": {
        "summary": "The service's questionnaire as an HTML form that works without JavaScript",
        "parameters": [_KEY, _LANG, {"name": "page", "in": "query", "required": False,
                                     "description": "Path of the page the citizen comes from (query string dropped).",
                                     "schema": {"type": "string", "maxLength": 2048}},
                       {"name": "back", "in": "query", "required": False,
                        "description": "The page the thank-you page links back to (the form's language links carry "
                                       "it); ignored unless on one of the service's allowed origins, else taken "
                                       "from the Referer.", "schema": {"type": "string", "maxLength": 2048}}],
        "responses": {"200": {"description": "The form (no script; Cache-Control: private, no-cache, so that Back after "
                                             "the thank-you page shows it again with its submission_id).", "content": _HTML},
                      "404": {"description": "Unknown or inactive service (HTML page).", "content": _HTML},
                      "409": {"description": "The assigned questionnaire is not published (HTML page).", "content": _HTML},
                      "429": _READS_LIMITED, "503": _REGISTRY_DOWN}}},
    "/v1/submissions/form": {"post": {
        "summary": "Submit the HTML form: the same intake as POST /v1/submissions",
        "parameters": [dict(_LANG, description="The form's language, for the pages refused before the "
                                               "body is read (e.g. 413); the form's action carries it.")],
        "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
            "type": "object", "required": ["service", "lang", "submission_id", "token"],
            "properties": {
                "service": {"type": "string"}, "lang": {"type": "string", "enum": list(LANGUAGES)},
                "submission_id": {"type": "string", "format": "uuid"},
                "token": {"type": "string", "description": "Signed render time, service and submission_id."},
                "page": {"type": "string"},
                "back": {"type": "string", "description": "Page to link back to from the thank-you page "
                                                          "(kept only on an allowed origin)."},
                HONEYPOT: {"type": "string", "description": "Honeypot: must be empty."}},
            "additionalProperties": {"description": "answers.<item code>: one field per answer, repeated for "
                                                    "multiple choices.", "type": "string"}}}}},
        "responses": {
            "303": {"description": "Accepted and durable (or the same answers of this submission_id sent "
                                   "again: stored once); Location is the localized thank-you page."},
            "400": {"description": "Tampered or forged form (HTML page).", "content": _HTML},
            "403": {"description": "Origin not allowed for the service (HTML page).", "content": _HTML},
            "404": {"description": "Unknown or inactive service (HTML page).", "content": _HTML},
            "409": {"description": "The assignment changed since the form was rendered, or this submission_id "
                                   "was sent before with other answers: the first ones remain recorded, the "
                                   "page says the changes were not (HTML page).", "content": _HTML},
            "413": {"description": "Body over the size limit (HTML page).", "content": _HTML},
            "415": {"description": "Not a form encoding (HTML page).", "content": _HTML},
            "422": {"description": "Invalid answers, too fast, honeypot filled or form expired: the form again, "
                                   "answers kept, errors next to each question.", "content": _HTML},
            "429": {"description": "Rate limited: the form again, with Retry-After.", "content": _HTML},
            "503": {"description": "Cannot be stored now, or the service registry cannot be reached: the form "
                                   "again, with Retry-After.", "content": _HTML}}}},
    "/v1/services/{key}/form/thanks": {"get": {
        "summary": "The localized thank-you page", "parameters": [_KEY, _LANG, {
            "name": "back", "in": "query", "required": False,
            "description": "The page to link back to; ignored unless on one of the service's allowed origins.",
            "schema": {"type": "string", "maxLength": 2048}}],
        "responses": {"200": {"description": "Thank-you page.", "content": _HTML},
                      "404": {"description": "Unknown or inactive service (HTML page).", "content": _HTML},
                      "429": _READS_LIMITED, "503": _REGISTRY_DOWN}}},
}
