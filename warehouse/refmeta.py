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
public site. It depends on the data and on whether the last period has ended only (``data_as_of``: the day
of the newest response, not the day of the export), so the same data give the same file. It is written by ``ascolto export --format metadata`` and embedded in the JSON-stat
collection (``extension.reference_metadata``) and the microdata package (``reference_metadata``).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from dataset.views import counted

from .codelists import DATAFLOW
from .cube import last_day
from .periods import is_complete, period_of, today_rome, validate_range
from .protect import Protection

SIMS = "ESS Single Integrated Metadata Structure (SIMS) v2.0"


def _coverage(con, freq: str, start: str | None, end: str | None) -> dict[str, Any]:
    """Months and units with counted responses in the range (whole periods of ``freq``)."""
    first, last = validate_range(freq, start, end)
    conds = [counted(), *(["period::VARCHAR >= ?"] if first else []), *(["period::VARCHAR <= ?"] if last else [])]
    row = con.execute(
        "SELECT min(period)::VARCHAR, max(period)::VARCHAR, count(DISTINCT period), count(DISTINCT entity), "
        "count(DISTINCT service), count(DISTINCT service_type), count(DISTINCT region) FROM responses "
        f"WHERE {' AND '.join(conds)}", [m for m in (first, last) if m]).fetchone()
    return {"requested": {"freq": freq, "from": start, "to": end}, "first_month": row[0], "last_month": row[1],
            "months_with_responses": int(row[2]), "administrations": int(row[3]), "services": int(row[4]),
            "service_types": int(row[5]), "regions": int(row[6])}


def questionnaire_versions(catalog=None) -> list[dict[str, Any]]:
    """The published questionnaire versions the series are measured with (the standard's catalog, not the
    data: the same for every export), each with its measures — indicator, instrument, scale, whether it
    is a headline measure and the version its series began at (a later one: a declared break, whose
    reason is given) — so a reader can tell which wording and scale stand behind an INSTRUMENT × SCALE
    series and which versions are pooled in it. ``catalog``: the published standard by default."""
    from questionnaires import default_catalog
    from questionnaires.scales import measures

    catalog = catalog or default_catalog()
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for m in measures(catalog):
        if (m.questionnaire, m.version) not in out:
            q = catalog.get(m.questionnaire, m.version)
            out[(m.questionnaire, m.version)] = {
                "questionnaire": m.questionnaire, "version": m.version,
                "breaks": {ind: dict(why).get("en", "") for ind, why in sorted(q.breaks.items())}, "measures": []}
        out[(m.questionnaire, m.version)]["measures"].append(
            {"indicator": m.indicator, "instrument": m.instrument, "scale": m.scale, "headline": m.headline,
             "series_from_version": m.series})
    return [out[k] for k in sorted(out)]


#: The measured effect of the default noise (D = 2, V = 1) on small cells' shares (docs/confidentiality.md,
#: "Information loss"): what :func:`perturbation_words` says when the installation uses those parameters.
DEFAULT_NOISE_EFFECT = ("about 5 points on a share for cells of 10-29 and about 12 for cells of 3-9")


def perturbation_words(protection: Protection) -> str:
    """S.13's account of the perturbation for ``protection``'s own parameters: its maximum deviation,
    the mean absolute change of n computed from its p-table (0.74 at D = 2, V = 1; 1.10 at D = 3, V = 2),
    and the measured effect on small cells' shares — stated as measured at the defaults when the
    installation's noise is larger (``ASCOLTO_CKM_D``/``_V`` may only make it stricter)."""
    if not protection.enabled:
        return "No perturbation: the counts are published as they are (protection off)."
    mad, default = _mean_abs_change(protection.D, protection.V), _mean_abs_change(2, 1.0)
    effect = (DEFAULT_NOISE_EFFECT if (protection.D, protection.V) == (2, 1.0) else
              f"at the default D = 2, V = 1 (mean absolute change {default:.2f}) it was measured at "
              f"{DEFAULT_NOISE_EFFECT}; here the noise is set to D = {protection.D}, V = {protection.V}")
    return (f"The cell-key noise is at most {protection.D} per count (mean absolute change of n about {mad:.2f}); "
            f"it is negligible for cells of 100 or more responses; {effect}; the published intervals include it.")


def _mean_abs_change(D: int, V: float) -> float:
    """The mean |deviation| of a count of at least ``D`` under the p-table (D, V) (its row D)."""
    from .ptable import build

    t = build(D, V)
    return float((abs(t.deviations[-1]) * t.probs[-1]).sum())


