"""Redaction of whole record values (JSON envelopes, batches, or anything else) kept for later.

Used for what outlives the pipeline's own redaction: the ``failed/`` dataset, the DLQ topic, the
collector's spool. The value is parsed, every string in it — keys and values, at any depth,
whatever the shape — is redacted, and it is serialised again, so a JSON escape (``\\n``,
``\\u0040``) cannot split or hide a pattern. Strings that are a UUID or an ISO-8601 timestamp
are kept (they identify the submission and its time, never a person, and a replay needs them);
so are numbers, except integers of nine or more digits (a phone number or a P.IVA typed as a
number), which are redacted like text when they are personal data. A value that is not JSON is
redacted as text after its JSON string escapes are decoded (line breaks that came from escapes are
written back as ``\n``, so a one-line value stays on one line). A string longer than
:data:`MAX_TEXT` is cut there first (counted as ``TRUNCATED``). A submission's page (the ``page`` of
a ``context`` object, at any depth: a submission, an envelope, a batch) is a path, redacted segment by
segment by :func:`privacy.paths.redact_path` as the collector's intake and the processor do
(``/utente/[ID]/pratiche``), so a dead letter's page reads like the topic's.
"""
from __future__ import annotations

import json
import re
from collections import Counter

from .paths import redact_path
from .text import SHORT_CACHE, SHORT_TEXT, redact, redact_short

_KEEP = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                   r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
#: longer strings are cut before redaction (the collector refuses bodies over 16 KB; a longer one is
#: foreign garbage, and redacting a megabyte would stall the processor for seconds).
MAX_TEXT = 64 * 1024


def _text_finds(s: str, long: dict) -> bool:
    """Whether ``s`` holds something to redact. Short strings are looked up in the redaction cache
    itself first (:data:`privacy.text.SHORT_CACHE`): a plain dict hit costs less than the id/timestamp
    test that follows, and most strings of a record repeat (issue 18). Ids and timestamps are never
    redacted, so they never enter the cache through here."""
    hit = SHORT_CACHE.get(s)
    if hit is not None:
        return bool(hit[1])
    if _KEEP.fullmatch(s):  # ids and timestamps are unique, never worth a cache entry
        return False
    if len(s) <= SHORT_TEXT:
        return bool(redact_short(s)[1])
    if len(s) > MAX_TEXT:
        return True
    hit = long[s] = redact(s)  # kept for the redaction that follows when something is found
    return bool(hit[1])


def _finds(v, long: dict) -> bool:
    """:meth:`_Redactor.finds`: the strings and integers of a dict or list are tested in the loop
    itself, without a call per item (a submission is mostly short strings and ratings). ``long``
    receives the redaction of each longer string looked at, for :meth:`_Redactor.text` to reuse."""
    t = type(v)
    if t is dict:
        for k in v:
            if type(k) is str and _text_finds(k, long):
                return True
        items = v.values()
        context = v.get("context")
        if type(context) is dict and type(context.get("page")) is str:  # a submission: its page is a path
            if _context_finds(context, long):
                return True
            items = [item for item in items if item is not context]
    elif t is list:
        items = v
    elif t is str:
        return _text_finds(v, long)
    else:
        return t is int and abs(v) >= 10 ** 8 and _text_finds(str(v), long)
    for item in items:
        t = type(item)
        if t is str:
            if _text_finds(item, long):
                return True
        elif t is int:
            if (item >= 10 ** 8 or item <= -10 ** 8) and _text_finds(str(item), long):
                return True
        elif (t is dict or t is list) and _finds(item, long):
            return True
    return False


def _context_finds(context: dict, long: dict) -> bool:
    """:func:`_finds` of a submission's ``context``: its ``page`` is a path, looked at segment by segment
    as the collector's intake and the processor do (:func:`privacy.paths.redact_path`, cached), so that a
    kept record's page reads like the topic's (``/utente/[ID]/pratiche``)."""
    for k, item in context.items():
        if type(k) is str and _text_finds(k, long):
            return True
        if k == "page" and type(item) is str:
            if redact_path(item)[1]:
                return True
        elif _finds(item, long):
            return True
    return False


_ESCAPE = re.compile(r"\\u[0-9a-fA-F]{4}(?:\\u[0-9a-fA-F]{4})?|\\[\"\\/bfnrt]")


