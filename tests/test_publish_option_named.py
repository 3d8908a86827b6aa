"""``ascolto publish``'s refusals name the option to change (common rule: every refusal names the field and
the problem), as ``ascolto export`` and ``indicators`` do ("Invalid value for --period: …"); they said the
bare field ("Error: period: 2026-Q4 has not ended yet …"), which is no option of the command."""
from __future__ import annotations

from click.testing import CliRunner

from ascolto.cli import main
from tests.warehouse_rows import response, write


def _publish(data_dir, *args):
    return CliRunner().invoke(main, ["publish", "--data-dir", str(data_dir), "--actor", "test", *args])


def test_each_refusal_names_its_option(tmp_path):
    # an ended quarter on the real clock (publish decides with its own instant, warehouse.publish)
    write(tmp_path, [response(period="2025-08", day=1 + i % 28, satisfaction=1 + i % 5) for i in range(40)])
    for args, option, problem in (
            (("--period", "2025-08"), "--period", "'2025-08' is not a quarter (YYYY-Qn)"),
            (("--period", "2099-Q1"), "--period", "2099-Q1 has not ended yet")):
        r = _publish(tmp_path, *args)
        assert r.exit_code == 2, (args, r.output)
        assert f"Invalid value for {option}: {problem}" in r.stderr, r.stderr
    # well formed, refused by what is stored (no release yet): exit 1, still naming the option
    r = _publish(tmp_path, "--period", "2025-Q3", "--revise", "--note", "x")
    assert r.exit_code == 1 and r.stderr.strip() == "Error: --revise: 2025-Q3 has no release to revise", r.stderr
    assert _publish(tmp_path, "--period", "2025-Q3").exit_code == 0
    r = _publish(tmp_path, "--period", "2025-Q3", "--revise")
    assert r.exit_code == 2 and "Invalid value for --note: a revision says why (--note)" in r.stderr, r.stderr
