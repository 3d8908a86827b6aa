"""A service type's compared units as the console shows them: the one place that turns
:func:`warehouse.compare.compare` (through :func:`.data.comparison`) into the rows of a page.

:func:`compared` is what the service type's page (:func:`.data_units.service_type_page`) and the
"Da guardare" page (:mod:`.data_attention`) both read, so a unit has there the same value, 95%
interval, funnel flag and FDR verdict. Its comparisons are kept in the console's comparison cache
(:func:`comparison_cache`, the API's ``/api/v1/compare`` cache: one per rollup version), its
refusals too (a type the guard will not pool is refused again on every visit otherwise), and so are
the units' own cells, the benchmark's and a refused type's instruments (the same rollup version, the same
protected figures): a warm page computes none of them again.
Suppressed units are rows without value, interval, flag or verdict, as the comparison gives them.
"""
from __future__ import annotations

from typing import Any

from .. import cube
from ..compare import benchmark_filters
from ..comparability import NotComparable
from ..protect import Protection
from ..ranking import DECIMALS as RANK_DECIMALS  # the EB estimate shown as precisely as ranks are decided on
from .data import comparison, num, shown_value, status_text
from .i18n import gettext as _, lang as lang_now
from .i18n_refusals import refusal

FLAGS = {"above_99.8": "sopra il limite al 99,8%", "above_95": "sopra il limite al 95%", "within": "entro i limiti",
         "below_95": "sotto il limite al 95%", "below_99.8": "sotto il limite al 99,8%"}
FDR = {"above": "significativamente sopra (FDR 5%)", "below": "significativamente sotto (FDR 5%)",
       "within": "nessuna differenza significativa"}
#: At most this many comparisons are kept per rollup version (then the cache starts again).
CACHE_SIZE = 256


def comparison_cache(extensions: dict, version: str | None) -> dict:
    """The comparisons computed from rollup ``version``, kept in an app's ``extensions`` (under
    ``ascolto.compare_cache``: the API's and the pages' one cache); a new version starts it empty."""
    store = extensions.setdefault("ascolto.compare_cache", {"version": None, "results": {}})
    if store["version"] != version or len(store["results"]) >= CACHE_SIZE:
        store["version"], store["results"] = version, {}
    return store["results"]


def cached_comparison(con, cut: "cube.Cut", measure: str, cache: dict | None = None, **kw) -> tuple:
    """:func:`.data.comparison` ``(body, refused, withheld)``, kept in ``cache`` (:func:`comparison_cache`)
    under a key of its own (never one of the API's bodies): deterministic for one rollup version (cell-key
    noise, rank intervals without sampling). The cached body is shared: never change it."""
    key = ("page", repr(cut), measure, repr(sorted((k, repr(v)) for k, v in kw.items())))
    return cached(cache, key, lambda: comparison(con, cut, measure, **kw))


def cached(cache: dict | None, key: tuple, compute):
    """``compute()``, kept in ``cache`` under ``key`` (computed each time without a cache): what one rollup
    version determines (the comparison cache is emptied for the next); the value is shared: never change it."""
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def not_comparable_note(con, protection, cut: "cube.Cut", exc: NotComparable,
                        cache: dict | None = None) -> dict[str, Any]:
    """Why a service type's comparison is not made (:func:`.data.comparison`'s ``withheld``): the guard's
    ``reason``, its refusal in the page's language naming what it would pool (``text``), and the instruments
    behind the type's national cell (``instruments``: the page links each one's own comparison); ``error`` is
    the guard's refusal itself (the funnel's CSV answers with it, a 422 as ``/api/v1/compare``). The
    instruments are kept in ``cache`` (:func:`cached`) under their cut (indicator, filters, freq, period) and
    protection, as the units' cells are (the same for every level): a warm visit runs no query for them; the
    words are written at each call, in the page's language."""
    off = sorted({v.split(":")[0] for vs in exc.fields.values() for v in vs})
    text = refusal("not_comparable", str(exc), reason=exc.reason)
    if lang_now() != "en" and off:  # the English message names them; the Italian reason does not
        text = f"{text.rstrip('.')} ({', '.join(off)})."
    by = cube.Cut(indicator=cut.indicator, by=["instrument"], filters=benchmark_filters(cut.filters), freq=cut.freq,
                  start=cut.start, end=cut.end).validate()
    found = cached(cache, ("instruments", repr(by), repr(protection)), lambda: sorted(
        v for v in cube.table(con, by, protection)["instrument"].tolist() if v != cube.UNKNOWN))
    return {"reason": exc.reason, "text": text, "instruments": list(found), "error": exc}


