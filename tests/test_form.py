"""The no-JavaScript form fallback: ``GET /v1/services/<key>/form`` and ``POST /v1/submissions/form``.

Against the real intake and a real broker (the ``client`` fixture): what a citizen without
JavaScript, and a hostile client, get.
"""
from __future__ import annotations

import html
import json
import random
import re
import uuid

import pytest
from kafka import KafkaConsumer

from questionnaires.envelope import decode_record
from werkzeug.datastructures import MultiDict

from collector import form as form_mod
from collector import form_openapi, form_token
from collector.errors import ApiError
from questionnaires import default_catalog
from questionnaires.analysis import build_questionnaire
from questionnaires.model import LANGUAGES
from tests.conftest import ORIGIN

SERVICE = "demo-roma-anagrafe"
FORM = f"/v1/services/{SERVICE}/form"
POST = "/v1/submissions/form"
SEND = {"it": "Invia", "en": "Send", "de": "Senden", "fr": "Envoyer", "sl": "Pošlji"}


def _hidden(page: str) -> dict[str, str]:
    return {m[0]: html.unescape(m[1]) for m in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)}


def _age(client, token: str, ms: int) -> str:
    """The same token, signed as if the form had been rendered ``ms`` milliseconds earlier."""
    with client.application.app_context():
        signer = form_mod._signer()
        data = signer.loads(token)
        data["t"] -= ms
        return signer.dumps(data)


def _open(client, lang: str = "it", query: str = "") -> dict[str, str]:
    resp = client.get(f"{FORM}?lang={lang}{query}")
    assert resp.status_code == 200
    return _hidden(resp.get_data(as_text=True))


def _post(client, fields: dict, answers: dict, *, age_ms: int | None = 5000, headers=None, **extra):
    data = dict(fields, **extra)
    if age_ms is not None:
        data["token"] = _age(client, data["token"], age_ms)
    data = list(data.items())
    for code, value in answers.items():
        for v in value if isinstance(value, list) else [value]:
            data.append((f"answers.{code}", v))
    return client.post(POST, data=MultiDict(data), headers=headers or {})


def _consume(settings, n: int) -> list[dict]:
    consumer = KafkaConsumer(settings.topic, bootstrap_servers=settings.broker, auto_offset_reset="earliest",
                             consumer_timeout_ms=5000, enable_auto_commit=False)
    out = []
    for rec in consumer:  # a record may carry a batch of envelopes (DESIGN §5)
        out.extend(e["submission"] for e in decode_record(rec.value))
        if len(out) >= n:
            break
    consumer.close()
    return out


GOOD = {"satisfaction": "5", "ease": "4", "task": "yes", "went_well": ["clarity", "speed"],
        "comment": "Tutto chiaro,\r\ngrazie"}


# --- the page -----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_form_page_is_plain_accessible_html_in_each_language(client, lang):
    resp = client.get(f"{FORM}?lang={lang}&page=/certificati/richiesta?id=123")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    page = resp.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert "<script" not in page.lower()  # works with JavaScript disabled: there is none
    assert f'<button type="submit" class="btn">{SEND[lang]}</button>' in page
    q = default_catalog().get("cx-core", 1)
    for item in q.items:  # one fieldset with a legend per question (a labelled textarea for text)
        tag = "div" if item.type == "text" else "fieldset"
        assert f'<{tag} class="q" id="q-{item.code}">' in page
    assert page.count("<legend>") == sum(it.type != "text" for it in q.items)
    assert '<label class="lbl" for="q-comment-0">' in page
    hidden = _hidden(page)
    assert uuid.UUID(hidden["submission_id"]) and hidden["token"] and hidden["service"] == SERVICE
    assert hidden["lang"] == lang and hidden["page"] == "/certificati/richiesta"  # no query string
    assert 'name="asc_hp"' in page and 'tabindex="-1"' in page  # the honeypot, out of reach
    assert resp.headers["Cache-Control"] == "private, no-cache"  # Back shows it again, its id kept (no answer in it)
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and f"frame-ancestors 'self' {ORIGIN}" in csp
    assert "Set-Cookie" not in resp.headers


