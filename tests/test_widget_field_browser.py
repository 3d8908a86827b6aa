"""The faults a field tester found in the widget, in Debian chromium against the real collector.

The pages are the PA site's (the same origin as tests/test_widget_browser.py's, so allowed),
served by the test through Playwright routes: a long path, a snippet in <head>, a sandboxed frame,
a hostile site stylesheet, a module snippet, two snippets on one page.
"""
from __future__ import annotations

import json
import time
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from tests.browser import BROWSER, send_framed_form
from tests.test_widget_browser import RAW, SERVICE, _answer_minimal, page, stack  # noqa: F401

pytestmark = BROWSER
THANKS = "Grazie! La tua risposta è stata registrata."
HONEST = "Non è stato possibile registrare la risposta per un problema tecnico di questa pagina."


def site_page(page, stack, path: str, body: str, head: str = "") -> None:  # noqa: F811
    """Open ``path`` of the PA site, a page with this HTML (``{snippet}``: the one-tag snippet)."""
    snippet = '<script src="{collector}/widget.js" data-service="{service}" async></script>'
    RAW[path] = (f'<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Servizio</title>{head}</head>'
                 f'<body><main><h1>Servizio</h1>{body}</main></body></html>').replace("{snippet}", snippet)
    page.goto(f"{stack.site}{path}")


def record(page):  # noqa: F811
    warnings, posts = [], []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.on("request", lambda r: posts.append(json.loads(r.post_data))
            if r.method == "POST" and r.url.endswith("/v1/submissions") else None)
    return warnings, posts


# --- 1. a long path; permanent refusals ----------------------------------------------------------

def test_a_page_with_a_long_path_sends_at_most_512_characters_of_it(stack, page):  # noqa: F811
    _, posts = record(page)
    path = "/pratica/" + "%C3%A8" * 100  # 609 characters; a cut at 512 would fall inside "%C3%A8"
    site_page(page, stack, path, "{snippet}")
    page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    _answer_minimal(page)
    page.keyboard.press("Enter")
    page.get_by_text(THANKS).wait_for(timeout=15_000)
    sent = posts[-1]["context"]["page"]
    assert len(sent) <= 512 and path.startswith(sent)
    assert unquote(sent, errors="strict").endswith("è")  # whole escapes, whole characters


def test_a_permanent_refusal_is_explained_honestly_not_retried_and_warned(stack, page):  # noqa: F811
    warnings, posts = record(page)
    # a refusal the page cannot mend (a 409 of a channel the service does not collect on); a reassigned
    # questionnaire's 409 has its own answer, a link to the updated form (tests/test_citizen_widget_browser.py)
    body = '{"error": "channel_not_declared", "message": "Not a channel of this service.", "fields": {}}'
    page.route("**/v1/submissions", lambda r: r.fulfill(
        status=409, headers={"Access-Control-Allow-Origin": stack.site}, content_type="application/json", body=body)
        if r.request.method == "POST" else r.continue_())
    page.goto(f"{stack.site}/inline.html")
    page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    _answer_minimal(page)
    page.keyboard.press("Enter")
    status = page.get_by_role("status").filter(has_text=HONEST)
    status.wait_for(timeout=10_000)
    # Send is disabled (it stayed active, and pressing it sent the same refused answers again); the focus
    # that was on it is on what is said, not lost to the top of the page
    send = page.get_by_role("button", name="Invia")
    expect(send).to_be_disabled()
    expect(status).to_be_focused()
    send.click(force=True)
    page.get_by_role("radio", name="Sì").first.focus()
    page.keyboard.press("Enter")  # the form's implicit submission
    time.sleep(2.5)  # longer than a first retry would wait
    assert len(posts) == 1
    assert not page.get_by_text("Riprova").count() and not page.get_by_text("riproveremo").count()
    assert any("409" in w and "channel_not_declared" in w and f'"{SERVICE}"' in w for w in warnings), warnings


# --- 2. a long outage -------------------------------------------------------------------------------

