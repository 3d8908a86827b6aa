"""Names from the registry are shown in a chart as they are written, never read as markup (Debian chromium).
plotly.js reads a subset of HTML in a trace's name, text and hover text: an entity named
``<b>Roma</b><br><a href=…>clic</a>`` was drawn bold on two lines with a link in the chart, and so was a
service's name in the comparison's hover. ``charts.for_plotly`` hands the data text to plotly.js as
entities; the picture shows the literal name and holds no link and no bold text of it."""
from __future__ import annotations

import pytest

from registry import connect, dispose, ops, session_scope
from tests.browser import BROWSER, serve
from tests.console_data import build
from tests.test_console_browser import sign_in

pytestmark = [*BROWSER, pytest.mark.usefixtures("clock_2027")]  # fixed data of 2026, read as ended periods

ENTITY = '<b>Roma</b><br><a href="https://evil.example/">clic</a> & co'
SERVICE = '<i>Certificati</i><br><a href="https://evil.example/s">qui</a>'
PERIOD = "freq=M&period=2026-10"


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    from warehouse.console import close_app, create_app

    settings, tokens = build(tmp_path_factory.mktemp("chart-names"))
    factory = connect(settings.database_url)
    with session_scope(factory) as s:
        ops.update_entity(s, "c_h501", actor="test", name=ENTITY)
        ops.update_service(s, "demo-roma-anagrafe", actor="test", name=SERVICE)
    dispose(factory)
    app = create_app(settings)
    url, server = serve(app)
    try:
        yield url, tokens
    finally:
        server.shutdown()
        close_app(app)


def _markup_in(page, chart: str) -> dict:
    """What the chart's SVG holds of a name read as markup: links, bold or italic text, and its texts."""
    return page.evaluate("""(id) => {
        const el = document.querySelector(`[data-chart="${id}"]`);
        const spans = [...el.querySelectorAll("svg tspan, svg text")];
        return {links: el.querySelectorAll("svg a").length,
                styled: spans.filter(s => /font-weight:\\s*bold|font-style:\\s*italic/.test(s.getAttribute("style") || "")).length,
                texts: [...el.querySelectorAll("svg text")].map(t => t.textContent)};
    }""", chart)


def test_names_are_literal_in_the_charts_text_legend_and_hover(console, browser):
    base, tokens = console
    context, page = sign_in(browser, base, tokens["monitoring"], path=f"/workspace/c_h501?{PERIOD}")
    try:
        chart = "funnel-anagrafe.certificati"  # the entity's point, labelled with its name
        page.wait_for_selector(f'[data-chart="{chart}"] svg .scatterlayer')
        found = _markup_in(page, chart)
        assert found["links"] == 0 and found["styled"] == 0, found
        assert ENTITY in found["texts"], found["texts"]  # the marker's label and the legend: the name as written

        page.goto(f"{base}/entities/c_h501?{PERIOD}")  # the entity's trend: its name is the line's legend
        trend = page.locator("[data-chart]").first.get_attribute("data-chart")
        page.wait_for_selector(f'[data-chart="{trend}"] svg .legend')
        found = _markup_in(page, trend)
        assert found["links"] == 0 and found["styled"] == 0 and ENTITY in found["texts"], found

        page.goto(f"{base}/service-types/anagrafe.certificati?level=service&{PERIOD}")  # services: in the hover
        chart = "funnel"
        page.wait_for_selector(f'[data-chart="{chart}"] svg .scatterlayer')
        hover = page.evaluate("""(id) => {
            const el = document.querySelector(`[data-chart="${id}"]`);
            const t = el.data.findIndex(d => (d.hovertext || []).some(h => h.includes("Certificati")));
            const p = el.data[t].hovertext.findIndex(h => h.includes("Certificati"));
            Plotly.Fx.hover(el, [{curveNumber: t, pointNumber: p}]);
            const layer = el.querySelector(".hoverlayer");
            return {text: layer.textContent, links: layer.querySelectorAll("a").length,
                    styled: [...layer.querySelectorAll("tspan")].filter(
                        s => /font-style:\\s*italic|font-weight:\\s*bold/.test(s.getAttribute("style") || "")).length};
        }""", chart)
        assert SERVICE in hover["text"] and hover["links"] == 0 and hover["styled"] == 0, hover
        assert not page.errors, page.errors
        assert page.locator("a[href^='https://evil.example']").count() == 0  # nowhere on the page
    finally:
        context.close()
