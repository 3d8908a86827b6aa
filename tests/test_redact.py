"""Personal data never reaches the warehouse: free text is scrubbed by the processor."""
import pytest

from processor.redact import redact


@pytest.mark.parametrize("text, expected, kinds", [
    ("il mio CF è RSSMRA85T10A562S grazie", "il mio CF è [CF] grazie", {"CF": 1}),
    ("scrivere a anna.bianchi+pa@posta.gov.it", "scrivere a [EMAIL]", {"EMAIL": 1}),
    ("chiamatemi al +39 333 123 4567 o allo 06 1234 5678", "chiamatemi al [PHONE] o allo [PHONE]", {"PHONE": 2}),
    ("IBAN IT60 X054 2811 1010 0000 0123 456", "IBAN [IBAN]", {"IBAN": 1}),
    ("Servizio ottimo, pratica 2024/118 chiusa in 3 giorni", "Servizio ottimo, pratica 2024/118 chiusa in 3 giorni", {}),
])
def test_personal_data_is_replaced_by_typed_placeholders(text, expected, kinds):
    out, counts = redact(text)
    assert out == expected
    assert dict(counts) == kinds
