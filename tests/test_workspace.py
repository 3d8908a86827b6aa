"""The entity workspace (issue 15.1): an entity token sees its own services, figures and comments
only (403 on another entity's, for every route), national roles see all; comments are filtered,
searched and exported as safe CSV; figures come from the protected cube."""
from __future__ import annotations

import html as markup
import re

import pytest

from tests import console_csv
from tests.workspace_data import MILANO, ROMA, build_workspace
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

# every scoped route of the workspace, with {ipa}
SCOPED = ["/workspace/{ipa}", "/api/v1/workspace/{ipa}", "/workspace/{ipa}/comments",
          "/api/v1/workspace/{ipa}/comments", "/workspace/{ipa}/comments.csv",
          "/workspace/{ipa}/csv/trend-anagrafe.certificati", "/workspace/{ipa}/tokens",
          "/workspace/{ipa}/services/{key}/check", "/api/v1/workspace/{ipa}/services/{key}/check",
          "/entities/{ipa}/faccia", "/entities/{ipa}/faccia.csv", "/workspace/{ipa}/services.csv"]
KEYS = {ROMA: "demo-roma-anagrafe", MILANO: "demo-milano-anagrafe"}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return build_workspace(tmp_path_factory.mktemp("workspace"))


@pytest.fixture(scope="module")
def client(seeded):
    return create_app(seeded[0]).test_client()


def get(client, token, url, **kw):
    return client.get(url, headers={"Authorization": f"Bearer {token}"}, **kw)


@pytest.mark.parametrize("route", SCOPED)
def test_an_entity_token_sees_its_own_entity_and_gets_403_on_another(client, seeded, route):
    tokens = seeded[1]
    assert get(client, tokens["entity"], route.format(ipa=ROMA, key=KEYS[ROMA])).status_code == 200
    other = get(client, tokens["entity"], route.format(ipa=MILANO, key=KEYS[MILANO]))
    assert other.status_code == 403
    if route.startswith("/api/"):
        assert other.json["fields"] == {"ipa": ["This token sees entity 'c_h501' only."]}
    # Milano's (non-manager) token: its own workspace yes, Roma's no
    assert get(client, tokens["entity_milano"], route.format(ipa=ROMA, key=KEYS[ROMA])).status_code == 403
    assert client.get(route.format(ipa=ROMA, key=KEYS[ROMA])).status_code in (302, 303, 401)


@pytest.mark.parametrize("role", ["monitoring", "statistician", "admin"])
@pytest.mark.parametrize("route", [r for r in SCOPED if "tokens" not in r])
def test_national_roles_see_every_workspace(client, seeded, role, route):
    for ipa in (ROMA, MILANO):
        assert get(client, seeded[1][role], route.format(ipa=ipa, key=KEYS[ipa])).status_code == 200


def test_the_readmes_role_table_says_national_roles_read_every_workspaces_comments(client, seeded):
    """The README gave ``monitoring`` "the dashboards and the JSON API (meta, codelists, indicators,
    compare)", while national roles read every entity's workspace, citizens' (redacted) comments
    included — on purpose (``auth.PERMISSIONS["workspace"]``). Its row says so, beside the route it opens."""
    import re
    from pathlib import Path

    from warehouse.console.auth import PERMISSIONS

    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    row = re.search(r"^\| `monitoring` \|(.*)\|$", readme, re.M).group(1)
    assert "monitoring" in PERMISSIONS["workspace"]
    assert get(client, seeded[1]["monitoring"], f"/api/v1/workspace/{ROMA}/comments").status_code == 200
    assert "every entity's workspace" in row and "comments" in row and "/api/v1/workspace/<ipa>/comments" in row


def test_an_unknown_entity_is_a_404_naming_it(client, seeded):
    api = get(client, seeded[1]["admin"], "/api/v1/workspace/c_z999")
    assert api.status_code == 404
    assert api.json["fields"] == {"ipa": ["No entity with IPA code 'c_z999' in the registry."]}
    page = get(client, seeded[1]["admin"], "/workspace/c_z999")
    assert page.status_code == 404 and "c_z999" in page.get_data(as_text=True)


def test_entity_tokens_are_issued_by_an_admin_or_the_entitys_manager_only(client, seeded):
    tokens = seeded[1]
    assert get(client, tokens["entity_milano"], f"/workspace/{MILANO}/tokens").status_code == 403  # not a manager
    assert get(client, tokens["monitoring"], f"/workspace/{ROMA}/tokens").status_code == 403
    assert get(client, tokens["admin"], f"/workspace/{ROMA}/tokens").status_code == 200


def test_national_pages_and_api_are_closed_to_an_entity_token(client, seeded):
    for url in ("/api/v1/indicators", "/api/v1/compare?service_type=anagrafe.certificati", "/entities/",
                f"/entities/{MILANO}", "/coverage", "/api/v1/coverage", "/admin/onboarding", "/api/v1/export/csv"):
        assert get(client, seeded[1]["entity"], url).status_code == 403, url


