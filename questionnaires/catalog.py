"""The set of questionnaire definitions, looked up by (id, version).

Definitions live one per file as ``definitions/ID.vVERSION.json``. Loading resolves ``extends``
(bases first, whatever the file order), keeps only the definitions recorded in ``published.json``
and compares each with its recorded content hash: a published file that was edited makes loading
fail, naming the file, so a changed instrument can never be served under an old version.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from .analysis import analyze_definition, read_definition
from .model import DefinitionError, Problem, Questionnaire
from .published import MANIFEST_NAME, ManifestError, content_hash, read_manifest, ref

STANDARD_DIR = Path(__file__).parent
DEFINITIONS_DIR = STANDARD_DIR / "definitions"
MANIFEST_PATH = STANDARD_DIR / MANIFEST_NAME
_FILE_NAME = re.compile(r"^(?P<id>.+)\.v(?P<version>[0-9]+)\.json$")
_AUTO = object()


class UnknownQuestionnaire(LookupError):
    """No loaded definition has this id and version."""


@dataclass
class Source:
    """One definition file as read: its display name, parsed JSON (None if unreadable), problems."""

    path: Path
    name: str
    raw: Any = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, int] | None:
        """(id, version) as declared in the file, when it declares them plausibly."""
        raw = self.raw
        if isinstance(raw, dict) and isinstance(raw.get("id"), str) and type(raw.get("version")) is int:
            return raw["id"], raw["version"]
        return None


def read_sources(directory: Path, relative_to: Path | None = None) -> list[Source]:
    """Read every ``*.json`` in ``directory``; names are relative to ``relative_to`` when given."""
    sources = []
    for path in sorted(Path(directory).glob("*.json")):
        name = str(path.relative_to(relative_to)) if relative_to else str(path)
        src = Source(path, name)
        try:
            src.raw = read_definition(path)
        except DefinitionError as exc:
            src.problems.append(Problem(name, "", exc.problems[0].message))
        sources.append(src)
    return sources


def build_all(sources: Iterable[Source]) -> tuple[dict[tuple[str, int], Questionnaire], list[Problem]]:
    """Build every readable definition, bases before the modules that extend them.

    Also checks that each file is named ``ID.vVERSION.json`` after its content and that no two
    files declare the same id and version.
    """
    problems: list[Problem] = []
    by_key: dict[tuple[str, int], Source] = {}
    for src in sources:
        problems.extend(src.problems)
        if src.raw is None:
            continue
        key = src.key
        if key is None:  # the schema reports what is wrong with id / version
            _, probs = analyze_definition(src.raw, src.name)
            problems.extend(probs)
            continue
        expected = f"{key[0]}.v{key[1]}.json"
        if src.path.name != expected:
            problems.append(Problem(src.name, "", f"file name must be '{expected}' (after its id and version)"))
        if key in by_key:
            problems.append(Problem(src.name, "", f"{ref(*key)} is also defined in {by_key[key].name}"))
            continue
        by_key[key] = src

    built: dict[tuple[str, int], Questionnaire] = {}
    failed: set[tuple[str, int]] = set()
    building: list[tuple[str, int]] = []

    def resolve(qid: str, version: int) -> Questionnaire:
        key = (qid, version)
        if key in built:
            return built[key]
        if key in failed:
            raise LookupError("that definition is invalid")
        if key not in by_key:
            raise LookupError("no such definition")
        if key in building:
            raise LookupError("circular extends: " + " → ".join(ref(*k) for k in building + [key]))
        building.append(key)
        try:
            q, probs = analyze_definition(by_key[key].raw, by_key[key].name, resolve)
        finally:
            building.pop()
        problems.extend(probs)
        if q is None:
            failed.add(key)
            raise LookupError("that definition is invalid")
        built[key] = q
        return q

    for key in by_key:
        try:
            resolve(*key)
        except LookupError:
            pass
    return built, problems


def verify_published(sources: Iterable[Source], manifest: dict[str, str]) -> list[Problem]:
    """A problem for each published definition whose content differs from its recorded hash."""
    problems = []
    for src in sources:
        key = src.key
        if key is None or ref(*key) not in manifest:
            continue
        actual = content_hash(src.raw)
        if actual != manifest[ref(*key)]:
            problems.append(Problem(
                src.name, "",
                f"{ref(*key)} was edited after publication (published {manifest[ref(*key)][:19]}…, "
                f"file now {actual[:19]}…): restore it and publish the change as a new version"))
    return problems


class Catalog:
    """Immutable index of definitions; build with :meth:`load`."""

    def __init__(self, questionnaires: list[Questionnaire], published: dict[str, str] | None = None):
        self._by_key = {(q.id, q.version): q for q in questionnaires}
        self._published = dict(published or {})

    @classmethod
    def load(cls, directory: Path = DEFINITIONS_DIR, *, manifest: Any = _AUTO) -> "Catalog":
        """Load every ``*.json`` definition in ``directory``; raises ``DefinitionError``.

        ``manifest`` is the ``published.json`` to verify against; by default the one beside
        ``directory`` (``DIR/../published.json``) when it exists. With a manifest, only published
        definitions are loaded (drafts are left out: they can be neither served nor assigned) and
        each must match its recorded hash. ``None`` loads every definition and verifies nothing
        (for tests and tools working on drafts).
        """
        directory = Path(directory)
        if manifest is _AUTO:
            beside = directory.parent / MANIFEST_NAME
            manifest = beside if beside.exists() else None
        sources = read_sources(directory)
        recorded: dict[str, str] = {}
        problems: list[Problem] = []
        if manifest is not None:
            try:
                recorded = read_manifest(Path(manifest))
            except ManifestError as exc:
                raise DefinitionError(str(exc), [Problem(str(manifest), "", str(exc))]) from None
            sources = [s for s in sources if s.key is None or ref(*s.key) in recorded]
            problems.extend(verify_published(sources, recorded))
        built, structural = build_all(sources)
        problems.extend(structural)
        errors = [p for p in problems if p.level == "error"]
        if errors:
            raise DefinitionError.from_problems(errors)
        return cls(list(built.values()), recorded)

    def get(self, qid: str, version: int) -> Questionnaire:
        try:
            return self._by_key[(qid, version)]
        except KeyError:
            raise UnknownQuestionnaire(f"no questionnaire {qid!r} version {version!r}") from None

    def is_published(self, qid: str, version: int) -> bool:
        """True when ``qid@version`` is loaded and recorded in ``published.json`` (verified on load)."""
        return (qid, version) in self._by_key and ref(qid, version) in self._published

    def published_hash(self, qid: str, version: int) -> str | None:
        return self._published.get(ref(qid, version)) if (qid, version) in self._by_key else None

    def versions(self, qid: str) -> list[int]:
        return sorted(v for i, v in self._by_key if i == qid)

    def ids(self) -> list[str]:
        return sorted({i for i, _ in self._by_key})

    def __contains__(self, key: tuple[str, int]) -> bool:
        return key in self._by_key

    def __iter__(self):
        return iter(sorted(self._by_key.values(), key=lambda q: (q.id, q.version)))

    def __len__(self) -> int:
        return len(self._by_key)


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The shipped standard set, verified against ``published.json``, loaded once per process."""
    return Catalog.load(DEFINITIONS_DIR, manifest=MANIFEST_PATH)
