"""The dashboard pages (HTML), their charts' CSV downloads, the exports page and the language switch."""
from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from flask import (Blueprint, current_app, redirect, render_template, request, send_file,
                   session, url_for)

from registry import session_scope
from registry.models import Entity, Service
from registry.names import name_in

from .. import export
from ..comparability import QueryError
from ..protect import Protection
from . import data, data_attention, data_overview, data_quality, data_units
from .data_compared import comparison_cache
from .auth import NotConsoleToken, Throttled, not_found, require, sign_in, sign_out
from .i18n import LANGS, gettext, lang
from .paths import internal_path  # noqa: F401  (re-exported: pages.internal_path)
from .unit_codes import known_service_type, unknown_service_type

bp = Blueprint("pages", __name__)


def _ctx():
    app = current_app
    return app.config["ASCOLTO_WAREHOUSE"]().cursor(), app.config["ASCOLTO_SETTINGS"]


def _entity_names() -> dict[str, str]:
    """Every entity's name in the page's language (Italian where the registry has none in it)."""
    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        return {e.ipa_code: name_in(e, lang()) for e in s.query(Entity).all()}


def _build(page: str, **kw) -> dict:
    con, settings = _ctx()
    if page == "overview":
        return data_overview.overview(con, settings, request.args, lang())
    if page == "service-types":
        return data_units.service_types_list(con, settings, request.args, lang())
    if page == "service-type":
        if not known_service_type(con, kw["code"]):
            raise not_found("code", unknown_service_type(kw["code"]))
        return data_units.service_type_page(con, settings, request.args, lang(), kw["code"], _entity_names(),
                                            service_names=_service_names(), cache=_compare_cache())
    if page == "attention":  # every service type's comparison, from the same cache as its page
        return data_attention.attention_page(con, settings, request.args, lang(), _entity_names, _service_names,
                                             cache=_compare_cache())
    if page == "entity":
        return data_units.entity_page(con, settings, request.args, lang(), kw["ipa"], _services_of(kw["ipa"]),
                                      name=_entity_names().get(kw["ipa"]))
    if page == "regions":
        return data.regions_page(con, settings, request.args, lang())
    if page == "entities":
        return _entities()
    if page == "quality":  # its scans reused while the data are the same (the cursor above refreshed them)
        return data_quality.quality_page(con, settings, request.args, lang(),
                                         version=current_app.config["ASCOLTO_WAREHOUSE"]().version,
                                         cache=current_app.extensions.setdefault("ascolto.quality", {}))
    raise not_found("page", f"No page {page!r} with charts to download.")


def _compare_cache() -> dict:
    """The console's comparison cache for the rollup version just read (:func:`.data_compared.comparison_cache`:
    the API's ``/api/v1/compare`` one); call after :func:`_ctx` (its cursor brings the rollup up to date)."""
    return comparison_cache(current_app.extensions, current_app.config["ASCOLTO_WAREHOUSE"]().version)


def _service_names() -> dict[str, str]:
    """Every service's name in the page's language with its entity's (the service type's comparison by
    service: the services of a type are often all called "Certificati anagrafici online")."""
    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        return {x.key: f"{name_in(x, lang())} — {name_in(x.entity, lang())}" for x in s.query(Service).all()}


def _services_of(ipa: str) -> list[dict]:
    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        return [{"key": x.key, "name": name_in(x, lang()), "service_type": x.service_type, "active": x.active,
                 "questionnaire": x.questionnaire_id}
                for x in s.query(Service).filter(Service.entity_ipa == ipa).order_by(Service.key)]


def csv_url(page: str, chart: str, **kw) -> str:
    """A page table's CSV link: the page's arguments kept, its language too (a page opened with
    ``?lang=en`` downloads an English file, as one switched with ENG does)."""
    args = {k: v for k, v in request.args.items() if k != "lang" or v in LANGS}
    return url_for("pages.chart_csv", page=page, chart=chart, lang=None, **kw) + ("?" + urlencode(args) if args else "")


