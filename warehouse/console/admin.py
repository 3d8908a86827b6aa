"""Registry administration for admins: entities, services, assignments, tokens, and the audit log.

Every change goes through :mod:`registry.ops` / :mod:`registry.tokens` (validated and audited there);
the actor recorded is ``console:<token prefix>:<label>``.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from questionnaires import default_catalog
from questionnaires.envelope import CHANNELS
from questionnaires.taxonomy import UnknownCode, service_type
from registry import RegistryError, audit, ops, session_scope, tokens
from registry.errors import InvalidValue
from registry.models import ROLES
from registry.names import OTHER_LANGUAGES, name_in
from registry.ops import set_names
from registry.snippet import embed_snippet, snippet_language

from . import data
from ..periods import rome_minute
from ..comparability import QueryError
from .auth import require
from .i18n import gettext, lang
from .i18n_registry import registry_refusal

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _factory():
    return current_app.config["ASCOLTO_REGISTRY"]


def _do(fn, what: str):
    """Run ``fn(session)`` in one transaction; flash the outcome in the page's language: ``what`` (an
    Italian console text) on success, the registry's refusal (field and problem) otherwise."""
    try:
        with session_scope(_factory()) as s:
            result = fn(s)
        flash(gettext(what), "success")
        return result
    except RegistryError as exc:
        flash(registry_refusal(exc), "error")
    return None


def _ctx(s) -> str:
    return f"console {request.path}"


@bp.get("/")
@require("admin")
def index():
    return redirect(url_for("admin.entities"))


@bp.route("/entities", methods=["GET", "POST"])
@require("admin")
def entities():
    if request.method == "POST":
        f = request.form
        _do(lambda s: ops.add_entity(s, actor=g.user.actor, ipa_code=f.get("ipa_code", ""), name=f.get("name", ""),
                                     category=f.get("category", ""), comune_istat=f.get("comune_istat") or None,
                                     region_istat=f.get("region_istat") or None,
                                     region_nuts=f.get("region_nuts") or None, context=_ctx(s)),
            "Modifica registrata.")
        return redirect(url_for("admin.entities"), 303)
    with session_scope(_factory()) as s:
        rows = [audit.snapshot(e) for e in ops.list_entities(s)]
    return render_template("admin_entities.html", rows=rows, page="admin", section="entities")


@bp.route("/services", methods=["GET", "POST"])
@require("admin")
def services():
    if request.method == "POST":
        f = request.form
        origins = [o.strip() for o in f.get("allowed_origins", "").splitlines() if o.strip()]
        _do(lambda s: ops.add_service(s, actor=g.user.actor, entity_ipa=f.get("entity_ipa", ""),
                                      name=f.get("name", ""), service_type=f.get("service_type", ""),
                                      key=f.get("key") or None, channel=f.get("channel", "web"),
                                      allowed_origins=origins, context=_ctx(s)),
            "Modifica registrata.")
        return redirect(url_for("admin.services"), 303)
    settings = current_app.config["ASCOLTO_SETTINGS"]
    snippet_lang = snippet_language(request.args.get("snippet_lang"))  # the codes for pages in that language
    with session_scope(_factory()) as s:
        rows = [dict(audit.snapshot(x), choices=assignable(x.service_type, lang()),
                     snippet=embed_snippet(settings.collector_url, x.key, snippet_lang), test_mode=x.in_test_mode(),
                     test_mode_until=rome_minute(x.test_mode_until) if x.in_test_mode() else None)
                for x in ops.list_services(s)]
        ents = [(e.ipa_code, name_in(e, lang())) for e in ops.list_entities(s)]
    return render_template("admin_services.html", rows=rows, entities=ents, types=data.known_service_types(lang()),
                           channels=CHANNELS, page="admin", section="services", snippet_lang=snippet_lang,
                           test_mode_hours=(ops.TEST_MODE_HOURS, ops.TEST_MODE_MAX_HOURS))


def assignable(type_code: str, lang_: str) -> list[tuple[str, str]]:
    """``(id@version, "title — vN")`` of every published questionnaire version the service type allows,
    newest first per questionnaire: the choices of the assignment form (never free text)."""
    try:
        allowed = service_type(type_code).questionnaires
    except UnknownCode:
        return []
    catalog, out = default_catalog(), []
    for qid in allowed:
        for version in sorted(catalog.versions(qid), reverse=True):
            q = catalog.get(qid, version)
            out.append((f"{qid}@{version}", f"{q.title.get(lang_) or q.title['it']} — {qid} v{version}"))
    return out


@bp.post("/<any(entity, service):kind>/<key>/names")
@require("admin")
def names(kind: str, key: str):
    """Set the names of entity or service ``key`` in every language from the form's ``name_<lang>``
    (Italian required; an empty other language removes its name): validated and audited by the
    registry (:func:`registry.names.set_names`); a refusal names the field."""
    given = {lang: request.form.get(f"name_{lang}", "") for lang in ("it", *OTHER_LANGUAGES)
             if f"name_{lang}" in request.form}
    _do(lambda s: set_names(s, kind, key, {k: v or None for k, v in given.items() if k != "it"}
                            | ({"it": given["it"]} if "it" in given else {}), actor=g.user.actor, context=_ctx(s)),
        "Modifica registrata.")
    return redirect(url_for("admin.entities" if kind == "entity" else "admin.services"), 303)


