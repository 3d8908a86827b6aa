"""Personal data as people really type it in Italian comments, in lower case on a phone (red team,
privacy): names after a title, a closing, "sono", a relative or a member of staff; birth years after
"sono del"/"classe"; the numbers of a clinical record or a membership card; "sto in via …"; and the
ordinary comments around them, which must survive whole (:mod:`privacy.lower_names`)."""
from __future__ import annotations

import pytest

from privacy import redact

LEAKS = [
    # a title, then a lower-case surname (the brief's "sono il signor rossi")
    ("sono il signor rossi e aspetto da un mese", "sono il signor [NOME] e aspetto da un mese"),
    ("la sig.ra bianchi è stata gentile", "la sig.ra [NOME] è stata gentile"),
    ("il dott. verdi mi ha aiutato", "il dott. [NOME] mi ha aiutato"),
    ("ringrazio la dottoressa esposito", "ringrazio la dottoressa [NOME]"),
    ("la signora esposito allo sportello", "la signora [NOME] allo sportello"),
    ("sig. mario rossi", "sig. [NOME]"),
    ("il signor rossi mario ha aspettato", "il signor [NOME] ha aspettato"),
    # "sono" and a listed given name
    ("sono marco e vorrei sapere", "sono [NOME] e vorrei sapere"),
    ("sono anna, grazie", "sono [NOME], grazie"),
    ("sono rossi mario", "sono [NOME]"),
    # a signature in lower case
    ("cordiali saluti giulia bianchi", "cordiali saluti [NOME]"),
    ("saluti, mario rossi", "saluti, [NOME]"),
    ("firmato mario rossi", "firmato [NOME]"),
    ("in fede, paolo neri", "in fede, [NOME]"),
    # a relative or a member of staff
    ("scrivo per mia madre maria rossi", "scrivo per mia madre [NOME]"),
    ("mia moglie giovanna ferri ha compilato", "mia moglie [NOME] ha compilato"),
    ("l'operatore gianni è stato bravo", "l'operatore [NOME] è stato bravo"),
    ("ho parlato con luca dello sportello", "ho parlato con [NOME] dello sportello"),
    ("grazie a francesca per la pazienza", "grazie a [NOME] per la pazienza"),
    ("mio marito, paolo bianchi, ha provato", "mio marito, [NOME], ha provato"),
    ("scrivo a nome di mia madre, maria rossi", "scrivo a nome di mia madre, [NOME]"),
    ("sono la mamma di luca rossi della 3B", "sono la mamma di [NOME] della 3B"),
    ("mia figlia si chiama giulia bianchi", "mia figlia si chiama [NOME]"),
    ("mio figlio si chiama Luca e ha 10 anni", "mio figlio si chiama [NOME] e ha 10 anni"),
    # a form's labels typed into the comment
    ("nome e cognome: mario rossi", "nome e cognome: [NOME]"),
    ("il mio nome: mario rossi", "il mio nome: [NOME]"),
]

OTHER_LEAKS = [
    ("sono del 12/03/1980 e non uso internet", "sono del [NASCITA] e non uso internet", "NASCITA"),
    ("classe 1948, residente a Bari", "classe [NASCITA], residente a Bari", "NASCITA"),
    ("n. cartella clinica 123456 ancora ferma", "n. cartella clinica [PRATICA] ancora ferma", "PRATICA"),
    ("cartella esattoriale n. 09720240012345678", "cartella esattoriale n. [PRATICA]", "PRATICA"),
    ("numero tessera 123456789", "numero tessera [PRATICA]", "PRATICA"),
    ("sto in via garibaldi 5 a torino", "sto in [INDIRIZZO] a torino", "INDIRIZZO"),
    ("sono nata a napoli il 3/3/80", "sono nata a napoli il [NASCITA]", "NASCITA"),
    ("data nascita 03-03-1980", "data nascita [NASCITA]", "NASCITA"),
    ("nato il 3 marzo 80", "nato il [NASCITA]", "NASCITA"),
    # the supplies and accounts of one household, and a person's own records, after the word naming them
    ("POD IT001E12345678 senza luce da ieri", "POD [PRATICA] senza luce da ieri", "PRATICA"),
    ("il mio pdr 12345678901234 è sbagliato", "il mio pdr [PRATICA] è sbagliato", "PRATICA"),
    ("contatore n. 12345678 rotto", "contatore n. [PRATICA] rotto", "PRATICA"),
    ("n. posizione 1234567 all'inps", "n. posizione [PRATICA] all'inps", "PRATICA"),
    ("numero di ricetta 123456789012345", "numero di ricetta [PRATICA]", "PRATICA"),
    ("cartella n 12345", "cartella n [PRATICA]", "PRATICA"),
    ("numero cliente 987654", "numero cliente [PRATICA]", "PRATICA"),
    ("conto corrente 000012345678", "conto corrente [PRATICA]", "PRATICA"),
    ("matricola inps 1234567", "matricola inps [PRATICA]", "PRATICA"),
    # a property in the land registry: with the municipality, its owner
    ("per l'IMU del foglio 12 particella 345 subalterno 6", "per l'IMU del [INDIRIZZO]", "INDIRIZZO"),
    ("fg. 12 mapp. 345 sub 2 non risulta", "[INDIRIZZO] non risulta", "INDIRIZZO"),
]

