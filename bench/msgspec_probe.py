"""A design probe for issue 18: could msgspec decode and validate the processor's records in one C pass?

    python -m bench.msgspec_probe [--submissions 50000] [--batch 2000] [--rounds 5]

Not the processor, and not a dependency (msgspec is installed by hand, not in setup.cfg). The records
of ``bench.processor`` (collector-like batches of cx-core envelopes, 5% duplicates, 0.5% poison) are
read, side by side in one run, by:

* today's steps: :func:`processor.steps.decode` + :func:`processor.steps.validate` on every envelope
  (orjson, the hand-compiled fast paths, marshmallow for the rest);
* msgspec: one ``msgspec.json.Decoder`` typed for a record — a tagged union (``schema``) of an envelope
  and a batch of envelopes — whose cx-core answers are a Struct generated from the questionnaire's
  definition (ratings ``Meta(ge, le)``, choices and multi options as ``Literal``, lists with
  ``min_length``/``max_length``, text with ``max_length``, ``forbid_unknown_fields=True`` as the
  answers contract's ``unknown=RAISE``; envelope and submission ignore unknown fields, as the contract's
  ``EXCLUDE``), what C cannot say (``show_if``, required-when-shown, distinct options, text cleaning,
  the ``received_at`` range and default zone) in ``__post_init__``: the decode alone (Structs), and the
  decode into the works ``validate`` leaves (``msgspec.to_builtins``) with today's steps as the fallback
  for every record msgspec refuses — the production shape, whose verdicts equal today's by
  construction except where msgspec *accepts* what the contract refuses or reads a value otherwise;
* both fronts followed by today's later steps (enrich with a stub registry, as ``bench.columnar_probe``
  has it, harmonize, redact_text, shape) in one loop, and :func:`processor.steps.transform` itself.

Printed: µs of CPU (``time.process_time``) per submission (envelope), median and min–max over
``--rounds``, and how many envelopes each path accepts and rejects; whether msgspec's dicts equal
today's for every envelope both accept; then crafted edge cases, one verdict each way. Not run by
pytest nor by ``make bench``.
"""
from __future__ import annotations

import argparse
import collections
import gc
import json
import statistics
import time
from datetime import datetime, timezone
from typing import Annotated, Any, Literal, Optional, Union

try:
    import msgspec
    from msgspec import UNSET, Meta, Struct, UnsetType
except ImportError:  # measured with msgspec 0.23.0 (2026-12-03); kept out of setup.cfg: not adopted (docs/performance.md)
    raise SystemExit("bench.msgspec_probe needs msgspec, which Ascolto does not depend on: "
                     "pip install msgspec==0.23.0") from None

from processor.badrows import Rejected, Source
from processor.steps import STEPS, Work, decode, transform, validate
from questionnaires import LANGUAGES, default_catalog
from questionnaires.envelope import BATCH_SCHEMA, CHANNELS, ENVELOPE_SCHEMA, RECEIVED_MAX, RECEIVED_MIN
from questionnaires.validation import clean_text
from questionnaires.vocabulary import OPS

from .processor import generate_batches

_UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"  # canonical only: others fall back
Q = default_catalog().get("cx-core", 1)


def answers_struct(q) -> type:
    """The answers of questionnaire ``q`` as a Struct, generated from its definition; None is unanswered."""
    fields, texts, multis, rules = [], [], [], []
    for it in q.items:
        if it.type == "rating":
            t: Any = Annotated[int, Meta(ge=it.scale_min, le=it.scale_max)]
        elif it.type == "choice":
            t = Literal[tuple(it.option_codes)]
        elif it.type == "multi":
            t = Annotated[list[Literal[tuple(it.option_codes)]], Meta(min_length=1, max_length=len(it.option_codes))]
            multis.append(it.code)
        elif it.type == "boolean":
            t = bool
        else:
            t = Annotated[str, Meta(max_length=it.max_length)] if it.max_length else str
            texts.append(it.code)
        if it.required and it.show_if is None:
            fields.append((it.code, t))  # C checks it is there (not null)
        else:
            fields.append((it.code, Optional[t], None))
            if it.required or it.show_if is not None:
                rules.append((it.code, it.required, it.show_if))
    codes = tuple(it.code for it in q.items)

    def __post_init__(self) -> None:
        for code in texts:  # the contract cleans text first (max_length above counts the raw text: a risk)
            if (v := getattr(self, code)) is not None:
                setattr(self, code, clean_text(v))
        for code in multis:
            if (v := getattr(self, code)) is not None and len(set(v)) != len(v):
                raise ValueError(f"{code}: each option may be chosen once")
        for code, required, cond in rules:
            src = None if cond is None else getattr(self, cond.item)
            shown = cond is None or (src is not None and bool(OPS[cond.op](src, cond.value)))
            if getattr(self, code) is not None:
                if not shown:
                    raise ValueError(f"{code}: not applicable")
            elif shown and required:
                raise ValueError(f"{code}: missing")
    cls = msgspec.defstruct(f"Answers_{q.id.replace('-', '_')}_{q.version}", fields, kw_only=True, omit_defaults=True,
                            forbid_unknown_fields=True, namespace={"__post_init__": __post_init__})
    cls.codes = codes
    return cls


