"""The OpenAPI 3 description of the public API (``GET /openapi.json``), built with apispec."""
from __future__ import annotations

from functools import lru_cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from questionnaires.envelope import SubmissionSchema


def form_paths() -> dict:
    from .form_openapi import OPENAPI_PATHS

    return OPENAPI_PATHS

_ERRORS = {
    "400": "Malformed request: not JSON, not an object, or a field does not follow the API.",
    "403": "The Origin is not among the service's allowed origins (or test is sent without an Origin).",
    "404": "Unknown or inactive service.",
    "409": "The questionnaire or version is not the one assigned to the service.",
    "413": "The body exceeds 16 KB.",
    "415": "The body is not application/json.",
    "422": "Answers invalid for the questionnaire (including branching) or the submission looks automated.",
    "429": "Rate limited (per client or per service); see Retry-After.",
    "503": "Neither the broker nor the local spool can take the submission; see Retry-After.",
}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


@lru_cache(maxsize=1)
def openapi_spec() -> dict:
    spec = APISpec(title="Ascolto collector", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Public intake of standardized CX questionnaires of Italian public "
                                        "administrations. 202 means the submission is durable."})
    spec.components.schema("Submission", schema=SubmissionSchema)
    spec.components.schema("Error", {"type": "object", "required": ["error", "message", "fields"], "properties": {
        "error": {"type": "string", "description": "Stable error code"},
        "message": {"type": "string"},
        "fields": {"type": "object", "description": "Each offending field and its problems",
                   "additionalProperties": True}}})
    spec.components.schema("Accepted", {"type": "object", "required": ["submission_id", "status"], "properties": {
        "submission_id": {"type": "string", "format": "uuid"}, "status": {"type": "string", "enum": ["accepted"]}}})
    spec.path("/v1/submissions", operations={"post": {
        "summary": "Submit one questionnaire answer set",
        "description": "The same submission_id posted again is accepted and stored once.",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Submission"}}}},
        "responses": {"202": {"description": "Durable: acknowledged by the broker or fsynced to the spool",
                              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}}},
                      **{code: _error(text) for code, text in _ERRORS.items()}}}})
    spec.path("/v1/services/{key}/questionnaire", operations={"get": {
        "summary": "The questionnaire assigned to a service, rendered in one language",
        "parameters": [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}},
                       {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["it", "en", "de", "fr", "sl"]}}],
        "responses": {"200": {"description": "The rendered questionnaire (ETag; Italian where a label is missing)",
                              "content": {"application/json": {"schema": {"type": "object"}}}},
                      "304": {"description": "Not modified"},
                      "404": _error(_ERRORS["404"]), "409": _error(_ERRORS["409"])}}})
    for path, operations in form_paths().items():
        spec.path(path, operations=operations)
    spec.path("/widget.js", operations={"get": {"summary": "The embeddable widget",
                                               "responses": {"200": {"description": "JavaScript"}}}})
    spec.path("/healthz", operations={"get": {"summary": "Liveness", "responses": {"200": {"description": "alive"}}}})
    spec.path("/readyz", operations={"get": {"summary": "Readiness: ready, degraded (spooling) or unavailable",
                                            "responses": {"200": {"description": "Can accept submissions"},
                                                          "503": {"description": "Spool full and broker away"}}}})
    spec.path("/metrics", operations={"get": {"summary": "Prometheus metrics",
                                             "responses": {"200": {"description": "text exposition format"}}}})
    spec.path("/openapi.json", operations={"get": {"summary": "This description",
                                                  "responses": {"200": {"description": "OpenAPI 3"}}}})
    return spec.to_dict()
