"""A new operator onboards an entity and its services following only docs/registry.md and ``--help``:
what tripped them up, held fixed (on SQLite and PostgreSQL where the registry is involved).

- ``add-service --type sportello.urp`` without ``--channel`` said only "channel: 'faccia' is for the
  channels front_office, kiosk, phone, not 'web'" — the operator had chosen neither ``faccia`` nor
  ``web``; it now says which option fixes it.
- ``--name``, ``--channel`` and ``--sampling-rate`` had no help text; the channel's valid values
  were nowhere in ``--help``; ``token create --role`` did not say which role is whose (the entity's
  web manager's, a counter's operator's); ``log --key`` not what a key is.
- ``devices add`` printed a ``http://localhost:8000`` kiosk address without the reminder
  ``add-service`` gives (set ``ASCOLTO_PUBLIC_URL``): a tablet cannot open the operator's localhost.
- ``list services`` cut a long cell at 60 characters silently: a list of origins ended in a
  plausible but wrong one (``https://staging.comune.bologna``); a cut cell now ends in "…".
- docs/registry.md's ``update-entity … --region 12 --nuts ITH1`` example is refused (ITH1 is not in
  Lazio), and its example of a refused questionnaire (``anagrafe.certificati`` / ``faccia``) is one
  the taxonomy now allows.
"""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ascolto.cli import main
from questionnaires.vocabulary import CHANNELS
from registry import connect, dispose
from registry.checks import check_questionnaire, check_service_type
from registry.errors import RegistryError

DOC = Path(__file__).resolve().parents[1] / "docs" / "registry.md"


@pytest.fixture
def cli(db_url, tmp_path):
    env = {"ASCOLTO_DATABASE_URL": db_url, "ASCOLTO_DATA_DIR": str(tmp_path / "data"), "ASCOLTO_ACTOR": "test:onboard",
           "ASCOLTO_PUBLIC_URL": ""}
    factory = connect(db_url)  # migrated
    dispose(factory)

    def run(*args: str, code: int = 0, **extra: str):
        result = CliRunner().invoke(main, ["registry", *args], env={**env, **extra}, catch_exceptions=False)
        assert result.exit_code == code, (args, result.exit_code, result.output)
        return result

    run("add-entity", "--ipa", "c_a944", "--name", "Comune di Bologna", "--category", "L6", "--comune", "037006")
    return run


def test_a_counter_service_without_a_channel_is_told_to_add_one(cli):
    refused = cli("add-service", "--entity", "c_a944", "--name", "URP", "--type", "sportello.urp", code=1).stderr
    assert "Error: --channel: 'faccia' is for the channels front_office, kiosk, phone, not 'web'" in refused
    assert "add --channel" in refused
    # chosen on purpose: the registry's words only
    chosen = cli("add-service", "--entity", "c_a944", "--name", "URP", "--type", "sportello.urp", "--channel", "web",
                 code=1).stderr
    assert chosen.strip() == "Error: --channel: 'faccia' is for the channels front_office, kiosk, phone, not 'web'"
    done = cli("add-service", "--entity", "c_a944", "--name", "URP", "--type", "sportello.urp", "--key", "bo-urp",
               "--channel", "front_office")
    assert done.stdout.splitlines()[0] == "bo-urp"


def test_a_device_on_a_stack_without_a_public_address_is_reminded_of_it(cli):
    cli("add-service", "--entity", "c_a944", "--name", "URP", "--type", "sportello.urp", "--key", "bo-totem",
        "--channel", "kiosk")
    local = cli("devices", "add", "--service", "bo-totem", "--label", "Totem").stderr
    assert "Open on the device: http://localhost:8000/v1/services/bo-totem/kiosk?device=kio_" in local
    assert "set ASCOLTO_PUBLIC_URL to its public address" in local
    public = cli("devices", "add", "--service", "bo-totem", "--label", "Totem 2",
                 ASCOLTO_PUBLIC_URL="https://ascolto.example.gov.it").stderr
    assert "https://ascolto.example.gov.it/v1/services/bo-totem/kiosk?device=kio_" in public
    assert "ASCOLTO_PUBLIC_URL" not in public


@pytest.mark.parametrize("path", [("add-entity",), ("add-service",), ("assign-bulk",), ("token", "create"), ("list",),
                                  ("log",)], ids=" ".join)
def test_every_option_of_the_onboarding_commands_says_what_it_is(path):
    cmd: click.Command = main.commands["registry"]
    for word in path:
        cmd = cmd.commands[word]
    bare = [p.name for p in cmd.params if isinstance(p, click.Option) and not p.help]
    assert not bare, f"{' '.join(path)}: options without --help text: {bare}"


def test_the_channel_help_lists_every_channel():
    [option] = [p for p in main.commands["registry"].commands["add-service"].params if p.name == "channel"]
    listed = re.findall(r"[a-z_]+", option.help.split(":")[1].split("(")[0])
    assert tuple(w for w in listed if w != "or") == CHANNELS


def test_the_documented_update_entity_example_is_accepted(cli):
    line = next(ln for ln in DOC.read_text("utf-8").splitlines() if ln.startswith("ascolto registry update-entity"))
    region = re.search(r"--region (\d+)\]", line).group(1)
    cli("add-entity", "--ipa", "inps", "--name", "INPS", "--category", "C16", "--region", "08")
    cli("update-entity", "inps", "--region", region)  # an entity without a comune
    trentino = re.search(r"--region (\d+) --nuts (\w+)\|(\w+)", line)
    assert trentino, line
    cli("add-entity", "--ipa", "p_bz", "--name", "Provincia autonoma di Bolzano", "--category", "L5",
        "--region", trentino.group(1), "--nuts", trentino.group(2))
    cli("update-entity", "p_bz", "--region", trentino.group(1), "--nuts", trentino.group(3))


