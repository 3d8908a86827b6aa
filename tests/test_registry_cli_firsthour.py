"""Issue 19 point 2 (command line): what a PA web manager needs from ``ascolto registry``."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ascolto.cli import main
from questionnaires.taxonomy import pa_categories, service_types
from registry import InvalidValue, connect, ops
from registry.db import session_scope
from registry.models import Service
from registry.snippet import channel_kit, embed_snippet


@pytest.fixture
def cli(db_url, tmp_path):  # noqa: F811
    env = {"ASCOLTO_DATABASE_URL": db_url, "ASCOLTO_DATA_DIR": str(tmp_path / "data"), "ASCOLTO_ACTOR": "test:cli",
           "ASCOLTO_PUBLIC_URL": ""}

    def run(*args: str, code: int = 0, **extra_env):
        result = CliRunner().invoke(main, ["registry", *args], env=dict(env, **extra_env), catch_exceptions=False)
        assert result.exit_code == code, (args, result.exit_code, result.output)
        return result

    run("seed-demo")  # the demo registry of `ascolto up`: Comune di Torino (c_l219) among its entities
    return run


def test_add_service_prints_the_snippet_to_paste_with_the_key_filled_in(cli):
    out = cli("add-service", "--entity", "c_l219", "--name", "Pagamento TARI", "--type", "tributi.pagamento",
              "--key", "torino-tari", "--origin", "https://www.comune.torino.it",
              ASCOLTO_PUBLIC_URL="https://ascolto.example.gov.it/").stdout
    lines = out.splitlines()
    assert lines[0] == "torino-tari"
    assert "on https://www.comune.torino.it" in out
    assert ('<script src="https://ascolto.example.gov.it/widget.js" data-service="torino-tari" async></script>'
            in lines)
    assert ('<noscript><a href="https://ascolto.example.gov.it/v1/services/torino-tari/form?lang=it">'
            'Dai il tuo parere sul servizio</a></noscript>' in lines)
    assert "ASCOLTO_PUBLIC_URL" not in out  # configured: no hint


def test_without_a_public_url_the_snippet_points_at_the_local_collector_and_says_so(cli):
    out = cli("add-service", "--entity", "c_l219", "--name", "Certificati", "--type", "anagrafe.certificati",
              "--key", "torino-cert", ASCOLTO_COLLECTOR_PORT="8123").stdout
    assert '<script src="http://localhost:8123/widget.js" data-service="torino-cert" async></script>' in out
    assert "set ASCOLTO_PUBLIC_URL" in out and "no allowed origin yet" in out
    assert cli("add-service", "--entity", "c_l219", "--name", "X", "--type", "anagrafe.certificati",
               "--key", "torino-x", "--key-only").stdout == "torino-x\n"


def test_a_service_without_a_page_gets_what_its_channel_collects_with(cli):
    # an SMS service was told to paste a widget snippet into a page it does not have
    env = {"ASCOLTO_PUBLIC_URL": "https://ascolto.example.gov.it"}
    sms = cli("add-service", "--entity", "c_l219", "--name", "Certificati", "--type", "anagrafe.certificati",
              "--key", "torino-sms", "--channel", "sms", **env).stdout
    assert "Send this link by SMS" in sms and "widget.js" not in sms
    assert "https://ascolto.example.gov.it/v1/services/torino-sms/form?lang=it" in sms.splitlines()
    phone = cli("add-service", "--entity", "c_l219", "--name", "URP", "--type", "sportello.urp", "--key", "torino-urp",
                "--channel", "phone", "--questionnaire", "faccia", **env).stdout
    assert 'ascolto registry token create --role operator --entity c_l219 --label "..."' in phone
    assert "widget.js" not in phone and "/form" not in phone


def test_the_snippet_escapes_what_it_embeds():
    snippet = embed_snippet('https://h.example/"x', "k-1")
    assert '"x' not in snippet and "&quot;x" in snippet


def test_service_types_lists_codes_labels_categories_and_questionnaires(cli):
    table = cli("service-types").stdout.splitlines()
    assert table[0].split() == ["code", "pa_categories", "questionnaires", "label"]
    assert len(table) == 1 + len(service_types())
    rows = json.loads(cli("service-types", "--json", "--lang", "en").stdout)
    tari = next(r for r in rows if r["code"] == "tributi.pagamento")
    assert tari == {"code": "tributi.pagamento", "label": "Payment of local taxes", "pa_categories": ["L6", "L5", "L4"],
                    "questionnaires": ["cx-core", "mod-tributi", "di-rating-servizio", "faccia"]}
    c16 = [r["code"] for r in json.loads(cli("service-types", "--category", "c16", "--json").stdout)]
    assert c16 == [t.code for t in service_types().values() if "C16" in t.pa_categories]
    bad = cli("service-types", "--category", "ZZ", code=2)
    assert all(c in bad.stderr for c in pa_categories())


def test_every_not_in_the_taxonomy_error_lists_the_valid_values(cli, db_url):  # noqa: F811
    refused = cli("add-service", "--entity", "c_l219", "--name", "x", "--type", "anagrafe.certificato", code=2)
    assert ("Invalid value for '--type': 'anagrafe.certificato' is not a service type of the questionnaire standard "
            "(valid: ") in refused.stderr
    assert all(code in refused.stderr for code in service_types())
    misfit = cli("add-service", "--entity", "c_l219", "--name", "x", "--type", "previdenza.domanda-prestazione", code=1)
    assert "types for L6: anagrafe.certificati, tributi.pagamento" in misfit.stderr
    with session_scope(connect(db_url)) as s:
        with pytest.raises(InvalidValue) as exc:
            ops.update_service(s, "demo-roma-anagrafe", actor="t", service_type="nope")
    assert "sportello.urp" in str(exc.value)


def test_a_registry_command_run_elsewhere_finds_the_stacks_registry_or_says_where_it_looked(tmp_path, monkeypatch):
    # run outside the directory where `ascolto up` ran, the default ./var/registry.db did not exist:
    # the command created an empty registry there and answered "no service 'ts-cert'"
    for name in ("ASCOLTO_DATA_DIR", "ASCOLTO_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    stack = tmp_path / "stack"
    env = {"ASCOLTO_ACTOR": "test:cli", "ASCOLTO_PUBLIC_URL": ""}
    monkeypatch.chdir(tmp_path)
    elsewhere = CliRunner().invoke(main, ["registry", "list", "services"], env=env)
    assert elsewhere.exit_code == 1 and "no registry found" in elsewhere.output and "ASCOLTO_DATA_DIR" in elsewhere.output
    assert not (tmp_path / "var").exists()  # nothing created on the way
    stack.mkdir()
    monkeypatch.chdir(stack)
    assert CliRunner().invoke(main, ["registry", "migrate"], env=env).exit_code == 0  # creates one, here
    assert CliRunner().invoke(main, ["registry", "seed-demo"], env=env).exit_code == 0
    (stack / "docs" / "deeper").mkdir(parents=True)
    monkeypatch.chdir(stack / "docs" / "deeper")
    found = CliRunner().invoke(main, ["registry", "list", "services", "--json"], env=env)
    assert found.exit_code == 0, found.output
    assert json.loads(found.output) and not (stack / "docs" / "deeper" / "var").exists()


@pytest.mark.parametrize("lang,text", [("it", "Dai il tuo parere sul servizio"), ("en", "Give feedback on the service"),
                                       ("de", "Ihre Meinung zum Dienst"), ("fr", "Donnez votre avis sur le service"),
                                       ("sl", "Vaše mnenje o storitvi")])
def test_the_snippet_and_the_kit_speak_the_language_asked_for(lang, text):
    # an English snippet linked to the English form with an Italian link text
    snippet = embed_snippet("https://h.example", "k-1", lang)
    assert f'form?lang={lang}">{text}</a></noscript>' in snippet
    assert channel_kit("https://h.example", "k-1", "web", lang)["code"] == snippet


def test_the_snippet_of_an_unknown_language_links_the_italian_text():
    assert ">Dai il tuo parere sul servizio</a>" in embed_snippet("https://h.example", "k-1", "xx")


def test_add_service_prints_the_snippet_in_the_language_asked_for(cli):
    # a bilingual comune's German page: the snippet's link opened the Italian text, and no command gave another
    env = {"ASCOLTO_PUBLIC_URL": "https://ascolto.example.gov.it"}
    out = cli("add-service", "--entity", "c_l219", "--name", "Meldebescheinigungen", "--type", "anagrafe.certificati",
              "--key", "bz-anagrafe", "--lang", "de", **env).stdout
    assert ('<noscript><a href="https://ascolto.example.gov.it/v1/services/bz-anagrafe/form?lang=de">'
            "Ihre Meinung zum Dienst</a></noscript>") in out
    sms = cli("add-service", "--entity", "c_l219", "--name", "Certificati", "--type", "anagrafe.certificati",
              "--key", "bz-sms", "--channel", "sms", "--lang", "de", **env).stdout
    assert "https://ascolto.example.gov.it/v1/services/bz-sms/form?lang=de" in sms.splitlines()


def test_add_service_refuses_a_language_it_has_no_text_for_before_adding(cli):
    out = cli("add-service", "--entity", "c_l219", "--name", "X", "--type", "anagrafe.certificati", "--key", "bz-xx",
              "--lang", "es", code=2).output
    assert "--lang" in out and "'it', 'en', 'de', 'fr', 'sl'" in out
    from ascolto.cli_add import add_service
    from questionnaires.vocabulary import LANGUAGES

    [option] = [p for p in add_service.params if p.name == "lang"]
    assert tuple(option.type.choices) == LANGUAGES  # every language the form and the snippet's text speak
    # nothing was added: the same key is still free
    assert cli("add-service", "--entity", "c_l219", "--name", "X", "--type", "anagrafe.certificati", "--key", "bz-xx",
               "--key-only").stdout.strip() == "bz-xx"


def test_seed_demo_allows_the_demo_site_where_ascolto_up_serves_it(cli, db_url):  # noqa: F811
    """`ascolto registry seed-demo` allowed http://localhost:8002 whatever ASCOLTO_DEMO_PORT said: run on a
    stack started with another demo port, it took the demo page's origin away from the demo services
    (the widget then said "Questo modulo non è attivo su questa pagina")."""
    cli("seed-demo", ASCOLTO_DEMO_PORT="25002")
    with session_scope(connect(db_url)) as s:
        allowed = ops.get_service(s, "demo-roma-anagrafe").allowed_origins
    assert allowed == ["http://localhost:25002", "http://127.0.0.1:25002"]
    cli("seed-demo", "--origin", "https://demo.example.it")  # still chosen by hand when given
    with session_scope(connect(db_url)) as s:
        assert ops.get_service(s, "demo-roma-anagrafe").allowed_origins == ["https://demo.example.it"]


def test_seed_demo_holds_every_service_ascolto_demo_posts_to(cli, db_url):  # noqa: F811
    """`ascolto registry seed-demo` seeded the six pilot services only, while `ascolto demo` posts to every
    service `ascolto up` seeds (registry.demo_wide): on a registry seeded by the command the docs name,
    `ascolto demo --responses 50` got "3 of 50 accepted" and a 404 unknown_service for the rest."""
    from deploy.demo_data import demo_bodies
    from registry.demo import demo_origins

    posted = {body["service"] for body in demo_bodies(500, 2026)}
    with session_scope(connect(db_url)) as s:
        held = {v.key: (v.active, demo_origins(8002)[0] in v.allowed_origins) for v in s.query(Service)}
    assert sorted(posted - set(held)) == []
    assert all(held[key] == (True, True) for key in posted)


def test_a_web_manager_adds_and_removes_an_origin_of_an_existing_service(cli, db_url):  # noqa: F811
    """The widget on a staging page says it is not active there and its warning says to add the
    origin to the service: the command line can, without making a second service."""
    out = cli("add-service", "--entity", "c_l219", "--name", "Certificati", "--type", "anagrafe.certificati",
              "--key", "torino-cert").stdout
    assert "ascolto registry origins torino-cert --add URL" in out  # what to do about "no allowed origin yet"
    assert cli("origins", "torino-cert").stdout == "(none: the widget is not active on any page; add one with --add URL)\n"
    out = cli("origins", "torino-cert", "--add", "https://www.comune.torino.it",
              "--add", "HTTPS://Staging.Comune.Torino.it:443").stdout
    assert out == "https://www.comune.torino.it\nhttps://staging.comune.torino.it\n"  # as browsers send them
    assert cli("origins", "torino-cert", "--remove", "https://staging.comune.torino.it").stdout == \
        "https://www.comune.torino.it\n"
    refused = cli("origins", "torino-cert", "--add", "https://www.comune.torino.it/servizi", code=2).output
    assert "Error: Invalid value for '--add': " in refused and "no path" in refused  # malformed: exit 2
    refused = cli("origins", "torino-cert", "--remove", "https://elsewhere.example", code=1).output
    assert refused.strip() == ("Error: --remove: https://elsewhere.example not among the service's origins "
                               "(https://www.comune.torino.it)")
    assert cli("origins", "no-such-service", code=1).output.startswith("Error: ")
    with session_scope(connect(db_url)) as s:
        assert ops.get_service(s, "torino-cert").allowed_origins == ["https://www.comune.torino.it"]
    log = json.loads(cli("log", "--type", "service", "--key", "torino-cert", "--json").stdout)
    assert sum(1 for e in log if e["action"] == "update") == 2  # each change audited


def test_an_origin_added_says_when_the_collectors_apply_it(cli):  # noqa: F811
    """The PA walkthrough of 3 December 2026: the widget's warning says to run `registry origins … --add`;
    the command printed the origins and nothing else, and the page reloaded at once was still refused
    (collectors read the registry every ASCOLTO_REGISTRY_TTL_S). The command says when, on stderr; the
    origins stay alone on stdout. Listing them changes nothing and says nothing more."""
    cli("add-service", "--entity", "c_l219", "--name", "Certificati", "--type", "anagrafe.certificati",
        "--key", "torino-cert2")
    out = cli("origins", "torino-cert2", "--add", "https://www.comune.torino.it", ASCOLTO_REGISTRY_TTL_S="45")
    assert out.stdout == "https://www.comune.torino.it\n"
    assert "within 45 s" in out.stderr and "ASCOLTO_REGISTRY_TTL_S" in out.stderr and "reload" in out.stderr, out.stderr
    assert cli("origins", "torino-cert2").stderr == ""


def test_an_origin_typed_as_a_host_or_a_page_address_is_told_the_origin_to_add(cli):  # noqa: F811
    """The walkthrough of 3 December 2026: `origins --add www.comune.roma.it` said "must be
    http(s)://host[:port]" and a page's address "is an origin only: no path…" — right, but the developer
    had to work out what to type. Each refusal now ends with the origin meant (https for a bare host)."""
    cli("add-service", "--entity", "c_l219", "--name", "Certificati", "--type", "anagrafe.certificati",
        "--key", "torino-cert3")
    out = cli("origins", "torino-cert3", "--add", "WWW.Comune.Torino.it", code=2).output.strip().splitlines()[-1]
    assert out == ("Error: Invalid value for '--add': 'WWW.Comune.Torino.it' must be http(s)://host[:port]: "
                   "did you mean https://www.comune.torino.it?"), out
    out = cli("origins", "torino-cert3", "--add", "https://www.comune.torino.it:8443/servizi/cert?x=1", code=2).output
    assert out.strip().splitlines()[-1] == ("Error: Invalid value for '--add': "
                                            "'https://www.comune.torino.it:8443/servizi/cert?x=1' is an origin only: "
                           "no path, query, fragment or user: its origin is https://www.comune.torino.it:8443"), out
    out = cli("origins", "torino-cert3", "--add", "not a host at all", code=2).output
    assert "did you mean" not in out and "its origin is" not in out
