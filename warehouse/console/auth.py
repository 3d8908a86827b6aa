"""Sign-in with registry tokens, signed-cookie sessions, and the role matrix of the console.

A person signs in by pasting a token (``asc_<prefix>_<random>``, created by an admin); the session
cookie (Flask's, signed with ``ASCOLTO_CONSOLE_SECRET`` or a random secret kept in the data dir)
then carries the token's id and :func:`registry.tokens.session_binding` — an HMAC keyed with the
token's stored hash, so knowing the cookie secret is not enough to forge a session. Every request
re-reads the token row: a revoked or expired token, or a sign-out (which bumps the token's session
generation), ends its sessions at once. The JSON API also accepts ``Authorization: Bearer <token>``.
Failed sign-ins (form or bearer) are limited and logged by :mod:`.throttle` (429 + ``Retry-After``).
"""
from __future__ import annotations

import functools
import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from flask import current_app, g, jsonify, redirect, render_template, request, session, url_for
from werkzeug.exceptions import NotFound

from registry import session_scope
from settings.secret_policy import local_secret as _local_secret
from registry.models import CONSOLE_ROLES, Token
from registry.tokens import end_sessions, secret_prefix, session_binding, verify_token

#: What each permission is, and which roles have it (monitoring ⊂ statistician ⊂ admin). ``entity``
#: (one administration's web manager) has only ``workspace``, and only for its own IPA code
#: (:func:`require_entity`); national roles see every entity's workspace.
PERMISSIONS: dict[str, frozenset[str]] = {
    "workspace": frozenset({"entity", "monitoring", "statistician", "admin"}),  # an entity's workspace
    "dashboards": frozenset({"monitoring", "statistician", "admin"}),  # pages and the JSON API
    "exports": frozenset({"statistician", "admin"}),                   # exports page and downloads
    "admin": frozenset({"admin"}),                                     # registry administration
    "operator": frozenset({"operator"}),                               # record judgements (one entity)
}


@dataclass(frozen=True)
class User:
    token_id: int
    prefix: str
    role: str
    label: str
    entity: str | None = None   # scoped roles (entity, operator): the one IPA code it works for
    manager: bool = False       # role ``entity``: may issue entity tokens of its administration

    def can(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]

    def sees(self, ipa: str) -> bool:
        """May this user see entity ``ipa``'s workspace (its services, figures and comments)?"""
        return self.role != "entity" or self.entity == ipa

    @property
    def actor(self) -> str:
        """How the audit log names changes made through the console."""
        return f"console:{self.prefix}:{self.label}"[:100]


def local_secret(data_dir: Path) -> str:
    """The data dir's own random session secret (``console-secret``; :func:`settings.secret_policy.local_secret`)."""
    return _local_secret(data_dir, "console-secret", "ASCOLTO_CONSOLE_SECRET")


def _user(token: Token | None) -> User | None:
    return None if token is None else User(token.id, token.prefix, token.role, token.label,
                                           token.entity_ipa, bool(token.entity_manager))


class NotConsoleToken(Exception):
    """A real, active token of a role the console does not take (``backend``: it posts to the collector only),
    given to the sign-in form; ``role`` names it. Only the holder of the whole secret learns this."""

    def __init__(self, role: str):
        super().__init__(f"a {role} token")
        self.role = role


class Throttled(Exception):
    """Too many failed sign-ins from this client or for this token prefix; retry in ``wait`` s."""

    def __init__(self, wait: int):
        super().__init__(f"retry in {wait} s")
        self.wait = wait


def _verify(secret: str, via: str) -> tuple[User, str] | None:
    """The user of ``secret`` and its token's session binding, or None (a failure, counted and
    logged); raises :class:`Throttled` before looking at the token when failures are over the limit."""
    throttle = current_app.config["ASCOLTO_SIGNIN_THROTTLE"]
    client, prefix = request.remote_addr or "unknown", secret_prefix(secret)
    wait = throttle.check(client, None)  # this client's failures: it waits, whatever it sends now
    if wait:
        raise Throttled(wait)
    prefix_wait = throttle.check_prefix(prefix)  # failures for this prefix: only a wrong secret waits
    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        token = verify_token(s, secret or "", CONSOLE_ROLES)  # a ``backend`` token is the collector's only
        found = None if token is None else (_user(token), session_binding(token))
    if found is None:
        throttle.failed(client, prefix, via)
        if prefix_wait:
            raise Throttled(prefix_wait)
    return found


def sign_in(secret: str) -> User | None:
    """Verify ``secret`` and start a session for it; None on failure, :class:`Throttled` when limited,
    :class:`NotConsoleToken` for a valid token of a role the console does not take (a ``backend`` token: the
    form says what the API's 401 says, that it posts to the collector only — it read "invalid, expired or
    revoked"). Such a sign-in still counts as a failure (:func:`_verify`)."""
    found = _verify(secret, "form")
    if found is None:
        with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
            other = verify_token(s, secret or "")  # the same check, any role: a real, active secret only
            if other is not None:
                raise NotConsoleToken(other.role)
        return None
    user, binding = found
    session.clear()
    session["tid"], session["bind"] = user.token_id, binding
    session.permanent = True
    return user


