"""The change of a positive share since the previous period, from two *published* cells, judged one by
one or many at once (docs/methodology.md §8). Pure functions, shared by the console (the workspace's and
the entity page's services tables, :mod:`warehouse.console.data_units`) and the public site's
highlights (:mod:`warehouse.public.highlights`): nothing here reads data.

- :func:`previous_period`: the period just before another, at its frequency.
- :func:`why_not`: the one rule for why no change is stated between two cells (:data:`NO_CHANGE_REASONS`),
  every page's (the public highlights, the console's overview and its services tables); :func:`compare`
  applies it and gives the change or the reason.
- :func:`change_since`: one cell against the previous period's — the difference in points, its 95%
  Newcombe interval and the verdict of :func:`warehouse.evaluation.share_change`.
- :func:`fdr_verdicts`: many changes of one page judged together (Benjamini–Hochberg).
- :func:`noise_from_interval`: the perturbation variance a published share's interval implies, for a
  reader holding only the published cell (a release), not the cube's ``share_noise_var``.
"""
from __future__ import annotations

from typing import Any

from scipy import optimize, stats as sps
from statsmodels.stats.proportion import proportion_confint

from .protect import SUPPRESSED

#: the verdict of a change since the previous period (:func:`change_since`), in words (a console template
#: global, ``change_words``: the workspace's and the console's entity page's services tables)
CHANGE_WORDS = {"improved": "migliorato", "worsened": "peggiorato",
                "no detectable change": "nessuna variazione rilevabile"}

#: Why no change is stated between two cells (:func:`why_not`), in its precedence: either cell absent or
#: without a published share and n (``missing``); suppressed (``suppressed``: CONF_STATUS A or OBS_STATUS Q);
#: of low reliability (``low_n``: OBS_STATUS U, the flag :mod:`warehouse.protect` sets on a published cell
#: of fewer than ``Protection.low_n`` — ``ASCOLTO_RELIABILITY_MIN_N`` — answers); the first period of a new
#: series (``break``: OBS_STATUS B, :mod:`warehouse.cube`). Each page says them in its own words.
NO_CHANGE_REASONS = ("missing", "suppressed", "low_n", "break")
#: The OBS_STATUS codes (:data:`warehouse.codelists.OBS_STATUS`) that refuse a comparison, and why.
_REFUSED_OBS = {"Q": "suppressed", "U": "low_n", "B": "break"}


def _reason(cell: dict | None) -> str | None:
    """Why one cell cannot be compared (a :data:`NO_CHANGE_REASONS` code), None when it can."""
    if cell is None:
        return "missing"
    if cell.get("conf_status") == SUPPRESSED or cell.get("obs_status") == "Q":
        return "suppressed"
    if cell.get("share") is None or cell.get("n") is None:
        return "missing"
    return _REFUSED_OBS.get(cell.get("obs_status"))


def why_not(before: dict | None, now: dict | None) -> str | None:
    """The one rule (docs/methodology.md §8) of every page that states a change since the previous period:
    None when the two cells (as :func:`change_since` reads them: ``share``, ``n``, ``conf_status``,
    ``obs_status``) may be compared — both published, unsuppressed, with a share and an n, neither of low
    reliability (U) nor the first period of a new series (B) — else the first reason of either cell in the
    precedence of :data:`NO_CHANGE_REASONS` (missing, suppressed, low_n, break)."""
    reasons = {_reason(before), _reason(now)}
    return next((code for code in NO_CHANGE_REASONS if code in reasons), None)


def compare(before: dict | None, now: dict | None, prev: str | None) -> tuple[dict[str, Any] | None, str | None]:
    """(change, None) between two cells the rule (:func:`why_not`) lets be compared — the change of
    :func:`change_since` — else (None, the reason); a change the test cannot give is ``missing``."""
    reason = why_not(before, now)
    change = None if reason else change_since(before, now, prev)
    return change, None if change else reason or "missing"


def previous_period(label: str, freq: str) -> str:
    """The period of ``freq`` just before ``label`` (``2026-10`` → ``2026-09``, ``2026-Q1`` → ``2025-Q4``): the
    calendar's own step, :func:`warehouse.periods.period_before` (``freq`` is ``label``'s own)."""
    from .periods import period_before

    return period_before(label)


