"""Scheduled publication (issue 15.5) and the public open-data site (15.4): immutable releases with
manifest and checksums; the site serves releases only, with the same numbers as the console API and
the exports; ETag, rate limit, no parameter beyond the published table, no comments."""
from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from tests.workspace_data import build_workspace
from warehouse.dataset import Warehouse
from warehouse.protect import Protection
from warehouse.publish import ReleaseError, catalog, publish, verify

NOW = datetime(2026, 11, 29, 12, tzinfo=timezone.utc)
Q = "2026-Q3"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    settings, tokens = build_workspace(tmp_path_factory.mktemp("public"))
    with Warehouse(settings) as wh:
        publish(wh.cursor(), Q, settings.releases_path, Protection.from_settings(settings), now=NOW)
    return settings, tokens


@pytest.fixture(scope="module")
def site(seeded):
    from warehouse.public import create_app

    return create_app(seeded[0].with_(public_rate_limit="100000/minute")).test_client()


def test_a_release_is_immutable_checksummed_and_refused_twice(seeded):
    settings = seeded[0]
    rel = settings.releases_path / Q / "v1"
    manifest = verify(rel)
    assert manifest["period"] == Q and manifest["version"] == 1 and manifest["supersedes"] is None
    # self-describing: every code's labels and the SDMX structure the SDMX-CSV names travel with the data
    assert set(manifest["files"]) == {"table.csv", "table.sdmx.csv", "table.jsonstat.json", "table.jsonstat.it.json",
                                      "codelists.csv", "structure.xml", "metadata.json", "metadata.it.json"}
    labels = (rel / "codelists.csv").read_text("utf-8")
    codes = {row.split(",")[0] for row in (rel / "table.csv").read_text("utf-8").splitlines()[1:]}
    assert "Certificati anagrafici" in labels or "anagrafe.certificati" in labels
    structure = (rel / "structure.xml").read_text("utf-8")
    assert "DF_ASCOLTO_CX" in structure and 'xml:lang="it"' in structure
    assert manifest["confidentiality"]["documentation"] == "http://localhost:8003/en/methodology" and codes
    assert all(not os.access(rel / f, os.W_OK) or os.geteuid() == 0 for f in manifest["files"])
    assert all((rel / f).stat().st_mode & 0o222 == 0 for f in manifest["files"])
    with Warehouse(settings) as wh:
        con, prot = wh.cursor(), Protection.from_settings(settings)
        with pytest.raises(ReleaseError, match="already released"):
            publish(con, Q, settings.releases_path, prot, now=NOW)
        with pytest.raises(ReleaseError) as e:
            publish(con, Q, settings.releases_path, prot, revise=True, now=NOW)
        assert e.value.field == "note"
        with pytest.raises(ReleaseError, match="has not ended"):
            publish(con, "2026-Q4", settings.releases_path, prot, now=NOW)
        with pytest.raises(ReleaseError, match="no responses"):
            publish(con, "2025-Q1", settings.releases_path, prot, now=NOW)
        with pytest.raises(ReleaseError) as e:
            publish(con, "2026-Q5", settings.releases_path, prot, now=NOW)
        assert e.value.field == "period"
    (rel / "table.csv").chmod(0o644)
    original = (rel / "table.csv").read_bytes()
    (rel / "table.csv").write_bytes(original.replace(b"Q", b"X", 1))
    with pytest.raises(ReleaseError, match="checksum"):
        verify(rel)
    (rel / "table.csv").write_bytes(original)
    (rel / "table.csv").chmod(0o444)


