"""Back ends posting directly (role ``backend``): ``Authorization: Bearer <token>`` on
``POST /v1/submissions`` stands in for the origin check and swaps the per-IP citizen limit for a
per-token one; a post with neither an Origin nor a token is refused for every entity, with or
without a back-end token. The real collector, the real broker, the registry on SQLite and on PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from registry import connect, dispose, session_scope
from registry.demo import seed
from registry.models import Token, utcnow
from registry.tokens import create_token, revoke_token
from tests.conftest import ORIGIN, submission

INPS, ROMA = "inps", "c_h501"
INPS_SERVICE, ROMA_SERVICE = "demo-inps-pensione", "demo-roma-anagrafe"


@pytest.fixture
def registry(db_url, settings):
    """The demo registry on each backend (SQLite, PostgreSQL), shared by the collectors made here."""
    f = connect(db_url)
    seed(f, [ORIGIN])
    yield f
    dispose(f)


@pytest.fixture
def collector(settings, registry, db_url):
    """``collector(**settings)``: a test client of a real collector app on that registry."""
    from collector.app import close_app, create_app

    apps = []

    def make(**changes):
        app = create_app(settings.with_(database_url=db_url, **changes))
        apps.append(app)
        return app.test_client()

    yield make
    for app in apps:
        close_app(app)


def _token(registry, entity: str = INPS, role: str = "backend", **kwargs) -> str:
    with session_scope(registry) as s:
        return create_token(s, role=role, label="INPS - inoltro risposte", actor="test:admin",
                            entity=entity if role in ("backend", "entity", "operator") else None, **kwargs)[1]


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_a_back_end_with_its_token_is_not_held_to_the_per_ip_limit_but_to_its_own(collector, registry):
    secret = _token(registry)
    client = collector(rate_limit_ip="5/minute", rate_limit_backend="40/minute")
    for i in range(40):  # eight times the citizens' budget, from the one test-client address
        resp = client.post("/v1/submissions", json=submission(INPS_SERVICE), headers=_bearer(secret))
        assert resp.status_code == 202, (i, resp.get_json())
    over = client.post("/v1/submissions", json=submission(INPS_SERVICE), headers=_bearer(secret))
    assert over.status_code == 429 and int(over.headers["Retry-After"]) >= 1
    assert "back-end token" in over.get_json()["message"]
    # the address's own budget is untouched by the back end's posts: a citizen there is served
    widget = {"Origin": ORIGIN}
    for _ in range(5):
        assert client.post("/v1/submissions", json=submission(INPS_SERVICE), headers=widget).status_code == 202
    assert client.post("/v1/submissions", json=submission(INPS_SERVICE), headers=widget).status_code == 429


def test_without_the_token_a_back_end_is_refused_and_still_counted_against_its_address(collector, registry):
    client = collector(rate_limit_ip="5/minute")  # INPS has no backend token: refused all the same
    codes = [client.post("/v1/submissions", json=submission(INPS_SERVICE)).status_code for _ in range(8)]
    assert codes == [401] * 5 + [429] * 3


def test_the_per_service_limit_still_applies_to_a_back_end(collector, registry):
    secret = _token(registry)
    client = collector(rate_limit_service="3/minute", rate_limit_ip="1/minute")
    codes = [client.post("/v1/submissions", json=submission(INPS_SERVICE), headers=_bearer(secret)).status_code
             for _ in range(4)]
    assert codes == [202, 202, 202, 429]


@pytest.mark.parametrize("case", ["forged", "revoked", "expired", "another entity's", "not a backend token",
                                  "not bearer", "junk"])
def test_an_invalid_back_end_token_is_a_403_naming_authorization(collector, registry, case):
    secret = _token(registry, entity=ROMA if case == "another entity's" else INPS,
                    role="monitoring" if case == "not a backend token" else "backend")
    if case == "revoked":
        with session_scope(registry) as s:
            revoke_token(s, secret.split("_")[1], actor="test:admin")
    elif case == "expired":
        with session_scope(registry) as s:
            s.query(Token).filter_by(prefix=secret.split("_")[1]).one().expires_at = utcnow() - timedelta(seconds=1)
    header = {"forged": f"Bearer {secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}", "not bearer": f"Basic {secret}",
              "junk": "Bearer x"}.get(case, f"Bearer {secret}")
    client = collector()
    resp = client.post("/v1/submissions", json=submission(INPS_SERVICE), headers={"Authorization": header})
    assert resp.status_code == 403, resp.get_json()
    body = resp.get_json()
    assert body["error"] == "backend_not_allowed" and list(body["fields"]) == ["authorization"]
    assert secret not in resp.get_data(as_text=True)
    if case == "not a backend token":  # a console token pasted by mistake: the answer says what to ask for
        assert "of another role" in body["fields"]["authorization"][0] and "role backend" in body["message"]


def test_a_revocation_reaches_the_collector_within_the_registry_ttl(collector, registry):
    secret = _token(registry)
    client = collector(registry_ttl_s=0.0)  # no caching: the next request sees the revocation
    assert client.post("/v1/submissions", json=submission(INPS_SERVICE), headers=_bearer(secret)).status_code == 202
    with session_scope(registry) as s:
        revoke_token(s, secret.split("_")[1], actor="test:admin")
    assert client.post("/v1/submissions", json=submission(INPS_SERVICE), headers=_bearer(secret)).status_code == 403


@pytest.mark.parametrize("has_token", [True, False], ids=["entity with a backend token", "entity without one"])
def test_a_post_with_neither_origin_nor_token_is_refused_for_every_entity(collector, registry, has_token):
    """The public service key alone never suffices: a script without an Origin must authenticate,
    whether or not the administration has a back-end token yet, and the answer is the same in both
    cases (it does not tell anyone which administrations have back ends)."""
    if has_token:
        _token(registry)
    client = collector()
    resp = client.post("/v1/submissions", json=submission(INPS_SERVICE))
    assert resp.status_code == 401, resp.get_json()
    body = resp.get_json()
    assert body["error"] == "backend_token_required" and set(body["fields"]) == {"Origin", "authorization"}
    assert "ascolto registry token create --role backend --entity inps" in body["message"]
    assert "Authorization: Bearer" in body["fields"]["authorization"][0]
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    other = client.post("/v1/submissions", json=submission(ROMA_SERVICE)).get_json()
    assert (other["fields"], other["message"].replace("c_h501", "inps").replace(ROMA_SERVICE, INPS_SERVICE)) == \
        (body["fields"], body["message"])
    # the widget on an allowed page (browsers always send Origin on these posts) is unaffected
    widget = client.post("/v1/submissions", json=submission(INPS_SERVICE), headers={"Origin": ORIGIN})
    assert widget.status_code == 202
    # a page of another origin is still refused for its origin
    assert client.post("/v1/submissions", json=submission(INPS_SERVICE),
                       headers={"Origin": "https://evil.example"}).get_json()["fields"] == {
        "Origin": ["Not among the service's allowed origins."]}
    # refused before the answers are even looked at: a 401, not a 422 that would describe them
    bad = dict(submission(INPS_SERVICE), answers={"satisfaction": 9})
    assert client.post("/v1/submissions", json=bad).status_code == 401


def test_a_revoked_or_expired_backend_token_opens_nothing(collector, registry):
    secret = _token(registry, expires="1h")
    client = collector(registry_ttl_s=0.0)
    assert client.post("/v1/submissions", json=submission(INPS_SERVICE), headers=_bearer(secret)).status_code == 202
    with session_scope(registry) as s:
        s.query(Token).filter_by(prefix=secret.split("_")[1]).one().expires_at = utcnow() - timedelta(seconds=1)
    assert client.post("/v1/submissions", json=submission(INPS_SERVICE), headers=_bearer(secret)).status_code == 403
    assert client.post("/v1/submissions", json=submission(INPS_SERVICE)).status_code == 401
    other = _token(registry)
    with session_scope(registry) as s:
        revoke_token(s, other.split("_")[1], actor="test:admin")
    assert client.post("/v1/submissions", json=submission(INPS_SERVICE), headers=_bearer(other)).status_code == 403
    assert client.post("/v1/submissions", json=submission(INPS_SERVICE)).status_code == 401


def test_verification_is_cached_and_the_header_less_path_queries_nothing_new(collector, registry, db_url):
    secret = _token(registry)
    client = collector()
    engine = client.application.extensions["ascolto.registry"].kw["bind"]
    statements: list[str] = []

    def seen(conn, cursor, statement, *rest):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        forged = secret[:-1] + ("A" if secret[-1] != "A" else "B")
        for _ in range(2):  # warm: the service (and its entity's backend flag) and the tokens are cached
            client.post("/v1/submissions", json=submission(INPS_SERVICE), headers=_bearer(secret))
            client.post("/v1/submissions", json=submission(INPS_SERVICE), headers=_bearer(forged))
            client.post("/v1/submissions", json=submission(ROMA_SERVICE), headers={"Origin": ORIGIN})
        statements.clear()
        for _ in range(20):
            assert client.post("/v1/submissions", json=submission(INPS_SERVICE), headers=_bearer(secret)).status_code == 202
            assert client.post("/v1/submissions", json=submission(ROMA_SERVICE), headers={"Origin": ORIGIN}).status_code == 202
            assert client.post("/v1/submissions", json=submission(ROMA_SERVICE)).status_code == 401
            assert client.post("/v1/submissions", json=submission(INPS_SERVICE), headers=_bearer(forged)).status_code == 403
            assert client.post("/v1/submissions", json=submission(INPS_SERVICE)).status_code == 401
        assert [q for q in statements if "FROM api_token" in q or "FROM service" in q] == []
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def test_the_operators_backfill_is_not_a_back_end_and_needs_no_token(settings, registry, db_url):
    from collector.backfill import backfill

    # Origin-less posts without a token are refused over HTTP...
    lines = [{"received_at": "2026-11-02T10:00:00Z", "submission": submission(INPS_SERVICE)}]
    # ...but the operators' in-process backfill (same checks, original dates) still loads its history
    assert backfill(settings.with_(database_url=db_url), lines, threads=1) == {"lines": 1, "accepted": 1, "refused": {}}


@pytest.mark.parametrize("agent", ["curl/8.5.0", "python-requests/2.32.3", "Java/17.0.9"])
def test_a_back_ends_answers_count_whatever_http_library_it_posts_with(collector, registry, settings, agent):
    """The README's example posts with curl; a Python back end with requests. Their user agents made
    the answers "bot" (automated): stored, and left out of every figure (dataset.views.counted). The
    user agent of a back end is its server's, not the citizen's device: its token vouches for the post."""
    import json

    from dataset.views import AUTOMATED
    from tests.test_collector import _consume

    client = collector()
    body = submission(INPS_SERVICE)
    resp = client.post("/v1/submissions", json=body, headers=dict(_bearer(_token(registry)), **{"User-Agent": agent}))
    assert resp.status_code == 202
    # a script posting as a citizen (an Origin, no token) is still taken for what its user agent says
    script = submission(INPS_SERVICE)
    assert client.post("/v1/submissions", json=script, headers={"Origin": ORIGIN, "User-Agent": "curl/8.5.0"}).status_code == 202
    devices = {env["submission"]["submission_id"]: env["device"]
               for rec in _consume(settings, 2) for doc in [json.loads(rec.value)] for env in doc.get("envelopes", [doc])}
    assert devices == {body["submission_id"]: "unknown", script["submission_id"]: AUTOMATED}


def test_a_back_end_asking_for_a_check_up_is_told_how_to_get_one(collector, registry):
    """``"test": true`` is the widget's ``data-test``, honoured only from the service's pages; a back end
    is told about the service's test mode instead of a bare "from the service's pages"."""
    client = collector()
    resp = client.post("/v1/submissions", json=dict(submission(INPS_SERVICE), test=True), headers=_bearer(_token(registry)))
    assert resp.status_code == 403 and list(resp.json["fields"]) == ["test"]
    assert f"ascolto registry test-mode {INPS_SERVICE} on" in resp.json["message"]


