"""What each dashboard page shows, computed from the warehouse (the same functions as the API).

Every builder returns a dict with ``charts``: each :class:`Chart` has the rows its table
alternative shows, and the CSV download of a chart is exactly those rows and columns. Every page
that aggregates states its period (:func:`period_choice`: the one asked for, else the latest
complete period with data) and shows the **positive share** with its Wilson interval by default
(comparable across instruments); the mean only where the comparability guard allows it, and the
instrument and channel breakdown beside it (:func:`breakdown`). Visible labels go through
:mod:`warehouse.console.i18n`; status codes are shown as words (:func:`status_text`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from questionnaires.harmonize import SCORE_INDICATORS
from questionnaires.taxonomy import UnknownCode, service_type as lookup_type, service_types

from .. import codelists, cube
from ..comparability import QueryError
from ..periods import is_complete, require_ended, validate_range
from ..protect import FREE, MEAN_PUBLISHED, Protection
from .absent import ABSENT, absent_kind, absent_words, undrawn  # noqa: F401  (re-exported: data.ABSENT)
from .i18n import gettext as _, lang as current_lang
from .indicator_words import indicator_label, indicator_menu  # noqa: F401  (re-exported: data.indicator_label)

SUPPRESSED = ("A",)
MEASURES = ("positive_share", "mean")


@dataclass
class Chart:
    id: str
    title: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[dict[str, Any]]
    plot: dict[str, Any] = field(default_factory=dict)  # plotly {data, layout}
    caption: str = ""
    note: str = ""

    def drawn(self) -> bool:
        """Whether the picture has anything to draw: a value of a line or a point that is not a 95%
        band (a band alone, or lines whose every value is suppressed, would draw empty axes — a card
        with a heading and nothing in it; :func:`_macros.chart` says why instead)."""
        return bool(self.rows) and any(y is not None for t in self.plot.get("data") or ()
                                       if t.get("fill") != "toself" for y in t.get("y") or ())

    def undrawn(self, min_n: int) -> str:
        """Why the picture draws nothing (:meth:`drawn` False while the table has rows): :func:`.absent.undrawn`."""
        return undrawn(self.rows, min_n)

    def alt(self) -> str:
        """The picture's text alternative (its ``role="img"`` label), in the reader's language: what it
        draws — the title, the measure on each axis, the series — and where its values are (the data
        table that follows it). Never "the data table": the picture is not the table."""
        layout = self.plot.get("layout") or {}

        def axis(a: str) -> str:
            return str(((layout.get(a) or {}).get("title") or {}).get("text") or "")

        x, y = axis("xaxis"), axis("yaxis")
        names = list(dict.fromkeys(str(t["name"]) for t in self.plot.get("data") or () if t.get("name")))
        parts = [_(self.title), _("grafico di {y} per {x}").format(y=y, x=x) if x and y else _("grafico")]
        if names:
            parts.append(_("serie: {s}").format(s=", ".join(names)))
        parts.append(_("i valori ({n} righe) sono nella tabella dei dati del grafico che segue").format(n=len(self.rows)))
        return "; ".join(parts) + "."


def table_csv(columns: list[tuple[str, str]], rows: list[dict[str, Any]], filename: str, **headers: str):
    """A chart's table as its CSV download: exactly ``rows`` and ``columns``, the header in the reader's
    language as the page's table heads it (the values are already: statuses and notes are words of
    that language; the faccia report's too, as its page is) — a
    spreadsheet's file in the reader's dialect (:mod:`.downloads`: BOM; ``;`` and ``53,9`` in
    Italian, ``,`` and ``53.9`` in English), every cell through :func:`warehouse.csvsafe.csv_writer`.
    The one writer of the console's table downloads."""
    from .downloads import csv_response

    return csv_response([_(label) for _key, label in columns],
                        ([r.get(k) for k, _label in columns] for r in rows), filename, **headers)


def num(v: Any, digits: int = 1) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else round(f, digits)


def count(v: Any) -> int | None:
    """A published count (None when suppressed)."""
    f = num(v, 0)
    return None if f is None else int(f)


def type_label(code: str, lang: str) -> str:
    try:
        label = lookup_type(code).label
        return label.get(lang) or label.get("it") or code
    except UnknownCode:
        return codelists.label("SERVICE_TYPE", code, lang)


def region_label(nuts: str) -> str:
    return codelists.label("REF_AREA", nuts, current_lang())


def code_label(codelist: str, code: str) -> str:
    return codelists.label(codelist, code, current_lang())


