"""The public open-data site (issue 15.4): national results per quarter, per PA type and per service
type, with CIs and disclosure flags, from the published *releases* only (:mod:`warehouse.publish`).

``create_app(settings)`` (gunicorn: ``warehouse.public:create_app()``; ``ascolto public``). No sign-in,
read-only (GET/HEAD only), no cookies, no scripts. Pages ``/it/…``, ``/en/…`` and ``/de/…`` (German, for the
bilingual bodies of South Tyrol), each linking its versions in the others: the index (every
released quarter, the latest national table), a quarter (national, per PA type, per service type), a
service type across quarters, with the headline indicators' trend as SVG images (:mod:`.charts`,
``/<lang>/charts/…``); downloads of each release's files exactly as released (CSV, SDMX-CSV,
JSON-stat) and a JSON of each quarter with the same numbers. Every path parameter must name
something in a release (else 404) and query strings are ignored: nothing reaches beyond the
published tables — no comments, no microdata, no other cut. Responses carry an ETag (304 on
``If-None-Match``) and ``Cache-Control: public``; each client is limited by the ``limits`` library
(``ASCOLTO_PUBLIC_RATE_LIMIT``, 429 with ``Retry-After``), under the client's keyed bucket
(:class:`settings.buckets.ClientBuckets`: no raw address in memory or Redis). :func:`close_app` closes
what an app holds (registered as ``app.extensions["ascolto.close"]``, which gunicorn's ``worker_exit`` calls).
"""
from __future__ import annotations

import gzip
import hashlib
import re
import threading
import time

from flask import Flask, abort, jsonify, redirect, render_template, request, send_file
from limits import parse, storage, strategies
from werkzeug.exceptions import HTTPException

import settings as config_mod
from settings import Settings
from settings.buckets import ClientBuckets, close_limiter, limiter_storage

from .. import warmup
from . import charts
from ..periods import is_complete
from ..protect import Protection
from .feed import atom
from .highlights import findings, for_json, sentences
from .series import series
from .i18n import FILES, LABELS, LANG_NAMES, gettext, number, quarter_months, release_date, type_label, type_name
from .releases import INDICATORS, NATIONAL, TOTAL, Releases

LANGS = ("it", "en", "de")
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; "
       "base-uri 'none'")
