"""``ascolto registry assign-bulk`` (:mod:`registry.bulk`), on SQLite and PostgreSQL.

Onboarding 300 services took 300 ``registry assign`` calls. The bulk path assigns from a CSV file or
to every service of a service type; all or nothing (every refusal named by line and field, nothing
written), a dry run that writes nothing, one audit entry per service changed.
"""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from ascolto.cli import main
from registry import AuditEntry, Service, connect, dispose, ops, session_scope
from tests.registry_support import dump


@pytest.fixture
def registry_db(db_url):
    f = connect(db_url)
    yield f
    dispose(f)


@pytest.fixture
def cli(db_url, tmp_path, registry_db):
    env = {"ASCOLTO_DATABASE_URL": db_url, "ASCOLTO_DATA_DIR": str(tmp_path / "data"), "ASCOLTO_ACTOR": "test:bulk"}

    def run(*args: str, code: int = 0, input: str | None = None):
        result = CliRunner().invoke(main, ["registry", *args], env=env, input=input, catch_exceptions=False)
        assert result.exit_code == code, (args, result.exit_code, result.output)
        return result

    with session_scope(registry_db) as s:
        for ipa, name, comune in (("c_h501", "Comune di Roma", "058091"), ("c_f205", "Comune di Milano", "015146")):
            ops.add_entity(s, actor="test:setup", ipa_code=ipa, name=name, category="L6", comune_istat=comune)
        for i in range(3):
            ops.add_service(s, actor="test:setup", entity_ipa="c_h501", name=f"Certificati {i}", key=f"roma-cert-{i}",
                            service_type="anagrafe.certificati")
        ops.add_service(s, actor="test:setup", entity_ipa="c_f205", name="Certificati", key="milano-cert",
                        service_type="anagrafe.certificati")
        ops.add_service(s, actor="test:setup", entity_ipa="c_f205", name="TARI", key="milano-tari",
                        service_type="tributi.pagamento")
    return run


def _assigned(factory) -> dict[str, tuple[str, int]]:
    with factory() as s:
        return {svc.key: (svc.questionnaire_id, svc.questionnaire_version) for svc in s.scalars(select(Service))}


def _bulk_audit(factory) -> list[tuple[str, str, str]]:
    with factory() as s:
        return [(a.object_key, a.actor, a.context) for a in
                s.scalars(select(AuditEntry).where(AuditEntry.action == "assign").order_by(AuditEntry.id))]


def test_every_service_of_a_type_dry_run_then_for_real_then_idempotent(cli, registry_db):
    before = dump(registry_db)
    dry = cli("assign-bulk", "--service-type", "anagrafe.certificati", "--questionnaire", "mod-anagrafe", "--dry-run")
    assert "roma-cert-0: cx-core v1 -> mod-anagrafe v1" in dry.stdout
    assert "4 service(s): 4 to assign, 0 unchanged (dry run: nothing written)" in dry.stdout
    assert dump(registry_db) == before
    cli("assign-bulk", "--service-type", "anagrafe.certificati", "--entity", "c_h501", "--questionnaire", "mod-anagrafe")
    got = _assigned(registry_db)
    assert {k for k, v in got.items() if v == ("mod-anagrafe", 1)} == {"roma-cert-0", "roma-cert-1", "roma-cert-2"}
    assert _bulk_audit(registry_db) == [
        (f"roma-cert-{i}", "test:bulk", f"bulk --service-type anagrafe.certificati --entity c_h501, service roma-cert-{i}")
        for i in range(3)]
    again = cli("assign-bulk", "--service-type", "anagrafe.certificati", "--questionnaire", "mod-anagrafe")
    assert "roma-cert-0: mod-anagrafe v1 (unchanged)" in again.stdout
    assert "4 service(s): 1 assigned, 3 unchanged" in again.stdout
    assert len(_bulk_audit(registry_db)) == 4  # the unchanged ones are not audited again


def test_a_csv_with_one_bad_line_assigns_nothing_and_names_every_line_and_field(cli, registry_db, tmp_path):
    path = tmp_path / "assign.csv"
    path.write_text("service,questionnaire,version\n"
                    "roma-cert-0,mod-anagrafe,\n"
                    "milano-tari,mod-anagrafe,1\n"       # the type does not allow it
                    "nessuno,cx-core,\n"                 # no such service
                    ",cx-core,\n"                        # no key
                    "roma-cert-0,cx-core,1\n"            # twice
                    "roma-cert-1,cx-core,uno\n"          # not a version
                    "roma-cert-2,cx-core,99\n"           # not published
                    "milano-cert,faccia,\n", "utf-8")    # not for the web channel
    before = dump(registry_db)
    out = cli("assign-bulk", "--csv", str(path), code=1)
    refused = [ln for ln in out.stderr.splitlines() if ln.startswith("refused ")]
    assert refused == [
        "refused line 3: questionnaire: service type 'tributi.pagamento' does not allow 'mod-anagrafe' "
        "(allowed: cx-core, mod-tributi, di-rating-servizio, faccia)",
        "refused line 4: service: no service 'nessuno'",
        "refused line 5: service: is required (the service key, as `registry list services` shows it)",
        "refused line 6: service: 'roma-cert-0' is already on line 2: one line per service",
        "refused line 7: version: 'uno' is not a version number (1, 2, ...; empty: the newest published)",
        "refused line 8: version: 'cx-core' version 99 is not published",
        "refused line 9: channel: 'faccia' is for the channels front_office, kiosk, phone, not 'web'",
    ]
    assert "Error: 7 of 8 line(s) refused: nothing assigned (fix them and run again)" in out.stderr
    assert dump(registry_db) == before
    # the same file, checked with --dry-run: the same refusals, exit 1
    assert out.stderr == cli("assign-bulk", "--csv", str(path), "--dry-run", code=1).stderr


