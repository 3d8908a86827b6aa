"""Published response rates, break-off and item non-response (issue 14 §5): the cell-key method of
:mod:`warehouse.protect` (its sibling on the one path to published figures: it imports protect's
:class:`Protection` and threshold, protect imports nothing of it) applied to the funnel's
counts and to the items' applicable and unanswered counts. Every count is perturbed on its cell key,
every cell below ``min_n`` suppressed, every share published with a 95% interval that adds the
perturbation's variance (:func:`warehouse.stats.wilson`, :func:`warehouse.stats.ckm_ratio_var`).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from . import stats
from .protect import FREE, SUPPRESSED, Protection, category_keys, too_few

#: The funnel counts published by :func:`publish_rates` (issue 14 §5), each with its key sum ``k_<count>``.
RATE_COUNTS = ("impressions", "starts", "submissions")
RATE_STATS = ["response_rate", "response_rate_lower", "response_rate_upper",
              "break_off", "break_off_lower", "break_off_upper"]


def publish_rates(df: pd.DataFrame, dims: Sequence[str], protection: Protection) -> pd.DataFrame:
    """Published response and break-off rates of the cells of ``df`` (``dims``, each of
    :data:`RATE_COUNTS` and its key sum ``k_<count>``, from :mod:`warehouse.response_rates`).

    Every count is perturbed like any other (its own cell key); a cell whose true or perturbed impressions
    are below ``min_n`` is suppressed (no counts, no rate). Submissions are answers: 1 to ``min_n`` − 1 of
    them (true, or perturbed below ``min_n``) are not published — nor the response rate, nor the break-off,
    which with the starts gives them back — as the cube suppresses the same answers' cell (a true 1 was
    published as up to 3, beside a cube that said "suppressed"); no submission at all stays 0 and 0 %. Response rate = submissions / impressions,
    break-off = (starts − submissions) / starts, in percent with Wilson 95% intervals, both from the
    perturbed counts (clipped to [0, 100]; break-off suppressed when starts < ``min_n``); the intervals
    add the perturbation's variance of a ratio of two perturbed counts (:func:`warehouse.stats.ckm_ratio_var`).
    ``obs_status`` is ``U`` (low reliability) when either published rate rests on fewer than ``low_n``
    counts: the impressions, or the starts of a break-off that is shown (a few starts give 0% as often
    as not, their perturbation as large as the break-offs).
    """
    dims = list(dims)
    p = {c: protection.perturb(df[c].to_numpy(), df[f"k_{c}"].to_numpy()).astype(float) if len(df)
         else np.zeros(0) for c in RATE_COUNTS}
    hidden = too_few(df["impressions"].to_numpy(), p["impressions"], protection) if len(df) else np.zeros(0, bool)
    imp = np.where(hidden, np.nan, p["impressions"])
    few = (too_few(df["submissions"].to_numpy(), p["submissions"], protection) & (df["submissions"].to_numpy() > 0)
           if len(df) else np.zeros(0, bool))  # a few answers: withheld like the cube's cell of them
    sub = np.where(hidden | few, np.nan, np.clip(p["submissions"], 0, p["impressions"]))
    starts = np.where(hidden | (too_few(df["starts"].to_numpy(), p["starts"], protection) if len(df) else False),
                      np.nan, np.maximum(p["starts"], 0))
    out = {d: df[d].to_numpy() for d in dims}
    out.update(impressions=imp, starts=starts, submissions=sub)
    V = protection.noise_variance  # both rates are ratios of counts perturbed independently: their noise too
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.nan_to_num(sub) / np.nan_to_num(imp)
    lo, hi = stats.wilson(np.nan_to_num(sub), np.nan_to_num(imp), noise_var=stats.ckm_ratio_var(rate, imp, V))
    out["response_rate"] = np.where(hidden | few, np.nan, 100 * np.nan_to_num(sub) / np.where(imp > 0, imp, 1))
    out["response_rate_lower"], out["response_rate_upper"] = (np.where(few, np.nan, 100 * x) for x in (lo, hi))
    left = np.clip(np.nan_to_num(starts) - np.nan_to_num(sub), 0, None)
    with np.errstate(invalid="ignore", divide="ignore"):  # 1 − sub/starts: the noise of sub/starts
        kept = np.nan_to_num(sub) / np.nan_to_num(starts)
    lo, hi = stats.wilson(left, np.nan_to_num(starts), noise_var=stats.ckm_ratio_var(kept, starts, V))
    ok = ~np.isnan(starts) & ~few
    out["break_off"] = np.where(ok, 100 * left / np.where(ok & (np.nan_to_num(starts) > 0), np.nan_to_num(starts), 1),
                                np.nan)
    out["break_off_lower"], out["break_off_upper"] = np.where(ok, 100 * lo, np.nan), np.where(ok, 100 * hi, np.nan)
    unreliable = (imp < protection.low_n) | (ok & (np.nan_to_num(starts) < protection.low_n))
    out["obs_status"] = np.where(hidden, "Q", np.where(unreliable, "U", "A"))
    out["conf_status"] = np.where(hidden, SUPPRESSED, FREE)
    return pd.DataFrame(out)


#: The columns of a published item non-response cell (after its ``dims``).
ITEM_STATS = ["applicable", "missing", "nonresponse", "nonresponse_lower", "nonresponse_upper"]


def publish_item_nonresponse(df: pd.DataFrame, dims: Sequence[str], protection: Protection) -> pd.DataFrame:
    """Published item non-response of the cells of ``df`` (``dims``; ``applicable``, the submissions the
    item applied to, and ``k_applicable``, their record keys' sum modulo 2³²; ``missing``, those that left
    it unanswered, and ``k_missing``), from :func:`warehouse.response_rates.item_nonresponse`.

    ``applicable`` is perturbed on its own key (the same records as a cube cell: the same published n);
    ``missing`` on its key mixed with the cell's (:func:`warehouse.protect.category_keys`, as an answer
    category: an item left unanswered by everyone keeps the cell's deviation, 100 % stays 100 %), then
    clipped to [0, applicable]. A cell whose true or perturbed ``applicable`` is below ``min_n`` is
    suppressed — no counts, no share (``OBS_STATUS`` Q, ``CONF_STATUS`` A), as the cube suppresses the
    same answers. ``nonresponse`` = missing / applicable in %, with a Wilson 95% interval widened for the
    perturbation of both counts (:func:`warehouse.stats.ckm_ratio_var`); ``obs_status`` U below ``low_n``.
    Only perturbed counts enter the share, so it gives back nothing the two published counts do not."""
    dims = list(dims)
    if not len(df):
        return pd.DataFrame(columns=[*dims, *ITEM_STATS, "obs_status", "conf_status"])
    true_n, true_m = df["applicable"].to_numpy(dtype=np.int64), df["missing"].to_numpy(dtype=np.int64)
    k_n = df["k_applicable"].to_numpy(dtype=np.int64)
    n = protection.perturb(true_n, k_n).astype(float)
    miss = protection.perturb(true_m, category_keys(df["k_missing"].to_numpy(dtype=np.int64), k_n, true_m, true_n))
    hidden = too_few(true_n, n, protection)
    nf = np.where(hidden, np.nan, n)
    mf = np.where(hidden, np.nan, np.clip(miss, 0, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = mf / nf
    lo, hi = stats.wilson(np.nan_to_num(mf), np.nan_to_num(nf),
                          noise_var=stats.ckm_ratio_var(p, nf, protection.noise_variance))
    out = {d: df[d].to_numpy() for d in dims}
    out.update(applicable=nf, missing=mf, nonresponse=100 * p,
               nonresponse_lower=np.where(hidden, np.nan, 100 * lo), nonresponse_upper=np.where(hidden, np.nan, 100 * hi))
    out["obs_status"] = np.where(hidden, "Q", np.where(nf < protection.low_n, "U", "A"))
    out["conf_status"] = np.where(hidden, SUPPRESSED, FREE)
    return pd.DataFrame(out)