def test_the_console_home_leads_an_entity_token_to_its_own_workspace(client, seeded):
    """An entity's staff opening the console's address (``/``, the national overview) got a 403 page; after
    signing in they land in their workspace, and so they do now from ``/`` — never on national figures."""
    home = get(client, seeded[1]["entity"], "/")
    assert home.status_code == 303 and home.headers["Location"] == "/workspace/"
    own = get(client, seeded[1]["entity"], "/workspace/")
    assert own.status_code == 302 and own.headers["Location"].endswith(f"/workspace/{ROMA}")
    assert get(client, seeded[1]["entity_milano"], "/", follow_redirects=True).request.path == f"/workspace/{MILANO}"
    assert get(client, seeded[1]["monitoring"], "/").status_code == 200  # the national overview, as before


def test_comments_are_the_entitys_own_filtered_and_searched(client, seeded):
    tok = seeded[1]["entity"]

    def texts(query=""):
        return [c["comment"] for c in get(client, tok, f"/api/v1/workspace/{ROMA}/comments?{query}").json["comments"]]

    body = get(client, tok, f"/api/v1/workspace/{ROMA}/comments").json
    assert "Segreto di Milano: modulo lento" not in texts()
    # comments of published cells only; no count, no rating (docs/confidentiality.md, "Comments")
    assert texts() == ['=HYPERLINK("http://evil.example")', "Servizio ottimo e veloce"]
    assert "total" not in body and all("rating" not in c for c in body["comments"])
    # the app cell of 2026-10 has one answer: suppressed in the cube, so its comment is withheld
    assert body["withheld"] == [{"service": "demo-roma-anagrafe", "channel": "app", "period": "2026-10"}]
    assert texts("channel=app") == [] and "Pagina lenta, ho dovuto riprovare" not in texts("q=LENTA")
    assert texts("q=OTTIMO") == ["Servizio ottimo e veloce"]
    assert texts("period=2026-09") == ["Servizio ottimo e veloce"]
    assert texts("period=2026-Q4") == ['=HYPERLINK("http://evil.example")']
    page = get(client, tok, f"/workspace/{ROMA}/comments?channel=app").get_data(as_text=True)
    assert "Troppo poche risposte per mostrare i commenti" in page and "Pagina lenta" not in page
    # another entity's service as a filter is refused by name, not answered
    bad = get(client, tok, f"/api/v1/workspace/{ROMA}/comments?service=demo-milano-anagrafe")
    assert bad.status_code == 400 and "service" in bad.json["fields"]
    for arg in ("rating=5", "rating=9", "period=2026-13", "channel=fax", "q=" + "x" * 101):
        r = get(client, tok, f"/api/v1/workspace/{ROMA}/comments?{arg}")
        assert r.status_code == 400 and r.json["fields"], arg


def test_the_comments_csv_neutralizes_formulas_and_keeps_the_filters(client, seeded):
    r = get(client, seeded[1]["entity"], f"/workspace/{ROMA}/comments.csv?period=2026-10")
    rows = console_csv.rows(r)
    assert rows[0] == ["period", "service", "channel", "comment"]
    assert [x[-1] for x in rows[1:]] == ["'=HYPERLINK(\"http://evil.example\")"]


def test_a_comment_is_dated_by_its_month_only(client, seeded):
    """A comment shown with the minute it arrived ("2026-10-14 09:32") let the entity's staff match it
    to their own records of a quiet counter or phone line, and so to the citizen who wrote it. Comments
    carry their month only — the cell the cube publishes — in every form of the list."""
    tok = seeded[1]["entity"]
    comments = get(client, tok, f"/api/v1/workspace/{ROMA}/comments").json["comments"]
    assert comments and all(set(c) == {"period", "service", "channel", "comment"} for c in comments)
    assert all(re.fullmatch(r"\d{4}-\d{2}", c["period"]) for c in comments)
    page = get(client, tok, f"/workspace/{ROMA}/comments").get_data(as_text=True)
    csv_text = get(client, tok, f"/workspace/{ROMA}/comments.csv").get_data(as_text=True)
    for text in (page, csv_text):
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text.split("<thead>")[-1]), "a day or a time of a comment"


def test_the_workspace_figures_are_the_protected_cube(client, seeded):
    """The service's cell and the benchmark position equal the console API's published cells."""
    admin = seeded[1]["admin"]
    ws = get(client, seeded[1]["entity"], f"/api/v1/workspace/{ROMA}").json
    svc = next(s for s in ws["services"] if s["key"] == KEYS[ROMA])
    # the workspace states its period (the latest complete month) and shows that month's published cell
    api = get(client, admin, f"/api/v1/indicators?by=service&period=2026-10&service={KEYS[ROMA]}").json["rows"]
    assert len(api) == 1 and svc["cell"]["n"] == api[0]["n"]
    assert svc["cell"]["share"] == pytest.approx(api[0]["positive_share"], abs=0.06)
    cmp = get(client, admin, "/api/v1/compare?service_type=anagrafe.certificati").json
    own = next(u for u in cmp["units"] if u["entity"] == ROMA)
    pos = ws["position"][0]
    assert pos["benchmark"]["value"] == cmp["benchmark"]["value"] and pos["n"] == own["n"] and pos["flag"] == own["flag"]
    # the suppressed unit (one response) never shows a value in a reason table or position
    assert all(r["share"] is None for rows in ws["reasons"].values() for r in rows if r["conf_status"] == "A")
    assert "comments" not in str(ws["reasons"])


