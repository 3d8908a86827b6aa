"""Build the canonical ``responses`` row of one submission (DESIGN §6)."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa

from questionnaires import AnswersInvalid, UnknownQuestionnaire, default_catalog
from questionnaires.envelope import EnvelopeError, parse_envelope
from questionnaires.harmonize import CATEGORY_INDICATORS, SCORE_INDICATORS, HarmonizationError, canonical_indicators

from .enrich import Enricher
from .redact import redact

ROME = ZoneInfo("Europe/Rome")

_score_fields = []
for _name in SCORE_INDICATORS:
    _score_fields += [pa.field(_name, pa.float64()), pa.field(f"{_name}_raw", pa.string()),
                      pa.field(f"{_name}_scale", pa.string())]

#: Columns of a ``responses`` file; ``period`` and ``pa_type`` are hive partition directories.
RESPONSES_SCHEMA = pa.schema([
    pa.field("submission_id", pa.string(), nullable=False),
    pa.field("received_at", pa.timestamp("ms", tz="UTC")),
    pa.field("service", pa.string()),
    pa.field("entity", pa.string()),
    pa.field("service_type", pa.string()),
    pa.field("region", pa.string()),
    pa.field("channel", pa.string()),
    pa.field("device", pa.string()),
    pa.field("lang", pa.string()),
    pa.field("questionnaire", pa.string()),
    pa.field("version", pa.int32()),
    *_score_fields,
    *[pa.field(n, pa.list_(pa.string())) for n in CATEGORY_INDICATORS],
    pa.field("comment", pa.string()),
    pa.field("answers", pa.map_(pa.string(), pa.string())),
    pa.field("page", pa.string()),
    pa.field("kafka_partition", pa.int32()),
    pa.field("kafka_offset", pa.int64()),
])


class Rejected(ValueError):
    """A record the processor cannot accept; ``reason`` is a stable code for the dead-letter queue."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


def build_row(raw_envelope: Any, partition: int, offset: int, enricher: Enricher) -> dict[str, Any]:
    """Return the canonical row (with ``period`` and ``pa_type``) of one raw envelope.

    Raises :class:`Rejected` with a stable reason when the envelope cannot become a row.
    """
    try:
        env = parse_envelope(raw_envelope)
    except EnvelopeError as exc:
        raise Rejected("invalid_envelope", str(exc)) from None
    sub = env["submission"]
    facts = enricher.facts(sub["service"])
    if facts is None:
        raise Rejected("unknown_service", sub["service"])
    try:
        q = default_catalog().get(sub["questionnaire"], sub["version"])
        answers = q.validate(sub["answers"])
        indicators = canonical_indicators(q, answers)
    except UnknownQuestionnaire as exc:
        raise Rejected("unknown_questionnaire", str(exc)) from None
    except AnswersInvalid as exc:
        raise Rejected("invalid_answers", str(exc)) from None
    except HarmonizationError as exc:
        raise Rejected("harmonization", str(exc)) from None
    comment = None
    for item in q.items:
        if item.type == "text" and isinstance(answers.get(item.code), str):
            answers[item.code], _ = redact(answers[item.code])
            if item.code == "comment":
                comment = answers[item.code]
    received: datetime = env["received_at"]
    page = (sub.get("context") or {}).get("page")
    return {
        "period": received.astimezone(ROME).strftime("%Y-%m"),
        "pa_type": facts.pa_type,
        "submission_id": sub["submission_id"],
        "received_at": received,
        "service": facts.service, "entity": facts.entity, "service_type": facts.service_type,
        "region": facts.region, "channel": sub["channel"], "device": env["device"], "lang": sub["lang"],
        "questionnaire": q.id, "version": q.version,
        **indicators,
        "comment": comment,
        "answers": [(k, json.dumps(v, ensure_ascii=False)) for k, v in sorted(answers.items())],
        "page": page.split("?", 1)[0].split("#", 1)[0] if page else None,
        "kafka_partition": partition, "kafka_offset": offset,
    }
