"""A period still running is left out of every export (its figures are published once it has ended:
docs/confidentiality.md; they were exported flagged PROVISIONAL=Y, JSON-stat ``P``), and a cell of an
ended period keeps its reliability — fewer responses than the threshold (OBS_STATUS=U), the first after a
break in series (B) — in CSV, SDMX-CSV, the SDMX structure (which still declares PROVISIONAL) and
JSON-stat alike.

Real data (the ``data_dir`` fixture's Parquet responses of 2026-10 and 2026-11 through the warehouse):
Lombardy (ITC4, 35 responses) is reliable, Piedmont (ITC1, 25) is below the threshold of 30; at
``freq=Q`` 2026-Q4 is running on 1 December 2026 and complete on 1 January 2027."""
from __future__ import annotations

import io
import json
import math
from datetime import date

import pandas as pd
import pytest

from settings import Settings
from warehouse import export
from warehouse.dataset import Warehouse
from warehouse.jsonstat import statuses

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

#: The satisfaction share of one region, all PA types and service types, in 2026-Q4.
CELL = {"INDICATOR": "SATISFACTION_POS", "TIME_PERIOD": "2026-Q4", "PA_TYPE": "L6", "SERVICE_TYPE": "_T",
        "INSTRUMENT": "_T", "SCALE": "_T", "CHANNEL": "_T"}
RUNNING, ENDED = date(2026, 12, 1), date(2027, 1, 1)


def _table(data_dir, today: date) -> pd.DataFrame:
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        return export.publication_table(wh.cursor(), "Q", today=today)


def _csv_cell(text: str, area: str) -> dict[str, str]:
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    key = {**CELL, "REF_AREA": area}
    hit = df[(df[list(key)] == pd.Series(key)).all(axis=1)]
    assert len(hit) == 1, area
    return hit.iloc[0].to_dict()


def _jsonstat_status(doc: dict, area: str) -> str:
    """The status of the cell's OBS_VALUE in the area table's dataset of percentages (``A``: none given)."""
    item = next(i for i in doc["link"]["item"] if i["extension"]["table"] == "area" and i["extension"]["unit"] == "PC")
    want = {**CELL, "REF_AREA": area, "MEASURE": "OBS_VALUE"}
    idx = sum(item["dimension"][d]["category"]["index"].index(want[d]) * math.prod(item["size"][i + 1:])
              for i, d in enumerate(item["id"]))
    return statuses(item).get(idx, "A")


def _everywhere(df: pd.DataFrame, area: str) -> dict[str, tuple[str, str] | str]:
    """The cell's (OBS_STATUS, PROVISIONAL) in CSV and SDMX-CSV, and its JSON-stat status with its label."""
    plain = _csv_cell(export.render(df, "csv", "Q")[0].decode(), area)
    sdmx = _csv_cell(export.render(df, "sdmx-csv", "Q")[0].decode(), area)
    doc = json.loads(export.render(df, "jsonstat", "Q")[0])
    status = _jsonstat_status(doc, area)
    item = doc["link"]["item"][0]
    return {"csv": (plain["OBS_STATUS"], plain["PROVISIONAL"]), "sdmx": (sdmx["OBS_STATUS"], sdmx["PROVISIONAL"]),
            "jsonstat": status, "label": item["extension"]["status"][status]}


def test_a_running_quarter_is_left_out_of_every_export(data_dir):
    df = _table(data_dir, RUNNING)
    assert "2026-Q4" not in set(df["TIME_PERIOD"]) and set(df["PROVISIONAL"]) <= {""}


@pytest.mark.parametrize("today, area, csv, jsonstat, label", [
    # the quarter has ended: the low-n cell is U, not provisional; the reliable one normal
    (ENDED, "ITC1", ("U", ""), "U", "Low reliability: fewer than 30 responses"),
    (ENDED, "ITC4", ("A", ""), "A", "Normal value"),
])
def test_a_figure_keeps_its_reliability_in_every_format(data_dir, today, area, csv, jsonstat, label):
    seen = _everywhere(_table(data_dir, today), area)
    assert seen["csv"] == seen["sdmx"] == csv
    assert seen["jsonstat"] == jsonstat
    assert seen["label"].startswith(label)


def test_the_sdmx_structure_declares_provisional_beside_obs_status(data_dir):
    from pysdmx.io import read_sdmx

    df = _table(data_dir, ENDED)
    msg = read_sdmx(export.render(df, "sdmx-structure", "Q")[0].decode(), validate=True)
    dsd = msg.get_data_structure_definitions()[0]
    attributes = {c.id: c for c in dsd.components.attributes}
    assert {"OBS_STATUS", "PROVISIONAL"} <= attributes.keys()
    assert [c.id for c in attributes["PROVISIONAL"].local_codes] == ["Y"]
    assert {c.id for c in attributes["OBS_STATUS"].local_codes} == {"A", "U", "B", "Q", "M", "O"}


#: A declared break: cx-core version 2 starts a new series of satisfaction (the shipped standard
#: declares none yet, so the test declares it, as tests/test_comparable_cube.py does).
def _break_at_v2(indicator: str) -> list[tuple[str, int]]:
    return [("cx-core", 2)] if indicator == "satisfaction" else []


@pytest.mark.parametrize("today, csv, jsonstat, label", [
    # December 2026 is still running and is the first month of cx-core v2: not exported at all
    (date(2026, 12, 15), None, None, None),
    # once December has ended it is, with its break
    (date(2027, 1, 1), ("B", ""), "B", "Break in series: first period after a declared change of the questionnaire"),
])
def test_a_figure_after_a_break_says_so_in_every_format_once_its_month_has_ended(tmp_path, monkeypatch, today, csv, jsonstat,
                                                                      label):
    from tests.warehouse_rows import response, write
    from warehouse import cube

    monkeypatch.setattr(cube, "_break_versions", _break_at_v2)
    write(tmp_path, [response(period="2026-11", satisfaction=4) for _ in range(40)]
          + [response(period="2026-12", version=2, satisfaction=4) for _ in range(40)])
    with Warehouse(Settings(data_dir=tmp_path)) as wh:
        df = export.publication_table(wh.cursor(), "M", today=today)
    key = {**CELL, "TIME_PERIOD": "2026-12", "REF_AREA": "IT", "PA_TYPE": "_T"}
    if csv is None:
        assert "2026-12" not in set(df["TIME_PERIOD"]) and "2026-11" in set(df["TIME_PERIOD"])
        return
    plain = pd.read_csv(io.StringIO(export.render(df, "csv", "M")[0].decode()), dtype=str, keep_default_na=False)
    sdmx = pd.read_csv(io.StringIO(export.render(df, "sdmx-csv", "M")[0].decode()), dtype=str, keep_default_na=False)
    for frame in (plain, sdmx):
        [row] = frame[(frame[list(key)] == pd.Series(key)).all(axis=1)].to_dict("records")
        assert (row["OBS_STATUS"], row["PROVISIONAL"]) == csv
    doc = json.loads(export.render(df, "jsonstat", "M")[0])
    item = next(i for i in doc["link"]["item"] if i["extension"]["table"] == "area" and i["extension"]["unit"] == "PC")
    want = {**key, "MEASURE": "OBS_VALUE"}
    idx = sum(item["dimension"][d]["category"]["index"].index(want[d]) * math.prod(item["size"][i + 1:])
              for i, d in enumerate(item["id"]))
    assert statuses(item).get(idx, "A") == jsonstat
    assert item["extension"]["status"][jsonstat].startswith(label)