Answers = answers_struct(Q)
_Str32, _Str512 = Annotated[str, Meta(max_length=32)], Annotated[str, Meta(max_length=512)]


class Submission(Struct, kw_only=True):  # unknown fields ignored, as SubmissionSchema(unknown=EXCLUDE)
    submission_id: Annotated[str, Meta(pattern=_UUID)]
    service: Annotated[str, Meta(min_length=1, max_length=64)]
    questionnaire: Literal[Q.id]  # type: ignore[valid-type]
    version: Literal[Q.version]  # type: ignore[valid-type]
    answers: Answers  # type: ignore[valid-type]
    lang: Literal[tuple(LANGUAGES)] = "it"  # type: ignore[valid-type]
    channel: Literal[CHANNELS] = "web"  # type: ignore[valid-type]
    context: dict[_Str32, _Str512] = {}
    test: Union[bool, UnsetType] = UNSET


class Envelope(Struct, kw_only=True, tag_field="schema", tag=ENVELOPE_SCHEMA):  # unknown fields ignored (EXCLUDE)
    received_at: datetime
    submission: Submission
    collector: str = ""
    device: str = "unknown"
    test: bool = False
    test_snippet: bool = False

    def __post_init__(self) -> None:
        if self.received_at.tzinfo is None:  # AwareDateTime(default_timezone=utc)
            self.received_at = self.received_at.replace(tzinfo=timezone.utc)
        if not RECEIVED_MIN <= self.received_at < RECEIVED_MAX:
            raise ValueError("received_at out of range")


class Batch(Struct, tag_field="schema", tag=BATCH_SCHEMA):
    envelopes: list[Envelope]


RECORD = msgspec.json.Decoder(Union[Envelope, Batch])
_MSGSPEC_ERRORS = (msgspec.DecodeError, msgspec.ValidationError)


def ms_envelopes(value: bytes) -> list[Envelope]:
    """The typed envelopes of a record value; raises msgspec's errors for anything it does not accept."""
    rec = RECORD.decode(value)
    return rec.envelopes if type(rec) is Batch else [rec]


_ENVELOPE = msgspec.json.Decoder(Envelope)
_RAW_OBJECT = msgspec.json.Decoder(dict[str, msgspec.Raw])
_RAW_LIST = msgspec.json.Decoder(list[msgspec.Raw])


def ms_verdicts(value: bytes) -> tuple[list[Envelope | None], str]:
    """Per envelope of a record: the Struct, or None where msgspec refuses it, and the first refusal's
    message (for the counts, not timed). A batch msgspec refuses is split into its envelopes' bytes
    (``msgspec.Raw``), each decoded by itself: the same bytes, so the same duplicate-key semantics."""
    try:
        return list(ms_envelopes(value)), ""
    except _MSGSPEC_ERRORS as exc:
        first = str(exc)
    try:
        raw = _RAW_OBJECT.decode(value)
        if "schema" not in raw or msgspec.json.decode(raw["schema"]) != BATCH_SCHEMA:
            return [None], first
        parts = _RAW_LIST.decode(raw["envelopes"])
    except (*_MSGSPEC_ERRORS, KeyError):
        return [None], first
    out: list[Envelope | None] = []
    for part in parts:
        try:
            out.append(_ENVELOPE.decode(part))
        except _MSGSPEC_ERRORS:
            out.append(None)
    return out, first


