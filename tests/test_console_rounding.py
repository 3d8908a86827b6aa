"""One figure, one rounding: a unit's value is rounded once, from its cell, on every page and download.

The service type's comparison took the API's value (already rounded to 2 decimals) and rounded it again:
Roma's 6 positive answers of 13 (46.1538…%) read "46,1" on the service type's page, its CSV and the
workspace's position, "46,2" on the entity's page, the workspace's services and the API's 46.15."""
from __future__ import annotations

import re

import pytest

from tests import console_csv
from tests.test_console_ties import PERIOD, STYPE, _client

UNITS = {"c_h501": (13, 6), "c_f205": (20, 15), "inps": (30, 12), "inail": (25, 20), "r_lombar": (18, 9)}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return _client(tmp_path_factory.mktemp("rounding"), UNITS)


def _cell(html: str, table: str, row_attr: str, col: str) -> str:
    body = html.split(f'data-table="{table}"', 1)[1].split("</table>", 1)[0]
    row = body[body.index(row_attr):].split("</tr>", 1)[0]
    return re.sub(r"<[^>]+>", "", re.search(rf'data-col="{col}">(.*?)</td>', row, re.S).group(1)).split("(")[0].strip()


def test_a_units_share_reads_the_same_on_every_page_and_download(client):
    q = f"freq=M&period={PERIOD}"
    api = next(u for u in client.get(f"/api/v1/compare?service_type={STYPE}&{q}").get_json()["units"]
               if u["entity"] == "c_h501")
    assert api["value"] == 46.15  # 6/13, rounded by the API to 2 decimals
    stype = client.get(f"/service-types/{STYPE}?{q}").get_data(as_text=True)
    body = stype.split('data-table="funnel"', 1)[1].split("</table>", 1)[0]
    row = next(r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S) if "c_h501" in r)
    shown = {"service type": re.sub(r"<[^>]+>", "", re.search(r'data-col="value">(.*?)</td>', row, re.S).group(1))
             .split("(")[0].strip()}  # without its "(bassa affidabilità)" mark, as _cell
    entity = client.get(f"/entities/c_h501?{q}").get_data(as_text=True)
    shown["entity page"] = _cell(entity, "services", 'data-service="demo-roma-anagrafe"', "share")
    ws = client.get(f"/workspace/c_h501?{q}").get_data(as_text=True)
    shown["workspace services"] = _cell(ws, "services", 'data-service="demo-roma-anagrafe"', "share")
    shown["workspace position"] = _cell(ws, "position", f'data-type="{STYPE}"', "value")
    header, *rows = console_csv.rows(client.get(f"/csv/service-type/{STYPE}/funnel?{q}"))
    csv_row = next(r for r in rows if r[header.index("Codice IPA")] == "c_h501")
    shown["service type CSV"] = csv_row[header.index("Valore")].replace(".", ",")
    assert set(shown.values()) == {"46,2"}, shown
    funnel = client.get(f"/api/v1/workspace/c_h501?{q}").get_json()["position"][0]
    assert funnel["value"] == 46.2


#: the type's 104 answers, 48 positive: 46.1538…% again, now the national benchmark
BENCH = {"c_h501": (13, 6), "c_f205": (20, 15), "inps": (30, 12), "inail": (25, 10), "r_lombar": (16, 5)}


def test_the_benchmark_reads_as_the_service_types_list_writes_it(tmp_path):
    """The service type's page and the workspace wrote the national benchmark from the comparison's
    46.15 as "46,1"; the service types' list, the same figure from its cell, "46,2"."""
    client = _client(tmp_path, BENCH)
    q = f"freq=M&period={PERIOD}"
    assert client.get(f"/api/v1/compare?service_type={STYPE}&{q}").get_json()["benchmark"]["value"] == 46.15
    listed = client.get(f"/service-types/?{q}").get_data(as_text=True)
    body = listed.split('data-table="service-types"', 1)[1].split("</table>", 1)[0]
    row = next(r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S) if STYPE in r)
    assert "46,2" in re.sub(r"<[^>]+>", " ", row), row
    page = client.get(f"/service-types/{STYPE}?{q}").get_data(as_text=True)
    lead = re.sub(r"<[^>]+>", "", page[page.index("data-benchmark="):].split("</p>", 1)[0])
    assert "46,2" in lead and "46,1" not in lead, lead
    ws = client.get(f"/workspace/c_h501?{q}").get_data(as_text=True)
    assert _cell(ws, "position", f'data-type="{STYPE}"', "benchmark") == "46,2"
    header, *rows = console_csv.rows(client.get(f"/workspace/c_h501/csv/funnel-{STYPE}?{q}"))
    assert rows[0][header.index("Benchmark nazionale")] == "46.2"  # read back with a decimal point
