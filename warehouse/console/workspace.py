"""The entity workspace (issue 15): one administration's services, figures, benchmark position,
reasons and citizens' comments — for that entity's own ``entity`` tokens and for national staff.

Every route is ``@require_entity``: permission ``workspace`` and, for an ``entity`` token, only its
own IPA code (403 on another's, before anything is looked up). Figures come from the protected cube
(:mod:`.workspace_data`); comments (already redacted) are listed, searched and exported as CSV
(:func:`warehouse.csvsafe.csv_writer`) but never published or aggregated elsewhere. An entity
*manager* token (issued at onboarding approval, or by an admin) may issue further entity tokens of
its administration and revoke them — any but the one it is using (audited, CSRF-protected like every
form); its tokens page also tells it of services added through the public form after it was named.
"""
from __future__ import annotations


from flask import (Blueprint, current_app, flash, g, jsonify, redirect, render_template, request,
                   url_for)

from registry import RegistryError, onboarding, session_scope, tokens
from registry.models import Entity, Service
from registry.names import name_in

from ..periods import rome_minute
from . import data_units, workspace_data as wd
from .data import table_csv
from .downloads import csv_response
from .auth import not_found, refuse, require, require_entity
from .paths import query_args
from .i18n import gettext, lang
from .i18n_registry import said

bp = Blueprint("workspace", __name__)


def _factory():
    return current_app.config["ASCOLTO_REGISTRY"]


def _entity(ipa: str) -> tuple[str, list[dict]]:
    """The entity's name and services (404 when the registry has no such entity)."""
    with session_scope(_factory()) as s:
        e = s.get(Entity, ipa)
        if e is None:
            raise not_found("ipa", f"No entity with IPA code {ipa!r} in the registry.")
        return name_in(e, lang()), [{"key": x.key, "name": name_in(x, lang()), "service_type": x.service_type,
                                     "channel": x.channel,
                         "active": x.active, "allowed_origins": list(x.allowed_origins or ()),
                         "questionnaire": x.questionnaire_id}
                        for x in s.query(Service).filter(Service.entity_ipa == ipa).order_by(Service.key)]


def _con():
    return current_app.config["ASCOLTO_WAREHOUSE"]().cursor(), current_app.config["ASCOLTO_SETTINGS"]


def summary(ipa: str) -> dict:
    name, services = _entity(ipa)
    con, settings = _con()
    page = data_units.entity_page(con, settings, request.args, lang(), ipa, services, name=name)
    per = page["per"]
    # the types with the entity's answers and those of its services (a new one, before its first answer, is
    # compared too: the benchmark, and "no answers of the entity" in its own columns)
    types = sorted(set(page["types"]) | {s["service_type"] for s in services})
    position = wd.position(con, settings, ipa, types, page["indicator"], freq=per["freq"],
                           period=per["period"], not_asked=page["types_not_asked"])
    return {"ipa": ipa, "name": name, "indicator": page["indicator"], "services": page["services"],
            "per": {k: per[k] for k in ("freq", "period", "periods", "note", "partial", "partial_note", "running",
                                        "running_note")},
            "charts": page["charts"] + [wd.funnel_chart(p, ipa, name) for p in position if p["collected"]]
            + wd.service_trends(con, settings, ipa, services, page["indicator"], page["window"]),
            "position": position, "reasons": wd.reasons(con, settings, ipa, freq=per["freq"], period=per["period"])}


@bp.get("/workspace/")
@require("workspace")
def home():
    """An entity token goes to its own workspace; national staff to the list of entities."""
    if g.user.role == "entity":
        return redirect(url_for("workspace.page", ipa=g.user.entity))
    return redirect(url_for("pages.entities"))


def _csv_url(ipa: str):
    return lambda page, chart, key=None: url_for("workspace.chart_csv", ipa=ipa, chart=chart,
                                                 **query_args("ipa", "chart"))


@bp.get("/workspace/<ipa>")
@require_entity
def page(ipa: str):
    return render_template("workspace.html", d=summary(ipa), page="workspace", csv_url=_csv_url(ipa),
                           services_csv=url_for("workspace.services_csv", ipa=ipa, **query_args("ipa")),
                           benchmark_reasons=wd.BENCHMARK_REASONS)


#: The services table as its CSV heads it (Italian, translated by :func:`.data.table_csv` for an English reader).
SERVICE_COLUMNS = [("name", "Servizio"), ("key", "Chiave"), ("service_type", "Tipo di servizio"),
                   ("channel", "Canale"), ("period", "Periodo"), ("n", "Risposte"), ("share", "Quota positiva %"),
                   ("share_lower", "IC 95% inf."), ("share_upper", "IC 95% sup."), ("mean", "Media (0–100)"),
                   ("mean_lower", "Media: IC 95% inf."), ("mean_upper", "Media: IC 95% sup."), ("status", "Stato"),
                   ("change", "Rispetto al periodo precedente"), ("change_lower", "Variazione: IC 95% inf."),
                   ("change_upper", "Variazione: IC 95% sup."), ("verdict", "Esito")]


