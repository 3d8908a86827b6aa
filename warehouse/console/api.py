"""The console's JSON API under ``/api/v1`` (shapes in docs/warehouse.md); every route checks the role.

Every route reads the rollup through one :class:`~warehouse.dataset.Warehouse` per process, which
refreshes it incrementally when the responses changed (checked at most every
``ASCOLTO_ROLLUP_CHECK_S`` seconds). Every figure served comes from :mod:`warehouse.protect` (the
cell-key method).
"""
from __future__ import annotations

import io

from flask import Blueprint, Response, current_app, g, jsonify, request

from .. import codelists, cube, export
from ..data_range import require_data
from ..compare import compare
from ..comparability import QueryError, all_indicators, declared, instruments_of
from ..export_periods import held_periods
from ..periods import freq_of, loaded_today, period_of, require_ended_range, running_month, validate_range
from ..protect import Protection
from .auth import require
from .data import CODED_FILTERS, check_codes, partial_json
from .unit_codes import check_units

bp = Blueprint("api", __name__, url_prefix="/api/v1")
API_FORMATS = ("csv", "parquet", "sdmx-csv", "jsonstat", "codelists", "sdmx-structure", "metadata")
_NAMES = {"csv": "{f}.csv", "parquet": "{f}.parquet", "sdmx-csv": "{f}.sdmx.csv", "jsonstat": "{f}.json",
          "metadata": "{f}.metadata.json",
          "codelists": "{f}.codelists.csv", "sdmx-structure": "ascolto-structure.sdmx.xml"}
#: the formats that hold the publication table's periods (and its codes): refused when they would hold none
TABLE_FORMATS = ("csv", "parquet", "sdmx-csv", "jsonstat", "codelists")  # hold periods: held_periods




def _list(name: str) -> list[str]:
    raw = request.args.get(name, "")
    return [v for v in (p.strip() for p in raw.split(",")) if v]


_check_codes = check_codes  # the codelist check, shared with the pages (warehouse.console.data)


#: the query parameters every cut reads (:func:`_cut`); an endpoint names its own beside them
_CUT_ARGS = frozenset({"period", "freq", "from", "to", "by", "margins", "indicator", "lang", *cube.DIMENSIONS})


def _known_args(own: frozenset[str]) -> None:
    """:func:`refuse_unknown_args` of a cut's parameters and the endpoint's ``own``."""
    refuse_unknown_args(_CUT_ARGS | own)


def refuse_unknown_args(known: frozenset[str] | None, comma: bool = True,
                        repeatable: frozenset[str] = frozenset()) -> None:
    """A 400 (:class:`QueryError`) naming a query parameter not in ``known`` (``servicetype=`` gave the national
    figures, the typo unsaid) or one given twice (``pa_type=L6&pa_type=C16`` filtered on L6 alone). The one
    check of the console's query parameters: the API's endpoints (``known``: what each reads; ``comma``: its
    filters take several values comma-separated, which the refusal says) and every page (``known`` None: any
    name, :func:`refuse_repeated_page_args`; a page reads one value of each but of ``repeatable``)."""
    for name in request.args:
        if known is not None and name not in known:
            raise QueryError(name, f"Unknown parameter {name!r}: this endpoint reads {', '.join(sorted(known))}.")
        if (times := len(request.args.getlist(name))) > 1 and name not in repeatable:
            raise QueryError(name, f"{name} is given {times} times: give it once"
                                   + (f" (several values comma-separated: {name}=a,b)." if comma else "."))


#: The query parameters a console page reads several values of (repeated in its address): none — every
#: page parameter is single-valued (a filter is one code, a period one label); a page that documents one
#: as multi-valued names it here.
PAGE_MULTI_ARGS: frozenset[str] = frozenset()


def refuse_repeated_page_args() -> None:
    """``before_request`` of the console: a page's (or its download's) query parameter given twice
    (``/service-types/X?indicator=ease&indicator=trust`` showed ease, the second unsaid) is a 400 on the page's
    error layout naming it, as the API refuses one (:func:`refuse_unknown_args`); on an API route (``/api/…``)
    the same JSON 400 its own check gives — every route, also those that read no cut (the workspace's, the
    coverage's: ``/api/v1/workspace/X?period=a&period=b`` read ``a``); static files none."""
    if request.endpoint in (None, "static", "charts.plotly"):  # no route: its 404 says what is wrong
        return
    api_route = request.path.startswith("/api/")
    refuse_unknown_args(None, comma=api_route, repeatable=frozenset() if api_route else PAGE_MULTI_ARGS)


