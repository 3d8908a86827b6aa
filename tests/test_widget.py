"""The widget as a file: size budget, privacy, languages, and how it is served (no browser needed)."""
from __future__ import annotations

import gzip
import re
import shutil
import subprocess
from importlib import resources

import pytest

from collector.public import served_widget
from questionnaires.model import LANGUAGES

SOURCE = resources.files("collector").joinpath("static", "widget.js").read_text("utf-8")


def test_widget_fits_the_15_kb_gzipped_budget():
    """The budget is on what a citizen downloads: the source without its own-line comments."""
    served = served_widget(SOURCE)
    assert len(gzip.compress(served, 9)) <= 15 * 1024
    assert len(gzip.compress(served, 9)) < len(gzip.compress(SOURCE.encode("utf-8"), 9)) - 2048  # headroom
    text = served.decode("utf-8")
    assert text.startswith("/* Ascolto feedback widget") and 'data-service="SERVICE_KEY"' in text  # the header kept
    assert "/* Build the questions into" not in text  # an own-line comment dropped
    assert "catch(function () { /* counts only: not retried */ })" in text  # a line with code kept whole
    # nothing but whole comment lines went: every other line is there, in order
    kept = [line for line in SOURCE.splitlines() if line.strip() and not line.lstrip().startswith(("/*", "*"))]
    assert [line for line in text.splitlines() if line in set(kept)] == kept


def test_widget_uses_no_cookies_storage_or_third_parties():
    for forbidden in ("document.cookie", "localStorage", "sessionStorage", "indexedDB", "navigator.sendBeacon",
                      "XMLHttpRequest", "eval(", "new Function"):
        assert forbidden not in SOURCE, forbidden
    assert 'credentials: "omit"' in SOURCE
    # every URL it talks to is relative to where widget.js itself came from: no CDN, no analytics
    assert re.findall(r"https?://[^\s\"']+", SOURCE) == ["https://HOST/widget.js", "http://www.w3.org/2000/svg"]
    assert "innerHTML" not in SOURCE  # also works under Trusted Types


def test_widget_has_its_ui_strings_in_the_five_languages():
    block = re.search(r"var S = \{(.*?)\n  \};", SOURCE, re.S).group(1)
    strings = dict(re.findall(r'^\s*(\w\w): "([^"]+)"', block, re.M))
    assert sorted(strings) == sorted(LANGUAGES)
    keys = re.search(r'var K = "([^"]+)"', SOURCE).group(1).split()
    for lang, joined in strings.items():
        parts = joined.split("|")
        assert len(parts) == len(keys), lang
        assert all(p.strip() for p in parts), lang
    assert strings["de"].split("|")[0] == "Senden" and strings["sl"].split("|")[0] == "Pošlji"


def test_widget_sends_the_bot_check_fields_and_reuses_its_submission_id():
    assert "hp: hp.value" in SOURCE and "fill_ms" in SOURCE
    assert "if (key !== sidKey) { sid = uuid4(); sidKey = key; }" in SOURCE
    assert "Retry-After" in SOURCE and '"ascolto:submitted"' in SOURCE


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed: syntax checked by the browser tests only")
def test_widget_is_valid_javascript(tmp_path):
    subprocess.run(["node", "--check", str(resources.files("collector").joinpath("static", "widget.js"))], check=True)
    served = tmp_path / "served.js"
    served.write_bytes(served_widget(SOURCE))
    subprocess.run(["node", "--check", str(served)], check=True)  # and as served


def test_widget_is_served_cacheable_and_embeddable_anywhere(client):
    resp = client.get("/widget.js")
    assert resp.status_code == 200 and resp.mimetype == "application/javascript"
    assert resp.get_data() == served_widget(SOURCE)
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "public" in resp.headers["Cache-Control"]
    assert client.get("/widget.js", headers={"If-None-Match": resp.headers["ETag"]}).status_code == 304
    assert "Set-Cookie" not in resp.headers
