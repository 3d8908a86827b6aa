"""In Debian chromium: a PA developer's own script that calls the collector wrongly reads the JSON
error naming the problem — a mistyped path (its preflight included) and a wrong method — where it
used to get only "TypeError: Failed to fetch" (no CORS header on those errors)."""
from __future__ import annotations

import pytest

from tests.browser import BROWSER, launch, serve

pytestmark = BROWSER

PAGE = """<!doctype html><html lang="it"><head><title>Integrazione</title></head><body>
<p id="post">…</p><p id="get">…</p>
<script>
function show(id, call) {
  call.then(r => r.json().then(b => { document.getElementById(id).textContent =
      r.status + " " + b.error + " " + Object.keys(b.fields).join(","); }))
      .catch(e => { document.getElementById(id).textContent = "failed: " + e; });
}
show("post", fetch("%(collector)s/v1/submission", {method: "POST",
     headers: {"Content-Type": "application/json"}, body: "{}"}));
show("get", fetch("%(collector)s/v1/submissions"));
</script></body></html>"""


@pytest.fixture
def collector(settings):
    from collector.app import close_app, create_app

    app = create_app(settings)
    url, server = serve(app)
    yield url
    server.shutdown()
    close_app(app)


def test_a_pages_script_reads_the_404_and_405_naming_the_problem(collector):
    from playwright.sync_api import expect, sync_playwright

    def site(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [(PAGE % {"collector": collector}).encode()]

    url, pages = serve(site)
    try:
        with sync_playwright() as pw:
            browser = launch(pw)
            try:
                page = browser.new_page()
                page.goto(url + "/")
                expect(page.locator("#post")).to_have_text("404 not_found path", timeout=10_000)
                expect(page.locator("#get")).to_have_text("405 method_not_allowed method", timeout=10_000)
            finally:
                browser.close()
    finally:
        pages.shutdown()
