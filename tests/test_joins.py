"""A public ``/join`` is safe by construction: a first join (an administration without a manager)
hands its requester a manager token that verifies nowhere until an admin approves the request —
from the console or ``ascolto registry joins`` — and a rejection revokes it; the admin sees the
pending joins and never handles a secret. Real registry on SQLite and PostgreSQL."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ascolto.cli import main
from registry import NotAllowed, onboarding, session_scope, verify_token
from registry.demo import seed
from registry.models import AuditEntry, Token
from registry.tokens import create_token

ORIGINS = ["https://servizi.inps.it"]


@pytest.fixture
def demo(factory):
    seed(factory, ["https://www.comune.roma.it"])  # entities and services; no token of any kind
    return factory


def _join(factory, ipa: str = "inps", name: str = "Domanda di pensione online") -> tuple[int, str | None]:
    with session_scope(factory) as s:
        req, secret = onboarding.submit_request(
            s, ipa_code=ipa, service_name=name, service_type="previdenza.domanda-prestazione" if ipa == "inps"
            else "anagrafe.certificati", allowed_origins=ORIGINS, channels=["web"])
        return req.id, secret


def _verifies(factory, secret: str) -> bool:
    with session_scope(factory) as s:
        return verify_token(s, secret) is not None


def test_a_first_join_hands_its_requester_a_token_that_works_only_once_approved(demo):
    rid, secret = _join(demo)
    assert secret and secret.startswith("asc_")
    assert not _verifies(demo, secret)  # the console refuses it: sign-in, workspace, API
    with session_scope(demo) as s:
        tok = s.query(Token).filter(Token.prefix == secret.split("_")[1]).one()
        assert (tok.role, tok.entity_ipa, tok.entity_manager, tok.pending, tok.active) == ("entity", "inps", True,
                                                                                            True, False)
        assert onboarding.active_manager(s, "inps") is None  # a pending token is nobody's manager yet
    with session_scope(demo) as s:
        req, token = onboarding.approve(s, rid, actor="test:admin")
        assert token is not None and token.prefix == secret.split("_")[1] and req.status == "approved"
    assert _verifies(demo, secret)
    with session_scope(demo) as s:
        actions = [(a.actor, a.action) for a in s.query(AuditEntry).filter(
            AuditEntry.object_type == "token", AuditEntry.object_key == secret.split("_")[1]).order_by(AuditEntry.id)]
        assert actions == [(onboarding.PUBLIC_ACTOR, "create"), ("test:admin", "activate")]


def test_a_rejection_revokes_the_token_and_a_second_first_join_never_makes_a_second_manager(demo):
    rejected, r_secret = _join(demo, name="Servizio di un estraneo")
    first, f_secret = _join(demo)
    second, s_secret = _join(demo, name="Altro servizio")  # both before any approval: both pending tokens
    with session_scope(demo) as s:
        onboarding.reject(s, rejected, actor="test:admin", reason="l'ente non conferma la richiesta")
    with session_scope(demo) as s:
        assert onboarding.approve(s, first, actor="test:admin")[1] is not None
    with session_scope(demo) as s:
        req, token = onboarding.approve(s, second, actor="test:admin")  # the services, but no second manager
        assert token is None and req.service_keys
    assert (_verifies(demo, r_secret), _verifies(demo, f_secret), _verifies(demo, s_secret)) == (False, True, False)
    with session_scope(demo) as s:
        assert s.query(Token).filter(Token.prefix == s_secret.split("_")[1]).one().revoked_at is not None
        with pytest.raises(NotAllowed):  # decided once
            onboarding.approve(s, rejected, actor="test:admin")
        # the manager is told of the second request's services (no token was activated for it)
        assert [r["id"] for r in onboarding.added_for(s, "inps")] == [second]


def test_a_join_for_an_administration_with_a_manager_hands_out_no_token(demo):
    with session_scope(demo) as s:
        create_token(s, role="entity", label="manager", actor="test:admin", entity="inps", manager=True)
    rid, secret = _join(demo)
    assert secret is None
    with session_scope(demo) as s:
        assert onboarding.approve(s, rid, actor="test:admin")[1] is None


def test_the_cli_lists_pending_joins_and_approves_and_rejects_them_without_printing_a_secret(demo, db_url, tmp_path):
    env = {"ASCOLTO_DATABASE_URL": db_url, "ASCOLTO_DATA_DIR": str(tmp_path / "data"), "ASCOLTO_ACTOR": "test:cli"}

    def cli(*args, code: int = 0):
        result = CliRunner().invoke(main, ["registry", "joins", *args], env=env, catch_exceptions=False)
        assert result.exit_code == code, (args, result.output)
        return result

    first, secret = _join(demo)
    other, other_secret = _join(demo, name="Servizio di un estraneo")
    listed = json.loads(cli("list", "--json").stdout)
    assert [(r["id"], r["status"], r["first_join"], r["has_manager"]) for r in listed] == [
        (other, "pending", True, False), (first, "pending", True, False)]
    assert "ask the administration" in cli("list").stderr and "asc_" not in cli("list").output
    approved = cli("approve", str(first))
    keys = approved.stdout.split()
    assert len(keys) == 1 and f"manager token {secret.split('_')[1]} is active now" in approved.stderr
    assert "asc_" not in approved.output and _verifies(demo, secret)
    cli("reject", str(other), code=2)  # the reason is required
    assert "rejected" in cli("reject", str(other), "--reason", "non confermata dall'ente").stderr
    assert not _verifies(demo, other_secret)
    assert cli("list", "--json").stdout.strip() == "[]"  # nothing pending
    decided = {r["id"]: r["status"] for r in json.loads(cli("list", "--status", "all", "--json").stdout)}
    assert decided == {first: "approved", other: "rejected"}
    again = cli("approve", str(first), code=1)
    assert "request" in again.stderr and "already approved" in again.stderr
