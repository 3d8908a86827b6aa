"""The comparability guard: which indicators may be combined or compared, and why not otherwise.

An indicator combines answers from several instruments only because their harmonization maps them
onto the same canonical indicator (``questionnaires/definitions/*``, DESIGN §6): e.g. ``ease`` is
declared by ``cx-core`` (5-point "how easy") and by ``di-rating-servizio`` (its 1–5 stars), so
both count towards ``ease``. The guard refuses:

- an indicator that is neither canonical nor a module indicator (``mod-x:name``) of a shipped module;
- a cut restricted to an instrument that does not declare the indicator (no rule maps it, so the
  cell would silently be empty or, worse, mean something else);
- a comparison or ranking of units that are not of one service type: services of different types
  have different tasks, users and difficulty, so their gap measures the service, not the
  administration; benchmarks and funnel limits are computed per service type.

:func:`guard` is the guard over the *measures* in a requested pool (instrument, scale, wording,
series of each questionnaire version feeding the indicator; ``questionnaires.scales``): a mean —
in a table, a funnel or a ranking — needs one scale, one instrument, one wording and one series;
the positive share may pool them all (it is the comparable headline), except a measure that is not
a headline measure of the indicator; shares per category need one response format and one set of
categories; task shares need the yes / partly / no scale. Every refusal is a
:class:`NotComparable` with a stable ``reason`` code (:data:`REASONS`), a message and the fields.
"""
from __future__ import annotations

from functools import lru_cache

from typing import Iterable

from questionnaires import default_catalog
from questionnaires.harmonize import CATEGORY_INDICATORS, SCORE_INDICATORS
from questionnaires.scales import Measure

INDICATORS = SCORE_INDICATORS + CATEGORY_INDICATORS


def module_indicators() -> tuple[str, ...]:
    """The module indicators (``mod-x:name``) the warehouse serves: score items of shipped modules."""
    from .rollup import MODULE_INDICATORS

    return MODULE_INDICATORS


def all_indicators() -> tuple[str, ...]:
    return INDICATORS + module_indicators()


