"""A refused ``ascolto registry ...`` command names the option or argument the user typed, not the
registry's field: ``Error: --origin: ...`` where it said ``Error: allowed_origins: ...`` (the console's admin
pages and the registry API keep the field names). One case per command the tables of
:mod:`ascolto.cli_registry` and of its sub-groups map; SQLite is enough (the mapping is the CLI's)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from ascolto.cli import main


@pytest.fixture
def cli(tmp_path):
    env = {"ASCOLTO_DATABASE_URL": f"sqlite:///{tmp_path / 'registry.db'}", "ASCOLTO_DATA_DIR": str(tmp_path / "data"),
           "ASCOLTO_ACTOR": "cli:test"}

    def run(*args: str, code: int = 0) -> str:
        """Standard output, or the error line (the last of standard error: a warning may come first)."""
        result = CliRunner().invoke(main, ["registry", *args], env=env, catch_exceptions=False)
        assert result.exit_code == code, (args, result.exit_code, result.output)
        return result.stderr.strip().splitlines()[-1] if code else result.stdout

    run("add-entity", "--ipa", "c_h501", "--name", "Roma Capitale", "--category", "L6", "--comune", "058091")
    run("add-service", "--entity", "c_h501", "--name", "Certificati", "--type", "anagrafe.certificati",
        "--key", "roma-cert", "--key-only")
    return run


SERVICE = ("add-service", "--entity", "c_h501", "--name", "x", "--type", "anagrafe.certificati")

CASES = [  # (arguments, the start of the one-line error)
    ((*SERVICE, "--origin", "www.x.it"), "Error: --origin: 'www.x.it' "),
    (("add-service", "--entity", "c_zzzz", "--name", "x", "--type", "anagrafe.certificati"),
     "Error: --entity: no entity 'c_zzzz'"),
    ((*SERVICE, "--questionnaire", "nope"), "Error: --questionnaire: service type 'anagrafe.certificati'"),
    ((*SERVICE, "--sampling-rate", "2"), "Error: --sampling-rate: 2.0 is outside (0, 1]"),
    (("add-entity", "--ipa", "c h", "--name", "x", "--category", "L6", "--comune", "058091"), "Error: --ipa: "),
    (("add-entity", "--ipa", "c_x1", "--name", "x", "--category", "L6", "--comune", "999999"), "Error: --comune: "),
    (("update-entity", "c_zzzz", "--name", "x"), "Error: IPA: no entity 'c_zzzz'"),
    (("assign", "roma-cert", "nope"), "Error: QUESTIONNAIRE: service type 'anagrafe.certificati' does not allow"),
    (("activate", "nope"), "Error: KEY: no service 'nope'"),
    (("origins", "roma-cert", "--add", "www.x.it"), "Error: --add: 'www.x.it' "),
    (("origins", "roma-cert", "--remove", "https://www.x.it"), "Error: --remove: https://www.x.it not among"),
    (("test-mode", "nope", "on"), "Error: KEY: no service 'nope'"),
    (("seed-demo", "--origin", "www.x.it"), "Error: --origin: 'www.x.it' "),
    (("token", "create", "--role", "entity", "--label", "x", "--entity", "c_zzzz"), "Error: --entity: no entity 'c_zzzz'"),
    (("token", "create", "--role", "admin", "--label", "x", "--expires", "soon"), "Error: --expires: 'soon' "),
    (("token", "revoke", "nope"), "Error: REF: no token 'nope'"),
    (("names", "set", "service", "roma-cert", "fr", "x" * 301), "Error: NAME: is 301 characters long"),
    (("names", "set", "entity", "c_zzzz", "fr", "x"), "Error: KEY: no entity 'c_zzzz'"),
    (("devices", "add", "--service", "nope", "--label", "x"), "Error: --service: no service 'nope'"),
    (("devices", "list", "--service", "nope"), "Error: --service: no service 'nope'"),  # it printed "(none)"
    (("devices", "revoke", "nope"), "Error: REF: no device 'nope'"),
    (("joins", "approve", "99"), "Error: REQUEST_ID: no onboarding request 99"),
    (("plans", "show", "99"), "Error: PLAN_ID: no plan '99'"),
    (("plans", "add", "--service", "roma-cert", "--indicator", "speed", "--baseline", "2026-Q1", "--target", "170",
      "--deadline", "2026-12-31", "--owner", "x", "--actions", "y"), "Error: --target: "),
]


@pytest.mark.parametrize("args, said", CASES, ids=[" ".join(a[:2]) + f" #{i}" for i, (a, _) in enumerate(CASES)])
def test_a_refusal_names_the_option_typed(cli, args, said):
    assert cli(*args, code=1).startswith(said)


def test_a_stale_plan_names_expected_version(cli):
    pid = cli("plans", "add", "--service", "roma-cert", "--indicator", "speed", "--baseline", "2026-Q1", "--target",
              "70", "--deadline", "2026-12-31", "--owner", "x", "--actions", "y").strip()
    cli("plans", "update", pid, "--target", "72")
    assert cli("plans", "update", pid, "--target", "75", "--expected-version", "1",
               code=1).startswith(f"Error: --expected-version: plan {pid} is at version 2")