def test_the_funnel_names_only_the_entity_and_each_service_has_its_trend(client, seeded):
    ws = get(client, seeded[1]["entity"], f"/api/v1/workspace/{ROMA}").json
    charts = {c["id"]: c for c in ws["charts"]}
    funnel = charts["funnel-anagrafe.certificati"]
    assert [r["n"] for r in funnel["rows"]] == [ws["position"][0]["n"]]
    html = get(client, seeded[1]["entity"], f"/workspace/{ROMA}").get_data(as_text=True)
    assert MILANO not in html and "svc-bologna" not in html and "c_a944" not in html
    trend = charts[f"service-{KEYS[ROMA]}"]["rows"]
    api = get(client, seeded[1]["admin"],
              f"/api/v1/indicators?by=service&service={KEYS[ROMA]}&from=2026-08&to=2026-10").json["rows"]
    assert [(r["period"], r["n"]) for r in trend] == [(r["period"], r["n"]) for r in api]


def test_the_cli_issues_an_entity_token_scoped_to_one_entity(seeded):
    from click.testing import CliRunner

    from ascolto.cli import main

    env = {"ASCOLTO_DATABASE_URL": seeded[0].database_url, "ASCOLTO_DATA_DIR": str(seeded[0].data_dir)}
    bad = CliRunner().invoke(main, ["registry", "token", "create", "--role", "entity", "--label", "x"], env=env)
    assert bad.exit_code != 0 and "entity" in bad.output
    ok = CliRunner().invoke(main, ["registry", "token", "create", "--role", "entity", "--label", "x",
                                   "--entity", MILANO], env=env)
    assert ok.exit_code == 0, ok.output
    secret = ok.output.split()[0]
    c = create_app(seeded[0]).test_client()
    assert get(c, secret, f"/api/v1/workspace/{MILANO}").status_code == 200
    assert get(c, secret, f"/api/v1/workspace/{ROMA}").status_code == 403


def test_no_benchmark_when_fewer_than_three_entities_contribute(client, seeded):
    """previdenza.domanda-prestazione has two entities (INPS, INAIL): INPS's "national benchmark"
    would be INAIL's figure."""
    ws = get(client, seeded[1]["admin"], "/api/v1/workspace/inps").json
    pos = next(p for p in ws["position"] if p["service_type"] == "previdenza.domanda-prestazione")
    assert pos["benchmark"] is None and pos["benchmark_reason"] == "too_few_units" and pos["flag"] is None
    assert pos["value"] is not None  # the entity's own figure is still shown
    assert not any(c["id"] == "funnel-previdenza.domanda-prestazione" and c["rows"][0]["benchmark"] is not None
                   for c in ws["charts"])
    html = get(client, seeded[1]["admin"], "/workspace/inps").get_data(as_text=True)
    assert 'data-reason="too_few_units"' in html and "meno di 3 enti" in html


def test_the_position_uses_the_chosen_period_and_the_page_states_it(client, seeded):
    admin, entity = seeded[1]["admin"], seeded[1]["entity"]
    ws = get(client, entity, f"/api/v1/workspace/{ROMA}?freq=Q&period=2026-Q3").json
    pos = ws["position"][0]
    cmp = get(client, admin, "/api/v1/compare?service_type=anagrafe.certificati&freq=Q&period=2026-Q3").json
    own = next(u for u in cmp["units"] if u["entity"] == ROMA)
    assert (pos["period"], pos["n"], pos["benchmark"]["value"]) == ("2026-Q3", own["n"], cmp["benchmark"]["value"])
    assert ws["per"]["period"] == "2026-Q3"
    html = get(client, entity, f"/workspace/{ROMA}?freq=Q&period=2026-Q3").get_data(as_text=True)
    assert 'class="period-stated" data-period="2026-Q3"' in html


def _with_roma_tari(tmp_path_factory, name: str, n: int, **answers):
    """A console client and the tokens over the workspace data plus a Roma service on the Designers Italia
    service rating (``svc-roma-tari``: its stars do not ask satisfaction; one reason each), with ``n``
    responses of 2026-10 answering ``answers``."""
    from registry import connect, ops, session_scope
    from tests.warehouse_rows import response, write

    root = tmp_path_factory.mktemp(name)
    settings, tokens = build_workspace(root)
    with session_scope(connect(settings.database_url)) as s:
        ops.add_service(s, actor="test", key="svc-roma-tari", entity_ipa=ROMA, name="Pagamento TARI",
                        service_type="tributi.pagamento", questionnaire_id="di-rating-servizio")
    write(root, [response(period="2026-10", entity=ROMA, service="svc-roma-tari", service_type="tributi.pagamento",
                          questionnaire="di-rating-servizio", **answers) for _ in range(n)])
    return create_app(settings).test_client(), tokens


@pytest.fixture(scope="module")
def rating_only(tmp_path_factory):
    """The workspace data plus a Roma service whose questionnaire (Designers Italia stars) does not
    ask satisfaction."""
    return _with_roma_tari(tmp_path_factory, "workspace-rating", 12, ease=4)


