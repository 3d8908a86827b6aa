"""The channel view, the response rates and the "Mettiamoci la faccia" report show a cell's status
as every console page does: in words ("pubblicato", "bassa affidabilità", "oscurato"), never the
SDMX codes — where OBS_STATUS "A" (a normal value) reads as the legend's CONF_STATUS "A" (suppressed)
— and a suppressed cell as "oscurato", never a dash. Real DuckDB/Parquet data."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone

import pytest

from dataset.funnel import write_funnel
from tests.console_data import build
from tests.warehouse_rows import face_row as _face, write
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods


def _funnel(service: str, n: int, offset: int) -> list[dict]:
    at = datetime(2026, 9, 1, 9, tzinfo=timezone.utc)
    return [{"report_id": uuid.uuid4().hex, "received_at": at, "day": "2026-09-01", "service": service,
             "entity": "c_h501", "pa_type": "L6", "service_type": "anagrafe.certificati", "region": "ITI4",
             "channel": "web", "questionnaire": "cx-core", "version": 1, "impressions": 1, "starts": 1,
             "submissions": int(i % 2 == 0), "record_key": (i * 0.137) % 1, "kafka_partition": 0,
             "kafka_offset": offset + i, "period": "2026-09"} for i in range(n)]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("status-words")
    settings, tokens = build(root)  # c_l219 (Torino): one response, suppressed everywhere
    write(root, [_face("2026-09", f, v) for f, v in (("satisfied", 100.0), ("neutral", 50.0)) * 20]
          + [_face("2026-10", "satisfied", 100.0)])  # one face in October: suppressed
    write_funnel(root, _funnel("demo-roma-anagrafe", 60, 0) + _funnel("demo-milano-anagrafe", 1, 100), 0, 0, 100)
    c = create_app(settings).test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
    return c


def _statuses(page: str) -> set[str]:
    return set(re.findall(r'data-col="status">([^<]*)<', page))


def test_the_channel_view_shows_statuses_in_words_and_suppressed_cells_as_suppressed(client):
    roma = client.get("/channels?entity=c_h501&freq=M").get_data(as_text=True)
    assert _statuses(roma) == {"pubblicato", "oscurato"}  # the one face of October is suppressed
    assert "Legenda degli stati" in roma
    torino = client.get("/channels?entity=c_l219&freq=M").get_data(as_text=True)
    row = re.search(r'<tr data-channel="web"[^>]*>.*?</tr>', torino).group(0)
    assert 'data-col="status">oscurato<' in row
    assert re.search(r'data-col="n"><span class="st st-q">oscurato</span>', row)
    assert re.search(r'data-col="share"><span class="st st-q">oscurato</span>', row)
    assert ">Q<" not in row and "—–—" not in row


def test_the_channels_rates_and_faccia_pages_write_numbers_in_the_readers_language(client):
    roma = client.get("/channels?entity=c_h501&freq=M").get_data(as_text=True)
    share = re.search(r'data-col="share">([^<]+)<', roma).group(1).strip()
    assert re.fullmatch(r"\d+,\d", share), share  # Italian: a decimal comma, as on every other page
    rates = client.get("/quality/response-rates").get_data(as_text=True)
    rate = re.search(r'data-col="response_rate">([^<]+)<', rates).group(1)
    assert re.fullmatch(r"\d+,\d", rate), rate
    with client.session_transaction() as s:
        s["lang"] = "en"
    rate_en = re.search(r'data-col="response_rate">([^<]+)<', client.get("/quality/response-rates").get_data(
        as_text=True)).group(1)
    report_en = client.get("/entities/c_h501/faccia").get_data(as_text=True)  # in the reader's language too
    with client.session_transaction() as s:
        s["lang"] = "it"
    report = client.get("/entities/c_h501/faccia").get_data(as_text=True)
    assert rate_en == rate.replace(",", ".")
    positive = re.search(r'<th scope="row">Sportello</th><td>\d+</td><td>([^<]+)</td>', report).group(1)
    assert re.fullmatch(r"\d+,\d", positive), positive
    positive_en = re.search(r'<th scope="row">Front office</th><td>\d+</td><td>([^<]+)</td>', report_en).group(1)
    assert positive_en == positive.replace(",", ".")


def test_the_response_rates_show_statuses_in_words_and_suppressed_cells_as_suppressed(client):
    page = client.get("/quality/response-rates").get_data(as_text=True)
    assert _statuses(page) == {"pubblicato", "oscurato"}
    milano = re.search(r"<tr[^>]*><th scope=\"row\" data-service=\"demo-milano-anagrafe\">.*?</tr>", page).group(0)
    assert 'data-col="impressions"><span class="st st-q">oscurato</span>' in milano
    assert 'data-col="response_rate"><span class="st st-q">oscurato</span>' in milano
    assert "Legenda degli stati" in page
    items = client.get("/quality/response-rates?service=demo-roma-anagrafe").get_data(as_text=True)
    assert _statuses(items.split('id="items"', 1)[1]) <= {"pubblicato", "bassa affidabilità", "oscurato"}


def test_the_faccia_report_shows_statuses_in_words(client):
    page = client.get("/entities/c_h501/faccia").get_data(as_text=True)
    months = dict(re.findall(r"<tr[^>]*><td>(2026-\d\d)[^<]*</td><td>Sportello</td>.*?data-col=\"status\">([^<]*)<",
                             page))
    assert months == {"2026-09": "pubblicato", "2026-10": "oscurato"}
    assert 'class="st st-q">oscurato</span>' in page
    assert "stato Q" not in page and "stato U" not in page
