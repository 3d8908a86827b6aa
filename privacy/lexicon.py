"""Whether a lower-case word is an Italian word form: the one word list the name passes consult.

A lower-case word carries no sign of being a name, and most Italian surnames end in a vowel as Italian
words do ("sono brambilla", "sono ferraresi", "ciao kevin"). What tells "sono stanca" from "sono
brambilla" is that "stanca" is a form of an Italian word and "brambilla" is not: this module answers
that from the Italian lexicon of `simplemma <https://github.com/adbar/simplemma>`_ (pinned in
setup.cfg; MIT licence, no dependencies, its data inside the wheel: nothing is downloaded, ever).
The lexicon maps 358,000 inflected forms (``stanca``, ``soddisfatto``, ``ferraresi``) to their lemma
(``stanco``, ``soddisfare``, ``ferrarese``); it holds the surnames that are also ordinary words
("rossi", "ricci", "colombo") and not the others ("brambilla", "esposito", "fumagalli", "zanetti").

Cost: the lexicon is read on the first question only (0.1-0.2 s, about 9 MB with simplemma's
low-memory backend, once per process), and a question costs a few microseconds, a repeated word a
dict lookup (:func:`lemma` is cached). Callers ask only after their cheap gates and patterns have
found a candidate word, so a comment with none never loads it.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache

# simplemma itself is imported on the first question (its package imports all its parts: ~50 ms that
# every process importing privacy would pay), but its absence is an error at import, not at the first
# comment naming someone
if importlib.util.find_spec("simplemma") is None:  # pragma: no cover - a broken install
    raise ImportError("privacy needs simplemma (pinned in setup.cfg): pip install -e .")

_ITALIAN = None


def _italian():
    global _ITALIAN
    if _ITALIAN is None:
        from simplemma.strategies.dictionaries import LOW_MEMORY_DICTIONARY_FACTORY
        _ITALIAN = LOW_MEMORY_DICTIONARY_FACTORY.get_dictionary("it")
    return _ITALIAN


def warm() -> None:
    """Read the lexicon now (0.1-0.2 s, once per process) instead of at the first comment that needs it:
    a gunicorn worker of the collector calls it before it serves (deploy/gunicorn.conf.py
    ``post_worker_init``), so that first comment does not hold up every connection of a gevent worker."""
    _italian()


@lru_cache(maxsize=8192)
def lemma(word: str) -> str | None:
    """The lemma of ``word`` (looked up as written: pass it lower-cased) when it is an Italian word form,
    else None: ``lemma("ferraresi") == "ferrarese"``, ``lemma("soddisfatto") == "soddisfare"``,
    ``lemma("brambilla") is None``. Only the lower-case form is asked: the lexicon's few capitalised
    entries are proper names, which are what the callers look for."""
    return _italian().get(word)


def known(word: str) -> bool:
    """Whether ``word`` (lower case) is an Italian word form (see :func:`lemma`)."""
    return lemma(word) is not None
