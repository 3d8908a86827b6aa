"""Key-driver analysis: how much each aspect of a service (ease, clarity, speed, trust, task
completion) accounts for overall satisfaction — *derived importance* — with bootstrap intervals.

Contract
--------
- :func:`load_rows` reads record-level scores (0–100) from the DuckDB ``responses`` view (see
  :mod:`warehouse.dataset`) for exactly one service, entity or service type and a period range,
  the rows that count only (:func:`dataset.views.counted`: no automated answers) and, of those, only
  the ones the microdata package releases (:func:`warehouse.released.released_sql`: the row's
  quasi-identifier group holds at least ``k`` = ``settings.microdata_k`` rows, and not 1 to k−1 of
  them beside one entity's or service's others). So every output is a
  function of released rows and of the cut's definition: an analysis that read a small service's
  withheld row (its cube cell suppressed), published to full precision, gave that row's answers to
  whoever rebuilt the entity's released rows from the package and tried the 9,375 answer patterns of
  one row (route 24, docs/confidentiality.md).
  It reads columns only; it never imports the processor.
- :func:`analyse` decomposes the R² of the linear regression of satisfaction on the aspects into one
  non-negative weight per aspect that sums to R²: the Shapley value of R² (LMG, Lindeman, Merenda &
  Gold 1980; Grömping 2007), exact over all 2^k subsets, or Johnson's (2000) relative weights. Task
  completion enters as a group of dummies (a category, not a score; :func:`design`). Rows with a
  missing aspect or outcome are left out (complete cases). 95% intervals are bootstrap
  percentile intervals (rows resampled with replacement; ``n_boot`` replicates from
  ``numpy.random.default_rng(seed)``: the same data always give the same intervals, whatever the
  row order).
- It refuses (:class:`DriversRefused`, with a ``code``, the ``field`` and a reason) when an item was
  not asked in the cut (no answer at all), when fewer than ``min_n`` complete responses exist — true
  *or* published (perturbed) n, :func:`under_threshold`, as the cube suppresses a cell —, or when
  an item does not vary. The refusal never states the exact n.
- Only model outputs leave: weights, their share of R², intervals and ranks; published
  (:meth:`DriverResult.to_dict`) rounded — weights, R² and their intervals to :data:`DECIMALS`
  decimals, shares to one decimal of a percent — more than a reading needs, and no more (defence in
  depth: full floats let a single row be solved for). No count per cell and,
  unless the caller asks for it (``include_n`` — for roles with the ``exports`` permission), not even
  n; and then the *published* n (:meth:`DriverResult.published_n`): the count of complete responses
  perturbed by the cell-key method like every published count (:meth:`warehouse.protect.Protection.perturb`,
  its cell key from those responses' record keys, :func:`load_rows`), never the exact n. Exact n's of
  two units subtracted (an entity minus its one large service, a service type minus the others) gave
  the exact count of complete responses of a small service whose cells the cube suppresses.
  This is what makes the result publishable to roles that see only protected figures: it exists only
  for cuts of at least ``min_n`` complete responses and reveals no count.

The importance × performance matrix and its plain-language reading are in
:mod:`warehouse.priorities`; the method is described in ``docs/methodology.md (From measurement to improvement)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from math import factorial
from typing import Any

import numpy as np
import pandas as pd

from dataset.recordkey import KEY_SCALE, stored_or_computed
from dataset.views import counted
from settings import Settings

from . import periods
from .comparability import QueryError
from .cube import CODE as _CODE
from .released import released_sql

OUTCOME = "satisfaction"
DRIVERS = ("ease", "clarity", "speed", "trust", "task_completed")
METHODS = ("lmg", "johnson")
MIN_N = 100
N_BOOT = 1000
SEED = 20260101
K = Settings.microdata_k  # a row enters when its quasi-identifier group holds >= K rows (one home: settings)
DECIMALS = 3  # of the published weights, R² and their intervals (shares: one decimal of a percent)
_CHUNK = 2_000_000  # bootstrap weights held at once (replicates × distinct answer patterns)


class DriversRefused(ValueError):
    """The analysis is refused; ``code`` is one of ``invalid_parameter``, ``items_not_asked``,
    ``too_few_responses``, ``no_variance``; ``field`` names what is wrong (``fields`` every field
    concerned, e.g. each item not asked); the message says why."""

    def __init__(self, code: str, field: str, message: str, fields: list[str] | None = None):
        super().__init__(message)
        self.code = code
        self.field = field
        self.fields = fields or [field]


@dataclass(frozen=True)
class Driver:
    aspect: str
    weight: float                 # share of satisfaction's variance attributed to the aspect (sums to R²)
    weight_ci: tuple[float, float]
    share: float                  # weight / R², in % (sums to 100)
    share_ci: tuple[float, float]
    rank: int                     # 1 = most important


@dataclass(frozen=True)
class DriverResult:
    method: str
    r2: float
    r2_ci: tuple[float, float]
    drivers: list[Driver]
    level: float
    n_boot: int
    seed: int
    min_n: int
    n: int = field(repr=False)    # complete responses, exact: never output (see published_n)
    key_sum: int = field(default=0, repr=False)  # their record keys' sum modulo 2³² (the count's cell key)

    def driver(self, aspect: str) -> Driver:
        return next(d for d in self.drivers if d.aspect == aspect)

    def published_n(self, protection) -> int:
        """The count of complete responses as published: perturbed with its own cell key (the record
        keys of those responses, :func:`load_rows`) by ``protection`` (:class:`warehouse.protect.Protection`),
        so the same responses always give the same figure and two units' difference stays noisy."""
        return int(protection.perturb([self.n], [self.key_sum])[0])

    def to_dict(self, include_n: bool = False, protection=None) -> dict[str, Any]:
        """JSON-ready, the figures rounded (see the module docstring); ``n`` only with ``include_n`` (never
        for protected-only roles), and then :meth:`published_n` under ``protection`` (default: the method's
        default parameters)."""
        def r(values, digits=DECIMALS):
            return round(values, digits) if isinstance(values, float) else [round(v, digits) for v in values]

        out: dict[str, Any] = {
            "method": self.method, "outcome": OUTCOME, "r2": r(self.r2), "r2_ci": r(self.r2_ci),
            "level": self.level, "n_boot": self.n_boot, "seed": self.seed, "min_n": self.min_n,
            "drivers": [{"aspect": d.aspect, "weight": r(d.weight), "weight_ci": r(d.weight_ci),
                         "share": r(d.share, 1), "share_ci": r(d.share_ci, 1), "rank": d.rank} for d in self.drivers],
        }
        if include_n:
            from .protect import Protection

            out["n"] = self.published_n(protection or Protection())
        return out