def _cut(default_by: str = "pa_type,service_type", default_period: bool = False, export: bool = False,
         own: frozenset[str] = frozenset()) -> cube.Cut:
    """The request's cut. ``default_period``: with no ``period``/``from``/``to``, the latest complete
    period at ``freq`` (said in the answer's ``period.note``) instead of every period pooled. A range
    without any response is a 400 naming the parameter sent (``period``, or ``from``/``to``); ``export``:
    the cut is an export's, and the refusal says there is nothing to export (:func:`warehouse.data_range.require_data`).
    A parameter neither a cut's nor in ``own`` (the endpoint's), or given twice, is a 400 naming it (:func:`_known_args`)."""
    _known_args(own)
    period = request.args.get("period") or None
    # freq given, else the frequency of the period named (period=2026-Q3 asks a quarter), else months
    freq = request.args["freq"] if "freq" in request.args else freq_of(period, "period") if period else "M"
    # whole periods of the frequency, errors naming the parameter given (period, from or to)
    validate_range(freq, request.args.get("from") or None, request.args.get("to") or None, period)
    # a running period is not published (400 naming period, to or from); its figures come once it has ended
    require_ended_range(request.args.get("from") or None, request.args.get("to") or None, period, freq=freq)
    g.period_note = None
    if default_period and not (period or request.args.get("from") or request.args.get("to")):
        if freq in cube.FREQS:
            label, _complete = cube.latest_period(current_app.config["ASCOLTO_WAREHOUSE"]().cursor(), freq)
            period = label
            g.period_note = (f"No period given: the latest complete period with data ({label})" if label else
                             "No period given and none with data has ended yet: a period's figures are "
                             "published once it has ended")
    g.period_partial = None
    first, last = request.args.get("from") or period, request.args.get("to") or period
    if first or last:  # a period still running, or begun before the data: said in period.partial
        con = current_app.config["ASCOLTO_WAREHOUSE"]().cursor()
        labels = cube.period_labels(con, freq) if not last else []
        last = last or (labels[-1] if labels else None)
        if last:
            cov = cube.coverage(first or last, cube.first_data_month(con) if first else None, end=last)
            g.period_partial = partial_json(cov)
    by = request.args.get("by", default_by)
    margins = request.args.get("margins", "0")
    if margins not in ("0", "1", "true", "false"):
        raise QueryError("margins", "margins is 0 or 1.")
    filters = {d: values for d in cube.DIMENSIONS if (values := _list(d))}
    _check_codes(filters)
    if "entity" in filters or "service" in filters:  # the registry's codes (or the data's): 400 naming the filter
        check_units(current_app.config["ASCOLTO_WAREHOUSE"]().cursor(), current_app.config["ASCOLTO_REGISTRY"], filters)
    cut = cube.Cut(indicator=request.args.get("indicator", "satisfaction"),
                   by=[v for v in (p.strip() for p in by.split(",")) if v],
                   filters=filters,
                   freq=freq,
                   start=request.args.get("from") or period, end=request.args.get("to") or period,
                   margins=margins in ("1", "true")).validate()
    if cut.start or cut.end:  # a range outside the data: a 400 saying where the data are, not empty rows
        asked_period = period is not None and not (request.args.get("from") or request.args.get("to"))
        require_data(current_app.config["ASCOLTO_WAREHOUSE"]().cursor(), cut.freq, cut.start, cut.end,
                          period=asked_period, export=export)
    return cut




def _settings():
    return current_app.config["ASCOLTO_SETTINGS"]


def _protection() -> Protection:
    return Protection.from_settings(_settings())


