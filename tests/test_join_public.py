"""/join is a public page (a PA's web manager arrives there without a token): it wears the public
header and footer, never the console's "Console di monitoraggio · uso interno"; the console's own
pages (the sign-in) keep theirs. One base template (base.html) for both: the page sets ``public``."""
from __future__ import annotations

import html

import pytest

from tests.workspace_data import build_workspace
from warehouse.console import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    seeded = build_workspace(tmp_path_factory.mktemp("join-public"))
    app = create_app(seeded[0])
    app.config["WTF_CSRF_ENABLED"] = False
    return app.test_client()


@pytest.mark.parametrize("lang,public,internal", [
    ("it", "Adesione delle pubbliche amministrazioni", ("Console di monitoraggio", "uso interno")),
    ("en", "Public administrations joining", ("Monitoring console", "internal use"))])
def test_join_has_the_public_header_and_footer(client, lang, public, internal):
    for r in (client.get(f"/join?lang={lang}"),
              client.post(f"/join?lang={lang}", data={"ipa_code": "nope_123", "service_name": "x",
                                                      "service_type": "anagrafe.certificati", "channels": ["web"]})):
        page = html.unescape(r.get_data(as_text=True))
        assert r.status_code in (200, 422)
        header, footer = page.split("</header>")[0], page.split('<footer class="foot">')[1]
        assert public in header and public in footer
        for word in internal:
            assert word not in page


def test_the_sign_in_page_stays_the_console_s(client):
    page = html.unescape(client.get("/login?lang=it").get_data(as_text=True))
    assert "Console di monitoraggio" in page and "uso interno" in page.split('<footer class="foot">')[1]
    assert "Adesione delle pubbliche amministrazioni" not in page
