"""The questionnaire without JavaScript: a server-rendered HTML form (DESIGN §4).

- ``GET /v1/services/<key>/form?lang=it[&page=/path][&back=URL]`` — the service's questionnaire as a plain,
  accessible HTML form (no script at all), with a hidden server-generated ``submission_id``, a
  honeypot field and a signed token carrying the render time (itsdangerous); links at the top open
  it in the questionnaire's other languages (``page`` and the way back kept: ``back``, an allowed
  origin's page, else the ``Referer``).
- ``POST /v1/submissions/form?lang=it`` — (the ``lang`` in the URL: for the pages refused before
  the body is read, e.g. 413) converts the form fields to the JSON answer types (ratings to
  int, booleans to true/false, multi from repeated fields, empty fields omitted) and hands the body
  to :func:`collector.intake.accept_submission`, the one intake shared with the JSON API; success
  answers ``303`` to the localized thank-you page, refusals re-render the form with the answers
  kept and each error next to its field (422, or 429/503 with ``Retry-After``: the collector's own
  rate limits too, checked before the form is read). Never a 5xx for anything the client sends.
  Back after the thank-you page returns to the same form page, the same ``submission_id`` with the
  answers the browser refills: sending them again is stored once (:func:`form_page`) and thanked
  again; sending *changed* answers again is answered ``409`` with a page saying that the first
  answers remain the ones recorded and the changes were not (:mod:`collector.form_sent`).
- ``GET /v1/services/<key>/form/thanks?lang=it[&back=URL]`` — the localized thank-you page, with a link
  back to the page the form was opened from (``collector.backlink``: an allowed origin only).
- Both GETs count first against the client's read budget (``ASCOLTO_RATE_LIMIT_GET``, apart from the
  posts'): past it the 429 page "Troppe richieste" in the page's language, with ``Retry-After``.

The module holds the views; the token is :mod:`collector.form_token`, the view model (items for
the template, fields back to answers) :mod:`collector.form_view`, the OpenAPI paths
:mod:`collector.form_openapi`.

Branching without script: every item is shown; an item with ``show_if`` carries a hint saying
when it applies ("Rispondi solo se …"), and answers to items whose condition does not hold for
the submitted answers are dropped before validation, exactly as the widget hides them.
"""
from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from itsdangerous import BadSignature, SignatureExpired
from werkzeug.exceptions import RequestEntityTooLarge

from questionnaires import AnswersInvalid, UnknownQuestionnaire
from questionnaires.model import DEFAULT_LANGUAGE, Questionnaire
from questionnaires.vocabulary import client_language as _lang, label_lang
from registry.checks import SERVICE_KEY

from .body import read_body
from .catalog import catalog
from .backlink import back_url, checked_back
from .errors import ApiError, count_refusal
from .intake import accept_submission  # the one intake: validation, bot checks, durability
from .form_i18n import LANGUAGE_NAMES, UI
from .form_origin import effective_origin, framing_origin
from .form_sent import SentForms
from .form_token import TOKEN_MAX_AGE_S, _issue, _local_secret, _signer
from .form_view import FIELD, HONEYPOT, _field_errors, _view_items, form_answers

bp = Blueprint("form", __name__, template_folder="templates")

_ORIGIN_RE = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


# --- helpers ------------------------------------------------------------------------------------

def _names(key: str, lang: str) -> dict[str, str | None]:
    """Service and entity names shown in the page header, in ``lang`` (Italian where the registry has
    none in it: ``*_lang`` is then ``"it"``, for the ``lang`` attribute), from the registry read model."""
    none = {"service_name": "", "service_name_lang": None, "entity_name": "", "entity_name_lang": None}
    try:
        view = current_app.extensions["ascolto.services"].get(key)
    except Exception:  # the header is decoration: never fail the page for it
        current_app.logger.warning("service names unavailable for %s", key, exc_info=True)
        return none
    if view is None:
        return none
    (service, service_lang), (entity, entity_lang) = view.name_in(lang), view.entity_name_in(lang)
    return {"service_name": service, "service_name_lang": service_lang, "entity_name": entity,
            "entity_name_lang": entity_lang}


class _PageError(Exception):
    """An error answered as an HTML page (not the JSON shape: these are browser navigations)."""

    def __init__(self, status: int, kind: str, lang: str, key: str | None = None,
                 headers: Mapping[str, str] | None = None):
        super().__init__(kind)
        self.status, self.kind, self.lang, self.key = status, kind, lang, key
        self.headers = dict(headers or {})


