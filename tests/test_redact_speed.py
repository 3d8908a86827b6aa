"""The name passes find their lead-ins in the text lower-cased and try their whole pattern only there
(:mod:`privacy.leads`): the same matches as the pattern's own search, at a fraction of the cost on a long
comment (docs/performance.md, "Redacting a long comment"). What must hold for "the same": every lead-in a
pattern matches starts where its lead matches, and the lower-cased text lines up with the engine's
case-insensitive matching except at the characters :data:`privacy.leads.UNSAFE` lists."""
from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from privacy import contacts, first_names, identifiers, leads, lower_names, names, roles, thanked
from privacy.leads import UNSAFE, by_first_letter, compile_lower, lowered

_LEDS = {"names": names._NAME_LEADS, "lower names": names._LOWER_NAMES,
         "relatives": lower_names._KIN_CONSONANT, "closings": lower_names._CLOSING_CONSONANT, "staff": roles._STAFF,
         "greeted": thanked._GREETED, "greeted mid-sentence": thanked._MID_GREETED, "documents": identifiers._DOCUMENTS,
         "case numbers": identifiers._CASES, "addresses": contacts._ADDRESSES}
#: the BMP but its surrogates
_BMP = "".join(chr(i) for i in range(0x10000) if not 0xD800 <= i < 0xE000)


@pytest.mark.parametrize("source", [names._LEAD, names._CLOSING], ids=["lead-ins", "closings"])
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_every_lead_in_and_closing_starts_with_one_of_the_first_words(source, data):
    """:data:`privacy.names._NAME_FIRST_WORDS` is written by hand: a lead-in added to ``_LEAD`` or ``_CLOSING``
    without its first word there would never be tried."""
    lead_in = data.draw(st.from_regex(re.compile(lowered(source)), fullmatch=True))
    assert names._NAME_LEADS.lead.match(lead_in), lead_in


@pytest.mark.parametrize("sign_off", ["lg", "vg", "lp", "best", "cheers", "--"])
def test_the_short_sign_offs_start_with_one_of_the_first_words_too(sign_off):
    assert names._NAME_LEADS.lead.match(sign_off)


#: pieces of comments: the lead-ins in three casings, names, marks, and the characters where ``str.lower`` and
#: the engine's case-insensitive matching part ("İ", "ı", "ſ")
_PIECES = ["sono ", "SONO ", "Sono ", "mi chiamo ", "MI CHIAMO ", "il mio nome è ", "sig. ", "Sig.ra ", "dott.ssa ",
           "cordiali saluti, ", "Cordiali Saluti\n", "grazie a ", "Grazie ", "mio marito ", "MIA FIGLIA ", "l'operatore ",
           "la signora ", "Frau Mag. ", "LG ", "lg ", "Best, ", "--\n", "io sono la ", "firmato ", "in fede ",
           "Mario ", "Rossi ", "mario ", "rossi ", "ZANCHETTIN ", "Giulia ", "kevin ", "zanchettin ", "Brambilla. ",
           "e ", ", ", ". ", "! ", "\n", "  ", "\t", "(", "'", "é ", "città ", "İL ", "ıl ", "ſono ", "ẞ", "K",
           "nome: ", "Cognome: ", "my name is ", "ich heiße ", "je m'appelle ", "ime mi je ", "ciao ", "sn ", "CIAO ",
           "Grazie mille! ", "bravissima ", "W ", "l'impiegata ", "la dirigente ", "Il Sindaco ", "d'angelo", "Kevin!",
           "via Roma ", "V. Garibaldi ", "v. roma ", "Piazza ", "12 ", "3/b ", "n. 45 ", "pratica ", "Protocollo n. ",
           "2026/123456 ", "INPS ", "passaporto ", "CI ", "carta d'identità ", "AY1234567 ", "AB12345CD ", "ab12 ",
           "è la ", "numero: "]


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(pieces=st.lists(st.sampled_from(_PIECES), max_size=14), pos=st.integers(0, 40))
def test_a_led_pattern_finds_what_the_pattern_itself_finds(pieces, pos):
    text = "".join(pieces)
    for name, led in _LEDS.items():
        assert [(m.span(), m.group()) for m in led.finditer(text)] == \
               [(m.span(), m.group()) for m in led.pattern.finditer(text)], name
        got, want = led.search(text, min(pos, len(text))), led.pattern.search(text, min(pos, len(text)))
        assert (got and got.span()) == (want and want.span()), name
        assert led.sub(lambda m: "[X]", text) == led.pattern.sub("[X]", text), name


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(pieces=st.lists(st.sampled_from(_PIECES), max_size=14))
def test_the_lone_given_names_pass_takes_what_its_pattern_takes_from_every_lead_in(pieces):
    """:mod:`privacy.first_names` tries its pattern only where its lead-ins match the text lower-cased."""
    text = "".join(pieces)
    want, pos = [], 0
    for w in first_names._FIRST_AT.finditer(text):
        if w.start() >= pos and (m := first_names._FIRST_RE.match(text, w.start())) is not None \
                and not (m.group("article") and not first_names._article_name(m)):  # "il Sindaco": the next lead-in
            want.append(m.span())
            pos = m.end()
    assert [m.span() for m in first_names.lead_matches(text)] == want


