"""The internal console (DESIGN §8): dashboards, exports, registry administration and the JSON API.

``create_app(settings)`` is the WSGI entry point (gunicorn: ``warehouse.console:create_app()``).
Modules: :mod:`.auth` (tokens, sessions, the role matrix), :mod:`.api` (JSON), :mod:`.pages`
(dashboards, exports), :mod:`.admin` (registry), :mod:`.charts` (the charting library, served
locally), :mod:`.data` (what each page shows), :mod:`.i18n` (Italian and English), :mod:`.ready`
(``/readyz``). ``/healthz`` and ``/readyz`` need no sign-in. :func:`close_app` closes what an app holds
(registered as ``app.extensions["ascolto.close"]``, which gunicorn's ``worker_exit`` calls).
"""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import duckdb

from flask import Flask, g, jsonify, render_template, request
from jinja2 import pass_context
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

import settings as config_mod
from settings import Settings
from settings.buckets import close_limiter
from settings.secret_policy import check_secret
from registry import connect, dispose
from registry import breaker_metrics
from registry.breaker import guard
from registry.errors import NOT_MIGRATED, RETRY_AFTER_S, UNREACHABLE, first_line, unmigrated

from ..comparability import NotComparable, QueryError
from ..dataset import SharedWarehouse, unreadable_file
from ..numbers import number, signed
from . import admin, api, auth, charts, data, data_units, i18n, pages, ready
from .i18n_refusals import refusal
from .throttle import SignInThrottle

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


#: The largest request body the console reads (``MAX_CONTENT_LENGTH``): its largest form, an improvement
#: plan (5 000 characters of actions, percent-encoded), is under 100 KB. Without a limit a client that
#: need not sign in (``/login``, ``/join``) had a worker hold a body of any size in memory: a 413 naming ``body``.
MAX_BODY_BYTES = 1024 * 1024

#: Paths of the same bytes for everyone (the console's static files, the charting library): cacheable.
PUBLIC_ASSETS = ("/static/", "/vendor/")


