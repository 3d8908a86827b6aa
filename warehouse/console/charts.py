"""The charting library, served by the console itself: plotly.js from the pinned PyPI ``plotly`` package.

No CDN, nothing fetched at run time: the file is read from the installed package's data and served
with a long cache lifetime under a versioned URL — its own version's only: another version is a 404 (a
year-long cache of the wrong bytes under another version's name would outlive any upgrade).
"""
from __future__ import annotations

from importlib import metadata, resources

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