def test_an_outage_longer_than_minutes_loses_nothing_and_online_sends_at_once(stack, page):  # noqa: F811
    _, posts = record(page)
    down = {"on": True}
    page.route("**/v1/submissions", lambda r: r.abort("connectionrefused")
               if r.request.method == "POST" and down["on"] else r.continue_())
    page.clock.install()
    page.goto(f"{stack.site}/inline.html")
    page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    _answer_minimal(page)
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="riproveremo automaticamente").wait_for(timeout=10_000)
    for _ in range(40):  # ten minutes of page time: far beyond the old 8 attempts (~142 s)
        if len(posts) >= 12:
            break
        page.clock.run_for(61_000)
        page.wait_for_timeout(200)
    assert len(posts) >= 12, len(posts)
    assert page.get_by_text(THANKS).count() == 0 and page.get_by_text("Riprova").count() == 0
    assert page.get_by_text("finché questa pagina resta aperta").count() == 1  # what the citizen reads stays true
    down["on"] = False
    page.evaluate("window.dispatchEvent(new Event('online'))")  # the network is back: no wait for the timer
    page.get_by_text(THANKS).wait_for(timeout=10_000)
    assert len({p["submission_id"] for p in posts}) == 1
    stack.wait_row(posts[0]["submission_id"])


def test_leaving_the_page_makes_one_last_keepalive_attempt(stack, page):  # noqa: F811
    """pagehide sends at once (keepalive) what waits for its next try. The event is dispatched by the
    test: Playwright's request interception aborts a keepalive request of a page being left (a real
    navigation without interception delivers it, preflight included, in this chromium)."""
    _, posts = record(page)
    page.add_init_script("window.__keepalive = []; const f = window.fetch; window.fetch = (u, o) => "
                         "(window.__keepalive.push(!!(o && o.keepalive) && String(u).endsWith('/v1/submissions')), f(u, o));")
    busy = {"on": True}
    page.route("**/v1/submissions", lambda r: r.fulfill(
        status=503, headers={"Access-Control-Allow-Origin": stack.site, "Access-Control-Expose-Headers": "Retry-After",
                             "Retry-After": "3600"}, content_type="application/json",
        body='{"error": "unavailable", "message": "Later.", "fields": {}}')
        if r.request.method == "POST" and busy["on"] else r.continue_())
    page.goto(f"{stack.site}/inline.html")
    page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    _answer_minimal(page)
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="riproveremo").wait_for(timeout=10_000)
    busy["on"] = False  # the collector is back, but the next try is an hour away
    page.wait_for_timeout(1500)
    assert len(posts) == 1
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide', {persisted: false}))")  # the citizen leaves
    page.get_by_text(THANKS).wait_for(timeout=10_000)
    assert len(posts) == 2 and posts[0]["submission_id"] == posts[1]["submission_id"]
    assert page.evaluate("window.__keepalive").count(True) == 2
    stack.wait_row(posts[0]["submission_id"])


# --- 3. a snippet in <head> ------------------------------------------------------------------------

def test_a_snippet_in_head_renders_in_the_body_and_tells_the_web_manager(stack, page):  # noqa: F811
    warnings, _ = record(page)
    site_page(page, stack, "/head.html", "<p>La tua richiesta è stata completata.</p>", head="{snippet}")
    page.get_by_role("button", name="Invia").wait_for(timeout=10_000)  # visible: not in <head>
    assert page.evaluate("document.querySelector('.ascolto-widget').parentElement.tagName") == "BODY"
    assert page.evaluate("document.head.querySelector('.ascolto-widget')") is None
    [warning] = [w for w in warnings if "Ascolto" in w]
    assert "<body>" in warning and "data-target" in warning and f'"{SERVICE}"' in warning


# --- 4. a sandboxed frame --------------------------------------------------------------------------

def test_a_sandboxed_frame_warns_about_origin_null_not_about_a_registered_origin(stack, page):  # noqa: F811
    warnings, _ = record(page)
    RAW["/sandboxed-inner.html"] = ('<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Modulo</title></head>'
                                    '<body><script src="{collector}/widget.js" data-service="{service}" async></script></body></html>')
    site_page(page, stack, "/sandboxed.html", '<iframe title="Modulo" sandbox="allow-scripts" src="/sandboxed-inner.html"></iframe>')
    page.frame_locator("iframe").get_by_role("status").wait_for(timeout=10_000)  # "not active on this page"
    [warning] = [w for w in warnings if "Ascolto" in w]
    assert "Origin: null" in warning and "allow-same-origin" in warning and f'"{SERVICE}"' in warning
    assert stack.site not in warning and "add it to the service" not in warning  # the page's origin is registered


# --- 5. the site's CSS ------------------------------------------------------------------------------

