"""Acceptance of the walking skeleton: `ascolto up`, a citizen answers in the demo page's widget
in a real browser (Debian chromium via Playwright), and the answer shows in the console API."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from deploy.broker import free_port
from tests.conftest import wait_for
from tests.browser import BROWSER, CITIZEN_UA, launch

pytestmark = BROWSER


def _get_json(url: str, token: str | None = None):
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(req, timeout=30) as resp:  # the first read builds the rollup
        return json.loads(resp.read())


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    ports = {name: free_port() for name in ("COLLECTOR", "CONSOLE", "DEMO", "BROKER", "PUBLIC")}
    data_dir = tmp_path_factory.mktemp("stack")
    ports["DATA_DIR"] = data_dir
    env = dict(os.environ, ASCOLTO_DATA_DIR=str(data_dir),
               ASCOLTO_ROLLUP_CHECK_S="0.5", **{f"ASCOLTO_{k}_PORT": str(v) for k, v in ports.items()})
    proc = subprocess.Popen([sys.executable, "-m", "ascolto.cli", "up", "--demo-responses", "5", "--demo-months", "1"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    said = []
    try:
        for line in proc.stdout:
            said.append(line)
            if line.strip().startswith(("monitoring ", "admin ")) and "asc_" in line:
                role, secret = line.split()
                ports[f"TOKEN_{role.upper()}"] = secret  # the demo tokens `ascolto up` prints once
            if line.startswith("Press Ctrl-C"):
                break
        else:
            pytest.fail("ascolto up exited before it was ready")
        ports["SAID"] = said
        # the demo says what it loaded and that nothing was lost to rate limits (issue 19, point 10)
        [history] = [ln for ln in said if ln.startswith("ascolto: demo history: ")]
        loaded, of = history.split(": ")[2].split(" accepted")[0].split(" of ")
        assert loaded == of and "(none refused" in history
        assert "ascolto: 5 of 5 accepted.\n" in said
        seen = []  # the processor catches up with the demo data before the test counts from it
        wait_for(lambda: seen.append(_total(ports)) or (len(seen) > 1 and seen[-1] == seen[-2] > 0),
                 timeout_s=60, interval_s=2, message="the demo data in the console")
        yield ports
    finally:
        proc.send_signal(signal.SIGINT)  # what Ctrl-C does
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, out[-2000:]


def _total(ports) -> int:
    """Responses of anagrafe.certificati in the console's aggregate (the rollup), once the console has
    brought it up to date. Published figures are perturbed (cell-key method), so a new answer need not
    move them by exactly one: the test counts in the aggregate itself, and checks the API answers."""
    import duckdb

    from warehouse.rollup import RESPONSES, rollup_dir

    _get_json(f"http://127.0.0.1:{ports['CONSOLE']}/api/v1/indicators", ports["TOKEN_MONITORING"])  # refreshes the rollup
    files = str(rollup_dir(ports["DATA_DIR"]) / "**" / "*.parquet")
    if not list(rollup_dir(ports["DATA_DIR"]).glob("**/*.parquet")):
        return 0
    with duckdb.connect() as con:
        return int(con.execute(f"SELECT coalesce(sum(n), 0) FROM read_parquet('{files}', hive_partitioning = true, "
                               f"union_by_name = true) WHERE service_type = 'anagrafe.certificati' "
                               f"AND indicator = '{RESPONSES}'").fetchone()[0])


def test_every_address_ascolto_up_prints_answers(stack):
    """A new user opened the "Collector: http://127.0.0.1:8000" that ``make run`` prints and got a 404:
    every address of the "ascolto is up." lines answers — a page, a redirect to the console's sign-in,
    the API's 401 asking for the token named on its line — none a 404 nor a 5xx; and the commands it
    names are written as they run after ``make run`` (``.venv/bin/ascolto``: a bare ``ascolto publish``
    is "command not found" without an activated virtual environment)."""
    import re
    import urllib.error

    said = "".join(stack["SAID"])
    urls = re.findall(r"https?://[^\s)]+", said[said.index("ascolto is up."):])
    for url in urls:
        try:
            status = urllib.request.urlopen(url, timeout=30).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert status in (200, 401), (url, status)
    assert any(u.endswith("/openapi.json") for u in urls), said  # where a developer starts
    # the commands it names run as typed after `make run`, without an activated virtual environment
    commands = re.findall(r"([\w./]*)ascolto (?:registry|publish)\b", said[said.index("Demo console tokens"):])
    assert commands and set(commands) == {".venv/bin/"}, said


def test_an_answer_in_the_widget_reaches_the_national_indicator_within_10_seconds(stack, tmp_path):
    from playwright.sync_api import sync_playwright

    before = _total(stack)
    with sync_playwright() as pw:
        browser = launch(pw)
        # a citizen's browser (tests/browser.py): headless chromium's own user agent is automated
        page = browser.new_page(user_agent=CITIZEN_UA)
        page.goto(f"http://localhost:{stack['DEMO']}/")
        form = page.get_by_role("form", name="La tua opinione sul servizio")
        form.wait_for(timeout=10_000)
        # keyboard and label driven, as a screen-reader user would
        form.get_by_role("group", name="Complessivamente").get_by_label("5 – Moltissimo").check()
        form.get_by_role("group", name="Sei riuscito/a").get_by_label("Sì").check()
        assert form.get_by_role("group", name="Dove hai incontrato").is_hidden()
        form.get_by_label("Le indicazioni erano chiare").check()
        form.get_by_role("textbox").fill("Molto comodo, grazie")
        page.evaluate("window.__submitted = null; document.addEventListener('ascolto:submitted', e => window.__submitted = e.detail)")
        submitted_at = time.monotonic()
        form.get_by_role("button", name="Invia").click()
        page.get_by_text("Grazie! La tua risposta è stata registrata.").wait_for(timeout=10_000)
        detail = page.evaluate("window.__submitted")
        assert detail["service"] == "demo-roma-anagrafe" and len(detail["submission_id"]) == 36
        assert page.context.cookies() == []
        page.screenshot(path=str(tmp_path / "widget.png"), full_page=True)
        browser.close()
    wait_for(lambda: _total(stack) == before + 1, timeout_s=10, message="the answer in /api/v1/indicators")
    assert time.monotonic() - submitted_at < 10

