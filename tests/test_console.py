"""The console (issue 7) without a browser: the role matrix on every route, sessions, CSRF, error
shapes, the registry admin, what the pages show against the API, the CSV of each chart."""
from __future__ import annotations

import io
import json
from html import unescape
import re
import zipfile

import pytest
from urllib.parse import parse_qs, urlsplit

from registry import connect, session_scope
from registry.models import AuditEntry
from tests import console_csv
from tests.console_data import EXPECTED_FAILED, build
from warehouse.console import create_app
from warehouse.console.auth import PERMISSIONS

STYPE = "anagrafe.certificati"
# every route a person or a client can call, with the permission it needs
API = {
    "/api/v1/meta": "dashboards",
    "/api/v1/codelists?codelist=SERVICE_TYPE": "dashboards",  # labels of codes, no figure: what a 400 links to
    "/api/v1/indicators?by=region": "dashboards",
    f"/api/v1/compare?service_type={STYPE}": "dashboards",
    "/api/v1/export/csv?freq=M": "exports",  # freq=A is a 400 while every answer is of the running year
}
PAGES = {
    "/": "dashboards", "/service-types/": "dashboards", f"/service-types/{STYPE}": "dashboards",
    "/entities/": "dashboards", "/entities/c_h501": "dashboards", "/regions": "dashboards", "/quality": "dashboards",
    "/csv/overview/trend": "dashboards", f"/csv/service-type/{STYPE}/funnel": "dashboards",
    "/csv/entity/c_h501/trend-anagrafe.certificati": "dashboards", "/csv/regions/regions": "dashboards",
    "/csv/quality/failed": "dashboards",
    "/channels?entity=c_h501": "dashboards", "/channels": "dashboards", "/channels.csv?entity=c_h501": "dashboards",
    "/quality/response-rates.csv": "dashboards", "/coverage.csv?table=silent": "dashboards",
    "/entities/c_h501/faccia.csv": "workspace",
    "/exports": "exports", "/exports/download?format=csv&freq=M": "exports", "/exports/datapackage.zip": "exports",
    "/admin/entities": "admin", "/admin/services": "admin", "/admin/tokens": "admin", "/admin/audit": "admin",
}
ROLES = ("monitoring", "statistician", "admin")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return build(tmp_path_factory.mktemp("console"))


@pytest.fixture(scope="module")
def app(seeded):  # these tests fail sign-ins on purpose, from one client: the throttle is tested apart
    return create_app(seeded[0].with_(console_signin_limit="10000/minute"))


@pytest.fixture(scope="module")
def tokens(seeded):
    return seeded[1]


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_the_matrix_is_monitoring_within_statistician_within_admin():
    assert PERMISSIONS["admin"] <= PERMISSIONS["exports"] <= PERMISSIONS["dashboards"]
    assert PERMISSIONS["dashboards"] == {"monitoring", "statistician", "admin"}
    assert PERMISSIONS["exports"] == {"statistician", "admin"}


