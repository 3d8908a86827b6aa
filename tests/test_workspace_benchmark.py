"""The entity workspace's benchmark rule (DESIGN §7, docs/public.md): a benchmark, flag, rank and funnel
need at least three entities with a *published* figure; an entity whose cell is suppressed does not count."""
from __future__ import annotations

import pytest

from settings import Settings
from tests.warehouse_rows import response, write
from warehouse.console import workspace_data as wd
from warehouse.dataset import Warehouse

STYPE = "previdenza.domanda-prestazione"
PERIOD = "2026-10"


def _rows(entity: str, n: int, sat: int) -> list[dict]:
    return [response(period=PERIOD, day=1 + i % 28, pa_type="C16", service_type=STYPE, entity=entity,
                     service=f"svc-{entity}", region="ITI4", satisfaction=sat - (i % 3 == 0))
            for i in range(n)]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """INPS and INAIL with many answers, a third entity (``ipsema``) with one answer — a suppressed cell —
    and, in a second data dir, the same with a fourth entity with enough answers to be published."""
    out = {}
    for name, extra in (("two", []), ("three", _rows("enpam", 30, 4))):
        root = tmp_path_factory.mktemp(f"benchmark-{name}")
        write(root, _rows("inps", 40, 4) + _rows("inail", 25, 5) + _rows("ipsema", 1, 2) + extra)
        settings = Settings(data_dir=root, rollup_check_s=0.0)
        out[name] = (Warehouse(settings), settings)
    yield out
    for wh, _ in out.values():
        wh.close()


def _position(warehouse, name: str) -> dict:
    wh, settings = warehouse[name]
    return wd.position(wh.cursor(), settings, "inps", [STYPE], "satisfaction", freq="M", period=PERIOD)[0]


def test_a_suppressed_entity_does_not_count_towards_the_three_a_benchmark_needs(warehouse):
    """Three entities answered, but the third's cell is suppressed: the "national" benchmark would be INAIL's
    figure with one hidden answer added. Counted before (3 contributing: benchmark, flag and funnel shown)."""
    from warehouse.compare import compare
    from warehouse.cube import Cut
    from warehouse.protect import Protection

    wh, settings = warehouse["two"]
    body = compare(wh.cursor(), Cut(indicator="satisfaction", filters={"service_type": [STYPE]}, freq="M",
                                    start=PERIOD, end=PERIOD).validate(), protection=Protection.from_settings(settings))
    status = {u["entity"]: u["conf_status"] for u in body["units"]}
    assert status == {"inps": "F", "inail": "F", "ipsema": "A"}  # the premise: three entities, one suppressed
    pos = _position(warehouse, "two")
    assert pos["benchmark_reason"] == "too_few_units" and pos["benchmark"] is None
    assert pos["flag"] is None and pos["rank"] is None and pos["funnel"]["n"] == []
    assert pos["units"] == 2 and "contributing" not in pos  # how many are published; nothing of the hidden one
    assert pos["value"] is not None  # the entity's own figure is still shown


def test_three_published_entities_give_a_benchmark(warehouse):
    pos = _position(warehouse, "three")
    assert pos["benchmark_reason"] is None and pos["benchmark"]["value"] is not None
    assert pos["units"] == 3 and pos["flag"] is not None and pos["funnel"]["n"]
