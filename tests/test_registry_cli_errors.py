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


@pytest.mark.parametrize("wrong, words", [("user", 'role "ascolto_no_such_role" does not exist'),
                                          ("database", 'database "ascolto_no_such_db" does not exist')])
def test_a_database_url_the_server_refuses_exits_2_at_once_even_with_wait(tmp_path, wrong, words):
    """A wrong user or database name was exit 75 ("retry later") and `registry migrate --wait 600` (what
    the systemd unit runs at boot) kept trying it for ten minutes: the server answered, the URL is wrong."""
    import time

    from sqlalchemy.engine import make_url

    from tests.registry_support import postgres

    base, reason = postgres()
    if base is None:
        pytest.skip(f"PostgreSQL not reachable ({reason})")
    url = make_url(base)
    url = url.set(username="ascolto_no_such_role") if wrong == "user" else url.set(database="ascolto_no_such_db")
    url = url.render_as_string(hide_password=False)
    for args in (("token", "list"), ("migrate", "--wait", "600")):
        started = time.monotonic()
        result = run(url, tmp_path, *args)
        assert result.exit_code == 2, result.output
        (line,) = result.output.strip().splitlines()
        assert line.startswith("Error: the registry database ") and words in line
        assert "fix the user, password, database name or options in ASCOLTO_DATABASE_URL" in line
        assert time.monotonic() - started < 30  # not the --wait: no retry mends it


def test_a_database_that_is_down_is_still_retry_later(tmp_path):
    from deploy.broker import free_port

    result = run(f"postgresql://ascolto@127.0.0.1:{free_port()}/ascolto", tmp_path, "token", "list")
    assert result.exit_code == 75 and "is unavailable" in result.output and "retry later" in result.output


def test_a_sqlite_file_that_cannot_be_opened_exits_2_not_retry_later(tmp_path):
    result = run("sqlite:////proc/ascolto-registry.db", tmp_path, "token", "list")
    assert result.exit_code == 2, result.output  # was 75: "unavailable, retry later"
    assert "unable to open database file" in result.output and "ASCOLTO_DATABASE_URL" in result.output
