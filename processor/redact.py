"""Remove personal data from free text before anything is written (privacy by design).

The redactor itself lives in the bottom-layer package :mod:`privacy` (the collector needs it for
its spool and must not import the processor); this module is the processor's name for it. The
categories, placeholders and known limits are in docs/processor.md (Redaction).

- :func:`redact` ``(text) -> (text, Counter)`` — every text answer and the page path;
- :func:`redact_record` ``(bytes) -> (bytes, Counter)`` — a whole record kept after a failure
  (``failed/``, the DLQ): parsed, every string redacted, re-serialised;
- :data:`PLACEHOLDERS` — the kinds, for the metrics' labels.
"""
from __future__ import annotations

from privacy import PLACEHOLDERS, redact, redact_record

__all__ = ["PLACEHOLDERS", "redact", "redact_record"]
