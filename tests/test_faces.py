"""Faces drawn as faces (issue 14 §1): the no-JS form and the widget draw ``display: faces`` items as
three labelled faces — inline SVG, the wording of every language as the accessible name."""
from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from collector.public import served_widget
from questionnaires import default_catalog
from questionnaires.model import LANGUAGES
from tests.channel_support import DESK_SERVICE

WIDGET = Path(__file__).parent.parent / "collector" / "static" / "widget.js"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_form_draws_three_labelled_faces_in_every_language(wide, lang):
    page = wide.get(f"/v1/services/{DESK_SERVICE}/form?lang={lang}").get_data(as_text=True)
    face = default_catalog().get("faccia", 1).items[0]
    labels = re.findall(r'<label class="opt face face-(\w+)" for="q-face-\d">(.*?)</label>', page, re.S)
    assert [mood for mood, _ in labels] == ["satisfied", "neutral", "dissatisfied"]
    for (mood, inner), option in zip(labels, face.options):
        assert inner.count("<svg") == 1 and 'aria-hidden="true"' in inner  # the drawing is decorative…
        words = re.sub(r"<svg.*?</svg>|<[^>]+>", "", inner, flags=re.S).strip()
        assert words == option.label[lang].replace("'", "&#39;")  # …the words are the accessible name
        assert f'value="{option.code}"' in inner and 'type="radio"' in inner
    assert "http" not in "".join(inner for _, inner in labels)  # no external asset


def test_items_without_the_faces_hint_are_not_drawn_as_faces(wide):
    page = wide.get("/v1/services/demo-roma-anagrafe/form").get_data(as_text=True)
    assert "<svg" not in page and "class=\"opt face" not in page


def test_the_widget_draws_faces_and_stays_small():
    js = WIDGET.read_text(encoding="utf-8")
    assert "item.faces" in js and "createElementNS" in js  # the moods come with the questionnaire
    assert 'channel: "web"' not in js  # the registry decides the channel
    assert len(gzip.compress(served_widget(js), 9)) <= 15 * 1024  # DESIGN §4's budget is of the bytes served


# --- one order, one rule: the form, the kiosk and the widget draw the same face for the same answer -------

def _faces_everywhere(wide, settings, service: str) -> dict[str, list[tuple[str, str]]]:
    """(mood, answer) of each face, left to right, as the no-JS form, the kiosk page and the widget's
    questionnaire JSON give them for ``service`` (the widget draws ``faces`` as served)."""
    from tests.channel_support import register_device

    _, token = register_device(settings, service, channel="kiosk")
    form = wide.get(f"/v1/services/{service}/form").get_data(as_text=True)
    kiosk = wide.get(f"/v1/services/{service}/kiosk?device={token}").get_data(as_text=True)
    doc = wide.get(f"/v1/services/{service}/questionnaire").get_json()
    [item] = [i for i in doc["items"] if "faces" in i]
    answers = ([str(v) for v in range(item["scale"]["min"], item["scale"]["max"] + 1)] if item["type"] == "rating"
               else [o["code"] for o in item["options"]])
    return {
        "form": [(m, v) for m, v in re.findall(r'<label class="opt face face-(\w+)".*?value="(\w+)"', form, re.S)],
        "kiosk": re.findall(r'class="face face-(\w+)" data-code="(\w+)"', kiosk),
        "widget": list(zip(item["faces"], answers)),
    }


def test_faccia_is_drawn_happy_first_as_its_options_are_listed_everywhere(wide, settings):
    """The standard's faces: the order of faccia's options (satisfied first), the same in all three."""
    drawn = _faces_everywhere(wide, settings, DESK_SERVICE)
    assert drawn["form"] == drawn["kiosk"] == drawn["widget"] == [
        ("satisfied", "satisfied"), ("neutral", "neutral"), ("dissatisfied", "dissatisfied")]
    doc = wide.get(f"/v1/services/{DESK_SERVICE}/questionnaire").get_json()
    assert [i["code"] for i in doc["items"] if "faces" in i] == ["face"]  # reasons and comment: no faces


def _rating(scores: dict | None):
    from questionnaires.analysis import build_questionnaire

    rule = {"item": "voto", "method": "linear"} if scores is None else {"item": "voto", "method": "map", "map": scores}
    return build_questionnaire({
        "id": "faccia", "version": 1, "title": {"it": "Il tuo parere"}, "channels": ["kiosk"],
        "items": [{"code": "voto", "type": "rating", "display": "faces", "required": True, "scale": {"min": 1, "max": 3},
                   "label": {"it": "Come valuti il servizio?"},
                   "scale_labels": {"min": {"it": "Male"}, "max": {"it": "Bene"}}}],
        "harmonization": {"satisfaction": rule}})


@pytest.mark.parametrize("scores, expected", [
    (None, ["dissatisfied", "neutral", "satisfied"]),                           # linear: 1 the worst
    ({"1": 100, "2": 50, "3": 0}, ["satisfied", "neutral", "dissatisfied"]),   # the author's map: 1 the best
])
def test_a_rating_drawn_as_faces_gets_the_faces_its_scores_say_in_its_scale_order(wide_serving, settings,
                                                                                   scores, expected):
    """A 1–3 rating drawn as faces reads from its lowest point, as every rating; each point's face is
    what the questionnaire scores it. The widget used its own copy of the rule (1 always sad), which
    could disagree with the form and the kiosk; it is now served the moods they draw."""
    from questionnaires.catalog import Catalog

    wide = wide_serving(Catalog([_rating(scores)]))
    drawn = _faces_everywhere(wide, settings, DESK_SERVICE)
    assert drawn["form"] == drawn["kiosk"] == drawn["widget"] == list(zip(expected, ["1", "2", "3"]))


def test_a_choice_drawn_as_faces_follows_its_scores_not_its_position(wide_serving, settings):
    """Options listed worst first under codes that are not the moods: by position the worst got the
    happy face; its score says it is the sad one."""
    from questionnaires.analysis import build_questionnaire
    from questionnaires.catalog import Catalog

    q = build_questionnaire({
        "id": "faccia", "version": 1, "title": {"it": "Il tuo parere"}, "channels": ["kiosk"],
        "items": [{"code": "giudizio", "type": "choice", "display": "faces", "required": True,
                   "label": {"it": "Come valuti il servizio?"},
                   "options": [{"code": "male", "label": {"it": "Male"}}, {"code": "cosi", "label": {"it": "Così così"}},
                               {"code": "bene", "label": {"it": "Bene"}}]}],
        "harmonization": {"satisfaction": {"item": "giudizio", "method": "map",
                                           "map": {"male": 0, "cosi": 50, "bene": 100}}}})
    wide = wide_serving(Catalog([q]))
    drawn = _faces_everywhere(wide, settings, DESK_SERVICE)
    assert drawn["form"] == drawn["kiosk"] == drawn["widget"] == [
        ("dissatisfied", "male"), ("neutral", "cosi"), ("satisfied", "bene")]