def test_every_route_is_covered_by_these_tests(app):
    rules = {r.rule for r in app.url_map.iter_rules()} - {"/static/<path:filename>", "/healthz", "/login", "/logout",
                                                          "/lang/<code>", "/vendor/plotly-<version>.min.js"}
    covered = {"/api/v1/meta", "/api/v1/codelists", "/api/v1/indicators", "/api/v1/compare", "/api/v1/export/<fmt>", "/", "/service-types/",
               "/service-types/<code>", "/entities/", "/entities/<ipa>", "/regions", "/quality", "/csv/<page>/<chart>",
               "/csv/<page>/<key>/<chart>", "/exports", "/exports/download", "/exports/datapackage.zip",
               "/admin/", "/admin/entities", "/admin/services", "/admin/services/<key>/active",
               "/admin/services/<key>/test-mode",
               "/admin/services/<key>/questionnaire", "/admin/services/<key>/origins", "/admin/tokens", "/admin/tokens/<prefix>/revoke", "/admin/audit"}
    covered |= {"/api/v1/improve/drivers", "/api/v1/improve/trend", "/api/v1/improve/plans",  # tests/test_improve_api.py
                "/api/v1/improve/plans/<int:plan_id>", "/api/v1/improve/plans/<int:plan_id>/evaluation"}
    covered |= {"/workspace/", "/workspace/<ipa>", "/api/v1/workspace/<ipa>", "/workspace/<ipa>/comments",  # test_workspace.py
                "/api/v1/workspace/<ipa>/comments", "/workspace/<ipa>/comments.csv", "/workspace/<ipa>/csv/<chart>", "/workspace/<ipa>/services.csv",
                "/workspace/<ipa>/tokens", "/workspace/<ipa>/services/<key>/check",
                "/api/v1/workspace/<ipa>/services/<key>/check",
                "/admin/onboarding", "/admin/onboarding/<int:request_id>/approve",  # test_onboarding.py
                "/admin/onboarding/<int:request_id>/reject", "/coverage", "/api/v1/coverage", "/coverage.csv",
                "/workspace/<ipa>/tokens/<prefix>/revoke"}
    covered |= {"/improve/", "/improve/drivers", "/improve/drivers.csv", "/workspace/<ipa>/services/<key>/drivers",  # test_improve_pages.py
                "/workspace/<ipa>/services/<key>/drivers.csv", "/workspace/<ipa>/plans", "/workspace/<ipa>/plans.<fmt>",
                "/workspace/<ipa>/plans/<int:plan_id>", "/workspace/<ipa>/plans/<int:plan_id>/evaluation",
                "/workspace/<ipa>/plans/<int:plan_id>/evaluation.csv",
                "/workspace/<ipa>/plans/<int:plan_id>/evaluation.json"}
    covered |= {"/operator", "/operator/entries"}  # tests/test_operator.py
    covered |= {"/attention"}  # tests/test_console_attention.py
    covered |= {"/admin/<any(entity, service):kind>/<key>/names"}  # tests/test_names.py
    covered |= {"/quality/response-rates", "/quality/response-rates.csv"}  # test_funnel_browser.py, PAGES
    covered |= {"/entities/<ipa>/faccia", "/entities/<ipa>/faccia.csv", "/channels", "/channels.csv"}  # PAGES; tests/test_faccia_report.py
    public = {"/join"}  # the onboarding request form: no sign-in (test_onboarding.py)
    public |= {"/readyz"}  # the readiness probe: no sign-in, statuses only (test_console_ready.py)
    public |= {"/metrics"}  # Prometheus: the registry breaker only, no sign-in (test_registry_breaker_metrics.py)
    assert rules == covered | public
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.rule in covered:
            assert getattr(view, "permission", None) in PERMISSIONS, rule.rule


@pytest.mark.parametrize("url", API)
def test_api_without_or_with_a_bad_token_is_401_json(app, url):
    c = app.test_client()
    for headers in ({}, bearer("asc_00000000_" + "x" * 43), {"Authorization": "Basic Zm9vOmJhcg=="}, bearer("nope")):
        r = c.get(url, headers=headers)
        assert r.status_code == 401, (url, headers)
        body = r.get_json()
        assert set(body) == {"error", "message", "fields"} and body["error"] == "unauthorized"
        assert body["fields"] == {"Authorization": [body["message"]]}  # every 4xx names its field
        assert r.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("url", API)
def test_api_checks_the_role(app, tokens, url):
    c = app.test_client()
    for role in ROLES:
        r = c.get(url, headers=bearer(tokens[role]))
        if role in PERMISSIONS[API[url]]:
            assert r.status_code == 200, (url, role, r.data[:300])
        else:
            assert r.status_code == 403, (url, role)
            body = r.get_json()
            assert set(body) == {"error", "message", "fields"} and body["error"] == "forbidden"
            assert body["fields"] == {"Authorization": [body["message"]]} and repr(role) in body["message"]