def test_the_sites_inherited_css_does_not_reach_into_the_widget(stack, page):  # noqa: F811
    hostile = "<style>body{text-transform:uppercase;letter-spacing:.3em;pointer-events:none;font-style:italic;color:#f0f}</style>"
    site_page(page, stack, "/hostile-css.html", "{snippet}", head=hostile)
    form = page.get_by_role("form", name="La tua opinione sul servizio")
    form.wait_for(timeout=10_000)
    style = page.evaluate("""() => { const l = getComputedStyle(document.querySelector('.ascolto-widget')
        .shadowRoot.querySelector('legend')); return [l.textTransform, l.letterSpacing, l.pointerEvents, l.fontStyle, l.color]; }""")
    assert style == ["none", "normal", "auto", "normal", "rgb(26, 26, 26)"]
    form.get_by_text("4", exact=True).first.click(timeout=5_000)  # a real click: the pointer reaches the widget
    form.get_by_role("radio", name="Sì").click(timeout=5_000)
    page.wait_for_timeout(1600)
    form.get_by_role("button", name="Invia").click(timeout=5_000)
    page.get_by_text(THANKS).wait_for(timeout=15_000)


# --- 6. characters, not UTF-16 units ---------------------------------------------------------------

def test_the_comment_limit_counts_characters_as_the_collector_does(stack, page):  # noqa: F811
    _, posts = record(page)
    page.goto(f"{stack.site}/inline.html")
    page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    _answer_minimal(page)
    comment = page.get_by_role("textbox")
    comment.fill("😀" * 300)  # 300 characters, 600 UTF-16 units
    page.get_by_text("Caratteri disponibili: 200 su 500.").wait_for(timeout=5_000)
    comment.fill("a" * 520)  # a paste over the limit is cut at the limit
    page.get_by_text("Caratteri disponibili: 0 su 500.", exact=True).wait_for(timeout=5_000)
    assert comment.evaluate("t => t.value.length") == 500
    comment.fill("😀" * 520)
    assert comment.evaluate("t => Array.from(t.value).length") == 500
    page.get_by_role("button", name="Invia").click()
    page.get_by_text(THANKS).wait_for(timeout=15_000)  # the collector takes 500 characters
    assert posts[-1]["answers"]["comment"] == "😀" * 500


# --- 7. a module snippet; a service that is not active ------------------------------------------------

def test_a_module_snippet_renders_the_widget(stack, page):  # noqa: F811
    module = '<script type="module" src="{collector}/widget.js" data-service="{service}"></script>'
    site_page(page, stack, "/module.html", module)
    page.get_by_role("form", name="La tua opinione sul servizio").wait_for(timeout=10_000)
    assert page.evaluate("document.querySelector('.ascolto-widget').previousElementSibling.type") == "module"


def test_a_service_that_is_not_active_warns_the_web_manager(stack, page):  # noqa: F811
    from registry import connect, ops
    from registry.db import session_scope
    from registry.models import Service

    with session_scope(connect(stack.settings.database_url)) as s:
        if s.get(Service, "demo-roma-inactive") is None:
            ops.add_service(s, actor="test", key="demo-roma-inactive", entity_ipa="c_h501", name="Servizio sospeso",
                            service_type="anagrafe.certificati", allowed_origins=[stack.site], active=False)
    warnings, _ = record(page)
    inactive = '<script src="{collector}/widget.js" data-service="demo-roma-inactive" async></script>'
    site_page(page, stack, "/inactive.html", inactive)
    page.wait_for_function("document.readyState === 'complete'")
    page.wait_for_timeout(1500)
    assert page.locator(".ascolto-widget").count() == 0  # nothing to answer in vain
    [warning] = [w for w in warnings if "Ascolto" in w]
    assert '"demo-roma-inactive"' in warning and "404" in warning and "inactive_service" in warning


# --- 8. two snippets on one page --------------------------------------------------------------------------

def test_a_second_snippet_for_the_same_service_is_ignored_with_a_warning(stack, page):  # noqa: F811
    warnings, _ = record(page)
    site_page(page, stack, "/twice.html", "{snippet}<p>…</p>{snippet}")
    page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    page.wait_for_timeout(1500)  # both tags have run
    assert page.locator(".ascolto-widget").count() == 1
    [warning] = [w for w in warnings if "Ascolto" in w]
    assert "second tag" in warning and f'"{SERVICE}"' in warning


