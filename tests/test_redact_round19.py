"""Redaction round 19 (docs/processor.md, "Round 19"): page paths first, then what round 18 left. A held-out probe
written by hand — page paths with personal data or secrets in the shapes PA sites put them (a codice fiscale, a user
name, a JWT, a base64 token, a session id, a booking's number, SPID/CIE/OAuth callback parameters), ordinary PA
paths with page numbers, sort keys, filters, ``utm_`` parameters and language codes, and comments for round 18's
leftovers. What it found leaking, or losing a word, is here with what it must become; every case of
:data:`PATHS_19`, :data:`KEPT_PAGES_19` and :data:`CORPUS_19` failed on the code before the round.
:data:`AS_BEFORE_19` the text passes typed before too (now by the query's judgement);
:data:`GUARDS_19` and :data:`PLAIN_PATHS_19` are ordinary comments and paths beside the new rules, kept whole before
the round and after it.
"""
from __future__ import annotations

import json

import pytest

from privacy import redact, redact_record
from privacy.paths import redact_path
from questionnaires.envelope import page_path

from .redact_support import KEPT, assert_becomes, placeholders


#: a page path as it is kept (its query string and fragment dropped by the collector): tokens and path parameters
PATHS_19 = [
    # round 20: a JWT is a [CREDENZIALI] wherever it is written (the text pass types it before the segments are judged)
    ("/api/sessione/eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJSU1NNUkEifQ.sig123abcXYZ", "/api/sessione/[CREDENZIALI]"),
    ("/verifica-email/aGVsbG8ud29ybGRAZXhhbXBsZS5jb20", "/verifica-email/[ID]"),
    ("/confirm/MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=", "/confirm/[ID]"),
    ("/reset/SplxlOBeZQQYbYS6WxSbIA/conferma", "/reset/[ID]/conferma"),
    ("/pagina;jsessionid=1A2B3C4D5E6F7A8B9C0D1E2F3A4B5C6D", "/pagina;jsessionid=[CREDENZIALI]"),
    ("/area;sid=r2t5uvjq435r4q7ib3vtdjq120;lang=it", "/area;sid=[CREDENZIALI];lang=it"),
    # the second probe (written after the fixes): given names and a surname that is no listed one, after an account word
    ("/profilo/anna-maria-russo", "/profilo/[ID]"),
    ("/utente/mario-bianco/preferiti", "/utente/[ID]/preferiti"),
]

#: a page with its query or fragment still on it, as a kept record (``failed/``, the DLQ, an older collector's) has it
KEPT_PAGES_19 = [
    ("/spid/acs?SAMLResponse=PHNhbWxwOlJlc3BvbnNlIHhtbG5z%3D%3D&RelayState=https%3A%2F%2Fcomune.example.it%2Farea",
     "/spid/acs?SAMLResponse=[CREDENZIALI]&RelayState=[CREDENZIALI]"),
    ("/saml/acs?SAMLart=AAQAAMFbLinlXaCM%2BFIxiDwGOLAy2T71gbpO7ZhN", "/saml/acs?SAMLart=[CREDENZIALI]"),
    ("/oauth/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz789ABCqwe",
     "/oauth/callback?code=[CREDENZIALI]&state=[CREDENZIALI]"),
    ("/login/callback#access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.abcDEF123_-xyz&state=af0ifjsldkj",
     "/login/callback#access_token=[CREDENZIALI]&state=[CREDENZIALI]"),
    ("/servizi?PHPSESSID=r2t5uvjq435r4q7ib3vtdjq120", "/servizi?PHPSESSID=[CREDENZIALI]"),
    ("/reset?t=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA", "/reset?t=[ID]"),
    ("/segnalazioni/nuova?nome=Mario&cognome=Rossi", "/segnalazioni/nuova?nome=[ID]&cognome=[ID]"),
    ("/login?redirect_uri=%2Fprofilo%2Fmario.rossi", "/login?redirect_uri=[ID]"),
    ("/anagrafe/certificati?nato_il=1985-12-10", "/anagrafe/certificati?nato_il=[ID]"),
    ("/ticket/view?ticket=ST-12345-abcdefghijklmnop-cas", "/ticket/view?ticket=[CREDENZIALI]"),
    # the query was read as part of the last segment: "pagopa?ente=80012345678" became one "[ID]"
    ("/pagamenti/pagopa?ente=80012345678", "/pagamenti/pagopa?ente=[ID]"),
]