def test_the_cli_refuses_a_second_publish_without_revise(seeded, tmp_path):
    from ascolto.cli import main

    env = {"ASCOLTO_DATA_DIR": str(seeded[0].data_dir), "ASCOLTO_RELEASES_DIR": str(tmp_path / "rel"),
           "ASCOLTO_DATABASE_URL": seeded[0].database_url}
    r1 = CliRunner().invoke(main, ["publish", "--period", Q], env=env)
    assert r1.exit_code == 0, r1.output
    r2 = CliRunner().invoke(main, ["publish", "--period", Q], env=env)
    assert r2.exit_code == 1 and "Error: --period: " in r2.output and "already released" in r2.output  # the state
    # a revision of unchanged data would be a second, identical version: refused, nothing written
    r3 = CliRunner().invoke(main, ["publish", "--period", Q, "--revise", "--note", "late files"], env=env)
    assert r3.exit_code == 1 and "has not changed since v1" in r3.output, r3.output
    assert [m["version"] for m in catalog(tmp_path / "rel")[Q]] == [1]
    assert sorted(p.name for p in (tmp_path / "rel" / Q).iterdir()) == ["v1"]


def test_a_revision_publishes_late_data_beside_the_first_release(tmp_path):
    from ascolto.cli import main
    from tests.warehouse_rows import response, write

    data = tmp_path / "data"
    write(data, [response(period=m, satisfaction=4) for m in ("2026-07", "2026-08", "2026-09") for _ in range(30)])
    env = {"ASCOLTO_DATA_DIR": str(data), "ASCOLTO_RELEASES_DIR": str(tmp_path / "rel")}
    assert CliRunner().invoke(main, ["publish", "--period", Q], env=env).exit_code == 0
    write(data, [response(period="2026-09", satisfaction=1) for _ in range(30)])  # files that came late
    r = CliRunner().invoke(main, ["publish", "--period", Q, "--revise", "--note", "late files"], env=env)
    assert r.exit_code == 0 and r.stdout.strip().endswith(f"{Q}/v2"), r.output
    cat = catalog(tmp_path / "rel")
    assert [m["version"] for m in cat[Q]] == [1, 2] and cat[Q][1]["note"] == "late files"
    assert cat[Q][1]["supersedes"] == "v1"
    assert (tmp_path / "rel" / Q / "v1" / "table.csv").read_bytes() != (tmp_path / "rel" / Q / "v2" / "table.csv").read_bytes()
    # the revision says what it changed (every observation of either version counted once), and the
    # quarter's page lists every version with it
    changes, rows = cat[Q][1]["changes"], [m["rows"] for m in cat[Q]]
    assert cat[Q][0].get("changes") is None and changes["revised"] > 0  # 30 answers of 1 came late
    assert changes["revised"] + changes["added"] + changes["unchanged"] == rows[1]
    assert changes["revised"] + changes["removed"] + changes["unchanged"] == rows[0]
    from settings import Settings
    from warehouse.public import create_app

    site = create_app(Settings(data_dir=data, releases_dir=str(tmp_path / "rel"), public_rate_limit="100000/minute"))
    page = site.test_client().get(f"/en/{Q}").get_data(as_text=True)
    versions = re.search(r'<ul class="versions">(.*?)</ul>', page, re.S).group(1)
    assert versions.index('data-version="2"') < versions.index('data-version="1"')
    assert (f"Revision note: late files · against the previous version: {changes['revised']} observations revised, "
            f"{changes['added']} added, {changes['removed']} removed") in versions
    assert f'href="/releases/{Q}/v1/table.csv"' in versions and f'href="/releases/{Q}/v2/manifest.json"' in versions


def _api(seeded, url):
    from warehouse.console import create_app

    c = create_app(seeded[0]).test_client()
    r = c.get(url, headers={"Authorization": f"Bearer {seeded[1]['statistician']}"})
    assert r.status_code == 200, r.data
    return r