#: An SVG chart's own policy (its response is a document of its own): its inline styles, nothing else — an
#: image runs no script, and nothing it could name is loaded
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"
SVG = "image/svg+xml"
#: the site's robots.txt: everything may be crawled (public open data, read-only)
ROBOTS = "User-agent: *\nAllow: /\n"


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or config_mod.load()
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    app.json.sort_keys = False
    if settings.proxy_count:  # behind its ingress: each reader's bucket is the address X-Forwarded-For names,
        # not the proxy's (one bucket for every reader: one scraper would have closed the site to all)
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_count, x_proto=settings.proxy_count)
    releases = Releases(settings.releases_path, check_s=min(settings.rollup_check_s, 5.0))
    # the releases' first load (every file's checksum) starts now, as the console's rollup build does:
    # the first page after a start finds them loaded, or waits for that one load (Releases' lock)
    app.config["ASCOLTO_WARM_UP"] = (warmup.start("releases-warm-up", releases.get,
                                                  "releases warm-up failed; the first page loads them")
                                     if releases.root.is_dir() else None)
    uri, options = limiter_storage(settings)
    limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(uri, **options))
    limit = parse(settings.public_rate_limit)
    bucket = ClientBuckets(settings).bucket
    app.extensions["ascolto.public_limit"] = (limiter, limit, bucket)
    app.extensions["ascolto.close"] = lambda: close_app(app)  # what a server calls as it stops (worker_exit)
    protection = Protection.from_settings(settings)  # the legend's thresholds are the ones the tables were cut with
    # (releases, path) → body, its gzip (None when too small to gain), mimetype, etag, disposition
    rendered: dict[tuple[str, str], tuple[bytes, bytes | None, str, str, str | None]] = {}
    rendering: dict[tuple[str, str], threading.Lock] = {}  # one render of each response at a time (the series: seconds)

    def cached(view):
        """Serve a page, JSON, chart or file rendered once per set of releases (they never change in place), with
        the mimetype it was rendered with (``image/svg+xml`` for a chart: its CSP follows from it, ``_headers``);
        gzip-compressed to a reader who takes it (``Content-Encoding: gzip``, its own ETag; ``Vary:
        Accept-Encoding``), as it is to any other. Both forms are kept: compressing or inflating for each reader
        cost every kind of path its p95 under ``bench.public``."""
        import functools

        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            releases.get()
            key = (releases.etag, request.path)
            hit = rendered.get(key)
            if hit is None:
                with rendering.setdefault(key, threading.Lock()):
                    if (hit := rendered.get(key)) is None:
                        try:
                            resp = app.make_response(view(*args, **kwargs))
                        except Exception:  # a 404 (abort) or worse: not kept, nor its lock (any path may be asked)
                            rendering.pop(key, None)
                            raise
                        if resp.status_code != 200:
                            rendering.pop(key, None)
                            return resp
                        body = resp.get_data()
                        packed = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= 1024 else None
                        hit = (body, packed, resp.mimetype, hashlib.sha256(body).hexdigest()[:32],
                               resp.headers.get("Content-Disposition"))
                        if len(rendered) > 1000 or any(k[0] != releases.etag for k in list(rendered)[:1]):
                            rendered.clear()
                            for k in [k for k in list(rendering) if k != key]:
                                rendering.pop(k, None)
                        rendered[key] = hit
            gz = hit[1] is not None and request.accept_encodings["gzip"] > 0
            resp = app.response_class(hit[1] if gz else hit[0], mimetype=hit[2])
            if gz:
                resp.headers["Content-Encoding"] = "gzip"
            if hit[4]:  # a file to save (the series), named as it was
                resp.headers["Content-Disposition"] = hit[4]
            resp.set_etag(hit[3] + ("-gz" if gz else ""))
            return resp
        return wrapped

    @app.before_request
    def _guard():
        if request.method not in ("GET", "HEAD"):
            abort(405)
        client = bucket(request.remote_addr)
        try:
            ok = limiter.hit(limit, "ascolto-public", client)
        except Exception:  # the limiter's storage failing lets readers through
            ok = True
        if not ok:
            reset = limiter.get_window_stats(limit, "ascolto-public", client).reset_time
            retry = max(1, int(reset - time.time()) + 1)
            lang = _page_lang()  # a reader's browser is told on a page, in the language of the address
            resp = page(lang, "error.html", code=429, retry=retry) if lang else jsonify(
                {"error": "rate_limited", "message": "Too many requests.",
                 "fields": {"client": ["Too many requests; retry later."]}})
            resp.status_code = 429
            resp.headers["Retry-After"] = str(retry)
            return resp
        return None

    def _page_lang() -> str | None:
        """The language of the page a browser asked for (``it`` for a path in no language); None for a
        file, the data, the icons or a client that does not take HTML (they are answered in JSON)."""
        first = request.path.strip("/").split("/", 1)[0]
        if first in ("data", "releases", "static", "healthz") or not request.accept_mimetypes.accept_html:
            return None
        return first if first in LANGS else "it"

    def _lang(lang: str) -> str:
        if lang not in LANGS:
            abort(404)
        return lang

    def page(lang: str, template: str, **ctx):
        first, _sep, rest = request.path.lstrip("/").partition("/")
        body = render_template(template, lang=lang, _=lambda t: gettext(t, lang), labels=LABELS, indicators=INDICATORS,
                               num=lambda v, decimals=1: number(v, lang, decimals),
                               months=lambda q: quarter_months(q, lang),
                               # "Pubblicato il 2 dicembre 2026": the release's day in Rome, in words
                               released=lambda ts: release_date(ts, lang),
                               type_label=lambda c: type_label(c, lang), type_name=lambda c: type_name(c, lang)[0],
                               # the same page in each language: the switcher's links and the hreflang alternates
                               langs=LANGS, lang_names=LANG_NAMES, rest="/" + rest if first in LANGS else "/",
                               min_n=protection.min_n, low_n=protection.low_n, files=FILES,
                               # the key findings' bullets in the page's language ("In sintesi")
                               bullets=lambda h: sentences(h, lang, protection.low_n, lambda c: type_label(c, lang),
                                                           markup=True),
                               **ctx)
        return app.response_class(body, mimetype="text/html")

    @app.get("/")
    def root():
        return redirect("/it/", 302)

    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    @app.get("/robots.txt")
    def robots():
        """Every page may be crawled: the site is public open data (it answered a redirect to a 404)."""
        return app.response_class(ROBOTS, mimetype="text/plain")

    # a language only: "/it" is redirected to "/it/", while "/favicon.ico" is a 404, not a redirect to one
    @app.get(f"/<any({', '.join(LANGS)}):lang>/")
    @cached
    def index(lang: str):
        rel = releases.get()
        latest = rel[max(rel)] if rel else None
        return page(_lang(lang), "index.html", releases=[rel[p] for p in sorted(rel, reverse=True)], latest=latest,
                    national=latest.cells() if latest else [], highlights=findings(latest, rel) if latest else None,
                    chart=charts.describe(charts.points(rel), lang))

    @app.get("/<lang>/methodology")
    @cached
    def methodology(lang: str):
        return page(_lang(lang), "methodology.html", protection=protection.metadata())

    @app.get("/<lang>/<period>")
    @cached
    def quarter(lang: str, period: str):
        rel = releases.get()
        r = rel.get(period) or abort(404)
        return page(_lang(lang), "quarter.html", r=r, national=r.cells(), highlights=findings(r, rel),
                    pa_types=[(t, r.cells(pa_type=t)) for t in r.values("pa_type")],
                    service_types=[(t, r.cells(service_type=t)) for t in r.values("service_type")])

    @app.get("/<lang>/service-types/<code>")
    @cached
    def service_type(lang: str, code: str):
        rel = releases.get()
        rows = [(p, rel[p], rel[p].cells(service_type=code)) for p in sorted(rel) if code in rel[p].values("service_type")]
        if not rows:
            abort(404)
        latest = rows[-1][1]  # the newest quarter holding the type: its key findings open the page
        return page(_lang(lang), "service_type.html", code=code, rows=rows,
                    highlights=findings(latest, rel, service_type=code),
                    chart=charts.describe(charts.points(rel, code), lang))

    def chart(lang: str, data) -> object:
        """A trend chart (:mod:`warehouse.public.charts`) as an SVG image; 404 when it would be empty."""
        if not data:
            abort(404)
        return app.response_class(charts.render(data, lang, protection.low_n), mimetype=SVG)

    @app.get("/<lang>/charts/national.svg")
    @cached
    def national_chart(lang: str):
        return chart(_lang(lang), charts.points(releases.get()))

    @app.get("/<lang>/charts/service-types/<code>.svg")
    @cached
    def service_type_chart(lang: str, code: str):
        return chart(_lang(lang), charts.points(releases.get(), code))

    @app.get("/<lang>/feed.atom")
    @cached
    def feed(lang: str):
        """The releases as an Atom feed in the page's language (:mod:`warehouse.public.feed`)."""
        lang, rel = _lang(lang), releases.get()
        base = settings.public_site  # never the request's Host: the body is cached for every reader
        body = atom(rel, lang, base, gettext("Ascolto — dati aperti", lang) + ": " + gettext("Trimestri pubblicati", lang),
                    lambda r: (f"{gettext('Trimestre', lang)} {r.period} ({quarter_months(r.period, lang)}), "
                               f"{gettext('versione', lang)} {r.version}"),
                    lambda r: sentences(findings(r, rel), lang, protection.low_n, lambda c: type_label(c, lang)),
                    lambda r: gettext("Nota di revisione", lang))
        return app.response_class(body, mimetype="application/atom+xml")

    @app.get("/data/<period>.json")
    @cached
    def quarter_json(period: str):
        rel = releases.get()
        r = rel.get(period) or abort(404)
        return jsonify({"period": period, "version": r.version, "note": r.manifest.get("note"),
                        "coverage": r.manifest.get("coverage"),
                        "highlights": for_json(findings(r, rel), protection.low_n, LANGS),
                        "confidentiality": r.manifest["confidentiality"], "national": r.cells(),
                        "pa_type": {t: r.cells(pa_type=t) for t in r.values("pa_type")},
                        "service_type": {t: r.cells(service_type=t) for t in r.values("service_type")},
                        "files": {n: f"/releases/{period}/v{r.version}/{n}" for n in r.manifest["files"]}})

    @app.get("/data/<any('series.csv', 'series.sdmx.csv'):name>")
    @cached
    def series_file(name: str):
        """Every released quarter in one file (:mod:`warehouse.public.series`)."""
        return app.response_class(series(releases.get(), name), mimetype="text/csv",
                                  headers={"Content-Disposition": f"attachment; filename=ascolto-{name}"})

    @app.get("/data/releases.json")
    @cached
    def catalog():
        return jsonify({p: [{**{k: m[k] for k in ("version", "created_at", "note", "supersedes", "files")},
                             "changes": m.get("changes"), "coverage": m.get("coverage")}
                            for m in r.history] for p, r in sorted(releases.get().items())})

    @app.get("/releases/<period>/v<int:version>/<name>")
    def download(period: str, version: int, name: str):
        r = releases.get().get(period) or abort(404)
        m = next((m for m in r.history if m["version"] == version), None)
        if m is None or (name not in m["files"] and name != "manifest.json"):
            abort(404)
        path = releases.root / period / f"v{version}" / name
        media = m["files"][name]["media_type"] if name in m["files"] else "application/json"
        return send_file(path, mimetype=media.split(";")[0], as_attachment=name != "manifest.json",
                         download_name=f"ascolto-{period}-v{version}-{name}", max_age=86400, etag=True)

    @app.after_request
    def _headers(resp):
        # a chart is a document of its own: its inline styles allowed, still nothing to run or load
        resp.headers["Content-Security-Policy"] = SVG_CSP if resp.mimetype == SVG else CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["Access-Control-Allow-Origin"] = "*"  # open data: any page may read it
        if resp.status_code == 200 and not resp.direct_passthrough:
            if "ETag" not in resp.headers:
                resp.set_etag(hashlib.sha256(resp.get_data()).hexdigest()[:32])
            resp.cache_control.public = True
            resp.cache_control.max_age = 300
            resp.vary.add("Accept-Encoding")
            resp = resp.make_conditional(request)
        return resp

    @app.errorhandler(HTTPException)
    def _err(exc: HTTPException):
        """A page's error is a page, in the language of its address; a file's or the data's is JSON."""
        lang = _page_lang()
        if exc.code == 404 and lang:
            # a quarter not released (the running one, say): why, and the latest that is (no date of its own)
            period = (request.view_args or {}).get("period", "") if request.endpoint == "quarter" else ""
            rel = releases.get() if re.fullmatch(r"\d{4}-Q[1-4]", period) else {}
            resp = page(lang, "error.html", code=exc.code, quarter=period if rel else None,
                        ended=bool(rel) and is_complete(period), latest=max(rel) if rel else None)
            resp.status_code = exc.code
            return resp
        return jsonify({"error": exc.name.lower().replace(" ", "_"), "message": exc.description,
                        "fields": {"path": [exc.description]}}), exc.code

    return app


def close_app(app: Flask) -> None:
    """Close what :func:`create_app` started besides serving: wait for the releases' warm-up thread, close
    the rate limiter's storage connections (Redis). The site holds no registry and no DuckDB connection
    (the releases are files, read into memory). Idempotent; the app must not serve after. Gunicorn's
    ``worker_exit`` calls it through ``app.extensions["ascolto.close"]`` (deploy/gunicorn.conf.py)."""
    if app.extensions.get("ascolto.closed"):
        return
    app.extensions["ascolto.closed"] = True
    if (warm_up := app.config.get("ASCOLTO_WARM_UP")) is not None:
        warm_up.join()
    close_limiter(app.extensions["ascolto.public_limit"][0])


__all__ = ["create_app", "close_app", "NATIONAL", "TOTAL"]
