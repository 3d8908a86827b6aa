"""What ``ascolto export`` says it exported (a statistician's first export, 2 December 2026).

``ascolto export --format sdmx-csv --out cx.csv --freq A`` (then the default; months are now: tests/test_export_defaults.py) wrote,
with data only of 2026, a header-only file and exit 0 (the running year is not published), and with a
year of data it wrote one partial year without a word: the reader had to open the file to learn what
it held. Now a table export says on stderr which periods it holds (the first one's partial coverage too)
and that the running one is published later, naming the finer ``--freq`` with its ended parts; one
that would hold no period exits 1 naming ``--freq`` and writes nothing. The path stays alone on stdout."""
from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from ascolto.cli import main
from tests.conftest import pinned_clock


def _export(data_dir, out, *args):
    return CliRunner().invoke(main, ["export", "--format", "csv", "--out", str(out), *args],
                              env={"ASCOLTO_DATA_DIR": str(data_dir)})


def test_an_export_with_no_ended_period_is_refused_naming_freq_and_the_way_out(data_dir, tmp_path):
    # data_dir holds 2026-10 and 2026-11 only
    with pinned_clock(date(2026, 12, 2)):
        out = tmp_path / "out"
        out.mkdir()
        r = _export(data_dir, out / "cx.csv", "--freq", "A")
        assert r.exit_code == 1, r.output  # refused by what the dataset holds
        assert "--freq" in r.stderr and "No year with data has ended" in r.stderr, r.stderr
        assert "2026 is still running (published from 2027-01-01)" in r.stderr
        assert "--freq M (2026-10 to 2026-11)" in r.stderr
        assert list(out.iterdir()) == []  # no header-only file, no codelists
        r = _export(data_dir, tmp_path / "m.csv", "--freq", "M")
        assert r.exit_code == 0, r.output
        assert r.stdout.strip() == str(tmp_path / "m.csv")
        # the running month holds no answer of these data: nothing is left out, nothing said of it
        assert r.stderr.strip() == ("ascolto: 2 months exported, 2026-10 to 2026-11; the labels of its codes in "
                                    "m.codelists.csv beside it.")


def test_a_partial_first_year_is_said(data_dir, tmp_path):
    with pinned_clock(date(2027, 1, 15)):
        r = _export(data_dir, tmp_path / "cx.csv", "--freq", "A")
        assert r.exit_code == 0, r.output
        assert r.stderr.strip() == ("ascolto: 1 year exported, 2026 (partial: data from 2026-10); the labels of its codes "
                                    "in cx.codelists.csv beside it.")
        assert len((tmp_path / "cx.csv").read_text().splitlines()) > 1


def test_the_console_api_refuses_an_export_with_no_ended_period_naming_freq(data_dir):
    """``/api/v1/export/<fmt>?freq=A`` without a range returned a header-only file where ``ascolto export``
    exits 1: the same rule (warehouse.export_periods), a 400 naming ``freq`` that says what to ask instead."""
    from settings import Settings
    from tests.console_auth import api_client

    with pinned_clock(date(2026, 12, 2)):
        client = api_client(Settings(data_dir=data_dir))
        for fmt in ("csv", "parquet", "sdmx-csv", "jsonstat", "codelists"):
            resp = client.get(f"/api/v1/export/{fmt}?freq=A")
            assert resp.status_code == 400, (fmt, resp.status_code)
            body = resp.get_json()
            assert body["error"] == "invalid_parameter" and "freq" in body["fields"], body
            assert "No year with data has ended" in body["message"], body
            assert "2026 is still running (published from 2027-01-01)" in body["message"], body
            assert "freq=Q (2026-Q4)" not in body["message"]  # 2026-Q4 is running too: not offered
            assert "freq=M (2026-10 to 2026-11)" in body["message"] and "--freq" not in body["message"], body
        ok = client.get("/api/v1/export/csv?freq=M")
        assert ok.status_code == 200 and len(ok.get_data(as_text=True).splitlines()) > 1
        assert client.get("/api/v1/export/metadata?freq=A").status_code == 200  # no table: not this rule


def test_the_package_says_what_it_wrote(data_dir, tmp_path):
    """``--format datapackage`` and ``--format metadata`` printed only the path; the tables said their
    periods: they say what they wrote too, read from it (the path alone on stdout)."""
    import json

    with pinned_clock(date(2027, 1, 15)):
        r = CliRunner().invoke(main, ["export", "--format", "datapackage", "--out", str(tmp_path / "pkg")],
                               env={"ASCOLTO_DATA_DIR": str(data_dir)})
        assert r.exit_code == 0, r.output
        assert r.stdout.strip() == str(tmp_path / "pkg" / "datapackage.json")
        conf = json.loads((tmp_path / "pkg" / "datapackage.json").read_text("utf-8"))["confidentiality"]
        assert r.stderr.startswith("ascolto: microdata package of the months 2026-10 to 2026-11: 2 resources "
                                   "(responses-cx-core-v1.csv, responses-di-rating-servizio-v1.csv), "
                                   f"{conf['released_rows']} rows released (k = 5), ")


def test_the_metadata_say_what_they_wrote(data_dir, tmp_path):
    with pinned_clock(date(2027, 1, 15)):
        r = CliRunner().invoke(main, ["export", "--format", "metadata", "--out", str(tmp_path / "m.json"), "--lang",
                                      "it", "--freq", "A"], env={"ASCOLTO_DATA_DIR": str(data_dir)})
        assert r.exit_code == 0, r.output
        assert r.stdout.strip() == str(tmp_path / "m.json")
        assert r.stderr.strip() == ("ascolto: reference metadata of the --freq A table, 9 concepts (S.3 to S.18) of "
                                    "the ESS Single Integrated Metadata Structure (SIMS) v2.0, in it, data as of "
                                    "2026-11-15.")
