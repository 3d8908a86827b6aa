"""The comparability guard: which indicators may be combined or compared, and why not otherwise.

An indicator combines answers from several instruments only because their harmonization maps them
onto the same canonical indicator (``questionnaires/definitions/*``, DESIGN §6): e.g. ``ease`` is
declared by ``cx-core`` (5-point "how easy") and by ``di-rating-servizio`` (its 1–5 stars), so
both count towards ``ease``. The guard refuses:

- an indicator that is not canonical (module indicators are not in the warehouse yet);
- a cut restricted to an instrument that does not declare the indicator (no rule maps it, so the
  cell would silently be empty or, worse, mean something else);
- a comparison or ranking of units that are not of one service type: services of different types
  have different tasks, users and difficulty, so their gap measures the service, not the
  administration; benchmarks and funnel limits are computed per service type.
"""
from __future__ import annotations

from functools import lru_cache

from questionnaires import default_catalog
from questionnaires.harmonize import CATEGORY_INDICATORS, SCORE_INDICATORS

INDICATORS = SCORE_INDICATORS + CATEGORY_INDICATORS


class QueryError(ValueError):
    """A query parameter is invalid; ``field`` names it (HTTP 400)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class NotComparable(ValueError):
    """The request would combine or compare what the standard does not declare comparable (HTTP 422)."""

    def __init__(self, message: str, fields: dict[str, list[str]]):
        super().__init__(message)
        self.fields = fields


@lru_cache(maxsize=1)
def declared() -> dict[str, tuple[str, ...]]:
    """Indicator → questionnaire ids (any published version) whose harmonization declares it."""
    out: dict[str, set[str]] = {i: set() for i in INDICATORS}
    for q in default_catalog():
        for name in q.harmonization:
            if name in out:
                out[name].add(q.id)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def check_indicator(indicator: str, questionnaires: list[str] | None = None) -> None:
    if indicator not in INDICATORS:
        raise QueryError("indicator", f"Unknown indicator {indicator!r}; one of {', '.join(INDICATORS)}.")
    if questionnaires:
        missing = [q for q in questionnaires if q not in declared()[indicator]]
        if missing:
            raise NotComparable(
                f"{', '.join(missing)} does not measure {indicator!r}: no harmonization rule maps its items onto it, "
                f"so it cannot be combined with the instruments that do ({', '.join(declared()[indicator])}).",
                {"questionnaire": [f"{q} declares no rule for {indicator}" for q in missing]})


def check_comparison(service_types: list[str]) -> None:
    if len(service_types) != 1:
        raise NotComparable(
            "Comparisons and rankings are made only within one service type: services of different types have "
            "different tasks, users and difficulty, so a gap between them measures the service, not the "
            "administration. Give exactly one service_type.",
            {"service_type": ["exactly one service type is required"]})
