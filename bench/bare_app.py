"""The reference for the collector benchmark: a bare Flask handler that parses JSON and answers 202."""
from flask import Flask, jsonify, request


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/v1/submissions")
    def submit():
        body = request.get_json(force=True)
        return jsonify({"submission_id": body.get("submission_id"), "status": "accepted"}), 202

    return app
