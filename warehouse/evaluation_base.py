"""What every estimator of :mod:`warehouse.evaluation` shares: its refusal (:class:`EvaluationError`, naming
the field), the checks of its inputs, and the effective sample size of a published share that carries
the cell-key perturbation's variance (:func:`effective_n`). Pure functions."""
from __future__ import annotations

import re
from typing import Any

import numpy as np
from scipy import stats as sps

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class EvaluationError(ValueError):
    """An input is invalid, or the data cannot carry the estimate; ``field`` names it. ``reason`` (a
    refusal of a rule: a key the pages translate, e.g. :data:`warehouse.evaluation_trend.REASONS`) and
    ``detail`` (the numbers and months its message names) are for the pages' own wording."""

    def __init__(self, field: str, message: str, reason: str | None = None, detail: dict | None = None):
        super().__init__(message)
        self.field, self.reason, self.detail = field, reason, dict(detail or {})


def _count(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float)) or not float(value).is_integer():
        raise EvaluationError(field, f"{field} is a whole number; got {value!r}.")
    return int(value)


def _check_level(level: float) -> float:
    if not isinstance(level, float) or not 0.5 < level < 1:
        raise EvaluationError("level", "level is a number between 0.5 and 1.")
    return level


def _noise(v: Any, field: str) -> float:
    """A cell's perturbation variance (``None``: 0, a cell published without the cell-key method)."""
    if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float, np.floating)) or not v >= 0 or v == np.inf):
        raise EvaluationError(field, f"{field} is a variance, a number of at least 0; got {v!r}.")
    return 0.0 if v is None else float(v)


def effective_n(k: float, n: float, noise_var: float, level: float = 0.95) -> float:
    """n / deff, deff = 1 + n·noise_var / (p̃(1 − p̃)), p̃ the Wilson centre: the sample size whose sampling
    variance equals the sampling *and* the perturbation's (:func:`warehouse.stats.wilson`)."""
    z2 = sps.norm.ppf(0.5 + level / 2) ** 2
    centre = (k + z2 / 2) / (n + z2)
    return n / (1 + n * noise_var / (centre * (1 - centre)))


def months_of_year(label: str, field: str) -> frozenset[int]:
    """The months of the year (1–12) a period label (``YYYY-MM``, ``YYYY-Qn``, ``YYYY``) covers: ``2026-08``
    {8}, ``2026-Q4`` {10, 11, 12}, ``2026`` all twelve; a malformed label is refused naming ``field``
    (:func:`warehouse.periods.months`)."""
    from .periods import months

    first, last = months(label, field)
    return frozenset(range(int(first[5:]), int(last[5:]) + 1))


def seasonal_caveat(baseline: str, follow_up: str) -> bool:
    """Whether a before/after comparison of ``baseline`` with ``follow_up`` may read a season as a change:
    the two periods cover different months of the year (a baseline in August, a follow-up in November;
    a month against a whole year). False when they cover the same months of different years
    (``2025-10`` and ``2026-10``, ``2025-Q3`` and ``2026-Q3``, two years): the season is then the same on
    both sides. The comparison is unchanged either way; the result and the page say so
    (as :attr:`warehouse.evaluation_trend.Trend.seasonal_caveat` for a trend)."""
    return months_of_year(baseline, "baseline_period") != months_of_year(follow_up, "follow_up")