def test_a_good_csv_from_a_spreadsheet_or_stdin_is_assigned_and_audited_by_line(cli, registry_db, tmp_path):
    path = tmp_path / "assign.csv"
    # Excel's "CSV UTF-8": a byte-order mark, CRLF, header in capitals, columns in another order, a blank line
    path.write_bytes("\ufeffQuestionnaire,Service,Version\r\nmod-anagrafe,roma-cert-0,1\r\n,,\r\n"
                     "mod-tributi,milano-tari,\r\n".encode("utf-8"))
    out = cli("assign-bulk", "--csv", str(path))
    assert "2 service(s): 2 assigned, 0 unchanged" in out.stdout
    assert _assigned(registry_db)["milano-tari"] == ("mod-tributi", 1)
    assert [c for _, _, c in _bulk_audit(registry_db)] == [f"bulk {path}, line 2", f"bulk {path}, line 4"]
    piped = cli("assign-bulk", "--csv", "-", input="service,questionnaire\nroma-cert-1,mod-anagrafe\n")
    assert "roma-cert-1: cx-core v1 -> mod-anagrafe v1" in piped.stdout
    assert _bulk_audit(registry_db)[-1] == ("roma-cert-1", "test:bulk", "bulk <stdin>, line 2")


@pytest.mark.parametrize("args, message", [
    ([], "say which services: --csv FILE, or --service-type CODE --questionnaire ID"),
    (["--csv", "x.csv", "--service-type", "anagrafe.certificati"], "give --csv FILE or --service-type CODE, not both"),
    (["--csv", "x.csv", "--questionnaire", "cx-core"], "--entity, --questionnaire and --version go with --service-type"),
    (["--service-type", "anagrafe.certificati"], "--service-type needs --questionnaire ID"),
])
def test_a_command_that_does_not_say_which_services_is_a_usage_error(cli, args, message):
    assert message in cli("assign-bulk", *args, code=2).stderr


def test_files_and_selections_that_cannot_be_used_are_named(cli, tmp_path):
    (tmp_path / "bad.csv").write_text("key,qid\nroma-cert-0,cx-core\n", "utf-8")
    assert "Error: header: " in cli("assign-bulk", "--csv", str(tmp_path / "bad.csv"), code=1).stderr
    assert "lacks the column(s) service, questionnaire" in cli("assign-bulk", "--csv", str(tmp_path / "bad.csv"),
                                                             code=1).stderr
    (tmp_path / "typo.csv").write_text("service,questionnaire,versione\nroma-cert-0,cx-core,1\n", "utf-8")
    assert "has the column(s) versione, which mean nothing here" in cli("assign-bulk", "--csv",
                                                                       str(tmp_path / "typo.csv"), code=1).stderr
    (tmp_path / "empty.csv").write_text("service,questionnaire\n", "utf-8")
    assert "has a header but no line to assign" in cli("assign-bulk", "--csv", str(tmp_path / "empty.csv"), code=1).stderr
    (tmp_path / "latin1.csv").write_bytes("service,questionnaire\nàè,cx-core\n".encode("latin-1"))
    assert "not UTF-8 text" in cli("assign-bulk", "--csv", str(tmp_path / "latin1.csv"), code=1).stderr
    assert "cannot read" in cli("assign-bulk", "--csv", str(tmp_path / "nope.csv"), code=1).stderr
    assert "Error: --service-type: no service of type 'sportello.urp' is in the registry" in cli(
        "assign-bulk", "--service-type", "sportello.urp", "--questionnaire", "faccia", code=1).stderr
    assert "Error: --entity: no entity 'c_zzzz'" in cli(
        "assign-bulk", "--service-type", "anagrafe.certificati", "--entity", "c_zzzz", "--questionnaire", "cx-core",
        code=1).stderr
    assert "Invalid value for '--service-type': 'nope' is not a service type of the questionnaire standard" in cli(
        "assign-bulk", "--service-type", "nope", "--questionnaire", "cx-core", code=2).stderr  # a usage error


def test_three_hundred_services_in_one_run(cli, registry_db):
    with session_scope(registry_db) as s:
        ops.add_entity(s, actor="test:setup", ipa_code="r_lazio", name="Regione Lazio", category="L4", region_istat="12")
        for i in range(300):
            ops.add_service(s, actor="test:setup", entity_ipa="r_lazio", name=f"Prenotazioni {i}",
                            key=f"lazio-{i:03d}", service_type="sanita.prenotazione")
    out = cli("assign-bulk", "--service-type", "sanita.prenotazione", "--questionnaire", "mod-sanita")
    assert "300 service(s): 300 assigned, 0 unchanged" in out.stdout
    assert {v for k, v in _assigned(registry_db).items() if k.startswith("lazio-")} == {("mod-sanita", 1)}
    assert len(_bulk_audit(registry_db)) == 300
