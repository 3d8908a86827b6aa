"""The demo PA site (deploy/demo_site/) on a phone, in Debian chromium: the page the README sends a PA's
web manager to, and the host page a citizen first meets the widget on."""
from __future__ import annotations

import pytest

from deploy.broker import free_port
from tests.browser import BROWSER

pytestmark = BROWSER


@pytest.mark.parametrize("path", ["/", "/floating.html"])
def test_the_demo_page_fits_a_phone_without_sideways_scrolling(browser, path):
    """The snippet shown in a ``<pre>`` kept its one long line: at 360 px the page was 800-960 px wide,
    so a citizen's phone panned sideways and the page looked zoomed out. The snippet now wraps."""
    from deploy.demo_site import make_server, serve_in_thread

    server = make_server(free_port(), collector_port=free_port())  # no collector: the page alone
    serve_in_thread(server)
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}{path}")
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], widths
        assert "widget.js" in page.locator("pre").inner_text()
    finally:
        context.close()
        server.shutdown()
        server.server_close()
