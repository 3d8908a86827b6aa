"""What a national administrator may type into the registry, and what a stranger may put in an address,
on SQLite and on PostgreSQL (``db_url``: every test runs on both).

- PostgreSQL cannot hold a NUL character in a text value (psycopg2 refuses to send one): a NUL in a
  console address (``/admin/services/%00/origins``, ``/workspace/%00``) or form field, or in a service
  key the public collector is asked for (``/v1/services/%00/form``), is a 4xx naming the field — it
  was a 500 on PostgreSQL (and counted as the collector's ``internal`` error, which pages the on-call).
- A questionnaire version is ASCII digits: ``²`` passed ``str.isdigit`` and gave a 500.
- An allowed origin is what a browser sends in ``Origin``: an ASCII host name (an international one in
  its ``xn--`` form), an IPv4 or an IPv6 literal. A host with a NUL, a space or a 300-letter label was
  stored, and never matched a page; at most :data:`registry.checks.MAX_ORIGINS` origins per service
  (500 origins made the hosted form's ``frame-ancestors`` header longer than nginx's 4 KB header buffer).
"""
from __future__ import annotations

import html
import re

import pytest

from registry import InvalidValue, checks, connect, ops, session_scope
from registry.db import dispose
from registry.demo import seed
from registry.readmodel import ServiceDirectory
from registry.tokens import create_token
from settings import Settings
from warehouse.console import create_app
from warehouse.console.i18n_registry import problem_it

ROMA = "https://www.comune.roma.it"


@pytest.fixture
def admin(db_url, tmp_path):
    """A console over a seeded registry on each backend, and an admin's bearer-token client."""
    factory = connect(db_url)
    seed(factory, [ROMA])
    with session_scope(factory) as s:
        secret = create_token(s, role="admin", label="national admin", actor="test")[1]
    app = create_app(Settings(data_dir=tmp_path / "data", database_url=db_url, console_secure_cookie=False))
    app.config["WTF_CSRF_ENABLED"] = False  # bearer-token client: the forms' CSRF is tested in test_console
    c = app.test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    yield c, factory
    dispose(factory)


def _flashed(c, response) -> list[str]:
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    page = c.get(response.headers["Location"]).get_data(as_text=True)
    return [html.unescape(m) for m in re.findall(r'class="alert alert-\w+" role="\w+">(.*?)</div>', page, re.S)]


@pytest.mark.parametrize("method, path, form, field", [
    ("post", "/admin/services/%00/origins", {"allowed_origins": ROMA}, "key"),
    ("post", "/admin/services/%00/active", {"active": "1"}, "key"),
    ("post", "/admin/services/%00/questionnaire", {"questionnaire": "cx-core@1"}, "key"),
    ("post", "/admin/service/%00/names", {"name_it": "Certificati"}, "key"),
    ("post", "/admin/tokens/%00/revoke", {}, "prefix"),
    ("post", "/admin/tokens", {"role": "entity", "label": "Roma", "entity": "c_h501\x00"}, "entity"),
    ("get", "/workspace/%00", None, "ipa"),
    ("get", "/entities/%00", None, "ipa"),
    ("get", "/admin/services?snippet_lang=%00", None, "snippet_lang"),
])
def test_a_nul_in_an_address_or_a_form_is_a_400_naming_the_field(admin, method, path, form, field):
    c, _ = admin
    r = c.post(path, data=form) if method == "post" else c.get(path)
    assert r.status_code == 400, (r.status_code, r.get_data(as_text=True)[:300])
    assert field in r.get_data(as_text=True) and "NUL" in r.get_data(as_text=True)
    api = c.get("/api/v1/indicators?entity=c_h501%00")
    assert api.status_code == 400 and api.get_json()["fields"] == {"entity": ["contains a NUL character."]}


def test_a_service_key_with_a_nul_is_an_unknown_service_for_collector_and_processor(db_url):
    """The read model both share answers None (cached like any miss) without asking the database."""
    factory = connect(db_url)
    seed(factory, [ROMA])
    directory = ServiceDirectory(factory)
    assert directory.get("demo-roma-anagrafe") is not None
    assert directory.get("demo-roma-anagrafe\x00") is None
    assert directory.get("\x00") is None
    dispose(factory)


