"""The submission contract: the body of ``POST /v1/submissions`` and the Kafka envelope.

DESIGN §4–§5. The collector validates posted bodies with :class:`SubmissionSchema`, wraps each
in an envelope (:func:`make_envelope`) and groups concurrent envelopes into one Kafka record
(:func:`encode_record`): a single envelope has schema ``ascolto.submission/1``; several are carried
as ``{"schema": "ascolto.submission-batch/1", "envelopes": [...]}``. The processor splits a record
with :func:`decode_record` and validates each envelope with :func:`parse_envelope`. Unknown fields
are ignored so that producers can add fields without breaking consumers.
"""
from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timezone
from typing import Any

import orjson
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, pre_load, validate

from .model import LANGUAGES
from .vocabulary import language_of

ENVELOPE_SCHEMA = "ascolto.submission/1"
BATCH_SCHEMA = "ascolto.submission-batch/1"
CHANNELS = ("web", "app", "email", "sms", "kiosk", "front_office", "phone")


#: the 400's words for a ``lang`` the questionnaires do not offer
LANG_PROBLEM = (f"Not a language the questionnaires offer: send one of {', '.join(LANGUAGES)} (a tag such as "
                "it-IT or en-GB is read as it or en). For a page in another language the questionnaire's GET "
                "serves Italian: send the \"lang\" it answered with.")


