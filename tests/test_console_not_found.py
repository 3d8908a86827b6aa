"""A console page that names nothing answers 404 in the reader's language, naming what it did not find
(and a form sent without its token says so in that language too).

Monitoring staff following an old link or mistyping a code got, on an Italian page, werkzeug's English
"The requested URL was not found on the server…" (an unknown entity), or the API's English sentence
(an unknown service type). The page now says it in Italian or English; the JSON API keeps its English
message and names the field.
"""
from __future__ import annotations

import html
import re

import pytest

from tests.console_data import build
from warehouse.console import create_app

GENERIC = "The requested URL was not found on the server"


@pytest.fixture(scope="module")
def app_tokens(tmp_path_factory):
    settings, tokens = build(tmp_path_factory.mktemp("not-found"))
    return create_app(settings), tokens


def _page(app_tokens, url: str, lang: str) -> tuple[int, str]:
    app, tokens = app_tokens
    c = app.test_client()
    with c.session_transaction() as s:
        s["lang"] = lang
    r = c.get(url, headers={"Authorization": f"Bearer {tokens['monitoring']}"})
    return r.status_code, html.unescape(r.get_data(as_text=True))


ENTITY = ("Nessun ente con codice IPA «c_z999» nel registro.", "No entity with IPA code 'c_z999' in the registry.")


@pytest.mark.parametrize("url, it, en", [
    ("/entities/c_z999", *ENTITY),
    ("/entities/c_z999/faccia", *ENTITY),
    ("/channels?entity=c_z999", *ENTITY),
    ("/service-types/nope", "Nessun tipo di servizio «nope»: i codici sono elencati in /service-types/.",
     "No service type 'nope': the codes are listed at /service-types/."),
    ("/no-such-page", "La pagina richiesta non esiste o non è più disponibile.", GENERIC),
    # a chart's download from an old link (a service type the entity no longer has) or a mistyped one
    ("/csv/entity/c_h501/trend-previdenza.domanda-prestazione",
     "Nessun grafico «trend-previdenza.domanda-prestazione» scaricabile nella pagina «entity».",
     "No chart 'trend-previdenza.domanda-prestazione' to download on the page 'entity'."),
    ("/csv/overview/trnd", "Nessun grafico «trnd» scaricabile nella pagina «overview».",
     "No chart 'trnd' to download on the page 'overview'."),
    ("/workspace/c_h501/csv/trnd", "Nessun grafico «trnd» scaricabile nella pagina «workspace».",
     "No chart 'trnd' to download on the page 'workspace'."),
    ("/csv/overviw/trend", "Nessuna pagina «overviw» con grafici da scaricare.",
     "No page 'overviw' with charts to download."),
])
def test_a_page_that_names_nothing_says_so_in_the_readers_language(app_tokens, url, it, en):
    status, page = _page(app_tokens, url, "it")
    assert status == 404 and it in page and GENERIC not in page and "No entity" not in page, page[-900:]
    status, page = _page(app_tokens, url, "en")
    assert status == 404 and en in page