@pytest.mark.parametrize("indicator", ["satisfaction", "ease"])
def test_the_public_quarter_equals_the_console_api_cells(seeded, site, indicator):
    pub = site.get(f"/data/{Q}.json").json
    ind = indicator.upper()

    def same(cell, row):
        assert cell["n"] == row["n"] and cell["conf_status"] == row["conf_status"]
        if row["n"] is not None:
            assert cell["mean"] == pytest.approx(row["mean"], abs=0.006)
            assert cell["top2"] == pytest.approx(row["top2"], abs=0.006)
            assert [cell["mean_lower"], cell["mean_upper"]] == pytest.approx(row["mean_ci"], abs=0.006)

    nat = _api(seeded, f"/api/v1/indicators?indicator={indicator}&by=&freq=Q&period={Q}").json["rows"]
    same(next(c for c in pub["national"] if c["indicator"] == ind), nat[0])
    for dim in ("pa_type", "service_type"):
        rows = _api(seeded, f"/api/v1/indicators?indicator={indicator}&by={dim}&freq=Q&period={Q}").json["rows"]
        # the units with a cell of this indicator (an L7 entity answers satisfaction only, not ease)
        assert {k for k, cells in pub[dim].items() if any(c["indicator"] == ind for c in cells)} == {r[dim] for r in rows}
        for r in rows:
            same(next(c for c in pub[dim][r[dim]] if c["indicator"] == ind), r)


def test_the_released_files_equal_the_console_exports(seeded, site):
    for name, fmt in (("table.csv", "csv"), ("table.sdmx.csv", "sdmx-csv"), ("table.jsonstat.json", "jsonstat")):
        served = site.get(f"/releases/{Q}/v1/{name}")
        assert served.status_code == 200
        exported = _api(seeded, f"/api/v1/export/{fmt}?freq=Q&from={Q}&to={Q}")
        assert served.get_data() == exported.get_data(), name
    # the release says what its figures are, what they cover and how they are revised (warehouse.refmeta)
    meta = json.loads(site.get(f"/releases/{Q}/v1/table.jsonstat.json").get_data())["extension"]["reference_metadata"]
    assert meta["S.3 Statistical presentation"]["S.3.8 Time coverage"]["requested"] == {"freq": "Q", "from": Q, "to": Q}
    assert "new version" in meta["S.17 Data revision"]["policy"] and meta["S.17 Data revision"]["last_period_running"] is False


