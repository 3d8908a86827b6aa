"""Names per language (registry.names, migration 0009): the registry holds an entity's and a service's
name in en, de, fr, sl beside the mandatory Italian one, set from the CLI, the IPA import and the
console's admin; the questionnaire endpoint (the widget's), the hosted form, the kiosk and the console
show the name in their page's language, the Italian one (marked ``lang="it"``) where there is none.
The registry tests run on SQLite and PostgreSQL (``db_url``)."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from ascolto.cli import main
from registry import InvalidValue, connect, dispose, ops, session_scope
from registry.audit import history
from registry.ipa import import_ipa, write_csv
from registry.names import localized
from registry.ops import set_names
from tests import console_csv
from tests.conftest import ORIGIN

ACTOR = "test:names"
ROMA_DE = "Meldebescheinigungen online"  # registry.demo.NAMES: demo-roma-anagrafe has en, de, fr, sl


@pytest.fixture
def factory(db_url):
    f = connect(db_url)
    with session_scope(f) as s:
        ops.add_entity(s, actor=ACTOR, ipa_code="c_a952", name="Comune di Bolzano", category="L6",
                       comune_istat="021008")
        ops.add_service(s, actor=ACTOR, key="bz-anagrafe", entity_ipa="c_a952", name="Certificati anagrafici",
                        service_type="anagrafe.certificati", allowed_origins=[ORIGIN])
    yield f
    dispose(f)


def test_names_are_set_removed_validated_and_audited(factory):
    with session_scope(factory) as s:
        set_names(s, "entity", "c_a952", {"de": "Gemeinde Bozen"}, actor=ACTOR)
        set_names(s, "service", "bz-anagrafe", {"de": "Meldebescheinigungen", "en": "Registry certificates"},
                  actor=ACTOR)
    with session_scope(factory) as s:
        e, svc = ops.get_entity(s, "c_a952"), ops.get_service(s, "bz-anagrafe")
        assert (e.name, e.names) == ("Comune di Bolzano", {"de": "Gemeinde Bozen"})
        assert svc.names == {"de": "Meldebescheinigungen", "en": "Registry certificates"}
        set_names(s, "service", "bz-anagrafe", {"en": None}, actor=ACTOR)  # removed; German kept
        set_names(s, "service", "bz-anagrafe", {"de": "Meldebescheinigungen"}, actor=ACTOR)  # unchanged: no audit
    with session_scope(factory) as s:
        assert ops.get_service(s, "bz-anagrafe").names == {"de": "Meldebescheinigungen"}
        changes = [(a.action, (a.before or {}).get("names"), (a.after or {}).get("names"))
                   for a in reversed(history(s, "service", "bz-anagrafe"))]
    assert changes == [("create", None, None),
                       ("update", None, {"de": "Meldebescheinigungen", "en": "Registry certificates"}),
                       ("update", {"de": "Meldebescheinigungen", "en": "Registry certificates"},
                        {"de": "Meldebescheinigungen"})]
    for names, field, problem in (({"xx": "Name"}, "names", "'xx' is not a language of the standard"),
                                  ({"de": "x" * 301}, "name_de", "at most 300"),
                                  ({"it": ""}, "name", "is required")):
        with pytest.raises(InvalidValue) as exc, session_scope(factory) as s:
            set_names(s, "service", "bz-anagrafe", names, actor=ACTOR)
        assert exc.value.field == field and problem in exc.value.problem, exc.value
    assert localized("Comune di Bolzano", {"de": "Gemeinde Bozen"}, "de") == ("Gemeinde Bozen", None)
    assert localized("Comune di Bolzano", {"de": "Gemeinde Bozen"}, "fr") == ("Comune di Bolzano", "it")
    assert localized("Comune di Bolzano", None, "it") == ("Comune di Bolzano", None)


def test_the_cli_sets_shows_and_removes_names(db_url, tmp_path, factory):
    env = {"ASCOLTO_DATABASE_URL": db_url, "ASCOLTO_DATA_DIR": str(tmp_path / "data"), "ASCOLTO_ACTOR": "test:cli"}

    def cli(*args, code=0):
        result = CliRunner().invoke(main, ["registry", "names", *args], env=env, catch_exceptions=False)
        assert result.exit_code == code, (args, result.output)
        return result.output

    assert "name in de set" in cli("set", "entity", "c_a952", "de", "Gemeinde Bozen")
    cli("set", "service", "bz-anagrafe", "en", "Registry certificates")
    shown = json.loads(cli("show", "entity", "c_a952", "--json"))
    assert [(r["lang"], r["shown"]) for r in shown] == [
        ("it", "Comune di Bolzano"), ("en", "Comune di Bolzano (Italian)"), ("de", "Gemeinde Bozen"),
        ("fr", "Comune di Bolzano (Italian)"), ("sl", "Comune di Bolzano (Italian)")]
    assert "name in en removed" in cli("remove", "service", "bz-anagrafe", "en")
    assert "Error: Invalid value for 'NAME': is 301 characters long, at most 300 allowed" in cli(
        "set", "service", "bz-anagrafe", "fr", "x" * 301, code=2)  # wrong input: exit 2
    assert "Error: KEY: no service 'nope'" in cli("set", "service", "nope", "en", "X", code=1)
    assert "Invalid value for 'LANG': 'es' is not one of 'it', 'en', 'de', 'fr', 'sl'" in cli(
        "set", "service", "bz-anagrafe", "es", "X", code=2)
    with session_scope(factory) as s:
        assert ops.get_service(s, "bz-anagrafe").names is None
        assert ops.get_entity(s, "c_a952").names == {"de": "Gemeinde Bozen"}


def test_the_ipa_import_reads_optional_name_columns_per_language(factory):
    def load(rows, extra=()):
        text = write_csv([])
        header = text.splitlines()[0].split(",") + list(extra)
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in header})
        with session_scope(factory) as s:
            return import_ipa(s, io.StringIO(buf.getvalue()), actor=ACTOR, name="enti.csv")

    bz = {"Codice_IPA": "c_a952", "Denominazione_ente": "Comune di Bolzano", "Codice_Categoria": "L6",
          "Codice_comune_ISTAT": "021008", "Denominazione_ente_de": "Gemeinde Bozen"}
    report = load([bz], ["Denominazione_ente_de"])
    assert (report.updated, report.rejected) == (1, [])
    assert load([bz], ["Denominazione_ente_de"]).unchanged == 1  # idempotent
    plain = {k: v for k, v in bz.items() if k != "Denominazione_ente_de"}
    assert load([plain]).unchanged == 1  # no column: the German name is kept
    with session_scope(factory) as s:
        assert ops.get_entity(s, "c_a952").names == {"de": "Gemeinde Bozen"}
    report = load([dict(bz, Denominazione_ente_de="", Codice_IPA="c_a952"),
                   dict(bz, Codice_IPA="c_l378", Codice_comune_ISTAT="022205", Denominazione_ente="Comune di Trento",
                        Denominazione_ente_de="x" * 301)], ["Denominazione_ente_de"])
    assert report.updated == 1 and [(r.ipa_code, r.column) for r in report.rejected] == [
        ("c_l378", "Denominazione_ente_de")]
    assert "at most 300" in report.rejected[0].problem
    with session_scope(factory) as s:
        assert ops.get_entity(s, "c_a952").names is None  # an empty cell removed it


# --- the collector: the widget's questionnaire, the hosted form --------------------------------------

def test_the_questionnaire_and_the_form_name_the_service_in_the_page_language(client, settings):
    from registry.demo import seed

    seed(connect(settings.database_url), [ORIGIN])
    doc = client.get("/v1/services/demo-roma-anagrafe/questionnaire?lang=de").get_json()
    assert doc["service_name"] == ROMA_DE and "service_name_lang" not in doc
    doc = client.get("/v1/services/demo-inps-pensione/questionnaire?lang=fr").get_json()  # English only
    assert (doc["service_name"], doc["service_name_lang"]) == ("Domanda di pensione", "it")
    doc = client.get("/v1/services/demo-inps-pensione/questionnaire?lang=en").get_json()
    assert doc["service_name"] == "Pension application" and "service_name_lang" not in doc
    assert client.get("/v1/services/demo-inps-pensione/questionnaire").get_json()["service_name"] == "Domanda di pensione"
    form = client.get("/v1/services/demo-inps-pensione/form?lang=en").get_data(as_text=True)
    assert ('<p class="service"><span>Pension application</span> · '
            '<span>National Social Security Institute</span></p>') in form
    form = client.get("/v1/services/demo-inps-pensione/form?lang=sl").get_data(as_text=True)
    assert ('<p class="service"><span lang="it">Domanda di pensione</span> · '
            '<span lang="it">Istituto Nazionale della Previdenza Sociale</span></p>') in form


# --- the console -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def console(tmp_path_factory):
    from tests.console_data import build
    from warehouse.console import create_app

    settings, tokens = build(tmp_path_factory.mktemp("names"))
    return create_app(settings), tokens


def test_the_console_names_entities_and_services_in_its_language(console):
    app, tokens = console
    c = app.test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
    english = c.get("/entities/?lang=en").get_data(as_text=True)
    italian = c.get("/entities/").get_data(as_text=True)
    assert "National Social Security Institute" in english and "Istituto Nazionale della Previdenza" not in english
    assert "Istituto Nazionale della Previdenza Sociale" in italian and "National Social Security" not in italian
    assert "Roma Capitale" in english  # no English name: the Italian one
    page = c.get("/entities/inps?lang=en").get_data(as_text=True)
    assert "National Social Security Institute" in page and "Pension application" in page
    rows = console_csv.rows(c.get("/csv/entities/entities?lang=en"))
    assert "National Social Security Institute" in [cell for r in rows for cell in r]


def test_an_admin_sets_the_names_per_language_in_the_console(console):
    app, tokens = console
    c = app.test_client()
    login = c.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    assert c.post("/login", data={"token": tokens["admin"], "csrf_token": token}).status_code == 303
    html = c.get("/admin/services").get_data(as_text=True)
    form = re.search(r'<details data-names="demo-lombardia-bandi">.*?</details>', html, re.S).group(0)
    assert 'name="name_it" lang="it"' in form and 'value="Bandi e contributi online" required' in form
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    data = {"csrf_token": csrf, "name_it": "Bandi e contributi online", "name_en": "Calls and grants online",
            "name_de": "", "name_fr": "", "name_sl": ""}
    assert c.post("/admin/service/demo-lombardia-bandi/names", data=data).status_code == 303
    assert c.post("/admin/service/demo-lombardia-bandi/names", data={k: v for k, v in data.items()
                                                                     if k != "csrf_token"}).status_code == 400
    r = c.post("/admin/service/demo-lombardia-bandi/names", data=dict(data, name_de="x" * 301), follow_redirects=True)
    assert "Nome in tedesco (name_de): è lungo 301 caratteri, al massimo 300." in r.get_data(as_text=True)
    r = c.post("/admin/entity/nope/names", data=dict(data), follow_redirects=True)
    assert "Codice IPA (ipa_code): nessun ente «nope»." in r.get_data(as_text=True)
    assert "Calls and grants online" in c.get("/entities/r_lombar?lang=en").get_data(as_text=True)
    assert "Bandi e contributi online" in c.get("/entities/r_lombar").get_data(as_text=True)
    audit = c.get("/admin/audit").get_data(as_text=True)
    assert "demo-lombardia-bandi" in audit
