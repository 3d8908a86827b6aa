"""The pages about units: the service types list, one service type's comparison of entities (funnel,
FDR flags, EB ranks) and one entity's page — positive share by default, the period always stated,
the instrument and channel breakdown reachable (see :mod:`warehouse.console.data`)."""
from __future__ import annotations

from typing import Any

from .. import cube
from ..changes import CHANGE_WORDS, compare, fdr_verdicts, previous_period  # noqa: F401  (CHANGE_WORDS re-exported)
from ..compare import LEVELS, MIN_UNITS
from ..comparability import QueryError, declared
from ..numbers import number
from ..rollup import MODULE_INDICATORS
from .data import (SHARE_COLUMNS, Chart, breakdown, cell, check_codes, ci_band, code_label, coverage_text,
                   indicator_arg, indicator_label, measure_arg, num, period_choice, region_label, table, type_label)
from .data_compared import FDR, FLAGS, compared, not_comparable_note  # noqa: F401  (re-exported)
from .i18n import gettext as _
from .overview_changes import NO_CHANGE
from .data_overview import trend_chart

SORTS = ("label", "n", "share")


def service_types_list(con, settings, args, lang) -> dict[str, Any]:
    """Every service type with data in the period: N and the headline (the positive share of
    satisfaction) with its 95% CI; sortable (``sort`` = label, n, share; ``dir`` = asc, desc); the table
    is ``charts[0]`` for its CSV download (``/csv/service-types/service-types``, in the order shown)."""
    per = period_choice(con, args)
    sort, direction = args.get("sort", "label"), args.get("dir", "asc")
    if sort not in SORTS:
        raise QueryError("sort", f"sort must be one of {', '.join(SORTS)}.")
    if direction not in ("asc", "desc"):
        raise QueryError("dir", "dir must be asc or desc.")
    rows = []
    if per["period"]:
        for r in table(con, settings, indicator="satisfaction", by=["service_type"], freq=per["freq"],
                       start=per["period"], end=per["period"]):
            if r["service_type"] != cube.UNKNOWN:
                rows.append({"code": r["service_type"], "label": type_label(r["service_type"], lang), **cell(r)})

    def key(r):
        v = r[sort]
        return (v is None, v if direction == "asc" or v is None or isinstance(v, str) else -v)
    rows.sort(key=key)
    if direction == "desc" and sort == "label":
        rows.reverse()
    columns = [("code", "Codice"), ("label", "Tipo di servizio"), ("n", "Risposte"), ("share", "Quota positiva %"),
               ("share_lower", "IC 95% inf."), ("share_upper", "IC 95% sup."), ("status", "Stato")]
    return {"per": per, "rows": rows, "sort": sort, "dir": direction,
            "charts": [Chart("service-types", "Tipi di servizio", columns, rows)]}  # its CSV, in the sort shown


def indicators_of_type(code: str) -> list[str]:
    """The core score indicators and the module indicators of the modules this service type uses."""
    try:
        from questionnaires.taxonomy import service_type as lookup

        qs = set(lookup(code).questionnaires)
    except Exception:  # an unknown type: core indicators only
        qs = set()
    mods = [m for m in MODULE_INDICATORS if m.split(":")[0] in qs]
    return [*cube.SCORE_INDICATORS, *mods]


def type_asks(code: str, indicator: str) -> bool:
    """Whether one of the questionnaires the taxonomy gives service type ``code`` asks ``indicator``
    (True for an unknown type or one without questionnaires: nothing to say it is not asked)."""
    try:
        from questionnaires.taxonomy import service_type as lookup

        qs = set(lookup(code).questionnaires)
    except Exception:
        return True
    return not qs or bool(qs & set(declared().get(indicator, ())))


#: Why a service type's breakdown cards are empty when none of its questionnaires asks the indicator.
TYPE_NOT_ASKED_NOTE = "Non rilevato: i questionari di questo tipo di servizio non pongono questa domanda."
#: Why an entity's breakdown cards are empty when none of its services' questionnaires asks the indicator.
ENTITY_NOT_ASKED_NOTE = "Non rilevato: i questionari dei servizi dell'ente non pongono questa domanda."

#: The service type page's unit filters, as its form labels them.
UNIT_FILTERS = (("region", "Regione"), ("pa_type", "Tipo di PA"), ("instrument", "Strumento"), ("channel", "Canale"))