def test_two_module_snippets_of_two_services_both_render_and_send(stack, page):  # noqa: F811
    """A page evaluates a module's URL once, however many tags load it: that one run serves every tag."""
    module = '<script type="module" src="{collector}/widget.js" data-service="%s"%s></script>'
    body = (module % ("{service}", "") + "<p>…</p>" + module % ("demo-milano-anagrafe", ' data-lang="en"')
            + "<p>…</p>" + module % ("demo-inps-pensione", " async"))
    site_page(page, stack, "/two-modules.html", body)
    page.get_by_role("button", name="Send").wait_for(timeout=10_000)
    page.wait_for_function("document.querySelectorAll('.ascolto-widget').length === 3", timeout=15_000)
    assert page.evaluate("[...document.querySelectorAll('.ascolto-widget')].map(w => "
                         "w.previousElementSibling.dataset.service)") == [SERVICE, "demo-milano-anagrafe",
                                                                       "demo-inps-pensione"]
    english = page.locator(".ascolto-widget").nth(1)
    english.locator("input[name$='-satisfaction'][value='5']").check()
    english.locator("input[name$='-task'][value='yes']").check()
    english.get_by_role("button", name="Send").click()
    english.get_by_text("Thank you! Your answer has been recorded.").wait_for(timeout=15_000)
    [detail] = page.evaluate("window.__submitted")
    assert detail["service"] == "demo-milano-anagrafe"
    assert stack.wait_row(detail["submission_id"])["service"] == "demo-milano-anagrafe"


def test_a_module_and_a_classic_snippet_of_two_services_both_render(stack, page):  # noqa: F811
    module = '<script type="module" src="{collector}/widget.js" data-service="demo-milano-anagrafe"></script>'
    site_page(page, stack, "/module-and-classic.html", "{snippet}<p>…</p>" + module + "<p>…</p>{snippet}")
    page.wait_for_function("document.querySelectorAll('.ascolto-widget').length >= 2", timeout=15_000)
    page.wait_for_timeout(1500)  # every tag has run: the second classic tag (the same service) adds none
    assert page.evaluate("[...document.querySelectorAll('.ascolto-widget')].map(w => "
                         "w.previousElementSibling.dataset.service)") == [SERVICE, "demo-milano-anagrafe"]


# --- 9. reflow: a phone, or 400% zoom ---------------------------------------------------------------------

OVERFLOWING = """root => [...root.querySelectorAll('label')].filter(l => l.scrollWidth > l.clientWidth + 1
                                                       || l.scrollHeight > l.clientHeight + 1).map(l => l.textContent)"""
TOPS = "root => [...root.querySelector('fieldset').querySelectorAll('label')].map(l => l.getBoundingClientRect().top)"


def test_at_320_pixels_every_scale_point_and_its_words_fit_in_their_box(stack, browser):  # noqa: F811
    """WCAG 1.4.10: at 320 CSS pixels (1280 at 400%) a 1-5 row cut "Moltissimo" to "Moltissi" and
    spilled "Per niente" out of its box; a narrow scale now lists one point a line ("5 – Moltissimo")."""
    context = browser.new_context(locale="it-IT", viewport={"width": 320, "height": 700})
    try:
        page = context.new_page()
        page.goto(f"{stack.site}/inline.html")
        page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
        widget = page.locator(".ascolto-widget")
        root = "document.querySelector('.ascolto-widget').shadowRoot"
        assert page.evaluate(f"({OVERFLOWING})({root})") == []
        tops = page.evaluate(f"({TOPS})({root})")
        assert tops == sorted(tops) and len(set(tops)) == len(tops)  # one point a line
        assert widget.get_by_text("5 – Moltissimo").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320

        page.goto(f"{stack.collector}/v1/services/{SERVICE}/form?lang=it")  # the no-JS form, the same
        assert page.evaluate(f"({OVERFLOWING})(document)") == []
        tops = page.evaluate(f"({TOPS})(document)")
        assert len(set(tops)) == len(tops)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320

        page.set_viewport_size({"width": 1000, "height": 700})  # wide: the row of boxes stays a row
        assert len(set(page.evaluate(f"({TOPS})(document)"))) == 1
        page.goto(f"{stack.site}/inline.html")
        page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
        assert len(set(page.evaluate(f"({TOPS})({root})"))) == 1
        assert page.evaluate(f"({OVERFLOWING})({root})") == []
    finally:
        context.close()


@pytest.mark.parametrize("wrapper", ['<div id="t" style="display:inline-block"></div>', '<div id="t" style="float:left"></div>',
                                     '<div style="display:flex"><nav style="width:200px">Menu</nav><div id="t"></div></div>',
                                     '<table><tr><td id="t"></td></tr></table>'])
def test_a_widget_sized_by_its_content_keeps_its_width_and_its_row_of_boxes(stack, page, wrapper):  # noqa: F811
    """Where the site sizes the widget by its content, the card is as wide as its questions (576 px), not
    collapsed to its title's width as a size-contained (container query) layout would make it."""
    tag = '<script src="{collector}/widget.js" data-service="{service}" data-target="#t" async></script>'
    site_page(page, stack, f"/wrapper-{len(wrapper)}.html", wrapper + tag)
    page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    root = "document.querySelector('.ascolto-widget').shadowRoot"
    assert page.evaluate(f"{root}.querySelector('.asc-card').offsetWidth") >= 560
    assert len(set(page.evaluate(f"({TOPS})({root})"))) == 1


