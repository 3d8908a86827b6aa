"""Issue 19, the PA web manager's first hour, walked in Debian chromium as the README tells it.

A web manager looks up the service types, registers a service for the page's origin, pastes the
snippet that `ascolto registry add-service` prints into a page, and sees a citizen's answer reach
the warehouse; the same page on an origin the service does not allow says that the form is not
active there. axe checks every page the citizen sees.
"""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from click.testing import CliRunner

from ascolto.cli import main
from deploy.broker import free_port
from tests.browser import BROWSER
from tests.test_widget_browser import _answer_minimal, page, serious, shot, stack  # noqa: F401 (fixtures)

pytestmark = BROWSER

PAGE = """<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Cambio di residenza</title></head>
<body><main><h1>Cambio di residenza</h1><p>La tua dichiarazione è stata inviata.</p>
{snippet}
</main></body></html>"""


def test_the_web_manager_registers_a_service_pastes_the_snippet_and_sees_an_answer_arrive(stack, page):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    env = {"ASCOLTO_DATA_DIR": str(stack.settings.data_dir), "ASCOLTO_DATABASE_URL": stack.settings.database_url,
           "ASCOLTO_PUBLIC_URL": stack.collector, "ASCOLTO_ACTOR": "web manager"}
    cli = CliRunner()
    types = cli.invoke(main, ["registry", "service-types", "--category", "L6"], env=env)
    assert types.exit_code == 0 and "anagrafe.certificati" in types.output
    wrong = cli.invoke(main, ["registry", "add-service", "--entity", "c_h501", "--name", "Residenza",
                              "--type", "anagrafe.residence"], env=env)
    assert wrong.exit_code != 0 and "anagrafe.certificati" in wrong.output  # the error lists the valid types

    port = free_port()  # the page's origin, known before the page exists
    origin = f"http://127.0.0.1:{port}"
    added = cli.invoke(main, ["registry", "add-service", "--entity", "c_h501", "--name", "Cambio di residenza",
                              "--type", "anagrafe.certificati", "--origin", origin], env=env)
    assert added.exit_code == 0, added.output
    key = added.output.splitlines()[0].strip()
    snippet = "\n".join(ln for ln in added.output.splitlines() if ln.startswith(("<script", "<noscript")))
    assert f'data-service="{key}"' in snippet and f"/v1/services/{key}/form" in snippet

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            body = PAGE.format(snippet=snippet).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.goto(f"{origin}/residenza.html")
        page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
        assert serious(Axe().run(page)) == []
        _answer_minimal(page)
        page.keyboard.press("Enter")
        page.get_by_text("Grazie! La tua risposta è stata registrata.").wait_for(timeout=10_000)
        shot(page, "persona-web-manager.png", full_page=True)
        [sent] = page.evaluate("window.__submitted")
        assert sent["service"] == key
        row = stack.wait_row(sent["submission_id"])
        assert row["service"] == key and row["entity"] == "c_h501" and row["channel"] == "web"

        page.goto(f"http://localhost:{port}/residenza.html")  # the same page on an origin not declared
        note = page.get_by_role("status")
        note.wait_for(timeout=10_000)
        assert note.text_content() == "Questo modulo non è attivo su questa pagina."
        assert serious(Axe().run(page)) == []
    finally:
        server.shutdown()