def _service(key: str, lang: str):
    """(service config, assigned questionnaire) or a 404/409 page; a key no service can have is not
    asked of the registry (:data:`registry.checks.SERVICE_KEY`)."""
    cfg = current_app.extensions["ascolto.services"].get(key) if SERVICE_KEY.fullmatch(key) else None
    if cfg is None or not cfg.active:
        raise _PageError(404, "unknown_service", lang)
    try:
        return cfg, catalog().get(cfg.questionnaire_id, cfg.questionnaire_version)
    except UnknownQuestionnaire:
        raise _PageError(409, "not_assigned", lang) from None


def _clean_page(raw: str | None) -> str:
    """A page path as the widget sends it: path only, no query string or fragment, bounded."""
    if not raw:
        return ""
    path = urlsplit(raw.strip()).path
    return path[:512] if path.startswith("/") else ""


def _secure(resp: Response, allowed_origins=(), *, anywhere: bool = False) -> Response:
    """Headers of every HTML page: no script at all, framable only by the service's sites — or by any page
    (``anywhere``) for a page with nothing to act on, sent before the service is known."""
    ancestors = "*" if anywhere else " ".join(["'self'", *(o for o in sorted(allowed_origins) if _ORIGIN_RE.match(o))])
    resp.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
        f"base-uri 'none'; frame-ancestors {ancestors}")
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "same-origin"
    return resp


# --- the form as plain HTML ----------------------------------------------------------------------

def _language_links(cfg, q: Questionnaire, lang: str, page: str, back: str) -> list[dict[str, str]]:
    """Links to this form in the questionnaire's other languages (a link sent with ``lang=it`` to
    everyone, a German speaker among them), each named in its own language; ``page`` and ``back`` kept."""
    keep = {**({"page": page} if page else {}), **({"back": back} if back else {})}
    return [{"lang": code, "name": LANGUAGE_NAMES[code], "href": url_for("form.form_page", key=cfg.key, lang=code, **keep)}
            for code in LANGUAGE_NAMES if code != lang and q.title.get(code)]