class QueryError(ValueError):
    """A query parameter is invalid; ``field`` names it (HTTP 400)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class NotComparable(ValueError):
    """The request would combine or compare what the standard does not declare comparable (HTTP 422).

    ``reason`` is a stable code (:data:`REASONS`; ``not_comparable`` for the older checks)."""

    def __init__(self, message: str, fields: dict[str, list[str]], reason: str = "not_comparable"):
        super().__init__(message)
        self.fields = fields
        self.reason = reason


@lru_cache(maxsize=1)
def declared() -> dict[str, tuple[str, ...]]:
    """Indicator → questionnaire ids (any published version) whose harmonization declares it."""
    out: dict[str, set[str]] = {i: set() for i in all_indicators()}
    for q in default_catalog():
        for name in q.harmonization:
            if name in out:
                out[name].add(q.id)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def instruments_of(indicator: str) -> tuple[str, ...]:
    """The questionnaires behind ``indicator``: those declaring it (:func:`declared`); for the count of
    responses (``responses``, which every answer has whatever its instrument) every questionnaire."""
    from .rollup import RESPONSES

    if indicator == RESPONSES:
        return tuple(sorted({q.id for q in default_catalog()}))
    return declared()[indicator]


def check_indicator(indicator: str, questionnaires: list[str] | None = None) -> None:
    if indicator not in all_indicators():
        raise QueryError("indicator", f"Unknown indicator {indicator!r}; one of {', '.join(all_indicators())}.")
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


STATISTICS = ("mean", "positive_share", "task_shares", "category_shares")
USES = ("table", "funnel", "ranking")
#: Reason codes of :func:`guard` → what the refused pool would combine.
REASONS = {
    "mixed_indicators": "different indicators",
    "mixed_scales": "different response scales",
    "mixed_instruments": "different instruments",
    "mixed_wordings": "differently worded items",
    "break_in_series": "answers from both sides of a declared break in series",
    "not_headline": "a measure that is not a headline measure of the indicator",
    "not_a_score": "a categorical item (the statistic needs a scored one)",
    "not_categorical": "a scored item (the statistic needs a categorical one)",
    "not_task": "a scale other than yes / partly / no",
    "mixed_response_formats": "single-choice and multiple-choice items",
    "mixed_option_sets": "items offering different categories",
    "shares_only": "yes / partly / no answers (published as three shares, not as a mean)",
    "scores_off_grid": "scores between the answer categories the rollup counts (0, 25, 50, 75, 100)",
}
#: The 0–100 points the rollup counts answers at (:data:`warehouse.rollup.SCORE_POINTS`): a mean is computed
#: from these category counts, so it is exact only for a scale whose every score is one of them.
GRID = (0.0, 25.0, 50.0, 75.0, 100.0)
_LABELS = {"mean": "A mean", "positive_share": "A positive share", "task_shares": "Task shares",
           "category_shares": "Shares per category"}


def _values(pool: list[Measure], attr: str) -> list[str]:
    return sorted({str(getattr(m, attr)) for m in pool})


def _by(pool: list[Measure], attr: str) -> list[str]:
    """``value: questionnaire@version, …`` per distinct value of ``attr``."""
    out: dict[str, list[str]] = {}
    for m in pool:
        out.setdefault(str(getattr(m, attr)), []).append(f"{m.questionnaire}@{m.version}")
    return [f"{v}: {', '.join(sorted(set(qs)))}" for v, qs in sorted(out.items())]


def guard(statistic: str, pool: Iterable[Measure], use: str = "table") -> None:
    """Refuse ``statistic`` (:data:`STATISTICS`) over ``pool`` for ``use`` (:data:`USES`) when it
    would combine what is not comparable; raise :class:`NotComparable` (reason, message, fields).

    ``pool`` is the measures behind the requested cells (``questionnaires.scales.lookup()`` of the
    (questionnaire, version) pairs in the data, for the indicator). An empty pool passes.
    """
    if statistic not in STATISTICS:
        raise QueryError("statistic", f"statistic must be one of {', '.join(STATISTICS)}.")
    if use not in USES:
        raise QueryError("use", f"use must be one of {', '.join(USES)}.")
    pool = list(pool)
    if not pool:
        return
    what = {"table": "", "funnel": " in a funnel plot", "ranking": " in a ranking"}[use]
    indicators = _values(pool, "indicator")
    if len(indicators) > 1:
        raise NotComparable(f"One indicator at a time: the pool holds {', '.join(indicators)}.",
                            {"indicator": indicators}, "mixed_indicators")
    name = indicators[0]

    def refuse(attr: str, reason: str, why: str) -> None:
        if len(_values(pool, attr)) > 1:
            raise NotComparable(f"{_LABELS[statistic]} of {name!r}{what} cannot pool {REASONS[reason]} "
                                f"({'; '.join(_by(pool, attr))}): {why}",
                                {attr: _by(pool, attr)}, reason)

    kinds = _values(pool, "kind")
    if statistic == "category_shares":
        if kinds != ["categories"]:
            raise NotComparable(f"{name!r} is not categorical: shares per category need a choice item.",
                                {"indicator": [name]}, "not_categorical")
        refuse("scale", "mixed_response_formats",
               "with one choice a respondent picks one reason, with several every reason's share rises; "
               "restrict to one scale (single or multi).")
        refuse("categories", "mixed_option_sets",
               "a category that one instrument does not offer would count as never chosen there; "
               "restrict to one instrument.")
        return
    if kinds != ["score"]:
        raise NotComparable(f"{name!r} is categorical: use its shares per category.", {"indicator": [name]},
                            "not_a_score")
    if statistic == "positive_share":
        if len(_values(pool, "instrument")) > 1:
            off = [m for m in pool if not m.headline]
            if off:
                raise NotComparable(
                    f"The positive share of {name!r} pools instruments only among its headline measures: "
                    f"{off[0].instrument} {off[0].note}. Restrict to instrument={off[0].instrument} or leave it out.",
                    {"instrument": sorted({f"{m.instrument}: {m.note}" for m in off})}, "not_headline")
        return
    if statistic == "task_shares":
        if _values(pool, "scale") != ["ynp3"]:
            raise NotComparable(f"Task shares need the yes / partly / no scale; the pool has "
                                f"{'; '.join(_by(pool, 'scale'))}.", {"scale": _by(pool, "scale")}, "not_task")
        refuse("series", "break_in_series", "the item changed at the break; compare the series separately.")
        return
    # a mean (table, funnel or ranking)
    hint = " Use the positive share, which is comparable across them, or restrict the request to one."
    refuse("scale", "mixed_scales",
           "a mean on 0–100 depends on how many points a scale has and where its labels sit "
           "(80/20 opinions give 90 on three faces and 70 on five points)." + hint)
    refuse("instrument", "mixed_instruments",
           "different instruments ask different questions in different settings." + hint)
    refuse("wording", "mixed_wordings", "a reworded question is a different question." + hint)
    refuse("series", "break_in_series",
           "the item changed at a declared break (see questionnaires check); compare the series separately.")
    off_grid = [m for m in pool if any(s is not None and float(s) not in GRID for s in m.scores.values())]
    if off_grid:  # 0–10 or 1–4: the rollup would count 10 as 0 and 33.3 as 25, a biased mean published as exact
        raise NotComparable(
            f"{_LABELS[statistic]} of {name!r}{what} cannot be computed for {REASONS['scores_off_grid']} "
            f"({'; '.join(_by(off_grid, 'scale'))}): the mean would be that of the nearest categories, not of the "
            "answers. Use the positive share, which is counted on the item's own scale.",
            {"scale": _by(off_grid, "scale")}, "scores_off_grid")


def pool(indicator: str, questionnaires: Iterable[tuple[str, int]] | None = None,
         headline_only: bool = False) -> list[Measure]:
    """The measures of ``indicator`` for the given (questionnaire, version) pairs (default: every
    published version), optionally only the headline ones (the default national pool of a share)."""
    table = _lookup()
    keys = questionnaires if questionnaires is not None else [(q, v) for q, v, _ in table]
    out = [table[(q, v, indicator)] for q, v in sorted(set(keys)) if (q, v, indicator) in table]
    return [m for m in out if m.headline] if headline_only else out


@lru_cache(maxsize=1)
def _lookup():
    from questionnaires.scales import lookup

    return lookup()


def pool_of(indicator: str, listing: str) -> list[Measure]:
    """The measures behind a cell from its ``pool`` column (``questionnaire@version`` joined by commas,
    as :func:`warehouse.cube.aggregate` lists them); unknown versions are left out."""
    pairs = []
    for part in (listing or "").split(","):
        q, _, v = part.partition("@")
        if q and v.isdigit():
            pairs.append((q, int(v)))
    return pool(indicator, pairs)


def refusal(statistic: str, indicator: str, listing: str, use: str = "table") -> str:
    """The guard's reason code for refusing ``statistic`` (:data:`STATISTICS`) over a cell's pool
    ``listing`` ("" when comparable): what the published cube withholds a cell's figure by."""
    try:
        guard(statistic, pool_of(indicator, listing), use)
    except NotComparable as exc:
        return exc.reason
    return ""