# --- 10. a page in Slovenian, a module not yet translated ---------------------------------------------------

LANGS = """root => [...root.querySelectorAll('.asc-title, legend, .asc-opt span:not(.asc-vh), .asc-hint')]
  .map(e => e.tagName === 'LEGEND' ? e.firstChild : e).filter(n => n.textContent.trim())
  .map(n => { const e = n.nodeType === 1 ? n : n.parentElement;
              return [(e.closest('[lang]') || e.getRootNode().host).lang, n.textContent.trim()]; })"""


def test_italian_texts_in_a_slovenian_widget_are_marked_italian(stack, page):  # noqa: F811
    """WCAG 3.1.2: mod-sanita has no Slovenian yet; its questions are served in Italian, and a screen
    reader must speak them as Italian, not with the page's Slovenian rules."""
    from registry import connect, ops
    from registry.db import session_scope
    from registry.models import Service

    with session_scope(connect(stack.settings.database_url)) as s:
        if s.get(Service, "demo-asl-modulo") is None:
            ops.add_service(s, actor="test", key="demo-asl-modulo", entity_ipa="asl_rm1", name="Prenotazioni CUP",
                            service_type="sanita.prenotazione", allowed_origins=[stack.site],
                            questionnaire_id="mod-sanita", questionnaire_version=1)
    tag = '<script src="{collector}/widget.js" data-service="demo-asl-modulo" async></script>'
    RAW["/sl.html"] = ('<!doctype html><html lang="sl"><head><meta charset="utf-8"><title>Storitev</title></head>'
                       f'<body><main><h1>Storitev</h1>{tag}</main></body></html>')
    page.goto(f"{stack.site}/sl.html")
    page.get_by_role("button", name="Pošlji").wait_for(timeout=10_000)
    texts = dict((t, lang) for lang, t in page.evaluate(f"({LANGS})(document.querySelector('.ascolto-widget').shadowRoot)"))
    assert texts["Kako ste na splošno zadovoljni s storitvijo?"] == "sl"  # cx-core's, translated
    assert texts["Sploh ne"] == "sl" and texts["Da"] == "sl"
    italian = [t for t, lang in texts.items() if lang == "it"]
    assert "La prestazione ti è stata proposta entro i tempi previsti dalla priorità della ricetta?" in italian
    assert "Non so" in italian and texts["La tua opinione sul servizio: prenotazioni sanitarie"] == "it"
    assert not [t for t in italian if "Kako" in t or "storitv" in t]

    page.goto(f"{stack.collector}/v1/services/demo-asl-modulo/form?lang=sl")  # the no-JS form, the same
    question = page.get_by_text("La prestazione ti è stata proposta entro")
    assert question.evaluate("e => e.closest('[lang]').lang") == "it"


# --- 11. the README's framed form on a site with a strict CSP --------------------------------------------

def test_the_readmes_iframe_snippet_shows_the_whole_form_under_a_strict_csp(stack, page):  # noqa: F811
    """The README's snippet sized the frame in a style attribute, which a strict CSP ignores: the
    form shrank to a 300 x 150 frame. It is pasted here as the README gives it, with the policy it says."""
    import re
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    snippet = re.search(r"<iframe .*?</iframe>", readme, re.S).group(0)
    frame_src = re.search(r"A site with a Content Security\s+Policy adds `(frame-src https://COLLECTOR_HOST)`", readme)
    csp = f"default-src 'none'; style-src 'self'; {frame_src.group(1)}".replace("https://COLLECTOR_HOST", stack.collector)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    RAW["/framed.html"] = ('<!doctype html><html lang="it"><head><meta charset="utf-8">'
                           f'<meta http-equiv="Content-Security-Policy" content="{csp}"><title>Servizio</title></head>'
                           '<body><main><h1>Servizio</h1>' + snippet.replace("https://COLLECTOR_HOST", "{collector}")
                           .replace("SERVICE_KEY", "{service}") + '</main></body></html>')
    page.goto(f"{stack.site}/framed.html")
    frame = page.frame_locator("iframe")
    frame.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    box = page.locator("iframe").bounding_box()
    assert box["height"] >= 1000 and box["width"] >= 900, box  # the whole form, not a 300 x 150 slot
    assert not [e for e in errors if "Content Security Policy" in e and "frame" in e], errors



