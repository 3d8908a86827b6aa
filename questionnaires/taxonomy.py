"""The service-type taxonomy and the PA categories (IPA category codes), as shipped data.

Each service type names the PA categories it applies to and the questionnaires (by id) a service
of that type may be assigned.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Mapping


class UnknownCode(LookupError):
    """A service-type or PA-category code that is not in the taxonomy."""


@dataclass(frozen=True)
class PACategory:
    code: str
    label: Mapping[str, str]


@dataclass(frozen=True)
class ServiceType:
    code: str
    label: Mapping[str, str]
    pa_categories: tuple[str, ...]
    questionnaires: tuple[str, ...]


def _read(name: str) -> list[dict]:
    return json.loads(resources.files("questionnaires").joinpath("taxonomy", name).read_text("utf-8"))


@lru_cache(maxsize=1)
def pa_categories() -> dict[str, PACategory]:
    return {d["code"]: PACategory(d["code"], d["label"]) for d in _read("pa_categories.json")}


@lru_cache(maxsize=1)
def service_types() -> dict[str, ServiceType]:
    return {d["code"]: ServiceType(d["code"], d["label"], tuple(d["pa_categories"]), tuple(d["questionnaires"]))
            for d in _read("service_types.json")}


def service_type(code: str) -> ServiceType:
    """The service type ``code``; raises :class:`UnknownCode`."""
    try:
        return service_types()[code]
    except KeyError:
        raise UnknownCode(f"unknown service type {code!r}") from None


def pa_category(code: str) -> PACategory:
    """The PA category ``code``; raises :class:`UnknownCode`."""
    try:
        return pa_categories()[code]
    except KeyError:
        raise UnknownCode(f"unknown PA category {code!r}") from None
