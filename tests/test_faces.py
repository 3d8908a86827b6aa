"""Faces drawn as faces (issue 14 §1): the no-JS form and the widget draw ``display: faces`` items as
three labelled faces — inline SVG, the wording of every language as the accessible name."""
from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

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
    assert 'item.display !== "faces"' in js and "createElementNS" in js
    assert 'channel: "web"' not in js  # the registry decides the channel
    assert len(gzip.compress(js.encode(), 9)) <= 15 * 1024
