"""Self-service onboarding (issue 15.2) and coverage monitoring (15.3): the public request form
validated against the registry's IPA import and the taxonomy, the admin's audited approval (service
key, entity manager token, snippet), "check my page" from the collector's own counts, coverage JSON."""
from __future__ import annotations

import html
import re

import pytest

from registry import connect, session_scope
from registry.models import AuditEntry, Service, Token
from registry.origins import NO_ORIGIN
from tests.workspace_data import MILANO, ROMA, build_workspace
from warehouse.console import create_app


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return build_workspace(tmp_path_factory.mktemp("onboarding"))


@pytest.fixture(scope="module")
def app(seeded):
    a = create_app(seeded[0])
    a.config["WTF_CSRF_ENABLED"] = False  # CSRF itself is tested by test_console_security.py
    return a


def bearer(t):
    return {"Authorization": f"Bearer {t}"}


FORM = {"ipa_code": ROMA, "service_name": "Cambio di residenza", "service_type": "anagrafe.certificati",
        "allowed_origins": "https://servizi.comune.roma.it\nhttps://www.comune.roma.it", "channels": ["web"]}


@pytest.mark.parametrize("field,value", [("ipa_code", "nope_123"), ("service_type", "not.a.type"),
                                         ("service_type", "previdenza.domanda-prestazione"),  # not for a comune
                                         ("allowed_origins", "ftp://x.example"), ("allowed_origins", ""),
                                         ("channels", ["fax"]), ("service_name", "")])
def test_the_request_form_refuses_by_field(app, field, value):
    r = app.test_client().post("/join", data={**FORM, field: value})
    assert r.status_code == 422
    assert f'data-field="{field}"' in r.get_data(as_text=True)


def test_request_approve_issues_key_token_and_snippet_all_audited(app, seeded):
    """Milano has no manager token yet (only a plain entity token): its first join hands the requester
    a manager token, shown once on /join, which works only once an admin has approved the request;
    the approval never shows a secret."""
    c = app.test_client()
    r = c.post("/join", data={**FORM, "ipa_code": MILANO, "allowed_origins": "https://servizi.comune.milano.it"})
    assert r.status_code == 201 and "no-store" in r.headers["Cache-Control"]
    joined = r.get_data(as_text=True)
    rid = int(re.search(r'data-request="(\d+)"', joined).group(1))
    secret = re.search(r'id="entity-token">([^<]+)<', joined).group(1)
    assert c.get(f"/api/v1/workspace/{MILANO}", headers=bearer(secret)).status_code == 401  # pending: nothing yet
    admin = bearer(seeded[1]["admin"])
    listing = c.get("/admin/onboarding", headers=admin).get_data(as_text=True)
    assert 'data-warning="first-join"' in listing.split(f'data-request="{rid}"')[1].split("</tr>")[0]
    assert c.post(f"/admin/onboarding/{rid}/approve").status_code in (302, 401)  # no sign-in: nothing
    assert c.post(f"/admin/onboarding/{rid}/approve", headers=bearer(seeded[1]["monitoring"])).status_code == 403
    assert c.get(f"/api/v1/workspace/{MILANO}", headers=bearer(secret)).status_code == 401
    page = c.post(f"/admin/onboarding/{rid}/approve", headers=admin)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "asc_" not in html and 'id="entity-token"' not in html
    assert f'data-activated="{secret.split("_")[1]}"' in html
    key = re.search(r'data-key="([^"]+)"', html).group(1)
    assert f'data-service="{key}"' in html.replace("&#34;", '"') and "/widget.js" in html
    with session_scope(connect(seeded[0].database_url)) as s:
        svc = s.get(Service, key)
        assert (svc.entity_ipa, svc.service_type, svc.allowed_origins) == \
            (MILANO, "anagrafe.certificati", ["https://servizi.comune.milano.it"])
        tok = s.query(Token).filter(Token.entity_ipa == MILANO, Token.label.contains(f"onboarding {rid}")).one()
        assert tok.role == "entity" and tok.entity_manager and not tok.pending
        actions = {(a.object_type, a.action) for a in s.query(AuditEntry).filter(
            AuditEntry.context == f"onboarding request {rid}")} | {
            (a.object_type, a.action) for a in s.query(AuditEntry).filter(AuditEntry.object_key == str(rid))}
        assert {("onboarding", "create"), ("onboarding", "approve"), ("service", "create"), ("token", "create"),
                ("token", "activate")} <= actions
    # the new token is the entity's manager: its workspace, the new service, issuing tokens
    assert c.get(f"/workspace/{MILANO}/services/{key}/check", headers=bearer(secret)).status_code == 200
    assert c.get(f"/workspace/{MILANO}/tokens", headers=bearer(secret)).status_code == 200
    assert c.get(f"/workspace/{ROMA}", headers=bearer(secret)).status_code == 403
    # decided once
    assert c.post(f"/admin/onboarding/{rid}/approve", headers=admin).status_code == 409
    assert c.post(f"/admin/onboarding/{rid}/reject", headers=admin, data={"reason": "x"}).status_code == 409


