"""``POST /v1/submissions`` and ``GET /v1/services/<key>/questionnaire`` (DESIGN §4)."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

import orjson

from flask import Blueprint, Response, current_app, g, request
from marshmallow import ValidationError

from questionnaires import AnswersInvalid, UnknownQuestionnaire
from questionnaires.vocabulary import client_language
from questionnaires.envelope import (FILL_MS_PROBLEM, SubmissionSchema, durable_context, fast_load_submission,
                                     make_envelope)
from privacy import redact_value
from privacy.paths import redact_path
from registry.checks import SERVICE_KEY
from registry.readmodel import BackendView, ServiceView

from . import backends, channels, metrics, operators
from .body import json_body
from .catalog import catalog
from .cors import how_to_allow, not_allowed, reflect_origin
from .device import device_class
from .durable import Unavailable
from .spool import TEXT_FLOOR
from .errors import ApiError, count_refusal, field_errors, name_double_encoded, name_unknown
from .faces import moods

BACKFILL_CLOCK = "ascolto.clock"
"""``app.extensions`` key of the operators' backfill clock (:mod:`collector.backfill`): a callable
giving each envelope's ``received_at``. Set only in process, by the backfill, on an app no HTTP
client reaches; while set, the app is the backfill's: widget origins are not counted and an
entity's back-end token is not asked for (the operator is the client)."""

#: The device class of a back end's post (a verified ``backend`` token): the citizen's device is not known.
BACKEND_DEVICE = "unknown"

bp = Blueprint("intake", __name__)
_schema = SubmissionSchema()
_FIELDS = list(_schema.fields)  # the body's names a refusal lists: the schema's own (as /openapi.json), so they cannot drift
_MILLIS = re.compile(r"[0-9]{1,12}")  # ASCII digits only: str.isdigit() takes "²", which int() refuses
_ACCEPTED = {"spool": metrics.ACCEPTED.labels("spool")}
#: the nil and max UUIDs (RFC 9562): a client sending one as its retry key would have every answer
#: it sends taken for a retry of the first and stored once
_NOT_RANDOM = frozenset({0, (1 << 128) - 1})


def _environ_key(header: str) -> str:
    """The WSGI environ key of a request header (what werkzeug's ``EnvironHeaders`` looks up)."""
    return "HTTP_" + header.upper().replace("-", "_")


_DEVICE_KEY, _OPERATOR_KEY = _environ_key(channels.DEVICE_HEADER), _environ_key(operators.HEADER)


def encode_envelope(envelope: dict) -> bytes:
    """Compact UTF-8 JSON of an envelope (orjson; the standard library for what orjson refuses)."""
    try:
        return orjson.dumps(envelope)
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _service(key: str, app=None) -> ServiceView:
    """The active service ``key``, else a 404 :class:`ApiError`; a key no service can have (not a
    :data:`registry.checks.SERVICE_KEY`: the registry refuses them) is not asked of the registry."""
    known = SERVICE_KEY.fullmatch(key) is not None
    cfg = (current_app if app is None else app).extensions["ascolto.services"].get(key) if known else None
    if cfg is None:
        raise ApiError(404, "unknown_service", f"No service with key {key!r}.", {"service": ["Unknown service."]})
    if not cfg.active:
        raise ApiError(404, "inactive_service", f"Service {key!r} is not collecting feedback.",
                       {"service": ["Service is not active."]})
    return cfg


