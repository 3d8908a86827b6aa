"""The kiosk page (issue 14 §2) as the collector serves it: only to a registered device of the service."""
from __future__ import annotations

import json
import re

import pytest

from registry import connect, session_scope
from registry import devices as device_ops
from tests.channel_support import DESK_SERVICE, KIOSK_SERVICE, register_device


def test_the_kiosk_page_opens_for_its_device_with_faces_reasons_and_a_strict_policy(wide, settings):
    _, token = register_device(settings, KIOSK_SERVICE)
    resp = wide.get(f"/v1/services/{KIOSK_SERVICE}/kiosk?device={token}&lang=de")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert re.findall(r'class="face face-(\w+)" data-code="(\w+)"', page) == [
        ("satisfied", "satisfied"), ("neutral", "neutral"), ("dissatisfied", "dissatisfied")]
    assert "Wie bewerten Sie den Dienst" in page and "Zufrieden" in page
    config = json.loads(re.search(r'<script type="application/json" id="kiosk-config">(.*?)</script>', page, re.S)[1])
    assert config["item"] == "face" and [r["code"] for r in config["reasons"]] == ["went_well", "went_wrong"]
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["Referrer-Policy"] == "no-referrer" and "no-store" in resp.headers["Cache-Control"]
    assert "Set-Cookie" not in resp.headers
    js = wide.get("/kiosk.js")
    assert js.status_code == 200 and "localStorage" in js.get_data(as_text=True)
    assert "document.cookie" not in js.get_data(as_text=True)


@pytest.mark.parametrize("case", ["no token", "bogus", "other service", "revoked"])
def test_the_kiosk_page_is_refused_without_a_registered_device_of_the_service(wide, settings, case):
    prefix, token = register_device(settings, DESK_SERVICE if case == "other service" else KIOSK_SERVICE)
    if case == "revoked":
        with session_scope(connect(settings.database_url)) as s:
            device_ops.revoke_device(s, prefix, actor="test:admin")
    param = {"no token": "", "bogus": "kio_00000000_" + "x" * 43}.get(case, token)
    resp = wide.get(f"/v1/services/{KIOSK_SERVICE}/kiosk?device={param}")
    assert resp.status_code == 403 and "data-device" not in resp.get_data(as_text=True)


def test_a_service_without_a_faces_question_has_no_kiosk(wide, settings):
    _, token = register_device(settings, "demo-roma-anagrafe", channel="kiosk")  # cx-core declares no channels
    resp = wide.get(f"/v1/services/demo-roma-anagrafe/kiosk?device={token}&lang=en")
    assert resp.status_code == 409
    # the staff read why (it said the device was not registered, which it is)
    assert "cannot be shown on this kiosk: it has no question answered with faces" in resp.get_data(as_text=True)
    assert "not registered" not in resp.get_data(as_text=True)


@pytest.mark.parametrize("service, status, says", [
    (KIOSK_SERVICE, 403, "Questo dispositivo non è registrato per il servizio."),
    ("demo-nessuno", 404, "Il servizio non esiste o non è attivo."),
])
def test_a_kiosk_that_cannot_open_says_why(wide, settings, service, status, says):
    resp = wide.get(f"/v1/services/{service}/kiosk?device=kio_00000000_" + "x" * 43)
    assert resp.status_code == status and f"<h1>{says}</h1>" in resp.get_data(as_text=True)


def test_a_kiosk_whose_service_can_be_mended_asks_again_by_itself(wide, settings):
    """A totem left on "cannot be shown here" (its service given a questionnaire without faces, or
    deactivated) stayed so until someone reloaded it by hand, after the registry was mended. Such a
    page asks again every minute (a meta refresh: the kiosk's CSP allows no script there); a device
    refused (403) does not, as no registry change makes its token valid again."""
    _, token = register_device(settings, "demo-roma-anagrafe", channel="kiosk")
    unusable = wide.get(f"/v1/services/demo-roma-anagrafe/kiosk?device={token}").get_data(as_text=True)
    unknown = wide.get(f"/v1/services/demo-nessuno/kiosk?device={token}").get_data(as_text=True)
    refused = wide.get(f"/v1/services/{KIOSK_SERVICE}/kiosk?device={token}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="60">' in unusable and '<meta http-equiv="refresh" content="60">' in unknown
    assert "refresh" not in refused


# --- a questionnaire author's faces drawn on a rating, and Italian fallbacks -----------------

def rating_faces():
    """A ``faccia`` v1 whose faces question is a 1–3 rating (not options), and whose reason, shown
    for the lowest point, is worded in Italian only."""
    from questionnaires.analysis import build_questionnaire

    return build_questionnaire({
        "id": "faccia", "version": 1, "title": {"it": "Il tuo parere"}, "channels": ["kiosk"],
        "items": [
            {"code": "voto", "type": "rating", "display": "faces", "required": True, "scale": {"min": 1, "max": 3},
             "label": {"it": "Come valuti il servizio?", "en": "How do you rate the service?"}},
            {"code": "perche", "type": "multi", "label": {"it": "Che cosa non è andato?"},
             "show_if": {"item": "voto", "op": "eq", "value": 1},
             "options": [{"code": "attesa", "label": {"it": "L'attesa"}},
                         {"code": "cortesia", "label": {"it": "La cortesia", "en": "Courtesy"}}]}],
        "harmonization": {"satisfaction": {"item": "voto", "method": "linear"}}})


def test_a_rating_drawn_as_faces_is_a_kiosk_with_its_scale_words(wide_serving, settings):
    """A rating item with ``display: faces`` has no options: the kiosk crashed on it with a 500. Its
    faces are its three points, the sad one the lowest, each saying the scale's words (the middle one
    its digit, as in the widget and the form), and the page sends the point as a number."""
    from questionnaires.catalog import Catalog

    wide = wide_serving(Catalog([rating_faces()]))
    _, token = register_device(settings, KIOSK_SERVICE)
    resp = wide.get(f"/v1/services/{KIOSK_SERVICE}/kiosk?device={token}&lang=en")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert re.findall(r'class="face face-(\w+)" data-code="(\w+)"', page) == [
        ("dissatisfied", "1"), ("neutral", "2"), ("satisfied", "3")]
    config = json.loads(re.search(r'<script type="application/json" id="kiosk-config">(.*?)</script>', page, re.S)[1])
    assert config["item"] == "voto" and config["rating"] is True
    assert [r["code"] for r in config["reasons"]] == ["perche"]


def test_italian_fallback_texts_on_the_kiosk_are_marked_as_italian(wide_serving, settings):
    """A screen reader speaking English reads an untranslated label with Italian pronunciation only
    when the page says it is Italian (WCAG 3.1.2), as the widget and the form do."""
    from questionnaires.catalog import Catalog

    wide = wide_serving(Catalog([rating_faces()]))
    _, token = register_device(settings, KIOSK_SERVICE)
    page = wide.get(f"/v1/services/{KIOSK_SERVICE}/kiosk?device={token}&lang=en").get_data(as_text=True)
    assert '<h1 id="q-ask" tabindex="-1">How do you rate the service?</h1>' in page  # translated: no mark
    assert '<p id="r-perche" lang="it">Che cosa non è andato?</p>' in page
    assert 'data-code="attesa" lang="it">L&#39;attesa</button>' in page
    assert 'data-code="cortesia">Courtesy</button>' in page
