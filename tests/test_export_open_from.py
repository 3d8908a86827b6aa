"""An open-ended range whose ``from`` is a coarser label than ``--freq`` (a statistician's first try in
December 2026: ``ascolto export --freq M --from 2026``, "this year's months so far").

The running-period check looked at ``from`` as its own period: ``from=2026`` is a running year, so the
export exited 2 ("from=2026 is still running … such as 2025") although the range it asks — the months
from 2026-01 through the last ended one — holds ended periods only, and ``--from 2026-01`` (the same
range, docs/warehouse.md: labels of any frequency are accepted where they align) was exported. Now
an open end checks the first period of ``freq`` the range begins with; a ``from`` whose own first period
of ``freq`` is still running (``--freq A --from 2026``) is refused as before."""
from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from ascolto.cli import main
from tests.conftest import pinned_clock

DECEMBER = date(2026, 12, 2)  # data_dir holds 2026-10 and 2026-11


def _export(data_dir, out, *args):
    return CliRunner().invoke(main, ["export", "--format", "csv", "--out", str(out), *args],
                              env={"ASCOLTO_DATA_DIR": str(data_dir)})


def test_a_coarser_from_with_an_open_end_exports_the_ended_periods_of_freq(data_dir, tmp_path):
    with pinned_clock(DECEMBER):
        same = _export(data_dir, tmp_path / "same.csv", "--freq", "M", "--from", "2026-10")
        assert same.exit_code == 0, same.output
        for label in ("2026", "2026-Q4"):
            r = _export(data_dir, tmp_path / f"{label}.csv", "--freq", "M", "--from", label)
            assert r.exit_code == 0, (label, r.output)
            assert r.stderr.strip() == ("ascolto: 2 months exported, 2026-10 to 2026-11; the labels of its codes in "
                                        f"{label}.codelists.csv beside it."), r.stderr
            assert (tmp_path / f"{label}.csv").read_bytes() == (tmp_path / "same.csv").read_bytes()
        r = _export(data_dir, tmp_path / "q.csv", "--freq", "Q", "--from", "2026")  # 2026-Q1 has ended
        # … but no quarter with data has: export_periods' refusal naming --freq, not one naming --from
        assert r.exit_code == 1 and "--freq" in r.stderr and "No quarter with data has ended" in r.stderr, r.stderr


def test_a_from_whose_first_period_of_freq_is_running_is_still_refused(data_dir, tmp_path):
    with pinned_clock(DECEMBER):
        for args in (("--freq", "A", "--from", "2026"), ("--freq", "Q", "--from", "2026-Q4"),
                     ("--freq", "M", "--from", "2026-12")):
            r = _export(data_dir, tmp_path / "x.csv", *args)
            assert r.exit_code == 2, (args, r.output)
            assert "--from" in r.stderr and "is still running" in r.stderr, r.stderr
            assert not (tmp_path / "x.csv").exists()


def test_the_console_api_takes_the_same_open_range(data_dir):
    from settings import Settings
    from tests.console_auth import api_client

    with pinned_clock(DECEMBER):
        client = api_client(Settings(data_dir=data_dir))
        ok = client.get("/api/v1/export/csv?freq=M&from=2026")
        assert ok.status_code == 200, ok.get_json()
        assert {line.split(",")[8] for line in ok.get_data(as_text=True).splitlines()[1:]} == {"2026-10", "2026-11"}
        rows = client.get("/api/v1/indicators?freq=M&from=2026-Q4").get_json()["rows"]
        assert {r["period"] for r in rows} == {"2026-10", "2026-11"}
        refused = client.get("/api/v1/export/csv?freq=A&from=2026")
        assert refused.status_code == 400 and refused.get_json()["fields"].keys() == {"from"}
