"""An upgrade of a PostgreSQL registry that holds data, as the operator runs it (`ascolto registry migrate`
after the release): the rows survive, and the registry still takes new ones. 0005, 0006 and 0008 rebuild
``api_token``; on PostgreSQL the rebuilt table's id sequence started at 1 again, so the first
`ascolto registry token create` after the upgrade failed with a duplicate key (0011 resyncs it)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from ascolto.cli import main
from registry import migrate

TOKENS = [("abcdef01", "admin"), ("abcdef02", "statistician"), ("abcdef03", "monitoring")]


@pytest.mark.parametrize("start", ["0004", "0007_service_test_mode"])
def test_tokens_can_be_created_after_upgrading_a_registry_that_held_tokens(db_url, start):
    if not db_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL registry (SQLite's rowids follow the table)")
    engine = create_engine(db_url)
    try:
        migrate.migrate(engine, start)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO entity VALUES ('c_h501', 'Comune di Roma', 'L6', '12', 'ITI4', '058091')"))
            for prefix, role in TOKENS:
                conn.execute(text("INSERT INTO api_token (prefix, secret_sha256, role, label, created_at, created_by) "
                                  "VALUES (:p, :h, :r, 'before the upgrade', now(), 'cli:ops')"),
                             {"p": prefix, "h": prefix * 8, "r": role})
        runner, env = CliRunner(), {"ASCOLTO_DATABASE_URL": db_url}
        result = runner.invoke(main, ["registry", "migrate"], env=env)
        assert result.exit_code == 0 and "(head 0012_test_mode_until)" in result.output, result.output
        for label in ("after the upgrade", "and another"):
            result = runner.invoke(main, ["registry", "token", "create", "--role", "admin", "--label", label], env=env)
            assert result.exit_code == 0, result.output
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, prefix, label FROM api_token ORDER BY id")).all()
        assert [r.prefix for r in rows[:3]] == [p for p, _ in TOKENS]  # the old rows kept
        assert [r.label for r in rows[3:]] == ["after the upgrade", "and another"] and rows[3].id == 4
    finally:
        engine.dispose()


def test_the_resync_leaves_an_empty_token_table_starting_at_1(db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL registry")
    engine = create_engine(db_url)
    try:
        migrate.migrate(engine, "head")
        with engine.begin() as conn:
            new_id = conn.execute(text("INSERT INTO api_token (prefix, secret_sha256, role, label, created_at, "
                                       "created_by) VALUES ('abcdef09', 'x', 'admin', 'l', now(), 'c') RETURNING id")).scalar_one()
        assert new_id == 1
    finally:
        engine.dispose()