@bp.get("/meta")
@require("dashboards")
def meta():
    """Dimensions, indicators (with the instruments declaring each), thresholds, the codes present
    (``values``), and the periods: ``periods`` the months read (ended ones: the running month is not
    loaded, :class:`warehouse.dataset.Warehouse`), ``published_periods`` per frequency (M, Q, A) those a
    figure is published for — ended, with data (:func:`warehouse.cube.period_labels`, what the console's
    menus offer) — and ``running_periods`` the period of each frequency still running (published once it
    has ended), by the running month the data were loaded with (:func:`warehouse.periods.loaded_today`)."""
    cache = current_app.extensions.setdefault("ascolto.meta", {})
    wh = current_app.config["ASCOLTO_WAREHOUSE"]()
    con = wh.cursor()
    if cache.get("token") == wh._loaded:
        return jsonify(cache["body"])
    periods = [r[0] for r in con.execute("SELECT DISTINCT period FROM rollup ORDER BY 1").fetchall()]
    values = {d: [r[0] for r in con.execute(
        f"SELECT DISTINCT {d} FROM rollup WHERE {d} IS NOT NULL ORDER BY 1").fetchall()]
        for d in ("pa_type", "service_type", "region", "channel", "instrument", "scale", "questionnaire")}
    # the periods a client may ask for (ended, with data), per frequency; ``periods`` (months) is kept as it was
    published = {f: cube.period_labels(con, f) for f in cube.FREQS}
    running = {f: period_of(running_month(loaded_today(con)), f) for f in cube.FREQS}
    body = {"dimensions": list(cube.DIMENSIONS), "freqs": list(cube.FREQS),
                    "indicators": [{"name": i, "kind": "categories" if i in cube.CATEGORY_INDICATORS else "score",
                                    "module": i.split(":")[0] if ":" in i else None,
                                    "label": dict(zip(("it", "en"), codelists.indicator_names().get(i, (i, i)))),
                                    "instruments": list(declared()[i])} for i in all_indicators()],
                    "disclosure": {"min_n": _settings().disclosure_min_n, "low_n": _settings().reliability_min_n,
                                   "microdata_k": _settings().microdata_k, **_protection().metadata()},
                    "periods": periods, "published_periods": published, "running_periods": running,
                    "values": values, "exports": list(API_FORMATS), "codelists": "/api/v1/codelists"}
    cache.update(token=wh._loaded, body=body)
    return jsonify(body)