def test_an_indicator_the_questionnaire_does_not_ask_is_not_collected_not_suppressed(rating_only):
    client, tokens = rating_only
    ws = get(client, tokens["entity"], f"/api/v1/workspace/{ROMA}?indicator=satisfaction").json
    pos = next(p for p in ws["position"] if p["service_type"] == "tributi.pagamento")
    assert pos["collected"] is False and pos["conf_status"] is None and pos["benchmark_reason"] == "not_collected"
    html = get(client, tokens["entity"], f"/workspace/{ROMA}?indicator=satisfaction").get_data(as_text=True)
    row = html[html.index('<tr data-type="tributi.pagamento"'):].split("</tr>")[0]
    assert "non rilevato" in row and "oscurato" not in row


def test_the_workspace_charts_plot_and_name_the_positive_share(client, seeded):
    """The funnel's y axis said "mean" (English, and not what it plots); the per-service trend plotted
    the mean while its table leads with the positive share."""
    import json
    import re

    html = get(client, seeded[1]["entity"], f"/workspace/{ROMA}").get_data(as_text=True)
    plots = {m.group(1): json.loads(m.group(2)) for m in
             re.finditer(r'<script type="application/json" id="plot-([^"]+)">(.*?)</script>', html, re.S)}
    funnel = plots["funnel-anagrafe.certificati"]
    assert funnel["layout"]["yaxis"]["title"]["text"] == "Quota positiva %"
    ws = get(client, seeded[1]["entity"], f"/api/v1/workspace/{ROMA}").json
    pos = ws["position"][0]
    assert funnel["data"][-1]["y"] == [pos["value"]]  # the point is the compared positive share
    trend = plots[f"service-{KEYS[ROMA]}"]
    rows = next(c["rows"] for c in ws["charts"] if c["id"] == f"service-{KEYS[ROMA]}")
    line = next(t for t in trend["data"] if t["mode"] == "lines+markers")
    assert line["y"] == [r["top2"] for r in rows if r["top2"] is not None]
    assert trend["layout"]["yaxis"]["title"]["text"] == "Quota positiva %"
    # with its 95% interval drawn as a band under it, as every trend of the console
    pub = [r for r in rows if r["top2"] is not None]
    band = next(t for t in trend["data"] if t.get("fill") == "toself")
    assert band["y"] == [r["top2_upper"] for r in pub] + [r["top2_lower"] for r in pub][::-1]
    assert trend["data"].index(band) < trend["data"].index(line)


def test_the_tokens_page_shows_rome_time(client, seeded):
    from datetime import timezone
    from zoneinfo import ZoneInfo

    from registry import connect, session_scope, tokens
    with session_scope(connect(seeded[0].database_url)) as s:
        t = next(t for t in tokens.list_tokens(s) if t.entity_ipa == ROMA)
        at, label = t.created_at, t.label
    at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
    html = get(client, seeded[1]["entity"], f"/workspace/{ROMA}/tokens").get_data(as_text=True)
    row = html[html.index(f'<th scope="row">{label}</th>'):].split("</tr>")[0]
    assert at.astimezone(ZoneInfo("Europe/Rome")).strftime("%Y-%m-%d %H:%M") in row
    assert at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M") not in row


def test_each_service_trend_is_the_pages_period_window(client, seeded):
    """The per-service trends ignored the page's period: always monthly, always up to the latest month
    with data — the running month's few answers plotted like any other month, and a quarter chosen on
    the page (docs/public.md: services, trends and position use the chosen period) not followed."""
    tok = seeded[1]["entity"]

    def trends(query):
        ws = get(client, tok, f"/api/v1/workspace/{ROMA}?{query}").json
        charts = {c["id"]: c["rows"] for c in ws["charts"]}
        return charts[f"service-{KEYS[ROMA]}"], charts["trend-anagrafe.certificati"]

    svc, typ = trends("period=2026-09")
    assert [r["period"] for r in svc] == ["2026-08", "2026-09"]
    assert [r["period"] for r in svc] == [r["period"] for r in typ]
    svc, typ = trends("freq=Q&period=2026-Q4")
    assert [r["period"] for r in svc] == ["2026-Q3", "2026-Q4"]
    # a running or partly covered period is said so, as in the service type's trend (one rule)
    assert [(r["period"], r["coverage"]) for r in svc] == [(r["period"], r["coverage"]) for r in typ]
    assert any(r["coverage"] for r in svc)  # the data begin in August: 2026-Q3 is partly covered
    csv_text = get(client, tok, f"/workspace/{ROMA}/csv/service-{KEYS[ROMA]}?freq=Q&period=2026-Q4").get_data(as_text=True)
    assert csv_text.splitlines()[0].endswith("Copertura del periodo")


def test_workspace_csv_files_are_named_after_their_period(client, seeded):
    """Two periods' downloads of one chart were both ``ascolto-c_h501-<chart>.csv``: the second
    overwrote the first. Named after the period shown, as the console's are."""
    tok = seeded[1]["entity"]
    names = set()
    for query in ("freq=Q&period=2026-Q4", "freq=Q&period=2026-Q3", "period=2026-09"):
        r = get(client, tok, f"/workspace/{ROMA}/csv/trend-anagrafe.certificati?{query}")
        assert r.status_code == 200
        names.add(r.headers["Content-Disposition"])
    assert names == {f'attachment; filename="ascolto-{ROMA}-trend-anagrafe.certificati-{p}.csv"'
                     for p in ("2026-Q4", "2026-Q3", "2026-09")}


