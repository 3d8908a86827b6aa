"""The join form for a service without a web page (a counter, a phone line): no origins asked, the
channels in words (tests/test_onboarding.py's fixtures)."""
from __future__ import annotations

import re

from tests.test_onboarding import FORM, app, bearer, seeded  # noqa: F401  (fixtures)


def test_a_counter_or_phone_service_is_requested_without_web_origins_and_channels_in_words(app, seeded):
    """The form asked every PA for "the origins of the pages that will carry the widget" (422 without one),
    even for a counter or a phone line, which has no page; and it listed the channels as codes
    (front_office, kiosk). Origins are needed only with the web channel; the channels are words."""
    c, admin = app.test_client(), bearer(seeded[1]["admin"])
    c.environ_base["REMOTE_ADDR"] = "192.0.2.251"  # its own rate-limit window (10 requests an hour)
    form = c.get("/join").get_data(as_text=True)
    labels = re.findall(r'<input id="j-ch-(\w+)" [^>]*> ([^<]+)</label>', form)
    assert dict(labels)["front_office"] == "Sportello" and dict(labels)["phone"] == "Telefono"
    assert 'name="allowed_origins" rows="3" aria-describedby="j-origins-hint"' in form  # not required by the page
    r = c.post("/join", data={**FORM, "service_name": "URP al telefono", "service_type": "sportello.urp",
                              "allowed_origins": "", "channels": ["phone", "front_office"]})
    assert r.status_code == 201, r.get_data(as_text=True)[-600:]
    rid = int(re.search(r'data-request="(\d+)"', r.get_data(as_text=True)).group(1))
    page = c.post(f"/admin/onboarding/{rid}/approve", headers=admin).get_data(as_text=True)
    assert set(re.findall(r'data-kit="(\w+)" data-channel="(\w+)"', page)) == {("operator", "phone"),
                                                                                ("kiosk", "front_office")}
    web = c.post("/join", data={**FORM, "allowed_origins": "", "channels": ["web", "phone"]})
    assert web.status_code == 422 and 'data-field="allowed_origins"' in web.get_data(as_text=True)
