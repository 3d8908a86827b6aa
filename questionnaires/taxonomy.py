"""The service-type taxonomy and the PA categories (IPA category codes), as shipped data.

Each service type names the PA categories it applies to and the questionnaires (by id) a service
of that type may be assigned. ``taxonomy/pa_categories.json`` is a list of
``{"code", "label": {lang: text}}``; ``taxonomy/service_types.json`` a list of
``{"code", "label", "pa_categories": [...], "questionnaires": [...]}``.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from .model import LANGUAGES, REQUIRED_LANGUAGES, Problem

TAXONOMY_DIR = Path(__file__).parent / "taxonomy"
_SERVICE_CODE = re.compile(r"^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$")
_PA_CODE = re.compile(r"^[A-Z][A-Z0-9]*$")


class UnknownCode(LookupError):
    """A service-type or PA-category code that is not in the taxonomy; ``valid`` lists the codes that are."""

    def __init__(self, message: str, valid: tuple[str, ...] = ()):
        super().__init__(f"{message} (valid: {', '.join(valid)})" if valid else message)
        self.valid = tuple(valid)


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

    def allows(self, questionnaire_id: str) -> bool:
        """True when a service of this type may be assigned questionnaire ``questionnaire_id``."""
        return questionnaire_id in self.questionnaires


def read_taxonomy(directory: Path = TAXONOMY_DIR, relative_to: Path | None = None
                  ) -> tuple[dict[str, PACategory], dict[str, ServiceType], list[Problem]]:
    """Read and check both files in ``directory``: (PA categories, service types, problems).

    Checks the shape, unique codes, Italian and English labels, and that every PA category a
    service type names exists. (Whether its questionnaires exist is checked against the catalog by
    :mod:`questionnaires.check`.)
    """
    directory = Path(directory)
    problems: list[Problem] = []

    def load(name: str) -> tuple[str, list[Any]]:
        path = directory / name
        shown = str(path.relative_to(relative_to)) if relative_to else str(path)
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(Problem(shown, "", f"cannot read: {exc}"))
            return shown, []
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            problems.append(Problem(shown, "", "must be a list of objects"))
            return shown, []
        return shown, data

    def labels(shown: str, where: str, value: Any) -> dict[str, str]:
        if not isinstance(value, dict) or any(k not in LANGUAGES or not isinstance(v, str) or not v
                                              for k, v in value.items()):
            problems.append(Problem(shown, where, f"label must map languages {LANGUAGES} to text"))
            return {}
        for lang in REQUIRED_LANGUAGES:
            if lang not in value:
                problems.append(Problem(shown, where, f"missing {lang} label"))
        return dict(value)

    cats: dict[str, PACategory] = {}
    shown, rows = load("pa_categories.json")
    for i, d in enumerate(rows):
        code = d.get("code")
        where = f"PA category {code!r}" if isinstance(code, str) else f"entry #{i}"
        if not isinstance(code, str) or not _PA_CODE.match(code):
            problems.append(Problem(shown, where, "code must be an IPA category code such as 'L6'"))
            continue
        if code in cats:
            problems.append(Problem(shown, where, "duplicate code"))
            continue
        cats[code] = PACategory(code, labels(shown, where, d.get("label")))

    types: dict[str, ServiceType] = {}
    shown, rows = load("service_types.json")
    for i, d in enumerate(rows):
        code = d.get("code")
        where = f"service type {code!r}" if isinstance(code, str) else f"entry #{i}"
        if not isinstance(code, str) or not _SERVICE_CODE.match(code):
            problems.append(Problem(shown, where, "code must look like 'area.service' (lower case)"))
            continue
        if code in types:
            problems.append(Problem(shown, where, "duplicate code"))
            continue
        unknown = sorted(set(d) - {"code", "label", "pa_categories", "questionnaires"})
        if unknown:
            problems.append(Problem(shown, where, f"unknown keys {unknown}"))
        pas, qs = d.get("pa_categories"), d.get("questionnaires")
        if not isinstance(pas, list) or not pas or not all(isinstance(c, str) for c in pas):
            problems.append(Problem(shown, where, "pa_categories must be a non-empty list of codes"))
            pas = []
        for c in pas:
            if c not in cats:
                problems.append(Problem(shown, where, f"PA category {c!r} is not in pa_categories.json"))
        if not isinstance(qs, list) or not qs or not all(isinstance(q, str) for q in qs):
            problems.append(Problem(shown, where, "questionnaires must be a non-empty list of ids"))
            qs = []
        if len(set(qs)) != len(qs):
            problems.append(Problem(shown, where, "a questionnaire is listed twice"))
        types[code] = ServiceType(code, labels(shown, where, d.get("label")), tuple(pas), tuple(qs))
    return cats, types, problems


@lru_cache(maxsize=1)
def _shipped() -> tuple[dict[str, PACategory], dict[str, ServiceType]]:
    cats, types, _ = read_taxonomy(TAXONOMY_DIR)
    return cats, types


def pa_categories() -> dict[str, PACategory]:
    return _shipped()[0]


def service_types() -> dict[str, ServiceType]:
    return _shipped()[1]


def service_type(code: str) -> ServiceType:
    """The service type ``code``; raises :class:`UnknownCode`."""
    try:
        return service_types()[code]
    except KeyError:
        raise UnknownCode(f"unknown service type {code!r}", tuple(service_types())) from None


def pa_category(code: str) -> PACategory:
    """The PA category ``code``; raises :class:`UnknownCode`."""
    try:
        return pa_categories()[code]
    except KeyError:
        raise UnknownCode(f"unknown PA category {code!r}", tuple(pa_categories())) from None
