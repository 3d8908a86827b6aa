"""The set of published questionnaire definitions, looked up by (id, version)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .model import Questionnaire, load_definition

DEFINITIONS_DIR = Path(__file__).parent / "definitions"


class UnknownQuestionnaire(LookupError):
    """No published definition has this id and version."""


class Catalog:
    """Immutable index of definitions; build with :meth:`load`."""

    def __init__(self, questionnaires: list[Questionnaire]):
        self._by_key = {(q.id, q.version): q for q in questionnaires}

    @classmethod
    def load(cls, directory: Path = DEFINITIONS_DIR) -> "Catalog":
        """Load every ``*.json`` definition in ``directory``; raises ``DefinitionError``."""
        return cls([load_definition(p) for p in sorted(Path(directory).glob("*.json"))])

    def get(self, qid: str, version: int) -> Questionnaire:
        try:
            return self._by_key[(qid, version)]
        except KeyError:
            raise UnknownQuestionnaire(f"no questionnaire {qid!r} version {version!r}") from None

    def __iter__(self):
        return iter(sorted(self._by_key.values(), key=lambda q: (q.id, q.version)))

    def __len__(self) -> int:
        return len(self._by_key)


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The shipped standard set, loaded once per process."""
    return Catalog.load()