def test_a_refused_workspace_page_says_why_in_italian_and_leads_back(client, seeded):
    """An entity manager who opened another entity's workspace read "Il tuo ruolo non permette di usare
    questa pagina" — her role does allow the workspace; the page now says which entity her token opens,
    links back to it, and the tokens page says who manages tokens."""
    import html as html_lib

    tokens = seeded[1]
    r = get(client, tokens["entity"], f"/workspace/{MILANO}/comments")
    page = html_lib.unescape(r.get_data(as_text=True))
    assert r.status_code == 403
    assert f"Questo token dà accesso solo all'area dell'ente {ROMA}, non a quella dell'ente {MILANO}." in page
    assert "Il tuo ruolo non permette" not in page and f'href="/workspace/{ROMA}"' in page
    en = html_lib.unescape(get(client, tokens["entity"], f"/workspace/{MILANO}?lang=en").get_data(as_text=True))
    assert f"This token opens the workspace of entity {ROMA} only, not that of entity {MILANO}." in en
    # the API keeps its English message and field
    assert get(client, tokens["entity"], f"/api/v1/workspace/{MILANO}").json["fields"] == {
        "ipa": [f"This token sees entity '{ROMA}' only."]}
    # a non-manager token on its own tokens page: who manages tokens, not "your role"
    page = html_lib.unescape(get(client, tokens["entity_milano"], f"/workspace/{MILANO}/tokens").get_data(as_text=True))
    assert "Solo un amministratore o il token del responsabile dell'ente gestisce i token dell'ente." in page
    assert f'href="/workspace/{MILANO}"' in page
    # a role without the permission still reads the role's refusal (and no workspace link)
    page = html_lib.unescape(get(client, tokens["monitoring"], f"/workspace/{ROMA}/tokens").get_data(as_text=True))
    assert "Solo un amministratore" in page
    page = html_lib.unescape(get(client, tokens["entity"], "/coverage").get_data(as_text=True))
    assert "Il tuo ruolo non permette di usare questa pagina." in page and f'href="/workspace/{ROMA}"' in page


def test_the_tokens_page_shows_each_tokens_role_and_expiry(client, seeded):
    """The manager's token list had no role and no expiry: an expired token looked like a working one
    (with its "Revoca" button), and the entity's back-end token (made by the national staff, revocable
    here) looked like one more workspace token."""
    from datetime import datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    from registry import connect, session_scope, tokens
    from registry.models import Token

    factory = connect(seeded[0].database_url)
    soon = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=30)
    with session_scope(factory) as s:
        t_old = tokens.create_token(s, role="entity", label="ufficio scaduto", actor="test", entity=ROMA)[0].prefix
        t_soon = tokens.create_token(s, role="entity", label="ufficio trenta giorni", actor="test", entity=ROMA,
                                     expires=soon.isoformat())[0].prefix
        t_back = tokens.create_token(s, role="backend", label="inoltro risposte", actor="test", entity=ROMA)[0].prefix
    with session_scope(factory) as s:  # expired yesterday (create_token refuses a past expiry)
        s.query(Token).filter(Token.prefix == t_old).one().expires_at = datetime.now(timezone.utc) - timedelta(days=1)
    html = get(client, seeded[1]["entity"], f"/workspace/{ROMA}/tokens").get_data(as_text=True)

    def row(prefix):
        return html[html.index(f'<tr data-token="{prefix}"'):].split("</tr>")[0]

    assert "data-expired" in row(t_old) and "scaduto" in row(t_old)
    assert soon.astimezone(ZoneInfo("Europe/Rome")).strftime("%Y-%m-%d %H:%M") in row(t_soon)
    assert "scaduto" not in row(t_soon) and ">mai<" in row(t_back)
    assert '<td data-col="role">back end</td>' in row(t_back) and '<td data-col="role">ente</td>' in row(t_soon)


@pytest.mark.parametrize("form,italian", [
    ({"label": "", "expires": ""}, "Etichetta: è obbligatoria."),
    ({"label": "ufficio", "expires": "tre mesi"}, "Scadenza del token: «tre mesi» non è una durata (12h, 90d, 26w), "
                                                  "una data (AAAA-MM-GG) o un istante ISO 8601."),
    ({"label": "ufficio", "expires": "2020-01-01"}, "Scadenza del token: 2020-01-02T00:00:00+00:00 non è nel futuro."),
])
def test_the_tokens_form_says_its_refusals_in_italian(seeded, form, italian):
    """The manager's token form refused in English ("expires: 'tre mesi' is not a duration …", "label: is
    required") on an Italian page."""
    import html as html_lib
    import re

    c = create_app(seeded[0]).test_client()  # CSRF on
    manager = {"Authorization": f"Bearer {seeded[1]['entity']}"}
    page = c.get(f"/workspace/{ROMA}/tokens", headers=manager).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = c.post(f"/workspace/{ROMA}/tokens", headers=manager, data={**form, "csrf_token": csrf})
    text = html_lib.unescape(r.get_data(as_text=True))
    assert italian in text and "is not" not in text and "is required" not in text
    assert 'id="new-secret"' not in text


