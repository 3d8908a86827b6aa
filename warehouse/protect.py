"""The one module that turns true counts into published figures: the cell-key method (DESIGN §7,
docs/confidentiality.md). Every output — API, console pages and their CSVs, every export format,
the CLI — gets its numbers from :func:`publish` (response rates and item non-response from its sibling
:mod:`warehouse.protect_rates`, the same method); nothing else reads the rollup's counts for output.

Input: cells of a cut (any dimensions) with, per cell, ``n`` and ``k`` (count and record-key sum
modulo 2³²) and per answer category of the indicator ``c_<cat>``/``k_<cat>``. For each of these
counts the cell key (the sum of its record keys modulo 2³² — a category's mixed with its cell's,
:func:`category_keys` — scrambled by a fixed bijection, :func:`scramble`, over 2³²) selects a deviation from the p-table
(:mod:`warehouse.ptable`): the same cell gives the same noise in every query, format and period
range, and two cells whose records differ get independent noise on every count. Then:

- ``n`` published = perturbed n; when it or the true n is below ``min_n`` (3) the cell is suppressed
  (:func:`too_few`: a true 1 published as 3 showed its one respondent's answers): no n and no value
  (``CONF_STATUS=A``, ``OBS_STATUS=Q``); so is a cell whose perturbed answer categories add up to 0
  (the noise left no answer to derive a figure from: a published cell always has its figure). There is no complementary suppression: margins and other
  cuts are perturbed independently, so differencing gives no exact value.
- Every statistic comes from the perturbed category counts: their shares (the distribution), with
  the published n as the sample size of the intervals, which add the perturbation's variance (V per
  count of each answer category the cell's scale reaches, :func:`scale_buckets`) to the sampling
  variance (:func:`warehouse.stats.mean_ci`, :func:`warehouse.stats.wilson`,
  :func:`warehouse.stats.share_statistics`; docs/methodology.md §10). The headline of a score indicator, the *positive share*
  (``top2*`` columns: the top categories of each item's own scale, the happy face, "yes"), is a
  count of positive answers over the published n, with a Wilson interval; it is comparable across
  instruments. So that a cell's figures agree with one another, a score cell's published n is
  shared out over its perturbed answer categories in whole answers (largest remainder,
  :func:`warehouse.stats.allocate`): the distribution, the mean and the task shares count those
  answers, and so does the positive share wherever the pool's positive answers fill whole
  categories (:func:`positive_buckets`: 4–5 of five points, the happy face, "yes"); elsewhere (0–10,
  where 7 and 8 share a category) it counts the perturbed positive answers, ``pos``. Each count
  having its own noise, a cell of five answers had shown "yes 80 %, partly 60 %" and a positive
  share of 60 % beside a mean of 90. The positive share pools instruments only among the indicator's
  headline measures: a cell pooling a non-headline one with other instruments (Designers Italia's
  page clarity with the services' clarity) has none (``top2_status`` = ``not_headline``; else ``ok``),
  its n stays. The mean is published only where the cell's answers come
  from one scale, instrument, wording and series (``mean_status``: ``ok``, ``degenerate`` (sd = 0),
  ``undefined`` (n < 2) or the comparability guard's reason, e.g. ``mixed_scales``, when the mean is
  withheld; the cell's ``pool`` column, its questionnaire versions, decides). ``task_completed``
  publishes the shares of yes / partly / no (``share_yes*``, …; they add up to 100) and no mean.
  The shares per category of went well / went wrong are withheld in the same way, with the guard's
  reason in ``shares_status`` (``ok``, or ``mixed_response_formats`` / ``mixed_option_sets`` when the
  cell pools single- with multiple-choice items or different category sets); n stays.
- Published cells with n < ``low_n`` are flagged ``OBS_STATUS=U``.

Comparisons (:mod:`warehouse.compare`) are computed from published cells only.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from dataset.recordkey import KEY_SCALE
from settings import Settings

from . import ptable, stats
from .cellkeys import CELL_MIX, category_keys, scramble, unscramble  # noqa: F401 (unscramble, CELL_MIX: for tests)
from .rollup import ALL_SCORES, BUCKETS, CATEGORIES, POSITIVE as _POS, SCORE_POINTS

FREE, SUPPRESSED = "F", "A"
#: Where the method is explained to every reader: the public site's methodology page (Italian at
#: /it/methodology), on the site's base URL (:attr:`Protection.site`, ``ASCOLTO_PUBLIC_SITE_URL``);
#: the full account is docs/confidentiality.md and docs/methodology.md.
METHODOLOGY_PAGE = "/en/methodology"
#: The public site's address when none is configured (``settings.Settings.public_site``'s default).
DEFAULT_SITE = "http://localhost:8003"
#: What every export says about the protection (:attr:`Protection.note`: the links absolute).
CKM_NOTE = ("Every figure is derived from counts perturbed by the cell-key method (a small, consistent noise of at "
            "most a few units per count; the 95% intervals include it); cells with fewer than {min_n} responses (true or "
            "perturbed) are suppressed. "
            "See the methodology page of the public site ({en}; in Italian {it}).")
#: :data:`CKM_NOTE` in Italian (:meth:`Protection.note_in`: the note of an Italian JSON-stat).
CKM_NOTE_IT = ("Ogni valore è calcolato da conteggi perturbati con il metodo cell-key (un rumore piccolo e sempre "
               "uguale per la stessa cella, di poche unità al più per conteggio; gli intervalli al 95% ne tengono "
               "conto); le celle con meno di {min_n} risposte (vere o perturbate) sono oscurate. "
               "Si veda la pagina sulla metodologia del sito pubblico ({it}; in inglese {en}).")
#: The protection's method in words (exports' ``method``, S.7 of the reference metadata), by language.
METHOD = {"it": "metodo cell-key (ABS TableBuilder; Giessing e Tent 2019; sdcTools cellKey/ptable)",
          "en": "cell-key method (ABS TableBuilder; Giessing & Tent 2019; sdcTools cellKey/ptable)"}
TOTAL = "_T"
SCORE_STATS = ["top2", "top2_lower", "top2_upper", "top2_status", "mean", "mean_lower", "mean_upper", "sd",
               "mean_status", *[f"dist_{c}" for c in SCORE_POINTS]]
#: task_completed: the score points of its answers (yes 100, partly 50, no 0) and their shares' columns.
TASK = "task_completed"
TASK_POINTS = {"yes": "100", "partly": "50", "no": "0"}
TASK_STATS = [f"share_{a}{s}" for a in TASK_POINTS for s in ("", "_lower", "_upper")]
#: ``mean_status`` values under which a mean is published.
MEAN_PUBLISHED = ("ok", "degenerate", "undefined")


#: ``shares_status`` values under which the shares per category (went well / went wrong) are published.
SHARES_PUBLISHED = ("ok",)
#: The columns of a cell's status in words (the guard's reason when its figure is withheld): None when suppressed.
STATUS_COLUMNS = ("mean_status", "shares_status", "top2_status")


def category_stats(codes: Sequence[str]) -> list[str]:
    """The columns of a categorical indicator's cell: each category's share and bounds, and
    ``shares_status`` (none for the count of responses, which has no category)."""
    return [*[f"share_{c}{s}" for c in codes for s in ("", "_lower", "_upper")], *(["shares_status"] if codes else [])]


@dataclass(frozen=True)
class Protection:
    """The parameters of the protection (from :class:`settings.Settings`)."""
    D: int = Settings.ckm_max_deviation       # the defaults are the settings' (one home: settings.Settings)
    V: float = Settings.ckm_variance
    min_n: int = Settings.disclosure_min_n
    low_n: int = Settings.reliability_min_n
    enabled: bool = True  # off: true counts (benchmarks comparing costs, and the method's own tests)
    site: str = DEFAULT_SITE  # the public site's base URL: exports link to its methodology page

    @classmethod
    def from_settings(cls, settings) -> "Protection":
        return cls(D=settings.ckm_max_deviation, V=settings.ckm_variance, min_n=settings.disclosure_min_n,
                   low_n=settings.reliability_min_n, enabled=getattr(settings, "ckm_enabled", True),
                   site=getattr(settings, "public_site", DEFAULT_SITE))

    def methodology(self, lang: str = "en") -> str:
        """The absolute URL of the public site's methodology page in ``lang`` (``it``, ``en``): a link
        a recipient of an export can follow."""
        return f"{self.site.rstrip('/')}/{lang}/methodology"

    @property
    def note(self) -> str:
        """:data:`CKM_NOTE` with this protection's threshold and absolute links."""
        return self.note_in("en")

    def note_in(self, lang: str = "en") -> str:
        """The note in ``lang`` (``it``: :data:`CKM_NOTE_IT`, else :data:`CKM_NOTE`), with this protection's
        threshold and absolute links."""
        return (CKM_NOTE_IT if lang == "it" else CKM_NOTE).format(min_n=self.min_n, en=self.methodology("en"),
                                                                   it=self.methodology("it"))

    @property
    def noise_variance(self) -> float:
        """The variance of the deviation added to each count (``V``; 0 with the protection off): what the
        published intervals add to the sampling variance (docs/methodology.md §10)."""
        return float(self.V) if self.enabled else 0.0

    @property
    def table(self) -> ptable.PTable:
        return ptable.build(self.D, self.V)

    def perturb(self, counts, key_sums) -> np.ndarray:
        """Perturbed counts given their key sums (integers modulo 2³²), looked up at :func:`scramble` of each."""
        counts = np.asarray(counts, dtype=np.int64)
        if not self.enabled:
            return counts
        keys = scramble(key_sums) / KEY_SCALE
        return counts + self.table.deviation(counts, keys)

    def metadata(self, lang: str = "en") -> dict:
        """What exports say about the protection, in ``lang`` (``it``: :data:`METHOD`'s Italian and the
        Italian methodology page; anything else English); the keys and numbers are the same in both."""
        return {"method": METHOD["it" if lang == "it" else "en"],
                "max_deviation": self.D, "variance": self.V, "min_n": self.min_n, "perturbed": self.enabled,
                "documentation": self.methodology("it" if lang == "it" else "en")}