def test_the_collector_answers_404_for_a_service_key_with_a_nul(db_url, broker, tmp_path):
    from collector.app import close_app, create_app as collector_app

    seed(connect(db_url), [ROMA])
    app = collector_app(Settings(data_dir=tmp_path / "c", database_url=db_url, broker=broker.bootstrap))
    try:
        c = app.test_client()
        for path in ("/v1/services/%00/questionnaire", "/v1/services/demo%00/form"):
            r = c.get(path, headers={"Origin": ROMA})
            assert r.status_code == 404, (path, r.status_code, r.get_data(as_text=True)[:200])
    finally:
        close_app(app)


@pytest.mark.parametrize("version", ["²", "٣", "1.0", "-1"])
def test_a_questionnaire_version_that_is_not_ascii_digits_is_refused_naming_version(admin, version):
    c, factory = admin
    r = c.post("/admin/services/demo-roma-anagrafe/questionnaire",
               data={"questionnaire_id": "cx-core", "version": version})
    assert _flashed(c, r) == [f"Versione (version): «{version}» non è un numero di versione."]
    r = c.post("/admin/services/demo-roma-anagrafe/questionnaire", data={"questionnaire": f"cx-core@{version}"})
    assert _flashed(c, r) == [f"Versione (version): «{version}» non è un numero di versione."]


@pytest.mark.parametrize("origin, problem", [
    ("https://exämple.it", "'https://exämple.it': write the host as browsers send it, https://xn--exmple-cua.it"),
    ("https://a b.it", "'https://a b.it': 'a b.it' is not a host name (letters, digits, - and . only)"),
    ("https://a\x00.it", "'https://a\\x00.it': 'a\\x00.it' is not a host name (letters, digits, - and . only)"),
    ("https://" + "a" * 64 + ".it", f"'https://{'a' * 64}.it': a part of the host name is longer than 63"),
    ("https://a..it", "'https://a..it': 'a..it' is not a host name (letters, digits, - and . only)"),
])
def test_an_origin_a_browser_cannot_send_is_refused(origin, problem):
    with pytest.raises(InvalidValue) as info:
        checks.normalize_origin(origin)
    assert info.value.field == "allowed_origins" and info.value.problem == problem
    assert problem_it(problem) is not None  # the console says it in Italian too


@pytest.mark.parametrize("origin, normal", [
    ("HTTPS://WWW.Comune.Roma.IT:443", "https://www.comune.roma.it"), ("http://localhost:8002", "http://localhost:8002"),
    ("http://127.0.0.1:8002", "http://127.0.0.1:8002"), ("http://[::1]:8002", "http://[::1]:8002"),
    ("https://xn--exmple-cua.it", "https://xn--exmple-cua.it"), ("https://comune.sant_elia.it", "https://comune.sant_elia.it"),
    ("https://www.comune.roma.it.", "https://www.comune.roma.it."),  # a page addressed by its FQDN sends the dot
])
def test_the_origins_browsers_send_are_kept_as_they_send_them(origin, normal):
    assert checks.normalize_origin(origin) == normal


def test_a_service_has_at_most_max_origins(admin):
    c, factory = admin
    many = "\n".join(f"https://site{i}.comune.roma.it" for i in range(checks.MAX_ORIGINS + 1))
    r = c.post("/admin/services/demo-roma-anagrafe/origins", data={"allowed_origins": many})
    assert _flashed(c, r) == [f"Origini ammesse (allowed_origins): al massimo {checks.MAX_ORIGINS} origini."]
    with session_scope(factory) as s:
        assert ops.get_service(s, "demo-roma-anagrafe").allowed_origins == [ROMA]
        with pytest.raises(InvalidValue, match=f"at most {checks.MAX_ORIGINS} origins"):
            ops.add_service(s, actor="test", entity_ipa="c_h501", name="Troppi", service_type="anagrafe.certificati",
                            allowed_origins=many.splitlines())


def test_a_service_key_with_a_trailing_newline_is_no_key():
    with pytest.raises(InvalidValue):
        checks.check_service_key("roma-anagrafe\n")


