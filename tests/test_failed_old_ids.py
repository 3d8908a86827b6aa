"""Dead letters written before the digest share their id (``topic/partition/offset/index``) across two lives of a
topic: ``ascolto failed dismiss OLD_ID`` dismissed both letters with one ledger line, and a replay that wrote one
and not the other recorded both outcomes under that id (the last line said for both: a letter still failing
left the pending list, or a written one stayed in it). Each letter now has its full id (``letter_id``), printed,
taken and recorded; an old id two pending letters share is refused naming their full ids (exit 2)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from click.testing import CliRunner

from ascolto.cli import main as cli
from processor.failed import FailedStore
from tests.test_failed_lives import _legacy_letter, _register


def _two_lives(data_dir) -> FailedStore:
    store = FailedStore(data_dir)
    _legacy_letter(store, "svc-one", datetime(2026, 11, 20, 9, tzinfo=timezone.utc))
    _legacy_letter(store, "svc-two", datetime(2026, 11, 21, 9, tzinfo=timezone.utc))
    return store


def test_an_old_id_two_letters_share_is_refused_naming_their_full_ids(tmp_path):
    store = _two_lives(tmp_path)
    env = {"ASCOLTO_DATA_DIR": str(tmp_path)}
    refused = CliRunner().invoke(cli, ["failed", "dismiss", "t/0/0/0", "--note", "test posts"], env=env)
    assert [r["status"] for r in store.list()] == ["pending", "pending"], refused.output  # it dismissed both
    assert refused.exit_code == 2, refused.output
    full = [r["letter_id"] for r in store.list()]
    assert len(set(full)) == 2 and all(f.startswith("t/0/0/0/") for f in full)
    listed = CliRunner().invoke(cli, ["failed", "list", "--pending"], env=env)
    assert listed.exit_code == 0 and all(f in listed.output for f in full), listed.output  # what dismiss takes
    assert "FAILURE_IDS" in refused.output and "t/0/0/0 is the id of 2 letters" in refused.output
    assert all(f in refused.output for f in full) and "Traceback" not in refused.output

    done = CliRunner().invoke(cli, ["failed", "dismiss", full[1], "--note", "test posts"], env=env)
    assert done.exit_code == 0 and "1 dismissed" in done.output, done.output
    assert [(r["detail"], r["status"]) for r in store.list()] == [("svc-one", "pending"), ("svc-two", "dismissed")]
    # one of them pending now: the old id still names two letters (meant for the dismissed one, it took the other)
    refused = CliRunner().invoke(cli, ["failed", "dismiss", "t/0/0/0", "--note", "test posts too"], env=env)
    assert refused.exit_code == 2 and f"{full[1]} (dismissed)" in refused.output and f"{full[0]} (pending)" in \
        refused.output, refused.output
    done = CliRunner().invoke(cli, ["failed", "dismiss", full[0], "--note", "test posts too"], env=env)
    assert done.exit_code == 0 and "1 dismissed" in done.output, done.output
    assert [r["status"] for r in store.list()] == ["dismissed", "dismissed"]
    again = CliRunner().invoke(cli, ["failed", "dismiss", full[0], "--note", "again"], env=env)
    assert again.exit_code == 1 and "not a pending dead letter" in again.output, again.output  # the state: exit 1
    malformed = CliRunner().invoke(cli, ["failed", "dismiss", "t/0/zero", "--note", "x"], env=env)
    assert malformed.exit_code == 2 and "not a dead letter id" in malformed.output, malformed.output


def test_a_replay_records_each_old_letters_outcome_as_its_own(settings):
    """Only svc-one is fixed: its letter is written, svc-two's still fails — each keeps its own status."""
    store = _two_lives(settings.data_dir)
    _register(settings, "svc-one")
    env = {"ASCOLTO_DATA_DIR": str(settings.data_dir), "ASCOLTO_DATABASE_URL": settings.database_url}
    out = CliRunner().invoke(cli, ["failed", "replay"], env=env)
    assert out.exit_code == 1 and "2 replayed: 1 failed, 1 written" in out.output, out.output
    assert [(r["detail"], r["status"]) for r in store.list()] == [("svc-one", "written"), ("svc-two", "pending")]
    ledger = [json.loads(line)["failure_id"] for line in (store.root / "replayed.jsonl").read_text().splitlines()]
    assert sorted(ledger) == sorted(r["letter_id"] for r in store.list())
    _register(settings, "svc-two")
    out = CliRunner().invoke(cli, ["failed", "replay"], env=env)
    assert out.exit_code == 0 and "1 replayed: 1 written" in out.output, out.output
    assert [r["status"] for r in store.list()] == ["written", "written"]
