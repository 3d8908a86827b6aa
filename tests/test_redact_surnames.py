"""Lower-case names the first round of the red team found kept (privacy): a name heading or ending a
comment ("rossi mario, …"), a form's labels without colons ("cognome rossi nome mario"), a surname
alone after "sono" or a closing ("cordiali saluti, rossi"), and "la signora X" when the surname ends
like a participle ("la signora zappata", "la signora casati"); and the ordinary comments around them,
which must survive whole (:mod:`privacy.lower_names`, :mod:`privacy.surnames`)."""
from __future__ import annotations

import pytest

from privacy import redact

LEAKS = [
    # a name heading the comment, in either order, or signing it on its own line
    ("rossi mario", "[NOME]"),
    ("rossi mario, la pratica è ferma da mesi", "[NOME], la pratica è ferma da mesi"),
    ("mario rossi: servizio pessimo", "[NOME]: servizio pessimo"),
    ("giulia esposito - attesa troppo lunga", "[NOME] - attesa troppo lunga"),
    ("attesa troppo lunga.\nmario rossi", "attesa troppo lunga.\n[NOME]"),
    ("non funziona niente. bianchi laura", "non funziona niente. [NOME]"),
    # a form's labels typed without colons, and with them
    ("cognome rossi nome mario", "cognome [NOME] nome [NOME]"),
    ("nome mario, cognome rossi, pratica ferma", "nome [NOME], cognome [NOME], pratica ferma"),
    ("cognome: rossi nome: mario", "cognome: [NOME] nome: [NOME]"),
    # a surname alone after a closing that ends the comment, or after "sono" (a listed surname)
    ("cordiali saluti, rossi", "cordiali saluti, [NOME]"),
    ("tempi lunghi. distinti saluti\nesposito", "tempi lunghi. distinti saluti\n[NOME]"),
    ("cordialmente, ferraro.", "cordialmente, [NOME]."),
    ("saluti, de santis", "saluti, [NOME]"),
    ("sono rossi e aspetto da un mese", "sono [NOME] e aspetto da un mese"),
    ("buongiorno, sono colombo, vorrei sapere", "buongiorno, sono [NOME], vorrei sapere"),
    # "la signora" and a surname that ends like a participle or a plural
    ("la signora zappata mi ha aiutato", "la signora [NOME] mi ha aiutato"),
    ("la signora vita allo sportello", "la signora [NOME] allo sportello"),
    ("la signora casati è stata gentile", "la signora [NOME] è stata gentile"),
    ("la dottoressa politi", "la dottoressa [NOME]"),
]

ORDINARY = [
    "sono stata aiutata",
    "sono stata aiutata dalla signora allo sportello",
    "la signora gentilissima",
    "la signora gentilissima mi ha aiutato",
    "la signorina preparata e competente",
    "la signora incaricata non c'era",
    "la signora arrabbiata davanti a me",
    "la signora molto disponibile",
    "la dottoressa attenta e veloce",
    "saluti cordiali",
    "cordiali saluti, grazie",
    "cordiali saluti.",
    "saluti, buona giornata",
    "cordiali saluti, un cittadino",
    "saluti a tutti",
    "firmato digitalmente",
    "distinti saluti, una cittadina delusa",
    "sono stanca",
    "sono gentili",
    "sono pochi",
    "sono lenti, troppo lenti",
    "sono greco e non parlo bene",
    "sono bruno per il sole",
    "sono pensionata e non uso internet",
    "sono io",
    "ottimo servizio",
    "servizio pessimo, attesa infinita",
    "tutto ok",
    "tutto bene, grazie",
    "anna grazie!",
    "molto soddisfatto.\ngrazie mille",
    "nome utente e password dimenticati",
    "il nome e il cognome erano sbagliati",
    "nome e cognome obbligatori",
]


@pytest.mark.parametrize("text, expected", LEAKS, ids=[t[:40] for t, _ in LEAKS])
def test_a_lower_case_surname_is_redacted(text, expected):
    out, counts = redact(text)
    assert out == expected
    assert set(counts) == {"NOME"} and counts["NOME"] == expected.count("[NOME]")


@pytest.mark.parametrize("text", ORDINARY, ids=[t[:40] for t in ORDINARY])
def test_an_ordinary_comment_survives(text):
    assert redact(text) == (text, {})
