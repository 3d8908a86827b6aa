"""A reader who types the running quarter (or any quarter not released) into the public site got the
generic "La pagina richiesta non esiste" 404. The page now says the quarter is not released, why (only
ended quarters are, after their end) and links the latest released one — in the address's language, with
the 404 status kept and no date of its own (the pages are rendered once per set of releases). Pinned to a
December: 2026-Q4 is running, 2026-Q3 the latest released."""
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

HTML = {"Accept": "text/html,*/*"}  # a browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from warehouse.public import create_app

    root = tmp_path_factory.mktemp("public-unreleased")
    write(root, [response(period=m, satisfaction=1 + i % 5) for m in ("2026-07", "2026-08", "2026-09", "2026-10")
                 for i in range(40)])
    settings = Settings(data_dir=root)
    with Warehouse(settings) as wh:
        publish(wh.cursor(), "2026-Q3", settings.releases_path, Protection.from_settings(settings),
                now=datetime(2026, 10, 2, 12, tzinfo=timezone.utc))
    return create_app(settings.with_(public_rate_limit="100000/minute")).test_client()


@pytest.mark.parametrize("lang, said, link", [
    ("it", "Il trimestre 2026-Q4 (ottobre–dicembre 2026) non è pubblicato: si pubblicano solo trimestri conclusi",
     "Ultimo trimestre pubblicato: 2026-Q3"),
    ("en", "The quarter 2026-Q4 (October–December 2026) is not released: only ended quarters are released",
     "Latest released quarter: 2026-Q3"),
    ("de", "Das Quartal 2026-Q4 (Oktober–Dezember 2026) ist nicht veröffentlicht: Es werden nur abgeschlossene "
           "Quartale veröffentlicht", "Zuletzt veröffentlichtes Quartal: 2026-Q3")])
def test_an_unreleased_quarter_says_why_and_links_the_latest(site, lang, said, link):
    r = site.get(f"/{lang}/2026-Q4", headers=HTML)
    assert r.status_code == 404
    page = r.get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert said in text and link in text, text[:1500]
    assert f'href="/{lang}/2026-Q3"' in page


def test_other_paths_keep_the_plain_not_found(site):
    page = site.get("/it/2026-Q5", headers=HTML).get_data(as_text=True)
    assert "La pagina richiesta non esiste" in page and "non è pubblicato" not in page
    assert site.get("/data/2026-Q4.json").status_code == 404  # the data stay JSON


@pytest.mark.parametrize("lang, said", [
    ("it", "Il trimestre 2026-Q2 (aprile–giugno 2026) è concluso, ma i suoi risultati non sono stati pubblicati."),
    ("en", "The quarter 2026-Q2 (April–June 2026) has ended, but its results have not been released."),
    ("de", "Das Quartal 2026-Q2 (April–Juni 2026) ist abgeschlossen, seine Ergebnisse wurden aber nicht veröffentlicht.")])
def test_an_ended_quarter_never_released_is_not_said_to_be_still_running(site, lang, said):
    """2026-Q2 is over and was not published: the page does not answer with the rule for a running quarter
    ("only ended quarters are released, after their end"), which read as if it had not ended (the console
    review's note); it says it ended unreleased, and still links the latest released quarter."""
    r = site.get(f"/{lang}/2026-Q2", headers=HTML)
    assert r.status_code == 404
    page = r.get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert said in text and "2026-Q3" in text, text[:1500]
    assert f'href="/{lang}/2026-Q3"' in page