def empty_note(filters: dict[str, list[str]], period: str, level: str = "entity") -> str:
    """Why a service type's table is empty: no unit (entity, or service with ``level`` ``service``) of the
    type answered in the period — with the filters chosen, named (``Regione: Piemonte``), when there are
    some (an empty table said only "Nessun dato.", as if the type had no data at all)."""
    chosen = [f"{_(label)}: {region_label(v) if d == 'region' else code_label(d.upper(), v)}"
              for d, label in UNIT_FILTERS for v in filters.get(d, ())]
    if not chosen:
        return _(UNIT_NOTES[level]["empty"]).format(p=period)
    return _(UNIT_NOTES[level]["empty_filtered"]).format(p=period, f="; ".join(chosen))


#: The comparison's notes, in the words of its units (``level``): a comparison of services said "enti".
UNIT_NOTES = {
    "entity": {
        "empty": "Nessun ente di questo tipo di servizio ha risposte a questa domanda nel periodo {p}.",
        "empty_filtered": "Nessun ente di questo tipo di servizio ha risposte a questa domanda nel periodo {p} con i filtri scelti "
                          "({f}): senza filtri si vedono tutti gli enti.",
        "few": "Con meno di {n} enti pubblicati un funnel plot non è informativo: ecco la tabella.",
        "lone": "Meno di 2 enti pubblicati: non c'è nulla da confrontare né da ordinare.",
        "pair": "Due soli enti pubblicati: la stima e l'intervallo di ciascuno sono i suoi, senza stime "
                "empirical-Bayes (con due enti la variabilità tra enti non si può stimare e la contrazione "
                "dipenderebbe da un'ipotesi, non dai dati). Il confronto è la loro differenza; l'intervallo del rango "
                "è un solo posto soltanto se la differenza è significativa.",
        "hidden": "Nessun valore pubblicato tra gli enti scelti (meno di {n} risposte: oscurato): il funnel non ha "
                  "punti da disegnare. La tabella dice lo stato di ciascuno.",
        "unranked": "Nessuna graduatoria: non c'è evidenza di differenze tra gli enti (varianza tra enti stimata "
                    "τ² = 0).",
        "ranked": "Ranghi delle stime empirical-Bayes con intervalli del rango al 95% (nella colonna accanto): un ente "
                  "può trovarsi in qualunque posizione del suo intervallo; stime pubblicate uguali condividono il "
                  "rango (=); «significativo» è il flag FDR di Benjamini-Hochberg (q < 5%) su tutti gli enti."},
    "service": {
        "empty": "Nessun servizio di questo tipo ha risposte a questa domanda nel periodo {p}.",
        "empty_filtered": "Nessun servizio di questo tipo ha risposte a questa domanda nel periodo {p} con i filtri scelti ({f}): "
                          "senza filtri si vedono tutti i servizi.",
        "few": "Con meno di {n} servizi pubblicati un funnel plot non è informativo: ecco la tabella.",
        "lone": "Meno di 2 servizi pubblicati: non c'è nulla da confrontare né da ordinare.",
        "pair": "Due soli servizi pubblicati: la stima e l'intervallo di ciascuno sono i suoi, senza stime "
                "empirical-Bayes (con due servizi la variabilità tra servizi non si può stimare e la contrazione "
                "dipenderebbe da un'ipotesi, non dai dati). Il confronto è la loro differenza; l'intervallo del rango "
                "è un solo posto soltanto se la differenza è significativa.",
        "hidden": "Nessun valore pubblicato tra i servizi scelti (meno di {n} risposte: oscurato): il funnel non ha "
                  "punti da disegnare. La tabella dice lo stato di ciascuno.",
        "unranked": "Nessuna graduatoria: non c'è evidenza di differenze tra i servizi (varianza tra servizi "
                    "stimata τ² = 0).",
        "ranked": "Ranghi delle stime empirical-Bayes con intervalli del rango al 95% (nella colonna accanto): un "
                  "servizio può trovarsi in qualunque posizione del suo intervallo; stime pubblicate uguali "
                  "condividono il rango (=); «significativo» è il flag FDR di Benjamini-Hochberg (q < 5%) su tutti "
                  "i servizi."},
}


