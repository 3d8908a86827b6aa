"""The submission contract: the body of ``POST /v1/submissions`` and the Kafka envelope.

DESIGN §4–§5. The collector validates posted bodies with :class:`SubmissionSchema`, wraps each
in an envelope (:func:`make_envelope`) and groups concurrent envelopes into one Kafka record
(:func:`encode_record`): a single envelope has schema ``ascolto.submission/1``; several are carried
as ``{"schema": "ascolto.submission-batch/1", "envelopes": [...]}``. The processor splits a record
with :func:`decode_record` and validates each envelope with :func:`parse_envelope`. Unknown fields
are ignored so that producers can add fields without breaking consumers.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from .model import LANGUAGES

ENVELOPE_SCHEMA = "ascolto.submission/1"
BATCH_SCHEMA = "ascolto.submission-batch/1"
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
                  received_at: datetime | None = None) -> dict[str, Any]:
    """The envelope of one validated submission (a JSON-ready dict)."""
    received = (received_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return {
        "schema": ENVELOPE_SCHEMA,
        "received_at": received.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "collector": collector,
        "device": device,
        "submission": dict(submission, submission_id=str(submission["submission_id"])),
    }


def encode_record(envelopes: list[dict[str, Any]]) -> bytes:
    """One Kafka record value carrying ``envelopes`` (one plain envelope, or a batch)."""
    doc = envelopes[0] if len(envelopes) == 1 else {"schema": BATCH_SCHEMA, "envelopes": envelopes}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_record(value: bytes | None) -> list[Any]:
    """The raw envelopes carried by a record value, not yet validated.

    Raises :class:`EnvelopeError` when the value is not JSON or not an envelope or batch.
    """
    if value is None:
        raise EnvelopeError("empty record value")
    try:
        raw = json.loads(value)
    except (UnicodeDecodeError, ValueError) as exc:
        raise EnvelopeError(f"not JSON: {exc}") from None
    if isinstance(raw, dict) and raw.get("schema") == BATCH_SCHEMA:
        if not isinstance(raw.get("envelopes"), list):
            raise EnvelopeError("batch without an 'envelopes' list")
        return raw["envelopes"]
    if not isinstance(raw, dict):
        raise EnvelopeError("envelope is not an object")
    return [raw]


class _EnvelopeSchema(Schema):
    class Meta:
        unknown = EXCLUDE
    schema = fields.String(required=True, validate=validate.Equal(ENVELOPE_SCHEMA))
    received_at = fields.AwareDateTime(required=True, default_timezone=timezone.utc)
    collector = fields.String(load_default="")
    device = fields.String(load_default="unknown")
    submission = fields.Dict(required=True)


def parse_envelope(raw: Any) -> dict[str, Any]:
    """Validate one raw envelope (from :func:`decode_record`); raise :class:`EnvelopeError`.

    The returned ``submission`` is re-validated with :class:`SubmissionSchema` (defence in depth),
    its ``submission_id`` as a string.
    """
    if not isinstance(raw, dict):
        raise EnvelopeError("envelope is not an object")
    try:
        env = _EnvelopeSchema().load(raw)
        env["submission"] = SubmissionSchema(unknown=EXCLUDE).load(env["submission"])
    except ValidationError as exc:
        raise EnvelopeError(f"invalid envelope: {exc.messages}") from None
    env["submission"]["submission_id"] = str(env["submission"]["submission_id"])
    return env