def create_app(settings: Settings | None = None) -> Flask:
    """The console for ``settings``; raises :class:`settings.secret_policy.WeakSecret` (refusing to
    start) when ``ASCOLTO_CONSOLE_SECRET`` is set to a short or placeholder value."""
    settings = settings or config_mod.load()
    check_secret("ASCOLTO_CONSOLE_SECRET", settings.console_secret)
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    app.extensions["ascolto.close"] = lambda: close_app(app)  # what a server calls as it stops (worker_exit)
    app.config.update(
        ASCOLTO_SETTINGS=settings,
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        SECRET_KEY=settings.console_secret or auth.local_secret(settings.data_dir),
        SESSION_COOKIE_NAME="ascolto_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings.console_secure_cookie,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        # a registry that failed a call is not tried again for a few seconds: 503 at once (registry.breaker)
        ASCOLTO_REGISTRY=guard(connect(settings.database_url, create=False), listener=breaker_metrics.record),
        ASCOLTO_SIGNIN_THROTTLE=SignInThrottle(settings),
    )
    app.json.sort_keys = False
    if settings.proxy_count:  # behind the internal ingress: the client is the one X-Forwarded-For names, so
        # the sign-in throttle's per-client bucket is each person's, not the proxy's (shared by all staff)
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_count, x_proto=settings.proxy_count)
    warehouse = SharedWarehouse(settings)  # one per process; a page waits for the one opening, never sees half
    app.config["ASCOLTO_WAREHOUSE"] = warehouse
    # the rollup's first build (seconds after make run) starts now, not when the first page asks for it
    app.config["ASCOLTO_WARM_UP"] = warehouse.warm_up()
    from .body_limit import refuse_cut_body
    app.before_request(refuse_cut_body)  # a chunked body over the limit: 413, not a cut form (before CSRF reads it)
    csrf = CSRFProtect(app)
    csrf.exempt(api.bp)  # GET only, and bearer-token or SameSite=Strict cookie authenticated
    from .nul_guard import refuse_nul
    app.before_request(refuse_nul)  # a NUL in an address or a form: 400 naming it (PostgreSQL cannot hold one)
    app.before_request(auth.load_user)
    app.before_request(api.refuse_repeated_page_args)  # a page's parameter given twice: 400 naming it
    app.url_defaults(i18n.keep_lang)  # a page opened with ?lang=en: its links keep it
    for bp in (api.bp, pages.bp, admin.bp, charts.bp):
        app.register_blueprint(bp)
    from .improve_api import bp as improve_bp  # the improvement cycle's JSON API, /api/v1/improve
    app.register_blueprint(improve_bp)
    from . import results; results.register(app)  # issue 15: entity workspace, onboarding, coverage
    from . import improve_pages; improve_pages.register(app)  # issue 16: drivers matrix, plan editor, evaluation
    from .operator import bp as operator_bp  # operator entry of faces judgements (issue 14)
    app.register_blueprint(operator_bp)
    from .rates import bp as rates_bp  # response rates and item non-response (issue 14)
    app.register_blueprint(rates_bp)
    from .faccia import bp as faccia_bp  # the "Mettiamoci la faccia" report of an entity (issue 14)
    app.register_blueprint(faccia_bp)
    from .channels import bp as channels_bp  # the channel view of an entity or service type (issue 14)
    app.register_blueprint(channels_bp)
    from . import i18n_attention; i18n_attention.install()  # the "Da guardare" page's English (pages.attention)

    # the one number format of the pages: 53,9 and 1.154 in Italian, 53.9 and 1,154 in English. The
    # filters take the context so that Jinja never folds one applied to a constant (``0.001|num(3)``)
    # at compile time, in the language of the first reader, for every reader after
    app.jinja_env.filters["num"] = pass_context(
        lambda _ctx, v, digits=1: "—" if v is None else number(v, i18n.lang(), digits))
    app.jinja_env.filters["signed"] = pass_context(
        lambda _ctx, v, digits=1: "—" if v is None else signed(v, i18n.lang(), digits))

    @app.context_processor
    def _globals():
        return {"_": i18n.gettext, "lang": i18n.lang(), "user": g.get("user"), "settings": settings,
                "indicator_labels": i18n.INDICATOR_LABELS, "plotly_version": charts.VERSION,
                "for_plotly": charts.for_plotly,  # a chart's data text literal for plotly.js
                "type_label": lambda code: data.type_label(code, i18n.lang()), "region_label": data.region_label,
                "list_label": data.code_label, "indicator_label": data.indicator_label,
                "indicator_menu": data.indicator_menu,
                "refusal": refusal, "lang_field": i18n.lang_field, "change_words": data_units.CHANGE_WORDS,
                # why a value is absent, in the legend's words (data.ABSENT: the one wording of every page)
                "absent_words": lambda kind: data.absent_words(kind, settings.disclosure_min_n)}

    @app.after_request
    def _headers(resp):
        """Security headers on every answer. What a signed-in user (or a bearer token) is sent — pages,
        the API, and every download: the microdata package, chart and workspace CSVs, plans — is
        ``no-store``, whatever the view set (``send_file``'s ``no-cache`` lets a browser keep the
        restricted microdata on disk); only the static files and the charting library are cached."""
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        if g.get("user") is not None and not request.path.startswith(PUBLIC_ASSETS):
            resp.headers["Cache-Control"] = "no-store"
        elif resp.mimetype == "text/html" or request.path.startswith("/api/"):
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    ready.register(app)  # /readyz: the registry answers, the dataset is readable

    def _err(status: int, error: str, message: str, fields: dict, page_message: str | None = None, **extra):
        if auth.wants_json():
            return jsonify({"error": error, "message": message, "fields": fields, **extra}), status
        return render_template("error.html", status=status, error=error, message=page_message or message), status

    @app.errorhandler(QueryError)
    def _query_error(exc: QueryError):  # a page says it in the reader's language; the API in English
        exc = _with_data(exc)
        if auth.wants_json():
            return _err(400, "invalid_parameter", str(exc), {exc.field: [str(exc)]})
        return render_template("error.html", status=400, error="invalid_parameter",
                               message=refusal("invalid_parameter", str(exc), field=exc.field),
                               instead=_instead(exc)), 400

    def _with_data(exc: QueryError) -> QueryError:
        """A running period refused, suggesting the latest ended one with data (or saying none has ended:
        :func:`warehouse.export_periods.with_data`), not the period right before it, which may hold no data;
        the refusal as it was when the data cannot be read (their own error is not this page's)."""
        if getattr(exc, "running", None) is None:
            return exc
        from ..export_periods import with_data

        try:
            return with_data(app.config["ASCOLTO_WAREHOUSE"]().cursor(), exc)
        except (duckdb.Error, OSError, RuntimeError):
            return exc

    def _instead(exc: QueryError) -> dict | None:
        """A page refused for a running period (``exc.instead``, :func:`warehouse.periods.require_ended`):
        the same page with the ended period it suggests in the refused field, every other argument kept — or,
        none of its frequency having ended, with the latest of a finer one (:func:`_finer`: ``freq`` said)."""
        label = getattr(exc, "instead", None)
        if request.method != "GET" or exc.field not in request.args:
            return None
        args = request.args.copy()
        if not label and not (label := _finer(exc, args)):
            return None
        args[exc.field] = label
        path = request.script_root + "/" + request.path.lstrip("/")  # never "//host"
        return {"field": exc.field, "label": label, "url": f"{path}?{urlencode(list(args.items(multi=True)))}",
                "freq": args["freq"] if args.get("freq") != request.args.get("freq") else None}

    def _finer(exc: QueryError, args) -> str | None:
        """No period of the frequency asked for has ended (the menu's "Annuale" in a first year of data): the
        latest ended period with data of the next finer one, set in ``args`` (``freq``) — else None. A
        label, never a figure."""
        freq = args.get("freq")
        if exc.field != "period" or getattr(exc, "running", None) is None or freq not in ("A", "Q"):
            return None
        from ..cube import latest_period

        for finer in ("Q", "M")[("A", "Q").index(freq):]:
            try:
                label = latest_period(app.config["ASCOLTO_WAREHOUSE"]().cursor(), finer)[0]
            except (duckdb.Error, OSError, RuntimeError):
                return None
            if label:
                args["freq"] = finer
                return label
        return None

    @app.errorhandler(NotComparable)
    def _not_comparable(exc: NotComparable):
        return _err(422, "not_comparable", str(exc), exc.fields, reason=exc.reason,
                    page_message=refusal("not_comparable", str(exc), reason=exc.reason))

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return _err(400, "csrf", exc.description, {"csrf_token": [exc.description]},
                    page_message=refusal("csrf", exc.description))

    def _registry_unavailable(exc: Exception):
        """The registry's database away, silent (given up by registry.deadline), failing moments ago
        (registry.breaker: answered at once) or not migrated: 503 ``registry_unavailable`` with ``Retry-After`` (the collector's answer), one log line, no traceback."""
        if isinstance(exc, sa_exc.ProgrammingError) and not unmigrated(exc):
            raise exc  # a real error: the 500 of any other
        app.logger.warning("registry unavailable, answering 503 registry_unavailable: %s",
                           NOT_MIGRATED if unmigrated(exc) else first_line(exc))
        message = "The registry database cannot be reached or did not answer; retry later."
        resp, status = _err(503, "registry_unavailable", message, {"registry": [message]},
                            page_message=i18n.gettext("Il registro non risponde: riprova più tardi."))
        resp = app.make_response((resp, status))
        resp.headers["Retry-After"] = str(RETRY_AFTER_S)
        return resp

    for cls in (*UNREACHABLE, sa_exc.ProgrammingError):  # the latter: only a registry not migrated
        app.register_error_handler(cls, _registry_unavailable)

    def _dataset_unreadable(exc: Exception):
        """A file of the dataset DuckDB cannot read (a truncated or foreign ``.parquet`` put there by a
        restore or a copy, an I/O error): 503 ``dataset_unavailable``, one log line naming the file, as
        ``/readyz`` says — not the 500 of a bug. Other DuckDB errors (a query's own) stay 500."""
        if not unreadable_file(exc):
            raise exc
        app.logger.error("dataset unreadable, answering 503 dataset_unavailable: %s", first_line(exc))
        message = "A file of the dataset cannot be read; the console's log names it."
        return _err(503, "dataset_unavailable", message, {"dataset": [message]},
                    page_message=i18n.gettext("I dati non si possono leggere: avvisa chi gestisce la console."))

    for cls in (duckdb.IOException, duckdb.InvalidInputException):
        app.register_error_handler(cls, _dataset_unreadable)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        """An HTTP error with ``fields`` naming what was wrong: the path parameter that names nothing
        (``auth.not_found`` sets ``field``), or — no route matched — the ``path`` itself, as the collector
        names it; a page says it in the reader's language (an unknown path: "the page does not exist")."""
        field = getattr(exc, "field", None)  # set by auth.not_found: the path parameter that names nothing
        kind = exc.name.lower().replace(" ", "_")
        fields = {field: [exc.description]} if field else {}
        if exc.code == 413:  # a body over MAX_BODY_BYTES (werkzeug's words name no field)
            fields = {"body": [f"Larger than the limit of {MAX_BODY_BYTES} bytes."]}
        elif exc.code == 404 and request.url_rule is None:  # no such route: name the path and where the routes are
            fields = {"path": [f"No endpoint {request.path!r} in the console; the API's routes are listed in "
                               "docs/warehouse.md (Console API)."]}
        return _err(exc.code, kind, exc.description, fields, page_message=refusal(kind, exc.description, field=field))

    return app


def close_app(app: Flask) -> None:
    """Close what :func:`create_app` opened besides serving: wait for the rollup's warm-up thread, close
    the warehouse's DuckDB connection, the sign-in throttle's and the ``/join`` limiter's storage
    connections (Redis) and the registry's engine (its pooled PostgreSQL connections). Idempotent (a
    second call does nothing); the app must not serve after. Gunicorn's ``worker_exit`` calls it through
    ``app.extensions["ascolto.close"]`` (deploy/gunicorn.conf.py), tests directly."""
    if app.extensions.get("ascolto.closed"):
        return
    app.extensions["ascolto.closed"] = True
    if (warm_up := app.config.get("ASCOLTO_WARM_UP")) is not None:
        warm_up.join()  # not a daemon: DuckDB must not be closed (nor killed) under the rollup's build
    app.config["ASCOLTO_WAREHOUSE"].close()
    app.config["ASCOLTO_SIGNIN_THROTTLE"].close()
    if (join := app.extensions.get("ascolto.join_limit")) is not None:  # made at the first /join post
        close_limiter(join[0])
    dispose(app.config["ASCOLTO_REGISTRY"])


__all__ = ["create_app", "close_app"]
