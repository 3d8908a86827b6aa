"""The national administrator reads the audit log from the command line (``ascolto registry log``), on
SQLite and PostgreSQL: every kind of object the registry audits can be asked for by ``--type`` — a join
request approved (``onboarding``) and an improvement plan (``plan``) were audited but refused by
``--type`` (only entity, service, token, device and submission were choices)."""
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