def too_few(true_n, published_n, protection: Protection) -> np.ndarray:
    """Whether each cell is below the threshold: its true *or* its perturbed count under ``min_n``.
    A published figure then always rests on at least ``min_n`` respondents; that a suppressed cell
    had fewer than ``min_n`` is the one thing its suppression says (or that the noise took it below)."""
    return (np.asarray(true_n) < protection.min_n) | (np.asarray(published_n) < protection.min_n)


def value_columns(indicator: str) -> list[str]:
    if indicator == TASK:
        return SCORE_STATS + TASK_STATS
    return SCORE_STATS if indicator in ALL_SCORES else category_stats(CATEGORIES[indicator])


def _refusals(statistic: str, indicator: str, pools) -> np.ndarray:
    """Per cell, the guard's reason for withholding its ``statistic`` (``mean``, ``category_shares``)
    over the cell's ``pool`` ("" when comparable; :func:`warehouse.comparability.refusal`)."""
    from .comparability import refusal

    cache: dict[str, str] = {}
    out = []
    for p in pools:
        key = p if isinstance(p, str) else ""
        if key not in cache:
            cache[key] = refusal(statistic, indicator, key)
        out.append(cache[key])
    return np.array(out, dtype=object)


def _mean_refusals(indicator: str, pools) -> np.ndarray:
    """Per cell, the guard's reason for withholding its mean ("" when a mean is comparable)."""
    if indicator == TASK:
        return np.full(len(pools), "shares_only", dtype=object)
    return _refusals("mean", indicator, pools)