def compared(con, settings, code: str, indicator: str, measure: str, level: str, per: dict[str, Any],
             filters: dict[str, list[str]], names: dict[str, str], overdispersion: str = "multiplicative",
             cache: dict | None = None) -> dict[str, Any]:
    """Service type ``code``'s units (``level``) compared in ``per``'s period under ``filters``: ``body``
    (the comparison, or an empty one), ``rows`` (each unit as the page's table shows it: its own cell's value
    and 95% interval rounded once, n, the EB estimate and rank, the flag and FDR verdict in words — ``flag_code``
    and ``fdr_code`` the comparison's codes — and ``link``, its entity page's arguments), ``bench`` (the
    benchmark rounded once, from its cell), ``measure`` (the share where the guard refused the mean),
    ``refused`` (that refusal in words) and ``withheld`` (:func:`not_comparable_note`, no comparison made)."""
    protection = Protection.from_settings(settings)
    refused, withheld = "", None
    body: dict[str, Any] = {"units": [], "funnel": None, "benchmark": None}
    if per["period"]:
        cut = cube.Cut(indicator=indicator, filters=filters, freq=per["freq"], start=per["period"],
                       end=per["period"]).validate()
        # a mean over scales or instruments: say why, show the share; not even the share: say why, no comparison
        got, mean_refused, not_pooled = cached_comparison(con, cut, measure, cache, level=level, protection=protection,
                                                          overdispersion=overdispersion)
        if mean_refused or not_pooled:
            measure = "positive_share"
        if mean_refused and not not_pooled:
            refused = refusal("not_comparable", str(mean_refused), reason=mean_refused.reason)
        if not_pooled:
            withheld = not_comparable_note(con, protection, cut, not_pooled, cache)
        body = got or body
        # each unit's whole cell, as the comparison uses it (unit filters choose the rows, not the cells)
        by = cube.Cut(indicator=indicator, by=[level], filters=benchmark_filters(filters), freq=per["freq"],
                      start=per["period"], end=per["period"])
        own = cached(cache, ("cells", repr(by), repr(protection)), lambda: {
            r[level]: r for r in cube.table(con, by, protection).to_dict("records")})
    else:
        own = {}
    # the value from the unit's own cell (full precision), rounded once as every page rounds it: the
    # comparison's value is already rounded to 2 decimals (46.1538 → 46.15 → "46,1" here, "46,2" elsewhere)
    v_key, lo_key, hi_key = (("mean", "mean_lower", "mean_upper") if measure == "mean"
                             else ("top2", "top2_lower", "top2_upper"))
    # each unit's entity page (a service's: its administration's), with the indicator and period shown here
    ipa_of = (cached(cache, ("ipa_of", code), lambda: dict(con.execute(
        "SELECT DISTINCT service, entity FROM rollup WHERE service_type = ?", [code]).fetchall()))
              if level == "service" and body["units"] else {})
    # the words once a page, not once a unit (a type has thousands of services: gettext reads the language each time)
    flags, fdrs = {k: _(v) for k, v in FLAGS.items()}, {k: _(v) for k, v in FDR.items()}
    statuses: dict[tuple, str] = {}
    rows = []
    for u in body["units"]:
        st = (u.get("conf_status"), u.get("top2_status"), u.get("obs_status"))
        if st not in statuses:
            statuses[st] = status_text(u)
        o = own.get(u[level], {})
        ipa = u[level] if level == "entity" else ipa_of.get(u[level])
        pub = u["value"] is not None
        interval = "–".join(map(str, u["rank_interval"])) if u.get("rank_interval") else ""
        eb_ci = (u.get("eb") or {}).get("ci") or [None, None]
        rows.append({level: u[level], "name": names.get(u[level], u[level]), "n": u["n"],
                     "value": num(o.get(v_key, u["value"])) if pub else None, "ci_lower": num(o.get(lo_key)) if pub else None,
                     "ci_upper": num(o.get(hi_key)) if pub else None, "eb_estimate": num((u.get("eb") or {}).get("estimate"), RANK_DECIMALS),
                     # the rank alone (a number the CSV can sort; the page marks a shared one "3="), its
                     # interval in its own column
                     "rank": u.get("rank"), "rank_tied": bool(u.get("tied")), "rank_interval": interval,
                     # the EB interval as the comparison rounds it (2 decimals, as its estimate): rounding it
                     # again to 1 decimal wrote 46.15 as "46,1" (no cell to round it from: the model's)
                     "eb_lower": num(eb_ci[0], RANK_DECIMALS), "eb_upper": num(eb_ci[1], RANK_DECIMALS),
                     "flag": flags[u["flag"]] if u.get("flag") else "", "flag_code": u.get("flag") or "",
                     "fdr": fdrs[u["fdr"]["flag"]] if u.get("fdr") else "",
                     "fdr_code": (u.get("fdr") or {}).get("flag") or "", "status": statuses[st],
                     "obs_status": u["obs_status"], "conf_status": u["conf_status"],
                     "link": {"ipa": ipa, "indicator": indicator, "freq": per["freq"], "period": per["period"]}
                     if ipa else None})
    # the benchmark rounded once, from its cell (the service types' list writes the same figure)
    nat = cube.Cut(indicator=indicator, filters=benchmark_filters(filters), freq=per["freq"], start=per["period"],
                   end=per["period"])
    bench = (cached(cache, ("bench", repr(nat), measure, repr(protection)),
                    lambda: shown_value(con, protection, nat.validate(), measure))
             if (body.get("benchmark") or {}).get("value") is not None else None)
    return {"body": body, "rows": rows, "bench": bench, "measure": measure, "refused": refused, "withheld": withheld}