#: a query's data the text passes typed before the round, read then as part of the last segment: still typed
AS_BEFORE_19 = [
    ("/ricerca?q=RSSMRA85T10A562S", "/ricerca?q=[CF]"),
    ("/search?query=3331234567", "/search?query=[PHONE]"),
    ("/servizi/tari?codice_fiscale=bncgli90a41f205x&anno=2024", "/servizi/tari?codice_fiscale=[CF]&anno=2024"),
]

#: ordinary paths beside the new rules: kept whole, with their query and fragment
PLAIN_PATHS_19 = [
    "/servizi/anagrafe/certificati", "/it/pagamenti/pagopa", "/news/2024/05/12/avviso",
    "/modulistica/modello-730-2024.pdf", "/uffici/ufficio-tributi", "/notizie?pagina=3&ordina=data",
    "/bandi?stato=aperti&sort=-data_pubblicazione", "/eventi?categoria=cultura&mese=2024-06",
    "/servizi/scuola/mensa?utm_source=newsletter&utm_medium=email&utm_campaign=settembre2024",
    "/search?q=certificato+di+residenza", "/ricerca?q=orari+ufficio+anagrafe&page=2", "/faq#pagamenti",
    "/servizi/assistenza?lang=de&view=list", "/albo-pretorio?anno=2024&numero=1234", "/it/news/123",
    "/it/Servizi/CartaIdentita2024", "/documenti/DGR_N_1234_2024_allegatoA.pdf", "/eventi/bonus-energia-2024",
    "/amministrazione-trasparente/bandi-di-gara-e-contratti", "/tributi?code=IT&state=aperti", "/pagina;lang=it",
    "/app#/servizi/anagrafe", "/opendata/dataset/popolazione-residente-2023.csv",
    "/profilo/modifica-password", "/profilo/rosa-dei-venti", "/account/nuovo-utente",
]  # round 20: "/servizi/anna-maria-russo" is an [ID] (tests/test_redact_round20.py)

CORPUS_19 = [
    # a site's path written without "http" or "www." (round 18's leftover)
    ("il mio profilo è /utente/mrossi85 e non funziona", "il mio profilo è /utente/[ID] e non funziona"),
    ("la pagina /profilo/mario.rossi dà errore", "la pagina /profilo/[ID] dà errore"),
    ("nella pagina /u/12345678/documenti manca il file", "nella pagina /u/[ID]/documenti manca il file"),
    ("vedere /area-riservata?token=8f14e45fceea167a5a36dedd4bea2543", "vedere /area-riservata?token=[CREDENZIALI]"),
    ("(/prenotazioni/12345678/conferma) non si apre", "(/prenotazioni/[ID]/conferma) non si apre"),
    # a link's segment or query value the text passes type is typed, not an "[ID]" (round 18's leftover)
    ("il link https://servizi.comune.it/anagrafe?cf=RSSMRA85T10A562S non va",
     "il link https://servizi.comune.it/anagrafe?cf=[CF] non va"),
    ("https://portale.it/utenti/RSSMRA85T10A562S/profilo va in errore", "https://portale.it/utenti/[CF]/profilo va in errore"),
    ("il link https://cie.gov.it/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz789 è scaduto",
     "il link https://cie.gov.it/callback?code=[CREDENZIALI]&state=[CREDENZIALI] è scaduto"),
    # "sig ra": the title whole, the name after it
    ("sig ra verdi allo sportello molto disponibile", "sig ra [NOME] allo sportello molto disponibile"),
    ("la sig ra bianchi è stata gentile", "la sig ra [NOME] è stata gentile"),
    ("grazie alla sig ra Esposito", "grazie alla sig ra [NOME]"),
    ("la sig ra allo sportello 3 era gentile", KEPT),
    # a lower-case street opening the comment, or after "la mia casa è in", with the rest of the sentence after it
    ("via mazzini 45 mi hanno mandato la multa sbagliata", "[INDIRIZZO] mi hanno mandato la multa sbagliata"),
    ("corso italia 8 non arriva la posta", "[INDIRIZZO] non arriva la posta"),
    ("piazza dante 2 non hanno ritirato i rifiuti", "[INDIRIZZO] non hanno ritirato i rifiuti"),
    ("via roma 3 mi serve il certificato", "[INDIRIZZO] mi serve il certificato"),
    ("la mia casa è in via garibaldi 12 e nessuno risponde", "la mia casa è in [INDIRIZZO] e nessuno risponde"),
    # the flat's number after an address goes with it; the stair and the floor stay
    ("abito in Via Roma 3 int. 4 e non arriva la posta", "abito in [INDIRIZZO] e non arriva la posta"),
    ("Via Verdi 10, int. 7, scala B", "[INDIRIZZO], scala B"),
    ("residente in via dante 5 interno 12", "residente in [INDIRIZZO]"),
    ("Corso Vittorio Emanuele 100 int 3 piano 2", "[INDIRIZZO] piano 2"),
    ("abito in via Roma 3 scala A int. 5, 00100 Roma", "abito in [INDIRIZZO] scala A, Roma"),
]

