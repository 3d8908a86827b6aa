"""Results back to the PAs (issue 15): the entity workspace, self-service onboarding and coverage
monitoring, registered on the console by :func:`register` (docs/public.md)."""
from __future__ import annotations

from flask import Flask

from . import coverage, i18n_results, onboarding, workspace


def register(app: Flask) -> None:
    for bp in (workspace.bp, onboarding.bp, coverage.bp):
        app.register_blueprint(bp)
    i18n_results.install()
    app.jinja_env.globals["code_label"] = i18n_results.code_label