def test_each_new_service_gets_what_its_channel_collects_with(app, seeded):
    # an SMS service was handed a widget snippet "to paste into the page" it does not have
    c, admin = app.test_client(), bearer(seeded[1]["admin"])
    html = c.post("/join", data={**FORM, "service_name": "Cambio di residenza (tutti i canali)",
                                 "channels": ["web", "sms", "phone", "kiosk", "front_office"]}).get_data(as_text=True)
    rid = int(re.search(r'data-request="(\d+)"', html).group(1))
    page = c.post(f"/admin/onboarding/{rid}/approve", headers=admin).get_data(as_text=True)
    secret = seeded[1]["entity"]  # Roma's manager (the approval named no other)
    kits = {channel: kind for kind, channel in re.findall(r'data-kit="(\w+)" data-channel="(\w+)"', page)}
    assert kits == {"web": "snippet", "sms": "link", "phone": "operator", "kiosk": "kiosk",
                                               "front_office": "kiosk"}
    counter = page.split('data-channel="front_office"')[1].split("</div>")[0]
    # at a counter, staff may enter the answers too: the admin is sent to make them an operator token
    assert 'href="/admin/tokens" data-link="operator-token"' in counter and 'href="/operator"' not in page
    with session_scope(connect(seeded[0].database_url)) as s:
        keys = {svc.channel: svc.key for svc in s.query(Service).filter(Service.name.contains("tutti i canali"))}
    link = f"{seeded[0].collector_url.rstrip('/')}/v1/services/{keys['sms']}/form?lang=it"
    assert f'value="{link}"' in page and page.count("/widget.js") == 1  # only the web service's snippet
    check = c.get(f"/workspace/{ROMA}/services/{keys['sms']}/check", headers=bearer(secret)).get_data(as_text=True)
    assert f'value="{link}"' in check and "/widget.js" not in check and 'id="check-now"' not in check
    for channel in ("phone", "front_office"):  # the entity's staff: told whom to ask, never sent to a 403
        kit = c.get(f"/workspace/{ROMA}/services/{keys[channel]}/check", headers=bearer(secret)).get_data(as_text=True)
        assert 'data-note="operator-token"' in kit and "/operator" not in kit and "/admin/tokens" not in kit, channel
    web = c.get(f"/workspace/{ROMA}/services/{keys['web']}/check", headers=bearer(secret)).get_data(as_text=True)
    assert 'id="check-now"' in web and "/widget.js" in web


def test_a_rejection_needs_a_reason_and_is_audited(app, seeded):
    c = app.test_client()
    rid = int(re.search(r'data-request="(\d+)"', c.post("/join", data=FORM).get_data(as_text=True)).group(1))
    admin = bearer(seeded[1]["admin"])
    assert c.post(f"/admin/onboarding/{rid}/reject", headers=admin, data={"reason": ""}).status_code == 422
    assert c.post(f"/admin/onboarding/{rid}/reject", headers=admin, data={"reason": "duplicate"}).status_code == 303
    with session_scope(connect(seeded[0].database_url)) as s:
        a = s.query(AuditEntry).filter(AuditEntry.object_type == "onboarding", AuditEntry.action == "reject",
                                       AuditEntry.object_key == str(rid)).one()
        assert a.after["reason"] == "duplicate" and a.actor.startswith("console:")
    assert c.post("/admin/onboarding/99999/approve", headers=admin).status_code == 404


