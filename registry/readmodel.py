"""The registry read model: one immutable view per service, behind one TTL cache, for every reader.

The collector (origins, assignment, active flag, test mode and its expiry, names for the form's header) and the processor
(entity, PA type, service type, region for enrichment) both look services up here, so a change
made in the registry — an entity's region, a service's type, an assignment, a deactivation — is
seen by every running collector worker and processor within ``ttl_s`` seconds
(``ASCOLTO_REGISTRY_TTL_S``). Hits and misses are cached alike (an unknown key costs one query per
TTL). Thread-safe; the clock is injectable for tests.

**Stale while error** (the processor's enrichment: ``stale_s``, ``ASCOLTO_REGISTRY_STALE_S``): when the
registry cannot be reached or does not answer (:data:`registry.errors.UNREACHABLE`, its circuit breaker
open among them: :mod:`registry.breaker`), :meth:`ServiceDirectory.get` serves a service it last read at
most ``stale_s`` seconds ago instead of failing, so a registry blip does not stop ingestion. Only views
are served so: a cached *miss* is never (the service may have been registered since, and a miss
dead-letters the records), nor is anything older — those still fail, and the caller backs off. A
refresh of an entry that could be served stale waits at most :data:`STALE_REFRESH_S` for the registry
(:func:`registry.deadline.capped`), not the statement deadline: its failure costs that much, and opens
the breaker like any other. ``on_stale(key)`` is called for each view served stale (a metric).

Back-end tokens (role ``backend``) are looked up here too (:meth:`ServiceDirectory.backend`), cached
by the hash of the secret like kiosk devices, so the collector verifies a back end's post without a
query per request; a revocation reaches every worker within the TTL, an expiry at once.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from .deadline import capped
from .device_models import KioskDevice
from .errors import UNREACHABLE, first_line
from .devices import verify_device
from datetime import datetime


from .models import Service, in_test_mode, utcnow
from .names import localized
from .tokens import matching_token, refusal

DEFAULT_TTL_S = 30.0
#: seconds a refresh of a view that could be served stale waits for the registry
STALE_REFRESH_S = 2.0

log = logging.getLogger("ascolto.registry")


@dataclass(frozen=True)
class ServiceView:
    """What readers know of a service (and its entity) at one moment."""
    key: str
    active: bool
    allowed_origins: frozenset[str]
    questionnaire_id: str
    questionnaire_version: int
    name: str
    entity: str          # IPA code
    entity_name: str
    pa_type: str         # the entity's IPA category
    service_type: str
    region: str          # the entity's NUTS-2 code
    channel: str = "web"  # the channel the service collects on (a device's answers carry the device's)
    sampling_rate: float = 1.0
    #: test mode (every answer a check-up: stored apart, never counted) until this instant; None: off
    test_mode_until: datetime | None = None
    #: the service's and the entity's names in other languages than Italian, as ``(lang, name)`` pairs
    names: tuple[tuple[str, str], ...] = ()
    entity_names: tuple[tuple[str, str], ...] = ()

    @property
    def test_mode(self) -> bool:
        """Test mode on now: computed at each read (:func:`registry.models.in_test_mode`), so a view
        cached for ``ttl_s`` never keeps a service in test mode past its expiry (a switch-off made
        before the expiry is seen within ``ttl_s``, like any change)."""
        # most services are never in test mode: no clock read per request for them
        return self.test_mode_until is not None and self.test_mode_at(utcnow())

    def test_mode_at(self, now: datetime) -> bool:
        """Test mode on at ``now``."""
        return in_test_mode(self.test_mode_until is not None, self.test_mode_until, now)

    @property
    def service(self) -> str:
        """The service key (the processor's rows call it ``service``)."""
        return self.key

    def name_in(self, lang: str) -> tuple[str, str | None]:
        """The service's name in ``lang`` and ``"it"`` when that is the Italian fallback
        (:func:`registry.names.localized`)."""
        return localized(self.name, dict(self.names), lang)

    def entity_name_in(self, lang: str) -> tuple[str, str | None]:
        """The entity's name in ``lang``, as :meth:`name_in`."""
        return localized(self.entity_name, dict(self.entity_names), lang)


def _view(row: Service) -> ServiceView:
    e = row.entity
    return ServiceView(key=row.key, active=row.active, allowed_origins=frozenset(row.allowed_origins or ()),
                       questionnaire_id=row.questionnaire_id, questionnaire_version=row.questionnaire_version,
                       name=row.name, entity=row.entity_ipa, entity_name=e.name, pa_type=e.category,
                       service_type=row.service_type, region=e.region_nuts,
                       channel=row.channel, sampling_rate=row.sampling_rate,
                       test_mode_until=row.test_mode_until if row.test_mode else None,
                       names=tuple(sorted((row.names or {}).items())), entity_names=tuple(sorted((e.names or {}).items())))


@dataclass(frozen=True)
class DeviceView:
    """An active kiosk device: which service it serves and the channel its answers carry."""
    prefix: str
    service_key: str
    channel: str


def _device_view(row: KioskDevice) -> DeviceView:
    return DeviceView(prefix=row.prefix, service_key=row.service_key, channel=row.channel)


@dataclass(frozen=True)
class BackendView:
    """An active ``backend`` token: the entity whose services its back end may post to."""
    prefix: str
    entity: str
    expires_at: datetime | None

    def active(self) -> bool:
        """Not expired now (a cached view must not outlive the token's expiry)."""
        return self.expires_at is None or self.expires_at > utcnow()


class _Answers:
    """A lookup's cached answers, ``(read at, view, …)`` by key, the found (``view`` not None) and the not found
    kept and bounded apart: a flood of unknown keys or tokens fills and clears only the not found, never the
    found — which the collector serves from, and serves stale from while the registry is unreachable."""

    __slots__ = ("found", "missing")

    def __init__(self):
        self.found: dict[str, tuple] = {}
        self.missing: dict[str, tuple] = {}

    def get(self, key: str) -> tuple | None:
        return self.found.get(key) or self.missing.get(key)

    def clear(self) -> None:
        """Forgets every answer (the next lookup of any key asks the registry)."""
        self.found.clear()
        self.missing.clear()

    def put(self, key: str, entry: tuple, limit: int) -> None:
        """Keeps ``entry`` (its ``[1]`` the view, None when not found); a side at ``limit`` entries is cleared first."""
        side, other = (self.found, self.missing) if entry[1] is not None else (self.missing, self.found)
        other.pop(key, None)
        if len(side) >= limit and key not in side:
            side.clear()
        side[key] = entry


class ServiceDirectory:
    """Looks services up by key, caching each answer (hits and misses, bounded apart: :class:`_Answers`) for
    ``ttl_s`` seconds."""

    MAX_ENTRIES = 10_000

    def __init__(self, factory: sessionmaker[Session], ttl_s: float = DEFAULT_TTL_S,
                 clock: Callable[[], float] = time.monotonic, stale_s: float = 0.0,
                 on_stale: Callable[[str], None] | None = None):
        self._factory, self._ttl, self._clock = factory, ttl_s, clock
        self._stale, self._on_stale = stale_s, on_stale
        self._warned = float("-inf")  # when the last "serving stale views" line was logged
        self._cache = _Answers()  # (read at, ServiceView | None)
        self._devices = _Answers()  # (read at, DeviceView | None)
        self._backends = _Answers()  # (read at, BackendView | None, why not)
        self._lock = threading.Lock()

    def get(self, key: str) -> ServiceView | None:
        """The service ``key`` as of at most ``ttl_s`` seconds ago; None when it does not exist. While
        the registry is unavailable, as of at most ``stale_s`` seconds ago (see the module docstring)."""
        now = self._clock()
        hit = self._cache.found.get(key) or self._cache.missing.get(key)  # (the request path: no call)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        if "\x00" in key:  # no key holds a NUL, and PostgreSQL cannot even be asked (psycopg2 refuses it)
            return None
        servable = hit is not None and hit[1] is not None and now - hit[0] < self._stale
        try:
            with capped(STALE_REFRESH_S) if servable else nullcontext(), self._factory() as s:
                row = s.get(Service, key)
                view = None if row is None else _view(row)
        except UNREACHABLE as exc:
            if not servable:
                raise
            return self._served_stale(key, hit, now, exc)
        with self._lock:
            self._cache.put(key, (now, view), self.MAX_ENTRIES)
        return view

    def _served_stale(self, key: str, hit: tuple[float, ServiceView | None], now: float, exc: BaseException):
        if now - self._warned >= 60:
            self._warned = now
            log.warning("registry unavailable (%s): serving services as read up to %.0fs ago", first_line(exc), self._stale)
        if self._on_stale is not None:
            self._on_stale(key)
        return hit[1]

    def device(self, token: str) -> DeviceView | None:
        """The active kiosk device whose token is ``token`` (None: unknown, malformed or revoked), as
        of at most ``ttl_s`` seconds ago — a revocation reaches every collector within the TTL."""
        if not isinstance(token, str) or len(token) > 100:
            return None
        now = self._clock()
        ck = "device:" + hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
        hit = self._devices.get(ck)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        with self._factory() as s:
            row = verify_device(s, token)
            view = None if row is None else _device_view(row)
        with self._lock:
            self._devices.put(ck, (now, view), self.MAX_ENTRIES)
        return view

    def backend(self, secret: str) -> BackendView | None:
        """The active ``backend`` token whose secret is ``secret`` (None: malformed, unknown, revoked,
        expired or of another role), as of at most ``ttl_s`` seconds ago for a revocation; an expiry
        counts at once. Hits and misses are cached by the SHA-256 of the secret (never the secret),
        with the words of a miss (:meth:`backend_refusal`): one query for both."""
        if not isinstance(secret, str) or len(secret) > 100:
            return None
        now = self._clock()
        ck = hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()
        hit = self._backends.get(ck)
        if hit is None or now - hit[0] >= self._ttl:
            hit = self._read_backend(ck, secret, now)
        view = hit[1]
        return view if view is not None and view.active() else None

    def _read_backend(self, ck: str, secret: str, now: float) -> tuple[float, BackendView | None, str | None]:
        with self._factory() as s:
            row = matching_token(s, secret)
            usable = row is not None and row.active and row.role == "backend" and bool(row.entity_ipa)
            view = BackendView(row.prefix, row.entity_ipa, row.expires_at) if usable else None
            why = None if usable else refusal(secret, row, "backend")
        with self._lock:
            self._backends.put(ck, hit := (now, view, why), self.MAX_ENTRIES)
        return hit

    def backend_refusal(self, secret: str) -> str:
        """Why :meth:`backend` refused ``secret``, for its sender (:func:`registry.tokens.refusal`): read
        from the entry :meth:`backend` cached (no second query), whatever its age."""
        if not isinstance(secret, str) or len(secret) > 100:
            return refusal(None, None, "backend")
        ck = hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()
        hit = self._backends.get(ck) or self._read_backend(ck, secret, self._clock())
        view, why = hit[1], hit[2]
        if view is not None and not view.active():  # expired since it was read
            return (f"Expired on {view.expires_at:%Y-%m-%d %H:%M} UTC: ask the national operators for a new one "
                    f"(ascolto registry token create --role backend --entity {view.entity}).")
        return why or refusal(secret, None, "backend")

    #: the processor's enrichment lookup (:class:`processor.steps.ServiceLookup`) is the same read
    facts = get

