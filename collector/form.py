"""The questionnaire without JavaScript: a server-rendered HTML form (DESIGN §4).

- ``GET /v1/services/<key>/form?lang=it[&page=/path]`` — the service's questionnaire as a plain,
  accessible HTML form (no script at all), with a hidden server-generated ``submission_id``, a
  honeypot field and a signed token carrying the render time (itsdangerous).
- ``POST /v1/submissions/form`` — converts the form fields to the JSON answer types (ratings to
  int, booleans to true/false, multi from repeated fields, empty fields omitted) and hands the body
  to :func:`collector.intake.accept_submission`, the one intake shared with the JSON API; success
  answers ``303`` to the localized thank-you page, refusals re-render the form with the answers
  kept and each error next to its field (422, or 429/503 with ``Retry-After``). Never a 5xx for
  anything the client sends.
- ``GET /v1/services/<key>/form/thanks?lang=it`` — the localized thank-you page.

Branching without script: every item is shown; an item with ``show_if`` carries a hint saying
when it applies ("Rispondi solo se …"), and answers to items whose condition does not hold for
the submitted answers are dropped before validation, exactly as the widget hides them.
"""
from __future__ import annotations

import os
import re
import secrets
import time
import uuid
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.exceptions import RequestEntityTooLarge

from questionnaires import AnswersInvalid, UnknownQuestionnaire, default_catalog
from questionnaires.model import DEFAULT_LANGUAGE, LANGUAGES, Item, Questionnaire

from .errors import ApiError
from .intake import accept_submission  # the one intake: validation, bot checks, durability
from .form_i18n import UI, condition_hint

bp = Blueprint("form", __name__, template_folder="templates")

TOKEN_MAX_AGE_S = 24 * 3600
HONEYPOT = "asc_hp"
FIELD = "answers."
_ORIGIN_RE = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


# --- helpers ------------------------------------------------------------------------------------

def _lang(raw: str | None) -> str:
    raw = (raw or "").strip().lower()[:2]
    return raw if raw in LANGUAGES else DEFAULT_LANGUAGE


def _signer() -> URLSafeTimedSerializer:
    """The token signer; the secret is ``Settings.form_secret`` or one kept in the data dir.

    Every collector process behind one address must share the secret: set
    ``ASCOLTO_FORM_SECRET`` when collectors run on several hosts.
    """
    signer = current_app.extensions.get("ascolto.form_signer")
    if signer is None:
        settings = current_app.config["ASCOLTO_SETTINGS"]
        secret = getattr(settings, "form_secret", "") or _local_secret(Path(settings.data_dir))
        signer = URLSafeTimedSerializer(secret, salt="ascolto.form/1")
        current_app.extensions["ascolto.form_signer"] = signer
    return signer


def _local_secret(data_dir: Path) -> str:
    """A random secret created once in ``data_dir`` (atomically: workers may race) and reused."""
    path = data_dir / "form-secret"
    for _ in range(50):
        try:
            value = path.read_text("ascii").strip()
            if value:
                return value
        except FileNotFoundError:
            data_dir.mkdir(parents=True, exist_ok=True)
            tmp = data_dir / f".form-secret.{os.getpid()}.{secrets.token_hex(4)}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)  # fails if another worker won the race: then read theirs
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
            continue
        time.sleep(0.02)
    raise RuntimeError(f"cannot read the form secret in {path}")


def _names(key: str) -> tuple[str, str]:
    """Service and entity names shown in the page header, from the registry read model."""
    try:
        view = current_app.extensions["ascolto.services"].get(key)
    except Exception:  # the header is decoration: never fail the page for it
        current_app.logger.warning("service names unavailable for %s", key, exc_info=True)
        return "", ""
    return (view.name, view.entity_name) if view is not None else ("", "")


class _PageError(Exception):
    """An error answered as an HTML page (not the JSON shape: these are browser navigations)."""

    def __init__(self, status: int, kind: str, lang: str, key: str | None = None,
                 headers: Mapping[str, str] | None = None):
        super().__init__(kind)
        self.status, self.kind, self.lang, self.key = status, kind, lang, key
        self.headers = dict(headers or {})