def status_text(r: dict[str, Any]) -> str:
    """A cell's status in words (never the codes A/F/U/B/Q): why it has no value (:data:`ABSENT`), else
    its reliability."""
    kind = absent_kind(r)
    if kind in ("suppressed", "not_headline"):  # not_headline: split by instrument to see the shares
        return _(ABSENT[kind][0])
    return {"U": _("bassa affidabilità"), "B": _("interruzione di serie")}.get(r.get("obs_status"), _("pubblicato"))


def mean_note(status: str | None) -> str:
    if status in (None, "ok"):
        return ""
    return {"degenerate": _("risposte tutte uguali: intervallo di ampiezza zero"),
            "undefined": _("meno di 2 risposte: nessun intervallo"),
            "shares_only": _("pubblicato come quote di sì / in parte / no"),
            }.get(status, _("media non confrontabile: la cella unisce scale o strumenti diversi"))


def cell(r: dict[str, Any]) -> dict[str, Any]:
    """A cube row's published statistics (None when suppressed), the mean only where it is comparable."""
    free = r["conf_status"] == FREE
    ms = r.get("mean_status")
    mean_ok = free and ms in MEAN_PUBLISHED
    return {"n": int(r["n"]) if free else None,
            "share": num(r.get("top2")), "share_lower": num(r.get("top2_lower")), "share_upper": num(r.get("top2_upper")),
            "mean": num(r.get("mean")) if mean_ok else None, "mean_lower": num(r.get("mean_lower")) if mean_ok else None,
            "mean_upper": num(r.get("mean_upper")) if mean_ok else None, "mean_note": mean_note(ms) if free else "",
            "status": status_text(r), "obs_status": r["obs_status"], "conf_status": r["conf_status"],
            "share_status": r.get("top2_status") or "ok", "absent": absent_kind(r),
            "share_noise_var": num(r.get("top2_noise_var"), 12)}  # for comparisons (evaluation), not shown


def table(con, settings, noise: bool = False, **kw) -> list[dict[str, Any]]:
    """The published rows of the cut ``kw`` (``noise``: with each cell's perturbation variances, :func:`cube.table`)."""
    cut = cube.Cut(**kw).validate()
    return cube.table(con, cut, Protection.from_settings(settings), noise=noise).to_dict("records")


def shown_value(con, protection: Protection, cut: "cube.Cut", measure: str) -> float | None:
    """The value of ``cut``'s one cell (its positive share, or its mean for ``measure`` ``mean``) rounded
    once, as the pages show it — None when suppressed or empty. A comparison's values
    (:func:`warehouse.compare.compare`: the benchmark's, the units') are already rounded to 2 decimals;
    rounding one again wrote 46.1538 as "46,1" where every other page writes "46,2"."""
    df = cube.table(con, cut, protection)
    if not len(df) or df["conf_status"].iloc[0] == "A":
        return None
    return num(df["mean" if measure == "mean" else "top2"].iloc[0])


def comparison(con, cut: "cube.Cut", measure: str, **kw) -> tuple[dict | None, Any, Any]:
    """``(body, refused, withheld)``: :func:`warehouse.compare.compare` of ``cut`` in ``measure`` (``kw``: level,
    protection, overdispersion) as a page shows it. Where the comparability guard refuses a mean (over scales or
    instruments) the positive share instead, comparable across them, with the guard's refusal (``refused``);
    where it refuses the share too (a non-headline measure beside others: the page rating's clarity,
    ``not_headline``), ``body`` None and that refusal (``withheld``) — the page says why it has no comparison
    and stands; the API keeps its 422."""
    from ..comparability import NotComparable
    from ..compare import compare

    try:
        return compare(con, cut, measure=measure, **kw), None, None
    except NotComparable as exc:
        if measure == "positive_share":
            return None, None, exc
        refused = exc
    kw.pop("overdispersion", None)  # the share's limits as the comparison's default
    try:
        return compare(con, cut, measure="positive_share", **kw), refused, None
    except NotComparable as exc:
        return None, refused, exc


def indicator_arg(args, allowed=SCORE_INDICATORS) -> str:
    ind = args.get("indicator", "satisfaction")
    if ind not in allowed:
        raise QueryError("indicator", f"indicator must be one of {', '.join(allowed)}.")
    return ind


def measure_arg(args) -> str:
    m = {"top2": "positive_share"}.get(args.get("measure", ""), args.get("measure") or "positive_share")
    if m not in MEASURES:
        raise QueryError("measure", f"measure must be one of {', '.join(MEASURES)}.")
    return m