@pytest.mark.parametrize("query,italian", [
    ("service=demo-milano-anagrafe", "Parametro non valido: «service»: «demo-milano-anagrafe» non è un servizio "
                                     "dell'ente c_h501."),
    ("period=2026-13", "Parametro non valido: «period»: un periodo si scrive AAAA-MM, AAAA-Qn o AAAA."),
    ("rating=5", "Parametro non valido: «rating»: i commenti non si filtrano per valutazione"),
    ("channel=fax", "Parametro non valido: «channel»: il canale è uno tra web, app"),
    ("q=" + "x" * 101, "Parametro non valido: «q»: al massimo 100 caratteri."),
])
def test_the_comments_page_says_a_refused_filter_in_italian(client, seeded, query, italian):
    """A comments filter the page refuses was half Italian, half English: "Parametro non valido: «period».
    (A period is YYYY-MM, YYYY-Qn or YYYY.)"; the API keeps its English message."""
    import html as html_lib

    r = get(client, seeded[1]["entity"], f"/workspace/{ROMA}/comments?{query}")
    text = html_lib.unescape(r.get_data(as_text=True))
    assert r.status_code == 400 and italian in text
    assert not any(w in text for w in (" is not ", "A period is", "is one of", "at most", "Comments are"))
    api = get(client, seeded[1]["entity"], f"/api/v1/workspace/{ROMA}/comments?{query}").json
    assert api["error"] == "invalid_parameter" and italian not in api["message"]


def test_a_refusal_whose_pattern_has_an_optional_part_is_translated():
    """A pattern with an optional part that did not match (no period given) must not break the translation."""
    from warehouse.console import i18n_refusals as i18n

    assert i18n.translate_problem("x is required: a period YYYY-MM, YYYY-Qn or YYYY.", i18n._QUERY_IT) == (
        "un periodo si scrive AAAA-MM, AAAA-Qn o AAAA.")


@pytest.mark.parametrize("query,period", [("period=2026-09", "2026-09"), ("freq=Q&period=2026-Q3", "2026-Q3")])
def test_the_reasons_are_the_pages_period_as_the_console_publishes_it(client, seeded, query, period):
    """The page said "Periodo: 2026-11" while its went well / went wrong tables were every period
    together (n 320 against the month's 24; another reason on top): they are now the page's period,
    the very cells the console API publishes for the entity."""
    ws = get(client, seeded[1]["entity"], f"/api/v1/workspace/{ROMA}?{query}").json
    assert ws["per"]["period"] == period
    for ind in ("went_well", "went_wrong"):
        api = get(client, seeded[1]["admin"],
                  f"/api/v1/indicators?indicator={ind}&by=entity&entity={ROMA}&{query}").json["rows"]
        assert len(api) == (1 if ind == "went_well" else 0)  # the test answers tick "went well" only
        shown = {r["category"]: (r["n"], r["share"]) for r in ws["reasons"][ind]}
        assert all(r["instrument"] is None and r["split"] is None for r in ws["reasons"][ind])  # one format: pooled
        assert shown == {c: (a["n"], pytest.approx(v["share"], abs=0.06)) for a in api for c, v in a["shares"].items()}


def test_the_workspace_services_show_the_console_s_positive_share(client, seeded):
    """The national staff's entity page showed each service's positive share, the manager's workspace
    the mean for the same services and period (51,8 there against 28,6 in the console), right above a
    benchmark that is a positive share: the manager read her service as above the benchmark."""
    import re

    def shares(html):
        return {m.group(1): re.search(r'<td data-col="share">(.*?)</td>', m.group(2), re.S).group(1)
                for m in re.finditer(r'<tr data-service="([^"]+)">(.*?)</tr>', html, re.S)
                if 'data-col="share"' in m.group(2)}

    ws = get(client, seeded[1]["entity"], f"/workspace/{ROMA}?period=2026-09").get_data(as_text=True)
    console = get(client, seeded[1]["admin"], f"/entities/{ROMA}?period=2026-09").get_data(as_text=True)
    assert shares(ws) and shares(ws) == shares(console)
    head = ws[ws.index('data-table="position"'):].split("</thead>")[0]
    assert "Quota positiva %" in head and ">Valore<" not in head


@pytest.fixture(scope="module")
def two_formats(tmp_path_factory):
    """The workspace data plus a Roma service on the Designers Italia service rating, whose respondents
    name one reason (Roma's anagrafe, on cx-core, names several)."""
    return _with_roma_tari(tmp_path_factory, "workspace-formats", 20, ease=5, went_well=["technical"])