def _service(key: str, lang: str):
    """(service config, assigned questionnaire) or a 404/409 page."""
    cfg = current_app.extensions["ascolto.services"].get(key) if len(key) <= 64 else None
    if cfg is None or not cfg.active:
        raise _PageError(404, "unknown_service", lang)
    try:
        return cfg, default_catalog().get(cfg.questionnaire_id, cfg.questionnaire_version)
    except UnknownQuestionnaire:
        raise _PageError(409, "not_assigned", lang) from None


def _clean_page(raw: str | None) -> str:
    """A page path as the widget sends it: path only, no query string or fragment, bounded."""
    if not raw:
        return ""
    path = urlsplit(raw.strip()).path
    return path[:512] if path.startswith("/") else ""


def _secure(resp: Response, allowed_origins=()) -> Response:
    """Headers of every HTML page: no script at all, framable only by the service's sites."""
    ancestors = " ".join(o for o in sorted(allowed_origins) if _ORIGIN_RE.match(o))
    resp.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
        f"base-uri 'none'; frame-ancestors 'self' {ancestors}".rstrip())
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "same-origin"
    return resp


# --- the form as plain HTML ----------------------------------------------------------------------

def _label_lang(labels: Mapping[str, str], lang: str) -> str | None:
    """``"it"`` where the label falls back to Italian in a page of another language, else None."""
    return None if labels.get(lang) else (DEFAULT_LANGUAGE if lang != DEFAULT_LANGUAGE else None)


def _choices(item: Item, lang: str, ui: Mapping[str, str]) -> list[dict[str, Any]]:
    if item.type == "rating":
        out = []
        for v in range(item.scale_min, item.scale_max + 1):
            extreme = "min" if v == item.scale_min else "max" if v == item.scale_max else None
            words = item.scale_labels.get(extreme) if extreme else None
            out.append({"value": str(v), "n": str(v), "label": str(v),
                        "word": (words.get(lang) or words[DEFAULT_LANGUAGE]) if words else "",
                        "lang": _label_lang(words, lang) if words else None})
        return out
    if item.type == "boolean":
        return [{"value": "true", "label": ui["yes"]}, {"value": "false", "label": ui["no"]}]
    return [{"value": o.code, "label": o.label.get(lang) or o.label[DEFAULT_LANGUAGE],
             "lang": _label_lang(o.label, lang)} for o in item.options]


def _view_items(q: Questionnaire, lang: str, raw: Mapping[str, list[str]],
                errors: Mapping[str, str]) -> list[dict[str, Any]]:
    ui = UI[lang]
    items = []
    for item in q.items:
        picked = raw.get(item.code, [])
        view = {
            "code": item.code, "type": item.type, "name": FIELD + item.code, "id": f"q-{item.code}",
            "label": item.label.get(lang) or item.label[DEFAULT_LANGUAGE],
            "label_lang": _label_lang(item.label, lang), "required": item.required,
            "hint": (item.hint.get(lang) or item.hint.get(DEFAULT_LANGUAGE)) if item.hint else "",
            "condition": condition_hint(q, item, lang) if item.show_if else "",
            "error": errors.get(item.code, ""), "max_length": item.max_length,
            "text": picked[0] if picked else "",
        }
        view["describedby"] = " ".join(f"{view['id']}-{part}" for part, present in (
            ("cond", view["condition"]), ("hint", view["hint"]), ("err", view["error"]),
            ("max", item.type == "text")) if present)
        if item.type == "text":
            view["max_note"] = ui["max_chars"].format(n=item.max_length)
        if item.type != "text":
            view["choices"] = [dict(c, checked=c["value"] in picked) for c in _choices(item, lang, ui)]
            view["input_type"] = "checkbox" if item.type == "multi" else "radio"
            view["scale"] = item.type == "rating" and len(view["choices"]) <= 7
        items.append(view)
    return items