@bp.app_context_processor
def _helpers():
    return {"csv_url": csv_url}


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, retry = None, 0
    if request.method == "POST":
        try:
            user = sign_in(request.form.get("token", ""))
            if user:
                nxt = internal_path(request.args.get("next"))
                if user.role == "entity" and nxt == "/":  # an entity's home is its workspace
                    nxt = url_for("workspace.home")
                elif user.role == "operator" and nxt == "/":  # operators have no dashboards
                    nxt = url_for("operator.page")
                return redirect(nxt, 303)
            error = True
        except NotConsoleToken as exc:  # a backend token: it posts to the collector only (the API's 401 says so)
            error = exc.role
        except Throttled as exc:
            retry = exc.wait
    resp = current_app.make_response((render_template("login.html", error=error, retry=retry),
                                      429 if retry else 401 if error else 200))
    if retry:
        resp.headers["Retry-After"] = str(retry)
    return resp


@bp.post("/logout")
def logout():
    sign_out()
    return redirect(url_for("pages.login"), 303)


@bp.get("/lang/<code>")
def set_lang(code: str):
    """The ITA / ENG switch: the language kept in the session, back to the page ``next`` without its
    ``lang`` argument (which would win over the choice just made: ITA on a page opened with
    ``?lang=en`` stayed English)."""
    if code in LANGS:
        session["lang"] = code
    nxt = internal_path(request.args.get("next"))
    path, _q, query = nxt.partition("?")
    if query:
        kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "lang"]
        nxt = path + ("?" + urlencode(kept) if kept else "")
    return redirect(nxt, 303)


@bp.get("/")
@require("dashboards", entity_home=True)  # an entity's staff: to their workspace, as after signing in
def overview():
    return render_template("overview.html", d=_build("overview"), page="overview")


@bp.get("/service-types/")
@require("dashboards")
def service_types():
    return render_template("service_types.html", d=_build("service-types"), page="service-types")


@bp.get("/service-types/<code>")
@require("dashboards")
def service_type(code: str):
    con, _ = _ctx()
    values = {d: [r[0] for r in con.execute(f"SELECT DISTINCT {d} FROM rollup WHERE service_type = ? AND {d} "
                                            "IS NOT NULL ORDER BY 1", [code]).fetchall()]
              for d in ("region", "pa_type", "instrument", "channel")}
    for d, chosen in values.items():  # the form states the filter applied, even one no entity of the type has
        if request.args.get(d) and request.args[d] not in chosen:
            chosen.append(request.args[d])
    return render_template("service_type.html", d=_build("service-type", code=code), values=values,
                           page="service-types", code=code)


@bp.get("/attention")
@require("dashboards")
def attention():
    """"Da guardare": the units outside their service type's funnel limits (:mod:`.data_attention`)."""
    return render_template("attention.html", d=_build("attention"), page="attention")


ENTITY_COLUMNS = [("name", "Ente"), ("ipa", "Codice IPA"), ("category_label", "Categoria IPA"),
                  ("region_label", "Regione"), ("n", "Risposte"), ("status", "Stato")]


def _entities() -> dict:
    """The entities list: every registered entity with its satisfaction answers of all periods (its
    published cell: ``n`` None and status "oscurato" when suppressed, no status without answers),
    as the page and its CSV (``charts``) show it."""
    from ..comparability import declared

    con, settings = _ctx()
    counts = data.unit_totals(con, settings, "entity")
    asked = set(declared().get("satisfaction", ()))  # an entity none of whose questionnaires asks it: "non rilevato"
    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        rows = [{"ipa": e.ipa_code, "name": name_in(e, lang()), "category": e.category, "region": e.region_nuts,
                 "category_label": data.code_label("PA_TYPE", e.category), "region_label": data.region_label(e.region_nuts),
                 "cell": counts.get(e.ipa_code, {}), "n": counts.get(e.ipa_code, {}).get("n"),
                 "status": counts.get(e.ipa_code, {}).get("status", ""),
                 "not_collected": e.ipa_code not in counts and bool(e.services) and not any(
                     not x.questionnaire_id or x.questionnaire_id in asked for x in e.services)}
                for e in s.query(Entity).order_by(Entity.name)]
    for r in rows:
        if r["not_collected"]:
            r["status"] = gettext("non rilevato")
    rows.sort(key=lambda r: r["name"].casefold())  # in the order of the names shown
    return {"rows": rows, "charts": [data.Chart("entities", "Enti", ENTITY_COLUMNS, rows)]}