@bp.post("/services/<key>/origins")
@require("admin")
def service_origins(key: str):
    """Replace the allowed origins (one per line) of service ``key``; validated and audited by the registry."""
    origins = [o.strip() for o in request.form.get("allowed_origins", "").splitlines() if o.strip()]
    _do(lambda s: ops.update_service(s, key, allowed_origins=origins, actor=g.user.actor, context=_ctx(s)),
        "Modifica registrata.")
    return redirect(url_for("admin.services"), 303)


@bp.post("/services/<key>/active")
@require("admin")
def service_active(key: str):
    active = request.form.get("active") == "1"
    _do(lambda s: ops.set_active(s, key, active, actor=g.user.actor, context=_ctx(s)), "Modifica registrata.")
    return redirect(url_for("admin.services"), 303)


@bp.post("/services/<key>/test-mode")
@require("admin")
def service_test_mode(key: str):
    """Switch the test mode of ``key`` (its answers then are check-ups, stored apart, never counted): on
    for the form's ``hours`` (1–:data:`registry.ops.TEST_MODE_MAX_HOURS`, default 24), then off by itself."""
    on = request.form.get("test_mode") == "1"
    raw = request.form.get("hours", "").strip()
    hours = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else raw[:20] if raw else ops.TEST_MODE_HOURS
    _do(lambda s: ops.set_test_mode(s, key, on, hours=hours, actor=g.user.actor, context=_ctx(s)),
        "Modifica registrata.")
    return redirect(url_for("admin.services"), 303)


@bp.post("/services/<key>/questionnaire")
@require("admin")
def service_questionnaire(key: str):
    f = request.form
    qid, _, version = f.get("questionnaire", "").partition("@")  # a choice "id@version" of assignable()
    if not qid:
        qid, version = f.get("questionnaire_id", ""), f.get("version", "").strip()
    if version and not (version.isascii() and version.isdigit()):  # "²".isdigit(): int() refused it (a 500)
        flash(registry_refusal(InvalidValue("version", f"{version[:20]!r} is not a version number")), "error")
        return redirect(url_for("admin.services"), 303)
    _do(lambda s: ops.assign_questionnaire(s, key, qid, int(version) if version else None,
                                           actor=g.user.actor, context=_ctx(s)), "Modifica registrata.")
    return redirect(url_for("admin.services"), 303)


@bp.route("/tokens", methods=["GET", "POST"])
@require("admin")
def tokens_page():
    created = None
    if request.method == "POST":
        f = request.form
        out = _do(lambda s: (lambda t: (t[0].prefix, t[0].role, t[1]))(
            tokens.create_token(s, role=f.get("role", ""), label=f.get("label", ""), actor=g.user.actor,
                                context=_ctx(s), expires=f.get("expires", "").strip() or None,
                                entity=f.get("entity", "").strip() or None, manager=f.get("manager") == "1")),
            "Modifica registrata.")
        if out:
            created = {"prefix": out[0], "role": out[1], "secret": out[2]}
    with session_scope(_factory()) as s:
        rows = [dict(audit.snapshot(t), expired=t.expired()) for t in tokens.list_tokens(s, include_revoked=True)]
    # the secret is rendered once, in the answer to the POST (never stored, never redirected to)
    return render_template("admin_tokens.html", rows=rows, roles=ROLES, created=created, page="admin",
                           section="tokens")


@bp.post("/tokens/<prefix>/revoke")
@require("admin")
def token_revoke(prefix: str):
    _do(lambda s: tokens.revoke_token(s, prefix, actor=g.user.actor, context=_ctx(s)), "Modifica registrata.")
    return redirect(url_for("admin.tokens_page"), 303)


@bp.get("/audit")
@require("admin")
def audit_log():
    """The latest 200 changes; ``?type=`` (:data:`registry.audit.OBJECT_TYPES`) and ``?key=`` narrow them to
    one kind of object or one object, as ``ascolto registry log --type --key`` does."""
    object_type, object_key = request.args.get("type") or None, (request.args.get("key") or "").strip() or None
    if object_type is not None and object_type not in audit.OBJECT_TYPES:
        raise QueryError("type", f"type must be one of {', '.join(audit.OBJECT_TYPES)}; got {object_type[:40]!r}.")
    if object_key is not None and len(object_key) > 200:
        raise QueryError("key", "at most 200 characters.")
    with session_scope(_factory()) as s:
        rows = [{"id": a.id, "at": a.at.strftime("%Y-%m-%d %H:%M:%S"), "actor": a.actor, "action": a.action,
                 "object_type": a.object_type, "object_key": a.object_key, "context": a.context,
                 "changes": sorted(k for k in set((a.before or {})) | set((a.after or {}))
                                   if (a.before or {}).get(k) != (a.after or {}).get(k))}
                for a in audit.history(s, object_type=object_type, object_key=object_key, limit=200)]
    return render_template("admin_audit.html", rows=rows, page="admin", section="audit", types=audit.OBJECT_TYPES,
                           chosen={"type": object_type or "", "key": object_key or ""})
