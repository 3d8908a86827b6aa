"""Codes that name a unit — a service type, an entity, a service — checked before a figure is computed:
a code that names nothing is refused naming its parameter, never answered with empty rows (which read
as "nobody answered") or a refusal for too few answers. The codelists' filters are
:func:`warehouse.console.data.check_codes`'."""
from __future__ import annotations

from sqlalchemy import func

from registry import models, session_scope

from .. import codelists, cube
from ..comparability import QueryError


def known_service_type(con, code: str) -> bool:
    """Whether ``code`` is a service type: one of the taxonomy's codelist, or one with answers (a code
    the taxonomy no longer lists keeps its data). The console's one rule: ``/service-types/<code>`` is a
    404 for any other, the drivers' ``service_type`` a 400 naming it."""
    return code in codelists.codelists()["SERVICE_TYPE"] or con.execute(
        "SELECT 1 FROM rollup WHERE service_type = ? LIMIT 1", [code]).fetchone() is not None


def unknown_service_type(code: str) -> str:
    """The words of a refused service type, naming the page that lists them (translated on Italian pages:
    :mod:`warehouse.console.i18n_refusals`)."""
    return f"No service type {code!r}: the codes are listed at /service-types/."


#: the filters whose codes are the registry's (IPA codes, service keys) rather than a codelist's:
#: filter → (registry model, its code column, the words of a refusal)
REGISTRY_FILTERS = {"entity": ("Entity", "ipa_code", "entity (IPA code)"), "service": ("Service", "key", "service key")}


def check_units(con, factory, filters: dict[str, list[str]]) -> None:
    """Raise :class:`QueryError` naming the filter for an ``entity`` or ``service`` code that is neither in
    the registry (``factory``) nor in the data (``con``'s rollup: a unit with answers stays a valid filter
    however the registry changes) — as :func:`check_codes` does for the codelists' filters, instead of
    empty rows that read as "nobody answered". Codes are matched exactly, as the registry stores them
    (IPA codes are case-sensitive: ``c_h501``); a code that differs only in case is refused naming the
    spelling that exists."""
    for dim, values in filters.items():
        if dim not in REGISTRY_FILTERS:
            continue
        for v in values:
            if not cube.CODE.match(v):  # malformed first, as Cut.validate says it
                raise QueryError(dim, f"Malformed code {v!r}.")
            known = _unit_codes(con, factory, dim, v)
            if v in known:
                continue
            words = REGISTRY_FILTERS[dim][2]
            other = sorted(known)
            hint = (f"codes are case-sensitive: did you mean {other[0]!r}?" if other else
                    f"no {words} {v!r} in the registry or the data.")
            where = ("the entities are listed at /entities/" if dim == "entity" else
                     "an entity's services are listed on its page, /entities/<IPA code>")
            raise QueryError(dim, f"Unknown {dim} {v!r}: {hint} {where[0].upper()}{where[1:]}.")


def _unit_codes(con, factory, dim: str, code: str) -> set[str]:
    """The codes of ``dim`` equal to ``code`` but for case, in the registry or in the rollup."""
    model, column, _words = REGISTRY_FILTERS[dim]
    attr = getattr(getattr(models, model), column)
    with session_scope(factory) as s:
        found = {r[0] for r in s.query(attr).filter(func.lower(attr) == code.lower()).all()}
    if code in found:
        return found
    rows = con.execute(f"SELECT DISTINCT {dim} FROM rollup WHERE lower({dim}) = lower(?)", [code]).fetchall()
    return found | {r[0] for r in rows}
