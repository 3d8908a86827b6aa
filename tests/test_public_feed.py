"""The public site's Atom feed (``/<lang>/feed.atom``, docs/public.md): one entry per released quarter, newest
first, whose id stays the same when the quarter is revised (a reader's feed updates the entry, it does not add
one), whose summary is the quarter's key findings in the feed's language and, for a revision, its note; links
from the configured site address, never from a request's Host (the feed is cached for every reader).
Real publications over real Parquet, read back with the standard library's XML parser."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest

from settings import Settings
from tests.warehouse_rows import response, write
from warehouse.dataset import Warehouse
from warehouse.protect import Protection
from warehouse.public.highlights import findings, sentences
from warehouse.public.releases import Releases
from warehouse.publish import publish

pytestmark = pytest.mark.usefixtures("clock_december")

A = "{http://www.w3.org/2005/Atom}"
NOW = datetime(2026, 11, 2, 12, tzinfo=timezone.utc)
SITE = "https://dati.ascolto.example.it"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """2026-Q2 and 2026-Q3 released a month ago; Q3 revised a week later, with a note."""
    from warehouse.public import create_app

    root = tmp_path_factory.mktemp("feed")
    write(root, [response(period=m, satisfaction=4 + i % 2 if i % 3 else 2) for m in
                 ("2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09") for i in range(30)])
    settings = Settings(data_dir=root, public_site_url=SITE)
    with Warehouse(settings) as wh:
        prot = Protection.from_settings(settings)
        publish(wh.cursor(), "2026-Q2", settings.releases_path, prot, now=NOW)
        publish(wh.cursor(), "2026-Q3", settings.releases_path, prot, now=NOW)
    write(root, [response(period="2026-09", day=20, satisfaction=5) for _ in range(12)])  # answers arrived late
    with Warehouse(settings) as wh:
        publish(wh.cursor(), "2026-Q3", settings.releases_path, prot, revise=True,
                note="risposte di settembre arrivate in ritardo", now=NOW + timedelta(days=7))
    return create_app(settings.with_(public_rate_limit="100000/minute")).test_client(), settings


def feed(client, lang: str, **headers) -> ET.Element:
    r = client.get(f"/{lang}/feed.atom", headers=headers)
    assert r.status_code == 200 and r.mimetype == "application/atom+xml", r.status_code
    return ET.fromstring(r.get_data())


def test_one_entry_per_quarter_newest_first_a_revision_updating_its_own(site):
    client, _settings = site
    root = feed(client, "it")
    entries = root.findall(f"{A}entry")
    assert [e.findtext(f"{A}id") for e in entries] == ["tag:ascolto.istat.it,2026:release:2026-Q3",
                                                       "tag:ascolto.istat.it,2026:release:2026-Q2"]
    q3, q2 = entries
    assert q3.findtext(f"{A}title") == "Trimestre 2026-Q3 (luglio–settembre 2026), versione 2"
    assert q3.findtext(f"{A}published") < q3.findtext(f"{A}updated")  # first released, then revised
    assert q2.findtext(f"{A}published") == q2.findtext(f"{A}updated")
    assert root.findtext(f"{A}updated") == q3.findtext(f"{A}updated")
    assert q3.findtext(f"{A}summary").endswith("Nota di revisione: risposte di settembre arrivate in ritardo")
    assert "Nota di revisione" not in q2.findtext(f"{A}summary")


def test_the_summary_is_the_quarters_key_findings_in_the_feeds_language(site):
    client, settings = site
    rel = Releases(settings.releases_path).get()
    for lang in ("it", "en", "de"):
        root = feed(client, lang)
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        q2 = root.findall(f"{A}entry")[1]
        assert q2.findtext(f"{A}summary") == "\n".join(sentences(findings(rel["2026-Q2"], rel), lang, 30))
    assert feed(client, "en").findall(f"{A}entry")[0].findtext(f"{A}title").startswith("Quarter 2026-Q3 (July–September 2026)")


def test_links_come_from_the_configured_address_whatever_host_a_request_names(site):
    client, _settings = site
    root = feed(client, "en", Host="attacker.example")
    again = feed(client, "en")
    for r in (root, again):
        hrefs = [link.get("href") for link in r.iter(f"{A}link")]
        assert hrefs and all(h.startswith(SITE + "/") for h in hrefs), hrefs
    assert f"{SITE}/en/2026-Q3" in [link.get("href") for link in root.iter(f"{A}link")]


def test_every_page_announces_the_feed_and_the_home_page_links_it(site):
    client, _settings = site
    page = client.get("/de/2026-Q2").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml" href="/de/feed.atom"' in page
    home = client.get("/it/").get_data(as_text=True)
    assert 'href="/it/feed.atom" type="application/atom+xml" data-feed>Ricevi le nuove pubblicazioni' in home
    assert client.get("/xx/feed.atom").status_code == 404
