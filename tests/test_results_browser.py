"""Issue 15 in Debian chromium (Playwright) with axe-core: the entity workspace, the onboarding flow
(request → approval → snippet → first submission counted by "check my page") and the public site.

Set ``ASCOLTO_SCREENSHOTS=docs/screenshots`` to (re)write the screenshots of the docs.
"""
from __future__ import annotations

import os
import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.browser import BROWSER
from tests.workspace_data import ROMA, build_workspace

pytestmark = BROWSER
SHOTS = os.environ.get("ASCOLTO_SCREENSHOTS")
ORIGIN = "https://servizi.comune.roma.it"


def _serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    from warehouse.console import create_app
    from warehouse.dataset import Warehouse
    from warehouse.protect import Protection
    from warehouse.public import create_app as public_app
    from warehouse.publish import publish

    settings, tokens = build_workspace(tmp_path_factory.mktemp("results-browser"))
    with Warehouse(settings) as wh:
        publish(wh.cursor(), "2026-Q3", settings.releases_path, Protection.from_settings(settings),
                now=datetime(2026, 11, 29, tzinfo=timezone.utc))
    console, cbase = _serve(create_app(settings.with_(console_secure_cookie=False)))
    public, pbase = _serve(public_app(settings))
    yield settings, tokens, cbase, pbase
    console.shutdown()
    public.shutdown()


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def serious(results):
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def context_for(browser, base):
    ctx = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    ctx.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    return ctx


def sign_in(page, base, token):
    page.goto(base + "/login")
    page.get_by_label("Token di accesso").fill(token)
    page.get_by_role("button", name="Accedi").click()