def test_unsafe_lists_every_character_where_lower_case_and_case_insensitive_matching_part():
    """Over the BMP: a character whose lower case is not one character, or that the engine matches
    case-insensitively with a letter of a lead-in where ``str.lower`` does not (or the other way), is in
    :data:`privacy.leads.UNSAFE`; ``\\w`` holds of a character exactly when it holds of its lower case."""
    assert all(UNSAFE.match(c) for c in _BMP if len(c.lower()) != 1)
    letters = set()
    for led in _LEDS.values():
        letters |= {c for c in re.sub(r"\\.", "", led.lead.pattern) if c.isalpha()}
    letters |= {c for c in re.sub(r"\\.", "", first_names._FIRST_LEAD_LOW.pattern) if c.isalpha()}
    parted = set()
    for letter in letters:
        by_engine = set(re.findall("(?i:" + re.escape(letter) + ")", _BMP))
        parted |= by_engine ^ {c for c in _BMP if c.lower() == letter}
    assert parted and all(UNSAFE.match(c) for c in parted), sorted(parted)
    word = re.compile(r"\w")
    assert not [c for c in _BMP if len(c.lower()) == 1 and bool(word.match(c)) != bool(word.match(c.lower()))]


def test_a_text_with_an_unsafe_character_is_searched_with_the_pattern_itself():
    text = "ſono Mario Rossi, İL MIO NOME È MARIO"
    assert [m.span() for m in names._NAME_LEADS.finditer(text)] == [m.span() for m in names._NAME_RE.finditer(text)]
    assert names._NAME_RE.search(text).start() == 0  # "ſ" is an "s" to the engine


def test_a_long_ordinary_comment_tries_the_names_pattern_only_where_a_lead_in_starts(monkeypatch):
    """:func:`privacy.names.names` tries its pattern at 4 places of this comment, not at each of its ~300 (a
    search of the pattern itself would never call its ``match``: the count would be 0)."""
    tried = []

    class Counting:
        def match(self, text, pos):
            tried.append(pos)
            return names._NAME_RE.match(text, pos)

    monkeypatch.setattr(names._NAME_LEADS, "pattern", Counting())
    comment = ("Ho chiamato tre volte, mi hanno detto di tornare il lunedì mattina e ho trovato una fila lunghissima. "
               "Le ragazze dello sportello sono sempre disponibili, ma la pagina della domanda è lenta e a volte si "
               "blocca all'invio dei dati, quindi ho dovuto ricominciare da capo due volte.")
    assert names.names(comment, Counter()) == comment
    assert {comment[p:].split()[0] for p in tried} == {"mi", "sono"}  # " mi" and " sono": a sign-off may start there
    assert len(tried) == 4


def test_lead_ins_are_written_in_lower_case():
    with pytest.raises(ValueError, match="lower case"):
        compile_lower(r"(?<!\w)sono|Sig\.")
    assert compile_lower(r"\Sono\s\w").pattern  # escapes are no letters


