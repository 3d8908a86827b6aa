"""Values derived once per immutable object, cached on the object's identity.

The questionnaire model's objects are frozen dataclasses holding mappings, hence unhashable: a
derived value (a compiled validator, a harmonization plan, the processor's shaping plan) cannot be
an ``lru_cache`` entry keyed on them, and must not be written into them. An :class:`IdentityCache`
keeps ``id(obj) → (weak reference, value)``: a reused id never returns another object's value (the
weak reference must still point to ``obj``), and entries of collected objects are purged when the
cache grows (questionnaires are few and long-lived: the catalog holds them).
"""
from __future__ import annotations

import weakref
from typing import Any, Callable, TypeVar

V = TypeVar("V")


class IdentityCache:
    """``get(obj, build)``: ``build(obj)`` computed once per live object. Thread-safe under the GIL (a
    race may build a value twice; both are equal)."""

    PURGE_AT = 1024

    def __init__(self) -> None:
        self._entries: dict[int, tuple[weakref.ref, Any]] = {}

    def get(self, obj: Any, build: Callable[[Any], V]) -> V:
        hit = self._entries.get(id(obj))
        if hit is not None and hit[0]() is obj:
            return hit[1]
        value = build(obj)
        if len(self._entries) >= self.PURGE_AT:
            self._entries = {k: e for k, e in list(self._entries.items()) if e[0]() is not None}
        self._entries[id(obj)] = (weakref.ref(obj), value)
        return value

    def __len__(self) -> int:
        return len(self._entries)
