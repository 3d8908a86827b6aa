"""Exceptions of the registry's service layer: each names the field and the problem; and what a caller
meets when the registry's database is away (:data:`UNREACHABLE`)."""
from __future__ import annotations

from sqlalchemy import exc as sa_exc


class RegistryError(Exception):
    """A change the registry refuses. ``field`` names what is wrong, ``problem`` says why."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class InvalidValue(RegistryError, ValueError):
    """A value that is malformed or out of range."""


class NotFound(RegistryError, LookupError):
    """A referenced entity, service, token or questionnaire does not exist."""


class AlreadyExists(RegistryError):
    """Creating something whose key is taken."""


class NotAllowed(RegistryError):
    """A well-formed change that the standard or the registry's state forbids (e.g. a questionnaire the service
    type does not allow, a token already revoked)."""


#: what an operator is told when the registry's tables are missing
NOT_MIGRATED = "the registry database has no schema yet: run `ascolto registry migrate`"


def unmigrated(exc: BaseException) -> bool:
    """True for a database error (SQLAlchemy's, or its driver's ``orig``) saying a table does not exist:
    a registry nobody migrated — SQLite's "no such table", PostgreSQL's ``undefined_table`` (42P01)."""
    orig = getattr(exc, "orig", None) or exc
    return getattr(orig, "pgcode", None) == "42P01" or "no such table" in str(orig)


#: What a caller meets while the registry's database cannot be reached or does not answer (PostgreSQL
#: down, restarting, failing over, hung: :mod:`registry.deadline` gives a silent server up; the pool
#: timed out): SQLAlchemy's OperationalError (connection refused, lost or timed out), DisconnectionError
#: and pool TimeoutError. Not a fault of the request: its caller is told to retry (the collector's and
#: the console's 503 ``registry_unavailable``, the CLI's exit status 75), the processor backs off.
UNREACHABLE = (sa_exc.OperationalError, sa_exc.DisconnectionError, sa_exc.TimeoutError)
#: what libpq says when the server answered and refused what ASCOLTO_DATABASE_URL asks (a wrong user,
#: password, database or option), or SQLite of a file it cannot open or write: no retry can help, unlike a
#: server that is down or silent
_REFUSED_AS_CONFIGURED = ("password authentication failed", "no password supplied", "no pg_hba.conf entry",
                          "does not exist", "invalid sslmode value", "invalid connection option",
                          "invalid integer value", "invalid port number",
                          "unable to open database file", "attempt to write a readonly database")  # SQLite's file


def misconfigured(exc: BaseException) -> bool:
    """True for one of :data:`UNREACHABLE` that is the URL's fault, not the server's absence: PostgreSQL
    refused its user, password or database (``FATAL: role "x" does not exist``), or libpq its options.
    Not a table that does not exist (:func:`unmigrated`), which is a statement's error, not a connection's."""
    if not isinstance(exc, sa_exc.OperationalError) or unmigrated(exc):
        return False
    text = str(getattr(exc, "orig", None) or exc).splitlines()[0] if str(exc) else ""
    return any(words in text for words in _REFUSED_AS_CONFIGURED)


#: seconds a client is asked to wait (``Retry-After``) before retrying while the registry is unavailable
RETRY_AFTER_S = 30


def first_line(exc: BaseException) -> str:
    """``Type: first line`` of a database error's driver exception (``orig``) or of ``exc`` itself: what a
    log line or an operator is told — never SQLAlchemy's full text, which carries the statement and its
    parameters."""
    exc = getattr(exc, "orig", None) or exc
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"
