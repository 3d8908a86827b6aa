"""Redaction round 18 (docs/processor.md, "Round 18"): a held-out probe written by hand across every kind of
personal data — phones, e-mails, codici fiscali, IBANs, addresses, births, documents, files, credentials, names,
plates, links — mixed as citizens write them after INPS, INAIL, the anagrafe, the CUP, school enrolment, the tax
office, SPID/CIE, PagoPA and a comune's site. What it found leaking, or losing a word around the data, is here
with what it must become; every case of :data:`CORPUS_18` failed on the code before the round. :data:`GUARDS_18`
are ordinary comments beside the new rules, kept whole before the round and after it.
"""
from __future__ import annotations

import pytest

from privacy import PLACEHOLDERS, redact

KEPT = None  #: the comment comes through unchanged

CORPUS_18 = [
    # an account name after "utente:" (the lead wanted a space after "utente")
    ('utente: giulia.b85 pwd: Cagliari#22', 'utente: [CREDENZIALI] pwd: [CREDENZIALI]'),
    ('utente:mrossi80 non riesco a entrare', 'utente:[CREDENZIALI] non riesco a entrare'),
    # the CAP right after an address taken is part of it; the town stays
    ('residente in p.zza Dante 3, 40126 Bologna', 'residente in [INDIRIZZO], Bologna'),
    ('ABITO IN VIA ROMA 45 00100 ROMA MA RISULTO ALTROVE', 'ABITO IN [INDIRIZZO] ROMA MA RISULTO ALTROVE'),
    ('indirizzo: via Leopardi 10 - 20123 Milano - tel. 02 12345678', 'indirizzo: [INDIRIZZO] - Milano - tel. [PHONE]'),
    ('abito in corso italia 45, 10128 torino', 'abito in [INDIRIZZO], torino'),
    # a lower-case street after "di" and who lives there, the number followed by the rest of the sentence
    ('buongiorno sono la signora bianchi di via roma 3 mi serve il certificato',
     'buongiorno sono la signora [NOME] di [INDIRIZZO] mi serve il certificato'),
    # a date of birth with spaces only
    ('nata a napoli il 23 12 1975 codice fiscale da correggere', 'nata a napoli il [NASCITA] codice fiscale da correggere'),
    ('data di nascita 1 1 1950 sbagliata', 'data di nascita [NASCITA] sbagliata'),
    # the CIE's shape spaced in lower case: its last letters were left
    ('numero cie ca 12345 bc', 'numero cie [DOCUMENTO]'),
    # a birth or a form's label after a name ends it: the name was left whole, or the word was taken with it
    ('sono anna maria colombo nata il 2/2/1970 e non trovo il mio fascicolo',
     'sono [NOME] nata il [NASCITA] e non trovo il mio fascicolo'),
    ('sono anna rossi nata il 3/3/1970 e la pensione è ferma', 'sono [NOME] nata il [NASCITA] e la pensione è ferma'),
    ('sono mario rossi cf rssmra80a01h501u', 'sono [NOME] cf [CF]'),
    ('SONO ROBERTO BRUNO CF BRNRRT75C10F839Z AIUTATEMI', 'SONO [NOME] CF [CF] AIUTATEMI'),
    ('SONO ROBERTO BRUNO TEL 3331234567', 'SONO [NOME] TEL [PHONE]'),
    # a double given name after "mi chiamo" and a surname that is a common word, or no Italian word
    ('mi chiamo anna maria colombo e non ricevo la pec', 'mi chiamo [NOME] e non ricevo la pec'),
    ('mi chiamo gian luca ferro, il cup non risponde', 'mi chiamo [NOME], il cup non risponde'),
    ('il mio nome è maria grazia villa e non ricevo la pec', 'il mio nome è [NOME] e non ricevo la pec'),
    ('mi chiamo anna maria zanchettin e aspetto da mesi', 'mi chiamo [NOME] e aspetto da mesi'),
    # a link pasted: a secret in its query, a person in its path
    ('il link https://servizi.comune.it/conferma?token=a8f7e6d5c4b3a2 non funziona',
     'il link https://servizi.comune.it/conferma?token=[CREDENZIALI] non funziona'),
    ('pagina https://portale.it/utente/mario.rossi/profilo va in errore',
     'pagina https://portale.it/utente/[ID]/profilo va in errore'),
    ('il link per il reset https://idp.it/reset?session=ZXhhbXBsZQ&lang=it è scaduto',
     'il link per il reset https://idp.it/reset?session=[CREDENZIALI]&lang=it è scaduto'),
    ('https://app.comune.it/#/utente/mrossi85 (non va)', 'https://app.comune.it/#/utente/[ID] (non va)'),
    # round 18's second held-out probe (after the fixes): "localita" typed without its accent, a CAP after the stair,
    # a file's number in a link's path (the case pass took "pratiche/45678" with its "/") and a user in its query
    ('abito in localita pian di spagna 4 e il postino non trova la casa',
     'abito in [INDIRIZZO] e il postino non trova la casa'),
    ('vivo in Via del Corso n.12 scala A 00186 Roma', 'vivo in [INDIRIZZO] scala A Roma'),
    ('https://www.comune.it/area-personale/pratiche/45678?user=gbianchi',
     'https://www.comune.it/area-personale/pratiche/[ID]?user=[ID]'),
]