def test_alternatives_grouped_by_first_letter_match_the_same_strings():
    alternatives = r"sono|sig|mi\s|miss|m\.|--|i['’]m|ing"
    grouped = re.compile(by_first_letter(alternatives))
    plain = re.compile(f"(?:{alternatives})")
    for s in ("sono", "sig.", "mi ", "miss", "m.", "--", "i'm", "ing.", "io", "s", "m", "mx", "-"):
        assert bool(grouped.fullmatch(s[:len(s)])) == bool(plain.fullmatch(s)) and \
               bool(grouped.match(s)) == bool(plain.match(s)), s
    with pytest.raises(ValueError):
        by_first_letter(r"sono|(?:io\s)?sono")
    with pytest.raises(ValueError):
        by_first_letter(r"sono||sig")


@settings(max_examples=500, deadline=None)
@given(pieces=st.lists(st.sampled_from(_PIECES + ["innanzitutto ", "buongiorno,", "   ", " \n", "premetto\t"]), max_size=12),
       cut=st.integers(0, 200))
def test_who_writes_is_read_from_the_words_right_before_sono_as_from_the_whole_text(pieces, cut):
    text = "".join(pieces) + "sono rossi"
    end = min(cut, len(text))
    assert lower_names._says_who(text, end) == (lower_names._SONO_START.search(text, 0, end) is not None)


#: the codice fiscale's pattern as it was before it was anchored on the year's first digit: a letter
#: allowed there, every start of the text tried
_CF_ANYWHERE = re.compile(r"(?<![0-9])" + identifiers._SEP.join(
    [identifiers._L] * 6 + [identifiers._D] * 2 + [identifiers._M] + [identifiers._D] * 2 + [identifiers._L]
    + [identifiers._D] * 3) + r"(?:[\-.]?[A-Za-z]|[ ][A-Za-z](?![A-Za-z]))?(?![0-9])")
_CODE_PIECES = ["RSSMRA85T10A562S", "rssmra85t10a562s", "RSS MRA 85T10 A562S", "RSS-MRA-85-T-10-A-562-S",
                "RSSMRA85T10A562", "RSSMRALRTMLAMNV", "RSSMRA8", "5T10", "A562", "S", "LM", "x", "1", "99",
                " ", "-", ".", "ciao ", "codice fiscale ", "\n", "MRA", "T1", "0A5", "62S ", "è"]


@settings(max_examples=800, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(pieces=st.lists(st.sampled_from(_CODE_PIECES), max_size=12))
def test_the_codes_tried_near_a_digit_are_the_codes_found_anywhere(pieces):
    """The codice fiscale is searched only 6 to 12 characters before a digit, with a digit required in the
    year's first place: what it redacts is what the pattern tried at every start redacted."""
    text = "".join(pieces)
    want = identifiers.scan(_CF_ANYWHERE, text, "CF", lambda m: identifiers.cf_is_person(m.group(0)), Counter())
    assert identifiers.codici_fiscali(text, Counter()) == want


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=st.text(alphabet="ab1 -", max_size=40), pos=st.integers(0, 45))
def test_an_anchored_pattern_finds_what_the_pattern_itself_finds(text, pos):
    pattern = re.compile(r"(?<!1)a[ -]?b?[ -]?b[ -]?1")  # its "1" lies 2 to 6 characters after its start ("a-b-b-1")
    anchored = leads.Anchored(pattern, re.compile("1"), 2, 6)
    got, want = anchored.search(text, min(pos, len(text))), pattern.search(text, min(pos, len(text)))
    assert (got and got.span()) == (want and want.span())


def test_a_comment_without_a_digit_never_tries_the_codes_pattern(monkeypatch):
    tried = []
    monkeypatch.setattr(identifiers, "_CODES", leads.Anchored(_Counting(identifiers._CF_RE, tried),
                                                              re.compile("[0-9]"), 6, 12))
    identifiers.codici_fiscali("Il portale va in errore da giorni e nessuno risponde al telefono. " * 4, Counter())
    assert tried == []
    identifiers.codici_fiscali("Il portale va in errore da 3 giorni", Counter())
    assert 0 < len(tried) <= 7


class _Counting:
    """A pattern whose ``match`` calls are listed."""

    def __init__(self, pattern, calls):
        self.pattern, self.calls = pattern, calls

    def match(self, text, pos=0):
        self.calls.append(pos)
        return self.pattern.match(text, pos)
