"""The questionnaires an app serves: ``app.extensions[CATALOG]``, set by :func:`collector.app.create_app`.

The views look their questionnaire up here, never in a module global: the shipped standard set
(:func:`questionnaires.default_catalog`) unless ``create_app(catalog=...)`` was given another — a
test's questionnaire (a rating drawn as faces, say) is served by an app of its own, and no other
app, test or thread in the process sees it.
"""
from __future__ import annotations

from flask import Flask, current_app

from questionnaires import default_catalog
from questionnaires.catalog import Catalog

CATALOG = "ascolto.catalog"


def catalog(app: Flask | None = None) -> Catalog:
    """The catalog of ``app`` (default: the current app); the standard set where none was set."""
    found = (current_app if app is None else app).extensions.get(CATALOG)
    return default_catalog() if found is None else found