def test_reasons_asked_in_two_formats_are_shown_per_instrument_not_pooled(two_formats):
    """Roma's went well pooled cx-core (several reasons each) with the stars' single reason, so its
    table showed shares no reader could interpret (methodology §4 refuses the pool). The cube withholds
    the pooled shares; the workspace shows each instrument's published cell instead, and says why."""
    client, tokens = two_formats
    ws = get(client, tokens["entity"], f"/api/v1/workspace/{ROMA}?period=2026-10").json
    rows = ws["reasons"]["went_well"]
    assert {r["instrument"] for r in rows} == {"cx-core", "di-rating-servizio"}
    assert {r["split"] for r in rows} == {"mixed_response_formats"}
    for inst in ("cx-core", "di-rating-servizio"):  # each the console API's published cell of that instrument
        [api] = get(client, tokens["admin"], f"/api/v1/indicators?indicator=went_well&by=instrument&entity={ROMA}"
                                             f"&instrument={inst}&period=2026-10").json["rows"]
        assert api["shares_status"] == "ok"
        shown = {r["category"]: r["share"] for r in rows if r["instrument"] == inst}
        assert shown == {c: pytest.approx(v["share"], abs=0.06) for c, v in api["shares"].items()
                         if v["share"] is not None}
    stars = {r["category"]: r["share"] for r in rows if r["instrument"] == "di-rating-servizio"}
    assert stars["technical"] == 100.0 and "speed" not in stars
    html = get(client, tokens["entity"], f"/workspace/{ROMA}?period=2026-10").get_data(as_text=True)
    table = html[html.index('aria-labelledby="r-went_well"'):].split("</section>")[0]
    assert 'data-split="mixed_response_formats"' in table and "mostrate per strumento" in table
    assert 'data-instrument="di-rating-servizio"' in table and 'data-instrument="cx-core"' in table
    english = get(client, tokens["entity"], f"/workspace/{ROMA}?period=2026-10&lang=en").get_data(as_text=True)
    assert "shown per instrument" in english and "cannot be pooled" in english


def _periods_from_today():
    """(running month, running quarter, running year, next month, next quarter, next year) in Rome."""
    from warehouse.periods import today_rome

    t = today_rome()
    q = (t.month + 2) // 3
    nxt_month = f"{t.year + (t.month == 12)}-{t.month % 12 + 1:02d}"
    nxt_quarter = f"{t.year + (q == 4)}-Q{q % 4 + 1}"
    return f"{t.year}-{t.month:02d}", f"{t.year}-Q{q}", str(t.year), nxt_month, nxt_quarter, str(t.year + 1)


def test_a_period_that_has_not_started_is_refused_naming_it(client, seeded):
    """``/workspace/c_h501?period=2027-01`` (in December 2026) said "Periodo in corso: dati parziali"
    with N 0 for every service: a period that has not started was shown as a running one. It is now a
    400 naming ``period`` — in Italian on the page, in English in the API — on the workspace, its
    comments and the console pages; today's month, quarter and year are still shown, as running."""
    import html as html_lib

    tok = seeded[1]
    month, quarter, year, next_month, next_quarter, next_year = _periods_from_today()
    for query in (f"period={next_month}", f"freq=Q&period={next_quarter}", f"freq=A&period={next_year}",
                  f"freq=A&period={next_month}"):
        r = get(client, tok["entity"], f"/workspace/{ROMA}?{query}")
        text = html_lib.unescape(r.get_data(as_text=True))
        assert r.status_code == 400, query
        assert "Parametro non valido: «period»: il periodo " in text and "non è ancora iniziato" in text, query
        assert "has not started" not in text and "Periodo in corso" not in text
        api = get(client, tok["entity"], f"/api/v1/workspace/{ROMA}?{query}")
        assert api.status_code == 400 and "period" in api.json["fields"]
        assert "has not started yet" in api.json["message"]
    assert get(client, tok["entity"], f"/workspace/{ROMA}/comments?period={next_month}").status_code == 400
    assert get(client, tok["entity"], f"/api/v1/workspace/{ROMA}/comments?period={next_month}").json[
        "fields"].keys() == {"period"}
    for page in ("/", "/service-types/anagrafe.certificati", f"/entities/{ROMA}", "/regions"):
        r = get(client, tok["monitoring"], f"{page}?period={next_month}")
        assert r.status_code == 400, page
        assert "non è ancora iniziato" in html_lib.unescape(r.get_data(as_text=True)), page
    # a running period is refused too, naming it: its figures are published once it has ended
    for query in (f"period={month}", f"freq=Q&period={quarter}", f"freq=A&period={year}"):
        r = get(client, tok["entity"], f"/api/v1/workspace/{ROMA}?{query}")
        assert r.status_code == 400 and "still running" in r.json["fields"]["period"][0], query
        page = get(client, tok["entity"], f"/workspace/{ROMA}?{query}")
        assert page.status_code == 400 and "è in corso: i suoi dati si pubblicano quando è finito" in \
            html_lib.unescape(page.get_data(as_text=True)), query


