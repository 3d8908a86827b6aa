"""Reference metadata of the published tables: what a statistician needs beside the figures.

Contract
--------
:func:`reference_metadata` describes one export — the same ``freq``/``from``/``to`` — under the concepts
of the ESS Single Integrated Metadata Structure (SIMS v2.0, the reference metadata Istat and Eurostat
exchange), each keyed by its SIMS code and name: presentation (indicators, classifications, coverage,
unit, population, area, time coverage), unit of measure, reference period, confidentiality, accuracy
(sampling and non-sampling error, what the intervals do and do not say), timeliness, coherence
(breaks, pooling rules, additivity), **revisions** (provisional periods, late answers, frozen releases)
and processing. Coverage is computed from the data of the range (months, administrations, services,
service types, regions with counted responses — counts of units, not of respondents); everything else
is the method as implemented, stated in words, so the file is readable without the repository or the
public site. In Italian or English (``lang``: the request's, as the JSON-stat it goes in; the words of
:mod:`warehouse.refmeta_text`, the SIMS names as Istat's quality reports write them). It depends on the data and on whether the last period has ended only (``data_as_of``: the day
of the newest response *in the range described* — None when it holds none —, not the day of the export nor
of a later period's answers), so the same data give the same file. It is written by ``ascolto export --format metadata`` and embedded in the JSON-stat
collection (``extension.reference_metadata``) and the microdata package (``reference_metadata``).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from dataset.views import counted

from . import refmeta_text as tx
from .codelists import DATAFLOW
from .cube import last_day
from .periods import is_complete, period_of, today_rome, validate_range
from .protect import Protection

SIMS = "ESS Single Integrated Metadata Structure (SIMS) v2.0"


def _published_through(freq: str, today: date) -> str:
    """The last month of the latest period of ``freq`` that has ended on ``today``: what an export holds
    (a period is published once it has ended) — in December, ``2026-11`` monthly, ``2026-09`` quarterly."""
    running = today.year * 12 + today.month - 1
    last = running - running % {"M": 1, "Q": 3, "A": 12}[freq] - 1
    return f"{last // 12:04d}-{last % 12 + 1:02d}"


def _coverage(con, freq: str, start: str | None, end: str | None, today: date) -> dict[str, Any]:
    """Months and units with counted responses in the range (whole periods of ``freq``, ended on ``today``)."""
    first, last = validate_range(freq, start, end)
    last = min(last or "9999-12", _published_through(freq, today))
    conds = [counted(), *(["period::VARCHAR >= ?"] if first else []), "period::VARCHAR <= ?"]
    row = con.execute(
        "SELECT min(period)::VARCHAR, max(period)::VARCHAR, count(DISTINCT period), count(DISTINCT entity), "
        "count(DISTINCT service), count(DISTINCT service_type), count(DISTINCT region) FROM responses "
        f"WHERE {' AND '.join(conds)}", [m for m in (first, last) if m]).fetchone()
    return {"requested": {"freq": freq, "from": start, "to": end}, "first_month": row[0], "last_month": row[1],
            "months_with_responses": int(row[2]), "administrations": int(row[3]), "services": int(row[4]),
            "service_types": int(row[5]), "regions": int(row[6])}


def questionnaire_versions(catalog=None, lang: str = "en") -> list[dict[str, Any]]:
    """The published questionnaire versions the series are measured with (the standard's catalog, not the
    data: the same for every export), each with its measures — indicator, instrument, scale, whether it
    is a headline measure and the version its series began at (a later one: a declared break, whose
    reason is given) — so a reader can tell which wording and scale stand behind an INSTRUMENT × SCALE
    series and which versions are pooled in it. ``catalog``: the published standard by default; ``lang``:
    the language of the breaks' reasons (the other one when the definition has only that)."""
    from questionnaires import default_catalog
    from questionnaires.scales import measures

    catalog = catalog or default_catalog()
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for m in measures(catalog):
        if (m.questionnaire, m.version) not in out:
            q = catalog.get(m.questionnaire, m.version)
            out[(m.questionnaire, m.version)] = {
                "questionnaire": m.questionnaire, "version": m.version,
                "breaks": {ind: dict(why).get(lang) or dict(why).get("en") or dict(why).get("it", "")
                           for ind, why in sorted(q.breaks.items())}, "measures": []}
        out[(m.questionnaire, m.version)]["measures"].append(
            {"indicator": m.indicator, "instrument": m.instrument, "scale": m.scale, "headline": m.headline,
             "series_from_version": m.series})
    return [out[k] for k in sorted(out)]