def test_check_my_page_reads_the_collectors_counts(app, seeded, origin_counters):
    """Counts written by the collector's counter (registry.origins) give the verdict."""
    c, tok = app.test_client(), bearer(seeded[1]["entity"])
    url = f"/api/v1/workspace/{ROMA}/services/demo-roma-anagrafe/check"
    assert c.get(url, headers=tok).json["verdict"] == "nothing"
    counter = origin_counters(connect(seeded[0].database_url), flush_s=3600)
    counter.seen("demo-roma-anagrafe", "https://evil.example", allowed=False)  # the first one is handed over at once
    assert counter.wait_written()  # …to the writer thread (the request never waits for the registry)
    body = c.get(url, headers=tok).json
    assert body["verdict"] == "wrong_origin" and body["seen"][0]["refused"] == "≥ 1"
    counter.seen("demo-roma-anagrafe", "https://www.comune.roma.it", allowed=True)  # buffered…
    assert c.get(url, headers=tok).json["verdict"] == "wrong_origin"
    counter.flush()  # …until the interval is over
    body = c.get(url, headers=tok).json
    assert body["verdict"] == "ok" and {o["origin"]: o["declared"] for o in body["seen"]} == {
        "https://evil.example": False, "https://www.comune.roma.it": True}
    assert c.get(f"/api/v1/workspace/{ROMA}/services/demo-milano-anagrafe/check", headers=bearer(
        seeded[1]["admin"])).status_code == 404  # a service of another entity under this one


def test_check_my_page_gives_no_count_and_no_time_of_the_answers_it_counts(app, seeded, origin_counters):
    """The collector counts a back end's (or a form's) posts under "no origin", every one of them an
    answer: an exact count was the service's number of answers of the last seven days — two, which
    the cube suppresses — and the minute of the last was the minute a citizen answered, which the
    entity's staff can match to whom they served. The page gives an order of magnitude and a day."""
    c, tok = app.test_client(), bearer(seeded[1]["entity"])
    counter = origin_counters(connect(seeded[0].database_url), flush_s=3600)
    for _ in range(2):  # two answers posted by the entity's back end, no Origin
        counter.seen("demo-roma-anagrafe", None, allowed=True)
    counter.flush()
    body = c.get(f"/api/v1/workspace/{ROMA}/services/demo-roma-anagrafe/check", headers=tok).json
    [row] = [o for o in body["seen"] if o["origin"] == NO_ORIGIN]
    assert row["requests"] == "≥ 1" and row["refused"] == "0"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["last_at"])  # the day, in Rome: no hour, no minute
    page = html.unescape(c.get(f"/workspace/{ROMA}/services/demo-roma-anagrafe/check", headers=tok)
                         .get_data(as_text=True))
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page[page.index(f'<tr data-origin="{NO_ORIGIN}"'):].split("</tr>")[0])
    assert cells == ["—", "≥ 1", "0", row["last_at"]]


def test_a_count_one_can_add_to_is_shown_only_as_whether_there_were_any(app, seeded, origin_counters):
    """Route 26: a questionnaire load needs no token and adds one to its origin's count, so bands by order of
    magnitude gave the count back — the k-th load that flipped "1–9" to "10–99" said it was 10 − k. An
    attacker adding loads one at a time sees the page say the same thing from the first to the last."""
    c, tok = app.test_client(), bearer(seeded[1]["entity"])
    counter = origin_counters(connect(seeded[0].database_url), flush_s=3600)
    url = f"/api/v1/workspace/{ROMA}/services/demo-roma-anagrafe/check"
    counter.seen("demo-roma-anagrafe", None, allowed=True)
    counter.seen("demo-roma-anagrafe", None, allowed=True)  # two answers of the week, from a back end
    counter.flush()
    shown = []
    for _ in range(12):  # the attacker's loads, one at a time
        counter.seen("demo-roma-anagrafe", None, allowed=True)
        counter.flush()
        [row] = [o for o in c.get(url, headers=tok).json["seen"] if o["origin"] == NO_ORIGIN]
        shown.append(row["requests"])
    assert set(shown) == {"≥ 1"}


