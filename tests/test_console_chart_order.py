"""The console's trend charts draw their periods in time order, whichever periods an entity has
published: plotly puts categories in the order the traces first name them, so a chart whose first
trace (the 95% band: published periods only) starts later than its lines was drawn out of order."""
from __future__ import annotations

import json
import re

import pytest

from registry import connect, session_scope
from registry.demo import seed
from registry.tokens import create_token
from settings import Settings
from tests.warehouse_rows import response, write
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed months of 2026, read as ended periods
# Torino: one answer (suppressed) in January and March, twenty (published) in February and April
TORINO = {"2026-01": 1, "2026-02": 20, "2026-03": 1, "2026-04": 20}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("chart-order")
    settings = Settings(data_dir=root, rollup_check_s=0.0)
    factory = connect(settings.database_url)
    seed(factory, ["https://www.comune.roma.it"])
    with session_scope(factory) as s:
        secret = create_token(s, role="monitoring", label="test monitoring", actor="test")[1]
    rows = []
    for period, n in TORINO.items():
        rows += [response(period=period, day=1 + i % 28, entity="c_l219", service="demo-torino-anagrafe",
                          region="ITC1", satisfaction=1 + i % 5) for i in range(n)]
        rows += [response(period=period, day=1 + i % 28, entity="c_h501", service="demo-roma-anagrafe",
                          satisfaction=1 + i % 5) for i in range(40)]
    write(root, rows)
    c = create_app(settings).test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return c


def drawn_order(plot: dict) -> list[str]:
    """The x categories in the order plotly draws them: the axis's ``categoryarray`` when it gives one,
    else (plotly's default, ``categoryorder: "trace"``) the order the traces first name them."""
    axis = plot.get("layout", {}).get("xaxis", {})
    if axis.get("categoryarray") and axis.get("categoryorder", "array") == "array":
        return list(axis["categoryarray"])
    return list(dict.fromkeys(x for t in plot["data"] for x in t.get("x") or ()))


def test_the_entity_trend_draws_its_months_in_time_order(client):
    """Regione Lombardia's trend in the demo read 2026-02, 2025-12, 2026-01, 2026-03…: its one published
    month (the band's) came first, and the benchmark's line went back and forth across the chart."""
    html = client.get("/entities/c_l219?freq=M&period=2026-04").get_data(as_text=True)
    plot = json.loads(re.search(r'<script type="application/json" id="plot-trend-anagrafe.certificati">(.*?)</script>',
                                html, re.S).group(1))
    band = next(t for t in plot["data"] if t.get("fill") == "toself")
    assert band["x"][0] == "2026-02"  # the case: the band starts after the first month of the lines
    assert drawn_order(plot) == sorted(TORINO), drawn_order(plot)