def service_type_page(con, settings, args, lang, code: str, names: dict[str, str],
                      service_names: dict[str, str] | None = None, cache: dict | None = None) -> dict[str, Any]:
    """One service type's comparison: its entities (``level=entity``, default) or its services
    (``level=service``: each service of every administration, ``service_names`` naming them) against
    the national benchmark — funnel, FDR flags, EB ranks — with its trend and breakdowns. The units'
    rows are :func:`.data_compared.compared`'s (``cache``: the console's comparison cache)."""
    allowed = indicators_of_type(code)
    indicator = indicator_arg(args, allowed)
    measure = measure_arg(args)
    level = args.get("level") or "entity"
    if level not in LEVELS:
        raise QueryError("level", f"level must be one of {', '.join(LEVELS)}.")
    if level == "service":
        names = service_names or {}
    per = period_choice(con, args)
    filters = {"service_type": [code]}
    for d, _label in UNIT_FILTERS:
        if args.get(d):
            filters[d] = [args[d]]
    check_codes(filters)  # an unknown region, PA type or channel is a 400 naming it, as in the API
    got = compared(con, settings, code, indicator, measure, level, per, filters, names,
                   overdispersion=args.get("overdispersion", "multiplicative"), cache=cache)
    body, rows, bench, measure = got["body"], got["rows"], got["bench"], got["measure"]
    refused, withheld = got["refused"], got["withheld"]
    f = body.get("funnel") or {}
    informative = bool(f.get("informative"))
    pub = [r for r in rows if r["value"] is not None]
    plot = {}
    if informative and pub:  # limits and benchmark with no point (every chosen unit hidden): empty axes
        ns = f["n"]
        line = lambda y, name, color, dash, legend=True: {  # noqa: E731
            "type": "scatter", "mode": "lines", "x": ns, "y": y, "name": name, "showlegend": legend,
            "line": {"color": color, "dash": dash, "shape": "spline"}, "hoverinfo": "skip"}
        plot = {"data": [
            line(f["upper_99.8"], _("Limiti al 99,8%"), "#a61919", "dot"),
            line(f["lower_99.8"], _("Limiti al 99,8%"), "#a61919", "dot", False),
            line(f["upper_95"], _("Limiti al 95%"), "#995c00", "dash"),
            line(f["lower_95"], _("Limiti al 95%"), "#995c00", "dash", False),
            {"type": "scatter", "mode": "lines", "x": [ns[0], ns[-1]], "y": [bench, bench],
             "name": _("Benchmark nazionale"), "line": {"color": "#17324d"}},
            {"type": "scatter", "mode": "markers+text", "x": [r["n"] for r in pub], "y": [r["value"] for r in pub],
             # beside each point its IPA code (short); its name, n and value when pointed at
             "text": [r[level] for r in pub], "textposition": "top center",
             "name": _("Enti") if level == "entity" else _("Servizi"),
             "hovertext": [f"{r.get('name') or r[level]} ({r[level]})" for r in pub],
             "hovertemplate": "%{hovertext}<br>n = %{x}<br>%{y}<extra></extra>",
             "marker": {"color": "#0066cc", "size": 10}},
        ], "layout": {"xaxis": {"title": {"text": _("Numero di risposte")}, "tickformat": "d", "rangemode": "tozero"},
                      "yaxis": {"title": {"text": _("Quota positiva %") if measure != "mean" else _("Media (0–100)")},
                                "range": [0, 105]}}}
    words = UNIT_NOTES[level]
    note = "" if informative or not body["units"] else _(words["few"]).format(n=MIN_UNITS)
    if informative and rows and not pub:  # a region or PA type whose every unit is hidden: say so
        note = _(words["hidden"]).format(n=settings.disclosure_min_n)
    asked = type_asks(code, indicator)  # else every card says "non rilevato", not "no entity answered"
    if not rows and per["period"]:
        note = empty_note(filters, per["period"], level) if asked else _(TYPE_NOT_ASKED_NOTE)
    columns = [("rank", "Rango EB"), ("rank_interval", "Intervallo del rango"),
               *((("entity", "Codice IPA"), ("name", "Ente")) if level == "entity" else
                 (("service", "Chiave"), ("name", "Servizio"))), ("n", "Risposte"), ("value", "Valore"), ("ci_lower", "IC 95% inf."),
               ("ci_upper", "IC 95% sup."), ("eb_estimate", "Stima EB"), ("eb_lower", "IC 95% EB inf."),
               ("eb_upper", "IC 95% EB sup."), ("flag", "Posizione nel funnel"),
               ("fdr", "Confronto (FDR)"), ("status", "Stato")]
    ranking = body.get("ranking") or {}
    test = body.get("test") or {}
    # the units the comparison was fitted on: every published unit of the type, whatever the filters
    published = test.get("units") or sum(1 for r in rows if r["value"] is not None)
    difference = pair_note(ranking.get("difference"), names, lang) if published == 2 else ""
    if published < 2:
        ranking_note = _(words["lone"]) if rows else ""
    elif published == 2 and not ranking.get("shrinkage", True):  # their own figures, and the unranked note
        ranking_note = _(words["pair"]) + ("" if ranking.get("ranked") else " " + _(words["unranked"]))
    elif not ranking.get("ranked"):
        ranking_note = _(words["unranked"])
    else:
        ranking_note = _(words["ranked"])
    # the benchmark's own course: every response of the type, as the benchmark above
    trend = trend_chart(con, settings, indicator, per, "Benchmark nazionale per periodo", type_label(code, lang),
                        filters={"service_type": [code]})
    if not asked and not trend.rows:
        trend.note = _(TYPE_NOT_ASKED_NOTE)
    widened = str(body.get("method") or "").startswith("normal_") and test.get("phi") is not None
    return {"code": code, "label": type_label(code, lang), "ranking_note": ranking_note, "units_published": published,
            "difference": difference, "difference_significant": bool((ranking.get("difference") or {}).get("significant")),
            "phi": num(test.get("phi"), 2) if widened else None,
            "phi_test": {"statistic": num(test.get("statistic"), 1), "df": test.get("df"),
                         "replicates": test.get("replicates"), "p_value": test.get("p_value")} if widened else None,
            "indicator": indicator, "indicators": allowed, "benchmark_shown": bench, "level": level,
            "measure": measure, "refused": refused, "withheld": withheld, "per": per, "benchmark": body.get("benchmark"), "compare": body,
            "filters": filters, "method": body.get("method"), "ranking": body.get("ranking"),
            "instruments": list(declared().get(indicator, ())),
            "charts": [Chart("funnel", "Funnel plot", columns, rows, plot, note=note), trend,
                       *breakdown(con, settings, indicator, filters, per,
                                  not_asked="" if asked else _(TYPE_NOT_ASKED_NOTE))]}


