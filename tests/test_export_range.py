"""A requested range without any response is refused, the same way by ``ascolto export`` and the console API."""
from __future__ import annotations

from click.testing import CliRunner
import pytest

from ascolto.cli import main
from settings import Settings
from tests.console_auth import api_client

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods


def _cli(data_dir, *args):
    return CliRunner().invoke(main, ["export", *args], env={"ASCOLTO_DATA_DIR": str(data_dir)})


def test_export_of_a_range_after_the_data_is_refused_naming_from(data_dir, tmp_path_factory):
    """The fixture's data cover 2026-10 and 2026-11 (2026-12 has ended: the clock is 2027-01-15); a
    range not begun yet is refused as such, naming its end."""
    out = tmp_path_factory.mktemp("out")
    for fmt, name in (("csv", "cx.csv"), ("jsonstat", "cx.json"), ("datapackage", "pkg")):
        result = _cli(data_dir, "--format", fmt, "--out", str(out / name), "--freq", "M", "--from", "2026-12",
                      "--to", "2026-12")
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output  # no data: the state
        assert "--from" in result.output and "2026-10 to 2026-11" in result.output, result.output
        future = _cli(data_dir, "--format", fmt, "--out", str(out / name), "--freq", "M", "--from", "2030-01",
                      "--to", "2030-02")
        assert future.exit_code == 2 and "--to" in future.output and "has not started yet" in future.output
    assert list(out.iterdir()) == []  # no header-only file, no codelists, no package


def test_export_of_a_range_before_the_data_is_refused_naming_to(data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = _cli(data_dir, "--format", "csv", "--out", str(out / "cx.csv"), "--freq", "A", "--to", "2025")
    assert result.exit_code == 1 and "--to" in result.output, result.output
    assert list(out.iterdir()) == []
    # a range overlapping the data is exported
    assert _cli(data_dir, "--format", "csv", "--out", str(out / "cx.csv"), "--freq", "A", "--from", "2025",
                "--to", "2026").exit_code == 0


def test_console_export_of_a_range_without_data_is_a_400_naming_from(data_dir):
    client = api_client(Settings(data_dir=data_dir))
    resp = client.get("/api/v1/export/csv?freq=M&from=2026-12&to=2026-12")
    assert resp.status_code == 400, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["error"] == "invalid_parameter" and "from" in body["fields"] and "2026-10 to 2026-11" in body["message"]
    assert client.get("/api/v1/export/csv?freq=M&from=2026-11&to=2026-12").status_code == 200


def test_console_figures_of_a_range_without_data_are_a_400_saying_where_the_data_are(data_dir):
    # /indicators and /compare answered such a range with empty rows, which read as "nobody answered"
    client = api_client(Settings(data_dir=data_dir))
    for url in ("/api/v1/indicators?indicator=satisfaction&freq=M&period=2026-12",
                "/api/v1/indicators?indicator=satisfaction&freq=A&to=2025",
                "/api/v1/compare?service_type=anagrafe.certificati&freq=Q&period=2025-Q1"):
        resp = client.get(url)
        assert resp.status_code == 400, (url, resp.get_data(as_text=True))
        assert "2026-10 to 2026-11" in resp.get_json()["message"], url
    assert client.get("/api/v1/indicators?indicator=satisfaction&freq=M&period=2026-11").status_code == 200


def test_a_downloaded_table_is_named_after_the_periods_it_holds(data_dir):
    # every quarter's download was "ascolto-Q.csv": two quarters saved side by side overwrote each other
    client = api_client(Settings(data_dir=data_dir))
    for query, name in (("freq=M&from=2026-10&to=2026-10", "ascolto-M-2026-10.csv"),
                        ("freq=M&from=2026-10&to=2026-11", "ascolto-M-2026-10_2026-11.csv"),
                        ("freq=M", "ascolto-M.csv")):
        disposition = client.get(f"/api/v1/export/csv?{query}").headers["Content-Disposition"]
        assert disposition == f'attachment; filename="{name}"', query


def test_figures_of_a_period_without_data_are_refused_naming_period_and_no_export(data_dir):
    """``/indicators?period=1999-01`` was refused naming ``to``, with "(from=1999-01, to=1999-01) …
    nothing to export for that range": the user sent ``period``, and asked for figures, not an export.
    The refusal names the parameter sent — ``period``, or ``from``/``to`` — and says where the data are."""
    client = api_client(Settings(data_dir=data_dir))
    for url, field in (("/api/v1/indicators?period=1999-01", "period"),
                       ("/api/v1/compare?service_type=anagrafe.certificati&period=1999-Q1", "period"),
                       ("/api/v1/indicators?freq=M&from=1999-01&to=1999-02", "to")):
        resp = client.get(url)
        body = resp.get_json()
        assert resp.status_code == 400 and list(body["fields"]) == [field], (url, body)
        assert "2026-10 to 2026-11" in body["message"] and "export" not in body["message"], (url, body)
    assert "period=1999-01" in client.get("/api/v1/indicators?period=1999-01").get_json()["message"]
    assert "from=" not in client.get("/api/v1/indicators?period=1999-01").get_json()["message"]
    # an export of such a range still says there is nothing to export
    export = client.get("/api/v1/export/csv?freq=M&from=1999-01&to=1999-02").get_json()
    assert list(export["fields"]) == ["to"] and "nothing to export" in export["message"]