def test_the_framed_forms_way_back_takes_the_whole_window_not_the_frame(stack, page):  # noqa: F811
    """The thank-you page of the README's framed form links back to the page of the service's site.
    The link opened inside the frame: the site's page, header and all, nested in its own frame."""
    RAW["/framed-back.html"] = ('<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Servizio</title></head>'
                                '<body><main><h1>Servizio</h1><iframe src="{collector}/v1/services/{service}/form?lang=it&amp;page=/framed-back.html" '
                                'title="Il tuo parere sul servizio" width="100%" height="1120" style="border:0"></iframe>'
                                '</main></body></html>')
    page.goto(f"{stack.site}/framed-back.html")
    frame = page.frame_locator("iframe")
    send_framed_form(page, frame)
    back = frame.get_by_role("link", name="Torna alla pagina da cui sei arrivato/a")
    back.click()
    page.wait_for_url(f"{stack.site}/framed-back.html")
    expect(page.locator("iframe")).to_have_count(1)  # the site's page, once: its own frame holds the form again
    assert page.frames[1].url.startswith(f"{stack.collector}/v1/services/{SERVICE}/form")


# --- 12. a site whose root font size is not 16px -----------------------------------------------------------

GEOMETRY = """() => { const r = document.querySelector('.ascolto-widget').shadowRoot, size = e => e && [e.offsetWidth, e.offsetHeight];
  return {card: size(r.querySelector('.asc-card')), title: getComputedStyle(r.querySelector('.asc-title')).marginBottom,
          option: size(r.querySelector('.asc-opt')), radio: size(r.querySelector('input')),
          button: size(r.querySelector('button[type=submit]')), fab: size(r.querySelector('.asc-fab'))}; }"""


def test_a_sites_62_5_percent_root_font_does_not_shrink_the_widget(stack, page):  # noqa: F811
    """A site with html{font-size:62.5%} (1rem = 10px, a common CMS habit) shrank the card to 400px,
    the radios to 12.5px and every box and gap around text that stays 16px: the widget sized itself in
    the site's rem. It is now the same on both sites."""
    seen = {}
    for name, css, attrs in [("16px", "", ""), ("62.5%", "html{font-size:62.5%} body{font-size:1.6rem}", ""),
                             ("16px floating", "", ' data-mode="floating"'),
                             ("62.5% floating", "html{font-size:62.5%}", ' data-mode="floating"')]:
        path = f"/root-{len(seen)}.html"
        RAW[path] = (f'<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Servizio</title><style>{css}</style>'
                     f'</head><body><main><h1>Servizio</h1><script src="{{collector}}/widget.js" data-service="{{service}}"{attrs}'
                     ' async></script></main></body></html>')
        page.goto(f"{stack.site}{path}")
        if "floating" in name:
            page.get_by_role("button", name="Dai il tuo parere").click()
        page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
        seen[name] = page.evaluate(GEOMETRY)
    assert seen["16px"]["card"][0] == 640 and seen["16px"]["radio"] == [20, 20]
    assert seen["62.5%"] == seen["16px"]
    assert seen["62.5% floating"] == seen["16px floating"]


# --- 13. a data-target that matches nothing --------------------------------------------------------------

@pytest.mark.parametrize("target, hint", [("ascolto", 'data-target="#ascolto"'), ("#1-box", None), ("#missing", None)])
def test_a_data_target_that_matches_nothing_still_shows_the_questionnaire_and_says_why(stack, page, target, hint):  # noqa: F811
    """An id without its "#" put the questionnaire after the tag without a word; a selector that is not
    one ("#1-box") threw inside the widget, which then showed nothing at all."""
    warnings, _ = record(page)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    tag = f'<script src="{{collector}}/widget.js" data-service="{{service}}" data-target="{target}" async></script>'
    site_page(page, stack, f"/target-{len(target)}.html", f'<div id="ascolto"></div><p>…</p>{tag}<p id="after">…</p>')
    page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    assert page.evaluate("document.querySelector('.ascolto-widget').nextElementSibling.id") == "after"  # after its tag
    [warning] = [w for w in warnings if "data-target" in w]
    assert f'"{target}"' in warning and f'"{SERVICE}"' in warning
    assert hint is None or hint in warning
    assert errors == []


# --- 14. the questionnaire cannot be loaded for a moment ----------------------------------------------------