# ---------------------------------------------------------------------------------------------
# Reading the rows

def month_range(start: str, end: str) -> tuple[str, str]:
    """First and last month (``YYYY-MM``) of ``start``..``end``, each a month, quarter or year label."""
    try:
        first, last = periods.months(start, "start")[0], periods.months(end, "end")[1]
    except QueryError as exc:
        raise DriversRefused("invalid_parameter", exc.field, str(exc)) from None
    if first > last:
        raise DriversRefused("invalid_parameter", "end", f"end {end!r} is before start {start!r}.")
    return first, last


def load_rows(con, *, start: str, end: str, service: str | None = None, entity: str | None = None,
              service_type: str | None = None, questionnaire: str | None = None,
              secret: str | None = None, k: int = K) -> pd.DataFrame:
    """Scores of satisfaction and the aspects, one row per response, for exactly one of ``service``,
    ``entity`` or ``service_type`` (optionally one questionnaire family) from ``start`` to ``end``
    (inclusive). ``con`` is a DuckDB connection with the ``responses`` view. Only released rows
    (:func:`warehouse.released.released_sql`, with ``k``), the groups judged over every entity's rows — of the months, the questionnaire and the PA type,
    region and service type of the unit's rows: whole groups, the same count as the package's.

    Also ``rk``: each response's record key × 2³² (an integer), as the rollup counts it
    (:func:`dataset.recordkey.stored_or_computed`: for rows written before the ``record_key`` column,
    the key of the installation's ``secret``)."""
    units = {"service": service, "entity": entity, "service_type": service_type}
    given = {k: v for k, v in units.items() if v is not None}
    if len(given) != 1:
        raise DriversRefused("invalid_parameter", "service",
                             "Give exactly one of service, entity or service_type.")
    (dim, code), = given.items()
    for name, value in ((dim, code), ("questionnaire", questionnaire)):
        if value is not None and (not isinstance(value, str) or not _CODE.match(value)):
            raise DriversRefused("invalid_parameter", name, f"Malformed code {value!r}.")
    first, last = month_range(start, end)
    loaded = periods.loaded_today(con)  # the running month the cursor's data hold, not the clock's (route 22):
    if loaded is not None and last >= loaded.isoformat()[:7]:  # at the month's turn "2026-Q4" lacked December
        raise DriversRefused("invalid_parameter", "end", f"{end} had not ended when these data were read: its "
                             "figures are published once it has ended (ask again in a moment).")
    cols = ", ".join((OUTCOME, *DRIVERS))
    # the groups holding the unit's rows, whole (every entity's rows): the months, the questionnaire, and
    # each (PA type, region, service type) of the unit — quasi-identifiers, so no group is cut short
    same = " AND ".join(f"u.{q} IS NOT DISTINCT FROM r.{q}" for q in ("period", "pa_type", "region", "service_type"))
    quest = " AND questionnaire = ?" if questionnaire is not None else ""
    source = (f"(SELECT * FROM responses r WHERE period BETWEEN ? AND ? AND {counted()}{quest} AND EXISTS "
              f"(SELECT 1 FROM responses u WHERE u.period BETWEEN ? AND ? AND u.{dim} = ? AND {same}))")
    params: list[Any] = [first, last, *([questionnaire] if quest else []), first, last, code, code]
    sql = f"SELECT {cols}, record_key, submission_id FROM ({released_sql(source, k)}) WHERE {dim} = ?"
    df = con.execute(sql, params).fetchdf()
    out = df[[OUTCOME, *DRIVERS]].astype("float64")
    out["rk"] = np.array([stored_or_computed(key, sid, secret)
                          for key, sid in zip(df["record_key"], df["submission_id"])], dtype=np.int64)
    return out