@pytest.mark.parametrize("url, status, error, field", [
    ("/api/v1/indicators?freq=X", 400, "invalid_parameter", "freq"),
    ("/api/v1/indicators?by=nope", 400, "invalid_parameter", "by"),
    ("/api/v1/meta?x=1", 200, None, None),
    ("/api/v1/compare", 422, "not_comparable", "service_type"),
    ("/api/v1/compare?service_type=anagrafe.certificati,tributi.pagamento", 422, "not_comparable", "service_type"),
    ("/api/v1/compare?service_type=anagrafe.certificato", 400, "invalid_parameter", "service_type"),  # a typo
    ("/api/v1/indicators?region=ITZ9", 400, "invalid_parameter", "region"),
    ("/api/v1/indicators?channel=fax", 400, "invalid_parameter", "channel"),
    ("/api/v1/indicators?pa_type=L6,XX", 400, "invalid_parameter", "pa_type"),
    ("/api/v1/indicators?instrument=cx_core", 400, "invalid_parameter", "instrument"),  # a typo of cx-core
    ("/api/v1/compare?service_type=anagrafe.certificati&scale=likert7", 400, "invalid_parameter", "scale"),
    ("/api/v1/export/xlsx", 400, "invalid_parameter", "format"),
    ("/api/v1/nothing", 404, "not_found", None),
])
def test_api_error_shape(app, tokens, url, status, error, field):
    r = app.test_client().get(url, headers=bearer(tokens["statistician"]))
    assert r.status_code == status, r.data[:300]
    if error:
        body = r.get_json()
        extra = {"reason"} if status == 422 else set()  # a 422 names the comparability reason
        assert set(body) == {"error", "message", "fields"} | extra and body["error"] == error and body["message"]
        if field:
            assert field in body["fields"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_refuse_with_html_and_check_the_role(app, tokens, url):
    c = app.test_client()
    r = c.get(url)
    # no session: to the sign-in form, and back to the page after it (issue 19 point 5)
    loc = urlsplit(r.headers["Location"])
    assert r.status_code == 303 and loc.path == "/login" and parse_qs(loc.query)["next"] == [url]
    assert c.post(url).status_code in (400, 401, 405)  # never a redirect for a form post (CSRF first)
    for role in ROLES:
        r = c.get(url, headers=bearer(tokens[role]))
        if role in PERMISSIONS[PAGES[url]]:
            assert r.status_code in (200, 303), (url, role, r.data[:500])
        else:
            assert r.status_code == 403 and r.mimetype == "text/html", (url, role)
            assert "Accesso negato" in r.get_data(as_text=True)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def signed_in(app, secret: str):
    c = app.test_client()
    page = c.get("/login").get_data(as_text=True)
    r = c.post("/login", data={"token": secret, "csrf_token": _csrf(page)})
    assert r.status_code == 303, r.data[:300]
    return c


def test_sign_in_session_cookie_and_sign_out(app, tokens):
    c = app.test_client()
    page = c.get("/login").get_data(as_text=True)
    assert c.post("/login", data={"token": tokens["monitoring"]}).status_code == 400  # no CSRF token
    r = c.post("/login", data={"token": "asc_bad", "csrf_token": _csrf(page)})
    assert r.status_code == 401 and "Token non valido" in r.get_data(as_text=True)
    r = c.post("/login?next=/regions", data={"token": tokens["monitoring"], "csrf_token": _csrf(page)})
    assert r.status_code == 303 and r.headers["Location"].endswith("/regions")
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie  # Secure by default
    assert tokens["monitoring"] not in cookie
    assert c.get("/").status_code == 200
    assert c.get("/api/v1/meta").status_code == 200  # the API accepts the session too
    assert c.get("/admin/tokens").status_code == 403
    html = c.get("/").get_data(as_text=True)
    assert c.post("/logout").status_code == 400  # CSRF
    assert c.post("/logout", data={"csrf_token": _csrf(html)}).status_code == 303
    assert c.get("/").status_code == 303 and c.get("/").headers["Location"].startswith("/login?next=")


def test_open_redirects_are_refused(app, tokens):
    c = app.test_client()
    page = c.get("/login").get_data(as_text=True)
    r = c.post("/login?next=//evil.example/", data={"token": tokens["monitoring"], "csrf_token": _csrf(page)})
    assert r.headers["Location"] == "/"
    assert c.get("/lang/en?next=https://evil.example/").headers["Location"] == "/"


def test_secure_cookie_is_configurable(seeded):
    secret = "3f9c1e7a5b2d8046c1e9f7a3b5d2e8c4"
    app = create_app(seeded[0].with_(console_secure_cookie=False, console_secret=secret))
    c = app.test_client()
    page = c.get("/login")
    assert "Secure" not in page.headers["Set-Cookie"]
    assert app.config["SECRET_KEY"] == secret


def test_a_revoked_token_ends_its_sessions_at_once(app, seeded):
    from tests.console_auth import token

    secret = token(seeded[0], "admin", "to revoke")
    c = signed_in(app, secret)
    assert c.get("/admin/tokens").status_code == 200
    html = c.get("/admin/tokens").get_data(as_text=True)
    prefix = secret.split("_")[1]
    r = c.post(f"/admin/tokens/{prefix}/revoke", data={"csrf_token": _csrf(html)})
    assert r.status_code == 303
    assert c.get("/").status_code == 303  # to the sign-in form
    assert app.test_client().get("/api/v1/meta", headers=bearer(secret)).status_code == 401


def test_language_switch(app, tokens):
    c = signed_in(app, tokens["monitoring"])
    assert "Panoramica nazionale" in c.get("/").get_data(as_text=True)
    c.get("/lang/en?next=/")
    html = c.get("/").get_data(as_text=True)
    assert 'lang="en"' in html and "National overview" in html and "Headline indicators" in html
    c.get("/lang/it")
    assert 'lang="it"' in c.get("/").get_data(as_text=True)


def test_admin_changes_go_through_the_registry_and_are_audited(app, tokens, seeded):
    c = signed_in(app, tokens["admin"])
    html = c.get("/admin/entities").get_data(as_text=True)
    assert c.post("/admin/entities", data={"ipa_code": "c_a944", "name": "Comune di Bologna", "category": "L6",
                                           "comune_istat": "037006"}).status_code == 400  # no CSRF
    r = c.post("/admin/entities", data={"ipa_code": "c_a944", "name": "Comune di Bologna", "category": "L6",
                                        "comune_istat": "037006", "csrf_token": _csrf(html)}, follow_redirects=True)
    assert "Modifica registrata." in r.get_data(as_text=True) and "Comune di Bologna" in r.get_data(as_text=True)
    r = c.post("/admin/entities", data={"ipa_code": "c_a944", "name": "X", "category": "L6", "comune_istat": "037006",
                                        "csrf_token": _csrf(html)}, follow_redirects=True)
    assert "esiste già" in r.get_data(as_text=True)  # the Italian page says it in Italian
    r = c.post("/admin/services", data={"entity_ipa": "c_a944", "name": "Certificati", "service_type": STYPE,
                                        "key": "svc-bologna-anagrafe", "channel": "web",
                                        "allowed_origins": "https://www.comune.bologna.it", "csrf_token": _csrf(html)},
               follow_redirects=True)
    assert "svc-bologna-anagrafe" in r.get_data(as_text=True)
    c.post("/admin/services/svc-bologna-anagrafe/active", data={"active": "0", "csrf_token": _csrf(html)})
    r = c.post("/admin/services/svc-bologna-anagrafe/test-mode", data={"test_mode": "1", "csrf_token": _csrf(html)},
               follow_redirects=True)  # issue 19 point 3: the service's answers become check-ups
    row = r.get_data(as_text=True).split('data-service="svc-bologna-anagrafe"', 1)[1].split("</tr>", 1)[0]
    assert '<td data-col="test_mode">sì' in row
    r = c.post("/admin/services/svc-bologna-anagrafe/questionnaire",
               data={"questionnaire_id": "no-such-q", "version": "", "csrf_token": _csrf(html)}, follow_redirects=True)
    assert 'role="alert"' in r.get_data(as_text=True)
    r = c.post("/admin/tokens", data={"role": "monitoring", "label": "ufficio monitoraggio", "csrf_token": _csrf(html)})
    body = r.get_data(as_text=True)
    secret = re.search(r'id="new-secret">(asc_[^<]+)<', body).group(1)
    assert app.test_client().get("/api/v1/meta", headers=bearer(secret)).status_code == 200
    assert secret not in c.get("/admin/tokens").get_data(as_text=True)  # shown once
    audit = c.get("/admin/audit").get_data(as_text=True)
    for needle in ("c_a944", "svc-bologna-anagrafe", "deactivate", "test-mode-on", "console:"):
        assert needle in audit
    with session_scope(connect(seeded[0].database_url, create=False)) as s:
        actors = {a.actor for a in s.query(AuditEntry).filter(AuditEntry.object_key == "svc-bologna-anagrafe")}
    assert all(a.startswith("console:") and a.endswith("test admin") for a in actors) and actors


def test_admin_services_page_edits_origins_and_offers_only_assignable_questionnaires(app, tokens, seeded):
    """Issue 19 (the web manager's first hour): origins shown and edited, questionnaires chosen from the
    service type's list (never typed), the snippet to paste shown with the key filled in."""
    c = signed_in(app, tokens["admin"])
    html = c.get("/admin/services").get_data(as_text=True)
    row = html.split('data-service="demo-roma-anagrafe"', 1)[1].split("</tr>", 1)[0]
    choices = re.findall(r'<option value="([^"]+)"', row)
    assert choices and all("@" in v for v in choices) and "cx-core@1" in choices
    assert not any(v.startswith("mod-previdenza@") for v in choices)  # the pensions module: not for anagrafe
    assert 'name="questionnaire_id"' not in row  # no free-text box
    assert 'data-snippet="demo-roma-anagrafe"' in row and "data-service=&#34;demo-roma-anagrafe&#34;" in row
    csrf = _csrf(html)
    r = c.post("/admin/services/demo-roma-anagrafe/origins", follow_redirects=True, data={
        "allowed_origins": "https://www.comune.roma.it\nhttps://servizi.comune.roma.it:8443/", "csrf_token": csrf})
    assert "Modifica registrata." in r.get_data(as_text=True)
    with session_scope(connect(seeded[0].database_url, create=False)) as s:
        from registry.models import Service
        assert s.get(Service, "demo-roma-anagrafe").allowed_origins == [
            "https://www.comune.roma.it", "https://servizi.comune.roma.it:8443"]
    r = c.post("/admin/services/demo-roma-anagrafe/origins", follow_redirects=True,
               data={"allowed_origins": "javascript:alert(1)", "csrf_token": csrf})
    assert 'role="alert"' in r.get_data(as_text=True) and "allowed_origins" in r.get_data(as_text=True)
    r = c.post("/admin/services/demo-roma-anagrafe/questionnaire", follow_redirects=True,
               data={"questionnaire": "di-rating-servizio@1", "csrf_token": csrf})
    assert "Modifica registrata." in r.get_data(as_text=True)
    with session_scope(connect(seeded[0].database_url, create=False)) as s:
        svc = s.get(Service, "demo-roma-anagrafe")
        assert (svc.questionnaire_id, svc.questionnaire_version) == ("di-rating-servizio", 1)
        assert s.query(AuditEntry).filter(AuditEntry.object_key == "demo-roma-anagrafe",
                                          AuditEntry.action == "assign").count() >= 1


def _cells(html: str, table: str) -> list[dict[str, str]]:
    body = html.split(f'data-table="{table}"', 1)[1].split("</table>", 1)[0]
    out = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S):
        out.append({k: re.sub(r"<[^>]+>", "", v).strip() for k, v in re.findall(r'data-col="(\w+)">(.*?)</td>', row, re.S)})
    return out