def test_coverage_counts_targets_silence_and_minimum_n(app, seeded):
    c = app.test_client()
    body = c.get("/api/v1/coverage?quarter=2026-Q3", headers=bearer(seeded[1]["monitoring"])).json
    assert body["targets"] == {"services": 300, "entities": 100}
    with session_scope(connect(seeded[0].database_url)) as s:
        active = s.query(Service).filter(Service.active.is_(True)).all()
    assert body["onboarded"]["services"] == len(active) == sum(x["services"] for x in body["by_category"])
    silent = {x["service"] for x in body["silent"]}
    assert "demo-asl-prenotazione" in silent  # never answered
    under = {x["service"]: x["n"] for x in body["under_min_n"]}
    assert "demo-roma-anagrafe" not in under and under["demo-inail-denuncia"] < 30
    assert c.get("/api/v1/coverage?quarter=2026-5", headers=bearer(seeded[1]["monitoring"])).json["fields"] == \
        {"quarter": ["A quarter is YYYY-Qn."]}
    assert c.get("/coverage", headers=bearer(seeded[1]["monitoring"])).status_code == 200


def test_the_collector_counts_widget_requests_by_origin(client, settings):
    """A questionnaire load from the declared origin and one from another land in origin_seen."""
    from registry.origins import recent, verdict

    assert client.get("/v1/services/demo-roma-anagrafe/questionnaire",
                      headers={"Origin": "https://www.comune.roma.it"}).status_code == 200
    assert client.application.extensions["ascolto.origins"].wait_written()
    with session_scope(connect(settings.database_url)) as s:
        seen = recent(s, "demo-roma-anagrafe")
    assert [(o["origin"], o["requests"], o["refused"]) for o in seen] == [("https://www.comune.roma.it", 1, 0)]
    assert verdict(["https://www.comune.roma.it"], seen) == "ok"
    client.application.extensions["ascolto.origins"].seen("nope", None, True)  # unknown keys never reach it
    assert client.get("/v1/services/unknown-key/questionnaire").status_code == 404
    with session_scope(connect(settings.database_url)) as s:
        assert recent(s, "unknown-key") == []


def test_counting_an_origin_never_waits_for_the_registry(settings, origin_counters):
    """With the registry locked by another writer, ``seen`` still returns at once (the request path
    does no database round trip); the writer thread stores the counts once the lock is gone."""
    import sqlite3

    from registry.origins import recent

    factory = connect(settings.database_url)
    path = settings.database_url.removeprefix("sqlite:///")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # every other writer now waits (busy_timeout 5 s)
    try:
        counter = origin_counters(factory, flush_s=3600)
        counter.seen("demo-roma-anagrafe", "https://www.comune.roma.it", allowed=True)  # returns: nothing written yet
        assert not counter.wait_written(timeout_s=0.2)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert counter.wait_written()
    with session_scope(factory) as s:
        assert [(o["origin"], o["requests"]) for o in recent(s, "demo-roma-anagrafe")] == [
            ("https://www.comune.roma.it", 1)]


def test_a_request_for_an_entity_with_a_manager_mints_no_token_and_tells_the_manager(app, seeded):
    """/join needs no sign-in and takes any IPA code: approving a request for Roma, which has a
    manager, must not hand the requester a manager token; the admin is warned before approving, and
    Roma's manager sees the new service and who requested it on her tokens page."""
    c, admin = app.test_client(), bearer(seeded[1]["admin"])
    r = c.post("/join", data={**FORM, "service_name": "Servizio di un estraneo", "allowed_origins": "https://attaccante.example"},
               environ_base={"REMOTE_ADDR": "192.0.2.77"})  # its own rate-limit window
    assert r.status_code == 201
    joined = html.unescape(r.get_data(as_text=True))
    assert "il token dell'ente." not in joined and "se l'ente ha già un responsabile" in joined
    rid = int(re.search(r'data-request="(\d+)"', joined).group(1))
    listing = c.get("/admin/onboarding", headers=admin).get_data(as_text=True)
    row = listing.split(f'data-request="{rid}"')[1].split("</tr>")[0]
    assert 'data-warning="has-manager"' in row
    page = c.post(f"/admin/onboarding/{rid}/approve", headers=admin).get_data(as_text=True)
    assert 'id="entity-token"' not in page and "data-no-token" in page and "asc_" not in page
    key = re.search(r'data-key="([^"]+)"', page).group(1)
    with session_scope(connect(seeded[0].database_url)) as s:
        assert s.get(Service, key).entity_ipa == ROMA  # the service is created
        assert s.query(Token).filter(Token.label.contains(f"onboarding {rid}")).count() == 0
        assert s.query(AuditEntry).filter(AuditEntry.object_type == "token",
                                          AuditEntry.context == f"onboarding request {rid}").count() == 0
    tokens_page = c.get(f"/workspace/{ROMA}/tokens", headers=bearer(seeded[1]["entity"])).get_data(as_text=True)
    notice = tokens_page.split(f'data-onboarding="{rid}"')[1].split("</li>")[0]
    assert key in notice and "Servizio di un estraneo" in notice and "https://attaccante.example" in notice
    assert "dal modulo pubblico" in notice and "approvata da" in notice


