"""The Italian lexicon the name passes consult (:mod:`privacy.lexicon`, simplemma's, pinned): it tells a
surname no list holds from an ordinary word, and costs nothing to a comment that gives it no candidate."""
from __future__ import annotations

import subprocess
import sys

import pytest

from privacy.lexicon import known, lemma
from privacy.word_forms import unlisted_surname

from .worker_hooks import after_post_worker_init


def test_the_lexicon_knows_inflected_forms_and_not_the_surnames_that_are_no_word():
    assert lemma("ferraresi") == "ferrarese" and lemma("stanca") == "stanco" and lemma("soddisfatto") == "soddisfare"
    assert all(known(w) for w in ("incinta", "pensionata", "disoccupato", "riuscito", "anni", "rossi"))
    assert not any(known(w) for w in ("brambilla", "fumagalli", "tagliabue", "zanchettin", "kevin"))


@pytest.mark.parametrize("word, surname", [
    ("galimberti", True), ("fumagalli", True), ("tagliabue", True), ("ferraresi", True), ("ricci", True),
    ("stanca", False), ("soddisfatto", False), ("andata", False), ("anni", False), ("stati", False),
    ("troppi", False), ("papà", False), ("ultraottantenne", False), ("stanchissima", False), ("stancaaa", False),
    ("esodato", False), ("davvero", False), ("single", False), ("io", False),
])
def test_a_word_after_sono_reads_as_a_surname_only_when_no_italian_word(word, surname):
    assert unlisted_surname(word) is surname


def test_plain_comments_never_load_the_lexicon():
    """It is read on the first candidate word only (0.1-0.2 s, ~9 MB once per process): the collector's and
    the processor's plain comments never pay for it."""
    code = ("from privacy import redact; from privacy import lexicon\n"
            "for t in ['Tutto ok, grazie', 'Il sito era lento nel pomeriggio', 'sono rimasto senza internet',\n"
            "          'Mi chiamo Mario Rossi, 333 1234567', 'ottimo servizio 👍']: redact(t)\n"
            "print(lexicon._ITALIAN is None)\n"
            "redact('buongiorno, sono tagliabue'); print(lexicon._ITALIAN is None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False"]


def test_a_collector_worker_reads_the_lexicon_before_it_serves_and_a_console_worker_never():
    """deploy/gunicorn.conf.py's ``post_worker_init``: the first comment naming someone would otherwise
    hold every connection of a gevent worker for the 0.1-0.2 s of the read."""
    out = after_post_worker_init([("warehouse.console.app:create_app()", "lexicon._ITALIAN is None"),
                                  ("collector.app:create_app()", "lexicon._ITALIAN is None")],
                                 imports="from privacy import lexicon")
    assert out == ["True", "False"]