def check_not_a_bot(sub: dict, settings=None) -> None:
    """Refuse what a person cannot have sent: a filled honeypot or a too-fast answer.

    Clients that render a form (the widget, the HTML form) send ``context.hp`` (the honeypot,
    always empty for people) and ``context.fill_ms`` (milliseconds from rendering to sending).
    Back ends posting directly send neither and are not checked here. ``fill_ms`` is a string
    of ASCII digits here: :class:`SubmissionSchema` loads a JSON number as its digits.
    """
    context = sub.get("context") or {}
    if context.get("hp"):
        raise ApiError(422, "rejected_as_automated", "The submission looks automated.",
                       {"context.hp": ["Must be empty."]})
    fill = context.get("fill_ms")
    if fill is not None:
        minimum = (current_app.config["ASCOLTO_SETTINGS"] if settings is None else settings).min_fill_ms
        if not _MILLIS.fullmatch(fill):
            raise ApiError(400, "malformed", "context.fill_ms must be a whole number of milliseconds.",
                           {"context.fill_ms": [FILL_MS_PROBLEM]})
        if int(fill) < minimum:
            raise ApiError(422, "rejected_as_automated", "The questionnaire was answered too fast.",
                           {"context.fill_ms": [f"Must be at least {minimum}."]})


def _test_mode(cfg: ServiceView, origin: str | None, asked: bool) -> bool:
    """Whether the submission is a check-up (stored apart, never counted): the service is in test
    mode, or the body asks for it (the widget's ``data-test``) from a page of an allowed origin.
    Asked for without an ``Origin`` it is refused (403): only the service's own pages mark answers."""
    if asked and not origin:
        raise ApiError(403, "origin_not_allowed", "Test submissions are accepted only from the service's pages; "
                       f"a back end's check-ups: switch the service's test mode on (ascolto registry test-mode {cfg.key} on) "
                       "and post without \"test\".",
                       {"test": ["Needs an Origin among the service's allowed origins."]})
    return asked or cfg.test_mode


def _count_origin(cfg, origin: str | None, app=None) -> None:
    """Count a widget request of a known service by origin (registry.origins: "check my page")."""
    extensions = (current_app if app is None else app).extensions
    counter = extensions.get("ascolto.origins")
    if counter is not None and extensions.get(BACKFILL_CLOCK) is None:
        counter.seen(cfg.key, origin, not origin or origin in cfg.allowed_origins)


def accept_submission(body: dict, *, origin: str | None, user_agent: str | None,
                      device: str | None = None, operator: str | None = None,
                      backend: BackendView | None = None, direct: bool = False) -> str:
    """Validate a submission body and make it durable; return its ``submission_id``.

    Raises :class:`ApiError` with the documented status for every refusal (400, 403, 404, 409,
    422, 503), counted in the metrics by reason and service. Returning means the submission is durable:
    fsynced in the host's local write-ahead log (:mod:`collector.durable`), which the shipper produces to
    the broker (acks=all) afterwards. ``device``: a kiosk
    device's token (its channel is recorded, and it stands in for the origin check; see
    :mod:`collector.channels`); ``operator``: a console operator's credential (the entry is
    audited naming them; :mod:`collector.operators`); ``backend``: a verified back-end token (it
    stands in for the origin check when of the service's entity; :mod:`collector.backends`);
    ``direct``: a post to the JSON API, where a missing ``Origin`` means a back end (the no-JS form's
    own pages post without one) — refused (401) without a token, a device or an operator.
    """
    try:
        return _accept(body, origin, user_agent, device, operator, backend, direct)
    except ApiError as exc:
        count_refusal(exc.error, body.get("service") if isinstance(body, dict) else None)
        exc.counted = True
        raise