def test_branching_is_expressed_as_hints_saying_when_an_item_applies(client):
    page = client.get(f"{FORM}?lang=it").get_data(as_text=True)
    hints = re.findall(r'<p class="cond" id="q-(\w+)-cond">([^<]*)</p>', page)
    assert [code for code, _ in hints] == ["went_well", "went_wrong"]
    label = "Complessivamente, quanto sei soddisfatto/a del servizio?"
    assert html.unescape(hints[0][1]) == f"Rispondi solo se alla domanda «{label}» hai risposto più di 3."
    assert html.unescape(hints[1][1]) == f"Rispondi solo se alla domanda «{label}» hai risposto 3 o meno."
    # the hint is read with each option of the item
    assert 'aria-describedby="q-went_well-cond"' in page
    en = client.get(f"{FORM}?lang=en").get_data(as_text=True)
    assert "Answer only if your answer to “Overall, how satisfied are you with the service?” was more than 3." in html.unescape(en)


def test_labels_falling_back_to_italian_are_marked_as_italian(client):
    page = html.unescape(client.get(f"{FORM}?lang=de").get_data(as_text=True))
    for item in default_catalog().get("cx-core", 1).items:
        if "de" in item.label:
            assert f"<span>{item.label['de']}</span>" in page
        else:  # WCAG 3.1.2: a screen reader must read the Italian fallback as Italian
            assert f'<span lang="it">{item.label["it"]}</span>' in page


def test_unknown_service_is_a_localized_html_404(client):
    resp = client.get("/v1/services/nope/form?lang=fr")
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    assert "Questionnaire non disponible" in resp.get_data(as_text=True)
    assert client.get(f"/v1/services/{'x' * 300}/form").status_code == 404


# --- posting ------------------------------------------------------------------------------------

def test_a_filled_form_is_accepted_typed_and_redirected_to_the_thank_you_page(client, settings):
    fields = _open(client, "it", "&page=/certificati")
    resp = _post(client, fields, GOOD, headers={"User-Agent": "Mozilla/5.0 (iPhone; Mobile)"})
    assert resp.status_code == 303, resp.get_data(as_text=True)
    assert resp.headers["Location"].endswith(  # back: the page on the service's (only) allowed origin
        f"/v1/services/{SERVICE}/form/thanks?lang=it&back={ORIGIN}/certificati")
    thanks = client.get(resp.headers["Location"])
    assert thanks.status_code == 200 and "La tua risposta è stata registrata." in thanks.get_data(as_text=True)
    [sub] = _consume(settings, 1)
    assert sub["submission_id"] == fields["submission_id"]
    assert sub["answers"] == {"satisfaction": 5, "ease": 4, "task": "yes", "went_well": ["clarity", "speed"],
                              "comment": "Tutto chiaro,\ngrazie"}
    assert sub["lang"] == "it" and sub["channel"] == "web"
    assert sub["context"]["page"] == "/certificati" and sub["context"]["hp"] == ""
    assert int(sub["context"]["fill_ms"]) >= 5000


@pytest.mark.parametrize("lang, text", [("en", "Your answer has been recorded."), ("de", "Ihre Antwort wurde gespeichert."),
                                        ("fr", "Votre réponse a été enregistrée."), ("sl", "Vaš odgovor je bil shranjen.")])
def test_the_thank_you_page_is_localized(client, lang, text):
    resp = _post(client, _open(client, lang), {"satisfaction": "2", "task": "no"})
    assert resp.status_code == 303
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert f'<html lang="{lang}">' in page and text in page


