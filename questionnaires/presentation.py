"""Presentation rules every questionnaire follows, whatever its definition file says.

Published definitions are immutable (a change is a new version), so rules about how a
questionnaire is *shown* live here, applied when definitions are loaded and rendered:

- :func:`comment_last` — a module's items come after its base's, but the base's closing free-text
  items (``cx-core``'s ``comment``) stay last: the citizen's free comment always ends the form.
- :func:`end_labels` — every rating scale shows words at both ends. An item with its own
  ``scale_labels`` keeps them; any other uses :data:`DEFAULT_END_LABELS` ("Per niente" …
  "Moltissimo", the wording of ``cx-core``'s satisfaction, which fits every "Quanto …?" question of
  the standard). The collector's widget and no-JS form both render what this returns.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

DEFAULT_END_LABELS: Mapping[str, Mapping[str, str]] = {
    "min": {"it": "Per niente", "en": "Not at all", "de": "Überhaupt nicht", "fr": "Pas du tout", "sl": "Sploh ne"},
    "max": {"it": "Moltissimo", "en": "Very much", "de": "Sehr", "fr": "Tout à fait", "sl": "Zelo"},
}


def end_labels(item: Any) -> Mapping[str, Mapping[str, str]]:
    """``{"min": {lang: text}, "max": {lang: text}}`` for a rating item; ``{}`` for other types."""
    if getattr(item, "type", None) != "rating":
        return {}
    own = dict(item.scale_labels or {})
    return {end: own.get(end) or DEFAULT_END_LABELS[end] for end in ("min", "max")}


def comment_last(items: Sequence[Any], base_count: int) -> list[Any]:
    """``items`` (the base's ``base_count`` first, then the module's) with the base's trailing
    free-text items moved to the end, unless a module item's ``show_if`` refers to one of them."""
    items = list(items)
    tail = base_count
    while tail > 0 and items[tail - 1].type == "text":
        tail -= 1
    closing = items[tail:base_count]
    own = items[base_count:]
    if not closing or not own:
        return items
    closing_codes = {it.code for it in closing}
    if any(it.show_if is not None and it.show_if.item in closing_codes for it in own):
        return items
    return items[:tail] + own + closing