def as_dicts(env: Envelope) -> tuple[dict, dict]:
    """(work.env, work.answers) as :func:`processor.steps.validate` leaves them, from msgspec's Structs
    (``msgspec.to_builtins``, in C: the answers Struct omits its unanswered items). One difference of
    no consequence: today's ``env["submission"]["answers"]`` is the raw map (nulls, uncleaned text),
    here the clean one — the steps after ``validate`` read ``work.answers`` only."""
    out = msgspec.to_builtins(env, builtin_types=(datetime,))
    return out, out["submission"]["answers"]


def _same(mine: tuple[dict, dict], work: Work) -> bool:
    """msgspec's dicts equal today's, the raw answers map of today's envelope aside (see :func:`as_dicts`)."""
    env, answers = mine
    strip = lambda e: {**e, "submission": {k: v for k, v in e["submission"].items() if k != "answers"}}  # noqa: E731
    return strip(env) == strip(work.env) and answers == work.answers and list(answers) == list(work.answers)


class _Facts:  # the registry's answer for every service: enrichment is not what is measured
    pa_type, service, entity, service_type, region = "L6", "s", "e", "t", "r"


class _Lookup:
    def facts(self, key):
        return _Facts


Rec = collections.namedtuple("Rec", "topic partition offset key value")
LATER = STEPS[1:]  # enrich, harmonize, redact_text, shape


def _today(i: int, k: bytes, v: bytes) -> tuple[list[Work], int]:
    """Today's decode + validate of one record: (validated works, envelopes refused)."""
    try:
        works = decode("t", 0, i, k, v)
    except Rejected:
        return [], 1
    ok = []
    for w in works:
        try:
            validate(w, None)
            ok.append(w)
        except Rejected:
            pass
    return ok, len(works) - len(ok)


def _msgspec(i: int, k: bytes, v: bytes) -> tuple[list[Work], int]:
    """msgspec's decode of one record into the works ``validate`` would leave; today's steps decide
    (and word the refusal) for every record msgspec refuses."""
    try:
        envs = ms_envelopes(v)
    except _MSGSPEC_ERRORS:
        return _today(i, k, v)
    works = []
    for n, e in enumerate(envs):
        w = Work(Source("t", 0, i, k, n), None)  # raw: a dead letter would re-read it from the record value
        w.env, w.answers = as_dicts(e)
        w.questionnaire = Q
        works.append(w)
    return works, 0


def _pipeline(batches, front, later=()) -> tuple[int, int]:
    """``front`` over every record, then the ``later`` steps over its works; the accepted works of a
    batch are kept until its end, as the processor keeps them for its sink. (accepted, rejected)"""
    ok = bad = 0
    lookup = _Lookup()
    for b in batches:
        kept = []
        for i, (k, v, _) in enumerate(b):
            works, refused = front(i, k, v)
            bad += refused
            for w in works:
                try:
                    for step in later:
                        step(w, lookup)
                except Rejected:
                    bad += 1
                    continue
                kept.append(w)
        ok += len(kept)
    return ok, bad


def today_transform(batches) -> tuple[int, int]:
    ok = bad = 0
    for b in batches:
        out = transform([Rec("t", 0, i, k, v) for i, (k, v, _) in enumerate(b)], _Lookup())
        ok, bad = ok + len(out.accepted), bad + len(out.failures)
    return ok, bad


def ms_structs(batches) -> tuple[int, int]:
    """msgspec alone, Structs only; a refused record counts as one rejection (not split here)."""
    ok = bad = 0
    for b in batches:
        for _, v, _ in b:
            try:
                ok += len(ms_envelopes(v))
            except _MSGSPEC_ERRORS:
                bad += 1
    return ok, bad


PATHS = [
    ("today: decode + validate", lambda b: _pipeline(b, _today)),
    ("msgspec: decode to Structs (alone)", ms_structs),
    ("msgspec: + dicts, today's as fallback", lambda b: _pipeline(b, _msgspec)),
    ("today: decode .. shape (same loop)", lambda b: _pipeline(b, _today, LATER)),
    ("msgspec + fallback, then enrich .. shape", lambda b: _pipeline(b, _msgspec, LATER)),
    ("today: steps.transform (stub registry)", today_transform),
]


