"""The processing steps, small and composable (in the spirit of Sentry's arroyo).

A Kafka record goes through :func:`decode` (one record may carry a batch of envelopes), then each
envelope through :data:`STEPS` — :func:`validate` → :func:`enrich` → :func:`harmonize` →
:func:`redact_text` → :func:`shape` — each a function ``(work, context) -> None`` that fills in
its part of :class:`Work` or raises :class:`Rejected` with a stable reason. None of them has a
side effect outside ``work``: writing, dead-lettering and committing happen after the whole batch
went through the steps (:mod:`processor.consumer`, the commit point), and the replay of dead
letters (:mod:`processor.replay`) runs the very same steps.

Normalization is data-driven: :func:`harmonize` applies the harmonization rules that the
questionnaire version (or module) declares in ``questionnaires/definitions/``; there is no
questionnaire-specific code here.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable, Protocol

from questionnaires import AnswersInvalid, UnknownQuestionnaire, default_catalog
from questionnaires.envelope import EnvelopeError, decode_record, encode_record, page_path
from questionnaires.envelope import fast_envelope as _fast_envelope
from questionnaires.envelope import parse_envelope as contract_parse_envelope
from questionnaires.harmonize import (CATEGORY_INDICATORS, SCORE_INDICATORS, HarmonizationError, canonical_indicators,
                                      module_indicators)
from questionnaires.memo import IdentityCache
from questionnaires.model import bool_key
from questionnaires.funnel import is_funnel
from questionnaires.periods import period_of
from privacy.paths import redact_path
from sqlalchemy.exc import SQLAlchemyError

from .badrows import Failure, Reason, Rejected, Source
from .funnel import funnel_row
from .redact import redact



@dataclass
class Work:
    """One envelope on its way through the steps."""
    source: Source
    raw: Any
    env: dict | None = None
    facts: Any = None
    questionnaire: Any = None
    answers: dict | None = None
    indicators: dict | None = None
    modules: dict | None = None
    #: personal data replaced, by type (None: nothing replaced)
    redactions: Counter | None = None
    page: str | None = None
    row: dict | None = None
    #: the ``answers`` rows as (item, item_type, value, indicator, score); the other columns are the row's
    answer_items: list = field(default_factory=list)

    @property
    def submission_id(self) -> str:
        return self.row["submission_id"]

    @property
    def test(self) -> bool:
        """A check-up answer (the envelope's ``test``): stored apart in ``test/``, never counted."""
        return bool(self.env and self.env.get("test"))

    @property
    def answer_rows(self) -> list[dict]:
        """The ``answers`` rows as dicts (with ``period`` and ``pa_type``); the sink builds its columns
        from :attr:`answer_items` and :attr:`row` directly."""
        r = self.row
        common = {"submission_id": r["submission_id"], "service": r["service"], "service_type": r["service_type"],
                  "questionnaire": r["questionnaire"], "version": r["version"], "kafka_partition": r["kafka_partition"],
                  "kafka_offset": r["kafka_offset"], "period": r["period"], "pa_type": r["pa_type"]}
        return [{**common, "item": item, "item_type": kind, "value": value, "indicator": name, "score": score}
                for item, kind, value, name, score in self.answer_items]


class ServiceLookup(Protocol):
    """The registry as the steps see it: a service key's facts, or None for an unknown service."""

    def facts(self, key: str) -> Any: ...


Step = Callable[[Work, ServiceLookup], None]


def decode(topic: str, partition: int, offset: int, key: bytes | None, value: bytes | None) -> list[Work]:
    """Split a record value into envelopes; :class:`Rejected` ``undecodable`` when it cannot be read."""
    try:
        raws = decode_record(value)
    except EnvelopeError as exc:
        raise Rejected(Reason.UNDECODABLE, str(exc)) from None
    return [Work(Source(topic, partition, offset, key, i), raw) for i, raw in enumerate(raws)]


def parse_envelope(raw: Any) -> dict[str, Any]:
    """:func:`questionnaires.envelope.parse_envelope` (the contract, same result and messages), with
    :func:`questionnaires.envelope.fast_envelope` first for the plainly valid envelope."""
    if not isinstance(raw, dict):
        raise EnvelopeError("envelope is not an object")
    fast = _fast_envelope(raw)
    return fast if fast is not None else contract_parse_envelope(raw)


def validate(work: Work, _: ServiceLookup) -> None:
    """The envelope and its submission against the contract (defence in depth)."""
    try:
        work.env = parse_envelope(work.raw)
    except EnvelopeError as exc:
        raise Rejected(Reason.INVALID_ENVELOPE, str(exc)) from None
    sub = work.env["submission"]
    try:
        work.questionnaire = default_catalog().get(sub["questionnaire"], sub["version"])
    except UnknownQuestionnaire as exc:
        raise Rejected(Reason.UNKNOWN_QUESTIONNAIRE, str(exc)) from None
    # the compiled validator for the plainly valid map; the marshmallow contract for anything else
    work.answers = work.questionnaire.fast_validate(sub["answers"])
    if work.answers is not None:
        return
    try:
        work.answers = work.questionnaire.validate(sub["answers"])
    except AnswersInvalid as exc:
        raise Rejected(Reason.INVALID_ANSWERS, str(exc)) from None


def enrich(work: Work, enricher: ServiceLookup) -> None:
    """Entity, PA type (IPA category), service type and region from the registry."""
    key = work.env["submission"]["service"]
    work.facts = enricher.facts(key)
    if work.facts is None:
        raise Rejected(Reason.UNKNOWN_SERVICE, key)


def harmonize(work: Work, _: ServiceLookup) -> None:
    """The canonical and module indicators, by the rules the questionnaire version declares."""
    try:
        work.indicators = canonical_indicators(work.questionnaire, work.answers)
        work.modules = module_indicators(work.questionnaire, work.answers)
    except HarmonizationError as exc:
        raise Rejected(Reason.HARMONIZATION, str(exc)) from None
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:  # a defective rule
        raise Rejected(Reason.HARMONIZATION, f"{work.questionnaire.key}: {type(exc).__name__}: {exc}") from None


_TEXT_ITEMS = IdentityCache()
_SHAPE_PLANS = IdentityCache()


def _text_items(q) -> tuple[str, ...]:
    return _TEXT_ITEMS.get(q, lambda q: tuple(it.code for it in q.items if it.type == "text"))


_NONE: dict = {}


def _redact_page(path: str) -> tuple[str, dict]:
    """:func:`privacy.paths.redact_path` of a page path (typed placeholders, identifying segments as
    ``[ID]``: ``/utente/[ID]/pratiche``), the counts as a mapping not to be changed; cached there."""
    out, found = redact_path(path)
    return out, dict(found) if found else _NONE


def _count(work: Work, counts) -> None:
    """Add ``counts`` to the envelope's redactions (a Counter made on the first: most envelopes have none)."""
    if work.redactions is None:
        work.redactions = Counter(counts)
    else:
        work.redactions.update(counts)


def redact_text(work: Work, _: ServiceLookup) -> None:
    """Every free-text answer (and the page path) scrubbed of personal data, counted per type."""
    answers = work.answers
    for code in _text_items(work.questionnaire):
        value = answers.get(code)
        if isinstance(value, str):
            answers[code], counts = redact(value)
            if counts:
                _count(work, counts)
    page = (work.env["submission"].get("context") or {}).get("page")
    if page:
        work.page, counts = _redact_page(page_path(page))
        if counts:
            _count(work, counts)


_CANONICAL, _MODULE = 1, 2  # where an indicator's score comes from (else: none, a categorical indicator)


def _build_shape_plan(q) -> tuple:
    rules: dict[str, list[str]] = {}
    for name, rule in q.harmonization.items():
        rules.setdefault(rule["item"], []).append(name)

    def source(name: str | None) -> int:
        if name in SCORE_INDICATORS:
            return _CANONICAL
        return 0 if name is None or name in CATEGORY_INDICATORS else _MODULE
    return tuple((it.code, it.type, it.type == "boolean" or it.type == "rating",
                  tuple((name, source(name)) for name in rules.get(it.code) or [None])) for it in q.items)


def _shape_plan(q) -> tuple:
    """Per item: (code, type, whether every value is written by ``bool_key``, and per indicator it feeds
    (or ``(None, 0)``) its name and where its score comes from), built once per questionnaire."""
    return _SHAPE_PLANS.get(q, _build_shape_plan)


def _json(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False)``, without its overhead for the common scalar types."""
    kind = type(value)
    if kind is str:
        return _encode_str(value)
    if kind is int:
        return int.__repr__(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is list and all(type(v) is str for v in value):  # a multi answer: its option codes
        return "[" + ", ".join(map(_encode_str, value)) + "]"
    return json.dumps(value, ensure_ascii=False)


_encode_str = json.encoder.encode_basestring  # what json.dumps(str, ensure_ascii=False) uses


def shape(work: Work, _: ServiceLookup) -> None:
    """The ``responses`` row and the ``answers`` rows of the envelope."""
    env, sub, facts, q = work.env, work.env["submission"], work.facts, work.questionnaire
    received: datetime = env["received_at"]
    src = work.source
    answers, indicators, modules = work.answers, work.indicators, work.modules
    comment = answers.get("comment")
    work.row = {
        "period": period_of(received),
        "pa_type": facts.pa_type,
        "submission_id": sub["submission_id"],
        "received_at": received,
        "service": facts.service, "entity": facts.entity, "service_type": facts.service_type,
        "region": facts.region, "channel": sub["channel"], "device": env["device"], "lang": sub["lang"],
        "questionnaire": q.id, "version": q.version,
        **indicators,
        "module_scores": [(name, r["value"]) for name, r in sorted(modules.items()) if r.get("value") is not None]
        if modules else [],
        "comment": comment if isinstance(comment, str) else None,
        "answers": [(k, _json(v)) for k, v in sorted(answers.items())],
        "page": work.page,
        "kafka_partition": src.partition, "kafka_offset": src.offset,
    }
    out = work.answer_items
    for code, kind, keyed, names in _shape_plan(q):
        value = answers.get(code)
        if value is None and code not in answers:
            continue
        if type(value) is list:
            values = [bool_key(v) for v in value] if keyed else [v if type(v) is str else bool_key(v) for v in value]
        else:
            values = (value if not keyed and type(value) is str else bool_key(value),)
        for name, source in names:
            if source == _CANONICAL:
                score = indicators[name]
            elif source == _MODULE and name in modules:
                score = modules[name].get("value")
            else:
                score = None
            for v in values:
                out.append((code, kind, v, name, score))


#: The envelope steps, in order. Replace or extend the tuple to change the pipeline.
STEPS: tuple[Step, ...] = (validate, enrich, harmonize, redact_text, shape)


def run_steps(work: Work, enricher: ServiceLookup, steps: Iterable[Step] = STEPS) -> Work:
    for step in steps:
        step(work, enricher)
    return work


@dataclass
class Transformed:
    """The outcome of the steps over a batch of records: accepted envelopes and typed failures."""
    accepted: list[Work] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    envelopes: int = 0
    redactions: Counter = field(default_factory=Counter)
    #: ``funnel`` rows of the ``ascolto.funnel/1`` envelopes (:mod:`processor.funnel`)
    funnel: list[dict] = field(default_factory=list)


#: what a step may meet that is no fault of the envelope: re-raised by :func:`transform`, never a dead letter
_ENVIRONMENT = (SQLAlchemyError, OSError, MemoryError)


def unexpected(exc: BaseException) -> str:
    """A dead letter's detail for a step that raised unexpectedly: the exception's class and where, never
    its message (which may quote an answer: the detail is logged and kept)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f" in {tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}" if tb else ""
    return f"the processor failed on it ({type(exc).__name__}{where}): a bug; replay it once fixed"


def transform(records: Iterable, enricher: ServiceLookup, steps: Iterable[Step] = STEPS) -> Transformed:
    """Run :func:`decode` and the steps over Kafka records (anything with topic/partition/offset/key/value)."""
    out = Transformed()
    steps = tuple(steps)
    for rec in records:
        try:
            works = decode(rec.topic, rec.partition, rec.offset, rec.key, rec.value)
        except Rejected as exc:
            out.envelopes += 1
            out.failures.append(Failure(Source(rec.topic, rec.partition, rec.offset, rec.key), exc.reason,
                                        exc.detail, rec.value))
            continue
        for work in works:
            out.envelopes += 1
            try:
                if is_funnel(work.raw):
                    out.funnel.append(funnel_row(work.raw, enricher, rec.partition, rec.offset))
                    continue
                run_steps(work, enricher, steps)
            except Rejected as exc:
                value = encode_record([work.raw]) if isinstance(work.raw, dict) and len(works) > 1 else rec.value
                out.failures.append(Failure(work.source, exc.reason, exc.detail, value))
                continue
            except _ENVIRONMENT:  # the registry, a file: not the record's fault (the caller backs off or stops)
                raise
            except Exception as exc:  # a poison record: a dead letter, not a processor that dies on it at every restart
                value = encode_record([work.raw]) if isinstance(work.raw, dict) and len(works) > 1 else rec.value
                out.failures.append(Failure(work.source, Reason.PROCESSING_ERROR, unexpected(exc), value))
                continue
            if work.redactions:
                out.redactions.update(work.redactions)
            out.accepted.append(work)
    return out
