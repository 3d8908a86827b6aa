"""Application factory of the public collector."""
from __future__ import annotations

from flask import Flask

from ascolto import config as config_mod
from ascolto.config import Settings
from registry import connect

from . import form, intake, public
from .errors import register_error_handlers
from .producer import SubmissionProducer
from .services import ServiceDirectory


def create_app(settings: Settings | None = None) -> Flask:
    """Build the collector for ``settings`` (default: from the environment).

    The Kafka producer is created lazily in each worker process, after gunicorn forks.
    """
    settings = settings or config_mod.load()
    app = Flask(__name__, static_folder=None)
    app.config.update(ASCOLTO_SETTINGS=settings, MAX_CONTENT_LENGTH=settings.max_request_bytes)
    app.json.sort_keys = False
    app.extensions["ascolto.services"] = ServiceDirectory(connect(settings.database_url, create=False))
    app.extensions["ascolto.producer"] = SubmissionProducer(settings.broker, settings.topic,
                                                           settings.produce_timeout_s)
    app.register_blueprint(public.bp)
    app.register_blueprint(intake.bp)
    app.register_blueprint(form.bp)  # the no-JavaScript form fallback
    register_error_handlers(app)
    return app
