"""Import of entities from the IPA open-data "Enti" dataset (indicepa.gov.it), streaming.

The file is the dataset's CSV as published (``enti.csv``: UTF-8, with or without BOM; comma,
semicolon or tab separated — the separator is read from the header line). The columns used are

=====================  ========================================================
``Codice_IPA``          the entity's key (``ipa_code``)
``Denominazione_ente``  ``name``
``Codice_Categoria``    ``category`` (the IPA category = PA type, e.g. L6, C16)
``Codice_comune_ISTAT`` ``comune_istat``; region and NUTS-2 are derived from it
=====================  ========================================================

and, optionally, the entity's name in other languages than Italian (:mod:`registry.names`):
``Denominazione_ente_en``, ``_de``, ``_fr``, ``_sl`` (not in the IPA layout: added by whoever
prepares the file, e.g. the German names of Alto Adige's entities). A column that is there sets the
name in its language (an empty cell removes it); a language without a column keeps what the
registry holds.

Every other column of the layout (``Codice_fiscale_ente``, ``Tipologia``, ``Codice_natura``,
``Acronimo``, ``Indirizzo``, ``Mail1``…, ``Sito_istituzionale``, ``Data_aggiornamento``…) is
ignored, so added or reordered columns do not matter. Column names are matched ignoring case.

Idempotent: an entity is inserted when new, updated only when a field differs, and left alone
(no write, no audit row) when equal, so importing the same file twice leaves the registry
identical. Entities absent from the file are kept. Rows are validated one by one; a bad row is
rejected with its line number and reason and the rest goes on. Work is done in batches (bulk
select, bulk insert, bulk update, bulk audit) inside the caller's transaction.
"""
from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterator

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from . import audit
from .errors import InvalidValue, RegistryError
from .models import AuditEntry, Entity, utcnow
from .checks import check_category, check_ipa_code, check_name, place
from .names import OTHER_LANGUAGES, check_names
from .ops import check_services_fit

COLUMNS = {  # registry field → IPA column
    "ipa_code": "Codice_IPA",
    "name": "Denominazione_ente",
    "category": "Codice_Categoria",
    "comune_istat": "Codice_comune_ISTAT",
}
#: The columns of the "Enti" dataset, in the published order (the import reads only ``COLUMNS``).
IPA_LAYOUT = (
    "Codice_IPA", "Denominazione_ente", "Codice_fiscale_ente", "Tipologia", "Codice_Categoria",
    "Codice_natura", "Codice_ateco", "Ente_in_liquidazione", "Codice_MIUR", "Codice_ISTAT", "Acronimo",
    "Nome_responsabile", "Cognome_responsabile", "Titolo_responsabile", "Codice_comune_ISTAT",
    "Codice_catastale_comune", "CAP", "Indirizzo", "Mail1", "Tipo_Mail1", "Mail2", "Tipo_Mail2", "Mail3",
    "Tipo_Mail3", "Mail4", "Tipo_Mail4", "Mail5", "Tipo_Mail5", "Sito_istituzionale", "Data_aggiornamento",
)
#: optional columns: the name in another language (registry field ``name_<lang>``)
NAME_COLUMNS = {f"name_{lang}": f"Denominazione_ente_{lang}" for lang in OTHER_LANGUAGES}
FIELDS = ("name", "category", "region_istat", "region_nuts", "comune_istat", "names")
_DELIMITERS = (",", ";", "\t", "|")


class ImportFileError(RegistryError):
    """The file as a whole cannot be imported (unreadable, no header, a required column missing)."""


@dataclass(frozen=True)
class Rejected:
    line: int
    ipa_code: str | None
    column: str
    problem: str

    def __str__(self) -> str:
        who = f" ({self.ipa_code})" if self.ipa_code else ""
        return f"line {self.line}{who}: {self.column}: {self.problem}"


@dataclass
class ImportReport:
    source: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        return (f"{self.source}: {self.rows} rows, {self.created} created, {self.updated} updated, "
                f"{self.unchanged} unchanged, {len(self.rejected)} rejected")


def _records(stream: IO[str], source: str) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line number, {registry field: raw value})`` per data row; raises :class:`ImportFileError`."""
    header_line = stream.readline()
    if not header_line.strip():
        raise ImportFileError("file", f"{source} is empty: no header line")
    delimiter = max(_DELIMITERS, key=header_line.count)
    reader = csv.reader(itertools.chain([header_line], stream), delimiter=delimiter)
    header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    where = {h.lower(): i for i, h in enumerate(header)}
    missing = [col for col in COLUMNS.values() if col.lower() not in where]
    if missing:
        raise ImportFileError("header", f"{source} lacks the IPA column(s) {', '.join(missing)} "
                                        f"(found: {', '.join(header) or 'none'})")
    index = {f: where[col.lower()] for f, col in {**COLUMNS, **NAME_COLUMNS}.items() if col.lower() in where}
    last = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileError("file", f"{source} line {last + 1}: {exc}") from None
        line, last = last + 1, reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            yield line, {"_error": f"has {len(row)} fields, the header has {len(header)}",
                         "ipa_code": row[index["ipa_code"]].strip() if len(row) > index["ipa_code"] else ""}
            continue
        yield line, {f: row[i] for f, i in index.items()}


def _clean(raw: dict[str, str]) -> dict[str, Any]:
    """The entity's fields from one row; raises :class:`RegistryError` naming the registry field."""
    ipa_code = check_ipa_code(raw["ipa_code"])
    name = check_name(raw["name"])
    category = check_category(raw["category"])
    if not raw["comune_istat"].strip():
        raise InvalidValue("comune_istat", "is empty: the region cannot be derived")
    p = place(raw["comune_istat"].strip())
    given = {lang: raw[f] for f, lang in ((f"name_{lang}", lang) for lang in OTHER_LANGUAGES) if f in raw}
    check_names(given)  # refusals name the column (name_<lang>)
    return {"ipa_code": ipa_code, "name": name, "category": category, "region_istat": p.region_istat,
            "region_nuts": p.region_nuts, "comune_istat": p.comune_istat,
            "names": {lang: v.strip() or None for lang, v in given.items()}}  # merged in _apply