def test_overview_numbers_match_the_api(app, tokens):
    c = app.test_client()
    h = bearer(tokens["monitoring"])
    html = c.get("/", headers=h).get_data(as_text=True)
    api = c.get("/api/v1/indicators?by=&indicator=satisfaction&from=2026-08&to=2026-10", headers=h).get_json()["rows"]
    trend = _cells(html, "trend")
    assert [int(r["n"]) for r in trend] == [r["n"] for r in api]
    # the page shows one decimal of the same published positive share (the API rounds to two first)
    assert all(abs(float(t["share"].split()[0].replace(",", ".")) - a["positive_share"]) <= 0.051  # Italian: 53,9
               for t, a in zip(trend, api, strict=True))
    # the period is stated: the latest complete month with data, by default
    assert 'data-period="2026-10"' in html
    months = [int(r["responses"]) for r in _cells(html, "volumes")]
    # the total is the period's own published cell: the same cell as the month's bar (the same records and noise)
    shown = int(html.split('data-kpi="responses">')[1].split("<")[0].replace(".", ""))  # Italian: 1.154
    assert shown == months[-1]


def test_suppressed_cells_are_shown_as_such_never_as_zero(app, tokens):
    c = app.test_client()
    h = bearer(tokens["monitoring"])
    html = c.get(f"/service-types/{STYPE}", headers=h).get_data(as_text=True)
    api = c.get(f"/api/v1/compare?service_type={STYPE}", headers=h).get_json()
    shown = {r["entity"]: r for r in _cells(html, "funnel")}
    for u in api["units"]:
        if u["conf_status"] == "A":
            assert shown[u["entity"]]["value"].startswith("oscurato"), u
            assert shown[u["entity"]]["n"] == "oscurato" and u["n"] is None  # its N too, never a dash
        else:
            assert shown[u["entity"]]["value"].split()[0] == f"{u['value']:.1f}".replace(".", ",")  # Italian
            assert shown[u["entity"]]["rank"].split()[0].rstrip("=") == str(u["rank"])  # "1 (1–3)": with its interval
    # c_l219 has one response: suppressed, or published with a perturbed n of 3 (never its true 1)
    l219 = next(u for u in api["units"] if u["entity"] == "c_l219")
    assert l219["conf_status"] == "A" or l219["n"] == 3
    assert "CONF_STATUS=A" in html and "OBS_STATUS=U" in html