def test_the_documented_refusal_of_a_questionnaire_is_what_the_registry_says():
    text = " ".join(DOC.read_text("utf-8").split())
    example = re.search(r"`Error: --questionnaire: (service type '([\w.]+)' does not allow '([\w-]+)' \(allowed: [^)]*\))`",
                        text)
    assert example, "docs/registry.md gives an example of a refused questionnaire"
    with pytest.raises(RegistryError) as refused:
        check_questionnaire(check_service_type(example.group(2)), example.group(3))
    assert refused.value.problem == example.group(1)


def test_a_cell_cut_to_the_tables_width_says_so(cli):
    # two origins of 29 and 33 characters: cut at 60, the second read "https://staging.comune.bologna"
    cli("add-service", "--entity", "c_a944", "--name", "Certificati", "--type", "anagrafe.certificati", "--key", "bo-cert",
        "--origin", "https://www.comune.bologna.it", "--origin", "https://staging.comune.bologna.it")
    table = cli("list", "services", "--entity", "c_a944").stdout
    assert "https://www.comune.bologna.it,https://staging.comune.bologn…" in table
    assert "https://staging.comune.bologna.it" in cli("list", "services", "--json").stdout  # whole in JSON


def _suggested(refusal: str, marker: str) -> list[str]:
    """The command a refusal suggests on its line holding ``marker``, as the registry group's arguments."""
    line = next(ln for ln in refusal.splitlines() if marker in ln)
    words = shlex.split(line[line.index("ascolto registry update-entity"):])
    return words[2:]


def test_a_bare_region_for_an_entity_with_a_comune_is_refused_saying_what_to_type(cli):
    """Round two: ``update-entity c_a944 --region 12`` (Bologna, comune 037006) said only "region_istat:
    '12' disagrees with comune '037006' (region '08')" — not that the region follows the comune, nor
    what to type instead. A region or NUTS-2 code that agrees with the comune is accepted (no change)."""
    assert cli("update-entity", "c_a944", "--region", "08").stdout.strip() == "entity c_a944: nothing to change"
    assert cli("update-entity", "c_a944", "--nuts", "ITH5").stdout.strip() == "entity c_a944: nothing to change"
    refused = cli("update-entity", "c_a944", "--region", "12", code=1).stderr
    assert refused.startswith("Error: --region: '12' disagrees with comune '037006' of entity c_a944 (region '08', "
                              "NUTS-2 'ITH5'): an entity with a comune is in the comune's region"), refused
    assert "ascolto registry update-entity c_a944 --comune CODE" in refused
    assert 'ascolto registry update-entity c_a944 --comune "" --region 12' in refused
    documented = re.search(r"```text\n(Error: --region: .*?)\n```", DOC.read_text("utf-8"), re.S)
    assert documented and documented.group(1) == refused.strip(), "docs/registry.md shows this refusal as it is"
    entity = json.loads(cli("list", "entities", "--json").stdout)[0]
    assert (entity["comune_istat"], entity["region_istat"]) == ("037006", "08")  # nothing written
    # what it says to type does it
    done = cli(*_suggested(refused, "region only")).stdout
    assert "comune_istat '037006' -> None, region_istat '08' -> '12', region_nuts 'ITH5' -> 'ITI4'" in done
    cli("update-entity", "c_a944", "--comune", "037006")  # back to Bologna: the region follows
    assert json.loads(cli("list", "entities", "--json").stdout)[0]["region_istat"] == "08"


def test_a_bare_nuts_code_for_an_entity_with_a_comune_names_its_region_in_the_command_to_type(cli):
    refused = cli("update-entity", "c_a944", "--nuts", "ITH1", code=1).stderr
    assert refused.startswith("Error: --nuts: 'ITH1' disagrees with comune '037006'"), refused
    assert 'ascolto registry update-entity c_a944 --comune "" --region 04 --nuts ITH1' in refused
    cli(*_suggested(refused, "region only"))
    entity = json.loads(cli("list", "entities", "--json").stdout)[0]
    assert (entity["comune_istat"], entity["region_istat"], entity["region_nuts"]) == (None, "04", "ITH1")
    # Trentino-Alto Adige's two NUTS-2 regions: the command to type asks for one
    cli("update-entity", "c_a944", "--comune", "037006")
    assert "--region 04 --nuts ITH1|ITH2" in cli("update-entity", "c_a944", "--region", "04", code=1).stderr


@pytest.mark.parametrize("args, said", [
    (("--region", "99"), "Error: Invalid value for '--region': '99' is not an Istat region code (01–20)"),
    (("--nuts", "ITX9"), "Error: Invalid value for '--nuts': 'ITX9' is not the NUTS-2 code of an Italian region"),
    (("--region", "08", "--nuts", "ITI4"), "Error: Invalid value for '--nuts': NUTS-2 'ITI4' is not in region '08'"),
], ids=["region", "nuts", "region-and-nuts"])
def test_a_place_that_is_wrong_in_itself_is_refused_as_such_not_as_disagreeing_with_the_comune(cli, args, said):
    refused = cli("update-entity", "c_a944", *args, code=2).stderr  # wrong in itself: wrong input, exit 2
    assert refused.strip().splitlines()[-1].startswith(said), refused
    assert "--comune" not in refused
