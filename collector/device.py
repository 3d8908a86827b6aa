"""Reduce a User-Agent to a device class; the user agent itself is never stored (privacy)."""
from __future__ import annotations

import functools
import re

_BOT = re.compile(r"bot|crawl|spider|slurp|headless|curl|wget|python-requests", re.I)
_TABLET = re.compile(r"ipad|tablet|kindle|silk|playbook|(android(?!.*mobile))", re.I)
_MOBILE = re.compile(r"mobi|iphone|ipod|android.*mobile|windows phone|blackberry|opera mini", re.I)


@functools.lru_cache(maxsize=4096)  # a few user agents make most of the traffic
def device_class(user_agent: str | None) -> str:
    """One of ``mobile``, ``tablet``, ``desktop``, ``bot`` or ``unknown``."""
    if not user_agent:
        return "unknown"
    if _BOT.search(user_agent):
        return "bot"
    if _TABLET.search(user_agent):
        return "tablet"
    if _MOBILE.search(user_agent):
        return "mobile"
    return "desktop"
