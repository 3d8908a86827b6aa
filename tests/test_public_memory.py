"""What a public-site worker keeps of the releases (docs/public.md, "Memory"): every worker holds every
released quarter for as long as it runs, so what it keeps of one must not be the release's whole table —
at national scale (twelve quarters, ~3,000 services) the rows as dicts were ~9 MiB a quarter a worker and
took the pod past its limit (bench.public). A worker keeps the national cells its pages show, indexed; the
files are read from disk when downloaded; the series files are built from the files, row by row. Real publications over real
Parquet; memory by ``tracemalloc`` (Python's own allocations: deterministic for the same input)."""
from __future__ import annotations

import gzip
import tracemalloc
from datetime import datetime, timezone

import pytest

from settings import Settings
from tests.warehouse_rows import response, write
from warehouse.dataset import Warehouse
from warehouse.protect import Protection
from warehouse.publish import publish

pytestmark = pytest.mark.usefixtures("clock_december")

REGIONS = ("ITC1", "ITC4", "ITH3", "ITI4", "ITF3", "ITG1")
CHANNELS = ("web", "app", "email")
TYPES = (("L6", "anagrafe.certificati"), ("L6", "tributi.pagamento"), ("C16", "previdenza.domanda-prestazione"))


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """2026-Q2 and 2026-Q3 released: three service types answered in six regions over three channels, so
    that the release table holds many more rows (regions, channels, instruments) than the national cells."""
    root = tmp_path_factory.mktemp("memory")
    write(root, [response(period=m, pa_type=pa, service_type=st, region=reg, channel=ch,
                          entity=f"e{REGIONS.index(reg)}", satisfaction=1 + i % 5, ease=1 + (i * 7) % 5)
                 for m in ("2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09")
                 for pa, st in TYPES for reg in REGIONS for ch in CHANNELS for i in range(4)])
    settings = Settings(data_dir=root)
    with Warehouse(settings) as wh:
        for q in ("2026-Q2", "2026-Q3"):
            publish(wh.cursor(), q, settings.releases_path, Protection.from_settings(settings),
                    now=datetime(2026, 11, 2, 12, tzinfo=timezone.utc))
    return settings


def test_a_worker_keeps_the_national_cells_not_the_release_tables(released):
    from warehouse.public.releases import Releases

    tables = sum((released.releases_path / q / "v1" / "table.csv").stat().st_size for q in ("2026-Q2", "2026-Q3"))
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        rel = Releases(released.releases_path).get()
        kept = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(before, "filename"))
    finally:
        tracemalloc.stop()
    assert set(rel) == {"2026-Q2", "2026-Q3"}
    # the rows as dicts took eleven times the tables' own size on disk (755 kB for 68 kB here); the national
    # cells and the manifests, less than the tables themselves
    assert kept < tables, (kept, tables)
    # and they are what the pages read
    q3 = rel["2026-Q3"]
    assert [c["indicator"] for c in q3.cells()][:2] == ["SATISFACTION", "EASE"]
    assert q3.values("service_type") == sorted(st for _pa, st in TYPES)
    assert {c["indicator"] for c in q3.cells(service_type="tributi.pagamento")} >= {"SATISFACTION", "EASE"}


def test_a_series_file_is_sent_compressed_to_a_reader_who_takes_gzip(released):
    from warehouse.public import create_app

    client = create_app(released.with_(public_rate_limit="100000/minute")).test_client()
    plain = client.get("/data/series.csv")
    packed = client.get("/data/series.csv", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers and packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert len(packed.get_data()) * 4 < len(plain.get_data())  # codes and numbers: compresses well
    # one ETag per representation (a cache must not answer a plain reader with gzip), each conditional
    assert plain.headers["ETag"] != packed.headers["ETag"]
    assert "Accept-Encoding" in packed.headers["Vary"]
    again = client.get("/data/series.csv", headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/data/series.csv", headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304
    assert packed.headers["Content-Disposition"] == "attachment; filename=ascolto-series.csv"


def test_every_rendered_response_goes_compressed_to_a_reader_who_takes_gzip_and_404s_keep_nothing(released):
    from warehouse.public import create_app

    app = create_app(released.with_(public_rate_limit="100000/minute"))
    client = app.test_client()
    for path in ("/it/", "/en/2026-Q3", "/data/2026-Q3.json", "/it/feed.atom", "/it/charts/national.svg"):
        plain = client.get(path)
        packed = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert packed.headers["Content-Encoding"] == "gzip" and gzip.decompress(packed.get_data()) == plain.get_data()
        assert plain.headers["ETag"] != packed.headers["ETag"] and plain.mimetype == packed.mimetype, path
    # a path that names nothing is answered and forgotten: a scraper's 404s keep no page and no lock
    import inspect

    kept = inspect.getclosurevars(app.view_functions["quarter"]).nonlocals  # the cache the wrapper serves from
    sizes = (len(kept["rendered"]), len(kept["rendering"]))
    for i in range(200):
        assert client.get(f"/it/2019-Q{1 + i % 4}", headers={"Accept-Encoding": "gzip", "X-I": str(i)}).status_code == 404
        assert client.get(f"/it/nothing-{i}").status_code == 404
    assert (len(kept["rendered"]), len(kept["rendering"])) == sizes
