"""The "Da guardare" / "Needs attention" page (``/attention``): for one indicator and period, the units of
every service type that its funnel places outside the limits — below the national benchmark first, then
above — so that the monitoring staff need not open each service type in turn.

Every figure is the service type's own page's (:func:`.data_compared.compared`, through the console's
comparison cache): the same value and 95% interval, benchmark, funnel flag and FDR verdict; nothing is
derived again here. Suppressed units have no flag and are never listed (the funnel draws no point for
them either). A type with no comparison — not comparable (the guard's ``withheld``), not informative
(fewer than :data:`warehouse.compare.MIN_UNITS` published units: no funnel) or with no unit outside the
limits — is counted in the page's one sentence (``summary``), never dropped silently.
"""
from __future__ import annotations

from typing import Any

from questionnaires.harmonize import SCORE_INDICATORS

from .. import cube
from ..compare import LEVELS, MIN_UNITS
from ..comparability import QueryError
from ..protect import Protection
from .data import Chart, indicator_arg, period_choice, table, type_label
from .data_compared import cached, compared
from .i18n import gettext as _

#: The flags listed, in the page's order: below the benchmark (worse) first, the farther out first.
ORDER = ("below_99.8", "below_95", "above_99.8", "above_95")

#: The page's words in the words of its units (``level``).
WORDS = {
    "entity": {
        "summary": "Tipi di servizio confrontati: {n}, di cui {m} senza enti fuori dai limiti",
        "few": "con meno di {min} enti pubblicati, funnel non informativo: {k} ({names})",
        "none": "Nessun ente fuori dai limiti nel periodo {p}.",
        "limits": "I limiti del funnel dicono quanto il valore di un ente può scostarsi dal benchmark nazionale "
                  "per il solo caso, dato il suo numero di risposte: fuori dai limiti al 95% ci si aspetta per caso "
                  "circa un ente su 20, fuori da quelli al 99,8% circa uno su 500. Un ente fuori dai limiti è da "
                  "guardare, non bocciato: i dati dicono dove cercare, non perché. Il confronto FDR "
                  "(Benjamini-Hochberg, 5%) tiene sotto controllo i falsi allarmi tra i tanti confronti: "
                  "«significativamente sotto» resta tale anche tenendo conto di quanti enti si confrontano.",
        "unit": (("entity", "Codice IPA"), ("name", "Ente"))},
    "service": {
        "summary": "Tipi di servizio confrontati: {n}, di cui {m} senza servizi fuori dai limiti",
        "few": "con meno di {min} servizi pubblicati, funnel non informativo: {k} ({names})",
        "none": "Nessun servizio fuori dai limiti nel periodo {p}.",
        "limits": "I limiti del funnel dicono quanto il valore di un servizio può scostarsi dal benchmark "
                  "nazionale per il solo caso, dato il suo numero di risposte: fuori dai limiti al 95% ci si aspetta "
                  "per caso circa un servizio su 20, fuori da quelli al 99,8% circa uno su 500. Un servizio fuori "
                  "dai limiti è da guardare, non bocciato: i dati dicono dove cercare, non perché. Il confronto FDR "
                  "(Benjamini-Hochberg, 5%) tiene sotto controllo i falsi allarmi tra i tanti confronti: "
                  "«significativamente sotto» resta tale anche tenendo conto di quanti servizi si confrontano.",
        "unit": (("service", "Chiave"), ("name", "Servizio"))},
}
NOT_COMPARABLE = "non confrontabili: {k} ({names})"


def columns(level: str) -> list[tuple[str, str]]:
    """The table's columns (and its CSV's, in this order)."""
    return [("service_type", "Codice"), ("type_label", "Tipo di servizio"), *WORDS[level]["unit"],
            ("n", "Risposte"), ("value", "Valore"), ("ci_lower", "IC 95% inf."), ("ci_upper", "IC 95% sup."),
            ("benchmark", "Benchmark nazionale"), ("flag", "Posizione nel funnel"), ("fdr", "Confronto (FDR)"),
            ("status", "Stato")]


def attention_page(con, settings, args, lang: str, names, service_names, cache: dict | None = None) -> dict[str, Any]:
    """The page's data: ``rows`` (the units outside the limits of every service type with data in the
    period, in :data:`ORDER`, then by type and name; each with ``type_link``, its service type's page with
    the same indicator, period and level), ``summary`` (the types without a listed unit, counted and named),
    ``limits_note`` (what the limits and FDR mean) and ``charts`` (the table, for its CSV). ``indicator``:
    a core score indicator (every service type's); the measure is the positive share (comparable across
    instruments), as the service type's page by default. ``names`` and ``service_names``: callables giving
    the entities' and the services' names (the registry is read only for the level shown); ``cache``: the
    console's comparison cache (the types with data in the period are kept there too)."""
    indicator = indicator_arg(args)
    level = args.get("level") or "entity"
    if level not in LEVELS:
        raise QueryError("level", f"level must be one of {', '.join(LEVELS)}.")
    per = period_choice(con, args)
    words = WORDS[level]
    p = per["period"]
    present = cached(cache, ("types", indicator, per["freq"], p, repr(Protection.from_settings(settings))),
                     lambda: {r["service_type"] for r in table(con, settings, indicator=indicator, by=["service_type"],
                                                               freq=per["freq"], start=p, end=p)}) if p else set()
    codes = sorted(present - {cube.UNKNOWN}, key=lambda c: type_label(c, lang).casefold())
    unit_names = (service_names if level == "service" else names)() if codes else {}
    rows: list[dict[str, Any]] = []
    calm, few, withheld = [], [], []
    for code in codes:
        got = compared(con, settings, code, indicator, "positive_share", level, per, {"service_type": [code]},
                       unit_names, cache=cache)
        if got["withheld"]:
            withheld.append(code)
            continue
        if not (got["body"].get("funnel") or {}).get("informative"):
            few.append(code)
            continue
        out = [r for r in got["rows"] if r["flag_code"] in ORDER]
        if not out:
            calm.append(code)
        label = type_label(code, lang)
        type_link = {"code": code, "indicator": indicator, "freq": per["freq"], "period": p,
                     "level": level if level != "entity" else None}
        rows += [{**r, "service_type": code, "type_label": label, "type_link": type_link, "benchmark": got["bench"]}
                 for r in out]
    rows.sort(key=lambda r: (ORDER.index(r["flag_code"]), r["type_label"].casefold(), str(r["name"]).casefold()))
    compared_n = len(codes) - len(withheld) - len(few)

    def named(cs):
        return ", ".join(type_label(c, lang) for c in cs)

    parts = [_(words["summary"]).format(n=compared_n, m=len(calm))]
    if withheld:
        parts.append(_(NOT_COMPARABLE).format(k=len(withheld), names=named(withheld)))
    if few:
        parts.append(_(words["few"]).format(k=len(few), min=MIN_UNITS, names=named(few)))
    summary = "; ".join(parts) + "." if p else ""
    note = _(words["none"]).format(p=p) if p and not rows else ""
    return {"indicator": indicator, "indicators": list(SCORE_INDICATORS), "level": level, "per": per, "rows": rows,
            "summary": summary,
            "types": {"compared": compared_n, "calm": calm, "few": few, "withheld": withheld},
            "limits_note": _(words["limits"]),
            "charts": [Chart("outside-limits", "Fuori dai limiti", columns(level), rows, note=note)]}