@bp.get("/codelists")
@require("dashboards")
def codelists_view():
    """The codelists of the published table (:func:`warehouse.codelists.codelists`): every code with its
    Italian and English label — classification metadata, no figure, so every role that may query reads
    them (a refused code links here: :func:`warehouse.console.data.check_codes`). ``codelist``: some of
    them (comma-separated; an unknown one is a 400 naming it); ``format``: ``json`` (default:
    ``{codelists: {name: {code: {it, en}}}, filters: {filter: codelist}}``) or ``csv`` (the columns of
    the export's codelist file, :func:`warehouse.codelists.write_csv`). Unlike ``/export/codelists``
    (the codes one table uses), every valid code, with data or not."""
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise QueryError("format", "format must be json or csv.")
    thresholds = codelists.thresholds(_protection())  # the labels of OBS_STATUS U, CONF_STATUS A state them
    lists = codelists.codelists(**thresholds)
    asked = _list("codelist")
    for name in asked:
        if name not in lists:
            raise QueryError("codelist", f"Unknown codelist {name!r}; one of {', '.join(lists)}.")
    names = [n for n in lists if n in asked or not asked]  # in the codelists' order, as the CSV's rows
    if fmt == "csv":
        buf = io.StringIO()
        codelists.write_csv((r for r in codelists.rows(**thresholds) if r["codelist"] in names), buf)
        return Response(buf.getvalue(), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="ascolto-codelists.csv"'})
    return jsonify({"codelists": {n: {c: {"it": it, "en": en} for c, (it, en) in lists[n].items()} for n in names},
                    "filters": CODED_FILTERS})


@bp.get("/indicators")
@require("dashboards")
def indicators():
    """One indicator for any cut: ``by``, filters per dimension, ``freq``, ``period``/``from``/``to``;
    ``indicator=responses`` is the published count of responses (rows with ``n`` and the statuses)."""
    cut = _cut(default_period=True, own=frozenset({"statistic"}))
    statistic = request.args.get("statistic", "positive_share")
    if statistic not in ("positive_share", "mean"):
        raise QueryError("statistic", "statistic must be positive_share (the headline, comparable across instruments) "
                                      "or mean (only within one scale).")
    df = cube.table(current_app.config["ASCOLTO_WAREHOUSE"]().cursor(), cut, _protection())
    if statistic == "mean":
        cube.require_means(df, cut)  # 422 with the guard's reason when a cell pools scales, instruments, ...
    return jsonify({"indicator": cut.indicator, "freq": cut.freq, "by": cut.by, "filters": cut.filters,
                    "statistic": statistic,
                    "period": {"start": cut.start, "end": cut.end, "note": g.get("period_note"),
                               "partial": g.get("period_partial")},
                    "margins": cut.margins,
                    "instruments": list(instruments_of(cut.indicator)),
                    "rows": cube.rows_json(df, cut)})

@bp.get("/compare")
@require("dashboards")
def comparison():
    """Entities (or services) of one service type vs the national benchmark: funnel, flags, EB ranks."""
    cut = _cut(default_by="", default_period=True, own=frozenset({"measure", "overdispersion", "level"}))
    wh = current_app.config["ASCOLTO_WAREHOUSE"]()
    cur = wh.cursor()  # brings the rollup up to date first: the cache key below is its version
    args = dict(measure=request.args.get("measure", "positive_share"),
                overdispersion=request.args.get("overdispersion", "multiplicative"),
                level=request.args.get("level", "entity"), protection=_protection())
    key = (repr(cut), repr(sorted((k, repr(v)) for k, v in args.items())))
    body = _compare_cache(wh.version).get(key)
    if body is None:  # deterministic for one rollup version (cell-key noise, rank intervals without sampling)
        body = compare(cur, cut, **args)
        _compare_cache(wh.version)[key] = body
    # the cached body is shared: only its period (which gets this request's note) is copied
    return jsonify({**body, "period": {**body["period"], "note": g.get("period_note"),
                                       "partial": g.get("period_partial")}})


def _compare_cache(version: str | None) -> dict:
    """The comparisons computed from rollup ``version`` (a new version starts an empty cache; at most 256):
    the console's one comparison cache, the pages' too (:func:`.data_compared.comparison_cache`)."""
    from .data_compared import comparison_cache

    return comparison_cache(current_app.extensions, version)

@bp.get("/export/<fmt>")
@require("exports")
def export_table(fmt: str):
    """The publication table as csv, parquet, sdmx-csv or jsonstat (``freq``, ``from``, ``to``), the
    codelists of its codes (``codelists``: it/en labels), the SDMX structure (SDMX-ML 3.0) or the reference
    metadata of the range (``metadata``, :mod:`warehouse.refmeta`; also in JSON-stat's extension). A range
    holding no response is a 400 naming ``from`` or ``to`` (:func:`warehouse.data_range.require_data`), and a
    table (or its codelists) that would hold no period — ``freq=A`` when every year with data is still
    running — a 400 naming ``freq`` that says the running period, when it is published and the finer
    ``freq`` to ask (:func:`warehouse.export_periods.held_periods`), like ``ascolto export``'s exit 2, not a
    header-only file."""
    if fmt not in API_FORMATS:
        raise QueryError("format", f"format must be one of {', '.join(API_FORMATS)}; the data package "
                                   "is the console's /exports/datapackage.zip?from=YYYY-MM&to=YYYY-MM (a zip) "
                                   "or `ascolto export --format datapackage`.")
    cut = _cut(default_by="", export=True)
    df = reference = None
    lang = request.args.get("lang", "en")
    if lang not in ("it", "en"):
        raise QueryError("lang", "lang must be it or en.")
    con = current_app.config["ASCOLTO_WAREHOUSE"]().cursor()
    if fmt != "sdmx-structure":
        if fmt in TABLE_FORMATS:  # no ended period with data (freq=A in the data's only year): 400 naming freq
            held_periods(con, cut.freq, cut.start, cut.end, ask="freq={}")  # and a range without data, as the CLI
        else:
            require_data(con, cut.freq, cut.start, cut.end, export=True)  # a range without data: 400, as the CLI's exit 2
        if fmt != "metadata":
            # COMMENT_OBS in the download's language, as ``ascolto export --lang`` writes it
            df = export.publication_table(con, cut.freq, cut.start, cut.end, protection=_protection(), lang=lang)
        if fmt in ("jsonstat", "metadata"):
            from ..refmeta import reference_metadata

            reference = reference_metadata(con, cut.freq, cut.start, cut.end, _protection(), _settings().microdata_k,
                                           lang=lang)  # the quality report in the download's language
    body, media = export.render(df, fmt, cut.freq, _protection(), lang=lang, reference=reference,
                                as_of=cube.last_day(con))  # the structure's date: the data's, not the clock's
    # the name says what the file holds: ascolto-Q-2026-Q3.csv, ascolto-M-2026-01_2026-06.csv
    name = _NAMES[fmt].format(f=f"ascolto-{cut.freq}{export.span(cut.start, cut.end)}")
    return Response(body, mimetype=media.split(";")[0], content_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

