"""Issue 19 point 3: answers the collector classified as automated (``device`` ``bot``) stay in the
dataset for audit, and no figure reads them: the rollup (every published cell, perturbation and
suppression included), the key drivers' rows, the microdata and the entity's comments are exactly
what they were before the automated rows arrived."""
from __future__ import annotations

import json

from settings import Settings
from tests.warehouse_rows import response, write
from warehouse import export
from warehouse.console.workspace_data import CommentQuery, comments
from warehouse.cube import Cut, table
from warehouse.dataset import Warehouse, open_dataset
from warehouse.drivers import load_rows
from warehouse.protect import Protection


def _records(frame) -> list[dict]:
    """The rows, an empty value as ``None``: NaN equals nothing, itself included, so two identical
    tables with a suppressed cell compared unequal whenever their NaNs were different objects."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _figures(data_dir, tmp_path, tag: str) -> dict:
    settings = Settings(data_dir=data_dir)
    with Warehouse(settings) as wh:
        cells = _records(table(wh.cursor(), Cut(indicator="satisfaction", by=["entity"], margins=True),
                               Protection.from_settings(settings)))
        volumes = _records(table(wh.cursor(), Cut(indicator="responses", by=["service_type"]), Protection(enabled=False)))
        drivers = len(load_rows(wh.cursor(), start="2026-10", end="2026-10", entity="c_h501"))
        said = comments(wh.cursor(), settings, CommentQuery(ipa="c_h501", services=[]))
        pkg = export.export(wh.cursor(), "datapackage", tmp_path / f"pkg-{tag}", microdata_k=5)
    return {"cells": cells, "volumes": volumes, "drivers": drivers, "comments": said,
            "microdata": json.loads(pkg.read_text())["confidentiality"],
            "rows": sum(1 for p in (tmp_path / f"pkg-{tag}").glob("responses-*.csv")
                        for _ in p.open(encoding="utf-8")) }


def test_automated_answers_change_no_figure_but_stay_in_the_dataset(data_dir, tmp_path):
    before = _figures(data_dir, tmp_path, "before")
    # a crawler answered c_h501's service 30 times, all dissatisfied, with a comment: enough to move
    # every figure of the entity, release its own microdata rows and fill its comments
    bots = [dict(response(entity="c_h501", region="ITI4", satisfaction=1, ease=1, day=3, task="no",
                          comment="visita automatica"), device="bot") for _ in range(30)]
    write(data_dir, bots)
    after = _figures(data_dir, tmp_path, "after")
    assert after == before
    with open_dataset(data_dir) as con:  # kept for audit
        assert con.execute("SELECT count(*) FROM responses WHERE device = 'bot'").fetchone()[0] == 30