@bp.get("/entities/")
@require("dashboards")
def entities():
    return render_template("entities.html", rows=_entities()["rows"], page="entities")


@bp.get("/entities/<ipa>")
@require("dashboards")
def entity(ipa: str):
    names = _entity_names()
    d = _build("entity", ipa=ipa)
    if ipa not in names and not d["types"]:
        raise not_found("ipa", f"No entity with IPA code {ipa!r} in the registry.")
    return render_template("entity.html", d=d, name=names.get(ipa, ipa), page="entities",
                           registered=ipa in names)  # the report reads the registry's entity: none, no link


@bp.get("/regions")
@require("dashboards")
def regions():
    return render_template("regions.html", d=_build("regions"), page="regions")


@bp.get("/quality")
@require("dashboards")
def quality():
    return render_template("quality.html", d=_build("quality"), page="quality")


@bp.get("/csv/<page>/<chart>")
@bp.get("/csv/<page>/<key>/<chart>")
@require("dashboards")
def chart_csv(page: str, chart: str, key: str | None = None):
    """Exactly the rows and columns the chart's table shows (or a page's other table, in ``tables``),
    headed in the reader's language; the file is named after the page, the chart and the period shown
    (``ascolto-overview-trend-2026-11.csv``)."""
    kw = {"code": key} if page == "service-type" else {"ipa": key} if page == "entity" else {}
    d = _build(page, **kw)
    found = next((c for c in (*d["charts"], *d.get("tables", ())) if c.id == chart), None)
    if found is None:  # a mistyped link, or an old one (a service type the entity no longer has)
        raise not_found("chart", f"No chart {chart!r} to download on the page {page!r}.")
    if chart == "funnel" and d.get("withheld"):  # no comparison made: say why (422), not an empty table
        raise d["withheld"]["error"]
    per = d.get("per") or {}
    # a period's table says which; the services' comparison is not the entities' (never the same name)
    level = "services" if d.get("level") == "service" else None
    name = "-".join(x for x in (page, key, chart, level, per.get("period")) if x)
    return data.table_csv(found.columns, found.rows, f"ascolto-{name}.csv")


@bp.get("/exports")
@require("exports")
def exports():
    con, settings = _ctx()
    from .. import cube
    from .api import API_FORMATS

    from ..export_periods import FREQ_WORDS, held_periods
    from .i18n_refusals import refusal

    periods = {f: cube.period_labels(con, f) for f in cube.FREQS}  # the lists follow the frequency
    # the default: monthly, as /api/v1/export/<fmt> and ascolto export (annual left out the running year's months)
    freq = request.args.get("freq") or "M"
    if freq not in cube.FREQS:  # a typed or edited address: refused naming it, as every page does
        raise QueryError("freq", "freq must be one of M, Q, A.")
    none_ended = None  # why a frequency asked for has no period to export (its year still running)
    held = None  # else what its download holds and leaves out, said before it (ascolto export's stderr line)
    if periods["M"]:
        try:
            held = held_periods(con, freq, None, None, ask="freq={}").words(
                lang(), ask=lambda f: FREQ_WORDS[lang()][f])
        except QueryError as exc:
            none_ended = refusal("invalid_parameter", str(exc), field="freq")
    from ..datapackage import QUASI_IDENTIFIER_WORDS, QUASI_IDENTIFIERS

    # what k is counted over: the package's own quasi-identifiers, in the page's language
    words = ", ".join(QUASI_IDENTIFIER_WORDS[q][lang() == "en"] for q in QUASI_IDENTIFIERS)
    return render_template("exports.html", formats=API_FORMATS, periods=periods, freq=freq, page="exports",
                           none_ended=none_ended, held=held,
                           microdata_k=settings.microdata_k, quasi_identifiers=words)


