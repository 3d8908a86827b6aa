"""The dedup state: which ``submission_id``s a Kafka partition has already written.

A submission's retries carry the same service key, hence land in the same Kafka partition (as
long as the topic's partition count is unchanged), so the state is kept per partition and loaded
lazily, from the ``responses`` dataset, the first time a partition assigned to this process
delivers a record — never for partitions another group member owns.

Memory: ids are kept as 16-byte UUIDs in one sorted ``bytes`` blob (binary search via
:mod:`bisect` over a zero-copy view) plus a small set of recent ids merged into the blob when it
grows; 1,000,000 ids cost 16 MB in the blob (a Python ``set`` of the same ids as strings costs
about 130 MB). Measured figures are in ``docs/processor.md`` (``python -m bench.processor --index``).
Ids that are not UUIDs (the contract requires UUIDs; defence in depth) are kept as strings in a set.
"""
from __future__ import annotations

import bisect
import uuid
from typing import Iterable


def _key(sid: str) -> bytes | str:
    if isinstance(sid, str) and len(sid) == 36:
        try:
            return bytes.fromhex(sid.replace("-", "")) if sid.count("-") == 4 else uuid.UUID(sid).bytes
        except ValueError:
            return sid
    try:
        return uuid.UUID(sid).bytes
    except (ValueError, AttributeError, TypeError):
        return sid


class _Blob:
    """A read-only sequence view of a sorted blob of 16-byte keys, for :func:`bisect.bisect_left`."""

    __slots__ = ("blob",)

    def __init__(self, blob: bytes):
        self.blob = blob

    def __len__(self) -> int:
        return len(self.blob) // 16

    def __getitem__(self, i: int) -> bytes:
        return self.blob[i * 16:(i + 1) * 16]


class IdIndex:
    """A set of submission ids with compact storage; ``in``, :meth:`add`, :meth:`update`."""

    MERGE_AT = 65_536

    def __init__(self, ids: Iterable[str] = ()):
        self._blob = b""
        self._recent: set[bytes] = set()
        self._other: set[str] = set()
        keys = set()
        for sid in ids:
            k = _key(sid)
            (self._other if isinstance(k, str) else keys).add(k)
        self._blob = b"".join(sorted(keys))

    def __len__(self) -> int:
        return len(self._blob) // 16 + len(self._recent) + len(self._other)

    def __contains__(self, sid: str) -> bool:
        k = _key(sid)
        if isinstance(k, str):
            return k in self._other
        if k in self._recent:
            return True
        view = _Blob(self._blob)
        i = bisect.bisect_left(view, k)
        return i < len(view) and view[i] == k

    def add(self, sid: str) -> None:
        k = _key(sid)
        if isinstance(k, str):
            self._other.add(k)
            return
        self._recent.add(k)
        if len(self._recent) >= max(self.MERGE_AT, len(self._blob) // 64):  # amortized: N/4 adds per merge
            self._merge()

    def update(self, ids: Iterable[str]) -> None:
        for sid in ids:
            self.add(sid)

    def _merge(self) -> None:
        if not self._recent:
            return
        view = _Blob(self._blob)
        merged = sorted({*(view[i] for i in range(len(view))), *self._recent})
        self._blob = b"".join(merged)
        self._recent = set()

    @property
    def nbytes(self) -> int:
        """Approximate memory held (the blob plus the per-object cost of the recent set)."""
        return len(self._blob) + 90 * (len(self._recent) + len(self._other))
