"""The typed rejection of the processor (the dataset schemas live in :mod:`dataset.schema`)."""
from __future__ import annotations

#: Stable dead-letter reasons (``ascolto.reason`` header, ``failed.reason`` column).
REASONS = ("undecodable", "invalid_envelope", "unknown_service", "unknown_questionnaire", "invalid_answers",
           "harmonization")


class Rejected(ValueError):
    """A record the processor cannot accept; ``reason`` is a stable code for the dead-letter queue."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


def build_row(raw_envelope, partition: int, offset: int, enricher):
    """The ``responses`` row (with ``period`` and ``pa_type``) of one raw envelope; raises :class:`Rejected`.

    Kept for callers of the first version; the processor runs :data:`processor.steps.STEPS`.
    """
    from .steps import Source, Work, run_steps

    work = Work(Source("", partition, offset, None), raw_envelope)
    run_steps(work, enricher)
    return work.row