def test_a_manager_revokes_her_entitys_tokens_with_csrf_audited_but_not_her_own(seeded):
    a = create_app(seeded[0])  # CSRF on
    c = a.test_client()
    with session_scope(connect(seeded[0].database_url)) as s:
        from registry.tokens import create_token
        victim, victim_secret = create_token(s, role="entity", label="unwanted", actor="test", entity=ROMA)
        victim_prefix = victim.prefix
        milano = s.query(Token).filter(Token.entity_ipa == MILANO, Token.revoked_at.is_(None)).first().prefix
        own = s.query(Token).filter(Token.label == "roma manager").one().prefix
    manager = bearer(seeded[1]["entity"])
    page = c.get(f"/workspace/{ROMA}/tokens", headers=manager).get_data(as_text=True)
    assert f'data-revoke="{victim_prefix}"' in page and f'data-revoke="{own}"' not in page
    url = f"/workspace/{ROMA}/tokens/{victim_prefix}/revoke"
    assert c.post(url, headers=manager).status_code == 400  # no CSRF token
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert c.post(url, headers=bearer(seeded[1]["entity_milano"]), data={"csrf_token": csrf}).status_code == 403
    itself = c.post(f"/workspace/{ROMA}/tokens/{own}/revoke", headers=manager, data={"csrf_token": csrf})
    assert itself.status_code == 409 and "Un token non revoca sé stesso qui" in itself.get_data(as_text=True)
    itself = c.post(f"/workspace/{ROMA}/tokens/{own}/revoke?lang=en", headers=manager, data={"csrf_token": csrf})
    assert itself.status_code == 409 and "A token does not revoke itself here" in itself.get_data(as_text=True)
    assert c.post(f"/workspace/{ROMA}/tokens/{milano}/revoke", headers=manager,
                  data={"csrf_token": csrf}).status_code == 404  # another entity's token
    assert c.post(url, headers=manager, data={"csrf_token": csrf}).status_code == 303
    assert c.get(f"/api/v1/workspace/{ROMA}", headers=bearer(victim_secret)).status_code == 401
    assert c.get(f"/workspace/{ROMA}", headers=manager).status_code == 200
    with session_scope(connect(seeded[0].database_url)) as s:
        entry = s.query(AuditEntry).filter(AuditEntry.object_type == "token", AuditEntry.action == "revoke",
                                           AuditEntry.object_key == victim_prefix).one()
        assert entry.actor.startswith("console:") and s.query(Token).filter(
            Token.prefix == own, Token.revoked_at.is_(None)).count() == 1