#: links the other passes already took whole before the round: still theirs (the link pass leaves a profile's
#: address to the social pass, an e-mail in a query to the e-mail pass)
AS_BEFORE_18 = [
    ('https://www.instagram.com/mario.rossi85 il mio profilo', '[SOCIAL] il mio profilo'),
    ('link ricevuto: https://prenota.cup.it/reset?email=anna.verdi@gmail.com',
     'link ricevuto: https://prenota.cup.it/reset?email=[EMAIL]'),
    ("carta d'identità ca 12345 di mia madre", "carta d'identità [DOCUMENTO] di mia madre"),
    ('mi chiamo anna maria come mia nonna', 'mi chiamo [NOME] come mia nonna'),
]

#: ordinary comments beside the new rules (links, "di via", "utente:", spaced numbers, the CIE's letters, labels)
GUARDS_18 = [
    'su https://www.inps.it/it/it/dati-e-bilanci.html i link sono rotti',
    'vedi www.comune.roma.it/servizi/anagrafe/certificati, non funziona',
    'https://www.agenziaentrate.gov.it/portale/modello-730?lang=it&page=2 non si apre',
    'il sito www.inps.it non si apre da ieri',
    'la notizia https://www.comune.it/notizie?id=12345 non si apre',
    'la scuola di via manzoni 2 non ha il riscaldamento',
    'i lavori di via roma 3 giorni fa hanno chiuso la strada',
    'ho fatto la domanda di via telematica 2 volte',
    'utente: non trovato, riprovo domani',
    'appuntamento il 23 12 alle 10 ma nessuno si è presentato',
    'la pratica è nata male, 3 12 mesi di attesa',
    'LA CIE COSTA 22 EURO E SI ASPETTA 6 GIORNI',
    'il cf di mio figlio appena nato non arriva',
    'MODULO ISEE: CF E IBAN OBBLIGATORI',
]


@pytest.mark.parametrize("text, expected", CORPUS_18, ids=[t[:48] for t, _ in CORPUS_18])
def test_round_18_comment_becomes_what_it_should(text, expected):
    out, counts = redact(text)
    assert out == expected
    assert sum(counts.values()) == sum(expected.count(f"[{k}]") for k in PLACEHOLDERS)


@pytest.mark.parametrize("text, expected", AS_BEFORE_18, ids=[t[:48] for t, _ in AS_BEFORE_18])
def test_round_18_leaves_the_other_passes_their_data(text, expected):
    out, counts = redact(text)
    assert out == expected
    assert sum(counts.values()) == sum(expected.count(f"[{k}]") for k in PLACEHOLDERS)


@pytest.mark.parametrize("text", GUARDS_18)
def test_round_18_guards_are_kept_whole(text):
    assert redact(text) == (text, {})


@pytest.mark.parametrize("text", [t for t, _ in CORPUS_18], ids=[t[:48] for t, _ in CORPUS_18])
def test_round_18_redacting_again_changes_nothing(text):
    once = redact(text)[0]
    assert redact(once) == (once, {})
