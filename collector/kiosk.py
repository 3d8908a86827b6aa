"""Kiosk mode (issue 14 §2): ``GET /v1/services/<key>/kiosk?device=TOKEN`` and ``GET /kiosk.js``.

A full-screen, touch-first page for a totem or a tablet at the counter: the faces question, an
optional reason (the items the chosen face opens), a thank-you screen that resets after a few
seconds. It opens only with the token of a device registered for the service (403 page
otherwise), and its answers are sent with that token (``X-Ascolto-Device``), so they carry the
device's channel (:mod:`collector.channels`). Answers not yet accepted are queued in the page's
``localStorage`` — the submission bodies only, with their ``submission_id``s, nothing that
identifies a person — and sent in order when the network returns; an answer leaves the queue only
once answered 202 (or refused for good), so none is lost and the id makes a resend harmless.
"""
from __future__ import annotations

import hashlib
import json
from importlib import resources

from flask import Blueprint, Response, current_app, render_template, request, url_for

from questionnaires import UnknownQuestionnaire
from questionnaires.vocabulary import client_language
from registry.checks import SERVICE_KEY

from .catalog import catalog
from .errors import ApiError
from .faces import face_svg, moods
from .form_i18n import LANGUAGE_NAMES
from .kiosk_i18n import KIOSK_UI

bp = Blueprint("kiosk", __name__)
_JS = resources.files("collector").joinpath("static", "kiosk.js").read_bytes()
_JS_ETAG = hashlib.sha1(_JS).hexdigest()  # once per process: kiosk.js is not rate limited (collector.public)
RESET_S = 6
RETRY_S = 60  # a kiosk page that cannot open asks again this often (404, 409: mended in the registry)