def test_pages_in_two_languages_with_etag_and_nothing_beyond_the_release(site):
    for url in ("/it/", "/en/", f"/it/{Q}", f"/en/{Q}", "/it/service-types/anagrafe.certificati", "/data/releases.json"):
        r = site.get(url)
        assert r.status_code == 200, url
        assert r.headers["ETag"] and "public" in r.headers["Cache-Control"]
        assert site.get(url, headers={"If-None-Match": r.headers["ETag"]}).status_code == 304
        text = r.get_data(as_text=True)
        assert "Segreto di Milano" not in text and "HYPERLINK" not in text and "lenta" not in text
        assert "Set-Cookie" not in r.headers
    assert "Satisfaction" in site.get(f"/en/{Q}").get_data(as_text=True)
    assert site.get(f"/it/{Q}?period=2026-Q4&entity=c_h501").get_data() == site.get(f"/it/{Q}").get_data()
    for url in (f"/releases/{Q}/v1/../../ckm-secret", f"/releases/{Q}/v9/table.csv", f"/releases/{Q}/v1/other.csv",
                "/data/2026-Q4.json"):
        r = site.get(url, headers={"Accept": "text/html,*/*"})
        assert r.status_code == 404 and r.json["fields"], url
    # a page that is not there is a page, in the language of its address (it was JSON in the browser)
    for url, lang, text in (("/it/2026-Q4", "it", "Pagina non trovata"), ("/en/service-types/nope", "en", "Page not found"),
                            ("/fr/", "it", "Pagina non trovata")):
        r = site.get(url, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
        html = r.get_data(as_text=True)
        assert r.status_code == 404 and r.mimetype == "text/html" and f'<html lang="{lang}">' in html, url
        assert text in html and f'href="/{lang}/"' in html, url
    assert site.get("/it/2026-Q4", headers={"Accept": "application/json"}).json["fields"]
    assert site.post(f"/it/{Q}").status_code == 405


def test_the_methodology_page_explains_the_figures_in_both_languages(site):
    for lang, words in (("it", ("Nota metodologica", "metodo cell-key", "oscurate", "Quota positiva")),
                        ("en", ("Methodological note", "cell-key method", "suppressed", "Positive share"))):
        r = site.get(f"/{lang}/methodology")
        html = r.get_data(as_text=True)
        assert r.status_code == 200 and all(w in html for w in words), lang
        assert "fewer than 3" in html or "meno di 3" in html  # the threshold the site applies
    # every page links to it, and the manifest names it instead of a path in the source repository
    assert 'href="/it/methodology"' in site.get("/it/").get_data(as_text=True)


def test_the_legend_explains_n_the_interval_and_the_thresholds_the_site_applies(seeded):
    # a citizen reading a table must learn what N and "IC 95%" are, and the legend's thresholds are the
    # configured ones (they said "fewer than 3" and "N < 30" whatever ASCOLTO_DISCLOSURE_MIN_N was)
    from warehouse.public import create_app

    site = create_app(seeded[0].with_(public_rate_limit="100000/minute", disclosure_min_n=5,
                                      reliability_min_n=50)).test_client()
    for lang, words in (("it", ("N: numero di risposte", "IC 95%: intervallo di confidenza", "meno di 5 risposte",
                                "(N &lt; 50)")),
                        ("en", ("N: the number of responses", "95% CI: the 95% confidence interval",
                                "fewer than 5 responses", "(N &lt; 50)"))):
        for url in (f"/{lang}/", f"/{lang}/{Q}", f"/{lang}/methodology"):
            html = site.get(url).get_data(as_text=True)
            assert all(w in html for w in words), (url, [w for w in words if w not in html])
        assert "meno di 3 risposte" not in html and "fewer than 3 responses" not in html
    methodology = site.get("/en/methodology").get_data(as_text=True)
    assert "fewer than 50 responses" in methodology and "fewer than 30" not in methodology


def test_a_quarters_page_has_a_heading_for_every_part_a_screen_reader_jumps_to(site):
    # the national table had only a caption: moving by headings (h1 → h2 "Per tipo di PA") skipped it;
    # the key findings open the page ("In sintesi", docs/public.md), each part after them has its heading
    for lang, first, words in (("it", "In sintesi", ("Risultati nazionali", "Per tipo di PA", "Per tipo di servizio")),
                               ("en", "Highlights", ("National results", "By PA type", "By service type"))):
        html = site.get(f"/{lang}/{Q}").get_data(as_text=True)
        h2 = re.findall(r"<h2[^>]*>([^<]+)</h2>", html)
        assert h2[:4] == [first, *words], h2
        assert html.index(f"<h2>{words[0]}</h2>") < html.index('data-table="national"')
        assert f'<caption id="cap-national">{words[0]} {Q}</caption>' in html


def test_every_page_names_an_icon_the_site_serves(site):
    # without one, every browser asks for /favicon.ico and logs the 404 as a page error
    for url in ("/it/", f"/en/{Q}"):
        [href] = re.findall(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', site.get(url).get_data(as_text=True))
        r = site.get(href)
        assert r.status_code == 200 and r.mimetype == "image/svg+xml" and b"<svg" in r.get_data()


def test_robots_txt_allows_every_crawler_and_no_path_redirects_into_a_404(site):
    """``/robots.txt`` answered 308 to ``/robots.txt/`` (read as a language's index), then 404: the site
    is public open data, so crawlers are welcome; and a single segment that is no language is a 404 of
    its own, while a language without its slash still goes to its index."""
    r = site.get("/robots.txt")
    assert r.status_code == 200 and r.mimetype == "text/plain"
    assert r.get_data(as_text=True).splitlines() == ["User-agent: *", "Allow: /"]
    assert site.get("/favicon.ico").status_code == 404
    it = site.get("/it")
    assert it.status_code in (301, 308) and it.headers["Location"].endswith("/it/")


def test_a_quarter_without_comparable_means_shows_its_shares(tmp_path):
    # a national cell pooling the web form and the counter's faces has no mean (different scales), and
    # task completion never has one (the share of "yes" is published): the pages crashed on both (500)
    from settings import Settings
    from tests.warehouse_rows import response, write
    from warehouse.public import create_app

    rows = []
    for i, month in enumerate(["2026-07", "2026-08", "2026-09"] * 20):
        web = response(period=month, entity="c_h501", service_type="sportello.urp", satisfaction=1 + i % 5)
        web.update(task_completed=100.0 if i % 3 else 0.0, task_completed_raw="yes" if i % 3 else "no",
                   task_completed_scale="yes-partly-no")
        face = response(period=month, entity="c_f205", questionnaire="faccia", channel="front_office",
                        service_type="sportello.urp")
        face.update(satisfaction=100.0 if i % 4 else 0.0, satisfaction_raw="satisfied" if i % 4 else "dissatisfied",
                    satisfaction_scale="faces3")
        rows += [web, face]
    write(tmp_path, rows)
    settings = Settings(data_dir=tmp_path)
    with Warehouse(settings) as wh:
        publish(wh.cursor(), Q, settings.releases_path, Protection.from_settings(settings), now=NOW)
    site = create_app(settings.with_(public_rate_limit="100000/minute")).test_client()
    for url in ("/it/", f"/en/{Q}", "/it/service-types/sportello.urp"):
        r = site.get(url)
        assert r.status_code == 200, url
        html = r.get_data(as_text=True)
        for indicator in ("SATISFACTION", "TASK_COMPLETED"):
            row = re.search(rf'<tr data-indicator="{indicator}">(.*?)</tr>', html, re.S).group(1)
            assert re.search(r'<td data-col="mean">—</td><td>—</td>', row), (url, row)
            # each language writes its decimals: 54,0 in Italian, 54.0 in English
            sep = "," if url.startswith("/it/") else r"\."
            assert re.search(rf'<td data-col="top2">\d+{sep}\d</td><td>\d+{sep}\d – \d+{sep}\d</td>', row), (url, row)
    assert "the share of “yes” is published" in site.get(f"/en/{Q}").get_data(as_text=True)
    from warehouse.public.i18n import number
    assert (number(1234.5, "it"), number(1234.5, "en"), number(4956, "it", 0)) == ("1.234,5", "1,234.5", "4.956")
    legend = site.get(f"/en/{Q}").get_data(as_text=True)
    assert "A normal value" in legend and "Q suppressed" in legend and "B break in series" in legend


def test_an_indicator_without_a_pooled_cell_is_said_not_left_out(tmp_path):
    # the responses measure satisfaction and ease on the web form, clarity on it and on Designers Italia's page
    # rating: the release has no pooled clarity (the guard: not comparable across instruments, published by
    # instrument only) and no cell of the other three; the tables showed two rows with no word on the rest
    from settings import Settings
    from tests.warehouse_rows import response, write
    from warehouse.public import create_app
    from warehouse.public.releases import INDICATORS

    rows = []
    for i, month in enumerate(["2026-07", "2026-08", "2026-09"] * 20):
        rows.append(response(period=month, entity="c_h501", service_type="sportello.urp", satisfaction=1 + i % 5,
                             ease=1 + i % 4, clarity=1 + i % 3))
        rows.append(response(period=month, entity="c_f205", service_type="sportello.urp",
                             questionnaire="di-rating-pagina", clarity=1 + i % 5))
    write(tmp_path, rows)
    settings = Settings(data_dir=tmp_path)
    with Warehouse(settings) as wh:
        publish(wh.cursor(), Q, settings.releases_path, Protection.from_settings(settings), now=NOW)
    site = create_app(settings.with_(public_rate_limit="100000/minute")).test_client()
    words = {"it": ("non rilevato: nessuna risposta del trimestre lo misura",
                    "non confrontabile tra gli strumenti: pubblicato solo per strumento o canale"),
             "en": ("not measured: no response of the quarter measures it",
                    "not comparable across instruments: published only by instrument or channel"),
             "de": ("nicht erhoben: keine Antwort des Quartals misst ihn",
                    "zwischen den Instrumenten nicht vergleichbar: nur nach Instrument oder Kanal")}
    for url in ("/it/", f"/en/{Q}", f"/de/{Q}", "/it/service-types/sportello.urp"):
        html = site.get(url).get_data(as_text=True)
        table = re.search(r'<table data-table="(?:national|q-2026-Q3)">(.*?)</table>', html, re.S).group(1)
        assert re.findall(r'<tr data-indicator="(\w+)"', table) == list(INDICATORS), url
        none, unpooled = words[url[1:3]]
        for indicator in ("SPEED", "TRUST", "TASK_COMPLETED"):
            row = re.search(rf'<tr data-indicator="{indicator}" data-absent="none">(.*?)</tr>', table, re.S).group(1)
            assert f'<td colspan="6">{none}</td>' in row, (url, row)
        row = re.search(r'<tr data-indicator="CLARITY" data-absent="unpooled">(.*?)</tr>', table, re.S).group(1)
        assert f'<td colspan="6">{unpooled}' in row, (url, row)
        assert 'data-indicator="EASE" data-absent' not in table and '<td data-col="mean">' in table
    # what the row says is so in the release: clarity by instrument, none pooled
    text = (settings.releases_path / Q / "v1" / "table.csv").read_text()
    assert ",IT,_T,_T,cx-core,_T,_T,CLARITY_POS," in text and ",IT,_T,_T,_T,_T,_T,CLARITY_" not in text


def test_the_public_site_is_rate_limited(seeded):
    from warehouse.public import create_app

    c = create_app(seeded[0].with_(public_rate_limit="3/minute")).test_client()
    codes = [c.get("/it/").status_code for _ in range(4)]
    assert codes[:3] == [200] * 3 and codes[3] == 429
    assert int(c.get("/it/").headers["Retry-After"]) >= 1


def test_behind_its_proxy_the_public_site_limits_each_reader_not_every_reader_at_once(seeded):
    """Exposed through an ingress (``ASCOLTO_PROXY_COUNT=1``), each reader has the bucket of the address
    X-Forwarded-For names: one scraper exhausting its limit does not close the site to the others.
    Without a trusted proxy the header is ignored: forging it gives no fresh bucket."""
    from warehouse.public import create_app

    behind = create_app(seeded[0].with_(public_rate_limit="3/minute", proxy_count=1)).test_client()
    via = {"REMOTE_ADDR": "10.0.0.2"}
    scraper = [behind.get("/it/", environ_base={**via, "HTTP_X_FORWARDED_FOR": "203.0.113.5"}).status_code
               for _ in range(4)]
    assert scraper == [200, 200, 200, 429]
    assert behind.get("/it/", environ_base={**via, "HTTP_X_FORWARDED_FOR": "198.51.100.1"}).status_code == 200
    direct = create_app(seeded[0].with_(public_rate_limit="3/minute")).test_client()
    codes = [direct.get("/it/", environ_base={"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": f"192.0.2.{i}"})
             .status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_quarter_with_data_in_part_of_its_months_says_so(tmp_path):
    """The first quarter of a series often holds only its last month: its release states the months
    it covers (manifest ``coverage``), and the site says the data are partial on the quarter's page, the
    home page, the service type's page and in the JSON; a whole quarter says nothing."""
    from settings import Settings
    from tests.warehouse_rows import response, write
    from warehouse.public import create_app

    write(tmp_path, [response(period="2026-06", satisfaction=1 + i % 5) for i in range(40)]
          + [response(period=m, satisfaction=1 + i % 5) for m in ("2026-07", "2026-08", "2026-09") for i in range(40)])
    settings = Settings(data_dir=tmp_path)
    with Warehouse(settings) as wh:
        for q in ("2026-Q2", Q):
            publish(wh.cursor(), q, settings.releases_path, Protection.from_settings(settings), now=NOW)
    cat = catalog(settings.releases_path)
    assert cat["2026-Q2"][0]["coverage"] == {"months": ["2026-06"], "whole": False}
    assert cat[Q][0]["coverage"] == {"months": ["2026-07", "2026-08", "2026-09"], "whole": True}
    site = create_app(settings.with_(public_rate_limit="100000/minute")).test_client()
    it = "Dati parziali: il trimestre contiene risposte solo dei mesi 2026-06, non di tutti e tre."
    en = "Partial data: the quarter holds responses of the months 2026-06 only, not of all three."
    assert it in site.get("/it/2026-Q2").get_data(as_text=True)
    assert en in site.get("/en/2026-Q2").get_data(as_text=True)
    assert 'data-coverage="partial"' not in site.get(f"/it/{Q}").get_data(as_text=True)
    assert 'data-coverage="partial"' not in site.get("/it/").get_data(as_text=True)  # the latest is whole
    by_type = site.get("/en/service-types/anagrafe.certificati").get_data(as_text=True)
    assert by_type.count('data-coverage="partial"') == 1 and en in by_type
    assert site.get("/data/2026-Q2.json").get_json()["coverage"] == {"months": ["2026-06"], "whole": False}
    assert site.get("/data/releases.json").get_json()["2026-Q2"][0]["coverage"]["whole"] is False


def test_a_revisions_changes_count_its_observations(tmp_path):
    from warehouse import export
    from warehouse.publish import changes

    dims = ["Q", "IT", "_T", "_T", "_T", "_T", "_T"]
    head = ",".join(export.COLUMNS)

    def table(name, rows):
        (tmp_path / name).write_text("\n".join([head, *(",".join([*dims, ind, Q, *rest]) for ind, rest in rows)]) + "\n")
        return tmp_path / name

    a = ["54.0", "100", "44.2", "63.5", "PC", "A", "F", "", "Y"]
    before = table("v1.csv", [("EASE_POS", a), ("SATISFACTION_POS", a), ("TRUST_POS", a)])
    after = table("v2.csv", [("EASE_POS", a), ("SATISFACTION_POS", ["55.0", *a[1:]]), ("SPEED_POS", a)])
    assert changes(before, after) == {"revised": 1, "added": 1, "removed": 1, "unchanged": 1}
    flag = table("v3.csv", [("EASE_POS", [*a[:5], "U", *a[6:]]), ("SATISFACTION_POS", a), ("TRUST_POS", a)])
    assert changes(before, flag)["revised"] == 1  # a flag is part of the observation


def test_the_release_date_is_romes(tmp_path):
    """"Pubblicato il" printed the UTC date of ``created_at``: a release made at 23:30 UTC on 30 December
    (00:30 on the 31st in Rome) said 2026-12-30. The date shown is Rome's, as the periods are counted."""
    from settings import Settings
    from tests.warehouse_rows import response, write
    from warehouse.public import create_app

    write(tmp_path, [response(period=m, satisfaction=1 + i % 5) for m in ("2026-07", "2026-08", "2026-09")
                     for i in range(40)])
    settings = Settings(data_dir=tmp_path)
    late = datetime(2026, 12, 30, 23, 30, tzinfo=timezone.utc)
    with Warehouse(settings) as wh:
        publish(wh.cursor(), Q, settings.releases_path, Protection.from_settings(settings), now=late)
    site = create_app(settings.with_(public_rate_limit="100000/minute")).test_client()
    it = site.get(f"/it/{Q}").get_data(as_text=True)
    # in words on the page, as the quarters' months (an ISO date on an Italian page read as a code); the
    # ISO date kept in its <time> and in the data files
    assert 'Pubblicato il <time datetime="2026-12-31">31 dicembre 2026</time>' in it and "30 dicembre" not in it
    assert 'Released on <time datetime="2026-12-31">31 December 2026</time>' in site.get(f"/en/{Q}").get_data(as_text=True)
    manifest = site.get(f"/releases/{Q}/v1/manifest.json").get_json()
    assert manifest["created_at"].startswith("2026-12-30T23:30")  # the data file's own timestamp, unchanged
