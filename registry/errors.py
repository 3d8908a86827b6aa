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
