"""Listed names put into the sentences citizens write them in, in three casings: none survives redaction.

The corpus (tests/test_redact_corpus.py) holds comments one by one; here each template is filled with
given names and surnames drawn (with a fixed seed) from the lists the redaction knows, so that a rule that
works for "Mario Rossi" but not for "Giuliana D'Angelo", in capitals or typed in lower case on a phone, fails
here. Only names that are no ordinary word are drawn ("Serena", "Costa", "Gentili" are words too, and a comment
keeps its words: the corpus has those cases).
"""
from __future__ import annotations

import random
import re

import pytest

from privacy import redact
from privacy.given_names import GIVEN_NAMES
from privacy.word_forms import STOP, WORD_NAMES
from privacy.names import NOT_NAMES, PLACES
from privacy.surnames import FREQUENT, NOUN_SURNAMES, PARTICIPLES

TEMPLATES = [
    "sono {G} {S}, il servizio non va", "mi chiamo {G} {S}", "Saluti, {G} {S}", "grazie {G} {S}",
    "ho parlato con {G} {S} allo sportello", "la signora {G} {S} è stata gentile", "firmato {S} {G}",
    "servizio pessimo\n{G} {S}", "sono {S} {G} e aspetto", "il dott. {S} mi ha aiutato",
    "mia madre {G} {S} non riesce", "Nome: {G} Cognome: {S}", "Richiedente: {G} {S}", "{G} {S} - 3331234567",
    "complimenti a {G} {S}", "l'operatore {S} è scortese", "chiedo di {G} {S}", "sono il marito di {G} {S}",
    "{G} {S} ha chiamato 3 volte", "Distinti saluti\n{S} {G}", "Ich bin {G} {S}",
    "Mit freundlichen Grüßen\n{G} {S}", "Herr {S} war unfreundlich", "my name is {G} {S}",
    "thanks to {G} {S}", "Regards, {G} {S}", "je m'appelle {G} {S}", "merci à {G} {S}", "ime mi je {G} {S}",
    "lep pozdrav, {G} {S}",
    # round 9: a lone given name where the sentence says it is a person's, and initials
    "{G} mi ha aiutato tanto", "complimenti a {G}", "bravissima {G}", "grazie\n{G}", "{G} sei un mito",
    "mi ha risposto {G}, gentilissima", "il mio vicino {G} mi ha aiutato", "{S} {I}. ha gestito la pratica",
    "saluti, {G} {I}.", "{G} {S}, 3331234567", "la famiglia {S} ringrazia", "{G} e {G2} del front office",
    "grazie per la pazienza, {G}", "Sent from my iPhone\n{G}", "A presto, {G} {S}", "vi scrive {G}, 80 anni",
    # round 10: a relative called by the name alone, "io e", children, who to write to or ask for, "c/o", a birthday
    "zio {G} ha aspettato due ore", "io e {G} siamo andati in comune", "la piccola {G} ha la febbre",
    "{G} ha la febbre da due giorni", "i miei figli {G} e {G2}", "scrivete a {G}", "c/o {S}",
    "nonna {G} non sa usare lo SPID", "Mi presento: {G} {S}", "il bambino, {G}, ha 4 anni", "chiedendo di {G}",
    "cara {G}", "sono nata il 3 marzo, {G}", "{G} e {G2} frequentano la scuola", "Best regards, {I}.{I}.",
]


def _capitalised(word: str) -> str:
    return re.sub(r"(^|['’ ])(\w)", lambda m: m.group(1) + m.group(2).upper(), word.lower())


def _names(n: int = 40) -> list[tuple[str, str]]:
    rng = random.Random(2026)
    given = sorted(g for g in GIVEN_NAMES if g.lower() not in WORD_NAMES and g not in PLACES and g not in NOT_NAMES)
    surnames = sorted(s for s in FREQUENT - NOUN_SURNAMES - PARTICIPLES - STOP if s.capitalize() not in NOT_NAMES)
    return [(_capitalised(rng.choice(given)), _capitalised(rng.choice(surnames))) for _ in range(n)]


NAMES = _names()
CASINGS = {"as written": str, "in capitals": str.upper, "in lower case": str.lower}


@pytest.mark.parametrize("casing", CASINGS)
@pytest.mark.parametrize("template", TEMPLATES, ids=[t[:32] for t in TEMPLATES])
def test_no_listed_name_survives_in_any_casing(template, casing):
    left = []
    for (given, surname), (given2, _) in zip(NAMES, NAMES[1:] + NAMES[:1]):
        text = CASINGS[casing](template.format(G=given, S=surname, I=surname[0].upper(), G2=given2))
        out = redact(text)[0].lower()
        if any(re.search(r"(?<!\w)" + re.escape(w.lower()) + r"(?!\w)", out) for w in (given, surname, given2)
               if w.lower() in text.lower()):
            left.append((text, redact(text)[0]))
    assert not left, left[:3]
