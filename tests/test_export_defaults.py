"""One default frequency for every export, and the Exports page saying what a frequency holds before the
download (15 December 2026, data from 2025-12 to 2026-11).

The console's Exports page and ``ascolto export`` defaulted to years (``freq=A``) while
``/api/v1/export/<fmt>`` defaults to months: "Scarica" with the page's defaults downloaded ``ascolto-A.csv``
holding 2025 alone (December 2025), eleven months of 2026 silently left out; the CLI said so on stderr, the
page said nothing. DESIGN.md is silent on the default: months, which leave out only the running month, are
now the default everywhere, and the page says which periods the chosen frequency holds and which it leaves
out, in the words of the CLI's line (``warehouse.export_periods.Held.words``). The microdata package, which
holds months, was refused under the CLI's default (``--from 2026-07`` "starts inside 2026"): its frequency
follows ``--from``/``--to``."""
from __future__ import annotations

import csv
import html as markup
import io
import json
import re
from datetime import date

import pytest
from click.testing import CliRunner

from ascolto.cli import main
from settings import Settings
from tests.conftest import pinned_clock
from tests.console_auth import token
from tests.warehouse_rows import response, write
from warehouse.console import create_app

MONTHS = ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("export-defaults")
    write(root, [response(period=p, day=1 + i % 27, satisfaction=1 + i % 5, entity=e, region=r)
                 for p in MONTHS for i in range(30) for e, r in (("c_h501", "ITI4"), ("c_f205", "ITC4"))])
    return root


@pytest.fixture
def december():
    with pinned_clock(date(2026, 12, 15)):
        yield


def _cli(data, *args):
    return CliRunner().invoke(main, ["export", *args], env={"ASCOLTO_DATA_DIR": str(data)})


def _periods(text: str) -> list[str]:
    return sorted({r["TIME_PERIOD"] for r in csv.DictReader(io.StringIO(text))})


@pytest.fixture
def console(data, december):
    settings = Settings(data_dir=data, rollup_check_s=0.0)
    client = create_app(settings).test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token(settings, 'statistician')}"
    return client


def test_the_cli_the_api_and_the_exports_page_default_to_every_ended_month(data, console, tmp_path):
    r = _cli(data, "--format", "sdmx-csv", "--out", str(tmp_path / "cx.csv"))
    assert r.exit_code == 0, r.output
    assert _periods((tmp_path / "cx.csv").read_text("utf-8")) == MONTHS
    assert r.stderr.strip() == "ascolto: 12 months exported, 2025-12 to 2026-11."
    assert _periods(console.get("/api/v1/export/sdmx-csv").get_data(as_text=True)) == MONTHS
    page = console.get("/exports").get_data(as_text=True)
    assert re.search(r'<option value="M" selected>', page) and '<input type="hidden" name="freq" value="M">' in page
    # "Scarica" with the page's defaults: the months, not 2025 alone
    download = console.get("/exports/download?freq=M&format=sdmx-csv&from=&to=&lang=it")
    assert download.status_code == 303
    assert _periods(console.get(download.headers["Location"]).get_data(as_text=True)) == MONTHS


def _held(page: str) -> str:
    found = re.search(r'<p class="alert alert-info" role="status" data-held="\w">(.*?)</p>', page, re.S)
    assert found, page[-3000:]
    return re.sub(r"\s+", " ", markup.unescape(found.group(1)))


def test_the_exports_page_says_before_the_download_what_a_frequency_holds_and_leaves_out(data, console):
    assert _held(console.get("/exports?freq=A").get_data(as_text=True)) == (
        "Con tutti i periodi, frequenza Annuale: 1 anno nel file: 2025 (parziale: dati dal 2025-12); lasciato fuori "
        "2026, in corso (si pubblica dal 2027-01-01); i suoi periodi conclusi: Trimestrale (da 2026-Q1 a 2026-Q3) "
        "o Mensile (da 2026-01 a 2026-11).")
    assert _held(console.get("/exports?freq=Q&lang=en").get_data(as_text=True)) == (
        "With all periods, frequency Quarterly: 4 quarters exported, 2025-Q4 (partial: data from 2025-12) to "
        "2026-Q3; 2026-Q4 is still running (published from 2027-01-01); its ended parts: Monthly (2026-10 to "
        "2026-11).")
    assert _held(console.get("/exports").get_data(as_text=True)) == (
        "Con tutti i periodi, frequenza Mensile: 12 mesi nel file: da 2025-12 a 2026-11.")


def test_the_page_and_the_cli_say_it_in_the_same_words(data, console, tmp_path):
    # sdmx-csv: one file, its line the periods alone (csv adds the codelist file it writes beside the table)
    r = _cli(data, "--format", "sdmx-csv", "--out", str(tmp_path / "a.csv"), "--freq", "A")
    assert r.exit_code == 0, r.output
    page = _held(console.get("/exports?freq=A&lang=en").get_data(as_text=True))
    line = r.stderr.strip().removeprefix("ascolto: ")
    assert page == "With all periods, frequency Annual: " + line.replace("--freq Q", "Quarterly").replace(
        "--freq M", "Monthly"), (page, line)


def test_a_microdata_package_of_months_needs_no_freq(data, december, tmp_path):
    r = _cli(data, "--format", "datapackage", "--out", str(tmp_path / "pkg"), "--from", "2026-07", "--to", "2026-09")
    assert r.exit_code == 0, r.output
    period = json.loads((tmp_path / "pkg" / "datapackage.json").read_text("utf-8"))["period"]
    assert (period["from"], period["to"]) == ("2026-07", "2026-09")
    # a frequency given that cuts the months: refused, telling the way out
    r = _cli(data, "--format", "datapackage", "--out", str(tmp_path / "a"), "--from", "2026-07", "--to", "2026-09",
             "--freq", "A")
    assert r.exit_code == 2 and "leave --freq out" in r.stderr and "--freq M" in r.stderr, r.stderr
    assert not (tmp_path / "a").exists()