def agreement(batches) -> tuple[collections.Counter, int, int]:
    """Per envelope: (today's verdict, msgspec's) counts; envelopes both accept whose dicts differ; compared."""
    verdicts: collections.Counter = collections.Counter()
    differ = compared = 0
    for b in batches:
        for i, (k, v, _) in enumerate(b):
            try:
                works = decode("t", 0, i, k, v)
            except Rejected:
                works = [None]
            ms, _ = ms_verdicts(v)
            if len(ms) != len(works):
                verdicts["envelope counts differ"] += 1
                continue
            for w, e in zip(works, ms):
                try:
                    if w is None:
                        raise Rejected("undecodable", "")
                    validate(w, None)
                    today = "accept"
                except Rejected:
                    today = "reject"
                verdicts[(today, "reject" if e is None else "accept")] += 1
                if today == "accept" and e is not None:
                    compared += 1
                    differ += not _same(as_dicts(e), w)
    return verdicts, differ, compared


def _env(answers=None, sub=None, **env) -> dict:
    a = {"satisfaction": 4, "ease": 5, "task": "yes", "went_well": ["speed"], "comment": "Tutto chiaro"}
    s = {"submission_id": "0b8f9c8e-3c1a-4d8e-9f7a-2f6b1c2d3e4f", "service": "svc", "questionnaire": "cx-core",
         "version": 1, "lang": "it", "channel": "web", "answers": {**a, **(answers or {})}, "context": {"page": "/x"}}
    e = {"schema": ENVELOPE_SCHEMA, "received_at": "2026-12-03T10:00:00.000Z", "collector": "c", "device": "mobile",
         "submission": {**s, **(sub or {})}, **env}
    for d in (e, e["submission"], e["submission"]["answers"]):
        for key in [k for k, v in d.items() if v is _DROP]:
            del d[key]
    return e


_DROP = object()
_J = lambda e: json.dumps(e, ensure_ascii=False).encode()  # noqa: E731
CASES = [
    ("valid", _J(_env())),
    ("rating 6", _J(_env({"ease": 6}))),
    ("rating true", _J(_env({"ease": True}))),
    ("rating 5.0", _J(_env({"ease": 5.0}))),
    ("rating \"5\"", _J(_env({"ease": "5"}))),
    ("choice not an option", _J(_env({"task": "maybe"}))),
    ("unknown answer code", _J(_env({"satisfation": 4}))),
    ("multi hidden by show_if", _J(_env({"satisfaction": 2}))),
    ("multi repeated option", _J(_env({"went_well": ["speed", "speed"]}))),
    ("multi empty", _J(_env({"went_well": []}))),
    ("required item missing", _J(_env({"task": _DROP}))),
    ("answer null", _J(_env({"ease": None}))),
    ("comment blank", _J(_env({"comment": "   "}))),
    ("comment 500 + a control char", _J(_env({"comment": "a" * 500 + "\x07"}))),
    ("comment 600 decomposed = 300 NFC", _J(_env({"comment": "e\u0301" * 300}))),
    ("comment lone surrogate (escaped)", _J(_env({"comment": "ok"})).replace(b'"ok"', b'"ok\\ud800"')),
    ("duplicate key, last valid", _J(_env({"ease": 9})).replace(b'"ease": 9', b'"ease": 9, "ease": 2')),
    ("duplicate key, both valid", _J(_env({"ease": 9})).replace(b'"ease": 9', b'"ease": 1, "ease": 2')),
    ("duplicate key, first valid", _J(_env({"ease": 9})).replace(b'"ease": 9', b'"ease": 2, "ease": 9')),
    ("invalid UTF-8 in a comment", _J(_env({"comment": "ok"})).replace(b'"ok"', b'"ok\xff"')),
    ("submission test true", _J(_env(sub={"test": True}))),
    ("channel null", _J(_env(sub={"channel": None}))),
    ("lang it-IT", _J(_env(sub={"lang": "it-IT"}))),
    ("submission_id upper case", _J(_env(sub={"submission_id": "0B8F9C8E-3C1A-4D8E-9F7A-2F6B1C2D3E4F"}))),
    ("version true", _J(_env(sub={"version": True}))),
    ("version 2", _J(_env(sub={"version": 2}))),
    ("context fill_ms 5400 (number)", _J(_env(sub={"context": {"fill_ms": 5400}}))),
    ("unknown submission field", _J(_env(sub={"foo": 1}))),
    ("unknown envelope field", _J(_env(extra=1))),
    ("envelope test 1", _J(_env(test=1))),
    ("received_at naive", _J(_env(received_at="2026-12-03T10:00:00"))),
    ("received_at with a space", _J(_env(received_at="2026-12-03 10:00:00Z"))),
    ("received_at lower-case t and z", _J(_env(received_at="2026-12-03t10:00:00z"))),
    ("received_at +0100 (no colon)", _J(_env(received_at="2026-12-03T10:00:00+0100"))),
    ("received_at date only", _J(_env(received_at="2026-12-03"))),
    ("received_at 7 digits, month's end", _J(_env(received_at="2026-12-31T22:59:59.9999996Z"))),
    ("received_at leap second", _J(_env(received_at="2026-12-31T23:59:60Z"))),
    ("received_at year 2300", _J(_env(received_at="2300-01-01T00:00:00Z"))),
    ("device null", _J(_env(device=None))),
    ("batch: 2 valid + rating 6", _J({"schema": BATCH_SCHEMA, "envelopes": [_env(), _env({"ease": 6}), _env()]})),
    ("poison", b"\x00 poison"),
]