def pair_note(d: dict | None, names: dict[str, str], lang: str) -> str:
    """Two units' direct comparison in words (:func:`warehouse.compare.compare`'s ``ranking.difference``):
    the higher minus the lower, its 95% interval and two-sided p, significant or not at 5%."""
    if not d or d.get("estimate") is None:
        return ""
    a, b = (f"{names.get(u) or u} ({u})" if names.get(u) else u for u in d["units"])
    n = lambda v, k=1: number(v, lang, k)  # noqa: E731
    p = "< " + n(0.001, 3) if d["p_value"] < 0.001 else "= " + n(d["p_value"], 3)
    verdict = _("significativa al 5%") if d["significant"] else _("non significativa: nessuna evidenza che differiscano")
    return _("Differenza tra {a} e {b}: {d} punti (IC 95% {lo} – {hi}; p {p}): {v}.").format(
        a=a, b=b, d=n(d["estimate"]), lo=n(d["ci"][0]), hi=n(d["ci"][1]), p=p, v=verdict)


#: Why an entity's trend for a service type is empty when none of its services of the type asks the
#: indicator (the position table's "non rilevato", said on the trend's card too, not a bare "Nessun dato.").
NOT_ASKED_NOTE = "Non rilevato: i questionari dei servizi dell'ente di questo tipo non pongono questa domanda."


