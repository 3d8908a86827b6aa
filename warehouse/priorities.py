"""The importance × performance matrix ("priorità di intervento") and its plain-language reading.

Contract
--------
:func:`matrix` takes a :class:`warehouse.drivers.DriverResult` (importance: model outputs only) and
the **performance** of each aspect — its positive share (top-2-box, %) — which the caller reads from
the protected cube (perturbed and suppressed as published), optionally with a **benchmark** per
aspect (e.g. the national share of the same service type, also from the protected cube). Nothing
here reads data: every figure shown next to the drivers comes from published figures.

Quadrant rule (Martilla & James 1977, with the splits stated):

- importance is *high* when the aspect's share of R² is at least the mean share, 100 / k % (20%
  with the five aspects): above what an aspect would get if all mattered equally;
- performance is *high* when the positive share is at least the aspect's benchmark when one is
  given, otherwise at least the mean positive share of the aspects shown;
- high importance & low performance → ``improve_first``; high & high → ``keep_up``;
  low & low → ``low_priority``; low importance & high performance → ``possible_overkill``.
- ``importance_uncertain`` is set when the importance interval contains the split: the aspect could
  belong to the other row of the matrix.

An aspect whose performance is not published (suppressed cell, ``None``) gets no quadrant.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .drivers import DriverResult, DriversRefused

QUADRANTS = ("improve_first", "keep_up", "low_priority", "possible_overkill")
LANGS = ("it", "en")

ASPECT_LABELS = {
    "it": {"ease": "facilità d'uso", "clarity": "chiarezza delle informazioni", "speed": "rapidità",
           "trust": "fiducia", "task_completed": "completamento dell'attività"},
    "en": {"ease": "ease of use", "clarity": "clarity of information", "speed": "speed", "trust": "trust",
           "task_completed": "task completion"},
}
QUADRANT_LABELS = {
    "it": {"improve_first": "migliorare prima", "keep_up": "mantenere", "low_priority": "priorità bassa",
           "possible_overkill": "possibile eccesso di impegno"},
    "en": {"improve_first": "improve first", "keep_up": "keep up", "low_priority": "low priority",
           "possible_overkill": "possible overkill"},
}
_LEVEL = {"it": {"importance": "importanza {}", "performance": "performance {}", True: "alta", False: "bassa",
                 "uncertain": "importanza incerta", "unpublished": "performance non pubblicata"},
          "en": {"importance": "{} importance", "performance": "{} performance", True: "high", False: "low",
                 "uncertain": "importance uncertain", "unpublished": "performance not published"}}


@dataclass(frozen=True)
class Cell:
    aspect: str
    importance: float                    # share of R², %
    importance_ci: tuple[float, float]
    performance: float | None            # positive share, % (from the protected cube)
    benchmark: float | None              # what performance was split at for this aspect
    high_importance: bool
    high_performance: bool | None
    quadrant: str | None
    importance_uncertain: bool


@dataclass(frozen=True)
class Matrix:
    importance_split: float
    performance_rule: str                # "benchmark" or "mean"
    cells: list[Cell]

    def to_dict(self) -> dict[str, Any]:
        return {"importance_split": self.importance_split, "performance_rule": self.performance_rule,
                "cells": [{"aspect": c.aspect, "importance": c.importance, "importance_ci": list(c.importance_ci),
                           "performance": c.performance, "benchmark": c.benchmark,
                           "high_importance": c.high_importance, "high_performance": c.high_performance,
                           "quadrant": c.quadrant, "importance_uncertain": c.importance_uncertain}
                          for c in self.cells]}


def _share(value: Any, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise DriversRefused("invalid_parameter", field, f"{field} is a share in % from 0 to 100 (or null); "
                                                         f"got {value!r}.")
    return float(value)


def matrix(result: DriverResult, performance: Mapping[str, float | None],
           benchmark: Mapping[str, float | None] | None = None) -> Matrix:
    """The matrix for the aspects of ``result``; ``performance`` (and ``benchmark``) map each aspect
    to its positive share in % (``None`` = not published). See the module docstring for the rule."""
    aspects = [d.aspect for d in result.drivers]
    unknown = sorted(set(performance) - set(aspects))
    if unknown:
        raise DriversRefused("invalid_parameter", "performance", f"no importance for {', '.join(unknown)}.")
    perf = {a: _share(performance.get(a), f"performance.{a}") for a in aspects}
    bench = {a: _share((benchmark or {}).get(a), f"benchmark.{a}") for a in aspects}
    shown = [v for v in perf.values() if v is not None]
    use_benchmark = benchmark is not None and any(v is not None for v in bench.values())
    mean_perf = sum(shown) / len(shown) if shown else None
    split = 100.0 / len(aspects)
    cells = []
    for d in result.drivers:
        p = perf[d.aspect]
        ref = bench[d.aspect] if use_benchmark else mean_perf
        hi_imp = d.share >= split
        hi_perf = None if p is None or ref is None else p >= ref
        quadrant = None if hi_perf is None else (
            ("keep_up" if hi_perf else "improve_first") if hi_imp else ("possible_overkill" if hi_perf else "low_priority"))
        cells.append(Cell(aspect=d.aspect, importance=d.share, importance_ci=d.share_ci, performance=p, benchmark=ref,
                          high_importance=hi_imp, high_performance=hi_perf, quadrant=quadrant,
                          importance_uncertain=d.share_ci[0] <= split <= d.share_ci[1]))
    return Matrix(importance_split=split, performance_rule="benchmark" if use_benchmark else "mean", cells=cells)


def plain_list(m: Matrix, lang: str = "it") -> list[str]:
    """One sentence per aspect, ``improve_first`` first, then ``keep_up``, ``low_priority``,
    ``possible_overkill``, each by importance; aspects without a published performance last.
    E.g. ``"migliorare prima: rapidità (importanza alta, performance bassa)"``."""
    if lang not in LANGS:
        raise DriversRefused("invalid_parameter", "lang", f"lang is one of {', '.join(LANGS)}.")
    words, order = _LEVEL[lang], {q: i for i, q in enumerate((*QUADRANTS, None))}
    lines = []
    for c in sorted(m.cells, key=lambda c: (order[c.quadrant], -c.importance)):
        name = ASPECT_LABELS[lang][c.aspect]
        imp = words["importance"].format(words[c.high_importance])
        if c.quadrant is None:
            lines.append(f"{name} ({imp}; {words['unpublished']})")
            continue
        note = f"; {words['uncertain']}" if c.importance_uncertain else ""
        lines.append(f"{QUADRANT_LABELS[lang][c.quadrant]}: {name} "
                     f"({imp}, {words['performance'].format(words[c.high_performance])}{note})")
    return lines