@pytest.mark.parametrize("field,value,italian", [
    ("ipa_code", "nope_123", "«nope_123» non è nell'Indice delle PA noto ad Ascolto: controlla il codice su "
                             "indicepa.gov.it."),
    ("ipa_code", "no way", "«no way» non è un codice IPA"),
    ("service_type", "not.a.type", "«not.a.type» non è un tipo di servizio della tassonomia."),
    ("service_type", "previdenza.domanda-prestazione", "il tipo «previdenza.domanda-prestazione» è per le PA delle "
                                                       "categorie"),
    ("allowed_origins", "ftp://x.example", "«ftp://x.example» deve essere nella forma http(s)://host[:porta]."),
    ("allowed_origins", "www.comune.roma.it", "«www.comune.roma.it» deve essere nella forma http(s)://host[:porta]."),
    ("allowed_origins", "https://www.comune.roma.it/servizi", "solo l'origine, senza percorso"),
    ("allowed_origins", "", "indica l'origine (https://host) delle pagine che ospiteranno il widget."),
    ("channels", ["fax"], "«fax» non è uno dei canali"),
    ("service_name", "", "è obbligatorio."),
])
def test_the_request_form_says_its_refusals_in_italian(app, field, value, italian):
    """/join is the first page a PA's manager sees, without signing in; it refused in English, naming
    the field by its code ("allowed_origins: 'www.comune.roma.it' must be http(s)://host[:port]")."""
    import html as html_lib

    from warehouse.console.onboarding import JOIN_FIELDS

    client = {"REMOTE_ADDR": f"192.0.2.{sum(map(ord, field + str(value))) % 250}"}  # 10 requests an hour each
    page = html_lib.unescape(app.test_client().post("/join", data={**FORM, field: value},
                                                    environ_base=client).get_data(as_text=True))
    error = page[page.index('id="form-error"'):].split("</div>")[0]
    assert italian in error and f"<strong>{JOIN_FIELDS[field]}</strong>" in error
    assert " is not " not in error and " must be " not in error and "is required" not in error
    en = html_lib.unescape(app.test_client().post("/join?lang=en", data={**FORM, field: value},
                                                  environ_base=client).get_data(as_text=True))
    assert italian not in en.split('id="form-error"')[1].split("</div>")[0]


def test_check_my_page_says_an_inactive_service_is_not_active(seeded, origin_counters):
    """A deactivated service's "Verifica la mia pagina" said "Il widget funziona" (from the requests of
    the last 7 days) while the widget showed nothing and the collector answered 404 inactive_service;
    the workspace listed the service like any other."""
    from registry import ops

    a = create_app(seeded[0])
    c, tok = a.test_client(), bearer(seeded[1]["entity"])
    key = "demo-roma-anagrafe"
    counter = origin_counters(connect(seeded[0].database_url), flush_s=3600)
    counter.seen(key, "https://www.comune.roma.it", allowed=True)
    assert counter.wait_written()
    url = f"/api/v1/workspace/{ROMA}/services/{key}/check"
    assert c.get(url, headers=tok).json["verdict"] == "ok"
    factory = connect(seeded[0].database_url)
    with session_scope(factory) as s:
        ops.set_active(s, actor="test", key=key, active=False)
    try:
        body = c.get(url, headers=tok).json
        assert (body["verdict"], body["active"]) == ("inactive", False)
        page = html.unescape(c.get(f"/workspace/{ROMA}/services/{key}/check", headers=tok).get_data(as_text=True))
        assert 'data-verdict="inactive"' in page and "Il servizio non è attivo" in page
        assert "Il widget funziona" not in page
        ws = c.get(f"/workspace/{ROMA}", headers=tok).get_data(as_text=True)
        row = ws[ws.index(f'<tr data-service="{key}"'):].split("</tr>")[0]
        assert "data-inactive" in row and "non attivo" in row
    finally:
        with session_scope(factory) as s:
            ops.set_active(s, actor="test", key=key, active=True)


def test_requests_without_an_origin_are_not_the_widget_s_nor_a_wrong_origin(seeded, origin_counters):
    """A web service whose only recent requests came without an Origin (its back end, or the form's
    link in an app) was told "Arrivano richieste, ma da un'origine non dichiarata: vengono rifiutate"
    — none was refused — and the table listed an origin "-" as not declared."""
    from registry.origins import NO_ORIGIN, verdict

    declared = ["https://www.comune.roma.it"]
    only_backend = [{"origin": NO_ORIGIN, "requests": 40, "refused": 0}]
    assert verdict(declared, only_backend) == "nothing"
    assert verdict(declared, only_backend + [{"origin": "https://evil.example", "requests": 1, "refused": 1}]) == \
        "wrong_origin"
    assert verdict(declared, only_backend + [{"origin": declared[0], "requests": 2, "refused": 0}]) == "ok"
    a = create_app(seeded[0])
    c, tok = a.test_client(), bearer(seeded[1]["entity"])
    key = "demo-roma-anagrafe"
    counter = origin_counters(connect(seeded[0].database_url), flush_s=3600)
    counter.seen(key, None, allowed=True)
    assert counter.wait_written()
    page = html.unescape(c.get(f"/workspace/{ROMA}/services/{key}/check", headers=tok).get_data(as_text=True))
    row = page[page.index(f'<tr data-origin="{NO_ORIGIN}"'):].split("</tr>")[0]
    assert "nessuna origine (un back end, un'app o un link al modulo)" in row and "<td>—</td>" in row


