"""The funnel contract (issue 14 §5): anonymous counts of a widget's page view, and their envelope.

The widget reports, per page view where it showed the questionnaire, how many times it showed it
(``impressions``), whether the citizen started answering (``starts``) and whether an answer was
accepted (``submissions``) — counts only: no identifier, no page, no time finer than the
collector's clock. ``POST /v1/funnel`` takes :class:`FunnelReportSchema`; the collector wraps a
report in an ``ascolto.funnel/1`` envelope (:func:`make_funnel_envelope`) that travels on the
submissions topic beside the submissions (a batch record may mix them); the processor recognises
it by its schema (:func:`is_funnel`), checks it with :func:`parse_funnel` and writes a row of the
``funnel`` dataset. ``report_id`` is a random id of the report (never of a person): the record key
of the cell-key method, and what makes a resent report count once.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from .envelope import RECEIVED_MAX, RECEIVED_MIN

FUNNEL_SCHEMA = "ascolto.funnel/1"
#: per count and report: what one page view can report. The widget counts each of the three once per
#: view (0 or 1) and posts what was not reported yet, so a report carries 0 or 1 per count. The three
#: are *not* ordered within a report (submissions ≤ starts ≤ impressions holds per view, not per
#: report): a view reported when the page was hidden ({1, 0, 0}) reports its start and submission
#: later ({0, 1, 1}). Anything above 1 is not the widget: it would skew a service's response and
#: break-off rates, so the collector refuses it, and the processor dead-letters it.
MAX_COUNT = 1
COUNTS = ("impressions", "starts", "submissions")


class FunnelReportSchema(Schema):
    """A posted funnel report."""

    class Meta:
        unknown = RAISE

    report_id = fields.UUID(required=True)
    service = fields.String(required=True, validate=validate.Length(min=1, max=64))
    impressions = fields.Integer(strict=True, load_default=0, validate=validate.Range(min=0, max=MAX_COUNT))
    starts = fields.Integer(strict=True, load_default=0, validate=validate.Range(min=0, max=MAX_COUNT))
    submissions = fields.Integer(strict=True, load_default=0, validate=validate.Range(min=0, max=MAX_COUNT))

    @validates_schema
    def _something(self, data, **kw):
        if not any(data.get(c) for c in COUNTS):
            raise ValidationError("At least one count must be positive.", "impressions")


def make_funnel_envelope(report: dict[str, Any], *, collector: str,
                         received_at: datetime | None = None) -> dict[str, Any]:
    received = (received_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return {"schema": FUNNEL_SCHEMA,
            "received_at": received.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "collector": collector,
            "funnel": {"report_id": str(report["report_id"]), "service": report["service"],
                       **{c: int(report.get(c, 0)) for c in COUNTS}}}


def is_funnel(raw: Any) -> bool:
    return isinstance(raw, dict) and raw.get("schema") == FUNNEL_SCHEMA


def parse_funnel(raw: Any) -> tuple[datetime, dict[str, Any]]:
    """(received_at, report) of a funnel envelope; :class:`ValueError` naming the problem otherwise.
    Unknown fields are ignored (consumers ignore what they do not know)."""
    if not is_funnel(raw):
        raise ValueError("not an ascolto.funnel/1 envelope")
    try:
        received = datetime.fromisoformat(str(raw.get("received_at")).replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("received_at is not an ISO 8601 instant") from None
    if received.tzinfo is None:
        raise ValueError("received_at has no time zone")
    if not RECEIVED_MIN <= received < RECEIVED_MAX:
        raise ValueError(f"received_at is not a collector's time ({RECEIVED_MIN:%Y} to {RECEIVED_MAX:%Y})")
    body = raw.get("funnel")
    if not isinstance(body, dict):
        raise ValueError("funnel is not an object")
    known = {k: body[k] for k in ("report_id", "service", *COUNTS) if k in body}
    try:
        report = FunnelReportSchema().load(known)
    except ValidationError as exc:
        raise ValueError(f"invalid funnel report: {exc.messages}") from None
    report["report_id"] = str(report["report_id"])
    return received, report

