"""A PostgreSQL registry that accepts connections and then never answers: every process gives it up in a
bounded time (registry.deadline), and says so — the CLI with exit status 75 naming the registry (never
its password), the console with 503 registry_unavailable and Retry-After, the processor by backing off
and reading the batch again (no crash, no row lost or written twice). The normal path runs on the real
PostgreSQL at 127.0.0.1:5432."""
from __future__ import annotations

import logging
import re
import socket
import time

import psycopg2.extensions
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from ascolto.cli import EXIT_REGISTRY_UNAVAILABLE, main
from registry import connect, deadline, dispose
from questionnaires.envelope import decode_record
from registry.demo import seed
from tests.conftest import ORIGIN, wait_for
from tests.processor_workload import produce, response_ids, workload
from tests.registry_support import SilentProxy, hung_postgres

PASSWORD = "pw-never-shown-0123"


@pytest.fixture
def hung():
    port, startups, close = hung_postgres()
    yield port
    close()


def _pg(db_url: str) -> str:
    if not db_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL registry")
    return db_url


def test_the_cli_gives_a_silent_registry_up_with_exit_75_naming_it_without_the_password(short_deadlines, hung):
    """`ascolto registry …` against a server that completed the connection and never answered hung for
    ever (the server's statement_timeout cannot fire there, keepalives are answered by its kernel); against
    one that never even completed the startup it printed a traceback after connect_timeout. Both now exit
    75 (EX_TEMPFAIL) with one line naming the registry, never its password."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # the kernel completes the handshake; nothing ever answers
    try:
        for port, query in ((hung, "?sslmode=disable"), (silent.getsockname()[1], "?connect_timeout=1")):
            url = f"postgresql://ascolto:{PASSWORD}@127.0.0.1:{port}/ascolto{query}"
            for args in (["registry", "list", "services"], ["registry", "migrate"]):
                t0 = time.monotonic()
                result = CliRunner().invoke(main, args, env={"ASCOLTO_DATABASE_URL": url})
                took = time.monotonic() - t0
                assert result.exit_code == EXIT_REGISTRY_UNAVAILABLE == 75, (args, result.output, result.exception)
                assert took < 8, (args, took)
                assert f"the registry database postgresql+psycopg2://ascolto:***@127.0.0.1:{port}/ascolto is " \
                       "unavailable" in result.output
                assert "timeout expired" in result.output and PASSWORD not in result.output
                assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    finally:
        silent.close()


def test_the_cli_on_a_live_postgresql_registry_works_through_the_bounded_waits(db_url):
    url = _pg(db_url)
    runner = CliRunner()
    result = runner.invoke(main, ["registry", "migrate"], env={"ASCOLTO_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert psycopg2.extensions.get_wait_callback() is deadline.wait  # installed by registry.connect
    result = runner.invoke(main, ["registry", "seed-demo"], env={"ASCOLTO_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["registry", "list", "services", "--json"], env={"ASCOLTO_DATABASE_URL": url})
    assert result.exit_code == 0 and "demo-roma-anagrafe" in result.output


def test_a_lifted_block_is_not_cut_by_the_client_but_a_statement_outside_it_is_by_the_server(db_url, short_deadlines):
    """Schema changes lift the bound (registry.migrate: another migration's lock may be waited for); the
    server's own statement_timeout still ends a slow statement on a live server, before the client's."""
    from sqlalchemy.exc import OperationalError

    f = connect(_pg(db_url), create=False)
    try:
        with f() as s, deadline.lifted():
            s.execute(text("SET LOCAL statement_timeout = 0"))
            assert s.execute(text("SELECT 1 FROM pg_sleep(2)")).scalar_one() == 1  # > 1 s + 0.5 s
        with pytest.raises(OperationalError, match="canceling statement due to statement timeout"):
            with f() as s:
                s.execute(text("SELECT pg_sleep(3)"))
    finally:
        dispose(f)


def test_the_console_answers_503_with_retry_after_while_the_registry_is_silent(short_deadlines, hung, tmp_path):
    """The console's pages and API raised the driver's error (500, a traceback) — or, against a silent
    server, held the request thread for ever. Now: 503 registry_unavailable with Retry-After, the field
    named, in JSON for the API and a page for a browser; /readyz says the registry is unavailable."""
    from settings import Settings
    from warehouse.console import create_app

    app = create_app(Settings(data_dir=tmp_path, database_url=f"postgresql://ascolto:{PASSWORD}@127.0.0.1:{hung}/a?sslmode=disable"))
    client = app.test_client()
    bearer = {"Authorization": "Bearer asc_abcdef01_" + "x" * 43}  # a well-formed token: looked up in the registry
    t0 = time.monotonic()
    api = client.get("/api/v1/meta", headers=bearer)
    assert time.monotonic() - t0 < 8
    assert api.status_code == 503 and api.headers["Retry-After"] == "30"
    assert api.get_json()["error"] == "registry_unavailable" and "registry" in api.get_json()["fields"]
    page = client.get("/", headers={**bearer, "Accept": "text/html"})
    assert page.status_code == 503 and page.headers["Retry-After"] == "30" and page.mimetype == "text/html"
    assert "Il registro non risponde" in page.get_data(as_text=True)
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["checks"]["registry"] == "unavailable"


def test_the_processor_backs_off_while_the_registry_is_silent_and_writes_every_row_once(
        db_url, settings, processor_factory, short_deadlines):
    """The processor's enrichment against a registry that fell silent held its loop for ever (no
    client-side bound); bounded, the error crashed the processor. Now the batch is given up uncommitted,
    the partitions are rewound and paused with a growing delay, the member keeps its group and its
    heartbeat, nothing is dead-lettered, and once the registry answers every row is written exactly once."""
    url = _pg(db_url)
    seed(connect(url), [ORIGIN])
    proxy = SilentProxy(("127.0.0.1", 5432))
    proxied = url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{proxy.port}/") + "&connect_timeout=1"
    # no stale views (test_registry_stale.py covers them): every lookup needs the registry
    s = settings.with_(database_url=proxied, registry_ttl_s=0.0, registry_stale_s=0.0, max_poll_interval_ms=20000)
    records, subs, _ = workload(seed=11, n=300, dup_ratio=0.1, poison=0)
    half = len(records) // 2
    try:
        produce(s, records[:half])
        p = processor_factory(s)
        first = {env["submission"]["submission_id"] for _, value in records[:half] for env in decode_record(value)}
        wait_for(lambda: set(response_ids(s.data_dir)) >= first, timeout_s=60, message="rows before the outage")
        proxy.fall_silent()
        produce(s, records[half:])
        wait_for(lambda: p.processor.outage.failures >= 2, timeout_s=60, message="two give-ups")
        assert p.thread.is_alive()
        assert p.processor.outage.delay_s >= 2.0  # the pause doubled
        assert sum(p.processor.stats.rejected.values()) == 0  # nothing dead-lettered for the registry's fault
        from processor.heartbeat import check
        assert check(s.processor_heartbeat_file, 10) is None  # the loop turns: the probe sees it alive
        proxy.answer_again()
        expected = {sub["submission_id"] for sub in subs}
        wait_for(lambda: set(response_ids(s.data_dir)) >= expected, timeout_s=90, message="every row")
        p.close()
        ids = response_ids(s.data_dir)
        assert len(ids) == len(set(ids)) == len(expected)
        assert p.processor.outage.delay_s == 0.0  # settled once a batch committed
    finally:
        proxy.close()


def test_the_processor_says_a_database_url_the_server_refuses_is_the_url_s_fault(db_url, settings, processor_factory,
                                                                                 caplog):
    """A processor given a user the server does not know logged "registry unavailable (…)" every few seconds,
    as if PostgreSQL were down, while `ascolto registry …` with the same URL said "refused the connection …
    retrying will not help" (exit 2). It still retries (the role may be created), but says what to fix."""
    url = _pg(db_url)
    wrong = re.sub(r"://[^@/]*@", "://no_such_role_ascolto@", url)
    s = settings.with_(database_url=wrong, registry_ttl_s=0.0, registry_stale_s=0.0)
    records, _, _ = workload(seed=12, n=5, dup_ratio=0.0, poison=0)
    produce(s, records)
    with caplog.at_level(logging.WARNING, logger="ascolto.processor"):
        p = processor_factory(s)
        wait_for(lambda: p.processor.outage.failures >= 2, timeout_s=60, message="two give-ups")
        p.close()
    lines = [r.getMessage() for r in caplog.records if "given up uncommitted" in r.getMessage()]
    assert lines and all(line.startswith("registry refused the connection") for line in lines), lines
    assert all("ASCOLTO_DATABASE_URL" in line and "no_such_role_ascolto" in line for line in lines)
