"""Faces drawn as faces (issue 14): the inline SVG of the three faces, for the no-JS form and the kiosk.

An item with ``display: faces`` is drawn as three large faces, each with its text label under it
(the accessible name is the option's wording in the page's language; the drawing is
``aria-hidden``); the mouth's shape tells them apart, never colour alone. The widget draws the
same geometry in ``collector/static/widget.js`` (``FACE``) — keep the two in step.

The faces are drawn in the questionnaire's order of the answers (a choice's options as listed, a
rating from its lowest point to its highest); no renderer reorders them. Which face an answer gets is
what the questionnaire says it is worth, one rule for the form, the kiosk and the widget (which is
served the moods with the questionnaire, ``faces``, and draws them as given):

1. a ``choice`` whose three codes are ``satisfied``/``neutral``/``dissatisfied``: its codes;
2. else the item's harmonization scores (``questionnaires.scales.answer_scores``): the best-scored
   answer the happy face, the worst the sad one — a 1–3 rating scored ``linear`` has its 1 sad, one
   scored by a ``map`` that makes 1 the best has its 1 happy;
3. else (unscored) by position: a choice's first option happy (as ``faccia`` lists them), a
   rating's lowest point sad.
"""
from __future__ import annotations

from markupsafe import Markup

from questionnaires.model import Item, Questionnaire
from questionnaires.scales import answer_scores
from questionnaires.vocabulary import bool_key

MOODS = ("satisfied", "neutral", "dissatisfied")
_MOUTH = {"satisfied": "M14 28q10 10 20 0", "neutral": "M15 31h18", "dissatisfied": "M14 34q10-10 20 0"}


def face_svg(mood: str) -> Markup:
    """The face for ``mood`` as inline SVG (decorative: the label beside it names the answer)."""
    return Markup(
        '<svg class="face-svg" viewBox="0 0 48 48" width="96" height="96" aria-hidden="true" focusable="false">'
        '<circle cx="24" cy="24" r="21" fill="#fff" stroke="currentColor" stroke-width="3"/>'
        '<circle cx="17" cy="19" r="3" fill="currentColor"/><circle cx="31" cy="19" r="3" fill="currentColor"/>'
        f'<path d="{_MOUTH[mood]}" fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round"/></svg>')


def moods(item: Item, q: Questionnaire) -> list[str] | None:
    """The mood of each of the item's answers in their order (the rules of the module docstring), or
    None when it is not drawn as faces (no ``display: faces``, or not exactly three answers). ``q``:
    the questionnaire holding the item, whose harmonization scores its answers."""
    if item.display != "faces":
        return None
    answers = [bool_key(a) for a in item.possible_answers() or ()]
    if len(answers) != 3:
        return None
    if item.type == "choice" and sorted(answers) == sorted(MOODS):
        return answers
    scores = answer_scores(q, item.code)
    ranked = [scores.get(a) for a in answers] if scores else []
    if len(ranked) == 3 and None not in ranked and len(set(ranked)) == 3:
        order = sorted(ranked, reverse=True)  # best first: satisfied, neutral, dissatisfied
        return [MOODS[order.index(s)] for s in ranked]
    return list(MOODS) if item.type == "choice" else list(reversed(MOODS))
