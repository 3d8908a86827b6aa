"""Read-through cache of service configuration from the registry."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from registry.models import Service


@dataclass(frozen=True)
class ServiceConfig:
    key: str
    active: bool
    allowed_origins: frozenset[str]
    questionnaire_id: str
    questionnaire_version: int


class ServiceDirectory:
    """Looks services up by key, caching each answer (hits and misses) for ``ttl_s`` seconds."""

    def __init__(self, factory: sessionmaker[Session], ttl_s: float = 30.0):
        self._factory, self._ttl = factory, ttl_s
        self._cache: dict[str, tuple[float, ServiceConfig | None]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> ServiceConfig | None:
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit and now - hit[0] < self._ttl:
            return hit[1]
        with self._factory() as s:
            row = s.get(Service, key)
            cfg = None if row is None else ServiceConfig(
                key=row.key, active=row.active, allowed_origins=frozenset(row.allowed_origins or ()),
                questionnaire_id=row.questionnaire_id, questionnaire_version=row.questionnaire_version)
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = (now, cfg)
        return cfg