def test_the_api_keeps_its_english_message_naming_the_field(app_tokens):
    app, tokens = app_tokens
    r = app.test_client().get("/api/v1/workspace/c_z999", headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert r.status_code == 404 and r.json["fields"] == {"ipa": [ENTITY[1]]}


def test_an_unknown_api_path_is_a_404_naming_path(app_tokens):
    """``GET /api/v1/nope`` answered 404 with ``"fields": {}``, where the collector names ``path``
    (README): a script reading ``fields`` learns what was wrong either way."""
    app, tokens = app_tokens
    r = app.test_client().get("/api/v1/nope", headers={"Authorization": f"Bearer {tokens['monitoring']}"})
    assert r.status_code == 404 and list(r.json["fields"]) == ["path"], r.json
    assert "'/api/v1/nope'" in r.json["fields"]["path"][0] and "docs/warehouse.md" in r.json["fields"]["path"][0]


@pytest.mark.parametrize("lang, words", [("it", "Il modulo è scaduto o non è valido: ricarica la pagina e riprova."),
                                         ("en", "The CSRF token is missing.")])
def test_a_form_sent_without_its_token_says_so_in_the_readers_language(app_tokens, lang, words):
    # a sign-out after the form's token had expired answered, on the Italian page, "The CSRF token is missing."
    app, _tokens = app_tokens
    c = app.test_client()
    with c.session_transaction() as s:
        s["lang"] = lang
    r = c.post("/login", data={"token": "asc_whatever"})
    page = html.unescape(r.get_data(as_text=True))
    assert r.status_code == 400 and words in page


@pytest.mark.parametrize("url, it, en", [
    ("/service-types/?sort=bogus", "Parametro non valido: «sort»: i valori ammessi sono label, n, share.",
     "sort must be one of label, n, share."),
    ("/regions?indicator=bogus", "Parametro non valido: «indicator»: i valori ammessi sono satisfaction, ease,",
     "indicator must be one of satisfaction, ease,"),
])
def test_a_value_out_of_a_list_is_refused_in_the_readers_language_naming_the_allowed_ones(app_tokens, url, it, en):
    # the Italian page read "Parametro non valido: «sort». (sort must be one of label, n, share.)"
    status, page = _page(app_tokens, url, "it")
    assert status == 400 and it in page and "must be one of" not in page
    status, page = _page(app_tokens, url, "en")
    assert status == 400 and en in page


def test_a_method_a_page_does_not_take_is_refused_in_the_readers_language(app_tokens):
    app, tokens = app_tokens
    c = app.test_client()
    r = c.get("/logout", headers={"Authorization": f"Bearer {tokens['monitoring']}"})
    page = html.unescape(r.get_data(as_text=True))
    assert r.status_code == 405 and "Questo indirizzo non accetta questo tipo di richiesta" in page
    assert "The method is not allowed" not in page


@pytest.mark.parametrize("url, it", [
    ("/?freq=X", "Parametro non valido: «freq»: i valori ammessi sono M, Q, A."),
    ("/entities/c_h501/faccia?start=2026-10&end=2026-09",
     "Parametro non valido: «start»: 2026-10 viene dopo 2026-09: il primo mese va prima del secondo."),
    ("/entities/c_h501/faccia?end=2026-13", "Parametro non valido: «end»: un mese si scrive AAAA-MM."),
    ("/api/v1/indicators?indicator=bogus", None),  # the API keeps its English (JSON)
])
def test_the_pages_other_refusals_of_a_parameter_are_in_italian_too(app_tokens, url, it):
    status, page = _page(app_tokens, url, "it")
    assert status == 400
    if it is None:
        assert "Unknown indicator 'bogus'" in page
    else:
        assert it in page and not re.search(r"\((\w+ )?(must|is after|got)\b", page), page[-1200:]



@pytest.mark.parametrize("query, field", [
    ("/api/v1/indicators?servicetype=anagrafe.certificati", "servicetype"),
    ("/api/v1/indicators?pa_type=L6&pa_type=C16", "pa_type"),
    ("/api/v1/compare?service_type=anagrafe.certificati&mesure=mean", "mesure"),
    ("/api/v1/export/csv?freq=M&form=2026-01", "form"),
])
def test_a_parameter_the_endpoint_does_not_read_or_one_given_twice_is_named(app_tokens, query, field):
    """A typo (``servicetype=``) gave the national figures and a repeated filter (``pa_type=L6&pa_type=C16``)
    filtered on its first value, both unsaid: each is a 400 naming the parameter."""
    app, tokens = app_tokens
    r = app.test_client().get(query, headers={"Authorization": f"Bearer {tokens['statistician']}"})
    assert r.status_code == 400 and list(r.json["fields"]) == [field], r.json
