"""Page paths: personal identifiers in path segments are replaced, the path's shape kept (privacy red
team, round 4). The page path is stored with every response, so "/utente/mrossi85/pratiche" would
tell who answered; ordinary paths must come through unchanged so pages can still be grouped."""
from __future__ import annotations

import re
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from privacy.paths import redact_path
from privacy.text import SHORT_CACHE
from processor.steps import _redact_page

PATHS = [
    ("/utente/mrossi85/pratiche", "/utente/[ID]/pratiche", {"ID": 1}),
    ("/profilo/mario.rossi", "/profilo/[ID]", {"ID": 1}),
    ("/profilo/mario-rossi/dati", "/profilo/[ID]/dati", {"ID": 1}),
    ("/account/m_rossi", "/account/[ID]", {"ID": 1}),
    ("/utenti/Giulia", "/utenti/[ID]", {"ID": 1}),
    ("/area-personale/mrossi85/domande", "/area-personale/[ID]/domande", {"ID": 1}),
    ("/utente/mrossi/pratiche", "/utente/[ID]/pratiche", {"ID": 1}),
    ("/profilo/mariorossi", "/profilo/[ID]", {"ID": 1}),
    # a placeholder of the free-text redactor never swallows the "/" before it
    ("/utente/mrossi85/pratiche/98765432", "/utente/[ID]/pratiche/[ID]", {"ID": 2}),
    ("/pratiche/RSSMRA85T10A562S/documenti", "/pratiche/[CF]/documenti", {"CF": 1}),
    ("/u/12345678/documenti", "/u/[ID]/documenti", {"ID": 1}),
    ("/pratiche/RSSMRA85T10A562S", "/pratiche/[CF]", {"CF": 1}),
    ("/utente/mario.rossi@gmail.com/pratiche", "/utente/[EMAIL]/pratiche", {"EMAIL": 1}),
    ("/documenti/987654321/scarica", "/documenti/[ID]/scarica", {"ID": 1}),
    ("/sessione/3f2a9c0e7b1d4e5f8a6b", "/sessione/[ID]", {"ID": 1}),
    ("/esito/123e4567-e89b-12d3-a456-426614174000", "/esito/[ID]", {"ID": 1}),
    ("/" + "servizi/" * 10 + "utente/mrossi85", "/" + "servizi/" * 10 + "utente/[ID]", {"ID": 1}),  # > 64 chars
    # round 5: identifiers where no account word leads to them — a user name made of a listed name and
    # digits, an e-mail's local part, a record's number (a run of 6 digits), a codice fiscale in any case
    ("/pratiche/mrossi85", "/pratiche/[ID]", {"ID": 1}),
    ("/mario1985/documenti", "/[ID]/documenti", {"ID": 1}),
    ("/domande/giulia.b90", "/domande/[ID]", {"ID": 1}),
    ("/mario.rossi/pratiche", "/[ID]/pratiche", {"ID": 1}),
    ("/archivio/m.rossi", "/archivio/[ID]", {"ID": 1}),
    ("/archivio/g_bianchi", "/archivio/[ID]", {"ID": 1}),
    ("/ricevute/2024-000123", "/ricevute/[ID]", {"ID": 1}),
    ("/protocollo/prot-2024-000123/stato", "/protocollo/[ID]/stato", {"ID": 1}),
    ("/profilo/RSSMRA85T10A562S/", "/profilo/[CF]/", {"CF": 1}),
    ("/profilo/rssmra85t10a562s/dati", "/profilo/[CF]/dati", {"CF": 1}),
]

ORDINARY = ["/servizi/anagrafe/certificati", "/2026/11/avviso", "/pratica/nuova", "/profilo/modifica", "/utente/login",
            "/account/impostazioni", "/utente/pratiche", "/utente/registrazione", "/profilo/privacy",
            "/utente/messaggi", "/account/sicurezza", "/modulistica/modello730", "/notizie/2026-11-02-avviso", "/servizi/pagamenti/pagopa",
            "/u/", "/",
            # round 5: digits, dots and hyphens that name no one stay, so pages still group
            "/servizi/isee-2024/", "/it/domande/nuova", "/v2/", "/pagina-3", "/servizi/covid19/vaccini", "/fase-2/passo3",
            "/pagamenti/f24/2024", "/bilancio2024", "/notizie/2026-11-02-avviso", "/moduli/modulo.pdf", "/index.html",
            "/comune.roma.it/servizi", "/static/app.min.js", "/sezione/api_v2", "/area51",
            "/it/amministrazione/trasparenza/bandi-2025"]


@pytest.mark.parametrize("path,expected,counts", PATHS)
def test_identifying_segments_are_replaced_and_the_shape_kept(path, expected, counts):
    assert redact_path(path) == (expected, tuple(counts.items()))
    assert _redact_page(path) == (expected, counts)  # what the processor stores with the response


@pytest.mark.parametrize("path", ORDINARY)
def test_ordinary_paths_are_kept(path):
    assert redact_path(path) == (path, ())
    assert _redact_page(path) == (path, {})


def test_redacting_a_redacted_path_again_changes_nothing():
    for path, expected, _ in PATHS:
        assert redact_path(expected)[0] == expected


def _pattern_calls(call) -> int:
    """How many regular-expression calls ``call()`` makes: a count, not a timing."""
    calls = []

    def profile(frame, event, arg):
        if event == "c_call" and isinstance(getattr(arg, "__self__", None), re.Pattern):
            calls.append(arg.__name__)
    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
    return len(calls)


def test_an_ordinary_path_costs_the_free_text_gates_per_segment_and_nothing_once_cached():
    path = "/servizi/anagrafe/certificati/rilascio"
    redact_path.cache_clear()
    SHORT_CACHE.clear()
    redact_path("/warm/up")  # lazily built patterns, loaded once
    assert _pattern_calls(lambda: redact_path(path)) <= 4 * 4  # the gates of 4 plain segments, no [ID] pattern
    assert _pattern_calls(lambda: redact_path(path)) == 0  # paths repeat: each distinct one is redacted once


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["utente", "profilo", "u", "servizi", "mrossi85", "mario.rossi", "Mario", "12345678",
                                 "2026", "nuova", "RSSMRA85T10A562S", "a@b.it", "%40", "[ID]", "", "via Roma 1"])
                | st.text(alphabet="abcdefmorsiMRS0123456789._-@ ", max_size=12), max_size=6))
@example(["1@o.5@a04s"])  # two "@": the second address was left glued to the first's [EMAIL] (found in round 7)
@example(["x", "SM-c@mo-4@sc"])
def test_any_path_is_redacted_without_error_and_redacting_again_changes_nothing(parts):
    out, _ = redact_path("/".join(parts))
    assert out.count("/") == "/".join(parts).count("/") or "%40" in parts  # the shape is kept
    assert redact_path(out)[0] == out