class _Redactor:
    def __init__(self, floor: int | None):
        self.floor = floor
        self.counts: Counter = Counter()
        #: strings longer than SHORT_TEXT that :meth:`finds` redacted, by text: :meth:`text` takes
        #: the result instead of redacting again (a comment naming a person costs ~180 µs to redact)
        self._long: dict[str, tuple[str, Counter]] = {}

    def text(self, s: str) -> str:
        if _KEEP.fullmatch(s):
            return s
        if len(s) <= SHORT_TEXT:
            out, found = redact_short(s)
            if not found:
                return s
            self.counts.update(dict(found))
        else:
            if len(s) > MAX_TEXT:
                self.counts["TRUNCATED"] += 1
                s = s[:MAX_TEXT] + f"…[{len(s) - MAX_TEXT} caratteri omessi]"
            hit = self._long.get(s)
            out, counts = redact(s) if hit is None else hit
            if not counts:
                return s
            self.counts.update(counts)
        if self.floor is not None and len(out) > max(len(s), self.floor):
            out = out[:max(len(s), self.floor)]
        return out

    def finds(self, v) -> bool:
        """Whether :meth:`value` would change anything in ``v`` (a parsed JSON value), without
        building a copy: most records hold nothing to redact, and this walk allocates nothing but
        the redactions of long strings, which :meth:`text` then reuses."""
        return _finds(v, self._long)

    def page(self, s: str) -> str:
        """A submission's ``context.page``: :func:`privacy.paths.redact_path` (segments, ``[ID]``)."""
        out, found = redact_path(s)
        if not found:
            return s
        self.counts.update(dict(found))
        if self.floor is not None and len(out) > max(len(s), self.floor):
            out = out[:max(len(s), self.floor)]
        return out

    def value(self, v, context: bool = False):
        if isinstance(v, str):
            return self.text(v)
        if isinstance(v, dict):
            out = {}
            if not context and type(v.get("context")) is dict and type(v["context"].get("page")) is str:
                page_of = v["context"]  # a submission: its context's page is a path
            else:
                page_of = None
            for k, item in v.items():
                key = self.text(k) if isinstance(k, str) else k
                while key in out:
                    key += "_"
                if context and k == "page" and type(item) is str:
                    out[key] = self.page(item)
                else:
                    out[key] = self.value(item, context=page_of is not None and item is page_of)
            return out
        if isinstance(v, list):
            return [self.value(item) for item in v]
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10 ** 8:
            red = self.text(str(v))
            return v if red == str(v) else red
        return v


def _unescape(m: re.Match) -> str:
    try:
        return json.loads('"' + m.group(0) + '"')
    except ValueError:
        return m.group(0)


def _encode(s: str) -> bytes:
    try:
        return s.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return s.encode("utf-8", "replace")


def redact_value(value, *, floor: int | None = None) -> tuple[object, Counter]:
    """:func:`redact_record` for an already parsed JSON value (dicts, lists, strings, numbers):
    the value with every string redacted (``value`` itself when nothing is found), and the counts."""
    r = _Redactor(floor)
    if not r.finds(value):
        return value, r.counts
    return r.value(value), r.counts


def redact_record(value: bytes | None, *, floor: int | None = None) -> tuple[bytes | None, Counter]:
    """Return ``value`` with every personal datum the redactor knows replaced, and the counts.

    ``floor``: when given, no string grows past ``max(its length, floor)`` through placeholders
    (a spooled answer must still pass the processor's ``max_length`` check; the spool passes the
    smallest ``max_length`` of the catalog). Unchanged values are returned as the same bytes.
    """
    if value is None:
        return None, Counter()
    text = value.decode("utf-8", "surrogateescape")
    r = _Redactor(floor)
    try:
        parsed = json.loads(text)
        if not r.finds(parsed):
            return value, r.counts
        red = r.value(parsed)
    except (ValueError, RecursionError):  # not JSON (or nested past what Python walks): text
        r = _Redactor(floor)
        out = r.text(_ESCAPE.sub(_unescape, text))
        if not r.counts:
            return value, r.counts
        if "\n" not in text and "\r" not in text:  # a one-line value stays one line (the spool's format)
            out = out.replace("\n", "\\n").replace("\r", "\\r")
        return _encode(out), r.counts
    if not r.counts:
        return value, r.counts
    try:
        return json.dumps(red, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), r.counts
    except UnicodeEncodeError:  # lone surrogates: escape them
        return json.dumps(red, separators=(",", ":")).encode("ascii"), r.counts
