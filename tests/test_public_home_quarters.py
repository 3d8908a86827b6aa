"""The public site's home page (docs/public.md §4–5) lists the released quarters: one that holds only part
of its months says so in the list too (only the latest, shown above it, did: a reader picking an older
partial quarter from the list saw no hint), and the list says why the quarter still running is not there.
Pinned to a December: 2026-Q4 is running, 2026-Q3 the latest released."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from settings import Settings
from tests.warehouse_rows import response, write
from warehouse.dataset import Warehouse
from warehouse.protect import Protection
from warehouse.publish import publish

pytestmark = pytest.mark.usefixtures("clock_december")

NOW = datetime(2026, 12, 2, 12, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from warehouse.public import create_app

    root = tmp_path_factory.mktemp("public-home")
    write(root, [response(period=m, satisfaction=1 + i % 5) for m in ("2026-06", "2026-07", "2026-08", "2026-09",
                                                                      "2026-10", "2026-11") for i in range(40)])
    settings = Settings(data_dir=root)
    with Warehouse(settings) as wh:
        for q in ("2026-Q2", "2026-Q3"):
            publish(wh.cursor(), q, settings.releases_path, Protection.from_settings(settings), now=NOW)
    return create_app(settings.with_(public_rate_limit="100000/minute")).test_client()


@pytest.mark.parametrize("lang, partial, ended", [
    ("it", "dati parziali: solo 2026-06", "Si pubblicano solo trimestri conclusi"),
    ("en", "partial data: 2026-06 only", "Only ended quarters are released"),
    ("de", "unvollständige Daten: nur 2026-06", "Es werden nur abgeschlossene Quartale veröffentlicht")])
def test_the_list_marks_a_partial_quarter_and_says_why_the_running_one_is_missing(site, lang, partial, ended):
    page = site.get(f"/{lang}/").get_data(as_text=True)
    items = dict(re.findall(r'<li><a href="/\w+/(\d{4}-Q\d)">.*?</a>(.*?)</li>', page, re.S))
    assert list(items) == ["2026-Q3", "2026-Q2"]
    assert partial in items["2026-Q2"] and "data-partial" in items["2026-Q2"], items
    assert "data-partial" not in items["2026-Q3"]  # a whole quarter says nothing
    assert 'data-coverage="partial"' not in page  # the latest, shown above, is whole
    assert ended in page and "2026-Q4" not in page  # no running period named (nor linked)