def change_since(before: dict | None, now: dict | None, prev: str | None) -> dict[str, Any] | None:
    """A positive share against the previous period's, from the two *published* cells (the
    counts k = share × n of the perturbed n, as the plans' evaluation, and each cell's perturbation
    variance ``share_noise_var``): the difference in points, its 95% interval (Newcombe, at the
    effective n's) and the verdict of :func:`warehouse.evaluation.share_change` — ``worsened``
    only when the whole interval is below 0, so a fall within noise is "nessuna variazione rilevabile".
    None when either cell has no share or n, or the test cannot be computed; it does not apply the rule of
    which cells may be compared — the pages call :func:`compare` (:func:`why_not`), not this."""
    from .evaluation import EvaluationError, share_change

    if not before or not now or None in (before["share"], now["share"], before["n"], now["n"]):
        return None
    try:
        c = share_change(round(before["share"] * before["n"] / 100), before["n"],
                         round(now["share"] * now["n"] / 100), now["n"],
                         noise_var0=before.get("share_noise_var"), noise_var1=now.get("share_noise_var"),
                         mdc=False)  # not part of the answer: its power search was 85% of the time
    except EvaluationError:
        return None
    return {"period": prev, "difference": c.difference, "ci": list(c.ci), "verdict": c.verdict, "p_value": c.p_value}


def fdr_verdicts(changes: list[dict[str, Any] | None], alpha: float = 0.05) -> None:
    """Judge the changes of one page together (docs/methodology.md §8): an entity with 40 services
    judged each at 95% shows about two "peggiorato"/"migliorato" by chance alone. The p values of the
    changes (:func:`change_since`'s score tests) are adjusted by Benjamini–Hochberg over the page
    (``statsmodels`` ``fdr_bh``, as the funnels' flags); a change keeps its verdict only when its
    interval excludes 0 *and* its q value is below ``alpha``, else it reads "nessuna variazione
    rilevabile". Sets ``q_value`` on each change (in place); ``None`` entries (no comparison) are skipped."""
    from statsmodels.stats.multitest import multipletests

    judged = [c for c in changes if c]
    if not judged:
        return
    reject, q, *_ = multipletests([c["p_value"] for c in judged], alpha=alpha, method="fdr_bh")
    for c, keep, qv in zip(judged, reject, q):
        c["q_value"] = float(qv)
        if not keep:
            c["verdict"] = "no detectable change"


def noise_from_interval(share: float, n: float, lower: float, upper: float, level: float = 0.95) -> float:
    """The perturbation variance (0–1 scale) that a published positive share's interval implies: every
    published interval is the Wilson interval at the effective n, n / (1 + n·v / (p̃(1 − p̃))), p̃ the
    Wilson centre (:func:`warehouse.stats.wilson`), so its width gives the effective n and so ``v`` —
    what :func:`change_since` takes as ``share_noise_var`` (the cube's own, :func:`warehouse.cube.table`'s
    ``top2_noise_var``, is not in a release). ``share``, ``lower``, ``upper`` in % as published (four
    decimals); 0 when the interval is no wider than sampling alone explains (rounding)."""
    p, width = share / 100, (upper - lower) / 100
    z2 = sps.norm.ppf(0.5 + level / 2) ** 2

    def excess(n_eff: float) -> float:
        lo, hi = proportion_confint(p * n_eff, n_eff, alpha=1 - level, method="wilson")
        return float(hi - lo) - width

    if n < 2 or not 0 < width < 1 or excess(n) >= 0:
        return 0.0
    n_eff = optimize.brentq(excess, 1e-6, n, xtol=1e-10)
    centre = (p * n + z2 / 2) / (n + z2)
    return float(max(0.0, (n / n_eff - 1) * centre * (1 - centre) / n))


__all__ = ["CHANGE_WORDS", "NO_CHANGE_REASONS", "change_since", "compare", "fdr_verdicts", "noise_from_interval",
           "previous_period", "why_not"]