#: The measured effect of the default noise (D = 2, V = 1) on small cells' shares (docs/confidentiality.md,
#: "Information loss"): what :func:`perturbation_words` says when the installation uses those parameters.
DEFAULT_NOISE_EFFECT = tx.T["noise_effect"][1]


def perturbation_words(protection: Protection, lang: str = "en") -> str:
    """S.13's account of the perturbation for ``protection``'s own parameters, in ``lang``: its maximum
    deviation, the mean absolute change of n computed from its p-table (0.74 at D = 2, V = 1; 1.10 at
    D = 3, V = 2), and the measured effect on small cells' shares — stated as measured at the defaults
    when the installation's noise is larger (``ASCOLTO_CKM_D``/``_V`` may only make it stricter)."""
    if not protection.enabled:
        return tx.text("no_perturbation", lang)
    mad, default = _mean_abs_change(protection.D, protection.V), _mean_abs_change(2, 1.0)
    effect = tx.text("noise_effect", lang)
    if (protection.D, protection.V) != (2, 1.0):
        effect = tx.text("noise_at_defaults", lang, default=f"{default:.2f}", effect=effect, D=protection.D,
                         V=protection.V)
    return tx.text("perturbation", lang, D=protection.D, mad=f"{mad:.2f}", effect=effect)


def _mean_abs_change(D: int, V: float) -> float:
    """The mean |deviation| of a count of at least ``D`` under the p-table (D, V) (its row D)."""
    from .ptable import build

    t = build(D, V)
    return float((abs(t.deviations[-1]) * t.probs[-1]).sum())


def reference_metadata(con, freq: str = "A", start: str | None = None, end: str | None = None,
                       protection: Protection | None = None, microdata_k: int = 5,
                       today: date | None = None, lang: str = "en") -> dict[str, Any]:
    """The reference metadata of the export of ``freq``/``start``/``end`` (see the module's contract), in
    ``lang`` (``it`` or ``en``: the SIMS concepts' names — the keys — and every text,
    :mod:`warehouse.refmeta_text`; the sub-keys and the numbers are the same in both)."""
    protection = protection or Protection()
    today = today or today_rome()
    cov = _coverage(con, freq, start, end, today)
    # the last period of ``freq`` the export shows, not its last month (in December 2026-Q4 is running
    # although November is over): a running period is not published, so this is false (kept for readers)
    running = bool(cov["last_month"]) and not is_complete(period_of(cov["last_month"], freq), today)
    d, v, m, low = protection.D, protection.V, protection.min_n, protection.low_n

    def n(code: str) -> str:
        return tx.name(code, lang)

    def t(key: str, **fields) -> str:
        return tx.text(key, lang, **fields)

    return {
        # data_as_of: the newest response of the range described (a 2025 table is not "as of" this week's answers)
        "standard": SIMS, "dataflow": DATAFLOW,
        "data_as_of": last_day(con, cov["first_month"], cov["last_month"]) if cov["first_month"] else None,
        "language": lang,
        n("S.3"): {
            n("S.3.1"): t("S.3.1"), n("S.3.2"): t("S.3.2"), n("S.3.3"): t("S.3.3"),
            n("S.3.4"): t("S.3.4", methodology=protection.methodology(lang)),
            n("S.3.5"): t("S.3.5"), n("S.3.6"): t("S.3.6"), n("S.3.7"): t("S.3.7"), n("S.3.8"): cov,
        },
        n("S.4"): t("S.4"),
        n("S.5"): t("S.5"),
        n("S.7"): {
            "method": protection.metadata(lang)["method"], "max_deviation": d, "variance": v, "min_n": m,
            "reliability_min_n": low,
            "perturbed": protection.enabled, "microdata_k": microdata_k,
            "documentation": protection.methodology(lang),
            "text": t("S.7", d=d, v=v, m=m, k=microdata_k)},
        n("S.13"): {
            "sampling_error": t("sampling_error", v=v, low=low),
            "non_sampling_error": t("non_sampling_error"),
            "perturbation": perturbation_words(protection, lang),
        },
        n("S.14"): t("S.14"),
        n("S.15"): t("S.15"),
        n("S.17"): {"policy": t("policy"), "practice": t("practice"), "last_period_running": running},
        n("S.18"): {
            "source_data": t("source_data"),
            "data_collection": t("data_collection"),
            "questionnaires": questionnaire_versions(lang=lang),
            "frequency_of_data_collection": t("frequency_of_data_collection"),
            "data_validation": t("data_validation"),
            "data_compilation": t("data_compilation"),
            "adjustment": t("adjustment"),
        },
    }
