"""The charting library, served by the console itself: plotly.js from the pinned PyPI ``plotly`` package.

No CDN, nothing fetched at run time: the file is read from the installed package's data and served
with a long cache lifetime under a versioned URL — its own version's only: another version is a 404 (a
year-long cache of the wrong bytes under another version's name would outlive any upgrade).
:func:`for_plotly` makes a chart's data text literal for plotly.js, which reads a subset of HTML in it.
"""
from __future__ import annotations

from html import escape
from importlib import metadata, resources
from typing import Any

from flask import Blueprint, Response, request

from .auth import not_found

bp = Blueprint("charts", __name__)
VERSION = metadata.version("plotly")
_cache: dict[str, bytes] = {}


def plotly_js() -> bytes:
    if "js" not in _cache:
        _cache["js"] = resources.files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    return _cache["js"]


@bp.get("/vendor/plotly-<version>.min.js")
def plotly(version: str):
    """The installed plotly.js, under its own version's URL only (another version: 404 naming it)."""
    if version != VERSION:
        raise not_found("version", f"No plotly.js {version!r} here: the console serves {VERSION}, "
                                   f"/vendor/plotly-{VERSION}.min.js.")
    etag = f'"plotly-{VERSION}"'
    if request.headers.get("If-None-Match") == etag:
        return Response(status=304, headers={"ETag": etag})
    return Response(plotly_js(), content_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=31536000, immutable", "ETag": etag})


#: The fields of a trace whose strings are data — names of entities and services from the registry, codes,
#: labels, categories of an axis — never markup: the chart's own hover templates are the only markup.
DATA_TEXT = ("name", "text", "hovertext", "x", "y")


def for_plotly(plot: dict[str, Any]) -> dict[str, Any]:
    """``plot`` (``{data, layout}``) as the page hands it to plotly.js: every string of the traces' data
    fields (:data:`DATA_TEXT`) with ``&``, ``<`` and ``>`` as entities, which plotly.js shows as the
    characters. plotly.js reads ``<b>``, ``<i>``, ``<br>``, ``<a href>``… in a trace's name, text and hover
    text: a service named ``<b>X</b><br>Y`` was drawn bold on two lines, and ``<a href=…>`` a link in the
    chart. Numbers and the chart's own templates (``hovertemplate``) are left as they are; ``plot`` is not
    changed (its text alternative and table read the names as they are)."""
    def literal(v: Any) -> Any:
        if isinstance(v, str):
            return escape(v, quote=False)
        if isinstance(v, list):
            return [literal(x) for x in v]
        return v

    data = [{k: literal(v) if k in DATA_TEXT else v for k, v in trace.items()} for trace in plot.get("data") or ()]
    return {**plot, "data": data}