def test_approving_a_join_whose_pending_token_was_revoked_says_nobody_manages_the_entity(admin):
    """The admin revoked a first join's pending token (a doubtful requester), then approved the request: the
    page said "the administration already has a manager", which it has not — nobody holds a working token."""
    from registry import onboarding, tokens

    c, factory = admin
    with session_scope(factory) as s:
        req, _ = onboarding.submit_request(s, ipa_code="c_h501", service_name="Cambio di residenza",
                                           service_type="anagrafe.certificati", allowed_origins=[ROMA],
                                           channels=["web"])
        rid = req.id
        tokens.revoke_token(s, req.token_prefix, actor="test")
    page = html.unescape(c.post(f"/admin/onboarding/{rid}/approve").get_data(as_text=True))
    assert "data-no-manager" in page and "data-no-token" not in page
    assert ("L'ente non ha un responsabile: il token di chi ha fatto la richiesta è stato revocato. Crea un token "
            "di responsabile nella pagina Token (ruolo entity, responsabile).") in page


def test_an_entity_of_trentino_alto_adige_without_a_comune_is_added_with_its_nuts_code(admin):
    """Region 04 spans two NUTS-2 areas (Bolzano ITH1, Trento ITH2): the registry asks for the NUTS-2 code,
    and the console's entity form had no field for it — such an entity could not be added there."""
    c, factory = admin
    form = {"ipa_code": "p_bz_test", "name": "Provincia di prova", "category": "L5", "region_istat": "04"}
    assert _flashed(c, c.post("/admin/entities", data=form)) == [
        "Codice NUTS-2 della regione (region_nuts): la regione «04» comprende più aree NUTS-2 ITH1, ITH2: "
        "indicare il codice NUTS-2."]  # the areas were a Python list, ['ITH1', 'ITH2']
    page = c.get("/admin/entities").get_data(as_text=True)
    assert 'name="region_nuts"' in page
    assert _flashed(c, c.post("/admin/entities", data={**form, "region_nuts": "ITH1"})) == ["Modifica registrata."]
    with session_scope(factory) as s:
        e = ops.get_entity(s, "p_bz_test")
        assert (e.region_istat, e.region_nuts) == ("04", "ITH1")


def test_a_service_holding_more_origins_than_the_bound_can_still_lose_some(admin):
    """A service given more origins before the bound existed is not stuck: removing origins is allowed while
    the list stays over the bound; only growing it is refused."""
    from sqlalchemy import update

    from registry.models import Service

    c, factory = admin
    legacy = [f"https://site{i}.comune.roma.it" for i in range(checks.MAX_ORIGINS + 5)]
    with session_scope(factory) as s:
        s.execute(update(Service).where(Service.key == "demo-roma-anagrafe").values(allowed_origins=legacy))
    r = c.post("/admin/services/demo-roma-anagrafe/origins", data={"allowed_origins": "\n".join(legacy[:-1])})
    assert _flashed(c, r) == ["Modifica registrata."]
    r = c.post("/admin/services/demo-roma-anagrafe/origins", data={"allowed_origins": "\n".join(legacy + [ROMA])})
    assert _flashed(c, r) == [f"Origini ammesse (allowed_origins): al massimo {checks.MAX_ORIGINS} origini."]
    with session_scope(factory) as s:
        assert ops.get_service(s, "demo-roma-anagrafe").allowed_origins == legacy[:-1]


def test_the_audit_page_finds_one_objects_history_beyond_the_latest_200(admin):
    """"Who revoked this token, and when?": the console's audit log showed the latest 200 changes only, with
    no way to ask for one object — an older change was out of reach but for the command line. It takes the
    CLI's filters, ``?type=`` and ``?key=``; an unknown type is a 400 naming ``type``."""
    from registry import tokens

    c, factory = admin
    with session_scope(factory) as s:
        _, secret = tokens.create_token(s, role="monitoring", label="Istat", actor="test")
        prefix = secret.split("_")[1]
        tokens.revoke_token(s, prefix, actor="cli:m.rossi")
        for i in range(210):  # 210 later changes push it off the page
            ops.set_test_mode(s, "demo-roma-anagrafe", i % 2 == 0, actor="test")
    assert prefix not in c.get("/admin/audit").get_data(as_text=True)
    page = c.get(f"/admin/audit?type=token&key={prefix}").get_data(as_text=True)
    rows = re.findall(r"<tr><td>\d+</td>.*?</tr>", page)
    assert len(rows) == 2 and "revoke" in rows[0] and "cli:m.rossi" in rows[0] and "create" in rows[1]
    assert 'name="type"' in page and 'name="key"' in page
    bad = c.get("/admin/audit?type=tokens")
    assert bad.status_code == 400 and "type" in bad.get_data(as_text=True)
