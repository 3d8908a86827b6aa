"""A database error the registry did not expect reaches no one with its SQL parameters (token hashes).

The CLI reports it as one line — the command, the database, the error's class and first line — and exits
non-zero; the engine every process makes (:func:`registry.connect`: CLI, collector, console, processor)
keeps bound parameters out of its exceptions (and PostgreSQL's DETAIL, which quotes the row), so a
traceback in gunicorn's log carries none either.
On SQLite and PostgreSQL, with a real registry.
"""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import exc as sa_exc, select, text

from ascolto.cli import main
from registry import Token, connect, dispose, session_scope
from registry.tokens import create_token


@pytest.fixture
def registry_db(db_url):
    """A migrated registry where a second token may not reuse a label (an index an operator added)."""
    f = connect(db_url)
    with session_scope(f) as s:
        s.execute(text("CREATE UNIQUE INDEX uq_token_label_test ON api_token (label)"))
    yield f
    dispose(f)


def run(db_url, tmp_path, *args: str):
    env = {"ASCOLTO_DATABASE_URL": db_url, "ASCOLTO_DATA_DIR": str(tmp_path / "data"), "ASCOLTO_ACTOR": "test:cli"}
    return CliRunner().invoke(main, ["registry", *args], env=env, catch_exceptions=False)


def hashes(factory) -> list[str]:
    with session_scope(factory) as s:
        return list(s.scalars(select(Token.secret_sha256)))


def test_a_refused_insert_is_one_line_without_sql_or_token_hash(db_url, tmp_path, registry_db):
    assert run(db_url, tmp_path, "token", "create", "--role", "admin", "--label", "ops").exit_code == 0
    result = run(db_url, tmp_path, "token", "create", "--role", "admin", "--label", "ops")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: `main registry token create` failed on the registry database ")
    assert "unique" in lines[0].lower()  # SQLite's IntegrityError, PostgreSQL's UniqueViolation, and their words
    assert "[SQL" not in result.output and "parameters" not in result.output and "INSERT" not in result.output
    assert len(hashes(registry_db)) == 1  # the second was rolled back, its hash was never shown


def test_a_dropped_table_names_the_table_and_the_fix(db_url, tmp_path, registry_db):
    with session_scope(registry_db) as s:
        s.execute(text("DROP TABLE api_token"))
    result = run(db_url, tmp_path, "token", "list")
    assert result.exit_code == 1  # not 75 (retry later): retrying will not bring the table back
    assert "`main registry token list` failed on the registry database" in result.output
    assert "api_token" in result.output and "run `ascolto registry migrate`" in result.output
    assert "[SQL" not in result.output and len(result.output.strip().splitlines()) == 1


def test_the_engine_keeps_parameters_out_of_its_exceptions(registry_db):
    with session_scope(registry_db) as s:
        create_token(s, role="admin", label="ops", actor="test")
    (stored,) = hashes(registry_db)
    with pytest.raises(sa_exc.IntegrityError) as raised:
        with session_scope(registry_db) as s:
            s.add(Token(prefix="0badc0de", secret_sha256=stored, role="admin", label="ops", created_by="test"))
    # a NOT NULL violation (no created_at): SQLite's error would list the parameters, PostgreSQL's DETAIL the row
    for text_ in (str(raised.value), str(raised.value.orig)):
        assert stored not in text_ and "0badc0de" not in text_
    assert "[SQL parameters hidden due to hide_parameters=True]" in str(raised.value)
