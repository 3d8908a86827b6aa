"""Operator entry (issue 14 §3): contact-centre and counter staff record a citizen's faces judgement.

``GET /operator`` (role ``operator``) lists the services of the operator's entity that collect on
``phone`` or ``front_office`` with a faces question, and draws the three faces; one press records
one entry. ``POST /operator/entries`` (JSON ``{service, face, submission_id}``, CSRF header)
forwards it to the collector's public API (``ASCOLTO_COLLECTOR_INTERNAL_URL`` +
``/v1/submissions``) with the operator's credential (:func:`registry.operators.credential`) and
answers with the collector's own status: 202 only once the collector made the entry durable and
audited it naming the operator. The console never imports the collector and never writes to
Kafka: the collector stays the one intake (validation, channel from the registry, durability).
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any

from flask import Blueprint, current_app, g, jsonify, render_template, request

from questionnaires import UnknownQuestionnaire, default_catalog
from registry import Token, session_scope
from registry import ops
from registry.operators import HEADER, OPERATOR_CHANNELS, credential
from registry.names import name_in

from . import i18n
from .auth import require

bp = Blueprint("operator", __name__)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MOODS = ("satisfied", "neutral", "dissatisfied")
i18n.EN.update({
    "Registrazione giudizi": "Record judgements",
    "Servizio": "Service", "Registra il giudizio del cittadino al termine della chiamata o della visita.":
        "Record the citizen's judgement at the end of the call or visit.",
    "Nessun servizio telefonico o di sportello con il questionario a facce per questo ente.":
        "No phone or front-office service with the faces questionnaire for this entity.",
    "Ultime registrazioni": "Latest entries", "telefono": "phone", "sportello": "front office",
})


def faces_services(entity: str, lang: str) -> list[dict[str, Any]]:
    """The entity's active phone/front-office services with a faces question, and its three answers."""
    out = []
    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        rows = [(x.key, name_in(x, lang), x.channel, x.questionnaire_id, x.questionnaire_version)
                for x in ops.list_services(s, entity_ipa=entity, active=True) if x.channel in OPERATOR_CHANNELS]
    for key, name, channel, qid, version in rows:
        try:
            q = default_catalog().get(qid, version)
        except UnknownQuestionnaire:
            continue
        item = next((i for i in q.items if i.display == "faces" and len(i.options) == 3), None)
        if item is None:
            continue
        faces = [{"code": o.code, "label": o.label.get(lang) or o.label["it"],
                  "mood": o.code if o.code in MOODS else MOODS[n]} for n, o in enumerate(item.options)]
        out.append({"key": key, "name": name, "channel": channel, "questionnaire": q.id, "version": q.version,
                    "item": item.code, "question": item.label.get(lang) or item.label["it"], "faces": faces})
    return out


@bp.get("/operator")
@require("operator")
def page():
    services = faces_services(g.user.entity, i18n.lang())
    return render_template("operator.html", services=services, page="operator")


def _refuse(status: int, error: str, message: str, field: str):
    return jsonify({"error": error, "message": message, "fields": {field: [message]}}), status


@bp.post("/operator/entries")
@require("operator")
def entry():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _refuse(400, "malformed", "A JSON object is needed.", "body")
    services = {s["key"]: s for s in faces_services(g.user.entity, "it")}
    svc = services.get(body.get("service"))
    if svc is None:
        return _refuse(403, "service_not_allowed", "Not a phone or front-office service of your entity.", "service")
    if body.get("face") not in {f["code"] for f in svc["faces"]}:
        return _refuse(422, "invalid_answers", "Not one of the three faces.", "face")
    sid = body.get("submission_id")
    if not isinstance(sid, str) or not _UUID.match(sid):
        return _refuse(400, "malformed", "submission_id must be a lower-case UUID.", "submission_id")
    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        token = s.get(Token, g.user.token_id)
        cred = credential(token)
    payload = {"submission_id": sid, "service": svc["key"], "questionnaire": svc["questionnaire"],
               "version": svc["version"], "lang": i18n.lang(), "answers": {svc["item"]: body["face"]},
               "context": {"page": "/operator"}}
    return _forward(payload, cred)


def _forward(payload: dict, cred: str):
    """POST ``payload`` to the collector; its status and JSON back (503 when it cannot be reached)."""
    url = current_app.config["ASCOLTO_SETTINGS"].intake_url + "/v1/submissions"
    req = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/json", HEADER: cred,
                                          "User-Agent": "ascolto-console/operator"})
    try:
        with urllib.request.urlopen(req, timeout=15) as resp:  # noqa: S310 (a configured http(s) URL)
            return current_app.response_class(resp.read(), status=resp.status, mimetype="application/json")
    except urllib.error.HTTPError as exc:
        data = exc.read()
        try:
            json.loads(data)
        except ValueError:
            data = json.dumps({"error": "unavailable", "message": f"collector answered {exc.code}",
                               "fields": {}}).encode()
        resp = current_app.response_class(data, status=exc.code, mimetype="application/json")
        if exc.headers.get("Retry-After"):
            resp.headers["Retry-After"] = exc.headers["Retry-After"]
        return resp
    except (urllib.error.URLError, OSError):
        return jsonify({"error": "unavailable", "message": "The collector cannot be reached; the entry is kept "
                        "and sent again.", "fields": {}}), 503