def test_answers_to_items_hidden_by_branching_are_dropped_before_validation(client, settings):
    answers = dict(GOOD, satisfaction="2", went_wrong=["technical"])  # went_well does not apply
    assert _post(client, _open(client), answers).status_code == 303
    [sub] = _consume(settings, 1)
    assert "went_well" not in sub["answers"] and sub["answers"]["went_wrong"] == ["technical"]


def test_the_same_form_posted_twice_keeps_its_submission_id(client, settings):
    fields = _open(client)
    token = _age(client, fields["token"], 5000)
    for _ in range(2):
        assert _post(client, dict(fields, token=token), GOOD, age_ms=None).status_code == 303
    subs = _consume(settings, 2)
    assert {s["submission_id"] for s in subs} == {fields["submission_id"]}  # stored once downstream


def test_invalid_answers_re_render_the_form_with_errors_next_to_each_field(client):
    fields = _open(client)
    resp = _post(client, fields, {"satisfaction": "abc", "went_wrong": ["clarity"], "comment": "Lento"})
    assert resp.status_code == 422 and resp.mimetype == "text/html"
    page = resp.get_data(as_text=True)
    assert "<title>Errore: " in page
    # the summary is focused on load and links to each field
    assert '<div class="summary" id="summary" role="alert" tabindex="-1" autofocus' in page
    assert '<a href="#q-satisfaction-0">' in page and '<a href="#q-task-0">' in page
    # each error sits in its fieldset, is linked to the controls and marks them invalid
    assert '<p class="err" id="q-satisfaction-err">Risposta non valida.</p>' in page
    assert '<p class="err" id="q-task-err">Questa risposta è obbligatoria.</p>' in page
    assert 'aria-describedby="q-task-err" aria-invalid="true"' in page
    assert '<fieldset class="q bad" id="q-task">' in page
    # what was typed is kept, and so are the submission id and the render time
    assert ">Lento</textarea>" in page
    # Back from the thank-you page shows it again (no-store made it ERR_CACHE_MISS); no shared cache keeps it
    assert resp.headers["Cache-Control"] == "private, no-cache"
    again = _hidden(page)
    assert again["submission_id"] == fields["submission_id"]
    fixed = _post(client, again, {"satisfaction": "3", "task": "partly", "comment": "Lento"}, age_ms=None)
    assert fixed.status_code == 303


def test_a_missing_required_answer_in_german_gets_a_german_message(client):
    resp = _post(client, _open(client, "de"), {"satisfaction": "4"})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert '<p class="err" id="q-task-err">Diese Antwort ist erforderlich.</p>' in page
    assert "<title>Fehler: " in page


def test_text_over_the_limit_is_refused_with_the_limit_and_the_count_in_the_message(client):
    resp = _post(client, _open(client), {"satisfaction": "4", "task": "yes", "comment": "x" * 501})
    assert resp.status_code == 422
    assert "Il testo può contenere al massimo 500 caratteri: ne ha 501, accorcialo di 1." in resp.get_data(as_text=True)


def test_the_comment_limit_is_counted_in_characters_as_the_collector_counts_not_utf16_units(client):
    page = client.get(f"{FORM}?lang=it").get_data(as_text=True)
    # the browser's maxlength counts UTF-16 units (an emoji is two): only a bound, twice the limit
    assert 'maxlength="1000"' in page and '<p class="hint" id="q-comment-max">Al massimo 500 caratteri.</p>' in page
    emoji = "😀" * 400 + "\x07"  # 400 characters (800 units); the control character is not counted
    resp = _post(client, _open(client), {"satisfaction": "4", "comment": emoji})  # "task" missing
    assert resp.status_code == 422
    assert '<p class="hint" id="q-comment-max">Caratteri disponibili: 100 su 500.</p>' in resp.get_data(as_text=True)
    over = _post(client, _open(client, "en"), {"satisfaction": "4", "task": "yes", "comment": "😀" * 501})
    assert over.status_code == 422
    assert "at most 500 characters long: it has 501, shorten it by 1." in over.get_data(as_text=True)
    assert _post(client, _open(client), {"satisfaction": "4", "task": "yes", "comment": "😀" * 500}).status_code == 303


