"""A PA type, service type, channel or score indicator the questionnaire standard does not define is refused
wherever a person types one: the CLI's options (exit 2 naming the option, the value and the valid codes, before the registry is
opened; no traceback) and the registry's service layer behind the console's admin form (the field
``category`` named). ``add-entity --category ZZ9`` made an entity no service type could ever apply to; a
channel or an indicator exited 1 where the same commands' --measure and --status exit 2."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from ascolto.cli import main
from registry import Entity, InvalidValue, ops, session_scope
from registry.ipa import import_ipa, write_csv

PA_TYPES = "(valid: L6, L5, L4, L7, L8, L33, C16)"
TYPES = "(valid: anagrafe.certificati, tributi.pagamento, previdenza.domanda-prestazione, sanita.prenotazione, "
CHANNELS = "(valid: web, app, email, sms, kiosk, front_office, phone)"
INDICATORS = "(valid: satisfaction, ease, clarity, speed, trust, task_completed)"


@pytest.fixture
def cli(tmp_path):
    env = {"ASCOLTO_DATABASE_URL": f"sqlite:///{tmp_path / 'registry.db'}", "ASCOLTO_DATA_DIR": str(tmp_path / "data"),
           "ASCOLTO_ACTOR": "cli:test"}

    def run(*args: str, code: int = 0) -> str:
        """Standard output, or standard error when refused."""
        result = CliRunner().invoke(main, ["registry", *args], env=env)
        assert result.exit_code == code, (args, result.exit_code, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result.stderr if code else result.stdout

    run("add-entity", "--ipa", "c_h501", "--name", "Roma Capitale", "--category", "L6", "--comune", "058091")
    run("add-service", "--entity", "c_h501", "--name", "Certificati", "--type", "anagrafe.certificati",
        "--key", "roma-cert", "--key-only")
    return run


CASES = [  # (arguments, the option named, the value quoted, the valid codes' start)
    (("add-entity", "--ipa", "c_x1", "--name", "X", "--category", "ZZ9", "--comune", "058091"), "--category", "'ZZ9'",
     PA_TYPES),
    (("add-entity", "--ipa", "c_x1", "--name", "X", "--category", "Comuni", "--comune", "058091"), "--category",
     "'Comuni'", PA_TYPES),
    (("update-entity", "c_h501", "--category", "L18"), "--category", "'L18'", PA_TYPES),
    (("add-service", "--entity", "c_h501", "--name", "x", "--type", "anagrafe.certificato"), "--type",
     "'anagrafe.certificato'", TYPES),
    (("update-service", "roma-cert", "--type", "nope"), "--type", "'nope'", TYPES),
    (("assign-bulk", "--service-type", "nope", "--questionnaire", "cx-core"), "--service-type", "'nope'", TYPES),
    (("list", "services", "--type", "nope"), "--type", "'nope'", TYPES),  # it printed "(none)"
    (("add-service", "--entity", "c_h501", "--name", "x", "--type", "anagrafe.certificati", "--channel", "fax"),
     "--channel", "'fax'", CHANNELS),
    (("update-service", "roma-cert", "--channel", "Web"), "--channel", "'Web'", CHANNELS),
    (("plans", "add", "--service", "roma-cert", "--indicator", "speedy", "--baseline", "2026-Q1", "--target", "70",
      "--deadline", "2026-12-31", "--owner", "x", "--actions", "y"), "--indicator", "'speedy'", INDICATORS),
    (("plans", "update", "1", "--indicator", "went_wrong"), "--indicator", "'went_wrong'", INDICATORS),
]


@pytest.mark.parametrize("args, option, value, valid", CASES, ids=[f"{a[0]} {o} #{i}" for i, (a, o, _, _) in enumerate(CASES)])
def test_a_code_the_standard_does_not_define_exits_2_naming_option_value_and_valid_codes(cli, args, option, value, valid):
    err = cli(*args, code=2)
    assert f"Invalid value for '{option}': {value} is not a " in err and valid in err, err
    assert "Traceback" not in err
    assert "c_x1" not in cli("list", "entities")  # nothing written
    assert cli("list", "services", "--json").count('"key"') == 1


def test_a_pa_type_in_lower_case_is_the_standard_code(cli):
    assert "entity c_x1 added (L6," in cli("add-entity", "--ipa", "c_x1", "--name", "X", "--category", "l6",
                                           "--comune", "058091")
    assert "category 'L6' -> 'C16'" in cli("update-entity", "c_x1", "--category", "c16")


def test_the_registry_refuses_a_hand_added_pa_type_outside_the_standard_and_keeps_the_index_s(factory, tmp_path):
    """The service layer (the console's admin form, scripts) refuses it naming ``category``; the IPA import
    keeps every category of the index (the registry mirrors it: such an entity just gets no service), and an
    imported entity outside the standard may be renamed without its category being refused."""
    with factory() as s, pytest.raises(InvalidValue) as err:
        ops.add_entity(s, actor="test", ipa_code="c_x1", name="X", category="ZZ9", comune_istat="058091")
    assert err.value.field == "category" and "'ZZ9' is not a PA type of the questionnaire standard" in err.value.problem
    path = tmp_path / "enti.csv"
    path.write_text(write_csv([{"Codice_IPA": "uni_x", "Denominazione_ente": "Universita X", "Codice_Categoria": "L17",
                                "Codice_comune_ISTAT": "058091"},
                               {"Codice_IPA": "c_h501", "Denominazione_ente": "Roma Capitale", "Codice_Categoria": "L6",
                                "Codice_comune_ISTAT": "058091"}]), "utf-8")
    with session_scope(factory) as s:
        assert import_ipa(s, path, actor="test").rejected == []
    with session_scope(factory) as s:
        ops.update_entity(s, "uni_x", actor="test", name="Università X", category="L17")  # unchanged: kept
    with factory() as s:
        assert (s.get(Entity, "uni_x").name, s.get(Entity, "uni_x").category) == ("Università X", "L17")
    with factory() as s, pytest.raises(InvalidValue) as err:
        ops.update_entity(s, "c_h501", actor="test", category="L17")
    assert err.value.field == "category" and "'L17' is not a PA type" in err.value.problem


def test_the_listing_filters_take_a_pa_type_as_the_other_commands_do(tmp_path):
    """`service-types --category` refused an unknown code by a hand check of its own wording and `list entities
    --category ZZ9` answered "(none)": both are the standard's PA type now (ascolto.cli_codes), refused by
    click before anything is read (exit 2), a lower-case code read as its upper case."""
    env = {"ASCOLTO_DATABASE_URL": f"sqlite:///{tmp_path / 'registry.db'}", "ASCOLTO_DATA_DIR": str(tmp_path)}
    for args in (["service-types", "--category", "ZZ9"], ["list", "entities", "--category", "ZZ9"]):
        out = CliRunner().invoke(main, ["registry", *args], env=env)
        assert out.exit_code == 2, (args, out.output)
        assert "Invalid value for '--category': 'ZZ9' is not a PA type of the questionnaire standard" in out.output
    lower = CliRunner().invoke(main, ["registry", "service-types", "--category", "l6", "--json"], env=env)
    assert lower.exit_code == 0 and lower.output.count('"code"') > 1, lower.output