@bp.get("/exports/download")
@require("exports")
def export_download():
    """The exports form's action: the API's download of the range chosen. A range the API refuses for
    its periods (not whole periods of ``freq``; a running or not yet begun one: published once ended),
    a ``format`` or ``lang`` it does not have, are refused here, on an HTML page naming the field, not by
    the API's JSON in the browser."""
    from ..export_periods import held_periods
    from ..periods import require_ended_range, validate_range
    from .api import API_FORMATS, TABLE_FORMATS

    fmt = request.args.get("format", "csv")
    if fmt not in API_FORMATS:  # refused on this page, naming it (not the API's JSON), never put in the redirect's path
        raise QueryError("format", f"format must be one of {', '.join(API_FORMATS)}.")
    args = {k: v for k in ("freq", "from", "to", "lang") if (v := request.args.get(k))}
    if args.get("lang", "en") not in ("it", "en"):
        raise QueryError("lang", "lang must be it or en.")
    validate_range(args.get("freq", "M"), args.get("from"), args.get("to"))
    require_ended_range(args.get("from"), args.get("to"), freq=args.get("freq", "M"))
    if fmt in TABLE_FORMATS:  # a table of no ended period (freq=A in the data's only year): said on this page
        held_periods(_ctx()[0], args.get("freq", "M"), args.get("from"), args.get("to"), ask="freq={}")
    return redirect(url_for("api.export_table", fmt=fmt, **args), 303)


@bp.get("/exports/datapackage.zip")
@require("exports")
def export_datapackage():
    """The anonymised microdata package (docs/warehouse.md) of the months ``from``–``to`` (each
    optional, ``YYYY-MM``), zipped; a malformed month or a range without responses is a 400 naming it.
    Named after its months (``ascolto-microdata-2026-07_2026-09.zip``, :func:`warehouse.export.span`);
    the same months and data give the same bytes (entries in name order, with a fixed time and mode).
    Its descriptor's words are in the reader's language (Italian, or English for any other), as
    ``ascolto export --format datapackage --lang``. Another parameter, or one given twice, is a 400 naming it."""
    from dataset.recordkey import secret_for
    from .api import refuse_unknown_args

    refuse_unknown_args(frozenset({"from", "to", "lang"}))  # a typo (``From=``) gave every month, unsaid
    con, settings = _ctx()
    start, end = request.args.get("from") or None, request.args.get("to") or None
    tmp = Path(tempfile.mkdtemp(prefix="ascolto-dp-"))
    try:
        out = tmp / "datapackage"
        try:
            export.export(con, "datapackage", out, freq="M", start=start, end=end,
                          protection=Protection.from_settings(settings), microdata_k=settings.microdata_k,
                          secret=secret_for(settings.data_dir, settings.ckm_secret),
                          lang="it" if lang() == "it" else "en", data_dir=settings.data_dir)
        except QueryError as exc:  # no ended month with data: said of the months this download takes
            if exc.field != "freq":
                raise
            raise QueryError("from", str(exc)) from None
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(out.rglob("*")):
                if f.is_file():  # no file time: a second download of the same package is byte-identical
                    entry = zipfile.ZipInfo(str(f.relative_to(out)), date_time=(1980, 1, 1, 0, 0, 0))
                    entry.external_attr = 0o644 << 16
                    z.writestr(entry, f.read_bytes(), zipfile.ZIP_DEFLATED)
        buf.seek(0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return send_file(buf, mimetype="application/zip", as_attachment=True,
                     download_name=f"ascolto-microdata{export.span(start, end)}.zip")