def _bucket(score: float) -> str:
    """The distribution's category (:data:`warehouse.rollup.BUCKETS`) a 0–100 score is counted in."""
    for name, lo, hi in BUCKETS:
        if (lo is None or score >= lo) and (hi is None or score < hi):
            return name
    raise ValueError(score)


def positive_buckets(indicator: str, listing: str) -> tuple[str, ...] | None:
    """The distribution's categories that hold the positive answers — and only those — of every
    measure of a cell's pool (``questionnaire@version`` listing, :func:`warehouse.comparability.pool_of`):
    ``("75", "100")`` for five points, ``("100",)`` for faces and yes/no, also pooled together; None
    when one category holds positive and other answers (0–10: 7 and 8 are both counted at 75) or the
    pool is unknown."""
    from .comparability import pool_of

    positive, other = set(), set()
    for m in pool_of(indicator, listing):
        for raw, score in m.scores.items():
            if score is not None:
                (positive if m.is_positive(raw) else other).add(_bucket(score))
    return tuple(sorted(positive, key=float)) if positive and not positive & other else None


def scale_buckets(indicator: str, listing: str) -> tuple[str, ...]:
    """The distribution's categories (:data:`warehouse.rollup.BUCKETS`) the scores of a cell's pool can
    fall in — ``("0", "50", "100")`` for faces, every one for five points or an unknown pool: the counts
    whose perturbation enters the cell's figures (a category the scale cannot reach is never perturbed)."""
    from .comparability import pool_of

    got = {_bucket(score) for m in pool_of(indicator, listing) for score in m.scores.values() if score is not None}
    return tuple(sorted(got, key=float)) if got else tuple(SCORE_POINTS)