# ---------------------------------------------------------------------------------------------
# The decompositions, vectorised over a stack of correlation matrices (…, k+1, k+1), outcome last

def _r2_subset(corr: np.ndarray, subset: tuple[int, ...]) -> np.ndarray:
    if not subset:
        return np.zeros(corr.shape[:-2])
    idx = list(subset)
    rxx = corr[..., idx, :][..., :, idx]
    rxy = corr[..., idx, -1]
    beta = np.einsum("...ij,...j->...i", np.linalg.pinv(rxx, hermitian=True), rxy)
    return np.einsum("...i,...i->...", rxy, beta)


Groups = list[list[int]]


def _groups(corr: np.ndarray, groups: Groups | None) -> Groups:
    return groups if groups is not None else [[j] for j in range(corr.shape[-1] - 1)]


def lmg_weights(corr: np.ndarray, groups: Groups | None = None) -> np.ndarray:
    """Shapley decomposition of R² (LMG): the average, over every order of entry, of the R² each
    predictor — or each group of columns, e.g. the dummies of one categorical aspect — adds. Exact
    over all 2^k subsets of the k groups (default: one per column); shape (…, k)."""
    groups = _groups(corr, groups)
    k = len(groups)
    r2 = {s: _r2_subset(corr, tuple(c for g in s for c in groups[g]))
          for size in range(k + 1) for s in combinations(range(k), size)}
    out = np.zeros((*corr.shape[:-2], k))
    for j in range(k):
        others = [i for i in range(k) if i != j]
        for size in range(k):
            w = factorial(size) * factorial(k - size - 1) / factorial(k)
            for s in combinations(others, size):
                out[..., j] += w * (r2[tuple(sorted((*s, j)))] - r2[s])
    return out


