"""What the improvement pages show (:mod:`.improve_pages`): the drivers matrix of a unit and the
evaluation of a plan, as dicts and :class:`.data.Chart` objects for the templates and the CSVs.

Every performance, baseline, follow-up and monthly figure is read from the protected cube through
:mod:`.improve_api` (the same functions as the JSON API); the drivers are model outputs
(:mod:`warehouse.drivers`), their n only for roles with ``exports`` and perturbed (the cell-key method). Refusals are returned as
``refused`` (the reason), never raised.
"""
from __future__ import annotations

from flask import current_app, g

from registry import session_scope
from registry.models import Service

from registry.plans import has_started

from .. import cube, drivers, evaluation, periods, priorities
from ..periods import is_complete, today_rome
from .data import Chart
from .i18n import gettext as _, lang
from .i18n_refusals import DRIVER_FIELDS_IT
from .data import num, partial_note, status_text
from ..protect import Protection
from .improve_api import (_freq, _monthly, _published, break_between, ckm_secret,
                          follow_up_coverage, follow_up_problem, target_of, trend_of)

QUAD_COLORS = {"improve_first": "#d9364f", "keep_up": "#008055", "low_priority": "#5c6f82",
               "possible_overkill": "#a66300", None: "#17324d"}


def _factory():
    return current_app.config["ASCOLTO_REGISTRY"]


def _con():
    return current_app.config["ASCOLTO_WAREHOUSE"]().cursor()


TREND_IT = {  # warehouse.evaluation.trend's refusals by reason (evaluation_trend.REASONS), for Italian pages
    "too_few_months": "servono almeno {need} mesi con risposte pubblicate per stimare una tendenza; questi ne hanno "
                      "{got}: con meno, l'intervallo della pendenza poggia su una variabilità tra mesi stimata da "
                      "troppo pochi mesi e non è affidabile. Scegliere almeno {need} mesi.",
    "break": "i mesi mescolano due serie di questa domanda: un cambio di questionario in {first} (una nuova versione "
             "ha cambiato la domanda), e solo la nuova serie è presente da {month} in poi. Le risposte delle due serie "
             "misurano cose diverse, e una tendenza su entrambe confonderebbe il cambio di strumento con un "
             "cambiamento del servizio. Stimare la tendenza dai mesi da {month} in poi, o da quelli prima di {first}.",
    "break_ongoing": "i mesi mescolano due serie di questa domanda: un cambio di questionario in {first} (una nuova "
                     "versione ha cambiato la domanda), e nessun mese ha ancora solo la nuova serie (alcune risposte "
                     "vengono ancora dalla versione precedente). Una tendenza su entrambe confonderebbe il cambio di "
                     "strumento con un cambiamento del servizio. Stimare la tendenza dai mesi prima di {first}.",
    "all_same": "tutte le risposte sono positive (o nessuna lo è): la tendenza non si può stimare.",
    "too_few_answers":
        f"servono almeno {evaluation.TREND_MIN_EACH} risposte positive e {evaluation.TREND_MIN_EACH} non positive "
        "nei mesi considerati: con meno, la pendenza logistica e il suo intervallo non sono affidabili.",
    "separated":
        "i mesi si dividono in mesi precedenti senza risposte positive e mesi successivi con sole risposte positive "
        "(o il contrario): la pendenza sarebbe infinita, la tendenza non si può stimare.",
    "not_finite": "il modello non converge a stime finite su questi mesi: la tendenza non si può stimare.",
}
TARGET_IT = {  # warehouse.evaluation.target_check's reasons, for Italian pages
    evaluation.TARGET_NO_INTERVAL: "il dato di verifica non ha un intervallo pubblicato: non si può dire se "
                                   "l'obiettivo è raggiunto.",
    evaluation.TARGET_DEGENERATE: "tutte le risposte di verifica sono uguali: l'intervallo pubblicato è un solo punto "
                                  "e non misura l'incertezza; non si può dire se l'obiettivo è raggiunto.",
}
REFUSAL_CODES_IT = {"too_few_responses": "risposte insufficienti", "items_not_asked": "domanda non posta",
                    "items_not_asked_many": "domande non poste",
                    "no_variance": "risposte senza variabilità", "invalid_parameter": "parametro non valido"}
FIELDS_IT = DRIVER_FIELDS_IT  # the refusal names the fields alike (i18n_refusals.refusal)


