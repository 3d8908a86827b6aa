"""Exports of a dataset holding responses none of which can be published (7 December 2026): every answer is
of the running month (a new installation's first days), or every stored answer is an automated one (device
``bot``: stored for audit, never counted).

- ``--format datapackage`` wrote an empty package — no resource, ``period`` from ``None`` to ``None``, its
  description "Responses of the months None to None" — and said "microdata package of the months None",
  exit 0 (the console's zip the same, 200), where the tables refuse, exit 1 naming ``--freq``, and write
  nothing: a package without rows reads as "nobody answered". It is refused the same way now.
- The tables' refusal said "No month with data has ended" of automated answers only, which are no data
  and whose months have ended: it says that no response is counted.

Real data in the processor's layout (tests/warehouse_rows.py), the real CLI and console; no mocks."""
from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from ascolto.cli import main
from settings import Settings
from tests.conftest import pinned_clock
from tests.console_auth import api_client
from tests.warehouse_rows import response, write

TODAY = date(2026, 12, 7)


@pytest.fixture
def running_only(tmp_path):
    write(tmp_path / "running", [response(period="2026-12", day=2, satisfaction=1 + i % 5) for i in range(12)])
    return tmp_path / "running"


@pytest.fixture
def automated_only(tmp_path):
    rows = [response(period="2025-03", satisfaction=1 + i % 5) for i in range(12)]
    write(tmp_path / "automated", [dict(r, device="bot") for r in rows])
    return tmp_path / "automated"


def _export(data_dir, fmt, out, *args):
    return CliRunner().invoke(main, ["export", "--format", fmt, "--out", str(out), *args],
                              env={"ASCOLTO_DATA_DIR": str(data_dir)})


@pytest.mark.parametrize("args", [(), ("--from", "2025-06")])
def test_a_package_with_no_ended_month_of_data_is_refused_as_the_tables_are(running_only, tmp_path, args):
    with pinned_clock(TODAY):
        table = _export(running_only, "csv", tmp_path / "cx.csv", *args)
        package = _export(running_only, "datapackage", tmp_path / "pkg", *args)
    assert table.exit_code == 1 and "--freq" in table.output, table.output  # what the dataset holds: exit 1
    assert package.exit_code == 1, package.output
    assert isinstance(package.exception, SystemExit), package.exception  # one line, no traceback
    assert "--freq" in package.output and "No month with data has ended" in package.output, package.output
    assert "are of 2026-12, which is still running (published from 2027-01-01)" in package.output, package.output
    assert "None" not in package.output
    assert not (tmp_path / "pkg").exists() and [p.name for p in tmp_path.iterdir()] == ["running"]


def test_the_console_refuses_the_empty_package_naming_its_months(running_only):
    with pinned_clock(TODAY):
        r = api_client(Settings(data_dir=running_only, rollup_check_s=0.0), "statistician").get(
            "/exports/datapackage.zip")
    assert r.status_code == 400, r.status_code
    text = r.get_data(as_text=True)
    assert "from" in text and "2026-12" in text and "2027-01-01" in text, text[-2000:]


@pytest.mark.parametrize("fmt", ["csv", "sdmx-csv", "jsonstat", "codelists", "datapackage"])
def test_automated_answers_only_are_said_to_be_uncounted_not_unended(automated_only, tmp_path, fmt):
    with pinned_clock(TODAY):
        r = _export(automated_only, fmt, tmp_path / "out")
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit), r.output
    assert "--freq" in r.output and "has ended" not in r.output, r.output
    assert "No response is counted" in r.output and "automated" in r.output, r.output
    assert [p.name for p in tmp_path.iterdir()] == ["automated"]


def test_the_console_page_says_it_in_italian(running_only, automated_only):
    """The Exports page's download (Italian by default) says the refusal in the page's language."""
    for data, words in ((running_only, "le risposte ricevute finora sono del periodo 2026-12, ancora in corso"),
                        (automated_only, "nessuna risposta è conteggiata")):
        with pinned_clock(TODAY):
            client = api_client(Settings(data_dir=data, rollup_check_s=0.0), "statistician")
            r = client.get("/exports/datapackage.zip")
        assert r.status_code == 400 and words in r.get_data(as_text=True), r.get_data(as_text=True)[-1500:]


def test_a_console_without_any_response_says_none_has_arrived(tmp_path):
    """A new installation's console (no response stored at all): not "automated answers are never counted"."""
    with pinned_clock(TODAY):
        client = api_client(Settings(data_dir=tmp_path / "new", rollup_check_s=0.0), "statistician")
        api = client.get("/api/v1/export/csv")
        page = client.get("/exports/datapackage.zip")
    assert api.status_code == 400 and api.get_json()["fields"] == {
        "freq": ["No response has been stored yet, so the export would hold no figure."]}, api.get_json()
    assert page.status_code == 400 and "nessuna risposta è ancora arrivata" in page.get_data(as_text=True)