#: Filters whose codes come from a fixed codelist (the taxonomy, NUTS, the channels): a code outside
#: it is a typo, refused naming the filter, rather than an empty answer that looks like "no data".
CODED_FILTERS = {"pa_type": "PA_TYPE", "service_type": "SERVICE_TYPE", "region": "REF_AREA", "channel": "CHANNEL",
                 "instrument": "INSTRUMENT", "scale": "SCALE"}


def check_codes(filters: dict[str, list[str]]) -> None:
    """Raise :class:`QueryError` naming the filter for a code its codelist does not have (the API's
    and the pages' one check). The refusal links to what every role that may query can read (permission
    ``dashboards``): the filter's codelist at ``/api/v1/codelists`` and the codes with data in
    ``/api/v1/meta`` — not the exports, which a monitoring token may not download."""
    lists = codelists.codelists()
    for dim, name in CODED_FILTERS.items():
        for v in filters.get(dim, ()):
            if not cube.CODE.match(v):  # malformed first, as Cut.validate says it
                raise QueryError(dim, f"Malformed code {v!r}.")
        unknown = [v for v in filters.get(dim, ()) if v not in lists[name]]
        if unknown:
            raise QueryError(dim, f"Unknown {dim.replace('_', ' ')} {unknown[0]!r}: the valid codes are listed at "
                                  f"/api/v1/codelists?codelist={name} (those with data: the values in /api/v1/meta).")


def partial_note(cov: dict[str, Any], lang: str | None = None) -> str:
    """A period's coverage (:func:`warehouse.cube.coverage`) in words (:func:`warehouse.cube.partial_note`)
    in ``lang``, default the request's; empty when it is shown whole."""
    return cube.partial_note(cov, lang or current_lang())


def partial_json(cov: dict[str, Any]) -> dict[str, Any]:
    """A coverage (:func:`warehouse.cube.coverage`) as the API states it: ``{partial, running, data_from,
    note: {it, en}}``, ``note`` null when the period is shown whole (the one shape of every API's
    ``partial``)."""
    return {**cov, "note": {lang: partial_note(cov, lang) for lang in ("it", "en")} if cov["partial"] else None}


def coverage_text(period: str, first: str | None) -> str:
    """A trend point's coverage in a word: empty when whole, else "in progress" / "partial: data from"."""
    cov = cube.coverage(period, first)
    if cov["data_from"]:
        return _("parziale: dati dal {m}").format(m=cov["data_from"])
    return _("in corso") if cov["running"] else ""


def _chosen(con, freq: str, period: str | None, periods: list[str], note: str) -> dict[str, Any]:
    from ..periods import period_of, running_month

    first = cube.first_data_month(con)
    cov = cube.coverage(period, first)
    # the period of this frequency still running, which no menu offers: the page says why (once there are data)
    running = period_of(running_month(), freq) if first else None
    return {"freq": freq, "period": period, "periods": periods, "note": note, "partial": cov,
            "partial_note": partial_note(cov), "running": running,
            "running_note": _("Il periodo in corso ({p}) non è mostrato: i dati di un periodo si pubblicano "
                              "quando il periodo è finito.").format(p=running) if running else ""}