class Language(fields.String):
    """``lang``: a BCP-47 tag of a questionnaire language, loaded as that language
    (:func:`~questionnaires.vocabulary.language_of`, the GET's reader); any other string is refused."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        code = language_of(super()._deserialize(value, attr, data, **kwargs))
        if code is None:
            raise ValidationError(LANG_PROBLEM)
        return code


class SubmissionSchema(Schema):
    """A posted submission. Unknown top-level fields are rejected so typos are caught."""

    class Meta:
        unknown = RAISE

    submission_id = fields.UUID(required=True)
    service = fields.String(required=True, validate=validate.Length(min=1, max=64))
    questionnaire = fields.String(required=True, validate=validate.Length(min=1, max=64))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    lang = Language(load_default="it", metadata={"description": (
        "The language the questionnaire was shown in: one of it, en, de, fr, sl, or a BCP-47 tag of one "
        "(it-IT, EN, de_AT), read as the questionnaire's GET reads its ?lang= and recorded as that language.")})
    channel = fields.String(load_default="web", validate=validate.OneOf(CHANNELS))
    answers = fields.Dict(keys=fields.String(), required=True, metadata={"description": (
        "Item code to answer, for the items of GET /v1/services/{key}/questionnaire: a rating an "
        "integer within its scale, a choice one option code, a multi a list of option codes, a boolean "
        "true or false, a text a string; questions whose show_if does not hold are left out.")})
    context = fields.Dict(keys=fields.String(validate=validate.Length(max=32)),
                          values=fields.String(validate=validate.Length(max=512)),
                          load_default=dict, metadata={"description": (
                              "Names to strings (at most 512 characters each); kept: page (the page's path), "
                              "hp (the honeypot, empty) and fill_ms (milliseconds from showing the questions "
                              "to sending: a whole number 0 or more, as a JSON number, 5400, or its digits, "
                              "\"5400\"). Other names are dropped.")})
    #: a check-up answer (the widget's ``data-test``): stored apart, never counted. Absent unless sent;
    #: the collector honours it only from an allowed origin and moves it into the envelope's ``test``.
    test = fields.Boolean(truthy={True}, falsy={False}, metadata={"description": (
        "A check-up answer: stored apart and never counted. Honoured only with an Origin among the "
        "service's allowed origins (403 otherwise); a service in test mode marks every answer so.")})

    @pre_load
    def _fill_ms_as_digits(self, data: Any, **_: Any) -> Any:
        """``context.fill_ms`` sent as a JSON number (``5400``, what "milliseconds" suggests to a back
        end) is loaded as its digits (``"5400"``), as the widget and the form send it: the envelope
        carries one type, a string, whoever posted. Any other non-string value is refused here,
        naming ``context.fill_ms`` (:data:`FILL_MS_PROBLEM`); a string is checked by the collector."""
        context = data.get("context") if isinstance(data, dict) else None
        if not isinstance(context, dict) or "fill_ms" not in context or isinstance(context["fill_ms"], str):
            return data
        fill = context["fill_ms"]
        if type(fill) is float and fill.is_integer():  # 5400.0: some JSON encoders write every number so
            fill = int(fill)
        if type(fill) is not int or fill < 0:  # bool is not int here: true is not a time
            raise ValidationError({"context": {"fill_ms": [FILL_MS_PROBLEM]}})
        return dict(data, context=dict(context, fill_ms=str(fill)))


#: The problem of a ``context.fill_ms`` that is not a whole number of milliseconds (the 400's words).
FILL_MS_PROBLEM = ("Not a whole number of milliseconds, 0 or more: send a JSON number (5400) "
                   "or its digits (\"5400\").")

_FIELDS = frozenset(SubmissionSchema().fields)
_LANGS, _CHANNELS = frozenset(LANGUAGES), frozenset(CHANNELS)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
#: what ``str(uuid.UUID(s))`` gives: lower-case hex, dashed
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def fast_load_submission(body: Any) -> dict[str, Any] | None:
    """What ``SubmissionSchema().load(body)`` returns, for the plainly valid bodies only.

    Exact types (no coercion), every required field, no unknown field, a dashed UUID; for such a
    body the result is equal to marshmallow's, field for field and type for type. Returns ``None``
    for everything else — every invalid body and the unusual valid ones — and the caller must then
    ask the schema, which stays the contract and words the errors. ``tests/test_envelope_fast.py``
    checks the two agree (hypothesis). Skipping marshmallow here was a third of the request's CPU.
    """
    if type(body) is not dict or not body.keys() <= _FIELDS:
        return None
    get = body.get  # plain lookups: unpacking a generator over the field names cost more than the checks
    sid, service, qid, version, answers = (get("submission_id"), get("service"), get("questionnaire"),
                                           get("version"), get("answers"))
    lang, channel, context = get("lang", "it"), get("channel", "web"), get("context", {})
    if (type(sid) is not str or not _UUID.fullmatch(sid) or type(service) is not str or not 0 < len(service) <= 64
            or type(qid) is not str or not 0 < len(qid) <= 64 or type(version) is not int or version < 1
            or type(lang) is not str or lang not in _LANGS or type(channel) is not str or channel not in _CHANNELS
            or type(answers) is not dict or type(context) is not dict):
        return None
    for k in answers:
        if type(k) is not str:
            return None
    for k, v in context.items():
        if type(k) is not str or len(k) > 32 or type(v) is not str or len(v) > 512:
            return None
    out = {"submission_id": uuid.UUID(sid), "service": service, "questionnaire": qid, "version": version,
           "lang": lang, "channel": channel, "answers": dict(answers), "context": dict(context)}
    if "test" in body:
        if type(body["test"]) is not bool:
            return None
        out["test"] = body["test"]
    return out


#: The context a submission keeps: what the widget, the no-JS form and the kiosk send and what is read —
#: the page's path (stored with the row), the honeypot and the fill time (the collector's bot checks).
CONTEXT_KEYS = ("page", "hp", "fill_ms")


def durable_context(context: dict[str, str]) -> dict[str, str]:
    """The context as the collector makes it durable (its log, the topic): :data:`CONTEXT_KEYS` only —
    any other key a back end sends (``"user_id": "mrossi80"``) is dropped, not kept unread for the
    topic's retention — and the page as :func:`page_path`."""
    out = {k: v for k, v in context.items() if k in CONTEXT_KEYS}
    page = out.get("page")
    if page and ("?" in page or "#" in page):
        out["page"] = page_path(page)
    return out