def _verdict(works: list[Work | None]) -> str:
    out = []
    for w in works:
        try:
            if w is None:
                raise Rejected("undecodable", "")
            validate(w, None)
            out.append("accept")
        except Rejected:
            out.append("reject")
    return "/".join(out)


def cases() -> list[tuple[str, str, str, str]]:
    """(case, today's verdict, msgspec's, a note: whether the accepted values agree, or msgspec's message)."""
    rows = []
    for label, value in CASES:
        try:
            works: list = decode("t", 0, 0, b"k", value)
        except Rejected:
            works = [None]
        today = _verdict(works)
        ms, message = ms_verdicts(value)
        mine = "/".join("reject" if e is None else "accept" for e in ms)
        both = [(as_dicts(e), w) for w, e in zip(works, ms) if e is not None and w is not None and w.env is not None]
        note = message[:60] if message else ""
        if both:
            keys = sorted({k for (env, _), w in both if not _same((env, env["submission"]["answers"]), w)
                           for k in env if env[k] != w.env.get(k) and k != "submission"})
            differ = [(env["received_at"], w.env["received_at"]) for (env, _), w in both if "received_at" in keys]
            note = ("values equal" if all(_same(m, w) for m, w in both) else
                    "VALUES DIFFER " + (f"received_at {differ[0][1]} vs {differ[0][0]}" if differ else str(keys))) \
                + (f"; {note}" if note else "")
        rows.append((label, today, mine, note))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--submissions", type=int, default=50000)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    batches, envelopes = generate_batches(args.submissions, args.batch)
    print(f"msgspec {msgspec.__version__}; {envelopes} envelopes in {sum(map(len, batches))} records "
          f"({len(batches)} batches of {args.batch})")
    for _, fn in PATHS:  # warm-up: caches, compiled validators, regexes
        fn(batches[:1])
    gc.collect()
    gc.freeze()
    times: dict[str, list[float]] = {label: [] for label, _ in PATHS}
    counts: dict[str, tuple[int, int]] = {}
    for _ in range(args.rounds):  # alternated, so that every path sees the same share of the machine
        for label, fn in PATHS:
            t = time.process_time()
            counts[label] = fn(batches)
            times[label].append((time.process_time() - t) / envelopes * 1e6)
    print(f"{'path':46} {'µs CPU/submission':>18} {'(min–max)':>14} {'accepted':>9} {'rejected':>9}")
    for label, _ in PATHS:
        ts = times[label]
        print(f"{label:46} {statistics.median(ts):18.1f} {f'{min(ts):.1f}–{max(ts):.1f}':>14} "
              f"{counts[label][0]:9d} {counts[label][1]:9d}")
    print("(msgspec alone counts a refused record as one rejection; the fallback paths count per envelope)")
    verdicts, differ, compared = agreement(batches)
    print("per envelope, (today, msgspec alone): " + ", ".join(f"{k}: {n}" for k, n in sorted(verdicts.items(), key=str))
          + f"; of {compared} accepted by both, {differ} with different dicts")
    print("\ncrafted cases (≠: msgspec refuses what the contract accepts — the fallback decides, only slower; "
          "!: msgspec accepts what the contract refuses, or reads another value — the fallback cannot help)")
    print(f"{'crafted case':36} {'today':>22} {'msgspec alone':>22}  note")
    for label, today, mine, note in cases():
        unsafe = any(t == "reject" and m == "accept" for t, m in zip(today.split("/"), mine.split("/")))
        flag = "!" if unsafe or "DIFFER" in note else " " if today == mine else "≠"
        print(f"{label:36} {today:>22} {mine:>22} {flag} {note}")


if __name__ == "__main__":
    main()