def sign_out() -> None:
    """End this session server-side: every session of the signed-in token stops working."""
    user = g.get("user")
    if user is not None and g.get("via_session"):
        with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
            end_sessions(s, user.token_id)
    for key in ("tid", "bind"):
        session.pop(key, None)


def load_user():
    """Before each request: ``g.user`` from a bearer token (API) or from the session cookie.

    Returns a 429 answer when bearer sign-ins are throttled (the request goes no further)."""
    g.user, g.auth_failed, g.via_session = None, False, False
    header = request.headers.get("Authorization", "")
    factory = current_app.config["ASCOLTO_REGISTRY"]
    if header:
        scheme, _, secret = header.partition(" ")
        try:
            found = _verify(secret if scheme.lower() == "bearer" else "", "bearer")
        except Throttled as exc:
            return refuse(429, retry_after=exc.wait)
        g.user = found[0] if found else None
        g.auth_failed = g.user is None
        return None
    tid, bind = session.get("tid"), session.get("bind")
    if isinstance(tid, int) and isinstance(bind, str):
        with session_scope(factory) as s:
            token = s.get(Token, tid)
            if token is not None and token.active and hmac.compare_digest(bind, session_binding(token)):
                g.user, g.via_session = _user(token), True
    if g.user is None:
        session.pop("tid", None)
        session.pop("bind", None)
    return None


def not_found(field: str, problem: str) -> NotFound:
    """A 404 naming the path parameter that names nothing (the handler puts it in ``fields``)."""
    exc = NotFound(problem)
    exc.field = field
    return exc


def wants_json() -> bool:
    return request.path.startswith("/api/")


def refuse(status: int, retry_after: int = 0, scope_error: str | None = None, page_message: str | None = None,
           permission: str | None = None):
    """401 (nobody, or a bad token), 403 (a role without the permission) or 429 (too many failed
    sign-ins, with ``Retry-After``): JSON or an HTML page. A 403 about the role names the roles that
    hold ``permission`` (a monitoring token asking for an export reads that it needs a statistician's
    or an admin's). A 403 that is not about the role —
    ``scope_error``, in English for the API — says why on the page with ``page_message`` (the
    reader's language), never "your role may not use this page"."""
    if status == 401:
        error, msg = "unauthorized", ("A valid console token is needed (a backend token posts to the collector "
                                      "only): sign in, or send Authorization: Bearer <token>.")
    elif status == 429:
        error, msg = "too_many_sign_ins", f"Too many failed sign-ins; retry in {retry_after} s."
    else:
        error, msg = "forbidden", f"The role {g.user.role!r} may not use this" + (
            f": it needs a token of role {' or '.join(sorted(PERMISSIONS[permission]))}." if permission else ".")
        if permission == "exports" and (request.view_args or {}).get("fmt") == "codelists":
            msg += " The codes' labels alone are open to every console role: /api/v1/codelists."
    if status == 401 and not wants_json() and request.method in ("GET", "HEAD"):
        # a page asked without a session: to the sign-in form, and back here after it (internal paths only)
        from .paths import internal_path

        here = request.full_path.rstrip("?") if request.query_string else request.path
        return redirect(url_for("pages.login", next=internal_path(here)), 303)
    if status == 403 and scope_error:
        msg = scope_error
    if wants_json():
        resp = jsonify({"error": error, "message": msg,  # the token (header or session) is the field, but for a scope
                        "fields": {"ipa": [msg]} if scope_error else {"Authorization": [msg]}})
        if status == 401:
            resp.headers["WWW-Authenticate"] = 'Bearer realm="ascolto-console"'
    else:
        page = page_message if scope_error and page_message else msg if status == 429 or scope_error else None
        resp = current_app.make_response((render_template("error.html", status=status, error=error,
                                                          message=page), status))
    resp.status_code = status
    if status == 429:
        resp.headers["Retry-After"] = str(retry_after)
    return resp


def require(permission: str, *, entity_home: bool = False) -> Callable:
    """Route decorator: the signed-in user (or bearer token) must hold ``permission``. ``entity_home``: an
    ``entity`` token lacking it is sent to its own workspace (303) instead of a 403 page — for the console's
    home, which an entity's staff open by its address as they would after signing in."""
    def deco(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if g.get("user") is None:
                return refuse(401)
            if not g.user.can(permission):
                if entity_home and g.user.role == "entity" and not wants_json():
                    return redirect(url_for("workspace.home"), 303)
                return refuse(403, permission=permission)
            return view(*args, **kwargs)
        wrapped.permission = permission
        return wrapped
    return deco


def require_entity(view: Callable) -> Callable:
    """Route decorator for ``/…/<ipa>/…`` routes: permission ``workspace``, and an ``entity`` token
    only for its own IPA code (403 on another entity's, naming the field ``ipa``)."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("user") is None:
            return refuse(401)
        if not g.user.can("workspace"):
            return refuse(403, permission="workspace")
        if not g.user.sees(kwargs.get("ipa", "")):
            from .i18n import gettext as _

            return refuse(403, scope_error=f"This token sees entity {g.user.entity!r} only.",
                          page_message=_("Questo token dà accesso solo all'area dell'ente {mine}, non a quella "
                                         "dell'ente {other}.").format(mine=g.user.entity, other=kwargs.get("ipa", "")))
        return view(*args, **kwargs)
    wrapped.permission = "workspace"
    wrapped.scoped = True
    return wrapped
