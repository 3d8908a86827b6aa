"""Exceptions of the registry's service layer: each names the field and the problem."""
from __future__ import annotations


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
    """A well-formed change that the standard forbids (e.g. a questionnaire the service type does not allow)."""


#: what an operator is told when the registry's tables are missing
NOT_MIGRATED = "the registry database has no schema yet: run `ascolto registry migrate`"


def unmigrated(exc: BaseException) -> bool:
    """True for a database error (SQLAlchemy's, or its driver's ``orig``) saying a table does not exist:
    a registry nobody migrated — SQLite's "no such table", PostgreSQL's ``undefined_table`` (42P01)."""
    orig = getattr(exc, "orig", None) or exc
    return getattr(orig, "pgcode", None) == "42P01" or "no such table" in str(orig)
