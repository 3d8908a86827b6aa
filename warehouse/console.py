"""The internal console (DESIGN §8): for now its JSON API ``GET /api/v1/indicators``."""
from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from ascolto import config as config_mod
from ascolto.config import Settings

from .dataset import open_dataset
from .indicators import QueryError, by_pa_and_service_type


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or config_mod.load()
    app = Flask(__name__, static_folder=None)
    app.config["ASCOLTO_SETTINGS"] = settings
    app.json.sort_keys = False

    @app.get("/api/v1/indicators")
    def indicators():
        """Satisfaction (or ``indicator``) by PA type and service type, optionally for ``period``."""
        indicator = request.args.get("indicator", "satisfaction")
        period = request.args.get("period") or None
        with open_dataset(settings.data_dir) as con:
            rows = by_pa_and_service_type(con, indicator, period)
        return jsonify({"indicator": indicator, "period": period, "rows": rows})

    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok"})

    @app.errorhandler(QueryError)
    def _query_error(exc: QueryError):
        return jsonify({"error": "invalid_parameter", "message": str(exc), "fields": {exc.field: [str(exc)]}}), 400

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return jsonify({"error": exc.name.lower().replace(" ", "_"), "message": exc.description, "fields": {}}), exc.code

    return app
