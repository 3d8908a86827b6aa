"""Every released quarter in one file (``/data/series.csv``, ``/data/series.sdmx.csv``, docs/public.md): the
rows of each quarter's latest release, oldest first, exactly as released — a revised quarter's v2 rows, never
its v1 — each CSV row naming its release (``RELEASE``) so that it can be verified against that release's
manifest; nothing computed. Real publications over real Parquet; the SDMX-CSV read back with pandas."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from settings import Settings
from tests.warehouse_rows import response, write
from warehouse.dataset import Warehouse
from warehouse.protect import Protection
from warehouse.publish import publish

pytestmark = pytest.mark.usefixtures("clock_december")

NOW = datetime(2026, 11, 2, 12, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """2026-Q2 and 2026-Q3 released; Q3 revised after late answers."""
    from warehouse.public import create_app

    root = tmp_path_factory.mktemp("series")
    write(root, [response(period=m, satisfaction=4 + i % 2 if i % 3 else 2) for m in
                 ("2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09") for i in range(30)])
    settings = Settings(data_dir=root)
    prot = Protection.from_settings(settings)
    with Warehouse(settings) as wh:
        publish(wh.cursor(), "2026-Q2", settings.releases_path, prot, now=NOW)
        publish(wh.cursor(), "2026-Q3", settings.releases_path, prot, now=NOW)
    write(root, [response(period="2026-09", day=20, satisfaction=5) for _ in range(12)])
    with Warehouse(settings) as wh:
        publish(wh.cursor(), "2026-Q3", settings.releases_path, prot, revise=True, note="late answers",
                now=NOW + timedelta(days=7))
    return create_app(settings.with_(public_rate_limit="100000/minute")).test_client(), settings


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_is_every_quarters_latest_release_row_for_row_naming_its_release(site):
    client, settings = site
    r = client.get("/data/series.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"] == "attachment; filename=ascolto-series.csv"
    rows = _rows(r.get_data(as_text=True))
    q2 = _rows((settings.releases_path / "2026-Q2" / "v1" / "table.csv").read_text("utf-8"))
    q3 = _rows((settings.releases_path / "2026-Q3" / "v2" / "table.csv").read_text("utf-8"))
    assert [{k: v for k, v in x.items() if k != "RELEASE"} for x in rows] == q2 + q3
    assert [x["RELEASE"] for x in rows] == ["2026-Q2/v1"] * len(q2) + ["2026-Q3/v2"] * len(q3)
    v1 = _rows((settings.releases_path / "2026-Q3" / "v1" / "table.csv").read_text("utf-8"))
    assert v1 != q3  # the revision changed figures: the series holds the revised ones only
    again = client.get("/data/series.csv")  # served from the page cache: still a named attachment
    assert again.get_data() == r.get_data() and again.headers["Content-Disposition"] == r.headers["Content-Disposition"]


def test_the_sdmx_csv_keeps_the_standards_columns_and_reads_as_one_table(site):
    client, settings = site
    text = client.get("/data/series.sdmx.csv").get_data(as_text=True)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    one = pd.read_csv(settings.releases_path / "2026-Q2" / "v1" / "table.sdmx.csv", dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(one.columns) and "RELEASE" not in frame.columns
    assert sorted(frame["TIME_PERIOD"].unique()) == ["2026-Q2", "2026-Q3"]
    assert set(frame["STRUCTURE_ID"]) == {"IT1:DF_ASCOLTO_CX(1.0)"}


def test_the_home_page_links_both_files_in_each_language(site):
    client, _settings = site
    for lang, words in (("it", "Tutti i trimestri in un file"), ("en", "All quarters in one file"),
                        ("de", "Alle Quartale in einer Datei")):
        page = client.get(f"/{lang}/").get_data(as_text=True)
        assert words in page and 'href="/data/series.csv"' in page and 'href="/data/series.sdmx.csv"' in page
    assert client.get("/data/series.json").status_code == 404


def test_releases_with_other_columns_are_aligned_to_the_newest_releases_header(tmp_path):
    """An older release lacking a column leaves it empty; its own extra column is kept after the newest ones;
    a short row is padded; the newest release's rows (its own header) are copied as they are."""
    from types import SimpleNamespace

    from warehouse.public.series import series

    def release(period: str, text: str) -> SimpleNamespace:
        (tmp_path / period).mkdir()
        (tmp_path / period / "table.csv").write_text(text, "utf-8")
        return SimpleNamespace(path=tmp_path / period, period=period, version=1)

    releases = {"2026-Q2": release("2026-Q2", "A,OLD,C\n1,o,3\n4\n"),
                "2026-Q3": release("2026-Q3", "A,B,C\n5,6,7\n=x,\"a,b\",-0.5\n")}
    assert _rows(series(releases, "series.csv").decode()) == [
        {"A": "1", "B": "", "C": "3", "OLD": "o", "RELEASE": "2026-Q2/v1"},
        {"A": "4", "B": "", "C": "", "OLD": "", "RELEASE": "2026-Q2/v1"},
        {"A": "5", "B": "6", "C": "7", "OLD": "", "RELEASE": "2026-Q3/v1"},
        {"A": "'=x", "B": "a,b", "C": "-0.5", "OLD": "", "RELEASE": "2026-Q3/v1"}]


def test_releases_of_one_header_are_copied_row_as_it_is_a_short_row_padded(tmp_path):
    from types import SimpleNamespace

    from warehouse.public.series import series

    for period, text in (("2026-Q2", "A,B\n1,2\n3\n"), ("2026-Q3", "A,B\n@y,-1\n")):
        (tmp_path / period).mkdir()
        (tmp_path / period / "table.sdmx.csv").write_text(text, "utf-8")
    releases = {p: SimpleNamespace(path=tmp_path / p, period=p, version=2) for p in ("2026-Q3", "2026-Q2")}
    assert series(releases, "series.sdmx.csv").decode() == "A,B\n1,2\n3,\n'@y,-1\n"
