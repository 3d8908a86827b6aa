"""A running period refused names an ended one *with data* to ask for instead (clock: 2026-12-03, so 2026,
2026-Q4 and 2026-12 are still running). The console's pages and API said "such as" the period right before
on the calendar — 2026-Q3 for 2026-Q4, 2025 for 2026 — with no data at all here (the data: 2026-05 and
2026-10 to 2026-11), so a new user's next try failed again ("No responses …"), and the page's button opened
that empty period. They now name the latest ended period of the frequency with data (2026-Q2), or say that
none has ended (no year of 2026's data has). Real DuckDB/Parquet data."""
from __future__ import annotations

import html
import re
from datetime import date

import pytest
from registry import connect, session_scope
from registry.tokens import create_token
from settings import Settings
from tests.conftest import pinned_clock
from tests.warehouse_rows import response, write
from warehouse.console import create_app


@pytest.fixture
def data(tmp_path):
    root = tmp_path / "data"
    write(root, [response(period=p, satisfaction=4 - i % 2) for p in ("2026-05", "2026-10", "2026-11")
                 for i in range(30)] + [response(period="2026-12", day=2, satisfaction=5) for _ in range(5)])
    return root


@pytest.fixture
def get(data):
    settings = Settings(data_dir=data, rollup_check_s=0.0, console_secure_cookie=False)
    with session_scope(connect(settings.database_url)) as s:
        token = create_token(s, role="monitoring", label="test", actor="test")[1]
    with pinned_clock(date(2026, 12, 3)):
        client = create_app(settings).test_client()
        yield lambda url: client.get(url, headers={"Authorization": f"Bearer {token}"})


def test_the_api_suggests_the_latest_ended_period_with_data_or_says_none_has_ended(get):
    quarter = get("/api/v1/indicators?freq=Q&period=2026-Q4")
    assert quarter.status_code == 400
    assert quarter.get_json()["message"] == ("period=2026-Q4 is still running: its figures are published once it "
                                             "has ended, from 2027-01-01. Ask for an ended one, such as 2026-Q2.")
    year = get("/api/v1/indicators?freq=A&period=2026").get_json()
    assert year["message"].endswith("from 2027-01-01. No year with data has ended yet."), year
    assert "2025" not in year["message"]
    month = get("/api/v1/indicators?freq=M&period=2026-12").get_json()
    assert month["message"].endswith("Ask for an ended one, such as 2026-11."), month
    assert get("/api/v1/indicators?freq=Q&period=2026-Q2").status_code == 200  # the suggestion is served


def test_a_page_names_and_links_the_latest_ended_period_with_data(get):
    resp = get("/?freq=Q&period=2026-Q4")
    page = html.unescape(resp.get_data(as_text=True))
    assert resp.status_code == 400
    assert ("il periodo 2026-Q4 è in corso: i suoi dati si pubblicano quando è finito, dal 2027-01-01. Chiedere un "
            "periodo concluso, per esempio 2026-Q2.") in page
    link = re.search(r'data-instead="period"[^>]*href="([^"]+)"', page)
    assert link and "period=2026-Q2" in link.group(1) and "Mostra 2026-Q2" in page
    assert get(link.group(1)).status_code == 200
    year = get("/?freq=A&period=2026")
    page = html.unescape(year.get_data(as_text=True))
    assert year.status_code == 400
    assert ("il periodo 2026 è in corso: i suoi dati si pubblicano quando è finito, dal 2027-01-01. Nessun anno con "
            "dati è ancora concluso.") in page
    assert "2025" not in page  # no button to a year without data: to the latest ended quarter with data
    link = re.search(r'data-instead="period"[^>]*href="([^"]+)"', page)
    assert link and "freq=Q" in link.group(1) and "period=2026-Q2" in link.group(1) and "Mostra 2026-Q2 (Trimestrale)" in page
    assert get(link.group(1)).status_code == 200



def test_export_of_a_running_range_names_the_latest_ended_period_with_data(data, tmp_path):
    """``ascolto export --freq Q --from 2026-Q4`` said "such as 2026-Q3", a quarter with no data here."""
    from click.testing import CliRunner

    from ascolto.cli import main

    with pinned_clock(date(2026, 12, 3)):
        result = CliRunner().invoke(main, ["export", "--format", "csv", "--out", str(tmp_path / "t.csv"), "--freq", "Q",
                                           "--from", "2026-Q4"], env={"ASCOLTO_DATA_DIR": str(data)})
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "--from" in said and "Ask for an ended one, such as 2026-Q2." in said and "2026-Q3" not in said, said
    assert not (tmp_path / "t.csv").exists()
