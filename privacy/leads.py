"""Patterns that start with a lead-in word, searched where the lead-in is and nowhere else — same matches.

Python's ``re`` tries every alternative of a case-insensitive alternation (``(?i:mi\\s+chiamo|sono|sig\\.|…)``)
at every position of a text: on a 300-character comment the name passes' lead-ins cost more than all the
rest of its redaction (docs/performance.md, "Redacting a long comment"). The same alternation written in
lower case and matched case-sensitively against the text lower-cased is skipped in C at almost every
position (the engine compares each alternative's first character, and scans for the first characters when
the pattern starts with literals). :class:`Led` finds its lead-ins that way and tries the whole pattern
only where one starts: its :meth:`Led.search`, :meth:`Led.finditer` and :meth:`Led.sub` return what the
pattern's own methods return.

That holds when the text lower-cased lines up with the text character for character and agrees with the
engine's case-insensitive matching; for the few characters where they part ("İ" lower-cases to two
characters, the engine matches "ı" with "i" and "ſ" with "s": :data:`UNSAFE`), :class:`Led` searches with
the pattern itself.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

#: characters for which ``str.lower`` and ``re.IGNORECASE`` part: "İ" lower-cases to two characters;
#: re matches the dotless "ı" with "i", the long "ſ" with "s", "K" (Kelvin) with "k", "Å" (Ångström) with
#: "å", "ẞ" with "ß" — some of those ``str.lower`` maps too, but searching them with the pattern costs
#: nothing where they never occur (tests/test_redact_speed.py checks the list against both, over the BMP)
UNSAFE = re.compile("[\u0130\u0131\u017f\u212a\u212b\u1e9e]")
_ESCAPE = re.compile(r"\\.")


def compile_lower(source: str) -> re.Pattern:
    """``source`` compiled, to be matched case-sensitively against a text lower-cased; raises ValueError
    when it holds an upper-case letter outside an escape (it would never match)."""
    if any(c.isupper() for c in _ESCAPE.sub("", source)):
        raise ValueError(f"a pattern for lower-cased text must be written in lower case: {source!r}")
    return re.compile(source)


def by_first_letter(alternatives: str) -> str:
    """``alternatives`` (``"sono|sig|mi\\s|…"``, each starting with a plain character) as one group that
    tries them by their first character (``(?:s(?:ono|ig)|m(?:i\\s)|…)``), so that Python's re compares a
    character per letter at each place instead of entering every alternative: the same strings match."""
    groups: dict[str, list[str]] = {}
    for alt in alternatives.split("|"):
        if not alt or alt[0] in "\\([?*+{^$.|":
            raise ValueError(f"each alternative must start with a plain character: {alt!r}")
        groups.setdefault(alt[0], []).append(alt[1:])
    return "(?:" + "|".join(re.escape(c) + "(?:" + "|".join(rest) + ")" for c, rest in groups.items()) + ")"


def lowered(source: str) -> str:
    """``source`` with its case-insensitive groups ``(?i:…)`` made plain groups: the lead-in of a
    pattern, as :class:`Led` matches it against the text lower-cased."""
    return source.replace("(?i:", "(?:")


class Led:
    """``pattern``, every match of which starts where ``lead`` matches the text lower-cased.

    ``lead`` is the source of a pattern written in lower case (letters outside escapes), matched
    case-sensitively: the lead-ins ``pattern`` matches case-insensitively (and anything else it matches
    case-sensitively: a character class, a lookbehind), or their first words — it may match where
    ``pattern`` does not, never the other way. ``back``: characters ``pattern`` may match before a lead-in
    (``"[ \\t]*"`` before a sign-off): each place ``lead`` matches is tried from the first of a run of them
    before it. ``pattern`` must never match the empty string.
    Raises ValueError when ``lead`` holds an upper-case letter (it would never match the lower-cased text).
    """

    def __init__(self, pattern: re.Pattern, lead: str, back: str = "") -> None:
        self.pattern = pattern
        self.lead = compile_lower(lead)
        self.back = back

    def search(self, text: str, pos: int = 0, low: str | None = None) -> re.Match | None:
        """``self.pattern.search(text, pos)``; ``low`` is ``text.lower()`` when the caller has it."""
        low = lined_up(text, low)
        return self.pattern.search(text, pos) if low is None else self._search(text, pos, low)

    def _search(self, text: str, pos: int, low: str) -> re.Match | None:
        lead, match, back = self.lead.search, self.pattern.match, self.back
        while (c := lead(low, pos)) is not None:
            at = first = c.start()
            while back and first > pos and text[first - 1] in back:
                first -= 1
            for start in range(first, at + 1):
                if (m := match(text, start)) is not None:
                    return m
            pos = at + 1
        return None

    def finditer(self, text: str, low: str | None = None) -> Iterator[re.Match]:
        """``self.pattern.finditer(text)``: the matches left to right, none overlapping."""
        low = lined_up(text, low)
        if low is None:
            yield from self.pattern.finditer(text)
            return
        pos = 0
        while (m := self._search(text, pos, low)) is not None:
            yield m
            pos = max(m.end(), m.start() + 1)

    def sub(self, repl: Callable[[re.Match], str], text: str) -> str:
        """``self.pattern.sub(repl, text)`` for a function ``repl``."""
        parts, pos = [], 0
        for m in self.finditer(text):
            parts.append(text[pos:m.start()])
            parts.append(repl(m))
            pos = m.end()
        if not parts:
            return text
        parts.append(text[pos:])
        return "".join(parts)


class Anchored:
    """``pattern``, every match of which holds a match of ``anchor`` starting ``first`` to ``last``
    characters after its own start: :meth:`search` finds the anchors and tries the pattern only at the
    starts they allow (in order, each once), so it returns what ``pattern.search`` returns. A pattern
    that needs a digit (a codice fiscale's year) costs nothing on a comment without one, and a few
    tries per digit on one with a number.
    """

    def __init__(self, pattern: re.Pattern, anchor: re.Pattern, first: int, last: int) -> None:
        self.pattern, self.anchor, self.first, self.last = pattern, anchor, first, last

    def search(self, text: str, pos: int = 0) -> re.Match | None:
        """``self.pattern.search(text, pos)``."""
        match, first, last = self.pattern.match, self.first, self.last
        tried = pos  # every start before this one has been tried (or lies before pos)
        for a in self.anchor.finditer(text, pos + first):
            for start in range(max(tried, a.start() - last), a.start() - first + 1):
                if (m := match(text, start)) is not None:
                    return m
            tried = max(tried, a.start() - first + 1)
        return None


def any_in(low: str, words: tuple[str, ...]) -> bool:
    """Whether one of ``words`` is a substring of ``low`` (the text lower-cased): the cheap gate before a pass.
    A loop, not ``any()`` over a generator: it runs on every comment, several times."""
    for w in words:
        if w in low:
            return True
    return False


def lined_up(text: str, low: str | None = None) -> str | None:
    """``text`` lower-cased (``low``, when given), or None when it does not line up with ``text`` for the
    engine's case-insensitive matching (see the module's docstring)."""
    if low is None:
        low = text.lower()
    if len(low) != len(text) or (not text.isascii() and UNSAFE.search(text)):
        return None
    return low
