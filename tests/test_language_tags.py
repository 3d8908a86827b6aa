"""``lang`` is read the same way by the questionnaire's GET and by a submission.

A page says its language as a BCP-47 tag (``<html lang="it-IT">``, ``navigator.language`` "en-GB").
The GET served the questionnaire for ``?lang=it-IT`` in Italian, but a submission carrying
``"lang": "it-IT"`` was refused with a 400: a page's own script passing its language to both lost
the citizen's answer. Both now read a tag by its primary language subtag, any case, with any
region or script (``it-IT``, ``EN``, ``de_AT``, ``sl-Latn-SI``); the envelope records the
questionnaire's language (``it``). A language the questionnaires do not offer is still a 400 on a
submission, naming ``lang`` and saying to send the language the GET answered in.
"""
from __future__ import annotations

from urllib.parse import quote

import pytest

from questionnaires.envelope import SubmissionSchema
from questionnaires.vocabulary import client_language, language_of
from tests.conftest import WIDGET, submission

QUESTIONNAIRE = "/v1/services/demo-roma-anagrafe/questionnaire"
TAGS = [("it-IT", "it"), ("IT", "it"), ("en-GB", "en"), ("en_US", "en"), ("de-AT", "de"), ("fr-CH", "fr"),
        ("sl-Latn-SI", "sl"), (" fr ", "fr")]


@pytest.mark.parametrize("tag, lang", TAGS)
def test_a_tag_of_an_offered_language_is_that_language(tag, lang):
    assert language_of(tag) == lang == client_language(tag)
    assert SubmissionSchema().load(dict(submission(), lang=tag))["lang"] == lang


@pytest.mark.parametrize("tag", ["es", "es-ES", "english", "i", "it IT", "it--IT", "", "123"])
def test_another_language_or_no_tag_at_all_is_none_and_the_gets_italian(tag):
    assert language_of(tag) is None
    assert client_language(tag) == "it"  # the GET (and the form, the kiosk) serve Italian


@pytest.mark.parametrize("tag, lang", TAGS)
def test_the_get_and_a_submission_agree_on_a_region_tag(client, tag, lang):
    """What a page with ``<html lang="it-IT">`` passes to the GET it may pass to the submission."""
    doc = client.get(f"{QUESTIONNAIRE}?lang={quote(tag)}").get_json()
    assert doc["lang"] == lang
    resp = client.post("/v1/submissions", json=dict(submission(), lang=tag), headers=WIDGET)
    assert resp.status_code == 202, resp.get_json()


def test_a_language_not_offered_is_a_400_naming_lang_and_what_to_send(client):
    resp = client.post("/v1/submissions", json=dict(submission(), lang="es-ES"), headers=WIDGET)
    assert resp.status_code == 400
    body = resp.get_json()
    assert list(body["fields"]) == ["lang"]
    words = " ".join(body["fields"]["lang"])
    assert "it, en, de, fr, sl" in words and "it-IT" in words and "\"lang\"" in words


def test_a_lang_that_is_no_string_is_a_400_naming_lang(client):
    resp = client.post("/v1/submissions", json=dict(submission(), lang=7), headers=WIDGET)
    assert resp.status_code == 400 and list(resp.get_json()["fields"]) == ["lang"]
