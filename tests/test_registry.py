"""The registry: migrations, the service layer (validate, write, audit), tokens. Each test runs on
SQLite and on PostgreSQL (see ``tests/registry_support.py``)."""
from __future__ import annotations

import dataclasses
import hashlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from questionnaires import Catalog, default_catalog
from questionnaires.taxonomy import service_type, service_types
from registry import (AlreadyExists, AuditEntry, Entity, InvalidValue, NotAllowed, NotFound, Service, Token,
                      connect, dispose, migrate, ops, session_scope, tokens, verify_token)
from registry.audit import history
from registry.demo import SERVICES, seed
from tests.registry_support import dump

ACTOR = "test:alice"
REGISTRY_TABLES = {"entity", "service", "api_token", "audit_log", "improvement_plan", "improvement_plan_version",
                   "onboarding_request", "origin_seen", "kiosk_device",
                   "alembic_version"}


def _tables(f) -> set[str]:
    return set(inspect(f.kw["bind"]).get_table_names())


def audit_rows(f, **where) -> list[AuditEntry]:
    with f() as s:
        return list(reversed(history(s, where.get("object_type"), where.get("object_key"))))


@pytest.fixture
def roma(factory):
    with session_scope(factory) as s:
        ops.add_entity(s, actor=ACTOR, ipa_code="c_h501", name="Roma Capitale", category="L6", comune_istat="058091")
    return "c_h501"


@pytest.fixture
def service(factory, roma):
    with session_scope(factory) as s:
        return ops.add_service(s, actor=ACTOR, key="roma-anagrafe", entity_ipa=roma, name="Certificati",
                               service_type="anagrafe.certificati", allowed_origins=["https://www.comune.roma.it"]).key


# --- migrations -------------------------------------------------------------------------------

def test_migrations_build_the_schema_from_empty_and_match_the_models(db_url):
    f = connect(db_url, create=False)
    try:
        assert not (_tables(f) & REGISTRY_TABLES)
        engine = f.kw["bind"]
        assert migrate.current(engine) is None
        assert migrate.upgrade(engine, "0001") == "0001"
        assert _tables(f) & REGISTRY_TABLES == {"entity", "service", "alembic_version"}
        assert migrate.upgrade(engine) == migrate.head() == "0012_test_mode_until"  # bump with each new migration
        assert _tables(f) & REGISTRY_TABLES == REGISTRY_TABLES
        with engine.connect() as conn:  # the models and the migrations describe the same schema
            assert compare_metadata(MigrationContext.configure(conn), Entity.metadata) == []
        assert migrate.downgrade(engine, "base") is None
        assert not (_tables(f) & (REGISTRY_TABLES - {"alembic_version"}))
    finally:
        dispose(f)
    again = connect(db_url)  # connect(create=True) migrates to head, and again is a no-op
    try:
        assert migrate.current(again.kw["bind"]) == "0012_test_mode_until"
        seed(again, ["https://a.example"])
        before = dump(again)
        dispose(again)
        again = connect(db_url)
        assert dump(again) == before
    finally:
        dispose(again)