def test_a_busy_or_failing_collector_at_load_is_tried_again_not_taken_for_an_unknown_key(stack, page):  # noqa: F811
    """A 503 (or a proxy's 502) on the questionnaire was final for the page view: the citizen never saw
    the questions, and the web manager read "an unknown key, or a service that is not active"."""
    warnings, _ = record(page)
    failures = {"left": 1}

    def questionnaire(route):
        if failures["left"]:
            failures["left"] -= 1
            route.fulfill(status=503, headers={"Access-Control-Allow-Origin": stack.site, "Retry-After": "1",
                                               "Access-Control-Expose-Headers": "Retry-After"},
                          content_type="application/json", body='{"error": "unavailable", "message": "Later.", "fields": {}}')
        else:
            route.continue_()

    page.route("**/questionnaire?*", questionnaire)
    page.goto(f"{stack.site}/inline.html")
    page.get_by_role("button", name="Invia").wait_for(timeout=15_000)  # the second try, ~3 s later
    assert failures["left"] == 0 and not [w for w in warnings if "unknown key" in w]

    warnings, _ = record(page)
    failures["left"] = 100
    page.clock.install()
    page.goto(f"{stack.site}/inline.html")
    for _ in range(10):
        page.clock.run_for(10_000)
        page.wait_for_timeout(200)
        if [w for w in warnings if "could not be loaded" in w]:
            break
    [warning] = [w for w in warnings if "Ascolto" in w]
    assert "HTTP 503" in warning and "4 tries" in warning and f'"{SERVICE}"' in warning and "unknown key" not in warning
    assert failures["left"] == 96 and page.locator(".ascolto-widget").count() == 0


def test_a_nonce_based_csp_needs_only_the_nonce_on_the_tag_as_the_readme_says(stack, page):  # noqa: F811
    """A strict, nonce-based policy ('strict-dynamic') ignores host lists: the README says to put the
    page's nonce on the tag; module tags included."""
    csp = f"default-src 'none'; script-src 'nonce-r4nd0m' 'strict-dynamic'; connect-src {stack.collector}"
    tags = ('<script nonce="r4nd0m" src="{collector}/widget.js" data-service="{service}" async></script>'
            '<script nonce="r4nd0m" type="module" src="{collector}/widget.js" data-service="demo-milano-anagrafe"></script>')
    site_page(page, stack, "/nonce.html", tags, head=f'<meta http-equiv="Content-Security-Policy" content="{csp}">')
    expect(page.locator(".ascolto-widget")).to_have_count(2, timeout=15_000)  # a locator: the page's CSP forbids eval
    page.get_by_role("button", name="Invia").first.wait_for(timeout=10_000)


# --- 10. two services on one page; a phone's toolbar -------------------------------------------------------

FLOATING = '<script src="{collector}/widget.js" data-service="%s" data-mode="floating" async></script>'
INLINE = '<script src="{collector}/widget.js" data-service="%s" async></script>'
PENSIONE = "demo-inps-pensione"


def test_two_floating_buttons_are_stacked_and_named_by_their_service(stack, page):  # noqa: F811
    """Both buttons sat at the same place, both "Dai il tuo parere": the first could not be clicked and
    a screen reader could not tell the two (nor their dialogs) apart. Under a strict policy (no inline styles)."""
    csp = "default-src 'none'; script-src {collector}; connect-src {collector}; style-src 'self'"
    site_page(page, stack, "/two-floating.html", FLOATING % "{service}" + "<p>…</p>" + FLOATING % PENSIONE,
              head=f'<meta http-equiv="Content-Security-Policy" content="{csp}">')
    expect(page.locator(".ascolto-widget")).to_have_count(2, timeout=15_000)  # a locator: the page's CSP forbids eval
    roma = page.get_by_role("button", name="Dai il tuo parere – Certificati anagrafici online")
    inps = page.get_by_role("button", name="Dai il tuo parere – Domanda di pensione")
    expect(roma).to_be_visible()
    expect(inps).to_be_visible()
    a, b = roma.bounding_box(), inps.bounding_box()
    assert a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]  # one above the other
    for fab, name in ((roma, "Certificati anagrafici online"), (inps, "Domanda di pensione")):
        expect(fab).to_contain_text(name)  # shown, not only spoken, with another button on the page
        fab.click()  # by mouse: nothing covers it
        dialog = page.get_by_role("dialog", name=f"La tua opinione sul servizio {name}")
        expect(dialog).to_be_visible()
        expect(dialog.get_by_role("form", name=f"La tua opinione sul servizio {name}")).to_be_visible()
        dialog.get_by_role("button", name="Chiudi").click()
        expect(dialog).to_be_hidden()


