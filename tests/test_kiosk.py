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
    assert wide.get(f"/v1/services/demo-roma-anagrafe/kiosk?device={token}").status_code == 409
