"""``registry.ipa``: importing the IPA open-data "Enti" CSV — idempotent, streaming, with rejected
rows reported by line number. On SQLite and PostgreSQL."""
from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from registry import AuditEntry, Entity, ops, session_scope
from registry.ipa import ImportFileError, import_ipa, write_csv
from tests.registry_support import dump, make_ipa_csv

ACTOR = "test:import"


def _import(factory, path, **kw):
    with session_scope(factory) as s:
        return import_ipa(s, path, actor=ACTOR, **kw)


def test_importing_10000_rows_twice_leaves_exactly_the_same_registry(factory, tmp_path):
    path = tmp_path / "enti.csv"
    good, rejected = make_ipa_csv(path, 10_000)
    assert len(rejected) >= 30  # every kind of bad row, several times

    t0 = time.monotonic()
    first = _import(factory, path)
    t_first = time.monotonic() - t0
    assert (first.rows, first.created, first.updated, first.unchanged) == (10_000, len(good), 0, 0)
    assert {r.line: r.column for r in first.rejected} == rejected
    dumped = dump(factory)
    assert {r[0]: dict(zip(("name", "category", "region_istat", "region_nuts", "comune_istat"), r[1:]))
            for r in dumped["entity"]} == good
    assert len(dumped["audit_log"]) == len(good)

    t0 = time.monotonic()
    second = _import(factory, path)
    t_second = time.monotonic() - t0
    assert (second.rows, second.created, second.updated, second.unchanged) == (10_000, 0, 0, len(good))
    assert second.rejected == first.rejected
    assert dump(factory) == dumped  # every table, row for row, audit log included
    assert t_first < 60 and t_second < 60, (t_first, t_second)


def test_rejected_rows_name_line_column_and_reason(factory, tmp_path):
    path = tmp_path / "enti.csv"
    good, rejected = make_ipa_csv(path, 1100)
    report = _import(factory, path)
    by_line = {r.line: r for r in report.rejected}
    assert set(by_line) == set(rejected)
    texts = {ln: str(r) for ln, r in by_line.items()}
    # data row i sits on line i + 2 until the two-line name of row 3000
    assert texts[7] == "line 7 (ente_00005): Codice_comune_ISTAT: province code '999' of comune '999005' " \
                       "is not a known Istat province"
    assert texts[9] == "line 9 (ente_00007): Denominazione_ente: is required"
    assert texts[13].startswith("line 13 (ente_00011): Codice_Categoria: 'COMUNE!' is not an IPA category")
    assert texts[15] == "line 15 (ente_00013): Codice_comune_ISTAT: is empty: the region cannot be derived"
    assert report.accepted == len(good) and report.rows == 1100


def test_line_numbers_count_physical_lines_and_duplicates_name_the_first(factory, tmp_path):
    path = tmp_path / "enti.csv"
    good, rejected = make_ipa_csv(path, 7100)
    report = _import(factory, path)
    by_line = {r.line: r for r in report.rejected}
    # row 5000 repeats ente_00010 (line 12) and, after the two-line name of row 3000, sits on line 5003
    assert str(by_line[5003]) == "line 5003 (ente_00010): Codice_IPA: 'ente_00010' repeats line 12"
    assert by_line[7003].column == "row" and "has 2 fields, the header has" in by_line[7003].problem
    with session_scope(factory) as s:
        assert s.get(Entity, "ente_03000").name == "Comune di Due Righe"
        assert s.get(Entity, "ente_00010").name.startswith("Ente numero 10,")


def test_changed_rows_are_updated_and_audited_with_before_and_after(factory, tmp_path):
    path = tmp_path / "enti.csv"
    make_ipa_csv(path, 500)
    _import(factory, path)
    with session_scope(factory) as s:  # an entity not in the file is left alone
        ops.add_entity(s, actor=ACTOR, ipa_code="inps", name="INPS", category="C16", region_istat="12")
    renamed = {"ente_00001": "Comune Uno", "ente_00400": "Comune Quattrocento"}
    make_ipa_csv(path, 500, rename=renamed)
    report = _import(factory, path, batch_size=64)
    assert (report.created, report.updated) == (0, 2)
    with factory() as s:
        updates = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "update").order_by(AuditEntry.id)))
        assert [(a.object_key, a.after["name"], a.actor) for a in updates] == [
            ("ente_00001", "Comune Uno", ACTOR), ("ente_00400", "Comune Quattrocento", ACTOR)]
        assert updates[0].before["name"].startswith("Ente numero 1,")
        assert updates[0].context == "import-ipa enti.csv line 3"
        assert s.get(Entity, "inps") is not None


def test_semicolons_bom_crlf_and_column_case_are_accepted(factory, tmp_path):
    text = write_csv([
        {"Codice_IPA": "c_h501", "Denominazione_ente": "Roma Capitale", "Codice_Categoria": "L6",
         "Codice_comune_ISTAT": "058091"},
        {"Codice_IPA": "p_bz", "Denominazione_ente": "Provincia autonoma di Bolzano", "Codice_Categoria": "L5",
         "Codice_comune_ISTAT": "021008"},
    ], delimiter=";").replace("Codice_comune_ISTAT", "CODICE_COMUNE_ISTAT")
    path = tmp_path / "enti.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    report = _import(factory, path)
    assert (report.created, report.rejected) == (2, [])
    with factory() as s:
        assert s.get(Entity, "p_bz").region_nuts == "ITH1"


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"Codice_IPA,Denominazione_ente,Codice_Categoria\nx,y,L6\n", "lacks the IPA column(s) Codice_comune_ISTAT"),
    (b"Codice_IPA,Denominazione_ente,Codice_Categoria,Codice_comune_ISTAT\nx,Citt\xe0,L6,058091\n", "not UTF-8"),
])
def test_an_unusable_file_is_refused_whole(factory, tmp_path, content, words):
    path = tmp_path / "enti.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=re.escape(words)):
        _import(factory, path)
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Entity)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_a_category_change_that_breaks_a_service_is_rejected(factory, tmp_path):
    with session_scope(factory) as s:
        ops.add_entity(s, actor=ACTOR, ipa_code="c_h501", name="Roma Capitale", category="L6", comune_istat="058091")
        ops.add_service(s, actor=ACTOR, key="roma", entity_ipa="c_h501", name="x", service_type="anagrafe.certificati")
    path = tmp_path / "enti.csv"
    path.write_text(write_csv([{"Codice_IPA": "c_h501", "Denominazione_ente": "Roma Capitale",
                                "Codice_Categoria": "C16", "Codice_comune_ISTAT": "058091"}]), "utf-8")
    report = _import(factory, path)
    assert [(r.line, r.column) for r in report.rejected] == [(2, "Codice_Categoria")]
    assert "does not fit service 'roma'" in report.rejected[0].problem
    with factory() as s:
        assert s.get(Entity, "c_h501").category == "L6"