def trend_refusal(exc: evaluation.EvaluationError) -> str:
    """A trend's refusal in the page's language (the library's are English), with the numbers and
    months its rule names (``exc.detail``)."""
    if lang() == "en":
        return str(exc)
    ongoing = exc.reason == "break" and exc.detail.get("month") is None  # no month of the new series alone yet
    it = TREND_IT.get("break_ongoing" if ongoing else exc.reason or "")
    return it.format(**exc.detail) if it else "la tendenza non si può stimare con questi dati."


def target_refusal(reason: str | None) -> str | None:
    """Why a target cannot be judged (:func:`warehouse.evaluation.target_check`), in the page's language."""
    return reason if reason is None or lang() == "en" else TARGET_IT.get(reason, reason)


def default_period(con=None) -> str:
    """The month a drivers page analyses when none is given: the latest complete month with data
    (:func:`warehouse.cube.latest_period`, the default of every console page), else the previous
    calendar month in Rome (no data at all). Before, it was always the previous calendar month, which
    opened the page on a refusal ("fewer than 100 responses") whenever that month had no data yet."""
    label, _complete = cube.latest_period(con if con is not None else _con(), "M")
    if label:
        return label
    today = today_rome()
    return f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}"


def drivers_period(service: str, period: str | None = None) -> str | None:
    """The period a service's "Fattori" link opens: ``period`` (default :func:`default_period`, the
    drivers page's own default) when the analysis can run there, else the first of its quarter and
    year where it can (:func:`warehouse.drivers.longer_periods`), else None: no link — the page says
    why (fewer than ``MIN_N`` complete answers) and when there will be one. The decision is the
    analysis's own yes or no (:func:`warehouse.drivers.enough_responses`, the true *and* the
    published n), which its page would show anyway; no count is shown or implied beyond it."""
    con = _con()
    period = period or default_period(con)
    settings = current_app.config["ASCOLTO_SETTINGS"]
    unit = {"protection": Protection.from_settings(settings), "secret": ckm_secret(), "k": settings.microdata_k,
            "service": service}
    if drivers.enough_responses(con, period, **unit):
        return period
    return next(iter(drivers.longer_periods(con, period, **unit)), None)


def default_follow_up(con, baseline: str) -> tuple[str, str]:
    """The follow-up period an evaluation compares with ``baseline`` when none is given, and the note
    the page shows saying so: the latest *complete* period with data at the baseline's frequency (a
    quarter for a quarter's baseline, a month for a month's) that begins after the baseline ends — the
    console's default period (:func:`warehouse.cube.latest_period`) among the periods a follow-up may
    be; else the latest such period still running (said partial); else the period right after the
    baseline (its refusal says it has no answers yet), or the baseline itself when that one has not
    begun (refused: the same period).

    Before, it was the previous calendar month whatever the baseline: a quarter's plan was compared
    with one month, and a month without data opened the plan's evaluation on a refusal."""
    freq = periods.freq_of(baseline, "baseline_period")
    done = [p for p in cube.period_labels(con, freq) if follow_up_problem(baseline, p) is None]  # ended ones
    if done:
        return done[-1], _("Periodo di verifica non indicato: l'ultimo periodo completo con dati dopo il riferimento.")
    last = periods.months(baseline, "baseline_period")[1]
    year, month = int(last[:4]), int(last[5:])
    nxt = periods.period_of(f"{year + month // 12}-{month % 12 + 1:02d}", freq)
    if not has_started(nxt, today_rome()):
        return baseline, ""
    if not is_complete(nxt):  # the quarter after December's latest ended one: said, and refused below
        return nxt, _("Periodo di verifica non indicato: il periodo dopo il riferimento, ancora in corso: si valuta "
                      "quando è finito.")
    return nxt, _("Periodo di verifica non indicato: il periodo dopo il riferimento (ancora senza risposte).")


def ended_alternatives(con, period: str, protection, k: int, **unit: str) -> list[str]:
    """The latest ended quarter and year with data (:func:`warehouse.cube.latest_period`), other than
    ``period``, in which ``unit`` has enough answers (:func:`warehouse.drivers.enough_responses`: the
    analysis's own yes or no over the rows it reads, ``k`` as :func:`warehouse.drivers.load_rows`, never a
    count): where a refused month can go when the quarter and year
    containing it are still running (:func:`warehouse.drivers.longer_periods` is then empty)."""
    labels = [cube.latest_period(con, f)[0] for f in ("Q", "A")]
    return [p for p in dict.fromkeys(labels) if p and p != period and is_complete(p)
            and drivers.enough_responses(con, p, protection=protection, secret=ckm_secret(), k=k, **unit)]


