"""The national administrator's registry commands, on SQLite and PostgreSQL: the audit log
(``ascolto registry log``; every kind of object the registry audits can be asked for by ``--type`` — a
join request approved (``onboarding``) and an improvement plan (``plan``) were audited but refused by
``--type``), who it names, changes in place (``update-service``, ``update-entity``), the tokens' state,
and refusals said in one line."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from ascolto.cli import main
from registry import audit, connect, dispose, onboarding, session_scope
from registry.models import AuditEntry


@pytest.fixture
def cli(db_url, tmp_path):
    env = {"ASCOLTO_DATABASE_URL": db_url, "ASCOLTO_DATA_DIR": str(tmp_path / "data"), "ASCOLTO_ACTOR": "cli:admin"}

    def run(*args: str, code: int = 0):
        result = CliRunner().invoke(main, ["registry", *args], env=env, catch_exceptions=False)
        assert result.exit_code == code, (args, result.exit_code, result.output)
        return result

    return run


def test_an_approved_join_is_found_by_type_onboarding(cli, db_url):
    cli("add-entity", "--ipa", "c_h501", "--name", "Roma Capitale", "--category", "L6", "--comune", "058091")
    factory = connect(db_url)
    with session_scope(factory) as s:
        req, _ = onboarding.submit_request(s, ipa_code="c_h501", service_name="Certificati",
                                           service_type="anagrafe.certificati",
                                           allowed_origins=["https://www.comune.roma.it"], channels=["web"])
        rid = req.id
    cli("joins", "approve", str(rid))
    log = json.loads(cli("log", "--type", "onboarding", "--json").output)
    assert [(e["action"], e["object"], e["actor"]) for e in log] == [
        ("approve", f"onboarding:{rid}", "cli:admin"), ("create", f"onboarding:{rid}", onboarding.PUBLIC_ACTOR)]
    dispose(factory)


def test_every_object_type_the_registry_audits_is_a_choice_of_log_type(cli, db_url):
    """``audit.OBJECT_TYPES`` lists them; the code records no other (checked in the sources)."""
    from ascolto.cli_registry import AUDITED_TYPES

    assert AUDITED_TYPES == audit.OBJECT_TYPES
    help_text = cli("log", "--help").output
    for object_type in audit.OBJECT_TYPES:
        assert object_type in help_text
        cli("log", "--type", object_type)
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[1]
    recorded = {m for p in [*root.glob("registry/*.py"), *root.glob("warehouse/**/*.py"), *root.glob("collector/*.py")]
                for m in re.findall(r'object_type="(\w+)"', p.read_text())}
    assert recorded and recorded <= set(audit.OBJECT_TYPES), recorded - set(audit.OBJECT_TYPES)
    factory = connect(db_url)
    with session_scope(factory) as s:  # and nothing in the log is of another type
        assert set(s.scalars(select(AuditEntry.object_type))) <= set(audit.OBJECT_TYPES)
    dispose(factory)


def test_the_admin_changes_a_service_and_an_entity_in_place_audited(cli, db_url):
    """A national service drowning in answers gets a lower sampling rate, a renamed office its new name, a
    service moved to the phone its channel — without a new key (every PA page would need a new tag):
    ``update-service`` and ``update-entity`` change only what is given, each change audited with its actor."""
    cli("add-entity", "--ipa", "c_h501", "--name", "Roma Capitale", "--category", "L6", "--comune", "058091")
    key = cli("add-service", "--entity", "c_h501", "--name", "Certificati", "--type", "anagrafe.certificati",
              "--origin", "https://www.comune.roma.it", "--key-only").stdout.strip()
    out = cli("update-service", key, "--sampling-rate", "0.25", "--name", "Certificati anagrafici")
    assert out.stdout.strip() == (f"service {key} updated: name 'Certificati' -> 'Certificati anagrafici', "
                                  "sampling_rate 1.0 -> 0.25")
    assert cli("update-service", key, "--sampling-rate", "0.25").stdout.strip() == f"service {key}: nothing to change"
    refused = cli("update-service", key, "--sampling-rate", "1.5", code=2)  # out of range: wrong input
    assert "Error: Invalid value for '--sampling-rate': 1.5 is outside (0, 1]" in refused.output
    assert "Error: give at least one of --name" in cli("update-service", key, code=2).output
    assert "Error: KEY: no service 'nope'" in cli("update-service", "nope", "--name", "x", code=1).output
    out = cli("update-entity", "c_h501", "--comune", "015146")
    assert out.stdout.strip() == ("entity c_h501 updated: comune_istat '058091' -> '015146', region_istat '12' -> '03', "
                                  "region_nuts 'ITI4' -> 'ITC4'")
    log = json.loads(cli("log", "--json").output)
    assert [(e["action"], e["object"], e["actor"]) for e in log[:2]] == [
        ("update", "entity:c_h501", "cli:admin"), ("update", f"service:{key}", "cli:admin")]
    assert (log[1]["before"]["sampling_rate"], log[1]["after"]["sampling_rate"]) == (1.0, 0.25)
    listed = json.loads(cli("list", "services", "--json").output)
    assert [(s["key"], s["sampling_rate"], s["name"]) for s in listed] == [(key, 0.25, "Certificati anagrafici")]


def test_an_admin_working_as_the_service_user_through_sudo_is_named_in_the_audit_log(db_url, tmp_path):
    """On a systemd host the registry is reached as the ``ascolto`` user (``sudo -u ascolto …``): without
    ``--actor`` every admin was logged as ``cli:ascolto``; the person who ran sudo is named instead."""
    env = {"ASCOLTO_DATABASE_URL": db_url, "ASCOLTO_DATA_DIR": str(tmp_path / "data"), "ASCOLTO_ACTOR": "",
           "LOGNAME": "ascolto", "USER": "ascolto", "SUDO_USER": "mrossi"}
    result = CliRunner().invoke(main, ["registry", "add-entity", "--ipa", "inps", "--name", "INPS", "--category", "C16",
                                       "--region", "12"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    log = CliRunner().invoke(main, ["registry", "log", "--json"], env=env, catch_exceptions=False)
    assert [e["actor"] for e in json.loads(log.output)] == ["cli:mrossi (sudo -u ascolto)"]
    env.pop("SUDO_USER")
    CliRunner().invoke(main, ["registry", "token", "create", "--role", "admin", "--label", "x"], env=env)
    log = CliRunner().invoke(main, ["registry", "log", "--json"], env=env, catch_exceptions=False)
    assert json.loads(log.output)[0]["actor"] == "cli:ascolto"


def _first_join(cli, db_url) -> tuple[int, str]:
    """INPS in the registry and its first join request through the public form: (request id, the
    prefix of the requester's pending manager token)."""
    cli("add-entity", "--ipa", "inps", "--name", "INPS", "--category", "C16", "--region", "12")
    factory = connect(db_url)
    with session_scope(factory) as s:
        req, _ = onboarding.submit_request(s, ipa_code="inps", service_name="Pensioni",
                                           service_type="previdenza.domanda-prestazione",
                                           allowed_origins=["https://www.inps.it"], channels=["web"])
        found = req.id, req.token_prefix
    dispose(factory)
    return found


def test_token_list_says_which_tokens_work_a_join_requesters_is_pending(cli, db_url):
    """``token list`` showed a first join's manager token (unusable until the request is approved) like any
    working token; its ``state`` column says ``pending``, ``expired`` or ``revoked`` (with ``--all``)."""
    rid, pending = _first_join(cli, db_url)
    admin = cli("token", "create", "--role", "admin", "--label", "me").stderr.split()[1]
    states = lambda *a: {r["prefix"]: r["state"] for r in json.loads(cli("token", "list", "--json", *a).output)}
    assert states() == {pending: "pending", admin: "active"}
    table = cli("token", "list").output.splitlines()
    assert table[0].split()[:4] == ["id", "prefix", "role", "state"]
    assert [ln.split()[1:4] for ln in table[1:]] == [[pending, "entity", "pending"], [admin, "admin", "active"]]
    cli("joins", "approve", str(rid))
    cli("token", "revoke", admin)
    assert states() == {pending: "active"} and states("--all") == {pending: "active", admin: "revoked"}


def test_seed_demo_refuses_an_origin_with_a_path_in_one_line(cli):
    """It ended in a traceback (the only registry command not going through the CLI's error handling)."""
    out = cli("seed-demo", "--origin", "https://demo.example.it/pagina", code=2).output
    assert "Traceback" not in out and out.strip().splitlines()[-1] == (
        "Error: Invalid value for '--origin': 'https://demo.example.it/pagina' is an origin only: "
                           "no path, query, fragment or user: its origin is https://demo.example.it")
    assert cli("seed-demo", "--origin", "https://demo.example.it").output.strip() == "demo registry seeded"


def test_a_limit_beyond_what_the_database_counts_is_a_usage_error_naming_limit(cli):
    """On PostgreSQL ``--limit 99999999999999999999`` failed inside the database ("bigint out of range")."""
    for args in (("list", "services"), ("log",)):
        out = cli(*args, "--limit", "99999999999999999999", code=2).output
        assert "Invalid value for '--limit'" in out and "1<=x<=1000000000" in out


@pytest.mark.parametrize("when", ["9999-12-31", "99999999d", "10000000000000000000000000w"])
def test_an_expiry_too_far_away_is_said_so_not_called_malformed(cli, when):
    """``--expires 9999-12-31`` is a date: it was refused as "not a duration, a date or an ISO 8601 instant"."""
    out = cli("token", "create", "--role", "admin", "--label", "x", "--expires", when, code=2).output
    out = out.strip().splitlines()[-1].replace("Invalid value for '--expires'", "--expires")  # a usage error, exit 2
    assert out == f"Error: --expires: {when!r} is too far in the future (at most 9999-12-30)"
    from warehouse.console.i18n_registry import problem_it

    assert problem_it(out.strip().removeprefix("Error: --expires: ")) == f"«{when}» è troppo lontano nel futuro (al massimo 9999-12-30)."


def test_approving_a_join_whose_token_was_revoked_says_so_not_that_a_manager_exists(cli, db_url):
    """An admin who revoked a first join's pending token (a doubtful requester) and then approves the
    request was told "the administration has a manager", which it has not: nobody holds a working token."""
    rid, prefix = _first_join(cli, db_url)
    cli("token", "revoke", prefix)
    out = cli("joins", "approve", str(rid))
    assert out.stderr.strip().endswith(
        f"no token activated: the requester's token {prefix} was revoked and inps has no manager; "
        "issue one with `ascolto registry token create --role entity --entity inps --manager --label …`.")


def test_an_origin_stored_before_the_host_rules_can_be_removed_as_it_was_written(cli, db_url):
    """``https://exämple.it`` was accepted before origins had to be ASCII hosts: the admin removes it by
    the text ``origins`` lists (it was refused as no valid origin, so it could not be removed at all)."""
    from sqlalchemy import update

    from registry.models import Service

    cli("add-entity", "--ipa", "c_h501", "--name", "Roma Capitale", "--category", "L6", "--comune", "058091")
    key = cli("add-service", "--entity", "c_h501", "--name", "Certificati", "--type", "anagrafe.certificati",
              "--origin", "https://www.comune.roma.it", "--key-only").stdout.strip()
    factory = connect(db_url)
    with session_scope(factory) as s:
        s.execute(update(Service).where(Service.key == key).values(
            allowed_origins=["https://www.comune.roma.it", "https://exämple.it"]))
    dispose(factory)
    assert cli("origins", key).stdout.split() == ["https://www.comune.roma.it", "https://exämple.it"]
    assert cli("origins", key, "--remove", "https://exämple.it").stdout.split() == ["https://www.comune.roma.it"]