def test_the_workspace_shows_own_services_and_comments_and_passes_axe(stack, browser):
    from axe_playwright_python.sync_playwright import Axe

    settings, tokens, base, _ = stack
    ctx = context_for(browser, base)
    page = ctx.new_page()
    sign_in(page, base, tokens["entity"])
    page.wait_for_url(f"{base}/workspace/{ROMA}")
    found = {"workspace": serious(Axe().run(page))}
    assert page.locator("h1").inner_text() == "Roma Capitale"
    assert page.locator('[data-table="position"] [data-col="flag"]').count() == 1
    assert page.get_by_role("link", name="Panoramica nazionale").count() == 0  # national menu hidden
    shot(page, "workspace.png")
    page.get_by_role("link", name="Commenti dei cittadini").first.click()
    page.get_by_label("Cerca nel testo").fill("ottimo")
    page.get_by_role("button", name="Filtra").click()
    assert page.locator('[data-col="comment"]').all_inner_texts() == ["Servizio ottimo e veloce"]
    found["comments"] = serious(Axe().run(page))
    shot(page, "workspace-comments.png")
    assert page.goto(f"{base}/workspace/c_f205").status == 403
    ctx.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_a_workspace_with_every_value_suppressed_shows_why_not_empty_cards(stack, browser):
    """National staff open the workspace of an entity with one answer a month: each trend card said
    nothing but its heading over empty axes; now it says why, with its table of "oscurato" periods open."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    from tests.workspace_data import SPARSE, SPARSE_SERVICE

    settings, tokens, base, _ = stack
    ctx = context_for(browser, base)
    page = ctx.new_page()
    sign_in(page, base, tokens["monitoring"])
    page.goto(f"{base}/workspace/{SPARSE}?freq=M&period=2026-10")
    for chart in (f"service-{SPARSE_SERVICE}", "trend-sanita.prenotazione"):
        card = page.locator(f'[id="fig-{chart}"]')  # an id with a dot is no CSS #id
        expect(card.locator("[data-chart]")).to_have_count(0)
        expect(card.locator(f'[data-undrawn="{chart}"]')).to_contain_text("meno di 3")
        expect(card.locator(f'[data-table="{chart}"]')).to_be_visible()
        expect(card.locator(f'[data-table="{chart}"] tbody tr').first).to_contain_text("oscurato")
    assert serious(Axe().run(page)) == []
    ctx.close()


def test_onboarding_request_approval_snippet_and_first_submission_counted(stack, browser, broker):
    from axe_playwright_python.sync_playwright import Axe
    from collector.app import close_app, create_app as collector_app
    from deploy.broker import ensure_topics

    settings, tokens, base, _ = stack
    found = {}
    ctx = context_for(browser, base)
    page = ctx.new_page()
    page.goto(base + "/join")
    found["join"] = serious(Axe().run(page))
    page.get_by_label("Codice IPA dell'ente").fill("nope_1")
    page.get_by_label("Nome del servizio").fill("Cambio di residenza")
    page.get_by_label("Origini delle pagine").fill(ORIGIN)
    page.get_by_role("button", name="Invia la richiesta").click()
    alert = page.get_by_role("alert")
    assert "Codice IPA dell'ente: «nope_1» non è nell'Indice delle PA" in alert.inner_text()
    assert alert.locator('[data-field="ipa_code"]').count() == 1
    found["join (error)"] = serious(Axe().run(page))
    page.get_by_label("Codice IPA dell'ente").fill(ROMA)
    page.get_by_label("Tipo di servizio").select_option("anagrafe.certificati")
    page.get_by_role("button", name="Invia la richiesta").click()
    rid = page.locator("[data-request]").get_attribute("data-request")
    shot(page, "onboarding-request.png")
    ctx.close()

    ctx = context_for(browser, base)
    page = ctx.new_page()
    sign_in(page, base, tokens["admin"])
    page.goto(base + "/admin/onboarding")
    found["admin onboarding"] = serious(Axe().run(page))
    page.get_by_role("button", name=f"Approva {rid}").click()
    key = page.locator("[data-key]").first.get_attribute("data-key")
    # Roma has a manager already: the approval creates the service and no token (anyone may send /join)
    assert page.locator("#entity-token").count() == 0 and page.locator("[data-no-token]").count() == 1
    secret = tokens["entity"]
    assert f'data-service="{key}"' in page.locator("textarea.snippet").first.input_value()
    found["approved"] = serious(Axe().run(page))
    shot(page, "onboarding-approved.png")
    ctx.close()

    # the PA pastes the snippet; the widget's first submission reaches the collector from the origin
    cset = settings.with_(broker=broker.bootstrap, topic=f"t-{uuid.uuid4().hex[:8]}.submissions",
                          produce_timeout_s=5.0, registry_ttl_s=0.0)
    ensure_topics(broker.bootstrap, {cset.topic: 1, cset.dlq_topic: 1})
    collector = collector_app(cset)
    try:
        r = collector.test_client().post("/v1/submissions", headers={"Origin": ORIGIN}, json={
            "submission_id": str(uuid.uuid4()), "service": key, "questionnaire": "cx-core", "version": 1,
            "lang": "it", "channel": "web", "answers": {"satisfaction": 5, "ease": 4, "task": "yes"}, "context": {"page": "/residenza"}})
        assert r.status_code == 202, r.json
    finally:
        close_app(collector)

    ctx = context_for(browser, base)
    page = ctx.new_page()
    sign_in(page, base, secret)  # Roma's manager
    page.goto(f"{base}/workspace/{ROMA}/services/{key}/check")
    page.get_by_role("button", name="Verifica ora").click()
    assert page.locator("[data-verdict]").get_attribute("data-verdict") == "ok"
    assert page.locator('[data-col="requests"]').all_inner_texts() == ["≥ 1"]  # a band, never the count
    found["check"] = serious(Axe().run(page))
    shot(page, "onboarding-check.png")
    ctx.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_the_public_site_in_two_languages_passes_axe(stack, browser):
    from axe_playwright_python.sync_playwright import Axe

    _, _, _, base = stack
    ctx = context_for(browser, base)
    page = ctx.new_page()
    found = {}
    for path in ("/it/", "/it/2026-Q3", "/en/2026-Q3", "/it/service-types/anagrafe.certificati"):
        page.goto(base + path)
        found[path] = serious(Axe().run(page))
    page.goto(base + "/it/2026-Q3")
    assert page.locator('[data-table="national"] [data-indicator="SATISFACTION"] [data-col="n"]').count() == 1
    shot(page, "public-quarter.png")
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    shot(page, "public-quarter-en.png")
    ctx.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_the_public_site_on_a_320px_phone_has_named_focusable_tables(stack, browser):
    # at 320 CSS px the tables scroll sideways: a keyboard user must reach each scroller (Tab) and a
    # screen reader hear which table it is (axe's scrollable-region-focusable was serious on every table)
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    _, _, _, base = stack
    ctx = browser.new_context(locale="it-IT", viewport={"width": 320, "height": 640})
    page = ctx.new_page()
    found = {}
    for path in ("/it/", "/it/2026-Q3", "/en/2026-Q3", "/it/service-types/anagrafe.certificati"):
        page.goto(base + path)
        found[path] = serious(Axe().run(page))
    page.goto(base + "/it/2026-Q3")
    region = page.get_by_role("region", name="Risultati nazionali")
    expect(region).to_be_visible()
    for _ in range(6):
        page.keyboard.press("Tab")
        if region.evaluate("el => el === document.activeElement"):
            break
    expect(region).to_be_focused()
    # the headline (the positive share, the figure comparable across instruments) is on the phone's
    # screen, not past the mean's "—" columns; its interval says whose it is
    share = region.get_by_role("columnheader", name="Quota positiva %")
    expect(share).to_be_in_viewport(ratio=1)
    expect(region.get_by_role("columnheader", name="IC 95% della quota")).to_have_count(1)
    expect(region.get_by_role("columnheader", name="IC 95% della media")).to_have_count(1)
    ctx.close()
    assert {k: v for k, v in found.items() if v} == {}


def _contrast(a: str, b: str) -> float:
    import re as _re

    def lum(css):
        r, g, b = (int(x) / 255 for x in _re.findall(r"\d+", css)[:3])
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_public_sites_focus_ring_contrasts_with_what_is_around_it(stack, browser):
    # WCAG 1.4.11: the keyboard user's focus ring was orange #f90 — 2.2:1 on the white page, 2.5:1 on
    # the blue header, where a focused link could not be told from the others
    _, _, _, base = stack
    ctx = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(base + "/it/2026-Q3")
    checked = {}
    for _ in range(5):  # skip link, brand and language (on the blue header), the first table (on white)
        page.keyboard.press("Tab")
        ring = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            let p = e.parentElement; while (p && getComputedStyle(p).backgroundColor === 'rgba(0, 0, 0, 0)') p = p.parentElement;
            return [e.textContent.trim().slice(0, 20) || e.tagName, s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor,
                    p ? getComputedStyle(p).backgroundColor : 'rgb(255, 255, 255)']; }""")
        name, style, width, colour, behind = ring
        assert style != "none" and width >= 2, ring
        checked[name] = round(_contrast(colour, behind), 1)
    ctx.close()
    assert len(checked) == 5 and all(v >= 3 for v in checked.values()), checked