def period_choice(con, args, default_freq: str = "M", fallback: tuple[str, ...] = ()) -> dict[str, Any]:
    """The period a page aggregates: ``freq`` and ``period`` from the request (a whole period of that
    frequency, else 400 naming the field; one that has not started yet or is still running, 400 too:
    :func:`warehouse.periods.require_ended`; one in which no response counts, 400 too, as the API's:
    :func:`warehouse.export_periods.require_period`), else the latest complete period with data — always stated
    (when none has ended, the note says so), and said to be partial (``partial``,
    ``partial_note``) when the data begin after it starts; ``running_note`` says why the running period
    of the frequency is in no menu. A ``period`` of another frequency
    (:func:`warehouse.periods.require_freq`: the form switched the frequency under it) is never shown
    under ``freq``'s name: the page shows the period of ``freq`` holding its last month — a month's
    quarter, a quarter's last month — or, when that one is still running, the latest ended one, said
    so (a 400 only when none has ended). ``fallback``: with neither ``freq`` nor ``period`` given, the first of
    ``default_freq, *fallback`` having a complete, fully covered period gives the default."""
    if not args.get("freq") and not args.get("period"):
        for f in (default_freq, *fallback) if fallback else ():
            full = cube.latest_full_period(con, f)
            if full:
                return _chosen(con, f, full, cube.period_labels(con, f),
                               _("Periodo non indicato: l'ultimo periodo completo con dati."))
    freq = args.get("freq") or default_freq
    if freq not in cube.FREQS:
        raise QueryError("freq", "freq must be one of M, Q, A.")
    periods = cube.period_labels(con, freq)
    period = args.get("period") or None
    if period:
        require_ended(period, "period")  # not yet begun, or still running: 400 naming it (published once ended)
        from ..export_periods import require_period

        require_period(con, period)  # no response in it: the API's 400, naming period and the months with data
        try:
            validate_range(freq, period=period)
        except QueryError:  # the form changed the frequency: the period of freq holding the label's end
            from ..periods import period_of, months

            # a month on the quarterly view: its quarter; a quarter on the monthly view: its last month
            label = period_of(months(period, "period")[1], freq)  # (never "2026-Q3 (Mensile)")
            latest = cube.latest_period(con, freq)[0]
            if not is_complete(label) and latest:  # the form switched the default month to a running quarter
                return _chosen(con, freq, latest, periods, _(
                    "{a} non è un periodo di questa frequenza e il periodo che lo contiene, {b}, è in corso (i suoi "
                    "dati si pubblicano quando è finito): mostrato {c}, l'ultimo concluso con dati.").format(
                        a=period, b=label, c=latest))
            require_ended(label, "period")  # nothing of this frequency has ended yet: 400 naming it
            return _chosen(con, freq, label, periods,
                           _("{a} non è un periodo di questa frequenza: mostrato {b}.").format(a=period, b=label))
        return _chosen(con, freq, period, periods, "")
    label, _complete = cube.latest_period(con, freq)
    note = (_("Periodo non indicato: l'ultimo periodo completo con dati.") if label else
            _("Nessun periodo concluso con dati: i dati di un periodo si pubblicano quando il periodo è finito.")
            if cube.first_data_month(con) else "")  # a running period is never shown
    return _chosen(con, freq, label, periods, note)


#: The edge of an interval band: 3.3:1 against the white chart (WCAG 1.4.11 asks 3:1 of a graphic needed to
#: read the figure; the pale fill alone is about 1.2:1), dotted and thin beside the value's solid line.
BAND_EDGE = "#5b8fd6"


def ci_band(x, lo, hi, name, color):
    """A plotly trace drawing the 95% interval of a trend as a band (``x`` the periods with a published
    value, ``lo``/``hi`` their bounds), filled with ``color`` and outlined in :data:`BAND_EDGE`: every
    trend chart of the console draws its uncertainty, visibly."""
    return {"type": "scatter", "x": x + x[::-1], "y": hi + lo[::-1], "fill": "toself", "mode": "lines",
            "line": {"width": 1, "color": BAND_EDGE, "dash": "dot"}, "fillcolor": color, "name": name,
            "hoverinfo": "skip"}


#: A cell's columns in a table and its CSV: the share and the mean each beside its own 95% interval (:func:`cell`).
SHARE_COLUMNS = [("n", "Risposte"), ("share", "Quota positiva %"), ("share_lower", "IC 95% inf."),
                 ("share_upper", "IC 95% sup."), ("mean", "Media (0–100)"), ("mean_lower", "Media: IC 95% inf."),
                 ("mean_upper", "Media: IC 95% sup."), ("mean_note", "Nota sulla media"), ("status", "Stato")]


def breakdown(con, settings, indicator: str, filters: dict[str, list[str]], per: dict[str, Any],
              not_asked: str = "") -> list[Chart]:
    """The indicator split by instrument and scale, and by channel, in the period: where pooled
    positive shares come from (mode effects), and the only cells where a mean is comparable.
    ``not_asked``: the caller's reason, in the reader's language, when none of the questionnaires
    concerned asks the indicator — an empty card says it ("Non rilevato: …"), not a bare "Nessun dato."."""
    charts = []
    for cid, by, title, cols in (
            ("by-instrument", ["instrument", "scale"], "Per strumento e scala",
             [("instrument_label", "Strumento"), ("scale_label", "Scala")]),
            ("by-channel", ["channel"], "Per canale", [("channel_label", "Canale")])):
        rows = []
        if per["period"]:
            for r in table(con, settings, indicator=indicator, by=by, filters=filters, freq=per["freq"],
                           start=per["period"], end=per["period"]):
                row = {d: r[d] for d in by}
                row.update({f"{d}_label": code_label(d.upper(), r[d]) for d in by})
                rows.append({**row, **cell(r)})
        charts.append(Chart(cid, title, [*cols, *SHARE_COLUMNS], rows, note="" if rows else not_asked))
    return charts


