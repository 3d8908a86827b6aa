"""From an entity to its service type's comparison, the reader keeps what they were looking at.

A monitoring user on Roma's page for 2026-Q3 and "Rapidità" clicked "Certificati anagrafici" to see how
Roma compares with the other comuni, and landed on the latest month and "Soddisfazione": another
period and indicator, nothing on the page saying the view changed. The link now carries the entity
page's indicator, frequency and period."""
from __future__ import annotations

import html
import re
from datetime import date

import pytest

from tests.conftest import pinned_clock
from tests.console_data import build
from warehouse.console import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with pinned_clock(date(2026, 12, 15)):
        settings, tokens = build(tmp_path_factory.mktemp("entity-links"))
        c = create_app(settings).test_client()
        c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
        yield c


def _type_link(page: str, code: str) -> str:
    row = re.search(r'<tr data-service="demo-roma-anagrafe">(.*?)</tr>', page, re.S).group(1)
    return html.unescape(re.search(rf'href="(/service-types/{re.escape(code)}[^"]*)"', row).group(1))


def test_the_entity_pages_service_type_link_keeps_its_indicator_and_period(client):
    with pinned_clock(date(2026, 12, 15)):
        page = client.get("/entities/c_h501?indicator=speed&freq=Q&period=2026-Q3").get_data(as_text=True)
        href = _type_link(page, "anagrafe.certificati")
        for part in ("indicator=speed", "freq=Q", "period=2026-Q3"):
            assert part in href, href
        target = client.get(href)
        assert target.status_code == 200
        assert re.search(r'<option value="speed"\s+selected', target.get_data(as_text=True))
        default = _type_link(client.get("/entities/c_h501").get_data(as_text=True), "anagrafe.certificati")
        assert "freq=M" in default and "period=2026-10" in default  # the period the page states
