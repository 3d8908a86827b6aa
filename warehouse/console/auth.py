"""Sign-in with registry tokens, signed-cookie sessions, and the role matrix of the console.

A person signs in by pasting a token (``asc_<prefix>_<random>``, created by an admin); the session
cookie (Flask's, signed with ``ASCOLTO_CONSOLE_SECRET`` or a random secret kept in the data dir)
then carries only the token's id. Every request re-reads the token row, so a revoked token ends its
sessions at once. The JSON API also accepts ``Authorization: Bearer <token>``.
"""
from __future__ import annotations

import functools
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from flask import current_app, g, jsonify, render_template, request, session

from registry import session_scope
from registry.models import Token
from registry.tokens import verify_token

#: What each permission is, and which roles have it (monitoring ⊂ statistician ⊂ admin).
PERMISSIONS: dict[str, frozenset[str]] = {
    "dashboards": frozenset({"monitoring", "statistician", "admin"}),  # pages and the JSON API
    "exports": frozenset({"statistician", "admin"}),                   # exports page and downloads
    "admin": frozenset({"admin"}),                                     # registry administration
}


@dataclass(frozen=True)
class User:
    token_id: int
    prefix: str
    role: str
    label: str

    def can(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]

    @property
    def actor(self) -> str:
        """How the audit log names changes made through the console."""
        return f"console:{self.prefix}:{self.label}"[:100]


def local_secret(data_dir: Path) -> str:
    """A random secret created once in ``data_dir`` (atomically: gunicorn workers may race)."""
    data_dir = Path(data_dir)
    path = data_dir / "console-secret"
    try:
        return path.read_text("utf-8").strip()
    except FileNotFoundError:
        pass
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        tmp = data_dir / f".console-secret.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # the first writer wins; the others read its secret
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    except OSError as exc:  # a read-only data dir (Kubernetes mounts it so for the console)
        raise RuntimeError(f"set ASCOLTO_CONSOLE_SECRET: no console secret can be kept in {data_dir} ({exc})") from None
    return path.read_text("utf-8").strip()


def _user(token: Token | None) -> User | None:
    return None if token is None else User(token.id, token.prefix, token.role, token.label)


def sign_in(secret: str) -> User | None:
    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        user = _user(verify_token(s, secret or ""))
    if user:
        session.clear()
        session["tid"] = user.token_id
        session.permanent = True
    return user


def load_user() -> None:
    """Before each request: ``g.user`` from a bearer token (API) or from the session cookie."""
    g.user, g.auth_failed = None, False
    header = request.headers.get("Authorization", "")
    factory = current_app.config["ASCOLTO_REGISTRY"]
    if header:
        scheme, _, secret = header.partition(" ")
        with session_scope(factory) as s:
            g.user = _user(verify_token(s, secret)) if scheme.lower() == "bearer" else None
        g.auth_failed = g.user is None
        return
    tid = session.get("tid")
    if isinstance(tid, int):
        with session_scope(factory) as s:
            token = s.get(Token, tid)
            g.user = _user(token) if token is not None and token.revoked_at is None else None
        if g.user is None:
            session.pop("tid", None)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def refuse(status: int):
    """401 (nobody, or a bad token) or 403 (a role without the permission): JSON or an HTML page."""
    if status == 401:
        error, msg = "unauthorized", "A valid token is needed: sign in, or send Authorization: Bearer <token>."
    else:
        error, msg = "forbidden", f"The role {g.user.role!r} may not use this."
    if wants_json():
        resp = jsonify({"error": error, "message": msg, "fields": {}})
        if status == 401:
            resp.headers["WWW-Authenticate"] = 'Bearer realm="ascolto-console"'
        return resp, status
    return render_template("error.html", status=status, error=error), status


def require(permission: str) -> Callable:
    """Route decorator: the signed-in user (or bearer token) must hold ``permission``."""
    def deco(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if g.get("user") is None:
                return refuse(401)
            if not g.user.can(permission):
                return refuse(403)
            return view(*args, **kwargs)
        wrapped.permission = permission
        return wrapped
    return deco