def test_the_rule_of_a_started_period_is_the_plan_forms():
    """One rule (registry.plans.has_started) for the plan form's baseline and every period asked of the
    console (warehouse.periods.require_started): a period has started from the first day of its first
    month, in Rome; a running period has started and is not complete."""
    from datetime import date

    from registry.plans import has_started
    from warehouse.comparability import QueryError
    from warehouse.cube import coverage
    from warehouse.periods import require_started

    today = date(2026, 12, 1)
    for started in ("2026-12", "2026-Q4", "2026", "2026-01", "2025"):
        assert has_started(started, today) and require_started(started, "period", today) == started
    for future in ("2027-01", "2027-Q1", "2027"):
        assert not has_started(future, today)
        with pytest.raises(QueryError) as exc:
            require_started(future, "follow_up", today)
        assert exc.value.field == "follow_up" and f"follow_up={future} has not started yet" in str(exc.value)
    with pytest.raises(QueryError):
        require_started("2026-13", "period", today)  # malformed: refused as such
    assert coverage("2026-Q4", "2025-01", today=today)["running"] is True


def test_the_workspace_says_channels_and_services_in_words_not_codes(client, seeded):
    """A PA manager read "front_office" in her services' table and in the comments' channel filter,
    and service keys (``demo-roma-anagrafe``) in the comments and in the list of comments withheld:
    the console's words for channels, the services' names (in the page's language) instead."""
    tok = seeded[1]["entity"]
    page = get(client, tok, f"/workspace/{ROMA}").get_data(as_text=True)
    channels = re.findall(r'<td data-col="channel">([^<]*)</td>', page)
    assert channels and "web" not in channels and "Web" in channels  # codelists' CHANNEL label
    comments = get(client, tok, f"/workspace/{ROMA}/comments").get_data(as_text=True)
    options = re.search(r'<select id="f-channel" name="channel">(.*?)</select>', comments, re.S).group(1)
    assert '<option value="front_office" >Sportello</option>' in options and ">front_office<" not in options
    english = get(client, tok, f"/workspace/{ROMA}/comments?lang=en").get_data(as_text=True)
    assert '<option value="front_office" >Front office</option>' in english
    rows = re.findall(r'<td data-service="demo-roma-anagrafe">([^<]*)</td><td>([^<]*)</td>', english)
    assert rows and all(r == ("Online civil registry certificates", "Web") for r in rows)  # registry.demo.NAMES
    withheld = re.search(r'data-withheld="\d+">(.*?)</p>', english, re.S).group(1)
    assert "Online civil registry certificates</span> · App · 2026-10" in withheld and "<code>" not in withheld


def test_a_trend_with_every_value_suppressed_says_why_instead_of_drawing_empty_axes(client, seeded):
    """An entity whose every period is suppressed (one answer a month) had trend cards with a heading,
    empty axes and the table folded away: now no picture, a note saying why (the threshold the legend
    states) and the table open, its periods "oscurato"; the download is still there."""
    from tests.workspace_data import SPARSE, SPARSE_SERVICE

    html = get(client, seeded[1]["monitoring"], f"/workspace/{SPARSE}?freq=M&period=2026-10").get_data(as_text=True)
    for chart in (f"service-{SPARSE_SERVICE}", "trend-sanita.prenotazione"):
        card = html[html.index(f'id="fig-{chart}"'):].split("</figure>", 1)[0]
        assert f'data-chart="{chart}"' not in card and f'id="plot-{chart}"' not in card  # no empty picture
        note = re.search(rf'<p class="small" data-undrawn="{re.escape(chart)}">(.*?)</p>', card).group(1)
        assert "meno di 3" in note and "oscurato" in note
        assert "<details class=\"alt\" open>" in card and card.count("oscurato") >= 3  # each period said so
        assert "Scarica CSV" in card
    en = get(client, seeded[1]["monitoring"], f"/workspace/{SPARSE}?freq=M&period=2026-10&lang=en").get_data(as_text=True)
    # the reason of its kind (data.ABSENT: suppressed), in the legend's words
    assert "Nothing to draw. In every period: suppressed. Value and N suppressed: fewer than 3 responses" in en
    # a published trend still draws its picture, with no such note
    roma = get(client, seeded[1]["monitoring"], f"/workspace/{ROMA}?freq=M&period=2026-10").get_data(as_text=True)
    assert f'data-chart="service-{KEYS[ROMA]}"' in roma and f'data-undrawn="service-{KEYS[ROMA]}"' not in roma


def test_a_trend_of_a_type_whose_questionnaires_do_not_ask_says_not_collected(rating_only):
    """The position table said "non rilevato" for a type whose services' questionnaires do not ask the
    indicator, while its trend card below said a bare "Nessun dato.": the card says "non rilevato" too,
    on the workspace and on the entity's console page."""
    client, tokens = rating_only
    for url in (f"/workspace/{ROMA}?indicator=satisfaction", f"/entities/{ROMA}?indicator=satisfaction"):
        html = markup.unescape(get(client, tokens["monitoring"], url).get_data(as_text=True))
        card = html[html.index('id="fig-trend-tributi.pagamento"'):].split("</figure>", 1)[0]
        assert "Non rilevato: i questionari dei servizi dell'ente di questo tipo non pongono questa domanda." in card
        assert "Nessun dato." not in card
    en = markup.unescape(get(client, tokens["monitoring"], f"/entities/{ROMA}?indicator=satisfaction&lang=en")
                         .get_data(as_text=True))
    assert "Not collected: the questionnaires of the entity's services of this type do not ask this question." in en