def drivers_page(dim: str, code: str, period: str, method: str) -> dict:
    """The matrix of one unit: ``{"chart", "priorities", "result", "refused"}`` (``refused`` = the
    reason, then nothing else is computed)."""
    con, lng = _con(), lang()
    out = {"unit": dim, "code": code, "period": period, "method": method, "refused": None, "chart": None,
           "priorities": [], "result": None, "rule": None}
    try:
        settings = current_app.config["ASCOLTO_SETTINGS"]
        protection, k = Protection.from_settings(settings), settings.microdata_k
        result = drivers.drivers_for(con, start=period, end=period, method=method, secret=ckm_secret(),
                                     protection=protection, k=k, **{dim: code})
    except drivers.DriversRefused as exc:
        it = lang() != "en"
        out["refused"] = {"code": exc.code, "fields": exc.fields, "message": str(exc),
                          "reason": REFUSAL_CODES_IT.get(exc.code + ("_many" if len(exc.fields) > 1 else ""),
                                                         REFUSAL_CODES_IT.get(exc.code, exc.code))
                          if it else exc.code.replace("_", " "),
                          "field_labels": [FIELDS_IT.get(f, f) if it else f for f in exc.fields],
                          # where the same unit has enough answers: the quarter and year around the period
                          "longer": drivers.longer_periods(con, period, protection=protection,
                                                           secret=ckm_secret(), k=k, **{dim: code})
                          if exc.code == "too_few_responses" else [], "ended": []}
        if exc.code == "too_few_responses" and not out["refused"]["longer"]:
            out["refused"]["ended"] = ended_alternatives(con, period, protection, k=k, **{dim: code})
        return out
    aspects = [d.aspect for d in result.drivers]
    perf = {a: (c["top2"] if (c := _published(con, a, dim, code, period)) else None) for a in aspects}
    bench = None
    if dim == "service":
        with session_scope(_factory()) as s:
            svc = s.get(Service, code)
            stype = svc.service_type if svc else None
        if stype:
            bench = {a: (c["top2"] if (c := _published(con, a, "service_type", stype, period)) else None)
                     for a in aspects}
    m = priorities.matrix(result, perf, bench)
    labels, qlabels = priorities.ASPECT_LABELS[lng], priorities.QUADRANT_LABELS[lng]
    show_n = g.user.can("exports")
    rows = [{"aspect": labels[c.aspect], "importance": round(c.importance, 1), "importance_lower": round(c.importance_ci[0], 1),
             "importance_upper": round(c.importance_ci[1], 1), "performance": None if c.performance is None else round(c.performance, 1),
             "reference": None if c.benchmark is None else round(c.benchmark, 1),
             "quadrant": qlabels.get(c.quadrant, _("performance non pubblicata")),
             "uncertain": _("sì") if c.importance_uncertain else _("no"), "_q": c.quadrant}
            for c in m.cells]
    columns = [("aspect", "Aspetto"), ("importance", "Importanza (% di R²)"), ("importance_lower", "IC 95% inf."),
               ("importance_upper", "IC 95% sup."), ("performance", "Performance (% positive)"),
               ("reference", "Soglia di performance"), ("quadrant", "Quadrante"), ("uncertain", "Importanza incerta")]
    shown = [r for r in rows if r["performance"] is not None]
    plot = _matrix_plot(shown, m.importance_split, m.performance_rule)
    out.update(chart=Chart(id="drivers", title="Priorità di intervento: importanza × performance", columns=columns,
                           rows=rows, plot=plot),
               priorities=priorities.plain_list(m, lng), rule=m.performance_rule, split=m.importance_split,
               result={"r2": result.r2, "r2_ci": result.r2_ci, "method": result.method, "min_n": result.min_n,
                       "n_boot": result.n_boot,
                       "n": result.published_n(Protection.from_settings(current_app.config["ASCOLTO_SETTINGS"]))
                       if show_n else None})
    return out


