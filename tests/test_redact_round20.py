"""Redaction round 20 (docs/processor.md, "Round 20"): round 19's "Still left" list and a held-out probe of comments
written the way people type in a hurry (lower case, no punctuation, spaced digits, short forms), in Italian, English and
German. What it found leaking, or changing an ordinary comment, is here with what it must become; every case of
:data:`CORPUS_20` and :data:`PATHS_20` failed on the code before the round. :data:`AS_BEFORE_20` were right before and
stay right beside the new rules; :data:`GUARDS_20` and :data:`PLAIN_PATHS_20` are ordinary comments and paths beside
the new rules, kept whole before the round and after it (the probe's ordinary comments among them).
"""
from __future__ import annotations

import pytest

from privacy import redact
from privacy.paths import redact_path

from .redact_support import KEPT, assert_becomes, placeholders


CORPUS_20 = [
    # a course is no street, also when the word after its level ends the clause (round 19's list: "corso yoga 2 pieno")
    ("corso yoga 2 pieno, nessun posto", KEPT),
    ("corso nuoto 2 annullato, rimborso?", KEPT),
    ("corso cucina 3 bellissimo", KEPT),
    # a Rome or Milan number of six digits is an office's switchboard (round 18's and 19's "06 6008")
    ("ho chiamato lo 06 6008 per ore", KEPT),
    ("radio taxi 06 3570 mai arrivato", KEPT),
    ("ho chiamato lo 02 8888 senza risposta", KEPT),
    # a public place before "di" and a street: its address, not a home
    ("la casa della salute di via roma 3 è chiusa", KEPT),
    # "prot" without its dot
    ("prot 45678 del 3 marzo, a nome di Lucia Ferretti", "prot [PRATICA] del 3 marzo, a nome di [NOME]"),
    ("PROT 0098765 del 2025 ancora fermo", "PROT [PRATICA] del 2025 ancora fermo"),
    ("prot n 34567 intestato a mio padre", "prot n [PRATICA] intestato a mio padre"),
    # a token: after "token", and a JSON Web Token with or without a word before it
    ("token di accesso: eyJhbGciOi.eyJzdWIi.abc123 copiato dal browser", "token di accesso: [CREDENZIALI] copiato dal browser"),
    ("ho incollato eyJ0eXAiOiJKV1Qi.eyJ1aWQiOjEyfQ.Zx9 nel modulo", "ho incollato [CREDENZIALI] nel modulo"),
    ("token: Pz8Lq3Mn7 scaduto dopo 1 minuto", "token: [CREDENZIALI] scaduto dopo 1 minuto"),
    # a short token in a link (round 19's list: "a base64 token under 16 characters")
    ("https://prenota.asl.it/conferma/Xy7Kp2Qw mi da errore", "https://prenota.asl.it/conferma/[ID] mi da errore"),
    ("il link era https://app.comune.it/verify/q7W2e9R4t mandato a me", "il link era https://app.comune.it/verify/[ID] mandato a me"),
    ("https://cup.regione.it/s/aB3dE5fG7 non si apre", "https://cup.regione.it/s/[ID] non si apre"),
    ("vedere https://servizi.comune.it/pagina/AbC123xYz9 grazie", "vedere https://servizi.comune.it/pagina/[ID] grazie"),
    # a person's name in a path with no account word (round 19's list)
    ("il mio profilo https://portale.regione.it/servizi/anna-maria-russo non si apre",
     "il mio profilo https://portale.regione.it/servizi/[ID] non si apre"),
    ("/servizi/giuseppe-verdi-87 dice accesso negato", "/servizi/[ID] dice accesso negato"),
    ("vedi /area/luca-bianchi-85 non carica", "vedi /area/[ID] non carica"),
    # "casa" and a street: where the writer lives
    ("abbiamo la casa in c.da san giovanni 14 e la strada e rotta", "abbiamo la casa in [INDIRIZZO] e la strada e rotta"),
    ("ho comprato casa in via dante 5 ma il catasto sbaglia", "ho comprato casa in [INDIRIZZO] ma il catasto sbaglia"),
    # a booking's code of letters and one digit
    ("codice prenotazione ABX9KQ per la visita del 12/06", "codice prenotazione [PRATICA] per la visita del 12/06"),
    ("codice di prenotazione CUP 4B7K9Z", "codice di prenotazione CUP [PRATICA]"),
    ("booking code: K7PQ2X, nobody called back", "booking code: [PRATICA], nobody called back"),
]

AS_BEFORE_20 = [
    ("tel fisso 06 6008 1234 casa di mia nonna", "tel fisso [PHONE] casa di mia nonna"),
    ("chiamatemi allo 06 123456", "chiamatemi allo [PHONE]"),
    ("corso italia 8 non arriva la posta", "[INDIRIZZO] non arriva la posta"),
    ("la mia casa è in via garibaldi 12 e nessuno risponde", "la mia casa è in [INDIRIZZO] e nessuno risponde"),
    ("prot. 45678", "prot. [PRATICA]"),
]

#: a page path as it is kept
PATHS_20 = [
    ("/servizi/anna-maria-russo", "/servizi/[ID]"),
    ("/x/giuseppe-verdi-87", "/x/[ID]"),
    ("/servizi/mario-rossi", "/servizi/[ID]"),
    ("/conferma/Xy7Kp2Qw", "/conferma/[ID]"),
    ("/reset/ab12cd34ef", "/reset/[ID]"),
    ("/pagina/AbC123xYz9", "/pagina/[ID]"),
]

