"""Channel integrity (issue 14 §4): the channel comes from the registry — the service's channel, or
a registered kiosk device's — and a channel the service or questionnaire does not declare is a 409."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from kafka import KafkaConsumer

from registry import InvalidValue, connect, session_scope
from registry import devices as device_ops
from registry.audit import history
from registry.tokens import create_token
from tests.channel_support import DESK_SERVICE, KIOSK_SERVICE, PHONE_SERVICE, faces, register_device, seed
from tests.conftest import ORIGIN, submission, WIDGET


def _channels(settings, n: int) -> dict[str, str]:
    consumer = KafkaConsumer(settings.topic, bootstrap_servers=settings.broker, auto_offset_reset="earliest",
                             consumer_timeout_ms=5000, enable_auto_commit=False)
    out = {}
    for rec in consumer:
        env = json.loads(rec.value)
        for e in env.get("envelopes", [env]):
            out[e["submission"]["submission_id"]] = e["submission"]["channel"]
        if len(out) >= n:
            break
    consumer.close()
    return out


def test_the_channel_comes_from_the_service_and_another_claim_is_refused(wide, settings):
    desk = faces(DESK_SERVICE)
    assert wide.post("/v1/submissions", json=desk, headers=WIDGET).status_code == 202
    wrong = faces(DESK_SERVICE, channel="phone")
    resp = wide.post("/v1/submissions", json=wrong, headers=WIDGET)
    assert resp.status_code == 409
    assert resp.get_json()["error"] == "channel_not_declared" and "channel" in resp.get_json()["fields"]
    web = wide.post("/v1/submissions", json=dict(submission(), channel="kiosk"), headers={"Origin": ORIGIN})
    assert web.status_code == 409 and "channel" in web.get_json()["fields"]
    assert _channels(settings, 1) == {desk["submission_id"]: "front_office"}


def test_a_channel_the_questionnaire_does_not_declare_is_refused(wide, settings):
    from registry import NotAllowed, Service, ops

    with session_scope(connect(settings.database_url)) as s:  # the registry refuses faccia on the web…
        with pytest.raises(NotAllowed) as exc:
            ops.add_service(s, actor="test", entity_ipa="c_h501", name="URP online", service_type="sportello.urp",
                            channel="web", questionnaire_id="faccia")
        assert exc.value.field == "channel"
        with pytest.raises(NotAllowed):
            ops.update_service(s, DESK_SERVICE, actor="test", channel="web")
    with session_scope(connect(settings.database_url)) as s:  # …and the collector a row made before the rule
        s.add(Service(key="legacy-urp-web", entity_ipa="c_h501", name="URP online", service_type="sportello.urp",
                      channel="web", allowed_origins=[], questionnaire_id="faccia", questionnaire_version=1,
                      active=True, sampling_rate=1.0))
    with session_scope(connect(settings.database_url)) as s:  # no page may embed it: Roma's back end posts
        secret = create_token(s, role="backend", label="back end", actor="test:admin", entity="c_h501")[1]
    resp = wide.post("/v1/submissions", json=faces("legacy-urp-web"), headers={"Authorization": f"Bearer {secret}"})
    assert resp.status_code == 409
    assert resp.get_json()["fields"] == {"channel": ["Not among front_office, kiosk, phone."]}


def test_kiosk_answers_carry_the_devices_channel_whatever_the_client_sends(wide, settings):
    _, kiosk = register_device(settings, KIOSK_SERVICE)
    _, desk_tablet = register_device(settings, DESK_SERVICE, channel="kiosk")
    a = faces(KIOSK_SERVICE, channel="phone")
    b = faces(DESK_SERVICE, channel="front_office")
    foreign = "https://evil.example"  # the device token stands in for the origin check
    assert wide.post("/v1/submissions", json=a, headers={"X-Ascolto-Device": kiosk, "Origin": foreign}).status_code == 202
    assert wide.post("/v1/submissions", json=b, headers={"X-Ascolto-Device": desk_tablet}).status_code == 202
    assert _channels(settings, 2) == {a["submission_id"]: "kiosk", b["submission_id"]: "kiosk"}


def test_unknown_foreign_or_revoked_devices_are_refused_naming_the_device(wide, settings):
    prefix, token = register_device(settings, KIOSK_SERVICE)
    other = wide.post("/v1/submissions", json=faces(DESK_SERVICE), headers={"X-Ascolto-Device": token})
    assert other.status_code == 403 and other.get_json()["fields"] == {"device": ["Registered for another service."]}
    bogus = wide.post("/v1/submissions", json=faces(KIOSK_SERVICE), headers={"X-Ascolto-Device": "kio_nope"})
    assert bogus.status_code == 403 and "device" in bogus.get_json()["fields"]
    with session_scope(connect(settings.database_url)) as s:
        device_ops.revoke_device(s, prefix, actor="test:admin")
    wide.application.extensions["ascolto.services"]._devices.clear()  # as after the read model's TTL
    revoked = wide.post("/v1/submissions", json=faces(KIOSK_SERVICE), headers={"X-Ascolto-Device": token})
    assert revoked.status_code == 403 and revoked.get_json()["error"] == "device_not_allowed"


def test_devices_are_hashed_audited_and_checked_against_the_questionnaire(settings):
    seed(settings)
    f = connect(settings.database_url)
    prefix, token = register_device(settings, KIOSK_SERVICE)
    with session_scope(f) as s:
        [dev] = device_ops.list_devices(s, service_key=KIOSK_SERVICE)
        assert token not in json.dumps([h.after for h in history(s, "device")]) and dev.secret_sha256 != token
        assert [h.action for h in history(s, "device", prefix)] == ["create"]
        with pytest.raises(InvalidValue, match="device channel"):
            device_ops.add_device(s, service_key=KIOSK_SERVICE, label="x", channel="phone", actor="t")
        with pytest.raises(InvalidValue, match="label"):
            device_ops.add_device(s, service_key=KIOSK_SERVICE, label=" ", actor="t")
        assert device_ops.verify_device(s, token).prefix == prefix
        assert device_ops.verify_device(s, token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_cli_devices_add_list_revoke(settings, tmp_path):
    from ascolto.cli import main

    seed(settings)
    env = {"ASCOLTO_DATABASE_URL": settings.database_url, "ASCOLTO_DATA_DIR": str(settings.data_dir)}
    run = CliRunner()
    added = run.invoke(main, ["registry", "devices", "add", "--service", KIOSK_SERVICE, "--label", "Totem 1"], env=env)
    assert added.exit_code == 0, added.output
    token = added.stdout.splitlines()[0]
    assert token.startswith("kio_") and f"/v1/services/{KIOSK_SERVICE}/kiosk?device=" in added.output
    listed = run.invoke(main, ["registry", "devices", "list", "--json"], env=env)
    [row] = json.loads(listed.stdout)
    assert row["channel"] == "kiosk" and token not in listed.stdout
    assert run.invoke(main, ["registry", "devices", "revoke", row["prefix"]], env=env).exit_code == 0
    assert json.loads(run.invoke(main, ["registry", "devices", "list", "--json"], env=env).stdout) == []
    again = run.invoke(main, ["registry", "devices", "revoke", row["prefix"]], env=env)
    assert again.exit_code != 0 and "already revoked" in again.output


def test_the_hosted_form_records_the_services_own_channel(wide, settings):
    # the form claimed "web" for every service, so a service on the app, phone, email or SMS channel
    # got a 409 page saying "the questionnaire has changed: open the form again", which never helped
    from tests.test_form import _hidden, _post

    sent = {}
    for key, answers in ((PHONE_SERVICE, {"face": "satisfied"}), ("demo-roma-anagrafe-mod", {"satisfaction": "4", "task": "yes"})):
        fields = _hidden(wide.get(f"/v1/services/{key}/form?lang=it").get_data(as_text=True))
        resp = _post(wide, fields, answers)
        assert resp.status_code == 303, resp.get_data(as_text=True)
        sent[fields["submission_id"]] = key
    assert _channels(settings, 2) == {sid: {PHONE_SERVICE: "phone"}.get(key, "app") for sid, key in sent.items()}


def test_a_form_the_service_cannot_take_says_so_instead_of_asking_to_reopen_it(wide, settings):
    from collector.form_i18n import UI
    from questionnaires.model import LANGUAGES
    from registry import Service
    from tests.test_form import _hidden, _post

    with session_scope(connect(settings.database_url)) as s:  # faccia on the web: a row made before the rule
        s.add(Service(key="legacy-urp-web", entity_ipa="c_h501", name="URP online", service_type="sportello.urp",
                      channel="web", allowed_origins=[], questionnaire_id="faccia", questionnaire_version=1,
                      active=True, sampling_rate=1.0))
    for lang in LANGUAGES:  # every language the form speaks has the page (a missing text would be a 500)
        fields = _hidden(wide.get(f"/v1/services/legacy-urp-web/form?lang={lang}").get_data(as_text=True))
        resp = _post(wide, fields, {"face": "neutral"})
        page = resp.get_data(as_text=True)
        assert resp.status_code == 409 and UI[lang]["err_channel_title"] in page, lang
        assert UI[lang]["err_not_assigned_title"] not in page and 'href="/v1/services/legacy-urp-web/form' not in page
