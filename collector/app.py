"""Application factory of the public collector."""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import settings as config_mod
from settings import Settings
from settings.secret_policy import check_secret
from questionnaires import default_catalog
from questionnaires.catalog import Catalog
from registry import connect, dispose
from registry import breaker_metrics
from registry.breaker import guard
from registry.origins import OriginCounter
from registry.readmodel import ServiceDirectory

from . import form, funnel, intake, kiosk, public
from .catalog import CATALOG
from .cooperative import cooperative_database
from .durable import Durability
from .errors import register_error_handlers
from .front import SubmissionFront
from .ratelimit import RateLimits
from .shipper import Shipper
from .spool import Spool


def create_app(settings: Settings | None = None, *, catalog: Catalog | None = None) -> Flask:
    """Build the collector for ``settings`` (default: from the environment).

    Under gunicorn (``preload_app = False``) this runs in each worker after fork; the master runs
    the host's shipper (``ASCOLTO_SHIPPER=external``, set by ``deploy/gunicorn.conf.py``). Built
    anywhere else, the app ships its spool in a thread. Call :func:`close_app` to stop what it runs
    (tests do). Raises
    :class:`settings.secret_policy.WeakSecret` when ``ASCOLTO_FORM_SECRET`` is short or a placeholder.
    ``catalog``: the questionnaires this app serves (:mod:`collector.catalog`; default the shipped
    standard set) — a test's own questionnaires, never a patched module global.
    """
    settings = settings or config_mod.load()
    check_secret("ASCOLTO_FORM_SECRET", settings.form_secret)  # WeakSecret: refuse to start
    default_catalog()  # refuse to start on an edited published questionnaire, not fail per request
    app = Flask(__name__, static_folder=None)
    app.config.update(ASCOLTO_SETTINGS=settings, MAX_CONTENT_LENGTH=settings.max_request_bytes)
    app.json.sort_keys = False
    app.extensions[CATALOG] = catalog if catalog is not None else default_catalog()
    app.wsgi_app = SubmissionFront(app, app.wsgi_app)  # plain submissions answered without Flask's request objects
    if settings.proxy_count:  # outermost: the front and Flask both read the client's address it sets
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_count, x_proto=settings.proxy_count)
    cooperative_database()  # under gevent workers: a PostgreSQL round trip must not stop the loop
    # a registry that failed a call is not tried again for a few seconds: 503 at once (registry.breaker)
    factory = guard(connect(settings.database_url, create=False), listener=breaker_metrics.record)
    services = ServiceDirectory(factory, ttl_s=settings.registry_ttl_s)
    app.extensions["ascolto.registry"] = factory  # writes: the audit of operator entries only
    app.extensions["ascolto.services"] = services
    # widget requests per service and origin, for the console's "check my page" (registry.origins)
    app.extensions["ascolto.origins"] = OriginCounter(factory, flush_s=settings.origin_flush_s)
    shipper = Shipper(settings) if settings.shipper == "thread" else None  # else gunicorn's master runs it
    app.extensions["ascolto.durability"] = Durability(
        Spool(settings.spool_dir, settings.spool_max_bytes), timeout_s=settings.produce_timeout_s,
        shipper=shipper).start()
    app.register_blueprint(public.bp)
    app.register_blueprint(intake.bp)
    app.register_blueprint(form.bp)  # the no-JavaScript form fallback
    app.register_blueprint(kiosk.bp)  # the kiosk page of registered devices (issue 14)
    app.register_blueprint(funnel.bp)  # anonymous impression/start/submission counts (issue 14)
    app.extensions["ascolto.limits"] = RateLimits(settings, known=lambda key: services.get(key) is not None)
    app.extensions["ascolto.close"] = lambda: close_app(app)  # what a server calls as it stops (gunicorn's worker_exit)
    register_error_handlers(app)

    @app.after_request
    def _nosniff(resp):
        """Every answer, errors included: browsers must not guess a type other than the one sent."""
        resp.headers["X-Content-Type-Options"] = "nosniff"
        return resp

    return app


def close_app(app: Flask) -> None:
    """Stop what :func:`create_app` started besides serving: the in-process shipper (this process's log
    segment sealed; what is not shipped stays in the log for the next shipper), the origin counts'
    writer (what it holds written first), the rate limits' Redis connections and the registry's
    connections. The app must not serve after."""
    app.extensions["ascolto.durability"].close()
    app.extensions["ascolto.origins"].close()
    app.extensions["ascolto.limits"].close()
    dispose(app.extensions["ascolto.registry"])