def test_each_chart_csv_is_exactly_its_table(app, tokens):
    c = app.test_client()
    h = bearer(tokens["monitoring"])
    for page, url, chart in [("overview", "/", "trend"), ("service-type", f"/service-types/{STYPE}", "funnel"),
                             ("quality", "/quality", "failed"), ("regions", "/regions", "regions")]:
        html = c.get(url, headers=h).get_data(as_text=True)
        table = _cells(html, chart)
        key = f"{STYPE}/" if page == "service-type" else ""
        rows = console_csv.rows(c.get(f"/csv/{page}/{key}{chart}", headers=h))
        assert len(rows) - 1 == len(table), chart
        if page == "quality":  # dead letters in words, with the stable code beside them
            assert {r[1]: int(r[2]) for r in rows[1:]} == EXPECTED_FAILED
            assert {r[0] for r in rows[1:]} == {"servizio sconosciuto", "risposte non valide"}


def test_quality_page(app, tokens):
    html = app.test_client().get("/quality", headers=bearer(tokens["monitoring"])).get_data(as_text=True)
    assert 'data-kpi="failed">5<' in html
    english = app.test_client().get("/quality?lang=en", headers=bearer(tokens["monitoring"])).get_data(as_text=True)
    assert "unknown service" in english and "invalid answers" in english  # dead-letter reasons in words
    assert re.search(r'data-kpi="fresh">2026-10-\d\d 1[12]:00 CES?T<', html)  # Europe/Rome (10:00 UTC)