def johnson_weights(corr: np.ndarray, groups: Groups | None = None) -> np.ndarray:
    """Johnson's (2000) relative weights: regress the outcome on the orthogonal counterparts
    Z = X·R⁻¹ᐟ² of the predictors and share each Z's contribution back by the squared loadings
    Λ = R¹ᐟ²; the weights sum to R². A group's weight is the sum of its columns' (Tonidandel &
    LeBreton 2011). Shape (…, k)."""
    rxx, rxy = corr[..., :-1, :-1], corr[..., :-1, -1]
    lam, vec = np.linalg.eigh(rxx)
    root = np.einsum("...ij,...j,...kj->...ik", vec, np.sqrt(np.clip(lam, 0, None)), vec)
    beta = np.einsum("...ij,...j->...i", np.linalg.pinv(root, hermitian=True), rxy)
    cols = np.einsum("...ij,...j->...i", root ** 2, beta ** 2)
    return np.stack([cols[..., g].sum(axis=-1) for g in _groups(corr, groups)], axis=-1)


def design(patterns: np.ndarray, drivers: tuple[str, ...]) -> tuple[np.ndarray, Groups]:
    """The regression's columns from answer patterns (drivers…, outcome): one column per rated
    aspect; task completion (yes / partly / no) as one dummy per answer above the lowest present —
    a categorical answer, not a score (docs/methodology.md §3.3) — forming one group."""
    cols, groups = [], []
    for j, d in enumerate(drivers):
        v = patterns[:, j]
        if d == "task_completed":
            levels = np.unique(v)[1:]
            groups.append(list(range(len(cols), len(cols) + len(levels))))
            cols += [(v == level).astype(float) for level in levels]
        else:
            groups.append([len(cols)])
            cols.append(v)
    cols.append(patterns[:, -1])
    return np.column_stack(cols), groups


_WEIGHTS = {"lmg": lmg_weights, "johnson": johnson_weights}


