"""The kinds of dead letter that are no refused record (stdlib only: the CLI's options read them without pyarrow)."""
from __future__ import annotations

#: The reason of a letter that records offsets lost to the topic's retention (:mod:`processor.gaps`).
RETENTION_GAP = "retention_gap"
#: Reasons of letters a replay cannot re-process (the records are gone): ``ascolto failed replay`` skips them.
NOT_REPLAYABLE = frozenset({RETENTION_GAP})
