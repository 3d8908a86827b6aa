"""The public site's trend charts in Debian chromium (Playwright, never a downloaded browser) with axe-core:
the home page's chart image actually renders under the site's CSP (``img-src 'self'``), the SVG opened on
its own applies its inline styles under its own CSP (no violation reported) and draws its text in a
fallback sans-serif, and the pages with charts pass axe (no serious or critical violation).
"""
from __future__ import annotations


import pytest

from tests.browser import BROWSER, serious, serve_released
from tests.warehouse_rows import response

pytestmark = BROWSER
TYPE = "anagrafe.certificati"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    months = {"2026-Q2": ("2026-04", "2026-05", "2026-06"), "2026-Q3": ("2026-07", "2026-08", "2026-09")}
    rows = [response(period=m, service_type=TYPE, satisfaction=1 + i % 5) for q in months for m in months[q]
            for i in range(30)]
    with serve_released(tmp_path_factory.mktemp("public-charts-browser"), rows, months) as url:
        yield url



def test_the_chart_renders_under_the_csp_and_the_pages_pass_axe(base, browser):
    from axe_playwright_python.sync_playwright import Axe

    ctx = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    ctx.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    page = ctx.new_page()
    blocked: list[str] = []
    page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
    found = {}
    for lang, path, src in (("it", "/it/", "/it/charts/national.svg"), ("de", "/de/", "/de/charts/national.svg"),
                            ("en", f"/en/service-types/{TYPE}", f"/en/charts/service-types/{TYPE}.svg")):
        page.goto(base + path)
        img = page.locator(f'img[src="{src}"]')
        img.wait_for()
        page.wait_for_function("s => { const i = document.querySelector(`img[src=\"${s}\"]`); return i.complete }", arg=src)
        size = img.evaluate("i => [i.naturalWidth, i.naturalHeight, i.getBoundingClientRect().width]")
        assert size[0] > 0 and size[1] > 0 and size[2] > 0, (path, size)  # it rendered, under img-src 'self'
        assert img.get_attribute("alt").strip()
        found[path] = serious(Axe().run(page))
    assert {k: v for k, v in found.items() if v} == {}

    # the SVG on its own: a document under its own CSP — its inline styles apply, its text is drawn as text
    page.goto(base + "/it/charts/national.svg")
    drawn = page.evaluate("""() => {
        const t = [...document.querySelectorAll('text')].find(e => e.textContent === '% giudizi positivi');
        const m = document.querySelector('g.point use');
        return {width: t.getBBox().width, font: getComputedStyle(t).fontFamily, fill: getComputedStyle(t).fill,
                marker: getComputedStyle(m).fill, points: document.querySelectorAll('g.point').length};
    }""")
    assert drawn["width"] > 40 and "sans-serif" in drawn["font"], drawn
    assert drawn["fill"] == "rgb(26, 26, 26)" and drawn["marker"] == "rgb(0, 89, 179)", drawn  # styles applied
    assert drawn["points"] == 2  # satisfaction in two quarters (no task completion among these answers)
    ctx.close()
    assert blocked == []

    phone = browser.new_context(locale="it-IT", viewport={"width": 320, "height": 640})  # the chart shrinks to fit
    page = phone.new_page()
    page.goto(base + "/it/")
    width = page.locator('img[src="/it/charts/national.svg"]').evaluate("i => i.getBoundingClientRect().width")
    assert 0 < width <= 320 and page.evaluate("document.documentElement.scrollWidth") <= 320
    phone.close()
