"""``ascolto registry ...`` through click's CliRunner, on SQLite and PostgreSQL."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ascolto.cli import main
from registry import Service, connect, dispose, verify_token
from registry.demo_wide import all_services
from tests.registry_support import dump, make_ipa_csv


@pytest.fixture
def cli(db_url, tmp_path):
    env = {"ASCOLTO_DATABASE_URL": db_url, "ASCOLTO_DATA_DIR": str(tmp_path / "data"), "ASCOLTO_ACTOR": "test:cli"}

    def run(*args: str, code: int = 0, input: str | None = None):
        result = CliRunner().invoke(main, ["registry", *args], env=env, input=input, catch_exceptions=False)
        assert result.exit_code == code, (args, result.exit_code, result.output)
        return result

    return run


@pytest.fixture
def registry_db(db_url):
    f = connect(db_url)
    yield f
    dispose(f)


def test_migrate_and_import_ipa_with_rejections_and_idempotence(cli, tmp_path, registry_db):
    assert "-> 0012_test_mode_until (head 0012_test_mode_until)" in cli("migrate").output
    path = tmp_path / "enti.csv"
    good, rejected = make_ipa_csv(path, 1200)
    first = cli("import-ipa", str(path))
    assert f"1200 rows, {len(good)} created, 0 updated, 0 unchanged, {len(rejected)} rejected" in first.stdout
    assert [ln for ln in first.stderr.splitlines() if ln.startswith("rejected line ")] == [
        ln for ln in first.stderr.splitlines() if ln]
    assert {int(ln.split()[2]) for ln in first.stderr.splitlines()} == set(rejected)
    assert "rejected line 9 (ente_00007): Denominazione_ente: is required" in first.stderr
    snapshot = dump(registry_db)
    second = cli("import-ipa", str(path))
    assert f"0 created, 0 updated, {len(good)} unchanged" in second.stdout
    assert dump(registry_db) == snapshot


def test_import_ipa_dry_run_strict_stdin_and_errors(cli, tmp_path, registry_db):
    path = tmp_path / "enti.csv"
    good, rejected = make_ipa_csv(path, 300)
    cli("migrate")
    empty = dump(registry_db)
    assert "(dry run: nothing written)" in cli("import-ipa", "--dry-run", str(path)).stdout
    strict = cli("import-ipa", "--strict", str(path), code=1)
    assert f"Error: {len(rejected)} row(s) rejected; --strict: nothing imported" in strict.stderr
    assert dump(registry_db) == empty
    missing = cli("import-ipa", str(tmp_path / "nope.csv"), code=1)
    assert "Error: cannot read" in missing.stderr and "nope.csv" in missing.stderr
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n", "utf-8")
    assert "Error: header: bad.csv lacks the IPA column(s) Codice_IPA" in cli(
        "import-ipa", str(tmp_path / "bad.csv"), code=1).stderr
    piped = cli("import-ipa", "-", input=path.read_text("utf-8"))
    assert f"<stdin>: 300 rows, {len(good)} created" in piped.stdout


def test_services_assignment_activation_and_listing(cli, registry_db):
    cli("seed-demo")  # the demo registry of `ascolto up`, Comune di Torino (c_l219) among its entities
    out = cli("add-service", "--entity", "c_l219", "--name", "Pagamento TARI", "--type", "tributi.pagamento",
              "--key", "torino-tari", "--origin", "https://WWW.comune.torino.it/", "--sampling-rate", "0.5")
    assert out.stdout.splitlines()[0] == "torino-tari"
    generated = cli("add-service", "--entity", "c_l219", "--name", "Certificati", "--type",
                    "anagrafe.certificati", "--key-only").stdout.strip()
    assert generated.startswith("s-")

    refused = cli("add-service", "--entity", "c_l219", "--name", "x", "--type", "previdenza.domanda-prestazione",
                  code=1)
    assert "Error: --type: 'previdenza.domanda-prestazione' applies to PA categories" in refused.stderr
    assert "Error: QUESTIONNAIRE: service type 'tributi.pagamento' does not allow 'nope'" in cli(
        "assign", "torino-tari", "nope", code=1).stderr
    assert "Error: --version: 'cx-core' version 99 is not published" in cli(
        "assign", "torino-tari", "cx-core", "--version", "99", code=1).stderr
    assert "torino-tari: cx-core v1" in cli("assign", "torino-tari", "cx-core", "--version", "1").stdout
    assert "Error: KEY: no service 'nope'" in cli("deactivate", "nope", code=1).stderr
    cli("deactivate", "torino-tari")

    services = json.loads(cli("list", "services", "--entity", "c_l219", "--json").stdout)
    tari = next(s for s in services if s["key"] == "torino-tari")
    assert (tari["active"], tari["sampling_rate"], tari["allowed_origins"]) == (
        False, 0.5, ["https://www.comune.torino.it"])
    entities = json.loads(cli("list", "entities", "--region", "ITC1", "--json").stdout)
    assert [(e["ipa_code"], e["region_istat"]) for e in entities] == [("c_l219", "01")]
    table = cli("list", "services").stdout.splitlines()
    assert table[0].split()[:3] == ["key", "entity_ipa", "service_type"] and len(table) == 1 + len(all_services()) + 2

    cli("activate", "torino-tari")
    log = json.loads(cli("log", "--type", "service", "--key", "torino-tari", "--json").stdout)
    # assigning the questionnaire already assigned changed nothing, so it is not in the log
    assert [(e["action"], e["actor"]) for e in reversed(log)] == [
        ("create", "test:cli"), ("deactivate", "test:cli"), ("activate", "test:cli")]
    with registry_db() as s:
        assert s.get(Service, "torino-tari").active is True


def test_tokens_may_expire_and_stop_verifying_then(cli, registry_db):
    from datetime import timedelta

    from registry.models import Token, utcnow

    created = cli("token", "create", "--role", "statistician", "--label", "Istat 2027", "--expires", "2099-12-31")
    secret = created.stdout.strip()
    assert "expires 2100-01-01T00:00:00+00:00" in created.stderr
    row = json.loads(cli("token", "list", "--json").stdout)[0]
    assert row["expires_at"] == "2100-01-01T00:00:00+00:00"
    assert "expires_at" in cli("token", "list").stdout
    with registry_db() as s:
        assert verify_token(s, secret) is not None
        s.query(Token).one().expires_at = utcnow() - timedelta(seconds=1)  # time passes
        s.commit()
    with registry_db() as s:
        assert verify_token(s, secret) is None
    for bad in ("2001-01-01", "soon", "0d"):
        assert "Invalid value for '--expires'" in cli("token", "create", "--role", "monitoring", "--label", "x",
                                                      "--expires", bad, code=2).stderr


def test_token_create_prints_the_secret_once_and_revoke_stops_it(cli, registry_db):
    created = cli("--actor", "test:ops", "token", "create", "--role", "monitoring", "--label", "Monitoraggio AgID")
    secret = created.stdout.strip()
    assert secret.startswith("asc_") and "cannot be shown again" in created.stderr
    prefix = secret.split("_")[1]
    listed = cli("token", "list").stdout
    assert prefix in listed and "monitoring" in listed and secret not in listed
    assert secret not in repr(dump(registry_db))
    with registry_db() as s:
        assert verify_token(s, secret).role == "monitoring"
    assert f"token {prefix} revoked" in cli("token", "revoke", prefix).stdout
    with registry_db() as s:
        assert verify_token(s, secret) is None
    assert "already revoked" in cli("token", "revoke", prefix, code=1).stderr
    assert "Invalid value for '--role'" in cli("token", "create", "--role", "root", "--label", "x", code=2).stderr
    assert cli("token", "list").stdout.strip() == "(none)"
    log = json.loads(cli("log", "--type", "token", "--json").stdout)
    assert [(e["action"], e["actor"]) for e in log] == [("revoke", "test:cli"), ("create", "test:ops")]


def test_a_backend_token_is_scoped_to_one_entity_audited_and_revocable(cli, registry_db):
    from registry.audit import history

    cli("add-entity", "--ipa", "inps", "--name", "INPS", "--category", "C16", "--comune", "058091")
    created = cli("--actor", "test:ops", "token", "create", "--role", "backend", "--entity", "inps",
                  "--label", "INPS - inoltro risposte", "--expires", "26w")
    secret = created.stdout.strip()
    prefix = secret.split("_")[1]
    assert secret.startswith("asc_") and "(backend, expires" in created.stderr
    [row] = json.loads(cli("token", "list", "--json").stdout)
    assert (row["role"], row["entity_ipa"], row["label"]) == ("backend", "inps", "INPS - inoltro risposte")
    with registry_db() as s:
        assert verify_token(s, secret, ["backend"]).entity_ipa == "inps"
        assert [(a.action, a.actor) for a in history(s, "token", prefix)] == [("create", "test:ops")]
    # scoped: an entity is required and must exist
    assert "Invalid value for '--entity'" in cli("token", "create", "--role", "backend", "--label", "x", code=2).stderr
    assert "Error: --entity: no entity 'nope'" in cli("token", "create", "--role", "backend", "--entity", "nope", "--label",
                                                      "x", code=1).stderr  # not found: the state, exit 1
    cli("--actor", "test:ops", "token", "revoke", prefix)
    with registry_db() as s:
        assert verify_token(s, secret) is None
        assert [a.action for a in history(s, "token", prefix)] == ["revoke", "create"]