GUARDS_19 = [
    "la pagina /servizi/anagrafe/certificati è chiara",
    "il modulo /modulistica/modello-730-2024.pdf non si scarica",
    "ho pagato su /it/pagamenti/pagopa?lang=it senza problemi",
    "apertura lun/ven 8/13, ISEE 2024/2025, legge 104/92, e/o",
    "via roma 3 volte ho chiamato e nessuno risponde",
    "corso inglese 2 non è partito",
    "corso base 2 e 3 sono pieni",
    "via email 2 volte, nessuna risposta",
    "piazza duomo 3 giorni fa era chiusa",
    "la mia casa è lontana dagli uffici",
    "interno del palazzo molto sporco",
    "abbiamo aspettato 20 minuti, int. al piano terra chiuso",
    "la sig.ra allo sportello era gentile",
]


@pytest.mark.parametrize("path, expected", PATHS_19, ids=[p[:48] for p, _ in PATHS_19])
def test_round_19_a_kept_page_path_loses_its_tokens(path, expected):
    out, found = redact_path(path)
    assert out == expected
    assert sum(n for _, n in found) == placeholders(expected)


@pytest.mark.parametrize("path, expected", KEPT_PAGES_19 + AS_BEFORE_19, ids=[p[:48] for p, _ in KEPT_PAGES_19 + AS_BEFORE_19])
def test_round_19_a_page_with_its_query_is_judged_as_a_links_query(path, expected):
    out, found = redact_path(path)
    assert out == expected
    assert sum(n for _, n in found) == placeholders(expected)


def test_round_19_a_dead_letters_page_with_a_callbacks_query_is_scrubbed():
    """``failed/`` and the DLQ keep a record's page as it came: its query is judged, not left whole."""
    page = "/spid/acs?SAMLResponse=PHNhbWxwOlJlc3BvbnNl&RelayState=ss%3Amem%3A1f7c3b2a9e8d"
    value = json.dumps({"submission": {"context": {"page": page}, "answers": {}}}).encode()
    out, counts = redact_record(value)
    assert json.loads(out)["submission"]["context"]["page"] == "/spid/acs?SAMLResponse=[CREDENZIALI]&RelayState=[CREDENZIALI]"
    assert counts["CREDENZIALI"] == 2


@pytest.mark.parametrize("path", PLAIN_PATHS_19)
def test_round_19_ordinary_paths_are_kept_whole(path):
    assert redact_path(path) == (path, ())
    assert redact_path(page_path(path)) == (page_path(path), ())


@pytest.mark.parametrize("text, expected", CORPUS_19, ids=[t[:48] for t, _ in CORPUS_19])
def test_round_19_comment_becomes_what_it_should(text, expected):
    assert_becomes(text, expected)


@pytest.mark.parametrize("text", GUARDS_19)
def test_round_19_guards_are_kept_whole(text):
    assert redact(text) == (text, {})


@pytest.mark.parametrize("text", [t for t, _ in CORPUS_19], ids=[t[:48] for t, _ in CORPUS_19])
def test_round_19_redacting_again_changes_nothing(text):
    once = redact(text)[0]
    assert redact(once) == (once, {})