def _accept(body: dict, origin: str | None, user_agent: str | None, device_token: str | None,
            operator_cred: str | None, backend: BackendView | None = None, direct: bool = False) -> str:
    # the app behind the ``current_app`` proxy, looked up once (each proxy access costs ~1 µs, issue 18)
    app = current_app._get_current_object()
    extensions = app.extensions
    try:
        sub = fast_load_submission(body) or _schema.load(body)
    except ValidationError as exc:
        raise ApiError(400, "malformed", "The submission does not follow the API.",
                       name_double_encoded(name_unknown(field_errors(exc.messages), _FIELDS, "A submission"),
                                           body)) from None
    if sub["submission_id"].int in _NOT_RANDOM:
        raise ApiError(400, "malformed", "The submission_id must be a random UUID.",
                       {"submission_id": ["The nil and max UUIDs are not random: generate a random (v4) UUID."]})
    cfg = _service(sub["service"], app)
    _count_origin(cfg, origin, app)
    device = channels.device_for(extensions["ascolto.services"], device_token, cfg)
    operator = operators.operator_for(operator_cred, cfg)
    backends.check(backend, cfg)  # a back end's token: of the service's entity, else 403
    if origin and device is None and operator is None and backend is None and origin not in cfg.allowed_origins:
        raise ApiError(403, "origin_not_allowed", f"Origin {origin!r} may not submit to service {cfg.key!r}. "
                       + how_to_allow(origin, cfg.key, app.config["ASCOLTO_SETTINGS"].registry_ttl_s),
                       {"Origin": not_allowed(origin)})
    if direct and not origin and backend is None and device is None and operator is None \
            and extensions.get(BACKFILL_CLOCK) is None:
        raise backends.required(cfg)
    if (sub["questionnaire"], sub["version"]) != (cfg.questionnaire_id, cfg.questionnaire_version):
        raise _not_assigned(sub, cfg)
    try:
        questionnaire = catalog(app).get(sub["questionnaire"], sub["version"])
    except UnknownQuestionnaire:
        raise ApiError(409, "questionnaire_not_assigned", "The assigned questionnaire is not published.",
                       {"questionnaire": ["Not a published questionnaire."]}) from None
    sub["channel"] = channels.resolve(body.get("channel"), cfg, questionnaire.channels, device)
    asked = sub.pop("test", False)
    test = _test_mode(cfg, origin, asked)
    settings = app.config["ASCOLTO_SETTINGS"]
    check_not_a_bot(sub, settings)
    try:  # the compiled check accepts plainly valid maps; marshmallow decides (and words) the rest
        sub["answers"] = questionnaire.fast_validate(sub["answers"]) or questionnaire.validate(sub["answers"])
    except AnswersInvalid as exc:
        raise ApiError(422, "invalid_answers", "Some answers are not valid for the questionnaire.",
                       {f"answers.{k}": v for k, v in exc.errors.items()}) from None
    clock = extensions.get(BACKFILL_CLOCK)
    sub["context"] = durable_context(sub["context"])  # the keys read only; a path, never its query string
    # Every string the citizen sent is redacted here, where the submission is already parsed; the
    # rest of the envelope is the collector's own (schema, time, collector id, device class), so
    # the log writes it as is instead of parsing and redacting it again (issue 18).
    if sub["context"].get("page"):  # a user name or an id in a path segment: "/utente/[ID]/pratiche"
        sub["context"]["page"] = redact_path(sub["context"]["page"])[0]  # first: segment by segment
    sub, _ = redact_value(sub, floor=TEXT_FLOOR)
    # a back end's user agent is its server's HTTP library ("curl/8.5", "python-requests/2.32": a
    # "bot"'s, whose answers no figure counts), never the citizen's device: its token vouches for the post
    device_cls = device_class(user_agent) if backend is None else BACKEND_DEVICE
    envelope = make_envelope(sub, collector=settings.collector_id, device=device_cls,
                             received_at=clock() if clock else None, test=test,
                             test_snippet=asked)  # the page asked: its answers may be listed (check page)
    value = encode_envelope(envelope)
    try:
        path = extensions["ascolto.durability"].submit(cfg.key, value, scrubbed=True)
    except Unavailable:
        raise ApiError(503, "unavailable", "The submission could not be stored; retry later.",
                       headers={"Retry-After": "30"}) from None
    _ACCEPTED[path].inc()
    if operator is not None:
        operators.audit(operator, submission_id=envelope["submission"]["submission_id"], service=cfg.key,
                        channel=sub["channel"])
    return envelope["submission"]["submission_id"]


#: the CORS of the intake's answers: its blueprint's ``after_request`` and the front's 202 (:mod:`collector.front`)
CORS = {"methods": "GET, POST, OPTIONS", "expose": "Retry-After, ETag"}
#: WSGI environ key of a :class:`Refused`: the front met a refusal, the view raises it
REFUSED = "ascolto.intake.refused"