@bp.get("/workspace/<ipa>/services.csv")
@require_entity
def services_csv(ipa: str):
    """The workspace's services table as CSV — exactly its published cells in the page's indicator and
    period (``indicator``, ``freq``, ``period``), in the reader's language and spreadsheet dialect
    (:func:`.data.table_csv`): a suppressed cell's figures empty, its status "oscurato"; a service whose
    questionnaire does not ask the indicator "non rilevato"; the change against the previous period in
    points with its 95% interval and verdict. Named ``ascolto-c_h501-services-satisfaction-2026-10.csv``."""
    from .data import code_label, num, type_label
    from ..changes import CHANGE_WORDS

    d = summary(ipa)
    rows = []
    for s in d["services"]:
        c, ch = s.get("cell") or {}, s.get("change") or {}
        hidden = c.get("conf_status") == "A"
        row = {"name": s["name"], "key": s["key"], "service_type": type_label(s["service_type"], lang()),
               "channel": code_label("CHANNEL", s["channel"]), "period": d["per"]["period"],
               "n": None if hidden else c.get("n", 0 if s["collected"] else None),
               "status": c.get("status") or gettext("non rilevato" if not s["collected"] else "Nessun dato."),
               # the change and its interval to the page's one decimal (the raw floats were 1,9230769230769218)
               "change": num(ch.get("difference")), "verdict": gettext(CHANGE_WORDS[ch["verdict"]]) if ch else None,
               "change_lower": num((ch.get("ci") or [None, None])[0]),
               "change_upper": num((ch.get("ci") or [None, None])[1])}
        for k in ("share", "share_lower", "share_upper", "mean", "mean_lower", "mean_upper"):
            row[k] = None if hidden else c.get(k)
        rows.append(row)
    name = "-".join(x for x in (ipa, "services", d["indicator"], d["per"].get("period")) if x)
    return table_csv(SERVICE_COLUMNS, rows, f"ascolto-{name}.csv")


@bp.get("/workspace/<ipa>/csv/<chart>")
@require_entity
def chart_csv(ipa: str, chart: str):
    """Exactly the rows and columns of one of the workspace's charts, in a file named after the entity,
    the chart and the period shown (``ascolto-c_h501-trend-anagrafe.certificati-2026-Q4.csv``), as the
    console's are: two periods' downloads never overwrite each other."""
    d = summary(ipa)
    found = next((c for c in d["charts"] if c.id == chart), None)
    if found is None:
        raise not_found("chart", f"No chart {chart!r} to download on the page 'workspace'.")
    name = "-".join(x for x in (ipa, chart, d["per"].get("period")) if x)
    return table_csv(found.columns, found.rows, f"ascolto-{name}.csv")


@bp.get("/api/v1/workspace/<ipa>")
@require_entity
def api_summary(ipa: str):
    d = summary(ipa)
    d["charts"] = [{"id": c.id, "title": c.title, "rows": c.rows} for c in d["charts"]]
    return jsonify(d)


def _comments(ipa: str, limit: int):
    name, services = _entity(ipa)
    query = wd.CommentQuery.parse(ipa, [s["key"] for s in services], request.args)
    con, settings = _con()
    return name, services, query, wd.comments(con, settings, query, limit)


@bp.get("/workspace/<ipa>/comments")
@require_entity
def comments(ipa: str):
    """Comments of published cells only (no count, no rating; docs/confidentiality.md, "Comments")."""
    name, services, query, found = _comments(ipa, wd.MAX_COMMENTS)
    from questionnaires.envelope import CHANNELS
    return render_template("workspace_comments.html", ipa=ipa, name=name, services=services, q=query, rows=found.rows,
                           csv_href=url_for("workspace.comments_csv", ipa=ipa, **query_args("ipa")),
                           truncated=found.truncated, withheld=found.withheld, running=found.running,
                           channels=CHANNELS, page="workspace",
                           limit=wd.MAX_COMMENTS, service_names={s["key"]: s["name"] for s in services})


@bp.get("/api/v1/workspace/<ipa>/comments")
@require_entity
def api_comments(ipa: str):
    _, _, query, found = _comments(ipa, wd.MAX_COMMENTS)
    return jsonify({"ipa": ipa, "truncated": found.truncated, "comments": found.rows, "withheld": found.withheld,
                    "running": found.running,
                    "note": "Comments are shown only for cells whose figures are published (too few answers "
                            "otherwise), and a month's once it is over (running: the cells of the month still "
                            "running); no count or rating per comment is released."})


