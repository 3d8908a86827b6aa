"""A period's figures are published only once it has ended (Europe/Rome; docs/confidentiality.md).

A running period republished with fresh cell-key noise after every answer could be averaged back to a
hidden count (tests/test_confidentiality_running.py performs that attack). So: a request naming a
running month, quarter or year is a 400 naming the field; the default period is a complete one; no
figure — the all-time totals included — reads an answer of the running month; and the warehouse
publishes a month as soon as it has ended, even when no new answer arrives.
"""
from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from ascolto.cli import main
from settings import Settings
from tests.console_auth import api_client
from tests.warehouse_rows import response, write
from warehouse import cube, periods
from warehouse.dataset import Warehouse, open_dataset
from warehouse.periods import is_complete, period_of, today_rome
from warehouse.protect import Protection
from warehouse.rollup import RESPONSES

SERVICES = [f"svc-end-{i}" for i in range(3)]


def _months():
    today = today_rome()
    running = f"{today.year}-{today.month:02d}"
    return today, running, f"{today.year - 1}-06"  # an ended month of an ended quarter and year


def _past_rows(month: str) -> list[dict]:
    return [response(period=month, day=1 + i % 28, service=s, satisfaction=1 + i % 5)
            for s in SERVICES for i in range(12)]


def _fields(resp) -> dict:
    assert resp.status_code == 400, resp.get_data(as_text=True)
    return resp.get_json()["fields"]


def test_a_running_period_is_a_400_naming_the_field(tmp_path):
    today, running, past = _months()
    write(tmp_path, _past_rows(past))
    client = api_client(Settings(data_dir=tmp_path))
    quarter, year = period_of(running, "Q"), running[:4]
    api = "/api/v1/indicators?indicator=responses&by=service"
    for query, field in ((f"freq=Q&period={quarter}", "period"), (f"freq=A&period={year}", "period"),
                         (f"freq=M&period={running}", "period"), (f"freq=A&from={past[:4]}&to={year}", "to"),
                         (f"freq=Q&from={quarter}", "from")):
        message = _fields(client.get(f"{api}&{query}"))[field][0]
        assert "still running: its figures are published once it has ended" in message, (query, message)
    assert "to" in _fields(client.get(f"/api/v1/export/csv?freq=A&from={past[:4]}&to={year}"))
    assert "quarter" in _fields(client.get(f"/api/v1/coverage?quarter={quarter}"))
    # the Italian page says it in Italian, naming the period (not a blank page, not a 500)
    page = client.get(f"/service-types/anagrafe.certificati?freq=Q&period={quarter}", headers={"Accept-Language": "it"})
    assert page.status_code == 400
    assert f"il periodo {quarter} è in corso: i suoi dati si pubblicano quando è finito" in page.get_data(as_text=True)
    # the CLI names its option
    result = CliRunner().invoke(main, ["indicators", "--period", quarter, "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "--period" in result.output and "still running" in result.output
    # an ended period of the same data is served
    assert client.get(f"{api}&freq=A&period={past[:4]}").status_code == 200


def test_the_all_time_totals_do_not_change_with_answers_of_the_running_month(tmp_path):
    today, running, past = _months()
    write(tmp_path, _past_rows(past))
    settings = Settings(data_dir=tmp_path, rollup_check_s=0)
    client = api_client(settings)
    urls = [f"/api/v1/indicators?indicator=responses&by=service&freq={f}&from={past[:4]}" for f in ("M", "Q", "A")]
    urls += ["/api/v1/indicators?indicator=responses&by=service", "/api/v1/export/csv?freq=A", "/api/v1/meta"]

    def everything():
        with Warehouse(settings) as wh:
            span = cube.table(wh.cursor(), cube.Cut(indicator=RESPONSES, by=["service"]), Protection(), span=True)
        with open_dataset(tmp_path) as con:  # the Parquet files: every stored answer
            stored = con.execute("SELECT count(*) FROM responses").fetchone()[0]
        return [client.get(u).get_data(as_text=True) for u in urls] + [span.to_json()], stored

    before, stored_before = everything()
    for k in range(5):  # answers of the running month arrive, one per service at a time
        write(tmp_path, [response(period=running, day=today.day, service=s, satisfaction=5) for s in SERVICES])
        after, stored = everything()
        assert stored == stored_before + 3 * (k + 1)  # the warehouse did read them ...
        assert after == before  # ... and no figure changed


def test_the_default_period_is_complete_and_the_menus_list_only_ended_periods(tmp_path):
    today, running, past = _months()
    write(tmp_path, _past_rows(past) + [response(period=running, day=today.day, service=s, satisfaction=4)
                                         for s in SERVICES for _ in range(12)])
    settings = Settings(data_dir=tmp_path)
    with Warehouse(settings) as wh:
        con = wh.cursor()
        for freq in ("M", "Q", "A"):
            labels = cube.period_labels(con, freq)
            assert labels == [period_of(past, freq)]
            assert cube.latest_period(con, freq) == (period_of(past, freq), True)
        assert con.execute("SELECT count(*) FROM rollup WHERE period >= ?", [running]).fetchone()[0] == 0
    body = api_client(settings).get("/api/v1/indicators?indicator=responses&by=service").get_json()
    assert body["period"]["start"] == past and is_complete(body["period"]["start"])


def test_a_month_is_published_once_it_has_ended_without_waiting_for_new_answers(tmp_path, monkeypatch):
    today, running, _past = _months()
    write(tmp_path, [response(period=running, day=today.day, service=s, satisfaction=4) for s in SERVICES])
    with Warehouse(Settings(data_dir=tmp_path, rollup_check_s=0)) as wh:
        count = "SELECT coalesce(sum(n), 0) FROM rollup WHERE indicator = 'responses'"
        assert wh.cursor().execute(count).fetchone()[0] == 0
        next_month = date(today.year + today.month // 12, today.month % 12 + 1, 1)
        monkeypatch.setattr(periods, "today_rome", lambda: next_month)  # the clock turns the month
        assert wh.cursor().execute(count).fetchone()[0] == 3


@pytest.mark.parametrize("label", ["2026-11", "2026-Q4", "2026"])
def test_require_ended_names_the_field(label):
    today = date(2026, 12, 2)
    if label == "2026-11":
        assert periods.require_ended(label, "period", today) == label
        return
    with pytest.raises(periods.QueryError) as exc:
        periods.require_ended(label, "to", today)
    assert exc.value.field == "to" and "2027-01-01" in str(exc.value)