def test_a_form_sent_faster_than_a_person_can_is_shown_again_then_accepted(client):
    fields = _open(client)
    fast = _post(client, fields, GOOD, age_ms=None)  # rendered a few milliseconds ago
    assert fast.status_code == 422
    page = fast.get_data(as_text=True)
    assert "Hai inviato il modulo molto rapidamente" in page
    assert 'value="5" checked' in page  # answers kept
    assert _post(client, _hidden(page), GOOD, age_ms=2000).status_code == 303


def test_a_fast_and_incomplete_form_gets_the_field_errors_rather_than_the_speed_notice(client):
    resp = _post(client, _open(client), {"satisfaction": "4"}, age_ms=None)
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert '<p class="err" id="q-task-err">Questa risposta è obbligatoria.</p>' in page
    assert "rapidamente" not in page


def test_a_filled_honeypot_is_refused(client):
    resp = _post(client, _open(client), GOOD, asc_hp="http://spam.example")
    assert resp.status_code == 422
    assert "La risposta non è stata accettata perché un campo nascosto risulta compilato" in resp.get_data(as_text=True)


@pytest.mark.parametrize("tamper", [
    lambda f: f.update(token="forged"),
    lambda f: f.update(token=f["token"][:-3] + "abc"),
    lambda f: f.update(submission_id=str(uuid.uuid4())),
    lambda f: f.update(service="demo-milano-anagrafe"),
])
def test_a_tampered_form_is_a_400_page(client, tamper):
    fields = _open(client)
    fields["token"] = _age(client, fields["token"], 5000)
    tamper(fields)
    resp = _post(client, fields, GOOD, age_ms=None)
    assert resp.status_code == 400 and resp.mimetype == "text/html"
    assert "Richiesta non valida" in resp.get_data(as_text=True)


def test_an_expired_form_is_shown_again_with_a_fresh_token(client, monkeypatch):
    fields = _open(client)
    monkeypatch.setattr(form_mod, "TOKEN_MAX_AGE_S", -1)
    resp = _post(client, fields, GOOD)
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "Il modulo è scaduto" in page
    again = _hidden(page)
    assert again["submission_id"] == fields["submission_id"] and again["token"] != fields["token"]


@pytest.mark.parametrize("origin, status", [
    (ORIGIN, 303),                       # the PA's own site hosting a copy of the form
    ("http://localhost", 303),           # the collector's own page (same host as the request)
    ("null", 403),                       # anyone can send it (sandboxed frame, data: URL): foreign
    ("https://evil.example", 403),       # another site posting citizens' browsers' forms
])
def test_origins(client, origin, status):
    resp = _post(client, _open(client), GOOD, headers={"Origin": origin})
    assert resp.status_code == status
    if status == 403:
        assert "Sito non autorizzato" in resp.get_data(as_text=True)


def _open_framed(client, referer: str, dest: str = "iframe") -> dict[str, str]:
    resp = client.get(f"{FORM}?lang=it", headers={"Referer": referer, "Sec-Fetch-Dest": dest,
                                                   "Sec-Fetch-Site": "cross-site"})
    assert resp.status_code == 200
    return _hidden(resp.get_data(as_text=True))


@pytest.mark.parametrize("render, post_headers, status", [
    # rendered in a frame of the service's own site, posted from a sandboxed frame (Origin: null)
    (lambda c: _open_framed(c, ORIGIN + "/servizi/anagrafe"), {"Sec-Fetch-Site": "cross-site"}, 303),
    # the same post, but the form was rendered framed by another site: foreign
    (lambda c: _open_framed(c, "https://evil.example/page"), {"Sec-Fetch-Site": "cross-site"}, 403),
    # rendered as a top-level page (not a frame), even with the service's site as referrer: foreign
    (lambda c: _open_framed(c, ORIGIN + "/", dest="document"), {"Sec-Fetch-Site": "cross-site"}, 403),
    # rendered with no frame at all, posted with Origin: null: foreign
    (lambda c: _open(c), {}, 403),
    # the browser itself says our own page sent it (a no-referrer policy hides the Origin)
    (lambda c: _open(c), {"Sec-Fetch-Site": "same-origin"}, 303),
])
def test_origin_null_is_foreign_unless_the_signed_render_says_an_allowed_site_framed_it(
        client, render, post_headers, status):
    resp = _post(client, render(client), GOOD, headers=dict(post_headers, Origin="null"))
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]



