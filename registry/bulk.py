"""Assign questionnaires to many services at once (``ascolto registry assign-bulk``).

Onboarding hundreds of services took one ``registry assign`` per service. Two bulk sources:

- a **selection**: every service of a service type (optionally of one entity) gets one questionnaire
  (:func:`select`);
- a **CSV file** with a header row and the columns ``service`` (the service key), ``questionnaire``
  and optionally ``version`` (empty: the newest published) — one service per line (:func:`read_csv`).

Contract: all or nothing. :func:`plan` checks every line as :func:`registry.ops.assign_questionnaire`
would (the service exists, its type allows the questionnaire, that version is published, the
questionnaire fits the service's channel) and collects *every* refusal, each naming the CSV line (or
the service) and the field; :func:`apply` refuses to write anything while one remains
(:class:`BulkRefused`). A dry run is :func:`plan` alone. Each service whose assignment changes gets
its own ``assign`` audit entry, with ``context`` saying which bulk run (and line) made it; a service
that already has that questionnaire and version is left alone (no audit entry).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import IO, Iterable

from sqlalchemy.orm import Session

from questionnaires import Catalog

from . import ops
from .checks import check_channel_fits, check_questionnaire, check_service_type
from .errors import InvalidValue, NotFound, RegistryError
from .models import Entity

#: columns of the CSV file (``version`` may be left out, or empty on a line)
COLUMNS = ("service", "questionnaire", "version")
#: lines a file may hold: far above the largest entity's services, small enough to plan in memory
MAX_LINES = 20_000


@dataclass(frozen=True)
class Row:
    """One requested assignment: ``where`` is ``"line N"`` of a file or ``"service KEY"`` of a selection."""
    where: str
    service: str
    questionnaire: str
    version: int | None


@dataclass(frozen=True)
class Planned:
    """An assignment checked against the registry: ``before`` and ``after`` as ``(questionnaire, version)``."""
    row: Row
    before: tuple[str | None, int | None]
    after: tuple[str, int]

    @property
    def changes(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class Refusal:
    """Why one row cannot be assigned: where (``line 12``), the field and the problem."""
    where: str
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.problem}"


class BulkRefused(RegistryError):
    """Some rows were refused: nothing was (or would be) written. ``refusals`` lists every one."""

    def __init__(self, refusals: list[Refusal]):
        super().__init__("assignments", f"{len(refusals)} refused, nothing assigned")
        self.refusals = refusals


def _version(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise InvalidValue("version", f"{raw!r} is not a version number (1, 2, ...; empty: the newest published)")
    return int(raw)


def read_csv(stream: IO[str], name: str = "<file>") -> tuple[list[Row], list[Refusal]]:
    """The rows of a CSV file and the refusals of the lines that cannot even be read (a missing key or
    questionnaire, a bad version, a service listed twice). A header without ``service`` and
    ``questionnaire``, or with a column that is none of :data:`COLUMNS`, is an :class:`InvalidValue` on
    ``header`` (nothing is read)."""
    reader = csv.DictReader(stream)
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS[:2] if c not in header]
    if missing:
        raise InvalidValue("header", f"{name} lacks the column(s) {', '.join(missing)} (the first line must name "
                                     f"the columns: {','.join(COLUMNS)}; version may be left out)")
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:  # a misspelt "version" column would silently mean "the newest" on every line
        raise InvalidValue("header", f"{name} has the column(s) {', '.join(unknown)}, which mean nothing here (the "
                                     f"columns are {','.join(COLUMNS)})")
    reader.fieldnames = header
    rows, refusals, seen = [], [], {}
    for record in reader:
        line = reader.line_num
        if line > MAX_LINES + 1:
            raise InvalidValue("file", f"{name} has more than {MAX_LINES} lines: split it")
        where = f"line {line}"
        if not any((v or "").strip() for k, v in record.items() if k is not None):
            continue  # a blank line
        key = (record.get("service") or "").strip()
        qid = (record.get("questionnaire") or "").strip()
        try:
            if not key:
                raise InvalidValue("service", "is required (the service key, as `registry list services` shows it)")
            if not qid:
                raise InvalidValue("questionnaire", "is required (e.g. cx-core)")
            if key in seen:
                raise InvalidValue("service", f"{key!r} is already on {seen[key]}: one line per service")
            version = _version(record.get("version"))
        except RegistryError as exc:
            refusals.append(Refusal(where, exc.field, exc.problem))
            continue
        seen[key] = where
        rows.append(Row(where, key, qid, version))
    return rows, refusals


def select(session: Session, *, service_type: str, questionnaire: str, version: int | None = None,
           entity: str | None = None) -> list[Row]:
    """A row giving ``questionnaire`` (at ``version``) to every service of ``service_type`` (of
    ``entity`` only, when given). No such service is a :class:`NotFound` naming the selection."""
    stype = check_service_type(service_type)
    if entity is not None and session.get(Entity, entity) is None:
        raise NotFound("entity", f"no entity {entity!r}")
    services = ops.list_services(session, entity_ipa=entity, service_type=stype.code)
    if not services:
        where = f" of entity {entity!r}" if entity else ""
        raise NotFound("service_type", f"no service of type {stype.code!r}{where} is in the registry")
    return [Row(f"service {s.key}", s.key, questionnaire, version) for s in services]


def plan(session: Session, rows: Iterable[Row], *, catalog: Catalog | None = None
         ) -> tuple[list[Planned], list[Refusal]]:
    """Check every row against the registry and the standard; write nothing."""
    planned, refusals = [], []
    for row in rows:
        try:
            s = ops.get_service(session, row.service)
            stype = check_service_type(s.service_type)
            qid, version = check_questionnaire(stype, row.questionnaire, row.version, catalog)
            check_channel_fits(qid, version, s.channel, catalog)
        except RegistryError as exc:
            field = {"key": "service", "questionnaire_id": "questionnaire",
                     "questionnaire_version": "version"}.get(exc.field, exc.field)
            refusals.append(Refusal(row.where, field, exc.problem))
            continue
        planned.append(Planned(row, (s.questionnaire_id, s.questionnaire_version), (qid, version)))
    return planned, refusals


def apply(session: Session, planned: list[Planned], refusals: list[Refusal], *, actor: str, source: str,
          catalog: Catalog | None = None) -> list[Planned]:
    """Write the planned assignments that change something, each audited (``context``: ``bulk
    SOURCE, LINE``); :class:`BulkRefused` and nothing written while ``refusals`` is not empty.
    Returns the assignments written."""
    if refusals:
        raise BulkRefused(refusals)
    done = []
    for p in planned:
        if not p.changes:
            continue
        qid, version = p.after
        ops.assign_questionnaire(session, p.row.service, qid, version, actor=actor, catalog=catalog,
                                 context=f"bulk {source}, {p.row.where}"[:300])
        done.append(p)
    return done
