"""Debian chromium for the browser tests (never a downloaded browser), shared by every browser test."""
from __future__ import annotations

import os
import shutil
import threading

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: As this machine's probe runs it: no sandbox as root, and no background network (none is reachable).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: A citizen's browser for answers a test wants counted: headless chromium's own user agent says
#: "HeadlessChrome", which the collector classifies as automated (kept, never counted: issue 19).
CITIZEN_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
#: The markers of every browser test module: ``pytestmark = BROWSER``.
BROWSER = [
    pytest.mark.browser, pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (apt-get install chromium)"),
]


def launch(playwright):
    """Launch Debian chromium headless with the arguments above."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def serve(app) -> tuple[str, object]:
    """``app`` served on a free loopback port in a thread: ``(base URL, server)``; ``server.shutdown()`` ends it."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def send_framed_form(page, frame) -> None:
    """Answer the standard no-JS form inside ``frame`` (a frame locator of ``page``) as a person does —
    satisfaction 4, task done — and send it after the form's minimum fill time."""
    import re

    frame.get_by_role("radio", name=re.compile("^4")).first.check()
    frame.get_by_role("radio", name="Sì").check()
    page.wait_for_timeout(1600)  # a person takes longer than the form's minimum fill time
    frame.get_by_role("button", name="Invia").click()


def serious(results) -> list[str]:
    """The serious and critical violations of an axe run (``Axe().run(page)``), each with its first targets."""
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def serve_released(root, rows: list[dict], quarters, now=None):
    """The public site over ``rows`` (written as a processor batch) with ``quarters`` released at ``now`` (default
    2026-12-02 09:00 UTC), served on a free port: a context manager yielding its base URL."""
    import contextlib
    from datetime import datetime, timezone

    from settings import Settings
    from tests.warehouse_rows import write
    from warehouse.dataset import Warehouse
    from warehouse.protect import Protection
    from warehouse.public import create_app
    from warehouse.publish import publish

    @contextlib.contextmanager
    def running():
        write(root, rows)
        settings = Settings(data_dir=root)
        with Warehouse(settings) as wh:
            for q in quarters:
                publish(wh.cursor(), q, settings.releases_path, Protection.from_settings(settings),
                        now=now or datetime(2026, 12, 2, 9, tzinfo=timezone.utc))
        url, server = serve(create_app(settings.with_(public_rate_limit="100000/minute")))
        try:
            yield url
        finally:
            server.shutdown()
    return running()