def _matrix_plot(shown: list[dict], split: float, rule: str) -> dict:
    """The scatter: importance (with its CI) × performance, the importance split as a vertical line;
    the performance split is the mean line (rule ``mean``) or each aspect's own benchmark, drawn as
    an open marker (rule ``benchmark``); the four quadrants named in the corners."""
    x = [r["importance"] for r in shown]
    data = [{"type": "scatter", "mode": "markers+text", "x": x, "y": [r["performance"] for r in shown],
             "text": [r["aspect"] for r in shown], "textposition": "top center", "name": _("Performance (% positive)"),
             "error_x": {"type": "data", "symmetric": False,
                         "array": [round(r["importance_upper"] - r["importance"], 1) for r in shown],
                         "arrayminus": [round(r["importance"] - r["importance_lower"], 1) for r in shown]},
             "marker": {"size": 12, "color": [QUAD_COLORS[r["_q"]] for r in shown]}}]
    shapes = [{"type": "line", "x0": split, "x1": split, "yref": "paper", "y0": 0, "y1": 1,
               "line": {"dash": "dot", "color": "#5c6f82"}}]
    if rule == "benchmark":
        data.append({"type": "scatter", "mode": "markers", "x": x, "y": [r["reference"] for r in shown],
                     "name": _("Soglia di performance"),
                     "marker": {"symbol": "diamond-open", "size": 10, "color": "#5c6f82"}})
    elif shown:
        ref = shown[0]["reference"]
        shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": ref, "y1": ref,
                       "line": {"dash": "dot", "color": "#5c6f82"}})
    labels = priorities.QUADRANT_LABELS[lang()]
    notes = [(1, 0, "right", "bottom", labels["improve_first"]), (1, 1, "right", "top", labels["keep_up"]),
             (0, 0, "left", "bottom", labels["low_priority"]), (0, 1, "left", "top", labels["possible_overkill"])]
    return {"data": data,
            "layout": {"height": 440, "showlegend": rule == "benchmark",
                       "xaxis": {"title": {"text": _("Importanza (% di R²)")}, "range": [-2, 108]},
                       "yaxis": {"title": {"text": _("Performance (% positive)")}, "range": [0, 100]},
                       "shapes": shapes,
                       "annotations": [{"xref": "paper", "yref": "paper", "x": xx, "y": yy, "xanchor": xa,
                                        "yanchor": ya, "text": t, "showarrow": False,
                                        "font": {"color": "#5c6f82", "size": 12}} for xx, yy, xa, ya, t in notes]}}