#: what people write around them: it must come out unchanged
ORDINARY = [
    "la signora allo sportello è stata gentilissima",
    "la signora gentilissima mi ha aiutato",
    "la signora anziana davanti a me aspettava",
    "la signorina preparata e competente",
    "la dottoressa competente",
    "il sig. che mi ha ricevuto",
    "il dottor della asl",
    "il prof. di matematica",
    "sono serena, tutto bene",
    "sono bruno per il sole",
    "sono sara contenta se funziona",
    "sono felice del servizio",
    "sono stanco di aspettare",
    "sono contenta",
    "sono io, la titolare",
    "mi presento, sono un pensionato",
    "cordiali saluti e buon lavoro",
    "saluti a tutti",
    "firmato digitalmente",
    "ho firmato il modulo",
    "grazie a tutti",
    "grazie mille a tutto lo staff",
    "ho parlato con un operatore",
    "ho parlato con il medico",
    "l'operatore gentile",
    "l'operatrice molto brava",
    "mia madre anziana non riesce",
    "mio figlio minorenne",
    "ringrazio il personale",
    "sono del parere che il modulo 730 sia chiaro",
    "sono del 2019 le ultime modifiche",
    "in classe 3 bambini su 20",
    "la cartella 12 del portale non si apre",
    "la tessera 2024 non è ancora arrivata",
    "sto in via di guarigione",
    "il servizio si chiama anagrafe online",
    "il servizio si chiama Anagrafe Online",
    "il figlio di nessuno",
    "ero in posizione 12 in coda",
    "ho aspettato n 3 ore",
    "il conto 2024 era sbagliato",
    "pagato il conto di 1250 euro",
    "la ricetta 2 volte",
    "al foglio 3 del modulo",
    "è nata una nuova pratica il 12/03/2025",
    "via web",
    "il modulo 730",
    "ho chiamato il numero verde 800 123 456 e nessuno risponde",
    "il numero 803 164 dell'inps è sempre occupato",
    "contact center 848 800 333",
]


@pytest.mark.parametrize("text, expected", LEAKS, ids=[t[:40] for t, _ in LEAKS])
def test_a_lower_case_name_is_redacted(text, expected):
    out, counts = redact(text)
    assert out == expected
    assert set(counts) == {"NOME"} and counts["NOME"] == expected.count("[NOME]")


@pytest.mark.parametrize("text, expected, kind", OTHER_LEAKS, ids=[t[:40] for t, _, _ in OTHER_LEAKS])
def test_other_forms_people_write_personal_data_in(text, expected, kind):
    out, counts = redact(text)
    assert out == expected
    assert set(counts) == {kind}


@pytest.mark.parametrize("text", ORDINARY, ids=[t[:40] for t in ORDINARY])
def test_an_ordinary_comment_survives(text):
    assert redact(text) == (text, {})


def test_a_personal_number_beside_a_toll_free_one_is_still_redacted():
    out, counts = redact("il numero verde 800 123 456 non risponde, richiamatemi al 333 1234567")
    assert out == "il numero verde 800 123 456 non risponde, richiamatemi al [PHONE]"
    assert counts == {"PHONE": 1}