def test_the_snippet_and_the_form_link_are_given_in_the_language_of_the_pas_page(app, seeded):
    """The console printed every snippet in Italian only ("Dai il tuo parere sul servizio", form?lang=it):
    a PA with an English, German, French or Slovenian page had to edit the code by hand. The manager (check
    my page), the admin (approval, services) now choose its language; Italian by default."""
    c, admin, tok = app.test_client(), bearer(seeded[1]["admin"]), bearer(seeded[1]["entity"])
    base = seeded[0].collector_url.rstrip("/")
    check = f"/workspace/{ROMA}/services/demo-roma-anagrafe/check"

    def unescaped(resp):
        assert resp.status_code == 200
        return html.unescape(resp.get_data(as_text=True))

    page = unescaped(c.get(check, headers=tok))
    assert "Dai il tuo parere sul servizio" in page and 'name="snippet_lang"' in page  # Italian by default
    page = unescaped(c.get(check + "?snippet_lang=de", headers=tok))
    assert page.count("Ihre Meinung zum Dienst") == 2 and "Dai il tuo parere" not in page  # snippet and check-up code
    assert f"{base}/v1/services/demo-roma-anagrafe/form?lang=de" in page
    assert '<option value="de" lang="de" selected>Deutsch</option>' in page
    assert '<input type="hidden" name="snippet_lang" value="de">' in page  # "Verifica ora" keeps it
    api = c.get(f"/api/v1{check}?snippet_lang=sl", headers=tok).json
    assert api["snippet_lang"] == "sl" and "Vaše mnenje o storitvi" in api["snippet"] and "data-test" in api["test_snippet"]
    assert "Dai il tuo parere sul servizio" in unescaped(c.get(check + "?snippet_lang=xx", headers=tok))  # else Italian
    # the admin approves a request for an English page: its web snippet and its SMS link in English
    html_ = c.post("/join", data={**FORM, "service_name": "Residence (English page)", "channels": ["web", "sms"]},
                   environ_overrides={"REMOTE_ADDR": "192.0.2.77"})  # not this module's other requests' client
    rid = int(re.search(r'data-request="(\d+)"', html_.get_data(as_text=True)).group(1))
    listing = unescaped(c.get("/admin/onboarding", headers=admin))
    assert f'id="sl-{rid}" name="snippet_lang"' in listing
    page = unescaped(c.post(f"/admin/onboarding/{rid}/approve", headers=admin, data={"snippet_lang": "en"}))
    assert "Give feedback on the service" in page and "Dai il tuo parere" not in page
    assert re.search(r'value="[^"]*/form\?lang=en"', page)  # the SMS service's link
    # the admin's list of services: every snippet in the chosen language
    services = unescaped(c.get("/admin/services?snippet_lang=fr", headers=admin))
    assert "Donnez votre avis sur le service" in services and "Dai il tuo parere sul servizio" not in services
    assert "Dai il tuo parere sul servizio" in unescaped(c.get("/admin/services", headers=admin))


def test_check_my_page_says_how_it_checks_in_the_pages_language(app, seeded):
    """In English the page said "Nessuna pagina esterna viene consultata: … negli ultimi giorni. (7)":
    an Italian sentence outside the translations, its number of days dangling after it."""
    c, tok = app.test_client(), bearer(seeded[1]["entity"])
    url = f"/workspace/{ROMA}/services/demo-roma-anagrafe/check"
    english = c.get(url + "?lang=en", headers=tok).get_data(as_text=True)
    assert "No external page is fetched: the check uses the widget&#39;s requests the collector received in the " \
           "last 7 days." in english and "Nessuna pagina" not in english
    italian = c.get(url, headers=tok).get_data(as_text=True)
    assert "ricevute dal collettore negli ultimi 7 giorni.</p>" in italian and "(7)" not in italian