def entity_page(con, settings, args, lang, ipa: str, services: list[dict], name: str | None = None) -> dict[str, Any]:
    """The entity page's data: its services in the period — each with its ``change`` since the previous
    period (:func:`warehouse.changes.compare`: which services got worse, beyond noise; None when the one
    rule :func:`warehouse.changes.why_not` refuses it, e.g. a cell of low reliability) — and, per service
    type, its trend beside the national benchmark — the line labelled ``name`` (the registry's, in the
    reader's language), else ``ipa``."""
    indicator = indicator_arg(args)
    per = period_choice(con, args)
    types = [t for (t,) in con.execute("SELECT DISTINCT service_type FROM rollup WHERE entity = ? AND n > 0 "
                                       "ORDER BY 1", [ipa]).fetchall()]
    p = per["period"]
    svc = {r["service"]: r for r in table(con, settings, True, indicator=indicator, by=["service"], filters={"entity": [ipa]},
                                          freq=per["freq"], start=p, end=p)} if p else {}
    recent = [x for x in per["periods"] if p and x <= p][-12:]
    # the trends' window: the last 12 periods of the chosen frequency, ending at the chosen period
    rng = {"freq": per["freq"], "start": recent[0], "end": recent[-1]} if recent else None
    charts = []
    first = cube.first_data_month(con)
    asked = set(declared().get(indicator, ()))  # the questionnaires that collect the indicator
    service_rows = [{**s, "cell": cell(svc[s["key"]]) if s["key"] in svc else None,
                     "collected": not s.get("questionnaire") or s["questionnaire"] in asked} for s in services]
    # the types none of whose services (in the registry) has a questionnaire asking the indicator
    not_asked = {t for t in types if (of := [s for s in service_rows if s["service_type"] == t])
                 and not any(s["collected"] for s in of)}
    for t in types:  # no window (a period before the data): each chart empty, its download still headed
        own = {r["period"]: cell(r) for r in table(con, settings, indicator=indicator,
                                                   filters={"entity": [ipa], "service_type": [t]}, **rng)} if rng else {}
        nat = {r["period"]: cell(r) for r in table(con, settings, indicator=indicator, filters={"service_type": [t]},
                                                   **rng)} if rng else {}
        rows = [{"period": q, "n": own[q]["n"], "share": own[q]["share"], "share_lower": own[q]["share_lower"],
                 "share_upper": own[q]["share_upper"], "status": own[q]["status"], "obs_status": own[q]["obs_status"],
                 "conf_status": own[q]["conf_status"], "national_n": nat.get(q, {}).get("n"),
                 "national_share": nat.get(q, {}).get("share"), "coverage": coverage_text(q, first)}
                for q in sorted(own)]
        pub = [r for r in rows if r["share"] is not None]  # the interval of each published value
        plot = {"data": [ci_band([r["period"] for r in pub], [r["share_lower"] for r in pub],
                                 [r["share_upper"] for r in pub], _("IC 95%"), "rgba(0,102,204,0.15)"),
                         {"type": "scatter", "mode": "lines+markers", "x": [r["period"] for r in rows],
                          "y": [r["share"] for r in rows], "name": name or ipa, "line": {"color": "#0066cc"}},
                         {"type": "scatter", "mode": "lines", "x": [r["period"] for r in rows],
                          "y": [r["national_share"] for r in rows], "name": _("Benchmark nazionale"),
                          "line": {"color": "#17324d", "dash": "dash"}}],
                # the periods in time order: plotly orders categories as the traces first name them,
                # and the band (published periods only) comes first — 2026-02 drawn before 2025-12
                "layout": {"yaxis": {"range": [0, 100], "title": {"text": _("Quota positiva %")}},
                           "xaxis": {"type": "category", "categoryarray": [r["period"] for r in rows],
                                     "title": {"text": _("Periodo")}}}}
        charts.append(Chart(f"trend-{t}", type_label(t, lang),
                            [("period", "Periodo"), ("n", "Risposte"), ("share", "Quota positiva %"),
                             ("share_lower", "IC 95% inf."), ("share_upper", "IC 95% sup."), ("status", "Stato"),
                             ("national_n", "Risposte (nazionale)"), ("national_share", "Quota positiva nazionale %"),
                             ("coverage", "Copertura del periodo")],
                            rows, plot, note=_(NOT_ASKED_NOTE) if t in not_asked and not rows else ""))
    prev = previous_period(p, per["freq"]) if p else None
    before = {r["service"]: cell(r) for r in table(con, settings, True, indicator=indicator, by=["service"],
                                                   filters={"entity": [ipa]}, freq=per["freq"], start=prev,
                                                   end=prev)} if prev in per["periods"] else {}
    words: dict[str, str] = {}  # each reason translated once a page, not once a service
    for r in service_rows:  # the one rule of every page (warehouse.changes.why_not); a refused one shows a dash,
        # and why when the service has a cell to compare (a suppressed, low-reliability or new-series one)
        r["change"], r["no_change"] = compare(before.get(r["key"]), r["cell"], prev)
        if r["no_change"] in (None, "missing"):
            r["why"] = ""
        else:
            if r["no_change"] not in words:
                words[r["no_change"]] = _(NO_CHANGE[r["no_change"]]).format(n=settings.reliability_min_n)
            r["why"] = words[r["no_change"]]
    # many services at once: false discoveries controlled over the changes stated (a refused one is None, not counted)
    fdr_verdicts([r["change"] for r in service_rows])
    none_asked = bool(service_rows) and not any(s["collected"] for s in service_rows)
    charts += breakdown(con, settings, indicator, {"entity": [ipa]}, per,
                        not_asked=_(ENTITY_NOT_ASKED_NOTE) if none_asked else "")
    return {"ipa": ipa, "indicator": indicator, "indicator_label": indicator_label(indicator), "per": per,
            "services": service_rows, "charts": charts, "types": types, "types_not_asked": not_asked,
            "window": rng}


__all__ = ["SHARE_COLUMNS", "entity_page", "service_type_page", "service_types_list"]
