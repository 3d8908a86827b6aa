"""Self-service onboarding in the console (issue 15).

- ``GET/POST /join``: the public request form (no sign-in; CSRF-protected; limited per client with
  the ``limits`` library like the sign-in throttle). Validated by :func:`registry.onboarding.submit_request`
  (IPA index as imported, taxonomy, origins, channels); a refusal re-renders the form with the
  field and the problem (422).
- ``GET/POST /join`` shows the requester, once, the pending manager token of an administration
  without a manager (:func:`registry.onboarding.submit_request`): it works only after the approval.
- ``/admin/onboarding``: admins list requests and approve or reject them (audited in the registry;
  also ``ascolto registry joins``). Each pending first join says that approving activates the
  requester's token, so the admin checks request n. N with the administration first; approval
  never shows a secret (the form takes any IPA code without sign-in; for an administration with a
  manager the service is created, the admin was warned in the list, and the manager is told on her
  workspace's tokens page). The approval shows what each new service collects with: the
  snippet on the web, the hosted form's link for an app, e-mail or SMS, the operator entry for the
  phone, the kiosk page at a counter (:func:`registry.snippet.channel_kit`).
- ``/workspace/<ipa>/services/<key>/check`` (and ``/api/v1/…``): "check my page" — whether widget
  requests arrive from the declared origins, from the collector's own recent counts
  (:mod:`registry.origins`); nothing external is fetched. It also lists the latest check-up answers
  (test mode or ``data-test``: stored apart, never counted; :mod:`dataset.testrows`), so the web
  manager sees a test answer arrive, and gives the snippet's check-up variant. Answers are listed only
  of the check-ups the page asked for (``data-test``); those of the test mode — any answer, a real
  citizen's if the mode was left on — only as bands of counts by day and page
  (:func:`dataset.testrows.checkups`).
"""
from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, g, jsonify, render_template, request
from limits import parse, storage, strategies

from dataset import testrows
from questionnaires.envelope import CHANNELS
from questionnaires.taxonomy import service_types
from registry import RegistryError, onboarding, origins, session_scope
from registry.models import Entity, Service
from registry.names import name_in
from registry.snippet import channel_kit, embed_snippet, snippet_language
from settings.buckets import ClientBuckets, limiter_storage

from ..periods import date_rome, rome_minute
from .auth import require, require_entity
from .i18n import gettext, lang
from .i18n_registry import registry_refusal

bp = Blueprint("onboarding", __name__)


def _factory():
    return current_app.config["ASCOLTO_REGISTRY"]


def _limiter():
    """(strategy, limit, bucket): ``/join`` posts per client, counted under the client's keyed bucket
    (:class:`settings.buckets.ClientBuckets`), in memory or Redis."""
    ext = current_app.extensions
    if "ascolto.join_limit" not in ext:
        settings = current_app.config["ASCOLTO_SETTINGS"]
        uri, options = limiter_storage(settings)
        ext["ascolto.join_limit"] = (strategies.MovingWindowRateLimiter(storage.storage_from_string(uri, **options)),
                                     parse("10/hour"), ClientBuckets(settings).bucket)
    return ext["ascolto.join_limit"]


def _types() -> list[tuple[str, str]]:
    return sorted(((t.code, t.label.get(lang()) or t.label.get("it") or t.code) for t in service_types().values()),
                  key=lambda x: x[1])


#: the join form's fields as the form labels them
JOIN_FIELDS = {"ipa_code": "Codice IPA dell'ente", "service_name": "Nome del servizio",
               "service_type": "Tipo di servizio", "allowed_origins": "Origini delle pagine", "channels": "Canali"}
#: the registry's refusals of a join request (registry.onboarding, registry.checks), in Italian
_JOIN_IT = [
    (r"is required", "è obbligatorio."),
    (r"('.*') is not an IPA code .*", "{0} non è un codice IPA (lettere, cifre, _ . -; al massimo 32 caratteri)."),
    (r"('.*') is not in the IPA index known to Ascolto.*",
     "{0} non è nell'Indice delle PA noto ad Ascolto: controlla il codice su indicepa.gov.it."),
    (r"contains control characters", "contiene caratteri di controllo."),
    (r"is (\d+) characters long, at most (\d+) allowed", "è lungo {0} caratteri, al massimo {1}."),
    (r"('.*') is not in the service-type taxonomy.*", "{0} non è un tipo di servizio della tassonomia."),
    (r"('.*') applies to PA categories (.+), not to ('.*') \((.+)\); types for .+?: (.+)",
     "il tipo {0} è per le PA delle categorie {1}, non per l'ente {2} (categoria {3}); i tipi per questo ente: {4}."),
    (r"give the origin .*", "indica l'origine (https://host) delle pagine che ospiteranno il widget."),
    (r"at most (\d+) origins", "al massimo {0} origini."),
    (r"('.*') is not a URL origin", "{0} non è un'origine (https://host)."),
    (r"('.*') must be http\(s\)://host\[:port\](?:: did you mean (\S+)\?)?",
     "{0} deve essere nella forma http(s)://host[:porta]."),
    (r"('.*') is an origin only: .*",
     "{0}: solo l'origine, senza percorso, parametri, frammento o utente (es. https://www.comune.example.it)."),
    (r"choose at least one channel", "scegli almeno un canale."),
    (r"('.*') is not one of (.+)", "{0} non è uno dei canali: {1}."),
]


