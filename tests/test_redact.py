"""Personal data never reaches the warehouse: free text is scrubbed by the processor."""
import pytest

from processor.redact import cf_is_valid, iban_is_valid, piva_is_valid, redact, redact_bytes


@pytest.mark.parametrize("text, expected, kinds", [
    ("il mio CF è RSSMRA85T10A562S grazie", "il mio CF è [CF] grazie", {"CF": 1}),
    ("cf in minuscolo rssmra85t10a562s.", "cf in minuscolo [CF].", {"CF": 1}),
    # omocodia: digits replaced by LMNPQRSTUV, the check letter recomputed
    ("omocodia RSSMRA85T10A56NH e RSSMRA85T10A5RNS", "omocodia [CF] e [CF]", {"CF": 2}),
    ("BNCGLI90A41H501E (nata il 1/1/1990)", "[CF] (nata il 1/1/1990)", {"CF": 1}),
    # wrong check letter: not a codice fiscale (a practice code, a typo): kept, by policy
    ("codice RSSMRA85T10A562X", "codice RSSMRA85T10A562X", {}),
    ("scrivere a anna.bianchi+pa@posta.gov.it", "scrivere a [EMAIL]", {"EMAIL": 1}),
    ("chiamatemi al +39 333 123 4567 o allo 06 1234 5678", "chiamatemi al [PHONE] o allo [PHONE]", {"PHONE": 2}),
    ("cell 3331234567, 333-123-4567, 0039 333 1234567", "cell [PHONE], [PHONE], [PHONE]", {"PHONE": 3}),
    ("ufficio 06/1234567 oppure 02.8765.4321 o numero verde 800 123 456", "ufficio [PHONE] oppure [PHONE] o numero verde [PHONE]",
     {"PHONE": 3}),
    ("IBAN IT60 X054 2811 1010 0000 0123 456", "IBAN [IBAN]", {"IBAN": 1}),
    ("IBAN IT60X0542811101000000123456 grazie", "IBAN [IBAN] grazie", {"IBAN": 1}),
    ("bonifico su DE89 3704 0044 0532 0130 00.", "bonifico su [IBAN].", {"IBAN": 1}),
    ("IT60X0542811101000000123457 ha la cifra di controllo sbagliata", "IT60X0542811101000000123457 ha la cifra di controllo sbagliata", {}),
    ("P.IVA 12345678903, partita iva IT01234567897", "P.IVA [PIVA], partita iva [PIVA]", {"PIVA": 2}),
    ("pratica 12345678901 chiusa", "pratica 12345678901 chiusa", {}),  # wrong P.IVA check digit: a number, kept
    ("Mi chiamo Mario Rossi e sono molto contento", "Mi chiamo [NOME] e sono molto contento", {"NOME": 1}),
    ("buongiorno, sono Giulia D'Amico", "buongiorno, sono [NOME]", {"NOME": 1}),
    ("Il mio nome è Anna Maria Bianchi.", "Il mio nome è [NOME].", {"NOME": 1}),
    ("Sono Molto soddisfatto. Sono stato servito bene", "Sono Molto soddisfatto. Sono stato servito bene", {}),
    ("sono RSSMRA85T10A562S", "sono [CF]", {"CF": 1}),
    ("Servizio ottimo, pratica 2024/118 chiusa in 3 giorni il 03/12/2024", "Servizio ottimo, pratica 2024/118 chiusa in 3 giorni il 03/12/2024", {}),
    ("attesa di 45 minuti, costo 16,00 euro, anno 2025", "attesa di 45 minuti, costo 16,00 euro, anno 2025", {}),
])
def test_personal_data_is_replaced_by_typed_placeholders(text, expected, kinds):
    out, counts = redact(text)
    assert out == expected
    assert dict(counts) == kinds


def test_check_digit_validators():
    assert cf_is_valid("RSSMRA85T10A562S") and not cf_is_valid("RSSMRA85T10A562T")
    assert iban_is_valid("IT60 X054 2811 1010 0000 0123 456") and not iban_is_valid("IT60X054281110100000012345")
    assert piva_is_valid("12345678903") and not piva_is_valid("12345678904") and not piva_is_valid("00000000000")


def test_raw_json_values_stay_json_after_redaction():
    import json

    raw = json.dumps({"submission": {"answers": {"comment": "sono Mario Rossi, mario@x.it, RSSMRA85T10A562S"}}}).encode()
    out = json.loads(redact_bytes(raw))
    assert out["submission"]["answers"]["comment"] == "sono [NOME], [EMAIL], [CF]"
    assert redact_bytes(b"\xff\x00binary") == b"\xff\x00binary"
