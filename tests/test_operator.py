"""Operator entry (issue 14 §3): staff of one entity record faces judgements through the console,
which posts them to the collector's API; every entry is audited naming the operator."""
from __future__ import annotations

import json
import re
import threading
import uuid

import pytest
from kafka import KafkaConsumer

from deploy.broker import free_port
from registry import InvalidValue, NotFound, connect, session_scope
from registry.audit import history
from registry.models import Token
from registry.operators import HEADER, credential
from registry.tokens import create_token, end_sessions, revoke_token
from tests.channel_support import DESK_SERVICE, PHONE_SERVICE, faces, seed

ROMA = "c_h501"


def _operator(settings, entity: str = ROMA, role: str = "operator") -> tuple[int, str]:
    with session_scope(connect(settings.database_url)) as s:
        tok, secret = create_token(s, role=role, label="Mario Rossi - URP", actor="test:admin",
                                   entity=entity if role == "operator" else None)
        return tok.id, secret


def _cred(settings, token_id: int) -> str:
    with session_scope(connect(settings.database_url)) as s:
        return credential(s.get(Token, token_id))


def test_an_operator_entry_is_accepted_with_the_services_channel_and_audited_once(wide, settings):
    tid, _ = _operator(settings)
    body = faces(DESK_SERVICE, "neutral")
    for _ in range(2):  # a retry of the same entry: stored once by the processor, audited once
        resp = wide.post("/v1/submissions", json=body, headers={HEADER: _cred(settings, tid)})
        assert resp.status_code == 202, resp.get_json()
    with session_scope(connect(settings.database_url)) as s:
        [row] = history(s, "submission", body["submission_id"])
        assert row.actor.startswith("operator:") and "Mario Rossi" in row.actor
        assert row.after == {"service": DESK_SERVICE, "channel": "front_office", "entity": ROMA}
    consumer = KafkaConsumer(settings.topic, bootstrap_servers=settings.broker, auto_offset_reset="earliest",
                             consumer_timeout_ms=5000)
    rec = json.loads(next(iter(consumer)).value)
    consumer.close()
    env = rec.get("envelopes", [rec])[0]
    assert env["submission"]["channel"] == "front_office" and env["submission"]["answers"] == {"face": "neutral"}


def test_operators_are_scoped_to_their_entity_and_to_phone_or_desk_services(wide, settings):
    tid, _ = _operator(settings)
    cred = _cred(settings, tid)
    other = wide.post("/v1/submissions", json=faces(PHONE_SERVICE), headers={HEADER: cred})  # Napoli's
    assert other.status_code == 403 and other.get_json()["fields"] == {"operator": ["The service belongs to another entity."]}
    web = wide.post("/v1/submissions", json=dict(faces("demo-roma-anagrafe"), questionnaire="cx-core",
                                                 answers={"satisfaction": 4, "task": "yes"}), headers={HEADER: cred})
    assert web.status_code == 409 and "channel" in web.get_json()["fields"]


@pytest.mark.parametrize("case", ["forged", "signed out", "revoked", "not an operator"])
def test_an_invalid_operator_credential_is_refused_naming_the_operator(wide, settings, case):
    tid, secret = _operator(settings, role="monitoring" if case == "not an operator" else "operator")
    cred = _cred(settings, tid)
    with session_scope(connect(settings.database_url)) as s:
        if case == "signed out":
            end_sessions(s, tid)
        elif case == "revoked":
            revoke_token(s, tid, actor="test:admin")
    if case == "forged":
        cred = cred[:-1] + ("0" if cred[-1] != "0" else "1")
    resp = wide.post("/v1/submissions", json=faces(DESK_SERVICE), headers={HEADER: cred})
    assert resp.status_code == 403 and resp.get_json()["error"] == "operator_not_allowed"
    assert "operator" in resp.get_json()["fields"]


def test_an_operator_token_needs_an_existing_entity_and_other_roles_refuse_one(settings):
    seed(settings)
    with session_scope(connect(settings.database_url)) as s:
        for kwargs, error in (({"role": "operator"}, InvalidValue), ({"role": "operator", "entity": "nope"}, NotFound),
                              ({"role": "monitoring", "entity": ROMA}, InvalidValue),
                              ({"role": "operator", "entity": ROMA, "manager": True}, InvalidValue)):
            with pytest.raises(error) as exc:
                create_token(s, label="x", actor="t", **kwargs)
            assert exc.value.field == ("manager" if "manager" in kwargs else "entity")


# --- through the console, over HTTP to a running collector --------------------------------------

@pytest.fixture
def console_and_collector(settings):
    from werkzeug.serving import make_server

    from collector.app import close_app, create_app as collector_app
    from warehouse.console import create_app as console_app

    seed(settings)
    port = free_port()
    capp = collector_app(settings)
    server = make_server("127.0.0.1", port, capp, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    console = console_app(settings.with_(collector_internal_url=f"http://127.0.0.1:{port}",
                                         console_secure_cookie=False))
    try:
        yield console
    finally:
        server.shutdown()
        close_app(capp)


def _sign_in(app, secret: str):
    c = app.test_client()
    page = c.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = c.post("/login", data={"token": secret, "csrf_token": csrf})
    assert r.status_code == 303 and r.headers["Location"].endswith("/operator")
    return c


def test_the_console_page_records_entries_through_the_collector(console_and_collector, settings):
    _, secret = _operator(settings)
    c = _sign_in(console_and_collector, secret)
    page = c.get("/operator").get_data(as_text=True)
    assert DESK_SERVICE in page and PHONE_SERVICE not in page  # only the entity's desk/phone services
    assert page.count('class="op-face op-') == 3 and "Soddisfatto/a" in page
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    sid = str(uuid.uuid4())
    post = lambda body: c.post("/operator/entries", json=body, headers={"X-CSRFToken": csrf})  # noqa: E731
    ok = post({"service": DESK_SERVICE, "face": "satisfied", "submission_id": sid})
    assert ok.status_code == 202 and ok.get_json() == {"submission_id": sid, "status": "accepted"}
    with session_scope(connect(settings.database_url)) as s:
        assert [h.action for h in history(s, "submission", sid)] == ["record"]
    assert post({"service": PHONE_SERVICE, "face": "satisfied", "submission_id": str(uuid.uuid4())}).status_code == 403
    bad = post({"service": DESK_SERVICE, "face": "angry", "submission_id": str(uuid.uuid4())})
    assert bad.status_code == 422 and bad.get_json()["fields"] == {"face": ["Not one of the three faces."]}
    assert c.post("/operator/entries", json={"service": DESK_SERVICE, "face": "satisfied",
                                             "submission_id": str(uuid.uuid4())}).status_code == 400  # no CSRF
    assert c.get("/").status_code == 403  # an operator has no dashboards


def test_the_operator_page_refuses_other_roles(console_and_collector, settings):
    from tests.console_auth import token

    c = console_and_collector.test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token(settings, 'monitoring')}"
    assert c.get("/operator").status_code == 403
