"""Checks of the registry's values against the standard: each returns the clean value or raises
:class:`registry.errors.InvalidValue` / :class:`registry.errors.NotAllowed` naming the field and the problem.

No database access: :mod:`registry.ops` applies them before it writes.
"""
from __future__ import annotations

import re
import secrets
from typing import Any, Iterable
from urllib.parse import urlsplit

from questionnaires import Catalog, UnknownQuestionnaire, default_catalog
from questionnaires.envelope import CHANNELS
from questionnaires.taxonomy import (ServiceType, UnknownCode, pa_categories, service_type as lookup_service_type,
                                     service_types)

from . import geo
from .errors import InvalidValue, NotAllowed, NotFound

IPA_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")
CATEGORY = re.compile(r"^[A-Z]{1,4}[0-9]{0,3}$")
SERVICE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{2,63}\Z")  # \Z: "key\n" is no key
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: a host name as browsers send it in ``Origin``: ASCII labels (an international name in its ``xn--`` form)
_BARE_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?/?\Z")  # "www.comune.roma.it" typed without its scheme
_HOST = re.compile(r"[a-z0-9_\-]+(\.[a-z0-9_\-]+)*\.?\Z")  # a final dot: an FQDN, as a page may be addressed
#: allowed origins per service: the hosted form lists them all in its ``frame-ancestors`` header, which
#: must stay well inside a proxy's header buffer (nginx: 4 KB by default)
MAX_ORIGINS = 20


# ---------------------------------------------------------------------------------------------
# Validation of single values (also used by the IPA import)

def check_ipa_code(value: Any, field: str = "ipa_code") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(field, "is required")
    value = value.strip()
    if not IPA_CODE.match(value):
        raise InvalidValue(field, f"{value!r} is not an IPA code (letters, digits, _ . -; at most 32)")
    return value


def check_name(value: Any, field: str = "name", max_length: int = 300) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(field, "is required")
    value = " ".join(value.split())
    if _CONTROL.search(value):
        raise InvalidValue(field, "contains control characters")
    if len(value) > max_length:
        raise InvalidValue(field, f"is {len(value)} characters long, at most {max_length} allowed")
    return value