def _headers(resp: Response) -> Response:
    resp.cache_control.no_store = True
    resp.headers["Referrer-Policy"] = "no-referrer"  # the device token is in the address
    resp.headers["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    return resp


def _busy(lang: str, refused: ApiError) -> Response:
    """The 429 page of a kiosk past its address's read budget (``ASCOLTO_RATE_LIMIT_GET``): it says so to
    the staff and loads itself again once ``Retry-After`` is over, so the totem comes back by itself."""
    retry = refused.headers["Retry-After"]
    html = render_template("kiosk_denied.html", lang=lang, ui=KIOSK_UI[lang], retry_s=retry, why=KIOSK_UI[lang]["busy"])
    resp = _headers(Response(html, status=429, mimetype="text/html"))
    resp.headers["Retry-After"] = retry
    return resp


def _denied(lang: str, status: int) -> Response:
    """The page a kiosk shows instead of the faces, naming what is wrong (the staff at the counter
    read it): 403 the device is not one of the service's, 404 no such active service, 409 its
    questionnaire has no faces question or is not published. The last two may be mended in the
    registry (the service activated, a faces questionnaire assigned): the page then asks again every
    ``RETRY_S`` seconds, so the totem comes back by itself; a device refused stays refused."""
    ui = KIOSK_UI[lang]
    html = render_template("kiosk_denied.html", lang=lang, ui=ui, retry_s=RETRY_S if status in (404, 409) else None,
                           why=ui[{403: "denied", 404: "unknown", 409: "unusable"}[status]])
    return _headers(Response(html, status=status, mimetype="text/html"))


@bp.get("/v1/services/<key>/kiosk")
def kiosk(key: str):
    """The kiosk page of service ``key`` for the device whose token is ``device``.

    ``lang``: the page's language; links on the faces screen open it in the questionnaire's other
    languages (``home``: the device's own language, which the page returns to once the answer is
    given, or after a minute untouched, for the next person). Counted first against the address's read
    budget (``ASCOLTO_RATE_LIMIT_GET``: generous, a kiosk reloads after each answer): past it :func:`_busy`."""
    lang = client_language(request.args.get("lang"))
    try:
        current_app.extensions["ascolto.limits"].check_read("kiosk")
    except ApiError as exc:
        if exc.status != 429:
            raise
        return _busy(lang, exc)
    directory = current_app.extensions["ascolto.services"]
    cfg = directory.get(key) if SERVICE_KEY.fullmatch(key) else None  # a key no service has: no query
    if cfg is None or not cfg.active:  # before the device's lookup: a made-up pair costs one query, not two
        return _denied(lang, 404)
    token = request.args.get("device", "")
    device = directory.device(token) if token else None
    if device is None or device.service_key != cfg.key:
        return _denied(lang, 403)
    try:
        q = catalog().get(cfg.questionnaire_id, cfg.questionnaire_version)
    except UnknownQuestionnaire:
        return _denied(lang, 409)
    head = next((i for i in q.items if moods(i, q)), None)
    if head is None:  # a kiosk asks the faces question; other instruments belong to the widget
        return _denied(lang, 409)
    doc = q.render(lang)
    first = next(i for i in doc["items"] if i["code"] == head.code)
    faces = [dict(f, mood=m, svg=face_svg(m)) for f, m in zip(_face_answers(first), moods(head, q))]
    reasons = [i for i in doc["items"] if (i.get("show_if") or {}).get("item") == head.code
               and i["type"] in ("choice", "multi")]
    try:  # seconds the thank-you screen stays (2–60; default RESET_S)
        reset_s = min(60, max(2, int(request.args.get("reset", RESET_S))))
    except ValueError:
        reset_s = RESET_S
    # the device's own language (its address's lang); a citizen may switch to another for one answer
    home = client_language(request.args.get("home") or request.args.get("lang"))
    keep = {"device": token, "home": home, **({"reset": request.args["reset"]} if "reset" in request.args else {})}
    languages = [{"lang": code, "name": LANGUAGE_NAMES[code], "href": url_for("kiosk.kiosk", key=cfg.key, lang=code, **keep)}
                 for code in LANGUAGE_NAMES if code != lang and q.title.get(code)]
    config = {"service": cfg.key, "questionnaire": q.id, "version": q.version, "lang": lang, "item": head.code,
              "rating": head.type == "rating", "reset_s": reset_s, "reasons": reasons,
              # back to the device's language after the answer (or a minute untouched), for the next person
              "home": url_for("kiosk.kiosk", key=cfg.key, lang=home, **{k: v for k, v in keep.items() if k != "home"})
              if home != lang else None}
    html = render_template("kiosk.html", lang=lang, ui=KIOSK_UI[lang], question=first, device=token,
                           faces=faces, languages=languages,
                           reasons=reasons, config=json.dumps(config, ensure_ascii=False).replace("</", "<\\/"),
                           names=(cfg.name_in(lang), cfg.entity_name_in(lang)))  # in the kiosk's language
    return _headers(Response(html, mimetype="text/html"))


def _face_answers(item: dict) -> list[dict]:
    """The answers of the faces item as rendered (``Item.render``): ``code`` (what the face sends:
    a rating's point as digits, the page sending it as a number), ``label`` and ``lang`` (``"it"``
    where the label fell back to Italian). A rating's ends say their scale words, as in the widget
    and the form; its middle point, which has none, its digit."""
    if item["type"] != "rating":
        return [{"code": o["code"], "label": o["label"], "lang": o.get("label_lang")} for o in item["options"]]
    low, high = item["scale"]["min"], item["scale"]["max"]
    words, marks = item.get("scale_labels") or {}, item.get("scale_labels_lang") or {}
    end = {low: "min", high: "max"}
    return [{"code": str(v), "label": words.get(end.get(v), str(v)), "lang": marks.get(end.get(v))}
            for v in range(low, high + 1)]


@bp.get("/kiosk.js")
def kiosk_js():
    resp = Response(_JS, mimetype="application/javascript")
    resp.set_etag(_JS_ETAG)
    resp.cache_control.public = True
    resp.cache_control.max_age = 300
    return resp.make_conditional(request)