def unit_totals(con, settings, dim: str, indicator: str = "satisfaction", per: dict | None = None) -> dict[str, dict]:
    """The published cell of each value of ``dim`` in the period (all periods when ``per`` is None)."""
    kw = {"freq": per["freq"], "start": per["period"], "end": per["period"]} if per and per["period"] else {"freq": "A"}
    pub = cube.table(con, cube.Cut(indicator=indicator, by=[dim], **kw), Protection.from_settings(settings),
                     span=not (per and per["period"]))
    return {r[dim]: cell(r) for r in pub.to_dict("records")}


def regions_page(con, settings, args, lang) -> dict[str, Any]:
    """Each region's published cell in the period, banded high / middle / low by the terciles of the
    reliable positive shares (``OBS_STATUS`` not U: at least ``ASCOLTO_RELIABILITY_MIN_N`` responses);
    a region of low reliability is "not banded", a suppressed one has no band; with fewer than three
    reliable regions nothing is banded (``few``)."""
    indicator = indicator_arg(args)
    per = period_choice(con, args, default_freq="A", fallback=("Q", "M"))
    rows = table(con, settings, indicator=indicator, by=["region"], freq=per["freq"], start=per["period"],
                 end=per["period"]) if per["period"] else []
    out = [{"region": r["region"], "name": region_label(r["region"]), **cell(r)} for r in rows]
    out.sort(key=lambda r: r["name"])
    # bands rank reliable values only: a region of 7 answers at 100% is not "high" (its interval spans
    # 65-100), nor does it move the terciles of the others
    classed = [r for r in out if r["share"] is not None and r["obs_status"] != "U"]
    values = sorted(r["share"] for r in classed)
    for r in out:
        if r["share"] is not None and r["obs_status"] == "U":
            r["band"] = "unreliable"
        elif r["share"] is None:
            r["band"] = "none"
        elif len(values) < 3:  # terciles of one or two values would place a region in the middle of Italy
            r["band"] = "few"
        else:
            rank = values.index(r["share"]) / (len(values) - 1)
            r["band"] = "low" if rank < 1 / 3 else "high" if rank > 2 / 3 else "mid"
        r["band_label"] = {"high": _("alto"), "mid": _("medio"), "low": _("basso"), "none": "—",
                           "unreliable": _("non classificata (bassa affidabilità)"),
                           "few": _("non classificata (meno di 3 regioni affidabili)")}[r["band"]]
    return {"indicator": indicator, "freq": per["freq"], "period": per["period"], "periods": per["periods"], "per": per,
            "charts": [Chart("regions", "Regioni", [("region", "NUTS-2"), ("name", "Regione"), *SHARE_COLUMNS,
                                                    ("band_label", "Fascia")], out)]}


def known_service_types(lang: str) -> list[tuple[str, str]]:
    return sorted(((c, type_label(c, lang)) for c in service_types()), key=lambda t: t[1])


# --- for the entity workspace and the improvement pages (issue 16), which read cells in the older shape --

STAT_COLUMNS = [("n", "Risposte"), ("top2", "Quota positiva %"), ("top2_lower", "IC 95% inf."),
                ("top2_upper", "IC 95% sup."), ("mean", "Media (0–100)"), ("mean_lower", "Media: IC 95% inf."),
                ("mean_upper", "Media: IC 95% sup."), ("status", "Stato")]


def _cell(r: dict[str, Any]) -> dict[str, Any]:
    """A cube row as ``n, top2*, mean*, status, obs_status, conf_status`` (the mean only where comparable)."""
    c = cell(r)
    return {"n": c["n"], "top2": c["share"], "top2_lower": c["share_lower"], "top2_upper": c["share_upper"],
            "mean": c["mean"], "mean_lower": c["mean_lower"], "mean_upper": c["mean_upper"], "status": c["status"],
            "obs_status": c["obs_status"], "conf_status": c["conf_status"]}


def service_types_present(con, settings) -> list[tuple[str, int | None]]:
    """The service types with answers (any period) and their published n."""
    return sorted((t, c["n"]) for t, c in unit_totals(con, settings, "service_type").items() if t != cube.UNKNOWN)
