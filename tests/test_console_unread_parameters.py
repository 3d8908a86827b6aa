"""A parameter a route does not read is refused naming it, never ignored: on the improvement cycle's API
(``channel=app`` on ``/api/v1/improve/trend`` gave the unit's figures of every channel, as if asked) and on
the microdata download (``From=`` gave every month). Real console app, DuckDB and registry."""
from __future__ import annotations

import pytest

from registry import connect, dispose, ops, session_scope
from registry import plans as plan_ops
from tests.console_data import build
from tests.warehouse_rows import response, write
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

ROMA, SERVICE = "c_h501", "roma-unread"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("unread-parameters")
    settings, tokens = build(root)
    write(root, [response(period=f"2026-{m:02d}", day=1 + i % 28, entity=ROMA, service=SERVICE,
                          service_type="anagrafe.certificati", satisfaction=5 if i % 3 else 2)
                 for m in range(1, 10) for i in range(40)])
    factory = connect(settings.database_url)
    with session_scope(factory) as s:
        ops.add_service(s, actor="test", key=SERVICE, entity_ipa=ROMA, name="Certificati",
                        service_type="anagrafe.certificati")
        plan = plan_ops.add_plan(s, actor="test", service_key=SERVICE, indicator="satisfaction",
                                 baseline_period="2026-02", target_value=60, deadline="2027-06-30", actions="x",
                                 owner="A")
        plan_id = plan.id
    dispose(factory)
    c = create_app(settings).test_client()
    auth = {"Authorization": f"Bearer {tokens['statistician']}"}
    return (lambda url: c.get(url, headers=auth)), plan_id


TREND = f"/api/v1/improve/trend?service={SERVICE}&from=2026-01&to=2026-09"


@pytest.mark.parametrize("url, field", [
    (TREND + "&channel=app", "channel"),
    (TREND + "&Indicator=ease", "Indicator"),
    (TREND + "&indicator=ease&indicator=clarity", "indicator"),
    (f"/api/v1/improve/drivers?service={SERVICE}&period=2026-Q2&freq=Q", "freq"),
    ("/api/v1/improve/plans?entity=c_h501&owner=A", "owner"),
    ("/api/v1/improve/plans/{plan}?lang=it", "lang"),
    ("/api/v1/improve/plans/{plan}/evaluation?follow_up=2026-09&period=2026-09", "period"),
])
def test_the_improvement_api_refuses_a_parameter_its_route_does_not_read_naming_it(client, url, field):
    get, plan_id = client
    resp = get(url.format(plan=plan_id))
    assert resp.status_code == 400, resp.get_data(as_text=True)[:300]
    body = resp.get_json()
    assert body["error"] == "invalid_parameter" and field in body["fields"], body


def test_the_same_routes_still_answer_with_the_parameters_they_read(client):
    get, plan_id = client
    assert get(TREND + "&indicator=satisfaction").status_code == 200
    assert get(f"/api/v1/improve/plans?entity={ROMA}&service={SERVICE}&status=active").status_code == 200
    assert get(f"/api/v1/improve/plans/{plan_id}").status_code == 200


def test_the_microdata_download_refuses_a_misspelt_range_naming_it(client):
    get, _ = client
    resp = get("/exports/datapackage.zip?From=2026-07&to=2026-09")
    assert resp.status_code == 400
    assert "From" in resp.get_data(as_text=True)
    ok = get("/exports/datapackage.zip?from=2026-07&to=2026-09&lang=en")
    assert ok.status_code == 200 and ok.mimetype == "application/zip"