def test_a_bare_postgresql_url_names_the_shipped_driver(db_url):
    # SQLAlchemy 2.1 takes postgresql:// for psycopg 3, which is not installed: `ascolto up` with the
    # URL every host hands out stopped at once ("No module named 'psycopg'")
    from registry.db import engine_url

    assert engine_url("postgres://u:p@h:5432/db?sslmode=require") == "postgresql+psycopg2://u:p@h:5432/db?sslmode=require"
    assert engine_url("postgresql://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert engine_url("postgresql+psycopg2://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert engine_url("sqlite:///x/registry.db") == "sqlite:///x/registry.db"
    bare = db_url.replace("postgresql+psycopg2://", "postgresql://", 1)
    f = connect(bare)  # migrates and serves as the explicit form does
    try:
        seed(f, ["https://a.example"])
        assert migrate.current(f.kw["bind"]) == migrate.head()
    finally:
        dispose(f)


def test_a_migration_waits_for_one_in_progress_instead_of_failing(db_url, monkeypatch):
    """The migration Job (or ascolto-migrate.service) and an operator's `ascolto registry …` of the new
    release both bring the schema to head: the second used to fail — on PostgreSQL with a duplicate
    alembic_version (UniqueViolation traceback), on SQLite with "table entity already exists". It
    waits for the first, then finds the schema at head."""
    import threading
    import time

    from alembic import command

    from registry import db

    # the request paths' statement timeout must not cancel the wait for the lock (nor a long migration)
    monkeypatch.setattr(db, "STATEMENT_TIMEOUT_S", 0.3)
    first, second = connect(db_url, create=False), connect(db_url, create=False)
    outcome: dict = {}

    def migrate_meanwhile():
        try:
            outcome["revision"] = migrate.upgrade(second.kw["bind"])
        except Exception as exc:  # noqa: BLE001 — the test reports it
            outcome["error"] = exc
    try:
        cfg = migrate.alembic_config()
        with first.kw["bind"].begin() as conn:  # the first caller, midway: schema built, not yet committed
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": 0x6173636F6C746F})
            else:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            waiting = threading.Thread(target=migrate_meanwhile)
            waiting.start()
            time.sleep(1.0)
            assert waiting.is_alive(), outcome
        waiting.join(30)
        assert outcome == {"revision": migrate.head()}
        assert migrate.migrate(second.kw["bind"]) == (migrate.head(), migrate.head())  # what the CLI reports
        assert migrate.ADVISORY_LOCK_KEY == 0x6173636F6C746F
    finally:
        dispose(first)
        dispose(second)


def test_an_unknown_revision_is_refused_before_the_database_is_touched(db_url):
    from click.testing import CliRunner

    from ascolto.cli import main

    with pytest.raises(migrate.UnknownRevision, match="no registry revision 'nope': the revisions are 0001, "):
        migrate.upgrade(connect(db_url, create=False).kw["bind"], "nope")
    result = CliRunner().invoke(main, ["registry", "migrate", "--revision", "0009_next"],
                                env={"ASCOLTO_DATABASE_URL": db_url})
    assert result.exit_code == 2 and "Invalid value for --revision: no registry revision '0009_next'" in result.output
    assert migrate.known("0004") == "0004" and migrate.known("head") == "head"


@pytest.mark.parametrize("revision", ["", "-1"])
def test_an_empty_or_backward_revision_is_refused_naming_the_option_not_a_traceback(db_url, revision):
    """``--revision ""`` (Alembic asserts) and ``--revision -1`` (resolved, then no upgrade) were tracebacks."""
    from click.testing import CliRunner

    from ascolto.cli import main

    env = {"ASCOLTO_DATABASE_URL": db_url}
    assert CliRunner().invoke(main, ["registry", "migrate"], env=env).exit_code == 0
    result = CliRunner().invoke(main, ["registry", "migrate", "--revision", revision], env=env)
    assert result.exit_code == 2, (result.output, result.exception)
    assert "Invalid value for --revision: " in result.output and "0001, 0002" in result.output
    f = connect(db_url, create=False)
    try:
        assert migrate.current(f.kw["bind"]) == migrate.head()
    finally:
        dispose(f)


def test_a_database_made_before_migrations_is_stamped_and_upgraded(db_url):
    f = connect(db_url, create=False)
    engine = f.kw["bind"]
    try:
        migrate.upgrade(engine, "0001")  # the tables create_all used to make…
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE alembic_version"))  # …without any version
            conn.execute(text("INSERT INTO entity VALUES ('inps', 'INPS', 'C16', '12', 'ITI4', NULL)"))
    finally:
        dispose(f)
    f = connect(db_url)
    try:
        assert migrate.current(f.kw["bind"]) == migrate.head()
        with f() as s:
            assert s.get(Entity, "inps").name == "INPS"
    finally:
        dispose(f)


# --- entities ---------------------------------------------------------------------------------

@pytest.mark.parametrize("comune, region, nuts", [
    ("058091", "12", "ITI4"),  # Roma
    ("21008", "04", "ITH1"),  # Bolzano, leading zero lost by a spreadsheet
    ("022205", "04", "ITH2"),  # Trento
    ("108033", "03", "ITC4"),  # Monza (a province created after 1966)
    ("111035", "20", "ITG2"),  # Sud Sardegna
])
def test_entity_region_and_nuts_derive_from_the_comune(factory, comune, region, nuts):
    with session_scope(factory) as s:
        e = ops.add_entity(s, actor=ACTOR, ipa_code="x", name="  Comune   di prova ", category="l6",
                           comune_istat=comune)
    with factory() as s:
        e = s.get(Entity, "x")
        assert (e.region_istat, e.region_nuts, e.comune_istat, e.name, e.category) == (
            region, nuts, comune.zfill(6), "Comune di prova", "L6")


@pytest.mark.parametrize("fields, field, words", [
    ({"ipa_code": ""}, "ipa_code", "required"),
    ({"ipa_code": "bad code!"}, "ipa_code", "not an IPA code"),
    ({"name": "   "}, "name", "required"),
    ({"name": "x" * 301}, "name", "at most 300"),
    ({"category": "Comuni"}, "category", "not an IPA category"),
    ({"comune_istat": "58A091"}, "comune_istat", "6-digit"),
    ({"comune_istat": "999001"}, "comune_istat", "province code '999'"),
    ({"comune_istat": None, "region_istat": None}, "comune_istat", "required"),
    ({"comune_istat": None, "region_istat": "21"}, "region_istat", "not an Istat region"),
    ({"comune_istat": None, "region_istat": "04"}, "region_nuts", "give the NUTS-2"),
    ({"comune_istat": "058091", "region_istat": "03"}, "region_istat", "disagrees"),
    ({"actor": " "}, "actor", "named"),
])
def test_invalid_entities_are_refused_naming_field_and_problem(factory, fields, field, words):
    args = dict(actor=ACTOR, ipa_code="c_h501", name="Roma Capitale", category="L6", comune_istat="058091")
    args.update(fields)
    with factory() as s, pytest.raises(InvalidValue) as err:
        ops.add_entity(s, **args)
    assert err.value.field == field and words in err.value.problem
    assert str(err.value).startswith(f"{field}: ")
    assert dump(factory)["entity"] == [] and dump(factory)["audit_log"] == []


def test_entity_without_comune_and_duplicates(factory):
    with session_scope(factory) as s:
        e = ops.add_entity(s, actor=ACTOR, ipa_code="inps", name="INPS", category="C16", region_istat="12")
        assert (e.region_nuts, e.comune_istat) == ("ITI4", None)
    with factory() as s, pytest.raises(AlreadyExists, match="ipa_code: entity 'inps' already exists"):
        ops.add_entity(s, actor=ACTOR, ipa_code="inps", name="INPS", category="C16", region_istat="12")


def test_update_entity_writes_and_audits_only_real_changes(factory, roma):
    with session_scope(factory) as s:
        ops.update_entity(s, roma, actor="test:bob", name="Roma Capitale")  # same value
        ops.update_entity(s, roma, actor="test:bob", name="Comune di Roma", comune_istat="058091")
    rows = audit_rows(factory, object_type="entity", object_key=roma)
    assert [(a.action, a.actor) for a in rows] == [("create", ACTOR), ("update", "test:bob")]
    assert rows[1].before["name"] == "Roma Capitale" and rows[1].after["name"] == "Comune di Roma"
    assert rows[0].before is None and rows[0].after["region_nuts"] == "ITI4"
    with factory() as s, pytest.raises(NotFound, match="ipa_code: no entity 'nope'"):
        ops.update_entity(s, "nope", actor=ACTOR, name="x")


def test_an_entity_cannot_take_a_category_its_services_do_not_fit(factory, service, roma):
    with factory() as s, pytest.raises(NotAllowed) as err:
        ops.update_entity(s, roma, actor=ACTOR, category="C16")
    assert err.value.field == "category" and "roma-anagrafe" in err.value.problem


# --- services ---------------------------------------------------------------------------------

def test_add_service_validates_normalizes_and_defaults(factory, roma):
    with session_scope(factory) as s:
        svc = ops.add_service(s, actor=ACTOR, entity_ipa=roma, name="Certificati", service_type="anagrafe.certificati",
                              allowed_origins=["HTTPS://WWW.Comune.Roma.IT:443/", "https://www.comune.roma.it",
                                               "http://localhost:8002"])
        key = svc.key
    with factory() as s:
        svc = s.get(Service, key)
        assert key.startswith("s-") and len(key) == 18
        assert svc.allowed_origins == ["https://www.comune.roma.it", "http://localhost:8002"]
        published = {}
        for q in default_catalog():
            published[q.id] = max(q.version, published.get(q.id, 0))
        first = next(q for q in service_type("anagrafe.certificati").questionnaires if q in published)
        assert (svc.questionnaire_id, svc.questionnaire_version) == (first, published[first])
        assert (svc.active, svc.sampling_rate, svc.channel) == (True, 1.0, "web")
    [created] = audit_rows(factory, object_type="service")
    assert created.action == "create" and created.after["allowed_origins"] == svc.allowed_origins


@pytest.mark.parametrize("fields, error, field, words", [
    ({"service_type": "nope.nope"}, InvalidValue, "service_type", "not in the service-type taxonomy"),
    ({"service_type": "previdenza.domanda-prestazione"}, NotAllowed, "service_type", "applies to PA categories"),
    ({"entity_ipa": "nope"}, NotFound, "entity_ipa", "no entity"),
    ({"key": "a b"}, InvalidValue, "key", "not a service key"),
    ({"channel": "pigeon"}, InvalidValue, "channel", "not one of"),
    ({"allowed_origins": ["https://x.it/path"]}, InvalidValue, "allowed_origins", "no path"),
    ({"allowed_origins": ["ftp://x.it"]}, InvalidValue, "allowed_origins", "http(s)"),
    ({"allowed_origins": "https://x.it"}, InvalidValue, "allowed_origins", "list"),
    ({"sampling_rate": 0}, InvalidValue, "sampling_rate", "outside (0, 1]"),
    ({"sampling_rate": "a lot"}, InvalidValue, "sampling_rate", "not a number"),
    ({"questionnaire_id": "cx-core", "questionnaire_version": 999}, NotFound, "questionnaire_version", "not published"),
])
def test_invalid_services_are_refused_naming_field_and_problem(factory, roma, fields, error, field, words):
    args = dict(actor=ACTOR, key="svc-1", entity_ipa=roma, name="Certificati", service_type="anagrafe.certificati")
    args.update(fields)
    with factory() as s, pytest.raises(error) as err:
        ops.add_service(s, **args)
    assert err.value.field == field and words in err.value.problem
    assert dump(factory)["service"] == []


def test_duplicate_service_key_is_refused(factory, service, roma):
    with factory() as s, pytest.raises(AlreadyExists, match="key: service 'roma-anagrafe' already exists"):
        ops.add_service(s, actor=ACTOR, key=service, entity_ipa=roma, name="x", service_type="anagrafe.certificati")


@pytest.fixture
def catalog_with_extra():
    """The shipped catalog plus a published questionnaire that no service type lists."""
    cx = default_catalog().get("cx-core", 1)
    extra = dataclasses.replace(cx, id="test-only-questionnaire")
    return Catalog([*default_catalog(), extra])


def test_assignment_is_refused_when_the_service_type_does_not_allow_the_questionnaire(factory, service,
                                                                                      catalog_with_extra):
    assert not any("test-only-questionnaire" in t.questionnaires for t in service_types().values())
    catalog_with_extra.get("test-only-questionnaire", 1)  # published, just not allowed
    before = dump(factory)
    with factory() as s, pytest.raises(NotAllowed) as err:
        ops.assign_questionnaire(s, service, "test-only-questionnaire", 1, actor=ACTOR, catalog=catalog_with_extra)
    assert err.value.field == "questionnaire_id"
    assert "'anagrafe.certificati' does not allow 'test-only-questionnaire'" in err.value.problem
    with factory() as s, pytest.raises(NotAllowed):
        ops.add_service(s, actor=ACTOR, entity_ipa="c_h501", name="x", service_type="anagrafe.certificati",
                        questionnaire_id="test-only-questionnaire", catalog=catalog_with_extra)
    assert dump(factory) == before


def test_every_questionnaire_a_service_type_does_not_list_is_refused(factory, roma):
    """Over the real taxonomy and catalog: assignment follows the taxonomy exactly."""
    with session_scope(factory) as s:
        svc = ops.add_service(s, actor=ACTOR, key="svc", entity_ipa=roma, name="x", service_type="anagrafe.certificati")
    allowed = set(service_type("anagrafe.certificati").questionnaires)
    for q in default_catalog():
        with session_scope(factory) as s:
            if q.id in allowed and (not q.channels or "web" in q.channels):  # a web service: not faccia
                assert ops.assign_questionnaire(s, svc.key, q.id, q.version, actor=ACTOR).questionnaire_id == q.id
            else:
                with pytest.raises(NotAllowed):
                    ops.assign_questionnaire(s, svc.key, q.id, q.version, actor=ACTOR)


def test_assignment_needs_a_published_version_and_is_audited(factory, service):
    with factory() as s, pytest.raises(NotFound) as err:
        ops.assign_questionnaire(s, service, "cx-core", 999, actor=ACTOR)
    assert err.value.field == "questionnaire_version" and "not published" in err.value.problem
    with factory() as s, pytest.raises(NotFound, match="key: no service 'nope'"):
        ops.assign_questionnaire(s, "nope", "cx-core", 1, actor=ACTOR)
    with session_scope(factory) as s:
        ops.assign_questionnaire(s, service, "cx-core", 1, actor=ACTOR)  # already assigned: nothing to audit
    assert [a.action for a in audit_rows(factory, object_type="service")] == ["create"]


def test_activate_deactivate_and_update_are_audited(factory, service):
    with session_scope(factory) as s:
        ops.deactivate(s, service, actor="test:carol")
        ops.deactivate(s, service, actor="test:carol")  # no change, no entry
        ops.update_service(s, service, actor="test:carol", sampling_rate=0.5, allowed_origins=["https://a.it"])
        ops.activate(s, service, actor="test:dave")
    rows = audit_rows(factory, object_type="service", object_key=service)
    assert [(a.action, a.actor) for a in rows] == [
        ("create", ACTOR), ("deactivate", "test:carol"), ("update", "test:carol"), ("activate", "test:dave")]
    assert (rows[1].before["active"], rows[1].after["active"]) == (True, False)
    assert rows[2].before["sampling_rate"] == 1.0 and rows[2].after["sampling_rate"] == 0.5
    assert rows[2].after["allowed_origins"] == ["https://a.it"]
    assert all(a.at.tzinfo is not None for a in rows) and rows[0].at <= rows[-1].at
    with factory() as s:
        assert s.get(Service, service).active is True


def test_a_refused_change_writes_nothing_not_even_audit(factory, service):
    before = dump(factory)
    with pytest.raises(InvalidValue):
        with session_scope(factory) as s:
            ops.update_service(s, service, actor=ACTOR, name="Nuovo nome")
            ops.update_service(s, service, actor=ACTOR, sampling_rate=2)
    assert dump(factory) == before


# --- tokens -----------------------------------------------------------------------------------

def test_tokens_are_stored_hashed_and_verify_until_revoked(factory):
    with session_scope(factory) as s:
        tok, secret = tokens.create_token(s, role="statistician", label="Istat", actor=ACTOR)
        prefix = tok.prefix
    assert secret.startswith(f"asc_{prefix}_") and len(secret) == 4 + 9 + 43
    everything = repr(dump(factory))
    random_part = secret[len(f"asc_{prefix}_"):]
    assert secret not in everything and random_part not in everything
    with factory() as s:
        row = s.scalar(select(Token))
        assert row.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
        assert verify_token(s, secret).prefix == prefix
        assert verify_token(s, secret, roles=["statistician", "admin"]) is not None
        assert verify_token(s, secret, roles=["admin"]) is None
        assert verify_token(s, secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
        for bad in ("", "asc_", f"asc_{prefix}_short", "Bearer " + secret, None, 42):
            assert verify_token(s, bad) is None
    with session_scope(factory) as s:
        revoked = tokens.revoke_token(s, prefix, actor="test:admin")
        assert revoked.revoked_by == "test:admin" and revoked.revoked_at is not None
    with factory() as s:
        assert verify_token(s, secret) is None
        with pytest.raises(NotAllowed, match="token: .* already revoked"):  # the state, not the value
            tokens.revoke_token(s, prefix, actor=ACTOR)
        with pytest.raises(NotFound, match="token: no token"):
            tokens.revoke_token(s, "deadbeef", actor=ACTOR)
        assert tokens.list_tokens(s) == [] and len(tokens.list_tokens(s, include_revoked=True)) == 1
    rows = audit_rows(factory, object_type="token")
    assert [(a.action, a.object_key) for a in rows] == [("create", prefix), ("revoke", prefix)]
    assert all("secret_sha256" not in (a.after or {}) for a in rows)


def test_token_roles_and_labels_are_checked(factory):
    with factory() as s:
        with pytest.raises(InvalidValue) as err:
            tokens.create_token(s, role="root", label="x", actor=ACTOR)
        assert err.value.field == "role" and "admin, monitoring, statistician" in err.value.problem
        with pytest.raises(InvalidValue, match="label: is required"):
            tokens.create_token(s, role="admin", label="", actor=ACTOR)
    with session_scope(factory) as s:
        a = tokens.create_token(s, role="admin", label="a", actor=ACTOR)[0]
        b = tokens.create_token(s, role="monitoring", label="b", actor=ACTOR)[0]
        assert a.prefix != b.prefix
        assert tokens.find_token(s, a.id).prefix == a.prefix


# --- the demo seed (what `ascolto up` and the collector tests use) -------------------------------

def test_seed_is_idempotent_audited_and_refreshes_origins(factory):
    seed(factory, ["https://www.comune.roma.it"])
    first = dump(factory)
    assert len(first["service"]) == len(SERVICES)
    seed(factory, ["https://www.comune.roma.it"])
    assert dump(factory) == first
    seed(factory, ["http://localhost:8002"])
    with factory() as s:
        assert {tuple(x.allowed_origins) for x in s.scalars(select(Service))} == {("http://localhost:8002",)}
    assert {a.actor for a in audit_rows(factory)} == {"demo-seed"}
    assert len(audit_rows(factory)) == len(first["audit_log"]) + len(SERVICES)


def test_workers_counting_the_same_origin_at_once_lose_nothing(factory, origin_counters):
    """Every collector worker has its own OriginCounter; when several create the day's row of the
    same service and origin at the same moment, every count is kept (the bench lost batches to
    a duplicate-key error before the writes became upserts)."""
    import threading

    from registry.origins import recent

    workers, rounds = 4, 10
    counters = [origin_counters(factory, flush_s=3600) for _ in range(workers)]
    for r in range(rounds):
        barrier = threading.Barrier(workers)

        def count(counter, r=r, barrier=barrier):
            for _ in range(3):
                counter.seen(f"svc-{r}", "https://www.comune.roma.it", allowed=True)
            counter.seen(f"svc-{r}", "https://elsewhere.example", allowed=False)
            barrier.wait()
            counter.flush()
        threads = [threading.Thread(target=count, args=(c,)) for c in counters]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    with factory() as s:
        for r in range(rounds):
            got = {o["origin"]: (o["requests"], o["refused"]) for o in recent(s, f"svc-{r}")}
            assert got == {"https://www.comune.roma.it": (3 * workers, 0),
                           "https://elsewhere.example": (workers, workers)}, r


def test_a_postgresql_server_that_never_answers_fails_the_connection_instead_of_hanging(monkeypatch):
    """A registry server that accepted and never answered held `ascolto registry …`, the console's pages
    and /readyz, the processor's enrichment for ever: connections now give up after connect_timeout
    (the URL's, else registry.db.CONNECT_TIMEOUT_S)."""
    import socket
    import time

    from sqlalchemy.exc import OperationalError

    from registry import db

    monkeypatch.setattr(db, "CONNECT_TIMEOUT_S", 1, raising=False)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # the kernel completes the handshake; nothing ever answers
    url = f"postgresql://ascolto@127.0.0.1:{silent.getsockname()[1]}/ascolto"
    try:
        for query, limit in (("", 1), ("?connect_timeout=2", 2)):
            f = connect(url + query, create=False)
            t0 = time.monotonic()
            with pytest.raises(OperationalError, match="timeout expired"):
                with f() as s:
                    s.execute(text("SELECT 1"))
            assert limit - 0.5 < time.monotonic() - t0 < limit + 3
            dispose(f)
    finally:
        silent.close()
    assert db.connect_args("sqlite:///x.db") == {}
    assert db.connect_args("postgres://u@h/d") == {"connect_timeout": 1, **db.KEEPALIVES,
                                                   "options": f"-c statement_timeout={db.STATEMENT_TIMEOUT_S * 1000}"}


def test_a_postgresql_statement_is_cancelled_after_the_statement_timeout(db_url, monkeypatch):
    """A statement on a PostgreSQL registry had no time limit: one waiting on a lock or a sick server
    held `ascolto registry …`, the console's pages and /readyz, the processor's enrichment for ever.
    It is now cancelled after registry.db.STATEMENT_TIMEOUT_S (the URL's options may set their own)."""
    import time

    from sqlalchemy.exc import OperationalError

    from registry import db

    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's statement_timeout")
    monkeypatch.setattr(db, "STATEMENT_TIMEOUT_S", 0.5)
    f = connect(db_url)  # migrating (which lifts the timeout for its own transaction) is unaffected
    try:
        t0 = time.monotonic()
        with pytest.raises(OperationalError, match="statement timeout"):
            with f() as s:
                s.execute(text("SELECT pg_sleep(5)"))
        assert time.monotonic() - t0 < 3
        with f() as s:  # the search_path of the fixture's URL options is kept beside it
            assert s.execute(text("SHOW statement_timeout")).scalar() == "500ms"
            assert s.execute(text("SELECT count(*) FROM entity")).scalar() == 0
    finally:
        dispose(f)
    f = connect(db_url + "%20-c%20statement_timeout%3D0", create=False)  # the URL's own wins
    try:
        with f() as s:
            assert s.execute(text("SHOW statement_timeout")).scalar() == "0"
    finally:
        dispose(f)


def test_postgresql_connections_carry_tcp_keepalives_and_the_statement_timeout():
    """A registry connection had neither TCP keepalives (a vanished host held a pooled connection's
    query for the kernel's two hours) nor a statement timeout: both are now defaults the URL can
    override. Seen from a server that hangs after connecting."""
    import socket

    from registry import db
    from tests.registry_support import hung_postgres

    port, startups, close = hung_postgres()
    url = f"postgresql://ascolto@127.0.0.1:{port}/ascolto?sslmode=disable"
    try:
        f = connect(url, create=False)
        raw = f.kw["bind"].pool._creator()  # the engine's DBAPI connection, before its first query
        sock = socket.socket(fileno=socket.dup(raw.fileno()))
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == db.KEEPALIVES["keepalives_idle"]
        sock.close()
        raw.close()
        dispose(f)
    finally:
        close()
    assert startups[0]["options"] == f"-c statement_timeout={db.STATEMENT_TIMEOUT_S * 1000}"
    assert db.connect_args("postgres://u@h/d?keepalives=0&connect_timeout=3&options=-c%20statement_timeout%3D0") == {}
    assert db.connect_args("postgres://u@h/d?options=-csearch_path%3Dx")["options"] == (
        f"-csearch_path=x -c statement_timeout={db.STATEMENT_TIMEOUT_S * 1000}")
