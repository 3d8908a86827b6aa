"""No NUL character reaches a view: a path parameter, query argument or form field holding one is a 400
naming it (:class:`warehouse.comparability.QueryError`), before sign-in is even looked at.

PostgreSQL cannot hold a NUL in a text value and psycopg2 refuses to send one (``ValueError``), so
``/admin/services/%00/origins`` or ``/workspace/%00`` was a 500 on a PostgreSQL registry (and a
"no such service" on SQLite). No value of Ascolto — code, key, name, period, token — contains one.
"""
from __future__ import annotations

from flask import request

from ..comparability import QueryError

PROBLEM = "contains a NUL character."


def refuse_nul() -> None:
    """``before_request``: raise :class:`QueryError` for the first field whose name or value has a NUL."""
    sources = [(request.view_args or {}).items(), request.args.items(multi=True)]
    if request.method in ("POST", "PUT", "PATCH"):
        sources.append(request.form.items(multi=True))
    for items in sources:
        for name, value in items:
            if "\x00" in name or (isinstance(value, str) and "\x00" in value):
                raise QueryError(name.replace("\x00", "\\x00"), PROBLEM)
