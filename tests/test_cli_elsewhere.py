"""A new user's commands run outside the checkout where `make run` ran (or before it).

``ascolto registry <command> --help`` and ``ascolto registry service-types`` (the taxonomy, no registry
needed) stopped with "no registry found", and ``ascolto failed list``, ``compact`` and ``purge`` reported
"0 failures", "0 directories compacted" or an empty purge of a ``./var`` that was not the stack's."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from ascolto.cli import main
from processor.badrows import Failure, Reason, Source
from processor.failed import FailedStore, failure_id

ENV = {"ASCOLTO_ACTOR": "test:cli"}


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    for name in ("ASCOLTO_DATA_DIR", "ASCOLTO_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("args", [["registry", "list", "--help"], ["registry", "token", "create", "--help"],
                                  ["registry", "add-service", "--help"], ["registry", "service-types"],
                                  ["failed", "list", "--help"], ["failed", "dismiss", "--help"]])
def test_help_and_the_taxonomy_need_no_registry_nor_data(elsewhere, args):
    out = CliRunner().invoke(main, args, env=ENV)
    assert out.exit_code == 0, out.output
    assert "no registry found" not in out.output and "no data directory found" not in out.output
    assert not (elsewhere / "var").exists()


@pytest.mark.parametrize("args", [["failed", "list"], ["failed", "replay"], ["compact"],
                                  ["purge", "--keep-months", "24", "--dry-run"]])
def test_a_maintenance_command_run_elsewhere_says_where_it_looked(elsewhere, args):
    out = CliRunner().invoke(main, args, env=ENV)
    assert out.exit_code == 1, out.output
    assert f"no data directory found: neither {elsewhere.resolve()} nor its parents hold var/responses/" in out.output
    assert "ASCOLTO_DATA_DIR" in out.output and "make run" in out.output
    assert not (elsewhere / "var").exists()  # nothing created on the way


@pytest.mark.parametrize("args", [["failed", "list"], ["failed", "replay"], ["compact"],
                                  ["purge", "--keep-months", "24", "--dry-run"]])
def test_a_maintenance_command_given_a_data_dir_that_does_not_exist_says_so_and_creates_nothing(elsewhere, args):
    """Found in the ops review: a mistyped ASCOLTO_DATA_DIR answered `failed list` with "0 failures" and
    `compact` with "0 directories compacted", having made the directory and its lock file."""
    mistyped = elsewhere / "srv" / "ascolt"
    out = CliRunner().invoke(main, args, env={**ENV, "ASCOLTO_DATA_DIR": str(mistyped)})
    assert out.exit_code == 1, out.output
    assert f"ASCOLTO_DATA_DIR {mistyped} is not a directory (it does not exist)" in out.output
    assert "Traceback" not in out.output and not (elsewhere / "srv").exists()
    (elsewhere / "empty").mkdir()  # an empty one (a new deployment's) is fine
    assert CliRunner().invoke(main, args, env={**ENV, "ASCOLTO_DATA_DIR": str(elsewhere / "empty")}).exit_code == 0


def test_the_dead_letters_of_the_stack_are_found_from_deeper_in_the_checkout(elsewhere, monkeypatch):
    var = elsewhere / "stack" / "var"
    letter = Failure(Source("ascolto.submissions", 0, 5), Reason.UNDECODABLE, "not JSON", b"{")
    FailedStore(var).write([letter], partition=0, first=5, last=5)
    deeper = elsewhere / "stack" / "docs" / "deeper"
    deeper.mkdir(parents=True)
    monkeypatch.chdir(deeper)
    listed = CliRunner().invoke(main, ["failed", "list", "--pending"], env=ENV)
    assert listed.exit_code == 0, listed.output
    fid = failure_id(letter)
    assert fid.startswith("ascolto.submissions/0/5/0/") and fid in listed.output
    assert "1 failures; 1 undecodable pending" in listed.output
    dismissed = CliRunner().invoke(main, ["failed", "dismiss", fid, "--note", "garbage"], env=ENV)
    assert dismissed.exit_code == 0 and "1 dismissed" in dismissed.output, dismissed.output
    assert [r["status"] for r in FailedStore(var).list()] == ["dismissed"]  # in the stack's var/, not a new one
    assert not (deeper / "var").exists()


def test_the_backfill_run_elsewhere_says_where_it_looked_and_creates_nothing(elsewhere, capsys):
    """`python -m collector.backfill` outside the checkout wrote a spool and an empty registry into a new ./var."""
    from collector.backfill import main

    lines = elsewhere / "history.jsonl"
    lines.write_text('{"received_at": "2026-01-05T10:00:00+00:00", "submission": {}}\n', "utf-8")
    assert main([str(lines)]) == 2
    err = capsys.readouterr().err
    assert f"no data directory found: neither {elsewhere.resolve()} nor its parents hold var/responses/" in err
    assert "ASCOLTO_DATA_DIR" in err and "make run" in err
    assert not (elsewhere / "var").exists()


def test_the_backfill_writes_into_the_stacks_var_from_deeper_in_the_checkout(elsewhere, monkeypatch, broker, capsys):
    import json
    import uuid

    from collector.backfill import main
    from deploy.broker import ensure_topics
    from registry import connect, dispose
    from registry.demo import seed
    from tests.conftest import ORIGIN, submission

    var = elsewhere / "stack" / "var"
    factory = connect(f"sqlite:///{var / 'registry.db'}")  # a stack whose processor wrote nothing yet
    seed(factory, [ORIGIN])
    dispose(factory)
    topic = f"t-{uuid.uuid4().hex[:8]}.submissions"
    ensure_topics(broker.bootstrap, {topic: 1})
    monkeypatch.setenv("ASCOLTO_BROKER", broker.bootstrap)
    monkeypatch.setenv("ASCOLTO_TOPIC", topic)
    deeper = elsewhere / "stack" / "docs"
    deeper.mkdir()
    monkeypatch.chdir(deeper)
    history = deeper / "history.jsonl"
    history.write_text(json.dumps({"received_at": "2026-01-05T10:00:00+00:00", "submission": submission(),
                                   "origin": ORIGIN}) + "\n", "utf-8")
    assert main([str(history)]) == 0
    assert json.loads(capsys.readouterr().out) == {"lines": 1, "accepted": 1, "refused": {}}
    assert any(p.is_file() for p in (var / "spool").rglob("*"))  # the stack's log holds it
    assert not (deeper / "var").exists()


def test_python_dash_m_ascolto_is_the_ascolto_command(elsewhere):
    """``python -m ascolto`` (where the venv's scripts are not on PATH) runs the same CLI, named as such."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-m", "ascolto", "registry", "service-types"], capture_output=True,
                         text=True, timeout=60, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", **ENV})
    assert out.returncode == 0, out.stderr
    assert "anagrafe" in out.stdout
    usage = subprocess.run([sys.executable, "-m", "ascolto", "nonsense"], capture_output=True, text=True,
                           timeout=60, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", **ENV})
    assert usage.returncode == 2 and "Usage: ascolto " in usage.stderr