def _join_error(exc: RegistryError) -> tuple[str, str, str]:
    """A refused join request: the field's code, its label (Italian: the page translates it) and the
    problem in the page's language."""
    from .i18n_refusals import translate_problem

    label = JOIN_FIELDS.get(exc.field, exc.field)
    if lang() == "en":
        return exc.field, label, exc.problem
    return exc.field, label, translate_problem(exc.problem, _JOIN_IT) or exc.problem


@bp.route("/join", methods=["GET", "POST"])
def join():
    """The public request form. No sign-in: anyone may ask; only an admin's approval creates anything."""
    form, error, created, secret = {}, None, None, None
    status = 200
    if request.method == "POST":
        strategy, limit, bucket = _limiter()
        client = bucket(request.remote_addr)
        try:
            allowed = strategy.hit(limit, "ascolto-join", client)
        except Exception:  # a limiter storage outage lets the request through
            allowed = True
        if not allowed:
            reset = strategy.get_window_stats(limit, "ascolto-join", client).reset_time
            resp = current_app.make_response(render_template(
                "join.html", form=request.form, error=("form", "", gettext("Troppe richieste: riprova più tardi.")),
                types=_types(), channels=CHANNELS, created=None, page="join"))
            resp.status_code = 429
            resp.headers["Retry-After"] = str(max(1, int(reset - time.time()) + 1))
            return resp
        form = request.form
        try:
            with session_scope(_factory()) as s:
                req, secret = onboarding.submit_request(
                    s, ipa_code=form.get("ipa_code", "").strip(), service_name=form.get("service_name", ""),
                    service_type=form.get("service_type", ""),
                    allowed_origins=[o for o in form.get("allowed_origins", "").split() if o],
                    channels=form.getlist("channels"))
                created = req.id
            status = 201
        except RegistryError as exc:
            error, status = _join_error(exc), 422
    resp = current_app.make_response((render_template(
        "join.html", form=form, error=error, types=_types(), channels=CHANNELS, created=created, secret=secret,
        page="join"), status))
    resp.cache_control.no_store = True  # the page may carry a token's secret
    return resp


@bp.get("/admin/onboarding")
@require("admin")
def admin_list():
    with session_scope(_factory()) as s:
        names = {e.ipa_code: name_in(e, lang()) for e in s.query(Entity).all()}
        reqs = onboarding.list_requests(s)
        managed = {ipa for ipa in {r.ipa_code for r in reqs if r.status == "pending"}
                   if onboarding.active_manager(s, ipa) is not None}
        rows = [dict(r.snapshot(), name=names.get(r.ipa_code, r.ipa_code), has_manager=r.ipa_code in managed,
                     first_join=r.status == "pending" and bool(r.token_prefix) and r.ipa_code not in managed,
                     created_at=r.created_at.strftime("%Y-%m-%d %H:%M")) for r in reqs]
        pending = sum(r.status == "pending" for r in reqs)
    return render_template("admin_onboarding.html", rows=rows, approved=None, pending=pending, page="admin",
                           section="onboarding")


@bp.post("/admin/onboarding/<int:request_id>/approve")
@require("admin")
def admin_approve(request_id: int):
    """Approve: the services are created and the requester's pending manager token, if any, is
    activated (its secret is the requester's: never shown here); the snippets are shown."""
    settings = current_app.config["ASCOLTO_SETTINGS"]
    snippet_lang = snippet_language(request.form.get("snippet_lang"))  # the language of the PA's page
    try:
        with session_scope(_factory()) as s:
            req, token = onboarding.approve(s, request_id, actor=g.user.actor)
            approved = {"id": req.id, "ipa_code": req.ipa_code,
                        "prefix": token.prefix if token is not None else None, "snippet_lang": snippet_lang,
                        # no token activated and no manager either: the requester's token was revoked meanwhile
                        "managed": token is not None or onboarding.active_manager(s, req.ipa_code) is not None,
                        "services": [{"key": k, "kit": channel_kit(settings.collector_url, k, s.get(Service, k).channel,
                                                                   snippet_lang)}
                                     for k in req.service_keys]}
    except RegistryError as exc:
        return _admin_error(exc)
    return render_template("admin_onboarding.html", rows=[], approved=approved, page="admin", section="onboarding")