def page_path(page: str) -> str:
    """``context.page`` as it may be kept: without its query string and fragment, which carry what a
    path does not (session tokens, user names, record ids: ``/esito?sessione=…&utente=mrossi80``).
    The collector applies it before the submission is made durable (its log, the topic), the
    processor again before the row is written (records of older collectors)."""
    return page.split("?", 1)[0].split("#", 1)[0]


class EnvelopeError(ValueError):
    """A record value is not a readable envelope of a known schema."""


def make_envelope(submission: dict[str, Any], *, collector: str, device: str,
                  received_at: datetime | None = None, test: bool = False,
                  test_snippet: bool = False) -> dict[str, Any]:
    """The envelope of one validated submission (a JSON-ready dict).

    ``test``: the collector's decision that this is a check-up answer (the service's test mode, or
    ``test`` sent from an allowed origin); the envelope then carries ``"test": true`` and the
    processor stores it apart from the statistics. Absent otherwise (older consumers ignore it).
    ``test_snippet`` (only with ``test``): the page itself asked for the check-up (the widget's
    ``data-test``), so the web manager's check page may list its answers; a check-up only because
    the service is in test mode may be a real citizen's answer and is listed without them.
    """
    received = (received_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    env = {
        "schema": ENVELOPE_SCHEMA,
        "received_at": received.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "collector": collector,
        "device": device,
        "submission": dict(submission, submission_id=str(submission["submission_id"])),
    }
    if test:
        env["test"] = True
        if test_snippet:
            env["test_snippet"] = True
    return env


def encode_record(envelopes: list[dict[str, Any]]) -> bytes:
    """One Kafka record value carrying ``envelopes`` (one plain envelope, or a batch)."""
    doc = envelopes[0] if len(envelopes) == 1 else {"schema": BATCH_SCHEMA, "envelopes": envelopes}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_record(value: bytes | None) -> list[Any]:
    """The raw envelopes carried by a record value, not yet validated.

    Raises :class:`EnvelopeError` when the value is not JSON or not an envelope or batch.
    """
    if value is None:
        raise EnvelopeError("empty record value")
    try:
        raw = orjson.loads(value)  # fast; what it refuses (NaN, huge ints, lone surrogates) goes to json
    except (orjson.JSONDecodeError, TypeError):
        try:
            raw = json.loads(value)
        except (UnicodeDecodeError, ValueError) as exc:
            raise EnvelopeError(f"not JSON: {exc}") from None
        except RecursionError:  # nested deeper than orjson's 1024 levels: a poison record, not a crash
            raise EnvelopeError("not JSON: nested too deeply") from None
    if isinstance(raw, dict) and raw.get("schema") == BATCH_SCHEMA:
        if not isinstance(raw.get("envelopes"), list):
            raise EnvelopeError("batch without an 'envelopes' list")
        return raw["envelopes"]
    if not isinstance(raw, dict):
        raise EnvelopeError("envelope is not an object")
    return [raw]


#: the times a ``received_at`` may take (a collector's clock): a year 1 or 9999 broke the processor's
#: period (``astimezone`` overflows) and every consumer of nanosecond timestamps (to 2262) — a poison
#: record that crashed it on every restart; out of this range the envelope is invalid, a dead letter
RECEIVED_MIN = datetime(2000, 1, 1, tzinfo=timezone.utc)
RECEIVED_MAX = datetime(2200, 1, 1, tzinfo=timezone.utc)


class _EnvelopeSchema(Schema):
    class Meta:
        unknown = EXCLUDE
    schema = fields.String(required=True, validate=validate.Equal(ENVELOPE_SCHEMA))
    received_at = fields.AwareDateTime(required=True, default_timezone=timezone.utc,
                                       validate=validate.Range(min=RECEIVED_MIN, max=RECEIVED_MAX, max_inclusive=False))
    collector = fields.String(load_default="")
    device = fields.String(load_default="unknown")
    test = fields.Boolean(load_default=False, truthy={True}, falsy={False})
    test_snippet = fields.Boolean(load_default=False, truthy={True}, falsy={False})
    submission = fields.Dict(required=True)


_ENVELOPE = _EnvelopeSchema()
_SUBMISSION = SubmissionSchema(unknown=EXCLUDE)  # schemas are reusable: built once, not per envelope


def parse_envelope(raw: Any) -> dict[str, Any]:
    """Validate one raw envelope (from :func:`decode_record`); raise :class:`EnvelopeError`.

    The returned ``submission`` is re-validated with :class:`SubmissionSchema` (defence in depth),
    its ``submission_id`` as a string. This is the contract (marshmallow, with its messages);
    :func:`fast_envelope` is the processor's shortcut for the plainly valid envelope.
    """
    if not isinstance(raw, dict):
        raise EnvelopeError("envelope is not an object")
    try:
        env = _ENVELOPE.load(raw)
        env["submission"] = _SUBMISSION.load(env["submission"])
    except ValidationError as exc:
        raise EnvelopeError(f"invalid envelope: {exc.messages}") from None
    env["submission"]["submission_id"] = str(env["submission"]["submission_id"])
    return env


_SUB_STR = {"service": 64, "questionnaire": 64}


def fast_envelope(raw: dict) -> dict[str, Any] | None:
    """The common, plainly valid envelope checked by hand; None means "let :func:`parse_envelope` decide".

    Accepts a strict subset of what the marshmallow schemas accept (exact types, no coercion) and
    returns the same result for it; anything unusual — including every invalid envelope — goes
    through the schemas, which give the error messages. ``tests/test_processor_steps.py`` checks
    the two agree.
    """
    sub = raw.get("submission")
    if raw.get("schema") != ENVELOPE_SCHEMA or type(sub) is not dict or type(raw.get("received_at")) is not str \
            or "test" in sub:  # the collector moves ``test`` into the envelope: a posted one is unusual here
        return None
    collector, device, test = raw.get("collector", ""), raw.get("device", "unknown"), raw.get("test", False)
    snippet = raw.get("test_snippet", False)
    if type(collector) is not str or type(device) is not str or type(test) is not bool or type(snippet) is not bool:
        return None
    sid = sub.get("submission_id")
    if type(sid) is not str or len(sid) != 36:
        return None
    try:
        received = datetime.fromisoformat(raw["received_at"])
        if not _CANONICAL_UUID.fullmatch(sid):  # a canonical one is its own str(UUID(...)): no need to build it
            sid = str(uuid.UUID(sid))
    except ValueError:
        return None
    if received.tzinfo is None or not RECEIVED_MIN <= received < RECEIVED_MAX:
        return None
    for name, limit in _SUB_STR.items():
        v = sub.get(name)
        if type(v) is not str or not 1 <= len(v) <= limit:
            return None
    version, answers = sub.get("version"), sub.get("answers")
    lang, channel, context = sub.get("lang", "it"), sub.get("channel", "web"), sub.get("context", {})
    if type(version) is not int or version < 1 or type(answers) is not dict or lang not in LANGUAGES \
            or channel not in CHANNELS or type(context) is not dict:
        return None
    if any(type(k) is not str for k in answers) or any(
            type(k) is not str or len(k) > 32 or type(v) is not str or len(v) > 512 for k, v in context.items()):
        return None
    return {"schema": ENVELOPE_SCHEMA, "received_at": received, "collector": collector, "device": device, "test": test,
            "test_snippet": snippet,
            "submission": {"submission_id": sid, "service": sub["service"], "questionnaire": sub["questionnaire"],
                           "version": version, "lang": lang, "channel": channel, "answers": dict(answers),
                           "context": dict(context)}}