def test_a_floating_button_removed_by_a_single_page_site_leaves_no_gap_in_the_stack(stack, page):  # noqa: F811
    """A single-page site that takes one of two floating widgets out of the document kept its entry in
    ``window.ascoltoFloating``: the other button stayed up where the stack had put it, over an empty gap,
    still showing its service's name as if another button were there."""
    site_page(page, stack, "/two-floating-spa.html", FLOATING % "{service}" + "<p>…</p>" + FLOATING % PENSIONE)
    expect(page.locator(".ascolto-widget")).to_have_count(2, timeout=15_000)
    roma = page.get_by_role("button", name="Dai il tuo parere – Certificati anagrafici online")
    inps = page.get_by_role("button", name="Dai il tuo parere – Domanda di pensione")
    expect(roma).to_be_visible()
    expect(inps).to_be_visible()
    boxes = {"roma": roma.bounding_box(), "inps": inps.bounding_box()}
    lower, upper = sorted(boxes, key=lambda k: -boxes[k]["y"])  # the first to appear is at the bottom
    gone, kept = (roma, inps) if lower == "roma" else (inps, roma)
    gone.evaluate("b => b.getRootNode().host.remove()")  # the site's router drops that widget
    expect(page.locator(".ascolto-widget")).to_have_count(1)
    page.wait_for_function(f"Math.abs(document.querySelector('.ascolto-widget').shadowRoot.querySelector('.asc-fab')"
                           f".getBoundingClientRect().y - {boxes[lower]['y']}) < 1", timeout=5_000)
    assert page.evaluate("window.ascoltoFloating.length") == 1
    # alone again: its service's name is for screen readers only, as on a page with one button
    assert page.evaluate("document.querySelector('.ascolto-widget').shadowRoot.querySelector('.asc-fab > span:last-child')"
                         ".getBoundingClientRect().width") <= 1
    expect(kept).to_be_visible()


def test_one_floating_button_shows_its_usual_label_and_speaks_its_service(stack, page):  # noqa: F811
    page.goto(f"{stack.site}/floating.html")
    fab = page.get_by_role("button", name="Dai il tuo parere – Certificati anagrafici online")
    expect(fab).to_be_visible()
    # alone on the page: the name is for screen readers only (a 1-pixel clipped span)
    assert page.evaluate("document.querySelector('.ascolto-widget').shadowRoot.querySelector('.asc-fab > span:last-child')"
                         ".getBoundingClientRect().width") <= 1


def test_two_inline_widgets_are_told_apart_by_their_service_without_changing_the_title(stack, page):  # noqa: F811
    site_page(page, stack, "/two-inline.html", INLINE % "{service}" + "<p>…</p>" + INLINE % PENSIONE)
    page.wait_for_function("document.querySelectorAll('.ascolto-widget').length === 2", timeout=15_000)
    for name in ("Certificati anagrafici online", "Domanda di pensione"):
        form = page.get_by_role("form", name=f"La tua opinione sul servizio {name}")
        expect(form).to_be_visible()
        expect(form.get_by_role("heading")).to_have_text("La tua opinione sul servizio")  # the validator's words


def test_the_floating_dialogs_send_button_is_within_a_phones_visual_viewport(stack, browser):  # noqa: F811
    """A phone's toolbar covers the bottom of 100vh (the largest viewport): the dialog is as high as the
    dynamic viewport (100dvh), 100vh only where dvh is not known."""
    context = browser.new_context(locale="it-IT", viewport={"width": 390, "height": 664}, is_mobile=True,
                                  has_touch=True, device_scale_factor=3)
    try:
        page = context.new_page()
        page.goto(f"{stack.site}/floating.html")
        page.get_by_role("button", name="Dai il tuo parere").click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        root = "document.querySelector('.ascolto-widget').shadowRoot"
        declared = page.evaluate(f"""() => {{ const r = {root}; const sheets = [...r.adoptedStyleSheets,
            ...[...r.querySelectorAll('style')].map(s => s.sheet)];
            return sheets.flatMap(s => [...s.cssRules]).filter(c => c.selectorText === '.asc-dlg')
                         .map(c => c.style.maxHeight); }}""")
        assert declared == ["calc(100dvh - 2em)"]  # the fallback (100vh) is overridden where dvh is known
        send = dialog.get_by_role("button", name="Invia")
        send.scroll_into_view_if_needed()
        box, seen = send.bounding_box(), page.evaluate("visualViewport.height")
        assert 0 <= box["y"] and box["y"] + box["height"] <= seen
        dlg = dialog.bounding_box()
        assert dlg["y"] >= 0 and dlg["y"] + dlg["height"] <= seen
    finally:
        context.close()
