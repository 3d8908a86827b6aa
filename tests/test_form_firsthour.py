"""Issue 19, points 1 and 4 on the server side: what a citizen sees around the questions.

- the free comment is always last, after a module's own questions (widget JSON and no-JS form);
- every rating scale shows words at both ends, in every language;
- the no-JS thank-you page links back to the page the form came from, on an allowed origin only;
- a page of an origin the service does not allow gets a 403 for the questionnaire itself.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from questionnaires import default_catalog
from questionnaires.model import LANGUAGES
from questionnaires.presentation import DEFAULT_END_LABELS
from registry import connect, ops
from registry.db import session_scope
from tests.conftest import ORIGIN
from tests.test_form import GOOD, _hidden, _post

SERVICE = "demo-roma-anagrafe"


@pytest.fixture
def module_service(settings):
    """A service of Roma Capitale collecting cx-core + mod-anagrafe."""
    with session_scope(connect(settings.database_url)) as s:
        ops.add_service(s, actor="test", key="roma-anagrafe-mod", entity_ipa="c_h501", name="Certificati",
                        service_type="anagrafe.certificati", allowed_origins=[ORIGIN],
                        questionnaire_id="mod-anagrafe", questionnaire_version=1)
    return "roma-anagrafe-mod"


@pytest.mark.parametrize("qid", ["mod-anagrafe", "mod-previdenza", "mod-sanita", "mod-scuola", "mod-tributi"])
def test_every_module_ends_with_the_free_comment(qid):
    q = default_catalog().get(qid, 1)
    codes = [it.code for it in q.items]
    assert codes[-1] == "comment"
    assert codes.index(q.own_items[0].code) > codes.index("went_wrong")  # the module after the core


def test_the_widget_and_the_form_put_the_comment_after_the_module(client, module_service):
    doc = client.get(f"/v1/services/{module_service}/questionnaire?lang=it").get_json()
    codes = [it["code"] for it in doc["items"]]
    assert codes[-4:] == ["anag_findability", "anag_identification", "anag_counter", "comment"]
    page = client.get(f"/v1/services/{module_service}/form?lang=it").get_data(as_text=True)
    order = [m for m in re.findall(r'id="q-([a-z_]+)"', page)]
    assert order[-4:] == ["anag_findability", "anag_identification", "anag_counter", "comment"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_rating_scale_has_end_labels_in_the_widget_and_the_form(client, module_service, lang):
    doc = client.get(f"/v1/services/{module_service}/questionnaire?lang={lang}").get_json()
    ratings = [it for it in doc["items"] if it["type"] == "rating"]
    assert len(ratings) == 6  # five of the core, one of the module
    for it in ratings:
        assert set(it["scale_labels"]) == {"min", "max"} and all(it["scale_labels"].values()), it["code"]
    assert doc["items"][1]["scale_labels"] == {end: DEFAULT_END_LABELS[end][lang] for end in ("min", "max")}
    page = client.get(f"/v1/services/{module_service}/form?lang={lang}").get_data(as_text=True)
    for it in ratings:
        block = page.split(f'id="q-{it["code"]}"', 1)[1].split("</fieldset>", 1)[0]
        words = re.findall(r'<span class="w"[^>]*>([^<]+)</span>', block)
        assert words == [it["scale_labels"]["min"], it["scale_labels"]["max"]], (it["code"], words)


def test_the_thank_you_page_links_back_to_the_page_of_the_allowed_origin(client):
    resp = client.get(f"/v1/services/{SERVICE}/form?lang=it&page=/servizi/certificati?x=1",
                      headers={"Referer": f"{ORIGIN}/"})
    fields = _hidden(resp.get_data(as_text=True))
    assert fields["back"] == f"{ORIGIN}/servizi/certificati"
    sent = _post(client, fields, GOOD)
    assert sent.status_code == 303
    assert parse_qs(urlsplit(sent.headers["Location"]).query)["back"] == [f"{ORIGIN}/servizi/certificati"]
    thanks = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert f'<a href="{ORIGIN}/servizi/certificati" class="back" target="_top">Torna alla pagina da cui sei arrivato/a</a>' in thanks


@pytest.mark.parametrize("back", ["https://evil.example/phish", "javascript:alert(1)", f"{ORIGIN}.evil.example/",
                                  f"https://user@{ORIGIN[8:]}/", "//evil.example/x"])
def test_the_thank_you_page_never_links_to_an_arbitrary_url(client, back):
    thanks = client.get(f"/v1/services/{SERVICE}/form/thanks", query_string={"lang": "it", "back": back})
    text = thanks.get_data(as_text=True)
    assert thanks.status_code == 200 and 'class="back"' not in text and "evil" not in text
    assert "Puoi chiudere questa pagina e tornare al sito." in text


def test_a_forged_back_field_is_dropped_before_the_redirect(client):
    fields = _hidden(client.get(f"/v1/services/{SERVICE}/form?lang=it").get_data(as_text=True))
    sent = _post(client, fields, GOOD, back="https://evil.example/")
    assert sent.status_code == 303 and "back=" not in sent.headers["Location"]


def test_without_referer_the_only_allowed_origin_and_the_page_make_the_link(client):
    fields = _hidden(client.get(f"/v1/services/{SERVICE}/form?lang=en&page=/certificati").get_data(as_text=True))
    assert fields["back"] == f"{ORIGIN}/certificati"
    fields = _hidden(client.get(f"/v1/services/{SERVICE}/form?lang=en",
                                headers={"Referer": "https://evil.example/x"}).get_data(as_text=True))
    assert fields["back"] == ""


def test_the_questionnaire_is_refused_to_a_page_of_another_origin(client):
    ok = client.get(f"/v1/services/{SERVICE}/questionnaire?lang=it", headers={"Origin": ORIGIN})
    assert ok.status_code == 200
    refused = client.get(f"/v1/services/{SERVICE}/questionnaire?lang=it", headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    body = refused.get_json()
    assert body["error"] == "origin_not_allowed" and body["fields"] == {"Origin": ["Not among the service's allowed origins."]}
    assert refused.headers["Access-Control-Allow-Origin"] == "https://evil.example"  # so the widget can read it
    assert "Origin" in refused.headers["Vary"]