@pytest.mark.parametrize("error, status, text", [
    (ApiError(429, "rate_limited", "Slow down.", headers={"Retry-After": "30"}), 429, "Troppe richieste"),
    (ApiError(503, "unavailable", "Later.", headers={"Retry-After": "5"}), 503, "momentaneamente non disponibile"),
])
def test_rate_limits_and_outages_keep_the_answers_and_say_when_to_retry(client, monkeypatch, error, status, text):
    def refuse(body, **kw):
        raise error
    monkeypatch.setattr(form_mod, "accept_submission", refuse)
    resp = _post(client, _open(client), GOOD)
    assert resp.status_code == status
    assert resp.headers["Retry-After"] == error.headers["Retry-After"]
    page = resp.get_data(as_text=True)
    assert text in page and ">Tutto chiaro,\ngrazie</textarea>" in page


def test_wrong_content_type_and_oversize_bodies_are_html_pages_not_crashes(client):
    resp = client.post(POST, json={"service": SERVICE})
    assert resp.status_code == 415 and resp.mimetype == "text/html"
    resp = client.post(POST, data={"service": SERVICE, "answers.comment": "x" * 20000})
    assert resp.status_code == 413 and resp.mimetype == "text/html"
    assert client.post(POST, data={"lang": "it"}).status_code == 404  # no service named


def test_hostile_form_fields_never_produce_a_5xx(client):
    rng = random.Random(4)
    fields = _open(client)
    junk = ["", " ", "0", "-1", "999999999999", "1e3", "true", "null", "[]", "{}", "\x00", "é" * 40,
            "<script>alert(1)</script>", "clarity", "yes", "5", "\ud7ff", "a" * 600]
    names = ["service", "lang", "submission_id", "token", "page", "asc_hp", "answers.satisfaction",
             "answers.task", "answers.went_well", "answers.went_wrong", "answers.comment", "answers.nope"]
    for _ in range(60):
        data = dict(fields, token=_age(client, fields["token"], 5000))
        pairs = list(data.items())
        for _ in range(rng.randint(1, 6)):
            pairs.append((rng.choice(names), rng.choice(junk)))
        resp = client.post(POST, data=MultiDict(pairs))
        assert resp.status_code < 500, (pairs, resp.status_code)
        assert "<script>alert(1)</script>" not in resp.get_data(as_text=True)


# --- the conversion, on a questionnaire with every item type ---------------------------------

ALL_TYPES = build_questionnaire({
    "id": "all-types", "version": 1, "title": {"it": "Prova"},
    "items": [
        {"code": "ok", "type": "boolean", "label": {"it": "Tutto bene?", "de": "Alles gut?"}, "required": True},
        {"code": "why", "type": "choice", "label": {"it": "Perché no?"}, "show_if": {"item": "ok", "op": "eq", "value": False},
         "options": [{"code": "slow", "label": {"it": "Lento", "de": "Langsam"}}, {"code": "bug", "label": {"it": "Errore"}}]},
        {"code": "stars", "type": "rating", "scale": {"min": 1, "max": 5}, "label": {"it": "Stelle"}},
        {"code": "more", "type": "text", "max_length": 10, "label": {"it": "Altro"},
         "show_if": {"item": "why", "op": "in", "value": ["slow", "bug"]}},
    ],
    "harmonization": {"ease": {"item": "stars", "method": "linear"}}})