@bp.post("/admin/onboarding/<int:request_id>/reject")
@require("admin")
def admin_reject(request_id: int):
    try:
        with session_scope(_factory()) as s:
            onboarding.reject(s, request_id, actor=g.user.actor, reason=request.form.get("reason", ""))
    except RegistryError as exc:
        return _admin_error(exc)
    from flask import redirect, url_for
    return redirect(url_for("onboarding.admin_list"), 303)


def _admin_error(exc: RegistryError):
    status = 404 if isinstance(exc, LookupError) else 409 if exc.field == "request" else 422
    return render_template("error.html", status=status, error=exc.field, message=registry_refusal(exc)), status


#: What the check page says of a count of requests: whether there were any (never how many: see :func:`_seen_shown`).
BANDS = ((0, "0"), (1, "≥ 1"))


def band(n: int) -> str:
    """``0`` or ``≥ 1``: whether there were any. Bands by order of magnitude (``1–9``, ``10–99``, …) gave the
    exact count back to whoever could add to it — a questionnaire load needs no token, and the k-th load
    that flips ``1–9`` to ``10–99`` says the count was 10 − k (route 26, docs/confidentiality.md); a count
    one can only add to shows nothing more than its first reading, ``0`` or not."""
    return next(label for low, label in reversed(BANDS) if n >= low)


def _seen_shown(row: dict, declared: list[str]) -> dict:
    """One origin's counts as the entity sees them: whether there were requests and refusals (:func:`band`), the
    last one's day (Rome). The counts are of questionnaire loads *and submissions* — a back end's or a form's
    posts are all the "no origin" row holds — so the exact count was the exact number of answers of
    the last seven days, however few (the cube suppresses them below ``min_n``), and the minute of the
    last was the minute a citizen answered: what the comments' month-only dates keep from the
    entity's staff, who know whom they served at that minute. The verdict is read from the exact
    counts before (:func:`registry.origins.verdict`)."""
    return {"origin": row["origin"], "declared": row["origin"] in declared, "requests": band(row["requests"]),
            "refused": band(row["refused"]), "last_at": rome_minute(row["last_at"])[:10]}


def _check(ipa: str, key: str) -> dict:
    """The check-up of service ``key``; its snippet, form link and check-up code in the language of the
    PA's page, ``?snippet_lang=`` (Italian by default, :func:`registry.snippet.snippet_language`)."""
    snippet_lang = snippet_language(request.args.get("snippet_lang"))
    with session_scope(_factory()) as s:
        svc = s.get(Service, key)
        if svc is None or svc.entity_ipa != ipa:
            abort(404)
        declared = list(svc.allowed_origins or ())
        seen = origins.recent(s, key, days=7)
        name, test_mode, channel, active = name_in(svc, lang()), svc.in_test_mode(), svc.channel, svc.active
        until = rome_minute(svc.test_mode_until) if test_mode else None  # when it switches itself off
    settings = current_app.config["ASCOLTO_SETTINGS"]
    verdict = origins.verdict(declared, seen, active)  # from the exact counts, which are not shown
    seen = [_seen_shown(o, declared) for o in seen]
    # the day only (Italy's), never the time: a page left in check-up mode by mistake would otherwise
    # list real citizens' answers to the second, which the service's own logs could put a name to.
    # Answers only of the check-ups the page asked for (data-test); of the test mode's, which take
    # every answer (a real citizen's, if the mode was left on), only that some arrived (:func:`band`)
    found = testrows.checkups(settings.data_dir, key, limit=10)
    checkups = [{"received_at": date_rome(r["received_at"].isoformat()), "submission_id": r["submission_id"],
                 "device": r["device"], "page": r["page"], "answers": r["answers"]} for r in found["listed"]]
    arrived = [{"day": a["day"], "page": a["page"], "count": band(a["count"])} for a in found["arrived"]]
    return {"ipa": ipa, "service": key, "name": name, "declared": declared, "seen": seen,
            "verdict": verdict, "active": active, "days": 7, "test_mode": test_mode,
            "test_mode_until": until,
            "checkups": checkups, "test_mode_checkups": arrived,
            "channel": channel, "kit": channel_kit(settings.collector_url, key, channel, snippet_lang),
            "snippet_lang": snippet_lang, "snippet": embed_snippet(settings.collector_url, key, snippet_lang),
            "test_snippet": embed_snippet(settings.collector_url, key, snippet_lang, test=True)}


@bp.get("/workspace/<ipa>/services/<key>/check")
@require_entity
def check_page(ipa: str, key: str):
    return render_template("check.html", d=_check(ipa, key), page="workspace", no_origin=origins.NO_ORIGIN)


@bp.get("/api/v1/workspace/<ipa>/services/<key>/check")
@require_entity
def check_api(ipa: str, key: str):
    return jsonify(_check(ipa, key))