@bp.get("/workspace/<ipa>/comments.csv")
@require_entity
def comments_csv(ipa: str):
    _, _, _, found = _comments(ipa, wd.MAX_CSV_COMMENTS)
    return csv_response(wd.COMMENT_COLUMNS, ([r[c] for c in wd.COMMENT_COLUMNS] for r in found.rows),
                        f"ascolto-comments-{ipa}.csv", **{"Cache-Control": "no-store"})  # a spreadsheet's file


def _may_manage_tokens():
    if not (g.user.role == "admin" or (g.user.role == "entity" and g.user.manager)):
        return refuse(403, scope_error="Only an admin or the entity's manager token manages entity tokens.",
                      page_message=gettext("Solo un amministratore o il token del responsabile dell'ente gestisce i token "
                                     "dell'ente."))
    return None


#: the registry's refusals of a new entity token (registry.tokens, registry.checks), in Italian
_TOKEN_IT = [
    (r"is required", "è obbligatoria."),
    (r"contains control characters", "contiene caratteri di controllo."),
    (r"is (\d+) characters long, at most (\d+) allowed", "è lunga {0} caratteri, al massimo {1}."),
    (r"('.*') is too far in the future \(at most (\S+)\)", "{0} è troppo lontano nel futuro (al massimo {1})."),
    (r"('.*') is not a duration .*", "{0} non è una durata (12h, 90d, 26w), una data (AAAA-MM-GG) o un istante ISO 8601."),
    (r"(\S+) is not in the future", "{0} non è nel futuro."),
]
_TOKEN_FIELDS = {"label": "Etichetta", "expires": "Scadenza del token"}


def _token_error(exc: RegistryError) -> str:
    """A refused token form, the field named by its label and the problem in the page's language."""
    from .i18n_refusals import translate_problem

    problem = exc.problem if lang() == "en" else translate_problem(exc.problem, _TOKEN_IT) or exc.problem
    return f"{gettext(_TOKEN_FIELDS.get(exc.field, exc.field))}: {problem}"


@bp.route("/workspace/<ipa>/tokens", methods=["GET", "POST"])
@require_entity
def entity_tokens(ipa: str):
    """Entity tokens of ``ipa``: issued by an admin or by a manager token of that entity (audited);
    services added through the public form for this entity after its manager was named are listed.
    The list is every unrevoked token scoped to ``ipa`` (entity, back-end, operator) with its role,
    creation and expiry (Rome time; an expired token marked as such)."""
    refused = _may_manage_tokens()
    if refused is not None:
        return refused
    name, _ = _entity(ipa)
    created = None
    if request.method == "POST":
        try:
            with session_scope(_factory()) as s:
                t, secret = tokens.create_token(s, role="entity", label=request.form.get("label", ""),
                                                actor=g.user.actor, entity=ipa,
                                                expires=request.form.get("expires", "").strip() or None,
                                                context=f"console {request.path}")
                created = {"prefix": t.prefix, "secret": secret}
        except RegistryError as exc:
            flash(_token_error(exc), "error")
    with session_scope(_factory()) as s:
        # Rome time, as the comments; every unrevoked token of the entity (its back-end and operator ones
        # too), each with its role and expiry — an expired one said so
        rows = [{"prefix": t.prefix, "label": t.label, "role": t.role, "manager": t.entity_manager, "active": t.active,
                 "created_at": rome_minute(t.created_at), "current": t.id == g.user.token_id,
                 "expires_at": rome_minute(t.expires_at) if t.expires_at else None, "expired": t.expired()}
                for t in tokens.list_tokens(s) if t.entity_ipa == ipa]
        added = onboarding.added_for(s, ipa)
    return render_template("workspace_tokens.html", ipa=ipa, name=name, rows=rows, created=created, added=added,
                           page="workspace")


@bp.post("/workspace/<ipa>/tokens/<prefix>/revoke")
@require_entity
def revoke_entity_token(ipa: str, prefix: str):
    """Revoke one of ``ipa``'s tokens (audited); never the one making the request (sign out instead)."""
    refused = _may_manage_tokens()
    if refused is not None:
        return refused
    _entity(ipa)
    with session_scope(_factory()) as s:
        try:
            t = tokens.find_token(s, prefix)
        except RegistryError:
            t = None
        if t is None or t.entity_ipa != ipa or not t.prefix == prefix:
            raise not_found("token", f"No token {prefix[:16]!r} of entity {ipa!r}.")
        if t.id == g.user.token_id:
            msg = gettext("Un token non revoca sé stesso qui: esci, o chiedi a un amministratore.")
            return render_template("error.html", status=409, error="token", message=msg), 409
        if t.revoked_at is None:
            tokens.revoke_token(s, t.id, actor=g.user.actor, context=f"console {request.path}")
    flash(said("Token {prefix} revocato.", prefix=prefix), "info")
    return redirect(url_for("workspace.entity_tokens", ipa=ipa), 303)