class _Form(dict):
    def getlist(self, key):
        value = self.get(key, [])
        return value if isinstance(value, list) else [value]


def test_form_fields_are_converted_to_the_json_answer_types():
    answers, raw = form_mod.form_answers(ALL_TYPES, _Form({
        "answers.ok": "false", "answers.why": "slow", "answers.stars": "3", "answers.more": " a\r\nb "}))
    assert answers == {"ok": False, "why": "slow", "stars": 3, "more": " a\nb "}
    assert ALL_TYPES.validate(answers) == answers
    answers, _ = form_mod.form_answers(ALL_TYPES, _Form({"answers.ok": "true", "answers.why": "slow", "answers.more": "x"}))
    assert answers == {"ok": True}  # why and more do not apply
    answers, _ = form_mod.form_answers(ALL_TYPES, _Form({"answers.ok": "maybe", "answers.stars": "4.5"}))
    assert answers == {"ok": "maybe", "stars": "4.5"}  # passed on as text: validation names them


@pytest.mark.parametrize("lang, why, more", [
    ("it", "Rispondi solo se alla domanda «Tutto bene?» hai risposto No.",
     "Rispondi solo se alla domanda «Perché no?» hai risposto una tra: «Lento», «Errore»."),
    ("de", "Nur beantworten, wenn Ihre Antwort auf „Alles gut?“ Nein war.",
     "Nur beantworten, wenn Ihre Antwort auf „Perché no?“ eine von: „Langsam“, „Errore“ war."),
])
def test_condition_hints_name_the_question_and_the_answer_as_seen(lang, why, more):
    from collector.form_i18n import condition_hint

    assert condition_hint(ALL_TYPES, ALL_TYPES.item("why"), lang) == why
    assert condition_hint(ALL_TYPES, ALL_TYPES.item("more"), lang) == more


def test_the_form_secret_is_created_once_and_shared(tmp_path):
    first = form_token._local_secret(tmp_path)
    assert len(first) == 64 and form_token._local_secret(tmp_path) == first
    assert (tmp_path / "form-secret").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["form-secret"]


def test_the_openapi_fragment_lists_every_route_of_the_blueprint(client):
    rules = {r.rule.replace("<", "{").replace(">", "}") for r in client.application.url_map.iter_rules()
             if r.endpoint.startswith("form.")}
    assert rules == set(form_openapi.OPENAPI_PATHS)
    json.dumps(form_openapi.OPENAPI_PATHS)  # plain JSON


def test_a_chunked_form_over_the_limit_is_a_413_page_not_a_cut_form(client):
    """The form parser reads a chunked body through the same limited stream as the JSON intake: cut
    at the limit without a word. Over the limit it is the same 413 page as with Content-Length."""
    import io
    from urllib.parse import urlencode

    data = urlencode({"service": SERVICE, "answers.comment": "x" * 20000}).encode()
    resp = client.post(POST, input_stream=io.BytesIO(data), content_type="application/x-www-form-urlencoded",
                       headers={"Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})
    assert resp.status_code == 413 and resp.mimetype == "text/html"


@pytest.mark.parametrize("lang, heading", [("en", "Answer too long"), ("de", "Antwort zu lang"),
                                           ("fr", "Réponse trop longue"), ("sl", "Odgovor je predolg")])
def test_a_refusal_before_the_form_is_read_speaks_the_forms_language(client, lang, heading):
    """A body too large is refused before its fields (and so its hidden ``lang``) are read: the form's
    own action carries its language, so the citizen gets the 413 page in the language they answered in."""
    page = client.get(f"{FORM}?lang={lang}").get_data(as_text=True)
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page)[1])
    resp = client.post(action, data=dict(_hidden(page), **{"answers.comment": "x" * 20000}))
    assert resp.status_code == 413
    body = resp.get_data(as_text=True)
    assert f'<html lang="{lang}"' in body and heading in body