def _corr_from_moments(w: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Correlation matrices of the columns of ``x`` (m, p) under each weight vector in ``w`` (B, m),
    and whether the last column (the outcome) varies. A column that does not vary under some weights
    (a rare answer left out of a bootstrap replicate) is uncorrelated with the rest there, so it
    explains nothing in that replicate."""
    total = w.sum(axis=1)[:, None]
    mean = (w @ x) / total
    p = x.shape[1]
    cross = (w @ (x[:, :, None] * x[:, None, :]).reshape(len(x), p * p)).reshape(-1, p, p) / total[:, :, None]
    cov = cross - mean[:, :, None] * mean[:, None, :]
    var = np.einsum("bii->bi", cov)
    flat = var <= 1e-12 * np.maximum(np.einsum("bii->bi", cross), 1e-300)
    sd = np.sqrt(np.where(flat, 1.0, var))
    corr = cov / (sd[:, :, None] * sd[:, None, :])
    corr = np.where(flat[:, :, None] | flat[:, None, :], 0.0, corr)
    idx = np.arange(x.shape[1])
    corr[:, idx, idx] = 1.0
    return corr, ~flat[:, -1]


# ---------------------------------------------------------------------------------------------

def under_threshold(n: int, key_sum: int, min_n: int, protection=None) -> bool:
    """Whether ``n`` complete responses (their record keys summing to ``key_sum``) are too few for an
    analysis: the true n *or* the published n (:meth:`DriverResult.published_n`, perturbed by
    ``protection``, default the method's defaults) under ``min_n``. As the cube's
    :func:`warehouse.protect.too_few`: on the true n alone an analysis given ("n ≥ 100") beside a
    published n of 98 left the true n one value, 100 (route 16, docs/confidentiality.md)."""
    from .protect import Protection

    published = (protection or Protection()).perturb([n], [key_sum])[0]
    return n < min_n or int(published) < min_n


def analyse(rows: pd.DataFrame, *, drivers: tuple[str, ...] = DRIVERS, method: str = "lmg", min_n: int = MIN_N,
            n_boot: int = N_BOOT, seed: int = SEED, level: float = 0.95, protection=None) -> DriverResult:
    """Derived importance of ``drivers`` for satisfaction in ``rows`` (columns of 0–100 scores, as
    :func:`load_rows` returns). Refuses with :class:`DriversRefused` (see the module docstring); too few
    complete responses is :func:`under_threshold` under ``protection`` (that of the published n)."""
    if method not in METHODS:
        raise DriversRefused("invalid_parameter", "method", f"method must be one of {', '.join(METHODS)}.")
    if not drivers or len(set(drivers)) != len(drivers) or any(d not in DRIVERS for d in drivers):
        raise DriversRefused("invalid_parameter", "drivers", f"drivers are distinct names among {', '.join(DRIVERS)}.")
    if not isinstance(min_n, int) or min_n < 10:
        raise DriversRefused("invalid_parameter", "min_n", "min_n is an integer of at least 10.")
    if not isinstance(n_boot, int) or not 100 <= n_boot <= 20_000:
        raise DriversRefused("invalid_parameter", "n_boot", "n_boot is an integer from 100 to 20000.")
    if not 0.5 < level < 1:
        raise DriversRefused("invalid_parameter", "level", "level is between 0.5 and 1.")
    columns = [*drivers, OUTCOME]
    too_few = DriversRefused("too_few_responses", "n",
                             f"Fewer than {min_n} responses answer satisfaction and every aspect in this cut; "
                             f"derived importance would be too unstable to publish.")
    if len(rows) == 0:
        raise too_few  # an empty cut is too small, not "not asked"
    missing = [c for c in columns if c not in rows.columns or rows[c].notna().sum() == 0]
    if missing:
        raise DriversRefused("items_not_asked", missing[0],
                             f"Not asked in this cut (no answers): {', '.join(missing)}; the instruments used "
                             f"here do not carry {'this item' if len(missing) == 1 else 'these items'}.", missing)
    complete = rows[columns].notna().all(axis=1)
    data = rows.loc[complete, columns].to_numpy(dtype=float)
    n = len(data)
    key_sum = int(rows.loc[complete, "rk"].to_numpy(dtype=np.int64).sum() % KEY_SCALE) if "rk" in rows else 0
    if under_threshold(n, key_sum, min_n, protection):
        raise too_few
    flat = [c for c, sd in zip(columns, data.std(axis=0)) if sd == 0]
    if flat:
        raise DriversRefused("no_variance", flat[0], f"Every response gives the same answer to {', '.join(flat)}; "
                                                     f"its importance cannot be estimated.", flat)
    # Rows collapse to distinct answer patterns with counts: resampling rows = multinomial counts
    # over patterns, which keeps the bootstrap small (a 5-point questionnaire has few patterns).
    patterns, counts = np.unique(data, axis=0, return_counts=True)
    x, groups = design(patterns, drivers)
    weigh = _WEIGHTS[method]
    point_corr, _ = _corr_from_moments(counts[None, :].astype(float), x)
    point = np.clip(weigh(point_corr, groups)[0], 0, None)  # non-negative in theory; rounding gives -1e-16
    rng = np.random.default_rng(seed)
    probs = counts / n
    chunk = max(1, _CHUNK // len(patterns))
    boots = []
    for start in range(0, n_boot, chunk):
        w = rng.multinomial(n, probs, size=min(chunk, n_boot - start)).astype(float)
        corr, varies = _corr_from_moments(w, x)
        boots.append(weigh(corr[varies], groups))  # a replicate whose satisfaction does not vary has no R²
    boot = np.clip(np.concatenate(boots), 0, None)
    if len(boot) < 0.99 * n_boot:
        raise DriversRefused("no_variance", OUTCOME, "Almost every response gives the same satisfaction; the "
                                                     "intervals of the importance cannot be estimated.")
    r2, boot_r2 = float(point.sum()), boot.sum(axis=1)
    alpha = (1 - level) / 2
    q = (100 * alpha, 100 * (1 - alpha))

    def ci(values: np.ndarray) -> tuple[float, float]:
        lo, hi = np.percentile(values, q)
        return float(lo), float(hi)

    shares = 100 * boot / boot_r2[:, None]
    order = np.argsort(-point, kind="stable")
    ranks = {int(j): r + 1 for r, j in enumerate(order)}
    out = [Driver(aspect=a, weight=float(point[j]), weight_ci=ci(boot[:, j]), share=float(100 * point[j] / r2),
                  share_ci=ci(shares[:, j]), rank=ranks[j]) for j, a in enumerate(drivers)]
    out.sort(key=lambda d: d.rank)
    return DriverResult(method=method, r2=r2, r2_ci=ci(boot_r2), drivers=out, level=level, n_boot=n_boot, seed=seed,
                        min_n=min_n, n=n, key_sum=key_sum)


def enough_responses(con, period: str, *, min_n: int = MIN_N, protection=None, secret: str | None = None,
                     k: int = K, **unit: str) -> bool:
    """Whether ``unit`` (one of service, entity, service_type, as :func:`load_rows`) has enough complete
    responses in ``period`` (satisfaction and every aspect, as :func:`analyse` counts them: not
    :func:`under_threshold` under ``protection``; ``secret`` and ``k`` as :func:`load_rows`). The same yes or no
    as the analysis itself gives (a result or ``too_few_responses``): a link or a note drawn from it
    says nothing more than the analysis would, and never a count."""
    rows = load_rows(con, start=period, end=period, secret=secret, k=k, **unit)
    complete = rows[[*DRIVERS, OUTCOME]].notna().all(axis=1)
    key_sum = int(rows.loc[complete, "rk"].to_numpy(dtype=np.int64).sum() % KEY_SCALE)
    return not under_threshold(int(complete.sum()), key_sum, min_n, protection)


def longer_periods(con, period: str, *, min_n: int = MIN_N, protection=None, secret: str | None = None,
                   k: int = K, **unit: str) -> list[str]:
    """The periods containing ``period`` — its quarter and year for a month, its year for a quarter —
    in which ``unit`` has :func:`enough_responses`: where to look when ``period`` is refused as
    ``too_few_responses``. Only periods that have ended (:func:`warehouse.periods.is_complete`): a
    running quarter or year is not published, and its link would open a refusal (400). No count is
    returned."""
    freq = periods.freq_of(period, "period")
    first = periods.months(period, "period")[0]
    labels = [periods.period_of(first, wider) for wider in ("Q", "A")[("M", "Q", "A").index(freq):]]
    return [label for label in labels if periods.is_complete(label)
            and enough_responses(con, label, min_n=min_n, protection=protection, secret=secret, k=k, **unit)]


def drivers_for(con, *, start: str, end: str, service: str | None = None, entity: str | None = None,
                service_type: str | None = None, questionnaire: str | None = None, secret: str | None = None,
                k: int = K, **options: Any) -> DriverResult:
    """:func:`load_rows` then :func:`analyse` (``options`` are :func:`analyse`'s; ``secret`` the
    record keys' for rows stored without one; ``k`` the microdata's, ``settings.microdata_k``)."""
    rows = load_rows(con, start=start, end=end, service=service, entity=entity, service_type=service_type,
                     questionnaire=questionnaire, secret=secret, k=k)
    return analyse(rows, **options)

