"""The OpenAPI 3 description of the public API (``GET /openapi.json``), built with apispec."""
from __future__ import annotations

from functools import lru_cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from questionnaires.envelope import SubmissionSchema
from questionnaires.funnel import FunnelReportSchema

from .questionnaire_openapi import ITEM, QUESTIONNAIRE


def form_paths() -> dict:
    from .form_openapi import OPENAPI_PATHS

    return OPENAPI_PATHS

_ERRORS = {
    "400": "Malformed request: not JSON, not an object, or a field does not follow the API.",
    "403": "The Origin is not among the service's allowed origins (or test is sent without an Origin).",
    "404": "Unknown or inactive service.",
    "409": "The questionnaire or version is not the one assigned to the service, or the channel is not the "
           "service's (or its device's) or not one the questionnaire declares.",
    "413": "The body exceeds 16 KB.",
    "415": "The body is not application/json, or is compressed (fields: Content-Type, Content-Encoding).",
    "422": "Answers invalid for the questionnaire (including branching) or the submission looks automated.",
    "429": "Rate limited (per client or per service); see Retry-After.",
    "503": "The collector's local log cannot take the submission (full, or its disk failing; error unavailable), "
           "or the service registry cannot be reached for a service the collector has not cached "
           "(registry_unavailable); see Retry-After. A 202 is durable in that log, whether or not the broker is up.",
}


#: the 429 of the GETs under the per-client read limit (collector.ratelimit.RateLimits.check_read)
_READS_LIMITED = ("Rate limited: this client's GETs past ASCOLTO_RATE_LIMIT_GET (a budget apart from its posts'; "
                  "a 304 counts too); see Retry-After.")
#: the answer of every route that looks its service up when the registry cannot be reached (collector.errors)
_REGISTRY_DOWN = ("The service registry cannot be reached for a service not cached (registry_unavailable); "
                  "see Retry-After.")


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