def reference_metadata(con, freq: str = "A", start: str | None = None, end: str | None = None,
                       protection: Protection | None = None, microdata_k: int = 5,
                       today: date | None = None) -> dict[str, Any]:
    """The reference metadata of the export of ``freq``/``start``/``end`` (see the module's contract)."""
    protection = protection or Protection()
    today = today or today_rome()
    cov = _coverage(con, freq, start, end)
    # the last period of ``freq`` the export shows (the one the table flags PROVISIONAL=Y), not its
    # last month: in December 2026-Q4 is running although November, the last month with data, is over
    running = bool(cov["last_month"]) and not is_complete(period_of(cov["last_month"], freq), today)
    d, v, m, low = protection.D, protection.V, protection.min_n, protection.low_n
    return {
        "standard": SIMS, "dataflow": DATAFLOW, "data_as_of": last_day(con), "language": "en",
        "S.3 Statistical presentation": {
            "S.3.1 Data description": (
                "Judgements of users of Italian public services on the service they have just used, from the "
                "standard Ascolto questionnaires (cx-core and its modules, the Designers Italia rating "
                "components, the three faces). Series per indicator (satisfaction, ease, clarity, speed, trust): "
                "<IND>_POS, the share of positive judgements in % (the top categories of each item's own scale: "
                "4-5 of five points or stars, the happy face, yes), the headline comparable across instruments; "
                "<IND>_MEAN, the mean score on 0-100, published only for cells whose answers come from one scale, "
                "instrument, wording and series; TASK_COMPLETED_YES|PARTLY|NO, shares; MOD_<MODULE>__<ITEM>_POS|MEAN, "
                "a module's own items (the services using that module only; in the table by instrument), whose "
                "INDICATOR label names, for a yes/no or choice item, the answer counted as positive and those "
                "left out of the share. Each value with its 95% "
                "interval (LOWER_BOUND, UPPER_BOUND) and the number of responses (N_RESP, perturbed)."),
            "S.3.2 Classification system": (
                "REF_AREA: NUTS-2 region of the administration (IT = Italy); PA_TYPE: IPA categories; "
                "SERVICE_TYPE: the Ascolto service-type taxonomy; FREQ, INSTRUMENT, SCALE, CHANNEL, INDICATOR, "
                "UNIT_MEASURE, OBS_STATUS, PROVISIONAL, CONF_STATUS, CI_STATUS, CKM_PERTURBED: the codelists of the "
                "SDMX structure (ascolto export --format sdmx-structure) and of the <name>.codelists.csv file, "
                "labels in Italian and English. _T = total, _U = unknown."),
            "S.3.3 Sector coverage": (
                "Public administrations that have joined Ascolto and the services they registered; participation "
                "is voluntary, so the administrations covered are not a sample of all Italian administrations."),
            "S.3.4 Statistical concepts and definitions": (
                "Positive share: positive answers / answers to the item, per the item's own scale (methodology: "
                f"{protection.methodology('en')}). Mean: average of the 0-100 scores of one scale. A respondent counts "
                "once per submission (repeated submissions with the same id are stored once); automated "
                "(test) answers are excluded."),
            "S.3.5 Statistical unit": "One response (submission) to a questionnaire about one service.",
            "S.3.6 Statistical population": (
                "Responses of users who chose to answer (opt-in). There is no sampling frame and no selection "
                "probability: the figures describe the respondents, not all users of the services."),
            "S.3.7 Reference area": "Italy; regions by the seat of the administration, not of the respondent.",
            "S.3.8 Time coverage": cov,
        },
        "S.4 Unit of measure": ("PC: percent (shares and their bounds); PT: points on 0-100 (means and their "
                                "bounds); N_RESP: number of responses after cell-key perturbation."),
        "S.5 Reference period": ("The month in which the collector received the response (Europe/Rome time); "
                                 "quarters and years aggregate their months."),
        "S.7 Confidentiality": {
            "method": protection.metadata()["method"], "max_deviation": d, "variance": v, "min_n": m,
            "reliability_min_n": low,
            "perturbed": protection.enabled, "microdata_k": microdata_k,
            "documentation": protection.methodology("en"),
            "text": (f"Every count is perturbed by the cell-key method (p-table with maximum deviation {d} and "
                     f"variance {v}); every published figure derives from perturbed counts. Cells whose true or "
                     f"perturbed n is below {m}, or with no answer left in their categories by the perturbation, "
                     f"show neither "
                     f"value nor n (OBS_STATUS=Q, CONF_STATUS=A); there is no secondary "
                     f"suppression. Microdata (restricted) release only rows whose quasi-identifiers are shared by "
                     f"at least {microdata_k} responses.")},
        "S.13 Accuracy and reliability": {
            "sampling_error": ("Positive shares: Wilson score 95% interval; means: Student t 95% interval "
                               "(CI_STATUS says when it is degenerate or undefined); n is the published n. "
                               f"Both add the variance of the cell-key noise ({v} per count, delta method) to the "
                               "sampling variance: the Wilson interval at the effective sample size, the t interval "
                               "with the summed variance. "
                               f"OBS_STATUS=U marks fewer than {low} responses (low reliability), in a provisional period too; "
                               "in the first period after a declared break OBS_STATUS=B takes its place (one status per "
                               f"observation): there N_RESP below {low} says it."),
            "non_sampling_error": (
                "Self-selection: the very satisfied and the very dissatisfied answer more, digital channels reach "
                "digital users; response rates differ between services and channels. These biases are not in "
                "the intervals, which describe random noise only (sampling and perturbation). No weighting, imputation or calibration is "
                "applied. Mode effects between instruments (a face at a desk, a web form) remain in pooled "
                "positive shares: the INSTRUMENT and CHANNEL breakdowns show them."),
            "perturbation": perturbation_words(protection),
        },
        "S.14 Timeliness and punctuality": (
            "Collection is continuous; a response enters the tables within seconds of its receipt. The running "
            "period is published as provisional (PROVISIONAL=Y beside its OBS_STATUS; JSON-stat status P, UP, BP)."),
        "S.15 Coherence and comparability": (
            "A declared change of a questionnaire item starts a new series: its first period carries OBS_STATUS=B; "
            "means, funnels and rankings never pool across it. Means are never pooled across scales or "
            "instruments (withheld instead). Under the cell-key method tables are not additive: a margin differs "
            "slightly from the sum of its published cells, and a quarter from the sum of its months. The first "
            "and the running period may cover only part of their months (COMMENT_OBS says so)."),
        "S.17 Data revision": {
            "policy": (
                "The tables are computed on demand from the live dataset; an export is a snapshot of the data "
                "as of 'data_as_of', the day of the newest response (JSON-stat 'updated'). A period still running is "
                "provisional (PROVISIONAL=Y; its OBS_STATUS still says U or B) and changes until it ends. A completed period can still change when "
                "responses received in it are stored late: the collector's spool replayed after a broker outage, "
                "a processor backlog, or history loaded by backfill with its original dates. Quarterly releases "
                "(ascolto publish --period YYYY-Qn) are frozen and versioned: a change of their published figures "
                "becomes a new version (v2, ...) with a note and the counts of revised, added and removed observations "
                "(a republication with identical figures is not a revision); earlier versions "
                "stay available. The perturbation parameters and secret are fixed for the life of the data, so "
                "unchanged data give unchanged figures in every export."),
            "practice": "Revisions are published only as new release versions; there is no seasonal adjustment.",
            "last_period_running": running,
        },
        "S.18 Statistical processing": {
            "source_data": ("Questionnaires answered on administrations' web pages and apps (widget, form), "
                            "kiosks, front offices and phone (operators record the three-face judgement)."),
            "data_collection": (
                "The standard questionnaires below, by published version. An observation pools the versions of its "
                "INSTRUMENT that answered in its period; versions of one series (the same series_from_version) "
                "are pooled, a version declaring a break starts a new series (its first period: OBS_STATUS=B) "
                "and means are never pooled across series."),
            "questionnaires": questionnaire_versions(),
            "frequency_of_data_collection": "Continuous.",
            "data_validation": ("Every submission is validated against its questionnaire version by the collector "
                                "and again by the processor; invalid records are kept apart (failed dataset), never "
                                "in the tables; duplicates by submission id are stored once."),
            "data_compilation": ("Each questionnaire version declares how its items map to the canonical indicators "
                                 "(0-100 scores, positive answers per scale); shares and means are computed per cell "
                                 "from perturbed counts per answer category."),
            "adjustment": "None: no weighting, imputation, calibration or seasonal adjustment.",
        },
    }
