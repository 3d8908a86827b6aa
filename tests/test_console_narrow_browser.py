"""The console at 1280 px and on a 390-px phone (Debian chromium): its charts keep their labels
readable — the x axis's period labels, its title and the legend do not cover one another, and no label
is cut off at the picture's edge (a year of months turns the labels on a narrow chart; the legend placed
under the plot area covered them and the axis title, and on a phone the labels were cut: "2026-0") —
and no page is wider than the phone (a select of long options widened its form, and the page, to 620 px)."""
from __future__ import annotations

import pytest

from registry import connect, session_scope
from registry.demo import seed
from registry.tokens import create_token
from settings import Settings
from tests.browser import BROWSER, serve
from tests.test_console_browser import sign_in
from tests.warehouse_rows import response, write

pytestmark = [*BROWSER, pytest.mark.usefixtures("clock_2027")]  # fixed months of 2026, read as ended periods
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    """A console over a year of months of two services (every month published), a monitoring and an admin token."""
    from warehouse.console import create_app

    root = tmp_path_factory.mktemp("chart-layout")
    settings = Settings(data_dir=root, rollup_check_s=0.0)
    factory = connect(settings.database_url)
    seed(factory, ["https://www.comune.roma.it"])
    with session_scope(factory) as s:
        secret = create_token(s, role="monitoring", label="test monitoring", actor="test")[1]
        admin = create_token(s, role="admin", label="test admin", actor="test")[1]
    write(root, [response(period=p, day=1 + i % 28, entity=e, service=k, region=r, satisfaction=1 + i % 5)
                 for p in MONTHS for e, k, r in (("c_h501", "demo-roma-anagrafe", "ITI4"),
                                                 ("c_f205", "demo-milano-anagrafe", "ITC4")) for i in range(35)])
    url, server = serve(create_app(settings))
    yield url, secret, admin
    server.shutdown()


#: Each chart's boxes: its x labels, x title and legend, and the picture's own (plotly's SVG).
BOXES = """() => [...document.querySelectorAll('.js-plotly-plot')].map(g => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return {id: g.id || g.dataset.chart, svg: box(g.querySelector('svg.main-svg')),
          ticks: [...g.querySelectorAll('.xtick text')].map(box), title: [...g.querySelectorAll('.g-xtitle text')].map(box),
          legend: [...g.querySelectorAll('.legend .bg')].map(box)}; })"""


def overlap(a, b) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


@pytest.mark.parametrize("width", [1280, 390])
def test_chart_labels_neither_overlap_nor_are_cut(console, browser, width):
    base, secret, _admin = console
    context, page = sign_in(browser, base, secret, path="/")
    page.set_viewport_size({"width": width, "height": 844})
    for path in ("/?freq=M&period=2026-12", "/quality"):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)  # plotly redraws after the resize
        charts = page.evaluate(BOXES)
        assert charts, path
        for c in charts:
            where = f"{path} {c['id']} at {width}px"
            assert len(c["ticks"]) >= 12, where
            for t in c["ticks"]:
                assert c["svg"][0] - 1 <= t[0] and t[2] <= c["svg"][2] + 1 and t[3] <= c["svg"][3] + 1, \
                    f"{where}: a period label is cut off: {t} outside {c['svg']}"
                for other in c["title"] + c["legend"]:
                    assert not overlap(t, other), f"{where}: a period label {t} under the title/legend {other}"
            for t in c["title"]:
                for lg in c["legend"]:
                    assert not overlap(t, lg), f"{where}: the axis title {t} under the legend {lg}"
    assert not page.errors
    context.close()


def test_no_page_is_wider_than_a_phone(console, browser):
    """The service type's filters (its instruments' long titles), the exports' format and the admin's
    entity and service type selects kept their options' width: the whole page scrolled sideways on a
    390-px phone (in the demo: 620, 504 and 602 px). A field is at most as wide as the page; its select follows."""
    base, _secret, admin = console
    context, page = sign_in(browser, base, admin, path="/")
    page.set_viewport_size({"width": 390, "height": 844})
    wide = {}
    for path in ("/service-types/anagrafe.certificati?freq=M&period=2026-12", "/exports", "/admin/services"):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        if (w := page.evaluate("document.documentElement.scrollWidth")) > 390:
            wide[path] = w
    assert not wide, wide
    assert not page.errors
    context.close()