@lru_cache(maxsize=1)
def openapi_spec() -> dict:
    spec = APISpec(title="Ascolto collector", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Public intake of standardized CX questionnaires of Italian public "
                                        "administrations. 202 means the submission is durable. Every "
                                        "error is JSON (Error), also those refused before the API reads the "
                                        "request: 414 a URL over 4094 bytes (fields: url), 431 header fields "
                                        "too many or too large (headers), 400 a request that is not HTTP."})
    spec.components.schema("Submission", schema=SubmissionSchema)
    spec.components.schema("Error", {"type": "object", "required": ["error", "message", "fields"], "properties": {
        "error": {"type": "string", "description": "Stable error code"},
        "message": {"type": "string"},
        "fields": {"type": "object", "description": "Each offending field and its problems",
                   "additionalProperties": True}}})
    spec.components.schema("Accepted", {"type": "object", "required": ["submission_id", "status"], "properties": {
        "submission_id": {"type": "string", "format": "uuid"}, "status": {"type": "string", "enum": ["accepted"]}}})
    spec.components.security_scheme("backendToken", {
        "type": "http", "scheme": "bearer", "description": "A registry token of role backend (asc_…), scoped to "
        "one entity: its back end posts without an Origin, per-token rate limit instead of per-IP."})
    spec.path("/v1/submissions", operations={"post": {
        "summary": "Submit one questionnaire answer set",
        "description": "The same submission_id posted again is accepted and stored once. The channel comes "
                       "from the registry: leave it out (or send the service's). A kiosk sends its device token "
                       "in X-Ascolto-Device (its answers carry the device's channel); the console forwards an "
                       "operator's entry with X-Ascolto-Operator (403 naming device/operator when not valid). "
                       "A back end posting directly sends Authorization: Bearer <backend token> (403 naming "
                       "authorization when not valid or of another entity). A post with neither an Origin "
                       "(browsers send one) nor a token, device or operator credential is refused for every "
                       "service (401 naming Origin and authorization).",
        "security": [{}, {"backendToken": []}],
        "parameters": [{"name": "X-Ascolto-Device", "in": "header", "required": False, "schema": {"type": "string"}},
                       {"name": "X-Ascolto-Operator", "in": "header", "required": False,
                        "schema": {"type": "string"}}],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Submission"}}}},
        "responses": {"202": {"description": "Durable: fsynced in the collector host's local write-ahead log, "
                                             "which is shipped to the broker (acks=all) in order",
                              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}}},
                      **{code: _error(text) for code, text in _ERRORS.items()},
                      "401": _error("Neither an Origin nor a back-end token (nor a device or operator "
                                    "credential): a back end needs its token; the message says how to get one "
                                    "(fields: Origin, authorization; WWW-Authenticate: Bearer)."),
                      "403": _error(_ERRORS["403"] + " Or the back-end token is not valid or not of the service's "
                                    "entity (fields: authorization).")}}})
    spec.path("/v1/services/{key}/questionnaire", operations={"get": {
        "summary": "The questionnaire assigned to a service, rendered in one language",
        "parameters": [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}},
                       {"name": "lang", "in": "query", "schema": {"type": "string"}, "description": (
                           "it, en, de, fr or sl, or a BCP-47 tag of one (it-IT, EN, de_AT); any other: Italian. "
                           "The response's lang is the language served: a submission sends it (or the same tag).")}],
        "responses": {"200": {"description": "The rendered questionnaire (ETag; Italian where a label is missing, "
                                             "each such text marked beside it: title_lang, label_lang, hint_lang, "
                                             "an option's label_lang, scale_labels_lang = \"it\"; an item drawn as faces carries faces, "
                                             "the mood of each answer in order)",
                              "content": {"application/json": {"schema": {
                                  "$ref": "#/components/schemas/Questionnaire"}}}},
                      "304": {"description": "Not modified"},
                      "403": _error("The Origin is not among the service's allowed origins: the widget says "
                                    "\"not active on this page\" (Vary: Origin)."),
                      "404": _error(_ERRORS["404"]), "409": _error(_ERRORS["409"]),
                      "412": _error("If-Match (or If-Unmodified-Since) not met (fields: the header)."),
                      "429": _error(_READS_LIMITED), "503": _error(_REGISTRY_DOWN)}}})
    spec.components.schema("Questionnaire", QUESTIONNAIRE)
    spec.components.schema("QuestionnaireItem", ITEM)
    spec.components.schema("FunnelReport", schema=FunnelReportSchema)
    spec.path("/v1/funnel", operations={"post": {
        "summary": "Anonymous counts of one page view: impressions, starts, submissions (no identifier)",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/FunnelReport"}}}},
        "responses": {"202": {"description": "Durable like a submission"},
                      **{code: _error(_ERRORS[code]) for code in ("400", "403", "404", "413", "415", "429", "503")}}}})
    spec.path("/v1/services/{key}/kiosk", operations={"get": {
        "summary": "The kiosk page of a registered device (HTML, touch-first)",
        "parameters": [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}},
                       {"name": "device", "in": "query", "required": True, "schema": {"type": "string"}},
                       {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["it", "en", "de", "fr", "sl"]}},
                       {"name": "reset", "in": "query", "schema": {"type": "integer", "minimum": 2, "maximum": 60}}],
        "responses": {"200": {"description": "HTML"}, "403": {"description": "Not a registered device of the service"},
                      "404": {"description": "Unknown or inactive service"},
                      "409": {"description": "The service's questionnaire has no faces question"},
                      "429": {"description": "The address's GETs past ASCOLTO_RATE_LIMIT_GET: an HTML page that "
                                             "loads itself again after Retry-After"},
                      "503": _error(_REGISTRY_DOWN)}}})
    spec.path("/kiosk.js", operations={"get": {"summary": "The kiosk page's script",
                                              "responses": {"200": {"description": "JavaScript"}}}})
    for path, operations in form_paths().items():
        spec.path(path, operations=operations)
    spec.path("/widget.js", operations={"get": {"summary": "The embeddable widget",
                                               "responses": {"200": {"description": "JavaScript"}}}})
    spec.path("/healthz", operations={"get": {"summary": "Liveness", "responses": {"200": {"description": "alive"}}}})
    spec.path("/readyz", operations={"get": {"summary": "Readiness: ready, degraded (200: broker away, no shipper "
                                                       "or registry away; `reasons`) or unavailable",
                                            "responses": {"200": {"description": "Can accept submissions"},
                                                          "503": {"description": "Local log full (spool_full)"}}}})
    spec.path("/metrics", operations={"get": {"summary": "Prometheus metrics",
                                             "responses": {"200": {"description": "text exposition format"}}}})
    spec.path("/openapi.json", operations={"get": {"summary": "This description",
                                                  "responses": {"200": {"description": "OpenAPI 3, with an ETag"},
                                                                "304": {"description": "Not modified"}}}})
    doc = spec.to_dict()
    # the one context value that may also be a number (SubmissionSchema loads it as its digits)
    doc["components"]["schemas"]["Submission"]["properties"]["context"]["properties"] = {"fill_ms": {
        "oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": "^[0-9]{1,12}$"}],
        "description": "Milliseconds from showing the questions to sending (the collector's bot check)."}}
    return doc