def _positive_counts(indicator: str, df: pd.DataFrame, pos: np.ndarray, alloc: np.ndarray,
                     points_cats: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cell, the count of positive answers the positive share is published from: the answers the
    published n gives the categories that hold exactly the positive answers (``alloc``,
    :func:`positive_buckets`), so that the share agrees with the distribution and the mean; else
    the perturbed positive count ``pos``. Also, per cell, the mask (cells × ``points_cats``) of the
    categories its scale reaches (:func:`scale_buckets`) and how many of them hold the positive answers
    (NaN where the count is ``pos``): the perturbation's terms in the share and the mean."""
    pools = df["pool"].to_numpy() if "pool" in df else [""] * len(df)
    cache: dict[str, tuple] = {}
    out = np.asarray(pos, dtype=float).copy()
    inside = np.full(len(out), np.nan)
    reach = np.ones(alloc.shape, dtype=bool)
    for i, p in enumerate(pools):
        key = p if isinstance(p, str) else ""
        if key not in cache:
            cache[key] = (positive_buckets(indicator, key), [c in scale_buckets(indicator, key) for c in points_cats])
        buckets, reach[i] = cache[key]
        if buckets is not None:
            out[i], inside[i] = alloc[i, [points_cats.index(b) for b in buckets]].sum(), len(buckets)
    return out, inside, reach


def publish(df: pd.DataFrame, indicator: str, dims: Sequence[str], protection: Protection) -> pd.DataFrame:
    """The published cells of ``df`` (rows of one indicator: ``dims``, ``n``, ``k``, ``c_*``, ``k_*``).

    Returns ``dims``, ``n`` (perturbed; NaN when suppressed), the statistics of :func:`value_columns`
    (NaN when suppressed), ``obs_status`` and ``conf_status``.
    """
    dims = list(dims)
    cats = CATEGORIES[indicator]
    n = protection.perturb(df["n"].to_numpy(), df["k"].to_numpy())
    counts = np.column_stack([protection.perturb(df[f"c_{c}"].to_numpy(), category_keys(
        df[f"k_{c}"], df["k"], df[f"c_{c}"], df["n"])) for c in cats]) \
        if len(df) and cats else np.zeros((len(df), len(cats)), dtype=np.int64)
    # a cell is suppressed when its true or its perturbed n is below min_n, and when the noise leaves
    # none of its answers in the categories its figures are derived from (a score's answer categories,
    # not the positive count beside them): else it would be published with an n and no figure. The
    # true n too: a count of 1 is published as 3 one time in ten (the p-table's row 1), and as empty
    # categories are never perturbed its figures were that one respondent's answers, exactly (a mean
    # of 25 with the interval [25, 25], 100 % "no")
    answered = [j for j, c in enumerate(cats) if c != _POS]
    hidden = too_few(df["n"].to_numpy(), n, protection) | ((counts[:, answered].sum(axis=1) <= 0) & bool(cats))
    nf = np.where(hidden, np.nan, n).astype(float)
    cols: dict[str, np.ndarray] = {}
    if not cats:
        pass  # a count only (the responses pseudo-indicator)
    elif indicator in ALL_SCORES:
        points_cats = [c for c in cats if c != _POS]
        # The published n shared out over the perturbed categories in whole answers (largest
        # remainder): every figure of the cell — distribution, mean, positive share, task shares —
        # counts the same n answers, so they agree with one another and with n. Each count having
        # its own noise, a cell of five answers had shown "yes 80 %, partly 60 %", and a positive
        # share of 60 % beside a mean of 90.
        alloc = stats.allocate(counts[:, [cats.index(c) for c in points_cats]], nf)
        shares = stats.distribution(alloc)
        points = np.array([SCORE_POINTS[c] for c in points_cats])
        # every interval covers the perturbation's noise too (variance V per count of each category the
        # cell's scale reaches), not only the sampling noise: without it the 95% intervals of cells of
        # 10 answers covered 86-89% (tests/test_methodology_ckm_intervals.py)
        V = protection.noise_variance
        positive, inside, reach = _positive_counts(indicator, df, counts[:, cats.index(_POS)], alloc, points_cats)
        m = stats.mean_ci(nf, alloc @ points, alloc @ points ** 2, noise_var=stats.ckm_mean_var(alloc, points, nf, V, reach))
        pools = df["pool"].to_numpy() if "pool" in df else [""] * len(df)
        refusal = _mean_refusals(indicator, pools)
        withheld = refusal != ""
        cols["mean_status"] = np.where(withheld, refusal, m["status"]).astype(object)
        for name, src in (("mean", "mean"), ("mean_lower", "lower"), ("mean_upper", "upper"), ("sd", "sd")):
            cols[name] = np.where(withheld, np.nan, m[src].astype(float))
        k_pos = np.clip(positive, 0, np.nan_to_num(nf))
        with np.errstate(invalid="ignore", divide="ignore"):
            p = k_pos / nf
        reached = reach.sum(axis=1)
        noise = np.where(np.isnan(inside), stats.ckm_ratio_var(p, nf, V),
                         stats.ckm_share_var(p, nf, inside, reached - np.nan_to_num(inside), V))
        share, lo, hi = stats.positive_share(k_pos, nf, noise_var=noise)
        # a positive share pools instruments only among headline measures (page clarity is not service
        # clarity): elsewhere it is withheld with the guard's reason (``not_headline``), its n stays
        off = _refusals("positive_share", indicator, pools)
        cols["top2_status"] = np.where(off != "", off, "ok").astype(object)
        cols["top2"], cols["top2_lower"], cols["top2_upper"] = (np.where(off != "", np.nan, x) for x in (share, lo, hi))
        for j, c in enumerate(points_cats):
            cols[f"dist_{c}"] = 100 * shares[:, j]
        if indicator == TASK:
            for a, point in TASK_POINTS.items():
                k_a = alloc[:, points_cats.index(point)]
                with np.errstate(invalid="ignore", divide="ignore"):
                    noise = stats.ckm_share_var(k_a / nf, nf, 1, reached - 1, V)
                share, lo, hi = stats.positive_share(k_a, nf, noise_var=noise)
                cols[f"share_{a}"], cols[f"share_{a}_lower"], cols[f"share_{a}_upper"] = share, lo, hi
    else:
        share, lo, hi = stats.share_statistics(counts, nf, protection.noise_variance)
        refusal = np.full(len(df), "", dtype=object)
        if "pool" in df:  # a category none of the cell's questionnaires offers has no share, not 0 %
            offered = _offered(indicator, df["pool"].to_numpy(), cats)
            # and a cell pooling single with multiple choice, or different category sets, has none at
            # all: the guard's reason says why (its n stays); split by instrument to see the shares
            refusal = _refusals("category_shares", indicator, df["pool"].to_numpy())
            offered &= (refusal == "")[:, None]
            share, lo, hi = (np.where(offered, x, np.nan) for x in (share, lo, hi))
        cols["shares_status"] = np.where(refusal != "", refusal, "ok").astype(object)
        for j, c in enumerate(cats):
            cols[f"share_{c}"], cols[f"share_{c}_lower"], cols[f"share_{c}_upper"] = share[:, j], lo[:, j], hi[:, j]
    out = {d: df[d].to_numpy() for d in dims}
    out["n"] = nf
    for name in value_columns(indicator):
        out[name] = np.where(hidden, None if name in STATUS_COLUMNS else np.nan, cols[name])
    out["obs_status"] = np.where(hidden, "Q", np.where(nf < protection.low_n, "U", "A"))
    out["conf_status"] = np.where(hidden, SUPPRESSED, FREE)
    return pd.DataFrame(out)



def _offered(indicator: str, pools, cats: Sequence[str]) -> np.ndarray:
    """(cells × ``cats``) whether a category of ``indicator`` (went well / went wrong) is one the
    respondents of each cell could choose: offered by at least one questionnaire version of its
    ``pool`` (:attr:`questionnaires.scales.Measure.categories`, after harmonization). The Designers
    Italia ratings offer no ``speed``: 0 % of their answers choosing it is not a finding. A cell whose
    pool is unknown keeps every category."""
    from .comparability import pool_of

    out = np.ones((len(pools), len(cats)), dtype=bool)
    for i, listing in enumerate(pools):
        measures = pool_of(indicator, listing or "")
        if measures:
            reach = {c for m in measures for c in m.categories}
            out[i] = [c in reach for c in cats]
    return out