PLAIN_PATHS_20 = [
    "/download/Win10Pro", "/it/Servizi/CartaIdentita2024", "/scuole/teatro-giuseppe-verdi", "/eventi/festa-di-san-giuseppe",
    "/eventi/maria-callas", "/conferma/pagamento", "/verifica/modello730", "/attiva/SPID2024", "/news/covid-19",
    "/eventi/natale-2024", "/api/v2/B2BGate", "/bandi/Bando2024Ab", "/luoghi/villa-ada", "/servizi/anna-frank",
    "/eventi/giuseppe-verdi-1813", "/notizie/mario-draghi-in-visita", "/profilo/rosa-dei-venti", "/reset/password",
]

GUARDS_20 = [
    # beside the new rules
    "corso inglese 2 non è partito", "corso roma 2 giorni chiuso", "corso pittura 1 posti finiti.",
    "ho chiamato lo 06 164164 e lo 06 6001", "ho chiamato lo 060606 tre volte", "il numero verde 800 123 456 non risponde",
    "la casa di riposo in via roma 3 giorni fa", "casa in via roma 3 volte", "la casa di riposo apre alle 9",
    "casa comunale chiusa il sabato",
    "il token è scaduto", "il token spid non arriva", "token scaduto, riprovato 3 volte", "il token 2FA non va",
    "la protesta di 2000 persone", "prot. informatico lento", "prot 2 volte",
    "codice prenotazione SMS mai arrivato", "prenotazione n. 2 per la visita", "codice prenotazione non arrivato",
    "prenotazione COVID19 fatta", "la prenotazione: ok",
    "la pagina /eventi/festa-di-san-giuseppe è vuota", "/download/Win10Pro non si scarica",
    "la pagina /conferma/pagamento è chiara", "ho letto /notizie/mario-draghi-in-visita",
    # the probe's ordinary comments
    "aspettato 45 minuti allo sportello 3", "il cup non risponde mai, chiamato 10 volte", "pagato 16 euro di marca da bollo",
    "legge 104 e ancora niente", "art. 3 del regolamento non rispettato", "modello 730 precompilato pieno di errori",
    "ISEE 2025 ancora in lavorazione", "corso di inglese livello 2 annullato", "corso base 3 iniziato in ritardo",
    "via web 2 volte ho provato e niente", "l'ufficio di via roma e sempre chiuso",
    "lo sportello di piazza garibaldi funziona bene", "orario 8:30-12:30 troppo corto", "prenotato alle 9.15, ricevuto alle 11",
    "la pagina /servizi/carta-identita-elettronica e chiara", "DPR 445/2000 citato a sproposito",
    "decreto legislativo 33/2013 sulla trasparenza", "circolare INPS n. 45 del 2024", "comma 2 dell'art. 5",
    "codice 730 rigo E1", "ho pagato 1.234,56 euro di tari", "biglietto numero 45 chiamato dopo 2 ore",
    "piano terra, stanza 12", "corso vittorio emanuele e sempre trafficato", "corso di formazione 2025 molto utile",
    "corso di yoga 3 volte a settimana", "la biblioteca di via dante 2 giorni chiusa", "cie 3.0 non funziona con l'app",
    "app io versione 2.3 si blocca", "la scuola media Dante Alighieri non ha risposto",
    "ospedale San Camillo pronto soccorso 6 ore di attesa", "asl roma 1 sempre piena", "municipio 5 molto efficiente",
    "la linea 64 passa ogni 30 minuti", "il treno delle 7.42 sempre in ritardo", "ticket di 36,15 euro per una visita",
    "Das Bürgerservice hat 2 Stunden gebraucht", "Termin am 3. März, sehr freundlich", "waited 40 minutes at desk 4",
    "the office on Main Street was closed", "legge 68/99 categorie protette", "sportello 2 chiuso, 1 solo aperto",
    "la mensa costa 4,50 euro a pasto", "corso sicurezza 8 ore obbligatorio",
]


@pytest.mark.parametrize("text, expected", CORPUS_20 + AS_BEFORE_20, ids=[t[:48] for t, _ in CORPUS_20 + AS_BEFORE_20])
def test_round_20_comment_becomes_what_it_should(text, expected):
    assert_becomes(text, expected)


@pytest.mark.parametrize("path, expected", PATHS_20)
def test_round_20_a_page_path_loses_a_name_or_a_short_token(path, expected):
    out, found = redact_path(path)
    assert out == expected
    assert sum(n for _, n in found) == placeholders(expected)


@pytest.mark.parametrize("path", PLAIN_PATHS_20)
def test_round_20_ordinary_paths_are_kept_whole(path):
    assert redact_path(path) == (path, ())


@pytest.mark.parametrize("text", GUARDS_20)
def test_round_20_guards_are_kept_whole(text):
    assert redact(text) == (text, {})


@pytest.mark.parametrize("text", [t for t, e in CORPUS_20 if e is not KEPT], ids=[t[:48] for t, e in CORPUS_20 if e is not KEPT])
def test_round_20_redacting_again_changes_nothing(text):
    once = redact(text)[0]
    assert redact(once) == (once, {})
