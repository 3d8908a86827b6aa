"""``ascolto export --format codelists``: the labels of the codes a table uses, as the console's
``/api/v1/export/codelists`` serves them — the file ``--format csv`` writes beside its table, alone, by the
same writer (:func:`warehouse.codelists.write_csv`); a range with no ended period is refused as every table
export is (exit 1 naming ``--freq``, nothing written)."""
from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from ascolto.cli import main
from settings import Settings
from tests.conftest import pinned_clock
from tests.console_auth import api_client


def _export(data_dir, *args):
    return CliRunner().invoke(main, ["export", *args], env={"ASCOLTO_DATA_DIR": str(data_dir)})


def test_the_help_offers_codelists():
    r = CliRunner().invoke(main, ["export", "--help"])
    assert r.exit_code == 0 and "codelists" in r.output.split("--format", 1)[1].split("--out", 1)[0]


def test_codelists_alone_are_the_file_beside_the_table_and_the_apis(data_dir, tmp_path_factory):
    # data_dir holds 2026-10 and 2026-11 only
    tmp_path = tmp_path_factory.mktemp("out")
    with pinned_clock(date(2027, 1, 15)):
        r = _export(data_dir, "--format", "codelists", "--freq", "M", "--from", "2026-10", "--to", "2026-11",
                    "--out", str(tmp_path / "cx.codelists.csv"))
        assert r.exit_code == 0, r.output
        assert r.stdout.strip() == str(tmp_path / "cx.codelists.csv")
        assert r.stderr.strip().endswith(": the labels of the codes the --freq M table of 2 months (2026-10 to 2026-11) uses.")
        assert "exported" not in r.stderr  # codelists hold no month (tests/test_export_said_each_kind.py)
        table = _export(data_dir, "--format", "csv", "--freq", "M", "--from", "2026-10", "--to", "2026-11",
                        "--out", str(tmp_path / "table" / "cx.csv"))
        assert table.exit_code == 0, table.output
        alone = (tmp_path / "cx.codelists.csv").read_bytes()
        assert alone == (tmp_path / "table" / "cx.codelists.csv").read_bytes()
        assert alone.startswith(b"codelist,code,label_it,label_en\n") and b"SERVICE_TYPE,anagrafe.certificati," in alone
        api = api_client(Settings(data_dir=data_dir)).get("/api/v1/export/codelists?freq=M&from=2026-10&to=2026-11")
        assert api.status_code == 200 and api.data == alone


def test_codelists_of_no_ended_period_are_refused_and_nothing_written(data_dir, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("out")
    with pinned_clock(date(2026, 12, 2)):
        r = _export(data_dir, "--format", "codelists", "--out", str(tmp_path / "cx.codelists.csv"),
                    "--freq", "A")
        assert r.exit_code == 1, r.output  # refused by what the dataset holds
        assert "--freq" in r.stderr and "No year with data has ended" in r.stderr, r.stderr
        assert list(tmp_path.iterdir()) == []