def import_ipa(session: Session, source: str | Path | IO[str], *, actor: str, batch_size: int = 1000,
               name: str | None = None) -> ImportReport:
    """Import entities from an IPA "Enti" CSV (a path or an open text stream) into ``session``.

    The caller commits (or rolls back, for a dry run). Raises :class:`ImportFileError` when the
    file as a whole is unusable; bad rows are reported in :attr:`ImportReport.rejected`.
    """
    actor = audit.check_actor(actor)
    if isinstance(source, (str, Path)):
        with open(source, encoding="utf-8-sig", newline="") as f:
            return import_ipa(session, f, actor=actor, batch_size=batch_size, name=name or Path(source).name)
    label = name or getattr(source, "name", "<stream>")
    report = ImportReport(str(label))
    seen: dict[str, int] = {}
    batch: dict[str, tuple[int, dict[str, Any]]] = {}
    try:
        for line, raw in _records(source, report.source):
            report.rows += 1
            if "_error" in raw:
                report.rejected.append(Rejected(line, raw["ipa_code"] or None, "row", raw["_error"]))
                continue
            try:
                values = _clean(raw)
            except RegistryError as exc:
                report.rejected.append(Rejected(line, raw["ipa_code"].strip() or None,
                                                {**COLUMNS, **NAME_COLUMNS}.get(exc.field, "Codice_comune_ISTAT"),
                                                exc.problem))
                continue
            first = seen.setdefault(values["ipa_code"], line)
            if first != line:
                report.rejected.append(Rejected(line, values["ipa_code"], COLUMNS["ipa_code"],
                                                f"{values['ipa_code']!r} repeats line {first}"))
                continue
            batch[values["ipa_code"]] = (line, values)
            if len(batch) >= batch_size:
                _apply(session, batch, report, actor)
                batch = {}
        if batch:
            _apply(session, batch, report, actor)
    except UnicodeDecodeError as exc:
        raise ImportFileError("file", f"{report.source} is not UTF-8 text ({exc}); nothing was imported") from None
    report.rejected.sort(key=lambda r: r.line)
    return report


def _apply(session: Session, batch: dict[str, tuple[int, dict[str, Any]]], report: ImportReport,
           actor: str) -> None:
    """Insert, update or skip one batch of validated rows, with their audit rows."""
    cols = [getattr(Entity, c) for c in ("ipa_code", *FIELDS)]
    existing = {r.ipa_code: dict(r._mapping) for r in session.execute(
        select(*cols).where(Entity.ipa_code.in_(list(batch))))}
    now = utcnow()
    inserts, updates, audits = [], [], []
    for code, (line, values) in batch.items():
        ctx = f"import-ipa {report.source} line {line}"
        old = existing.get(code)
        given = values["names"]  # the languages with a column: set, or removed when empty; others kept
        values = {**values, "names": check_names({**((old or {}).get("names") or {}), **given}) or None}
        if old is None:
            inserts.append(values)
            audits.append(audit.entry(actor=actor, action="create", object_type="entity", object_key=code,
                                      after=values, context=ctx, at=now))
            continue
        if all(old[f] == values[f] for f in FIELDS):
            report.unchanged += 1
            continue
        if old["category"] != values["category"]:
            try:
                check_services_fit(session, code, values["category"])
            except RegistryError as exc:
                report.rejected.append(Rejected(line, code, COLUMNS["category"], exc.problem))
                continue
        updates.append(values)
        audits.append(audit.entry(actor=actor, action="update", object_type="entity", object_key=code,
                                  before=old, after=values, context=ctx, at=now))
    if inserts:
        session.execute(insert(Entity), inserts)
    if updates:
        session.execute(update(Entity), updates)
    if audits:
        session.execute(insert(AuditEntry), audits)
    report.created += len(inserts)
    report.updated += len(updates)


def write_csv(rows: list[dict[str, str]], delimiter: str = ",") -> str:
    """A CSV text in the IPA layout from dicts keyed by IPA column names (a helper for tests and demos)."""
    header = list(IPA_LAYOUT)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, delimiter=delimiter, lineterminator="\n", extrasaction="raise")
    w.writeheader()
    for r in rows:
        w.writerow({k: r.get(k, "") for k in header})
    return buf.getvalue()
