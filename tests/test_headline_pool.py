"""A positive share pools instruments only among headline measures (docs/methodology.md §2, §4): the
Designers Italia *page* clarity rating ("Quanto sono chiare le informazioni su questa pagina?") is not the
services' clarity. The published cube, the API and every export withhold a cell that pools them
(``not_headline``) — the national CLARITY_POS of the demo mixed 125 page ratings into 751 service ones."""
from __future__ import annotations

import pytest

from settings import Settings
from tests.warehouse_rows import response, write
from warehouse import cube, export
from warehouse.dataset import Warehouse


@pytest.fixture
def pooled(tmp_path):
    page = [response(entity="c_a001", service_type="informazioni.pagina", questionnaire="di-rating-pagina",
                     clarity=5 if i % 4 else 2) for i in range(40)]  # 75 % of pages rated clear
    service = [response(entity="c_a002", service_type="informazioni.pagina", satisfaction=3, clarity=2 + i % 2)
               for i in range(40)]  # cx-core: nobody finds the service's information clear
    write(tmp_path, page + service)
    return tmp_path


def test_a_cell_pooling_page_clarity_with_service_clarity_has_no_positive_share(pooled):
    cut = cube.Cut(indicator="clarity", by=["service_type"], freq="M")
    split = cube.Cut(indicator="clarity", by=["instrument"], freq="M")
    with Warehouse(Settings(data_dir=pooled)) as wh:
        [cell] = cube.table(wh.cursor(), cut).to_dict("records")
        by_instrument = {r["instrument"]: r for r in cube.table(wh.cursor(), split).to_dict("records")}
        table = export.publication_table(wh.cursor(), "M")
    # the pooled cell: n published, no positive share, the guard's reason (was ~37 %: 30 of 80)
    assert cell["conf_status"] == "F" and cell["n"] >= 75
    assert cell["top2"] != cell["top2"] and cell["top2_lower"] != cell["top2_lower"]
    assert cell["top2_status"] == "not_headline"
    [row] = cube.rows_json(cube.table(Warehouse(Settings(data_dir=pooled)).cursor(), cut), cut)
    assert row["positive_share"] is None and row["positive_share_status"] == "not_headline" and row["n"]
    # split by instrument, each has its own share
    assert by_instrument["di-rating-pagina"]["top2"] > 60 and by_instrument["cx-core"]["top2"] < 10
    assert {r["top2_status"] for r in by_instrument.values()} == {"ok"}
    # the exports: no pooled CLARITY_POS (national or for the service type), the per-instrument ones stay
    pos = table[table["INDICATOR"] == "CLARITY_POS"]
    assert pos[(pos["INSTRUMENT"] == "_T") & (pos["SCALE"] == "_T")].empty  # every such cell pools both
    assert set(pos["INSTRUMENT"]) == {"_T", "cx-core", "di-rating-pagina"}  # _T by one scale = one instrument
    assert {(r.INSTRUMENT, r.SCALE) for r in pos.itertuples() if r.INSTRUMENT == "_T"} == {("_T", "likert5"),
                                                                                          ("_T", "stars5")}
    assert (pos["OBS_VALUE"].notna() == (pos["CONF_STATUS"] == "F")).all()  # no published cell without a value


def test_headline_measures_still_pool_across_instruments(tmp_path):
    """Ease on cx-core (five points) and on the Designers Italia *service* rating (stars) are both headline
    measures: their pooled positive share is published."""
    stars = [response(entity="c_a001", questionnaire="di-rating-servizio", ease=5) for _ in range(30)]
    web = [response(entity="c_a002", satisfaction=4, ease=2) for _ in range(30)]
    write(tmp_path, stars + web)
    with Warehouse(Settings(data_dir=tmp_path)) as wh:
        [cell] = cube.table(wh.cursor(), cube.Cut(indicator="ease", freq="M")).to_dict("records")
    assert cell["top2_status"] == "ok" and cell["top2"] == pytest.approx(50, abs=6)


def test_the_console_says_why_a_cell_has_no_positive_share(pooled):
    from warehouse.console import create_app
    from warehouse.console.data import status_text

    row = {"conf_status": "F", "obs_status": "A", "top2_status": "not_headline"}
    with create_app(Settings(data_dir=pooled)).test_request_context("/?lang=it"):
        assert status_text(row).startswith("quota positiva non pubblicata")
        assert status_text({**row, "top2_status": "ok"}) == "pubblicato"
