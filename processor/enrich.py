"""Registry enrichment: a service key → its entity, PA type, service type and region."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from registry.models import Service


@dataclass(frozen=True)
class ServiceFacts:
    service: str
    entity: str
    pa_type: str
    service_type: str
    region: str


class Enricher:
    """Looks up and caches facts per service key; ``None`` for an unknown service."""

    def __init__(self, factory: sessionmaker[Session]):
        self._factory = factory
        self._cache: dict[str, ServiceFacts] = {}

    def facts(self, key: str) -> ServiceFacts | None:
        if key in self._cache:
            return self._cache[key]
        with self._factory() as s:
            row = s.get(Service, key)
            if row is None:
                return None
            facts = ServiceFacts(service=row.key, entity=row.entity_ipa, pa_type=row.entity.category,
                                 service_type=row.service_type, region=row.entity.region_nuts)
        self._cache[key] = facts
        return facts