def test_exports(app, tokens):
    c = app.test_client()
    h = bearer(tokens["statistician"])
    r = c.get("/exports/download?format=sdmx-csv&freq=Q&from=2026-Q3", headers=h)
    assert r.status_code == 303 and "/api/v1/export/sdmx-csv?" in r.headers["Location"]
    assert c.get(r.headers["Location"], headers=h).get_data(as_text=True).startswith("STRUCTURE,")
    z = zipfile.ZipFile(io.BytesIO(c.get("/exports/datapackage.zip", headers=h).data))
    assert "datapackage.json" in z.namelist()
    # the microdata of the months asked for (it always held every month)
    page = c.get("/exports", headers=h).get_data(as_text=True)
    assert 'id="dp-from" name="from"' in page and 'id="dp-to" name="to"' in page
    months = sorted({row.split(",")[1] for name in z.namelist() if name.startswith("responses-")
                     for row in z.read(name).decode().splitlines()[1:]})
    one = zipfile.ZipFile(io.BytesIO(c.get(f"/exports/datapackage.zip?from={months[-1]}&to={months[-1]}", headers=h).data))
    package = json.loads(one.read("datapackage.json"))
    assert (package["period"]["from"], package["period"]["to"]) == (months[-1], months[-1])
    # its words in the reader's language: Italian by default, English on an English page
    assert package["language"] == "it" and package["title"].startswith("Ascolto — risposte anonimizzate")
    english = zipfile.ZipFile(io.BytesIO(c.get(f"/exports/datapackage.zip?from={months[-1]}&lang=en", headers=h).data))
    assert json.loads(english.read("datapackage.json"))["language"] == "en"
    kept = {row.split(",")[1] for name in one.namelist() if name.startswith("responses-")
            for row in one.read(name).decode().splitlines()[1:]}
    assert kept == {months[-1]} and len(months) > 1
    bad = c.get("/exports/datapackage.zip?from=2020-01&to=2020-12", headers=h)
    # said in the page's language, Italian (tests/test_export_review.py): it kept the English in brackets
    assert bad.status_code == 400 and "nessuna risposta da 2020-01 a 2020-12" in bad.get_data(as_text=True)
    future = c.get("/exports/datapackage.zip?from=2030-01", headers=h)  # not begun: refused as such
    assert future.status_code == 400 and "il periodo 2030-01 non è ancora iniziato" in future.get_data(as_text=True)