def _render_form(cfg, q: Questionnaire, lang: str, *, submission_id: str, token: str, page: str, back: str = "",
                 raw: Mapping[str, list[str]] | None = None, errors: Mapping[str, str] | None = None,
                 notice: str = "", status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """The form page; the links to other languages only on a form without answers (a link is a new,
    empty form: after a refusal it would throw the answers away)."""
    ui = UI[lang]
    errors = dict(errors or {})
    html = render_template(
        "form.html", lang=lang, ui=ui, title=q.title.get(lang) or q.title[DEFAULT_LANGUAGE],
        languages=[] if raw else _language_links(cfg, q, lang, page, checked_back(cfg.allowed_origins, back)),
        title_lang=label_lang(q.title, lang), **_names(cfg.key, lang),
        items=_view_items(q, lang, raw or {}, errors), errors=errors, notice=notice,
        test=cfg.test_mode,  # a service in test mode: its answers are check-ups, never counted
        # the action carries the language: pages refused before the body is read (413, a rate
        # limit) take it from the URL, the hidden field being out of reach
        action=url_for("form.submit_form", lang=lang), hidden={
            "service": cfg.key, "lang": lang, "submission_id": submission_id, "token": token, "page": page,
            "back": checked_back(cfg.allowed_origins, back)},
        honeypot=HONEYPOT)
    resp = Response(html, status=status, mimetype="text/html")
    resp.headers["Cache-Control"] = "private, no-cache"  # Back shows the page again: form_page's docstring
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return _secure(resp, cfg.allowed_origins)


@bp.get("/v1/services/<key>/form")
def form_page(key: str):
    """The questionnaire as an HTML form that works without JavaScript.

    Sent ``Cache-Control: private, no-cache`` (not ``no-store``, as the thank-you and error pages)
    so that the browser's Back button after the thank-you page shows *this* page again — with the
    ``submission_id`` the answers were sent with — while the browser refills those answers: Send
    again is then the same submission, stored once (DESIGN §4). Under ``no-store`` the page was
    fetched anew with a fresh id next to the refilled answers, and a second response was stored.
    Without cookies or anything kept about the person this is the one robust link between the two
    sends; opening the form again (a link, reload) still revalidates and gets a fresh id, and no
    shared cache keeps the page (``private``). The form re-rendered after a refusal (:func:`_render_form`)
    is sent the same way: under ``no-store`` Back from the thank-you page to it was Chrome's
    "Confirm Form Resubmission" (ERR_CACHE_MISS). That page holds the answers sent, kept in the
    browser's own cache only, as its history keeps them for the form page anyway."""
    current_app.extensions["ascolto.limits"].check_read("form")  # past it: the busy page (_api_error), in lang
    lang = _lang(request.args.get("lang"))
    cfg, q = _service(key, lang)
    sid, token = _issue(cfg, q, frame=framing_origin(cfg))
    page = _clean_page(request.args.get("page"))
    # the thank-you page's link: the page the citizen came from (a language link carries it along)
    back = (checked_back(cfg.allowed_origins, request.args.get("back"))
            or back_url(cfg.allowed_origins, request.headers.get("Referer"), page))
    return _render_form(cfg, q, lang, submission_id=sid, token=token, page=page, back=back)


# --- the POST -----------------------------------------------------------------------------------



@bp.post("/v1/submissions/form")
def submit_form():
    """Form fields → :func:`accept_submission` → 303 to the thank-you page, or the form again."""
    limits = current_app.extensions["ascolto.limits"]
    # past a rate limit (many citizens behind one address, a burst on one service) the form comes
    # back with the answers, in its language: read below, once the form is known to be ours
    busy = _limited(limits.check_client)
    read_body(request._get_current_object())  # a chunked body over the limit: 413, not cut (the form parses it)
    busy = busy or _limited(lambda: limits.check_service(request.form.get("service")))
    try:
        return _submit(busy)
    except _PageError:
        if busy is None:
            raise
        # not a form of ours to give back (no such service, a forged token...): the limit's own page
        count_refusal(busy.error)
        return _error_page(429, "busy", _lang(request.form.get("lang")), None,
                           {k: v for k, v in busy.headers.items() if k == "Retry-After"})


def _submit(busy: ApiError | None) -> Response:
    """The form's POST once its body is read; ``busy``: the rate limit's 429, the form then given back."""
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise _PageError(415, "bad_request", _lang(request.args.get("lang")))
    form = request.form
    lang = _lang(form.get("lang"))
    key = form.get("service", "")
    cfg, q = _service(key, lang)
    page = _clean_page(form.get("page"))
    back = checked_back(cfg.allowed_origins, form.get("back"))
    answers, raw = form_answers(q, form)
    try:
        data = _signer().loads(form.get("token", ""), max_age=TOKEN_MAX_AGE_S)
    except SignatureExpired:
        old = _signer().loads_unsafe(form.get("token", ""))[1]  # the signature held; only the age did not
        frame = old.get("f", "") if isinstance(old, dict) and isinstance(old.get("f"), str) else ""
        sid, token = _issue(cfg, q, _uuid_or_none(form.get("submission_id")), frame=frame)
        return _render_form(cfg, q, lang, submission_id=sid, token=token, page=page, back=back, raw=raw,
                            notice=UI[lang]["expired"], status=422)
    except BadSignature:
        raise _PageError(400, "bad_request", lang, key) from None
    if not isinstance(data, dict) or data.get("s") != cfg.key or data.get("i") != form.get("submission_id"):
        raise _PageError(400, "bad_request", lang, key)
    if (data.get("q"), data.get("v")) != (q.id, q.version):
        raise _PageError(409, "not_assigned", lang, key)  # the assignment changed since rendering
    again = dict(submission_id=data["i"], token=form.get("token", ""), page=page, back=back, raw=raw)
    if busy is not None:  # not sent: the same answers, the same submission_id, sent again later
        count_refusal(busy.error, cfg.key)
        return _render_form(cfg, q, lang, **again, notice=UI[lang]["busy"], status=429,
                            headers={k: v for k, v in busy.headers.items() if k == "Retry-After"})
    fill_ms = max(0, int(time.time() * 1000) - int(data.get("t", 0)))
    context = {"hp": form.get(HONEYPOT, "")[:512], "fill_ms": str(fill_ms)}
    if page:
        context["page"] = page
    body = {"submission_id": data["i"], "service": cfg.key, "questionnaire": q.id, "version": q.version,
            "lang": lang, "answers": answers, "context": context}  # the channel: the service's own (registry)
    origin = effective_origin(data)
    sent = _sent_forms()
    first = sent.seen(data["i"])
    if first is not None:  # sent before (Back after the thank-you page): the first answers are the ones counted
        if sent.digest(answers) != first:
            return _already_sent(cfg, lang, back)
        return _thanked(cfg, lang, back)  # the same answers again: recorded once, as said the first time
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
        if exc.error == "channel_not_declared":
            kind = "channel"  # not "the questionnaire has changed": opening the form again would not help
        raise _PageError(exc.status if exc.status < 500 else 400, kind, lang, key) from None
    sent.record(data["i"], sent.digest(answers))
    return _thanked(cfg, lang, back)


def _thanked(cfg, lang: str, back: str) -> Response:
    return redirect(url_for("form.thanks", key=cfg.key, lang=lang, **({"back": back} if back else {})), code=303)


def _already_sent(cfg, lang: str, back: str) -> Response:
    """409: this ``submission_id`` was accepted before with other answers, which stay the ones
    counted (one response per submission, the first); the page says so, and that the changes
    were not recorded — not a thank-you for answers that are dropped."""
    ui = UI[lang]
    html = render_template("form_error.html", lang=lang, ui=ui, heading=ui["err_already_sent_title"],
                           message=ui["err_already_sent"], again="", back=back)
    resp = Response(html, status=409, mimetype="text/html")
    resp.cache_control.no_store = True
    return _secure(resp, cfg.allowed_origins)


def _sent_forms() -> SentForms:
    """The installation's record of accepted form submissions (:mod:`collector.form_sent`), made once per app."""
    sent = current_app.extensions.get("ascolto.form_sent")
    if sent is None:
        settings = current_app.config["ASCOLTO_SETTINGS"]
        try:
            secret = getattr(settings, "form_secret", "") or _local_secret(Path(settings.data_dir))
        except RuntimeError:  # no secret to key the record with: _signer() refuses the form anyway
            secret = ""
        sent = SentForms(secret, Path(settings.data_dir), getattr(settings, "redis_url", ""))
        current_app.extensions["ascolto.form_sent"] = sent
    return sent


def _limited(check) -> ApiError | None:
    """Run a rate-limit ``check``: its 429 :class:`ApiError` returned, not raised; any other raised."""
    try:
        check()
    except ApiError as exc:
        if exc.status != 429:
            raise
        return exc
    return None


def _uuid_or_none(raw: str | None) -> str | None:
    try:
        return str(uuid.UUID(raw or ""))
    except ValueError:
        return None


@bp.get("/v1/services/<key>/form/thanks")
def thanks(key: str):
    current_app.extensions["ascolto.limits"].check_read("thanks")
    lang = _lang(request.args.get("lang"))
    cfg, q = _service(key, lang)
    html = render_template("form_thanks.html", lang=lang, ui=UI[lang], **_names(cfg.key, lang),
                           again=url_for("form.form_page", key=cfg.key, lang=lang),
                           back=checked_back(cfg.allowed_origins, request.args.get("back")), test=cfg.test_mode)
    resp = Response(html, mimetype="text/html")
    resp.cache_control.no_store = True
    return _secure(resp, cfg.allowed_origins)


# --- errors as pages ----------------------------------------------------------------------------

def _error_page(status: int, kind: str, lang: str, key: str | None = None,
                headers: Mapping[str, str] | None = None, anywhere: bool = False) -> Response:
    ui = UI[lang]
    again = url_for("form.form_page", key=key, lang=lang) if key and kind in ("not_assigned", "bad_request") else ""
    html = render_template("form_error.html", lang=lang, ui=ui, heading=ui[f"err_{kind}_title"],
                           message=ui[f"err_{kind}"], again=again)
    resp = Response(html, status=status, mimetype="text/html")
    resp.cache_control.no_store = True
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return _secure(resp, anywhere=anywhere)


@bp.errorhandler(_PageError)
def _page_error(exc: _PageError):
    return _error_page(exc.status, exc.kind, exc.lang, exc.key, exc.headers)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc):
    return _error_page(413, "too_large", _lang(request.args.get("lang")))


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):  # e.g. a rate limit raised before the view (the GETs' too): still a page, not JSON
    if not exc.counted:
        count_refusal(exc.error)  # the URL's service key where there is one, else "unknown"
    kind = {403: "origin", 404: "unknown_service", 409: "not_assigned", 413: "too_large",
            429: "busy", 503: "unavailable"}.get(exc.status, "bad_request")
    # the GETs' read limit is checked before the service is known (no lookup for a flood): its page, which has
    # nothing to act on, shows in whichever PA page frames the form, rather than a frame the browser blocks
    reads_limited = exc.status == 429 and request.method in ("GET", "HEAD")
    return _error_page(exc.status, kind, _lang(request.args.get("lang")), None,
                       {k: v for k, v in exc.headers.items() if k == "Retry-After"}, anywhere=reads_limited)