@dataclass(frozen=True)
class Refused:
    """What the front (:mod:`collector.front`) hands the view when the intake refused its request or
    failed: the exception, and the parsed body once the client was admitted (what the refusal's
    metrics name the service by, as :func:`collector.body.json_body` keeps it; ``None`` before)."""
    error: Exception
    body: dict | None


def admit(extensions, environ: dict) -> BackendView | None:
    """Count a post to the JSON intake against its client's address (citizens, and back ends
    without a token), or verify its back-end token and count it against the token's limit
    (:func:`collector.backends.verify`); the verified token, else ``None``. Raises the 429 or
    403 :class:`ApiError`. Runs before the body is read, so junk bodies are limited too."""
    auth = environ.get(backends.ENVIRON_KEY)
    if auth is None:
        extensions["ascolto.limits"].check_address(environ.get("REMOTE_ADDR"))
        return None
    return backends.verify(extensions["ascolto.services"], auth, extensions["ascolto.limits"],
                           environ.get("REMOTE_ADDR"))


def take(extensions, environ: dict, body: dict, backend: BackendView | None) -> str:
    """The JSON intake after :func:`admit` and the parsed ``body``: the service's limit, then
    :func:`accept_submission`; the durable submission's id. Raises its :class:`ApiError`s."""
    extensions["ascolto.limits"].check_service(body.get("service"))  # unvalidated: RateLimits buckets only known keys
    return accept_submission(body, origin=environ.get("HTTP_ORIGIN"), user_agent=environ.get("HTTP_USER_AGENT"),
                             device=environ.get(_DEVICE_KEY), operator=environ.get(_OPERATOR_KEY),
                             backend=backend, direct=True)


def accepted(submission_id: str) -> bytes:
    """The body of the 202."""
    return b'{"submission_id":"%s","status":"accepted"}' % submission_id.encode()


@bp.post("/v1/submissions")
def submit():
    """The JSON intake: 202 only once the submission is durable. Plain posts are answered by the
    front (:mod:`collector.front`); this view takes the others (chunked, unusual bodies) and
    answers the refusals the front met, raising them for the app's error handlers."""
    # the objects behind the proxies, looked up once; the headers read straight from the WSGI
    # environ, as ``request.headers.get`` does (issue 18: ~1 µs per proxy access)
    req = request._get_current_object()
    environ = req.environ
    refused = environ.get(REFUSED)
    if refused is not None:
        if refused.body is not None:
            g.ascolto_body = refused.body
        raise refused.error
    extensions = current_app.extensions
    backend = admit(extensions, environ)
    body = json_body(req)
    return Response(accepted(take(extensions, environ, body, backend)), 202, content_type="application/json")


@bp.get("/v1/services/<key>/questionnaire")
def questionnaire(key: str):
    """The service's questionnaire rendered in ``lang`` (Italian fallback), with an ETag.

    A page of an origin the service does not allow gets the same 403 as its submission would, so
    the widget says "not active on this page" before the citizen answers (Vary: Origin).

    Counted first against the client's read budget (``ASCOLTO_RATE_LIMIT_GET``; a conditional request
    too, see :meth:`collector.ratelimit.RateLimits.check_read`): past it a JSON 429 ``rate_limited``
    with ``Retry-After``, which the widget waits out. A browser asks again only after ``max-age``
    (300 s), and then is answered 304 to its ``If-None-Match`` while nothing changed: the body and its ETag
    are rendered once (:func:`_rendered`), so a reload costs the registry's cached lookup."""
    current_app.extensions["ascolto.limits"].check_read("questionnaire")
    cfg = _service(key)
    origin = request.headers.get("Origin")
    _count_origin(cfg, origin)
    if origin and origin not in cfg.allowed_origins:
        raise ApiError(403, "origin_not_allowed", f"Origin {origin!r} may not embed service {cfg.key!r}. "
                       + how_to_allow(origin, cfg.key, current_app.config["ASCOLTO_SETTINGS"].registry_ttl_s),
                       {"Origin": not_allowed(origin)})
    try:
        q = catalog().get(cfg.questionnaire_id, cfg.questionnaire_version)
    except UnknownQuestionnaire:
        raise ApiError(409, "questionnaire_not_assigned", "The assigned questionnaire is not published.",
                       {"service": [f"Assigned {cfg.questionnaire_id} version {cfg.questionnaire_version}, "
                                    "which is not a published questionnaire: ask the national team."]}) from None
    payload, etag = _rendered(cfg, q, client_language(request.args.get("lang")))
    resp = Response(payload, mimetype="application/json")
    resp.set_etag(etag)
    resp.cache_control.public = True
    resp.cache_control.max_age = 300
    resp = resp.make_conditional(request)
    if resp.status_code == 412:  # werkzeug keeps the questionnaire as the body of its 412: say which header failed
        header = "If-Match" if "If-Match" in request.headers else "If-Unmodified-Since"
        raise ApiError(412, "precondition_failed", "The questionnaire does not match the request's precondition.",
                       {header: [f"Not met: the questionnaire's ETag is {resp.headers['ETag']}."]})
    return resp


