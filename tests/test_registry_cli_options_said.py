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

CASES = [  # (arguments, the start of the one-line error[, the exit status: 1 by default])
    ((*SERVICE, "--origin", "www.x.it"), "Error: Invalid value for '--origin': 'www.x.it' ", 2),
    (("add-service", "--entity", "c_zzzz", "--name", "x", "--type", "anagrafe.certificati"),
     "Error: --entity: no entity 'c_zzzz'"),
    ((*SERVICE, "--questionnaire", "nope"), "Error: --questionnaire: service type 'anagrafe.certificati'"),
    ((*SERVICE, "--sampling-rate", "2"), "Error: Invalid value for '--sampling-rate': 2.0 is outside (0, 1]", 2),
    (("add-entity", "--ipa", "c h", "--name", "x", "--category", "L6", "--comune", "058091"), "Error: Invalid value for '--ipa': ", 2),
    (("add-entity", "--ipa", "c_x1", "--name", "x", "--category", "L6", "--comune", "999999"), "Error: Invalid value for '--comune': ", 2),
    (("update-entity", "c_zzzz", "--name", "x"), "Error: IPA: no entity 'c_zzzz'"),
    (("assign", "roma-cert", "nope"), "Error: QUESTIONNAIRE: service type 'anagrafe.certificati' does not allow"),
    (("activate", "nope"), "Error: KEY: no service 'nope'"),
    (("origins", "roma-cert", "--add", "www.x.it"), "Error: Invalid value for '--add': 'www.x.it' ", 2),
    (("origins", "roma-cert", "--remove", "https://www.x.it"), "Error: --remove: https://www.x.it not among"),
    (("test-mode", "nope", "on"), "Error: KEY: no service 'nope'"),
    (("seed-demo", "--origin", "www.x.it"), "Error: Invalid value for '--origin': 'www.x.it' ", 2),
    (("token", "create", "--role", "entity", "--label", "x", "--entity", "c_zzzz"), "Error: --entity: no entity 'c_zzzz'"),
    (("token", "create", "--role", "admin", "--label", "x", "--expires", "soon"), "Error: Invalid value for '--expires': 'soon' ", 2),
    (("token", "revoke", "nope"), "Error: REF: no token 'nope'"),
    (("names", "set", "service", "roma-cert", "fr", "x" * 301), "Error: Invalid value for 'NAME': is 301 characters long", 2),
    (("names", "set", "entity", "c_zzzz", "fr", "x"), "Error: KEY: no entity 'c_zzzz'"),
    (("devices", "add", "--service", "nope", "--label", "x"), "Error: --service: no service 'nope'"),
    (("devices", "list", "--service", "nope"), "Error: --service: no service 'nope'"),  # it printed "(none)"
    (("devices", "revoke", "nope"), "Error: REF: no device 'nope'"),
    (("joins", "approve", "99"), "Error: REQUEST_ID: no onboarding request 99"),
    (("plans", "show", "99"), "Error: PLAN_ID: no plan '99'"),
    (("plans", "add", "--service", "roma-cert", "--indicator", "speed", "--baseline", "2026-Q1", "--target", "170",
      "--deadline", "2026-12-31", "--owner", "x", "--actions", "y"), "Error: Invalid value for '--target': ", 2),
]


@pytest.mark.parametrize("case", CASES, ids=[" ".join(c[0][:2]) + f" #{i}" for i, c in enumerate(CASES)])
def test_a_refusal_names_the_option_typed(cli, case):
    """A value malformed or out of range is a usage error naming the option (exit 2, as click's own types
    say it); not found, not allowed, not among: refused by the registry's state (exit 1, ``OPTION: problem``)."""
    args, said, code = (*case, 1)[:3]
    assert cli(*args, code=code).startswith(said)


def test_a_stale_plan_names_expected_version(cli):
    pid = cli("plans", "add", "--service", "roma-cert", "--indicator", "speed", "--baseline", "2026-Q1", "--target",
              "70", "--deadline", "2026-12-31", "--owner", "x", "--actions", "y").strip()
    cli("plans", "update", pid, "--target", "72")
    assert cli("plans", "update", pid, "--target", "75", "--expected-version", "1",
               code=1).startswith(f"Error: --expected-version: plan {pid} is at version 2")