def test_the_exports_page_names_the_quasi_identifiers_k_is_counted_over(app, tokens):
    """The page said k was counted over "period, region, entity, service, channel, language,
    questionnaire": entity and service are not released, hence not quasi-identifiers (the rule looks at
    them only to keep a few rows beside one unit's from release, and says so), and the PA type, service type and version — which are — were missing. It
    names the package's own :data:`warehouse.datapackage.QUASI_IDENTIFIERS`, in the page's language."""
    from warehouse.datapackage import QUASI_IDENTIFIER_WORDS, QUASI_IDENTIFIERS

    c = app.test_client()
    h = bearer(tokens["statistician"])
    assert list(QUASI_IDENTIFIER_WORDS) == QUASI_IDENTIFIERS
    for lang, i in (("it", 0), ("en", 1)):
        page = c.get(f"/exports?lang={lang}", headers=h).get_data(as_text=True)
        [said] = re.findall(r"k ≥ 5 \(([^)]*)\)", page)
        assert said.split(", ") == [QUASI_IDENTIFIER_WORDS[q][i] for q in QUASI_IDENTIFIERS], lang
        assert not {"ente", "servizio", "entity", "service"} & set(said.split(", ")), lang
        # looked at, never released: a few of another unit beside one entity's or service's rows (route 24)
        assert ("solo ente o servizio tranne poche" if lang == "it" else "one entity's or service's") in unescape(page)