def check_category(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue("category", "is required")
    value = value.strip().upper()
    if not CATEGORY.match(value):
        raise InvalidValue("category", f"{value!r} is not an IPA category code (e.g. L6, C16)")
    return value


def check_standard_category(value: Any) -> str:
    """:func:`check_category`, and a PA type of the questionnaire standard
    (``questionnaires/taxonomy/pa_categories.json``): what an entity added or re-categorised by hand must
    be — no service type applies to another. The IPA import keeps every category of the index
    (:func:`check_category` only): the registry mirrors it, entities outside the standard just get no service."""
    value = check_category(value)
    if value not in pa_categories():
        raise InvalidValue("category", f"{value!r} is not a PA type of the questionnaire standard "
                                       f"(valid: {', '.join(pa_categories())})")
    return value


def place(comune_istat: str | None = None, region_istat: str | None = None,
          region_nuts: str | None = None) -> geo.Place:
    """Where an entity is: from its comune when given (and the region then must agree), else
    from its region."""
    if comune_istat not in (None, ""):
        try:
            p = geo.from_comune(str(comune_istat))
        except geo.UnknownTerritory as exc:
            raise InvalidValue("comune_istat", str(exc)) from None
        if region_istat not in (None, "") and region_istat != p.region_istat:
            raise InvalidValue("region_istat", f"{region_istat!r} disagrees with comune {p.comune_istat!r} "
                                               f"(region {p.region_istat!r})")
        if region_nuts not in (None, "") and region_nuts != p.region_nuts:
            raise InvalidValue("region_nuts", f"{region_nuts!r} disagrees with comune {p.comune_istat!r} "
                                              f"(NUTS-2 {p.region_nuts!r})")
        return p
    if region_istat in (None, ""):
        raise InvalidValue("comune_istat", "a comune or a region Istat code is required")
    try:
        return geo.from_region(str(region_istat), region_nuts or None)
    except geo.UnknownTerritory as exc:
        field = "region_nuts" if "NUTS" in str(exc) else "region_istat"
        raise InvalidValue(field, str(exc)) from None


def check_service_key(value: Any) -> str:
    if not isinstance(value, str) or not SERVICE_KEY.match(value):
        raise InvalidValue("key", f"{value!r} is not a service key (3–64 letters, digits, _ or -)")
    return value


def new_service_key() -> str:
    """A fresh, unguessable public key (keys are public, but need not be enumerable)."""
    return "s-" + secrets.token_hex(8)


def check_channel(value: Any) -> str:
    if value not in CHANNELS:
        raise InvalidValue("channel", f"{value!r} is not one of {', '.join(CHANNELS)}")
    return value


def normalize_origin(value: Any) -> str:
    """``scheme://host[:port]`` as a browser sends it in ``Origin`` (lower case, no default port)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue("allowed_origins", "an origin must be a non-empty string")
    raw = value.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise InvalidValue("allowed_origins", f"{raw!r} is not a URL origin") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        meant = _meant(f"https://{raw}") if not parts.scheme and _BARE_HOST.match(raw) else None
        raise InvalidValue("allowed_origins", f"{raw!r} must be http(s)://host[:port]"
                                              + (f": did you mean {meant}?" if meant else ""))
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        meant = None if parts.username or parts.password else _meant(f"{scheme}://{parts.netloc}")
        raise InvalidValue("allowed_origins", f"{raw!r} is an origin only: no path, query, fragment or user"
                                              + (f": its origin is {meant}" if meant else ""))
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    else:
        host = _check_host(raw, scheme, host, port)
    return f"{scheme}://{host}" + ("" if port in (None, _DEFAULT_PORTS[scheme]) else f":{port}")


def _meant(candidate: str) -> str | None:
    """``candidate`` normalized when it is a valid origin (the one a refusal suggests), else None."""
    try:
        return normalize_origin(candidate)
    except InvalidValue:
        return None


def _check_host(raw: str, scheme: str, host: str, port: int | None) -> str:
    """``host`` (lower case, not an IPv6 literal) if a browser can send it in ``Origin``, else the
    refusal: an international name is asked for in the ``xn--`` form browsers send."""
    if not host.isascii():
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            ascii_host = None
        if ascii_host and _HOST.match(ascii_host):
            suffix = "" if port in (None, _DEFAULT_PORTS[scheme]) else f":{port}"
            raise InvalidValue("allowed_origins", f"{raw!r}: write the host as browsers send it, "
                                                  f"{scheme}://{ascii_host}{suffix}")
    if not _HOST.match(host):
        raise InvalidValue("allowed_origins", f"{raw!r}: {host!r} is not a host name (letters, digits, - and . only)")
    if any(len(label) > 63 for label in host.split(".")):
        raise InvalidValue("allowed_origins", f"{raw!r}: a part of the host name is longer than 63")
    if len(host) > 253:
        raise InvalidValue("allowed_origins", f"{raw!r}: the host name is longer than 253")
    return host


def check_origins(values: Iterable[str] | None, limit: int = MAX_ORIGINS) -> list[str]:
    """The origins normalized (:func:`normalize_origin`), without repeats; at most ``limit``
    (:data:`MAX_ORIGINS`; :func:`registry.ops.update_service` lets a service that holds more shrink)."""
    if values is None:
        return []
    if isinstance(values, str):
        raise InvalidValue("allowed_origins", "must be a list of origins, not a string")
    out: list[str] = []
    for v in values:
        o = normalize_origin(v)
        if o not in out:
            out.append(o)
    if len(out) > max(limit, MAX_ORIGINS):
        raise InvalidValue("allowed_origins", f"at most {MAX_ORIGINS} origins")
    return out


def check_sampling_rate(value: Any) -> float:
    try:
        rate = float(value)
    except (TypeError, ValueError):
        raise InvalidValue("sampling_rate", f"{value!r} is not a number") from None
    if not 0.0 < rate <= 1.0:
        raise InvalidValue("sampling_rate", f"{rate} is outside (0, 1]")
    return rate


def check_service_type(code: Any) -> ServiceType:
    try:
        return lookup_service_type(code)
    except UnknownCode as exc:
        raise InvalidValue("service_type", f"{code!r} is not in the service-type taxonomy "
                                           f"(valid: {', '.join(exc.valid)})") from None


def check_type_fits_category(stype: ServiceType, category: str, entity: str) -> None:
    if category not in stype.pa_categories:
        fitting = [t.code for t in service_types().values() if category in t.pa_categories]
        raise NotAllowed("service_type", f"{stype.code!r} applies to PA categories "
                                         f"{', '.join(stype.pa_categories)}, not to {entity!r} ({category}); "
                                         f"types for {category}: {', '.join(fitting) or 'none'}")


def latest_version(qid: str, catalog: Catalog | None = None) -> int | None:
    """The newest published version of questionnaire ``qid``, or ``None``."""
    versions = [q.version for q in (catalog or default_catalog()) if q.id == qid]
    return max(versions) if versions else None


def check_questionnaire(stype: ServiceType, qid: Any, version: Any = None,
                        catalog: Catalog | None = None) -> tuple[str, int]:
    """``(qid, version)`` if the service type allows ``qid`` and ``version`` (default: the newest)
    is published; raises :class:`NotAllowed` or :class:`NotFound` otherwise."""
    if not isinstance(qid, str) or not qid:
        raise InvalidValue("questionnaire_id", "is required")
    if qid not in stype.questionnaires:
        raise NotAllowed("questionnaire_id", f"service type {stype.code!r} does not allow {qid!r} "
                                             f"(allowed: {', '.join(stype.questionnaires) or 'none'})")
    if version is None:
        version = latest_version(qid, catalog)
        if version is None:
            raise NotFound("questionnaire_id", f"no version of {qid!r} is published")
    if isinstance(version, bool) or not isinstance(version, int):
        try:
            version = int(str(version))
        except ValueError:
            raise InvalidValue("questionnaire_version", f"{version!r} is not a version number") from None
    try:
        (catalog or default_catalog()).get(qid, version)
    except UnknownQuestionnaire:
        raise NotFound("questionnaire_version", f"{qid!r} version {version} is not published") from None
    return qid, version


def check_channel_fits(qid: str, version: int, channel: str, catalog: Catalog | None = None) -> None:
    """A questionnaire that declares its channels (``faccia``: front_office, kiosk, phone; the
    Designers Italia components: web) may only be assigned to a service of one of them (issue 14);
    :class:`NotAllowed` on ``channel`` otherwise."""
    declared = (catalog or default_catalog()).get(qid, version).channels
    if declared and channel not in declared:
        raise NotAllowed("channel", f"{qid!r} is for the channels {', '.join(declared)}, not {channel!r}")


def default_questionnaire(stype: ServiceType, catalog: Catalog | None = None) -> tuple[str, int]:
    """The first questionnaire the service type allows, at its newest published version."""
    for qid in stype.questionnaires:
        v = latest_version(qid, catalog)
        if v is not None:
            return qid, v
    raise NotFound("questionnaire_id", f"no questionnaire allowed for {stype.code!r} is published")
