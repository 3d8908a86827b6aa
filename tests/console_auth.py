"""Helpers (no tests here): console tokens and an authorized API test client."""
from __future__ import annotations

from registry import connect, session_scope
from registry.tokens import create_token


def token(settings, role: str = "admin", label: str | None = None) -> str:
    """A new token of ``role`` in the settings' registry (migrated first); returns its secret."""
    factory = connect(settings.database_url)
    with session_scope(factory) as s:
        return create_token(s, role=role, label=label or f"test {role}", actor="test")[1]


def api_client(settings, role: str = "admin"):
    """A console test client sending ``Authorization: Bearer`` with a fresh token of ``role``."""
    from warehouse.console import create_app

    secret = token(settings, role)
    client = create_app(settings).test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def get_as(app, secret: str, url: str, lang: str | None = None):
    """``GET url`` of the console ``app`` with the bearer token ``secret``, in ``lang`` (the session's
    language, as the language switch sets it) when given."""
    client = app.test_client()
    if lang:
        with client.session_transaction() as s:
            s["lang"] = lang
    return client.get(url, headers={"Authorization": f"Bearer {secret}"})
