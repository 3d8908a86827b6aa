"""The typed bad row (as Snowplow's): why an envelope was refused, where it came from, what to replay.

:class:`Reason` is the closed set of refusal codes — the ``ascolto.reason`` header of the DLQ
topic and the ``reason`` column of ``failed/``; a step refuses an envelope by raising
:class:`Rejected` with one of them, and the commit point turns it into a :class:`Failure`.
A :class:`Reason` is a ``str`` (``StrEnum``): it is written, compared and counted as its value.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class Reason(StrEnum):
    """Stable dead-letter reasons; adding one is a contract change (docs/processor.md)."""
    UNDECODABLE = "undecodable"                      # the record value is not JSON envelopes
    INVALID_ENVELOPE = "invalid_envelope"            # the envelope breaks ascolto.submission/1
    UNKNOWN_SERVICE = "unknown_service"              # the service key is not in the registry
    UNKNOWN_QUESTIONNAIRE = "unknown_questionnaire"  # no such published questionnaire version
    INVALID_ANSWERS = "invalid_answers"              # the answers fail the questionnaire's validation
    HARMONIZATION = "harmonization"                  # a harmonization rule could not be applied
    PROCESSING_ERROR = "processing_error"            # a step failed unexpectedly on it (a bug: replay after the fix)


class Rejected(ValueError):
    """A record the processor cannot accept, with its :class:`Reason` and a human detail."""

    def __init__(self, reason: Reason, detail: str):
        reason = Reason(reason)
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


class Source(NamedTuple):
    """Where an envelope came from: lineage for rows and dead letters (immutable; a tuple, made for every
    envelope: a third of a frozen dataclass's cost)."""
    topic: str
    partition: int
    offset: int
    key: bytes | None = None
    index: int = 0  # position of the envelope in a batch record


@dataclass
class Failure:
    """A dead letter: ``value`` is what gets replayed (the envelope alone, or the whole record)."""
    source: Source
    reason: Reason
    detail: str
    value: bytes | None
