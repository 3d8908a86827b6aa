"""The submission contract: the body of ``POST /v1/submissions`` and the Kafka envelope.

DESIGN §4–§5. The collector validates posted bodies with :class:`SubmissionSchema` and wraps each
in an envelope; the processor parses envelopes with :func:`parse_envelope`. Unknown envelope
fields are ignored so that producers can add fields without breaking consumers.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from .model import LANGUAGES

ENVELOPE_SCHEMA = "ascolto.submission/1"
CHANNELS = ("web", "app", "email", "sms", "kiosk", "front_office", "phone")


class SubmissionSchema(Schema):
    """A posted submission. Unknown top-level fields are rejected so typos are caught."""

    class Meta:
        unknown = RAISE

    submission_id = fields.UUID(required=True)
    service = fields.String(required=True, validate=validate.Length(min=1, max=64))
    questionnaire = fields.String(required=True, validate=validate.Length(min=1, max=64))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    lang = fields.String(load_default="it", validate=validate.OneOf(LANGUAGES))
    channel = fields.String(load_default="web", validate=validate.OneOf(CHANNELS))
    answers = fields.Dict(keys=fields.String(), required=True)
    context = fields.Dict(keys=fields.String(validate=validate.Length(max=32)),
                          values=fields.String(validate=validate.Length(max=512)),
                          load_default=dict)


class EnvelopeError(ValueError):
    """A record value is not a readable envelope of a known schema."""


def make_envelope(submission: dict[str, Any], *, collector: str, device: str,
                  received_at: datetime | None = None) -> bytes:
    """Serialize one validated submission into the Kafka record value."""
    received = (received_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    body = dict(submission, submission_id=str(submission["submission_id"]))
    return json.dumps({
        "schema": ENVELOPE_SCHEMA,
        "received_at": received.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "collector": collector,
        "device": device,
        "submission": body,
    }, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _EnvelopeSchema(Schema):
    class Meta:
        unknown = EXCLUDE
    schema = fields.String(required=True, validate=validate.Equal(ENVELOPE_SCHEMA))
    received_at = fields.AwareDateTime(required=True, default_timezone=timezone.utc)
    collector = fields.String(load_default="")
    device = fields.String(load_default="unknown")
    submission = fields.Dict(required=True)


def parse_envelope(value: bytes | None) -> dict[str, Any]:
    """Decode a record value; raise :class:`EnvelopeError` with the reason when it is unusable.

    The returned ``submission`` is re-validated with :class:`SubmissionSchema` (defence in depth),
    its ``submission_id`` as a string.
    """
    if value is None:
        raise EnvelopeError("empty record value")
    try:
        raw = json.loads(value)
    except (UnicodeDecodeError, ValueError) as exc:
        raise EnvelopeError(f"not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise EnvelopeError("envelope is not an object")
    try:
        env = _EnvelopeSchema().load(raw)
        env["submission"] = SubmissionSchema(unknown=EXCLUDE).load(env["submission"])
    except ValidationError as exc:
        raise EnvelopeError(f"invalid envelope: {exc.messages}") from None
    env["submission"]["submission_id"] = str(env["submission"]["submission_id"])
    return env