def _render_form(cfg, q: Questionnaire, lang: str, *, submission_id: str, token: str, page: str,
                 raw: Mapping[str, list[str]] | None = None, errors: Mapping[str, str] | None = None,
                 notice: str = "", status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    ui = UI[lang]
    errors = dict(errors or {})
    service_name, entity_name = _names(cfg.key)
    html = render_template(
        "form.html", lang=lang, ui=ui, title=q.title.get(lang) or q.title[DEFAULT_LANGUAGE],
        title_lang=_label_lang(q.title, lang), service_name=service_name, entity_name=entity_name,
        items=_view_items(q, lang, raw or {}, errors), errors=errors, notice=notice,
        action=url_for("form.submit_form"), hidden={
            "service": cfg.key, "lang": lang, "submission_id": submission_id, "token": token, "page": page},
        honeypot=HONEYPOT)
    resp = Response(html, status=status, mimetype="text/html")
    resp.cache_control.no_store = True
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return _secure(resp, cfg.allowed_origins)


def _issue(cfg, q: Questionnaire, submission_id: str | None = None) -> tuple[str, str]:
    """A fresh ``(submission_id, token)``; the token signs service, questionnaire, id, render time."""
    sid = submission_id or str(uuid.uuid4())
    token = _signer().dumps({"s": cfg.key, "q": q.id, "v": q.version, "i": sid, "t": int(time.time() * 1000)})
    return sid, token


@bp.get("/v1/services/<key>/form")
def form_page(key: str):
    """The questionnaire as an HTML form that works without JavaScript."""
    lang = _lang(request.args.get("lang"))
    cfg, q = _service(key, lang)
    sid, token = _issue(cfg, q)
    return _render_form(cfg, q, lang, submission_id=sid, token=token, page=_clean_page(request.args.get("page")))


# --- the POST -----------------------------------------------------------------------------------

def form_answers(q: Questionnaire, form) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Typed answers from form fields (hidden-branch answers dropped) and the raw values.

    Ratings become ints and booleans ``true``/``false`` when well-formed (otherwise the string is
    passed on, and validation names the field); multi answers come from repeated fields; empty
    fields are unanswered; text line breaks are normalized to ``\\n`` as in the widget.
    """
    answers: dict[str, Any] = {}
    raw: dict[str, list[str]] = {}
    for item in q.items:
        values = [v.replace("\r\n", "\n") for v in form.getlist(FIELD + item.code)]
        raw[item.code] = values
        filled = [v for v in values if v.strip()]
        if not filled:
            continue
        if item.type == "multi":
            value: Any = list(dict.fromkeys(v.strip() for v in filled))
        elif item.type == "text":
            value = filled[0]
        else:
            value = filled[0].strip()
            if item.type == "rating" and re.fullmatch(r"-?[0-9]{1,9}", value):
                value = int(value)
            elif item.type == "boolean":
                value = {"true": True, "false": False}.get(value, value)
        if item.visible(answers):
            answers[item.code] = value
    return answers, raw


def _field_errors(q: Questionnaire, answers: Mapping[str, Any], fields: Mapping[str, Any],
                  lang: str) -> dict[str, str]:
    """Localized messages per item code for the ``answers.<code>`` keys of an ApiError."""
    ui = UI[lang]
    out = {}
    for item in q.items:
        if FIELD + item.code not in fields:
            continue
        value = answers.get(item.code)
        if value is None:
            out[item.code] = ui["choose"]
        elif item.type == "text" and item.max_length and len(value) > item.max_length:
            out[item.code] = ui["too_long"].format(n=item.max_length)
        else:
            out[item.code] = ui["invalid"]
    return out


def _same_site(origin: str) -> bool:
    return urlsplit(origin).netloc.lower() == request.host.lower()


@bp.post("/v1/submissions/form")
def submit_form():
    """Form fields → :func:`accept_submission` → 303 to the thank-you page, or the form again."""
    limits = current_app.extensions["ascolto.limits"]
    limits.check_client()  # a 429 ApiError: rendered as a page by _api_error
    limits.check_service(request.form.get("service"))
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise _PageError(415, "bad_request", _lang(request.args.get("lang")))
    form = request.form
    lang = _lang(form.get("lang"))
    key = form.get("service", "")
    cfg, q = _service(key, lang)
    page = _clean_page(form.get("page"))
    answers, raw = form_answers(q, form)
    try:
        data = _signer().loads(form.get("token", ""), max_age=TOKEN_MAX_AGE_S)
    except SignatureExpired:
        sid, token = _issue(cfg, q, _uuid_or_none(form.get("submission_id")))
        return _render_form(cfg, q, lang, submission_id=sid, token=token, page=page, raw=raw,
                            notice=UI[lang]["expired"], status=422)
    except BadSignature:
        raise _PageError(400, "bad_request", lang, key) from None
    if not isinstance(data, dict) or data.get("s") != cfg.key or data.get("i") != form.get("submission_id"):
        raise _PageError(400, "bad_request", lang, key)
    if (data.get("q"), data.get("v")) != (q.id, q.version):
        raise _PageError(409, "not_assigned", lang, key)  # the assignment changed since rendering
    fill_ms = max(0, int(time.time() * 1000) - int(data.get("t", 0)))
    context = {"hp": form.get(HONEYPOT, "")[:512], "fill_ms": str(fill_ms)}
    if page:
        context["page"] = page
    body = {"submission_id": data["i"], "service": cfg.key, "questionnaire": q.id, "version": q.version,
            "lang": lang, "channel": "web", "answers": answers, "context": context}
    origin = request.headers.get("Origin")
    if origin in ("null", "") or (origin and _same_site(origin)):
        origin = None  # our own page: the signed token vouches for it
    again = dict(submission_id=data["i"], token=form.get("token", ""), page=page, raw=raw)
    try:
        accept_submission(body, origin=origin, user_agent=request.headers.get("User-Agent"))
    except ApiError as exc:
        ui = UI[lang]
        if exc.error == "invalid_answers":
            return _render_form(cfg, q, lang, **again, errors=_field_errors(q, answers, exc.fields, lang),
                                status=422)
        if exc.error == "rejected_as_automated":
            if "context.fill_ms" in exc.fields:  # too fast: if answers are wrong too, say that instead
                try:
                    q.validate(answers)
                except AnswersInvalid as invalid:
                    errors = _field_errors(q, answers, {FIELD + k: v for k, v in invalid.errors.items()}, lang)
                    if errors:
                        return _render_form(cfg, q, lang, **again, errors=errors, status=422)
            notice = ui["too_fast"] if "context.fill_ms" in exc.fields else ui["rejected"]
            return _render_form(cfg, q, lang, **again, notice=notice, status=422)
        if exc.status in (429, 503):
            notice = ui["busy"] if exc.status == 429 else ui["unavailable"]
            return _render_form(cfg, q, lang, **again, notice=notice, status=exc.status,
                                headers={k: v for k, v in exc.headers.items() if k == "Retry-After"})
        kind = {403: "origin", 404: "unknown_service", 409: "not_assigned"}.get(exc.status, "bad_request")
        raise _PageError(exc.status if exc.status < 500 else 400, kind, lang, key) from None
    return redirect(url_for("form.thanks", key=cfg.key, lang=lang), code=303)


def _uuid_or_none(raw: str | None) -> str | None:
    try:
        return str(uuid.UUID(raw or ""))
    except ValueError:
        return None


@bp.get("/v1/services/<key>/form/thanks")
def thanks(key: str):
    lang = _lang(request.args.get("lang"))
    cfg, q = _service(key, lang)
    service_name, entity_name = _names(cfg.key)
    html = render_template("form_thanks.html", lang=lang, ui=UI[lang], service_name=service_name,
                           entity_name=entity_name, again=url_for("form.form_page", key=cfg.key, lang=lang))
    resp = Response(html, mimetype="text/html")
    resp.cache_control.no_store = True
    return _secure(resp, cfg.allowed_origins)


# --- errors as pages ----------------------------------------------------------------------------

def _error_page(status: int, kind: str, lang: str, key: str | None = None,
                headers: Mapping[str, str] | None = None) -> Response:
    ui = UI[lang]
    again = url_for("form.form_page", key=key, lang=lang) if key and kind in ("not_assigned", "bad_request") else ""
    html = render_template("form_error.html", lang=lang, ui=ui, heading=ui[f"err_{kind}_title"],
                           message=ui[f"err_{kind}"], again=again)
    resp = Response(html, status=status, mimetype="text/html")
    resp.cache_control.no_store = True
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return _secure(resp)


@bp.errorhandler(_PageError)
def _page_error(exc: _PageError):
    return _error_page(exc.status, exc.kind, exc.lang, exc.key, exc.headers)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc):
    return _error_page(413, "too_large", _lang(request.args.get("lang")))


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):  # e.g. a rate limit raised before the view: still a page, not JSON
    kind = {403: "origin", 404: "unknown_service", 409: "not_assigned", 413: "too_large",
            429: "busy", 503: "unavailable"}.get(exc.status, "bad_request")
    return _error_page(exc.status, kind, _lang(request.args.get("lang")), None,
                       {k: v for k, v in exc.headers.items() if k == "Retry-After"})


# --- for /openapi.json ---------------------------------------------------------------------------

_HTML = {"text/html": {"schema": {"type": "string"}}}
_KEY = {"name": "key", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}
_LANG = {"name": "lang", "in": "query", "required": False,
         "schema": {"type": "string", "enum": list(LANGUAGES), "default": DEFAULT_LANGUAGE}}

#: OpenAPI 3.1 path items of this blueprint, to be merged into the collector's ``/openapi.json``.
OPENAPI_PATHS: dict[str, Any] = {
    "/v1/services/{key}/form": {"get": {
        "summary": "The service's questionnaire as an HTML form that works without JavaScript",
        "parameters": [_KEY, _LANG, {"name": "page", "in": "query", "required": False,
                                     "description": "Path of the page the citizen comes from (query string dropped).",
                                     "schema": {"type": "string", "maxLength": 2048}}],
        "responses": {"200": {"description": "The form (no script; Cache-Control: no-store).", "content": _HTML},
                      "404": {"description": "Unknown or inactive service (HTML page).", "content": _HTML},
                      "409": {"description": "The assigned questionnaire is not published (HTML page).", "content": _HTML}}}},
    "/v1/submissions/form": {"post": {
        "summary": "Submit the HTML form: the same intake as POST /v1/submissions",
        "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
            "type": "object", "required": ["service", "lang", "submission_id", "token"],
            "properties": {
                "service": {"type": "string"}, "lang": {"type": "string", "enum": list(LANGUAGES)},
                "submission_id": {"type": "string", "format": "uuid"},
                "token": {"type": "string", "description": "Signed render time, service and submission_id."},
                "page": {"type": "string"}, HONEYPOT: {"type": "string", "description": "Honeypot: must be empty."}},
            "additionalProperties": {"description": "answers.<item code>: one field per answer, repeated for "
                                                    "multiple choices.", "type": "string"}}}}},
        "responses": {
            "303": {"description": "Accepted and durable; Location is the localized thank-you page."},
            "400": {"description": "Tampered or forged form (HTML page).", "content": _HTML},
            "403": {"description": "Origin not allowed for the service (HTML page).", "content": _HTML},
            "404": {"description": "Unknown or inactive service (HTML page).", "content": _HTML},
            "409": {"description": "The assignment changed since the form was rendered (HTML page).", "content": _HTML},
            "413": {"description": "Body over the size limit (HTML page).", "content": _HTML},
            "415": {"description": "Not a form encoding (HTML page).", "content": _HTML},
            "422": {"description": "Invalid answers, too fast, honeypot filled or form expired: the form again, "
                                   "answers kept, errors next to each question.", "content": _HTML},
            "429": {"description": "Rate limited: the form again, with Retry-After.", "content": _HTML},
            "503": {"description": "Cannot be stored now: the form again, with Retry-After.", "content": _HTML}}}},
    "/v1/services/{key}/form/thanks": {"get": {
        "summary": "The localized thank-you page", "parameters": [_KEY, _LANG],
        "responses": {"200": {"description": "Thank-you page.", "content": _HTML},
                      "404": {"description": "Unknown or inactive service (HTML page).", "content": _HTML}}}},
}