#: ``app.extensions`` key of the questionnaire answers rendered (:func:`_rendered`), and how many it keeps
RENDERED, RENDERED_MAX = "ascolto.questionnaires_rendered", 2048


def _rendered(cfg: ServiceView, q, lang: str) -> tuple[bytes, str]:
    """The body of the questionnaire's answer for service ``cfg`` in ``lang``, and its ETag: rendered once
    for each value of what it is made of — the published questionnaire (never edited), the service's key,
    name in ``lang``, sampling rate and test mode now — so that a reload, 200 or 304, costs a lookup; a
    change in the registry (seen within its TTL) is another key, hence a new body and ETag."""
    service_name, service_name_lang = cfg.name_in(lang)  # in lang where the registry has it, else Italian
    key = (q.id, q.version, lang, cfg.key, service_name, service_name_lang, cfg.sampling_rate, cfg.test_mode)
    memo = current_app.extensions.setdefault(RENDERED, {})
    hit = memo.get(key)
    if hit is not None:
        return hit
    doc = dict(q.render(lang), service=cfg.key,
               service_name=service_name,  # names the widget's form, dialog and button apart from another service's
               sampling_rate=cfg.sampling_rate)  # the widget invites this share of page views
    if service_name_lang:  # the Italian name on a page of another language: the widget marks it lang="it"
        doc["service_name_lang"] = service_name_lang
    if cfg.test_mode:  # the widget says so above the questions: answers are check-ups, not counted
        doc["test"] = True
    for item in doc["items"]:  # the face of each answer, as the form and the kiosk draw it (collector.faces)
        faces = moods(q.item(item["code"]), q)
        if faces:
            item["faces"] = faces
    payload = json.dumps(doc, ensure_ascii=False, sort_keys=True).encode("utf-8")
    if len(memo) >= RENDERED_MAX:  # bounded: keys come from registered services only, 5 languages each
        memo.clear()
    memo[key] = hit = (payload, hashlib.sha256(payload).hexdigest()[:32])
    return hit


@bp.after_request
def _cors(resp: Response) -> Response:
    """Let browsers read answers; the origin itself is enforced per service in :func:`accept_submission`."""
    return reflect_origin(resp, **CORS)


def _not_assigned(sub: dict, cfg) -> ApiError:
    """The 409 of a post for another questionnaire or version than the service's: it names only the
    fields that differ, each with what was sent and what is expected (a right questionnaire is not
    named as if it were wrong)."""
    fields = {}
    if sub["questionnaire"] != cfg.questionnaire_id:
        fields["questionnaire"] = [f"Expected {cfg.questionnaire_id!r}, got {sub['questionnaire']!r}."]
    if sub["version"] != cfg.questionnaire_version:
        fields["version"] = [f"Expected {cfg.questionnaire_version}, got {sub['version']}."]
    return ApiError(409, "questionnaire_not_assigned",
                    f"Service {cfg.key!r} collects {cfg.questionnaire_id} version {cfg.questionnaire_version}.",
                    fields)