def test_the_microdata_zip_is_named_after_its_months_and_reproducible(app, tokens):
    """Two downloads of the same months were different files (every entry stamped with the time of
    the download) under the same name whatever the months ("ascolto-datapackage.zip"): a statistician
    could neither tell two packages apart nor check that a second download is the same package."""
    import time

    c = app.test_client()
    h = bearer(tokens["statistician"])
    months = json.loads(zipfile.ZipFile(io.BytesIO(c.get("/exports/datapackage.zip", headers=h).data))
                        .read("datapackage.json"))["period"]
    url = f"/exports/datapackage.zip?from={months['from']}&to={months['to']}"
    first = c.get(url, headers=h)
    time.sleep(2.1)  # a zip entry's time has a resolution of two seconds
    second = c.get(url, headers=h)
    assert first.status_code == second.status_code == 200
    assert first.data == second.data
    assert first.headers["Content-Disposition"] == (
        f"attachment; filename=ascolto-microdata-{months['from']}_{months['to']}.zip")
    one = c.get(f"/exports/datapackage.zip?from={months['to']}&to={months['to']}", headers=h)
    assert one.headers["Content-Disposition"].endswith(f"ascolto-microdata-{months['to']}.zip")
    assert c.get("/exports/datapackage.zip", headers=h).headers["Content-Disposition"].endswith("ascolto-microdata.zip")


def test_plotly_is_served_locally_with_caching(app):
    from warehouse.console.charts import VERSION

    c = app.test_client()
    r = c.get(f"/vendor/plotly-{VERSION}.min.js")
    assert r.status_code == 200 and b"plotly" in r.data[:2000].lower()
    assert "max-age=31536000" in r.headers["Cache-Control"]
    assert c.get(f"/vendor/plotly-{VERSION}.min.js", headers={"If-None-Match": r.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize("version", ["9.9.9", "x"])
def test_only_the_vendored_plotly_version_is_served(app, version):
    """Any ``/vendor/plotly-<version>.min.js`` answered 200 with a year's cache: a page asking for another
    version got this one's bytes, cached for a year under that name. Another version is a 404 naming the
    one served, and carries no long cache."""
    from warehouse.console.charts import VERSION

    r = app.test_client().get(f"/vendor/plotly-{version}.min.js")
    assert r.status_code == 404 and "max-age=31536000" not in (r.headers.get("Cache-Control") or "")
    assert f"/vendor/plotly-{VERSION}.min.js" in r.get_data(as_text=True)


def test_every_page_names_an_icon_the_console_serves(app, tokens):
    # without one, every browser asks for /favicon.ico and logs the 404 as a page error
    c = app.test_client()
    for url in ("/login", "/"):
        body = c.get(url, headers=bearer(tokens["admin"])).get_data(as_text=True)
        [href] = re.findall(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', body)
        r = c.get(href)
        assert r.status_code == 200 and r.mimetype == "image/svg+xml" and b"<svg" in r.get_data()


def test_no_external_resources_and_a_strict_csp(app, tokens):
    c = app.test_client()
    for url in ("/", f"/service-types/{STYPE}", "/login"):
        r = c.get(url, headers=bearer(tokens["admin"]))
        assert "script-src 'self'" in r.headers["Content-Security-Policy"]
        assert not re.search(r'(src|href)="(https?:)?//', r.get_data(as_text=True)), url



def test_a_page_asked_without_a_session_redirects_to_sign_in_and_back(app, tokens):
    c = app.test_client()
    r = c.get("/regions?indicator=ease")
    loc = urlsplit(r.headers["Location"])
    assert r.status_code == 303 and parse_qs(loc.query)["next"] == ["/regions?indicator=ease"]
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    back = c.post(r.headers["Location"], data={"token": tokens["monitoring"], "csrf_token": _csrf(page)})
    assert back.status_code == 303 and back.headers["Location"] == "/regions?indicator=ease"


def test_the_exports_page_refuses_a_frequency_it_does_not_have_naming_it(app, tokens):
    """``/exports?freq=X`` showed the monthly page as if nothing were wrong (the export review's note):
    it is a 400 naming ``freq``, as on every other page; no ``freq`` at all is still monthly."""
    c = app.test_client()
    h = bearer(tokens["statistician"])
    r = c.get("/exports?freq=X", headers=h)
    assert r.status_code == 400 and "freq" in r.get_data(as_text=True)
    assert c.get("/exports", headers=h).status_code == 200
    assert c.get("/exports?freq=Q", headers=h).status_code == 200
