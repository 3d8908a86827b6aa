"""Faces drawn as faces (issue 14): the inline SVG of the three faces, for the no-JS form and the kiosk.

An item with ``display: faces`` is drawn as three large faces, each with its text label under it
(the accessible name is the option's wording in the page's language; the drawing is
``aria-hidden``); the mouth's shape tells them apart, never colour alone. The widget draws the
same geometry in ``collector/static/widget.js`` (``FACE``) — keep the two in step.

Which face an answer gets: for a ``choice`` item the option codes ``satisfied``/``neutral``/
``dissatisfied`` (else by position: first = happy); for a ``rating`` item its lowest point is the sad
face and its highest the happy one.
"""
from __future__ import annotations

from markupsafe import Markup

from questionnaires.model import Item

MOODS = ("satisfied", "neutral", "dissatisfied")
_MOUTH = {"satisfied": "M14 28q10 10 20 0", "neutral": "M15 31h18", "dissatisfied": "M14 34q10-10 20 0"}


def face_svg(mood: str) -> Markup:
    """The face for ``mood`` as inline SVG (decorative: the label beside it names the answer)."""
    return Markup(
        '<svg class="face-svg" viewBox="0 0 48 48" width="96" height="96" aria-hidden="true" focusable="false">'
        '<circle cx="24" cy="24" r="21" fill="#fff" stroke="currentColor" stroke-width="3"/>'
        '<circle cx="17" cy="19" r="3" fill="currentColor"/><circle cx="31" cy="19" r="3" fill="currentColor"/>'
        f'<path d="{_MOUTH[mood]}" fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round"/></svg>')


def moods(item: Item) -> list[str] | None:
    """The mood of each of the item's answers in their order, or None when it is not drawn as faces
    (no ``display: faces``, or not exactly three answers)."""
    if item.display != "faces":
        return None
    if item.type == "rating":
        n = item.scale_max - item.scale_min + 1
        return list(reversed(MOODS)) if n == 3 else None
    codes = [o.code for o in item.options]
    if len(codes) != 3:
        return None
    return [c if c in MOODS else MOODS[i] for i, c in enumerate(codes)]