def evaluation_page(p: dict, follow_up: str | None) -> dict:
    """``p`` is the plan (current version and history); ``follow_up`` a period label (default:
    :func:`default_follow_up`, said in ``follow_up_note``)."""
    cur, lng, con = p["current"], lang(), _con()
    note = ""
    if follow_up:
        _freq(follow_up, "follow_up")
    else:
        follow_up, note = default_follow_up(con, cur["baseline_period"])
    d = {"p": p, "follow_up": follow_up, "follow_up_note": note, "refused": None, "change": None, "trend": None,
         "trend_refused": None, "chart": None}
    d["partial_note"] = partial_note(follow_up_coverage(con, follow_up))  # a running follow-up: partial data
    try:
        if follow_up == cur["baseline_period"]:
            raise evaluation.EvaluationError("follow_up", _("il periodo di verifica coincide con quello di riferimento."))
        if follow_up_problem(cur["baseline_period"], follow_up):
            raise evaluation.EvaluationError("follow_up", _(
                "il periodo di verifica deve iniziare dopo la fine del periodo di riferimento: è precedente o "
                "si sovrappone."))
        cells = {}
        for name, period in (("baseline", cur["baseline_period"]), ("follow_up", follow_up)):
            if not is_complete(period):  # a running period is not published (nor compared) until it ends
                raise evaluation.EvaluationError(name, f"{period}: " + _(
                    "periodo in corso: i suoi dati si pubblicano quando è finito."))
            cell = _published(con, cur["indicator"], "service", p["service_key"], period)
            if cell is None or not cell["published"]:
                raise evaluation.EvaluationError(name, f"{period}: " + (_("nessuna risposta") if cell is None
                                                                          else _("dato oscurato")))
            cells[name] = cell
        b, f = cells["baseline"], cells["follow_up"]
        crossed = break_between(con, cur["indicator"], p["service_key"], cur["baseline_period"], follow_up)
        if crossed and cur["measure"] != "top2":
            raise evaluation.EvaluationError("follow_up", _(
                "c'è un cambio di questionario in {m}: il periodo di riferimento e quello di verifica non raccolgono "
                "la domanda nella stessa serie, e le medie di serie diverse non si confrontano.").format(m=crossed))
        if cur["measure"] == "top2":
            change = evaluation.share_change(round(b["top2"] * b["n"] / 100), b["n"],
                                             round(f["top2"] * f["n"] / 100), f["n"],
                                             noise_var0=b["top2_noise_var"], noise_var1=f["top2_noise_var"])
        else:
            change = evaluation.mean_change(b["n"], b["mean"], b["sd"], f["n"], f["mean"], f["sd"],
                                            noise_var0=b["mean_noise_var"], noise_var1=f["mean_noise_var"])
        target = target_of(change, cur["target_value"], f)
        d["change"] = {**change.to_dict(), "sentence": change.sentence(lng), "n0": b["n"], "n1": f["n"],
                       "status0": b["obs_status"], "status1": f["obs_status"],  # each value's own (low reliability)
                       "target_reached": target["status"] == "reached", "target_status": target["status"],
                       "target_ci": target["ci"], "target_reason": target_refusal(target["reason"]),
                       "break_between": crossed,
                       "seasonal_caveat": evaluation.seasonal_caveat(cur["baseline_period"], follow_up)}
    except evaluation.EvaluationError as exc:
        d["refused"] = {"field": exc.field, "message": str(exc)}
    # the monthly trend, from the baseline's first month to the follow-up's last ended one (a running
    # follow-up's months are not published: asking for them was a 400 naming "to")
    start, end = _months(cur["baseline_period"], follow_up)
    end = min(end, periods.last_ended_month())
    months = _monthly(con, cur["indicator"], "service", p["service_key"], start, end) if start <= end else []
    fitted = {}
    try:
        t = trend_of(con, cur["indicator"], "service", p["service_key"], months)
        d["trend"], fitted = t.to_dict(), t.fitted
    except evaluation.EvaluationError as exc:
        d["trend_refused"] = trend_refusal(exc)
    # each month with its interval and status, as every table of the console: a suppressed month
    # "oscurato" (its figures empty in the CSV), one under the reliability threshold "bassa affidabilità"
    # — and rounded once, as the page shows them (its CSV gave 66,66666666666667)
    rows = [{"period": m["period"], "n": m["n"], "top2": num(m["top2"]), "top2_lower": num(m.get("top2_lower")),
             "top2_upper": num(m.get("top2_upper")), "status": status_text(m) if m.get("conf_status") else None,
             "conf_status": m.get("conf_status"), "obs_status": m.get("obs_status"),
             "fitted": None if m["period"] not in fitted else round(fitted[m["period"]], 1)} for m in months]
    plot = {"data": [{"type": "scatter", "mode": "lines+markers", "name": _("Quota positiva (%)"),
                      "x": [r["period"] for r in rows], "y": [r["top2"] for r in rows]},
                     {"type": "scatter", "mode": "lines", "name": _("Tendenza stimata (%)"),
                      "x": [r["period"] for r in rows if r["fitted"] is not None],
                      "y": [r["fitted"] for r in rows if r["fitted"] is not None], "line": {"dash": "dot"}}],
            "layout": {"yaxis": {"title": {"text": "%"}, "range": [0, 100]}, "xaxis": {"type": "category"}}}
    d["chart"] = Chart(id="trend", title="Quota positiva per mese e tendenza stimata",
                       columns=[("period", "Mese"), ("n", "N"), ("top2", "Quota positiva (%)"),
                                ("top2_lower", "IC 95% inf."), ("top2_upper", "IC 95% sup."), ("status", "Stato"),
                                ("fitted", "Tendenza stimata (%)")], rows=rows, plot=plot)
    return d


def _months(baseline: str, follow_up: str) -> tuple[str, str]:
    """The months spanning both periods (month, quarter or year labels, either order)."""
    (b0, b1), (f0, f1) = drivers.month_range(baseline, baseline), drivers.month_range(follow_up, follow_up)
    return min(b0, f0), max(b1, f1)
