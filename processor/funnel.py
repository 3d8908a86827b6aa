"""Funnel envelopes (``ascolto.funnel/1``, :mod:`questionnaires.funnel`) into ``funnel`` rows.

They travel on the submissions topic (a batch record may mix them with submissions); the
processor recognises them by schema before the submission steps and turns each into one row of
the ``funnel`` dataset (:mod:`dataset.funnel`), enriched from the registry like a submission. A
bad one is a typed dead letter like any other (``invalid_envelope``, ``unknown_service``).
"""
from __future__ import annotations

from typing import Any

from questionnaires.funnel import parse_funnel
from questionnaires.periods import day_of, period_of

from .badrows import Reason, Rejected



def funnel_row(raw: Any, lookup, partition: int, offset: int) -> dict:
    """The ``funnel`` row of one envelope; :class:`Rejected` when it is invalid or its service unknown."""
    try:
        received, report = parse_funnel(raw)
    except ValueError as exc:
        raise Rejected(Reason.INVALID_ENVELOPE, str(exc)) from None
    facts = lookup.facts(report["service"])
    if facts is None:
        raise Rejected(Reason.UNKNOWN_SERVICE, report["service"])
    return {"report_id": report["report_id"], "received_at": received, "day": day_of(received),
            "period": period_of(received), "service": facts.key, "entity": facts.entity,
            "pa_type": facts.pa_type, "service_type": facts.service_type, "region": facts.region,
            "channel": getattr(facts, "channel", "web"), "questionnaire": facts.questionnaire_id,
            "version": facts.questionnaire_version, "impressions": report["impressions"],
            "starts": report["starts"], "submissions": report["submissions"], "record_key": None,
            "kafka_partition": partition, "kafka_offset": offset}