def test_a_refused_back_end_token_says_why_and_what_to_do(collector, registry):
    """The PA walkthrough of 3 December 2026: an expired, a revoked and a console token all read "Not a
    back-end token: unknown, revoked, expired, or of another role" — the developer could not tell a
    token that lapsed (ask for a new one) from a secret copied wrong. Whoever holds the real secret is
    told which it is; a forged or unknown secret learns nothing (the same words as junk of that shape)."""
    client = collector(registry_ttl_s=0.0)

    def why(header: str) -> str:
        resp = client.post("/v1/submissions", json=submission(INPS_SERVICE), headers={"Authorization": header})
        assert resp.status_code == 403 and list(resp.get_json()["fields"]) == ["authorization"], resp.get_json()
        return resp.get_json()["fields"]["authorization"][0]

    expired = _token(registry, expires="1h")
    assert client.post("/v1/submissions", json=submission(INPS_SERVICE), headers=_bearer(expired)).status_code == 202
    with session_scope(registry) as s:
        s.query(Token).filter_by(prefix=expired.split("_")[1]).one().expires_at = utcnow() - timedelta(minutes=5)
    said = why(f"Bearer {expired}")
    assert said.startswith("Expired on ") and "ascolto registry token create --role backend --entity inps" in said, said
    revoked = _token(registry)
    with session_scope(registry) as s:
        revoke_token(s, revoked.split("_")[1], actor="test:admin")
    said = why(f"Bearer {revoked}")
    assert said.startswith("Revoked on ") and "--role backend --entity inps" in said, said
    said = why(f"Bearer {_token(registry, role='monitoring')}")
    assert said.startswith("A monitoring token") and "of another role" in said and "role backend" in said, said
    # a forged secret of a real prefix and an unknown one read alike: nothing tells that the prefix exists
    forged = revoked[:-1] + ("A" if revoked[-1] != "A" else "B")
    unknown = "asc_0badc0de_" + revoked.split("_", 2)[2]
    assert why(f"Bearer {forged}") == why(f"Bearer {unknown}")
    assert why(f"Bearer {unknown}").startswith("Unknown token")
    # what is not even shaped like a token says what a token looks like
    assert "asc_" in why("Bearer x") and why("Bearer x").startswith("Not a token")


def test_another_administrations_service_is_named_as_such_with_the_tokens_own(collector, registry):
    """"The token's entity may not post to service 'demo-roma-anagrafe'." did not say whose the token is —
    a back end relaying for two administrations, or a key pasted from the wrong page, could not tell
    which was wrong. The answer names the token's administration (its holder knows it) and what it may do."""
    client = collector()
    resp = client.post("/v1/submissions", json=submission(ROMA_SERVICE), headers=_bearer(_token(registry)))
    assert resp.status_code == 403
    [said] = resp.get_json()["fields"]["authorization"]
    assert said == (f"This token is of administration inps and posts only to its services; {ROMA_SERVICE!r} is "
                    "another administration's: check the service key, or use that administration's token."), said
