"""Every text that states the disclosure thresholds states the configured ones
(``ASCOLTO_DISCLOSURE_MIN_N``, ``ASCOLTO_RELIABILITY_MIN_N``), never the defaults 3 and 30: the
console's status legend (both languages), the "Mettiamoci la faccia" report's note, and every export's
code lists (the codelist file, JSON-stat's status labels, the SDMX structure), which state the
thresholds the table was cut with. Real DuckDB/Parquet data, the real CLI and console app."""
from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from ascolto.cli import main
from tests.console_data import build
from tests.warehouse_rows import face_row as _face, write
from warehouse.console import create_app

ENV = {"ASCOLTO_DISCLOSURE_MIN_N": "5", "ASCOLTO_RELIABILITY_MIN_N": "50"}


def _export(data_dir, out, fmt: str):
    result = CliRunner().invoke(main, ["export", "--format", fmt, "--out", str(out), "--data-dir", str(data_dir),
                                       "--freq", "M"], env=ENV)
    assert result.exit_code == 0, result.output
    return out


def test_the_codelist_file_states_the_thresholds_the_table_was_cut_with(data_dir, tmp_path):
    _export(data_dir, tmp_path / "cx.csv", "csv")
    with open(tmp_path / "cx.codelists.csv", encoding="utf-8") as fh:
        labels = {(r["codelist"], r["code"]): (r["label_it"], r["label_en"]) for r in csv.DictReader(fh)}
    assert labels[("CONF_STATUS", "A")] == ("Oscurato (meno di 5 risposte, vere o perturbate, o nessuna risposta "
                                            "dopo la perturbazione)", "Suppressed (fewer than 5 true or perturbed "
                                            "responses, "
                                            "or no answer left by the perturbation)")
    assert labels[("OBS_STATUS", "U")] == ("Bassa affidabilità: meno di 50 risposte",
                                           "Low reliability: fewer than 50 responses")  # every cell has n < 50
    text = (tmp_path / "cx.codelists.csv").read_text("utf-8")
    assert "fewer than 3 " not in text and "fewer than 30 " not in text


def test_jsonstat_and_the_sdmx_structure_state_the_configured_thresholds(data_dir, tmp_path):
    stat = json.loads(_export(data_dir, tmp_path / "cx.json", "jsonstat").read_text("utf-8"))
    status = stat["link"]["item"][0]["extension"]["status"]
    assert status["U"] == "Low reliability: fewer than 50 responses"
    assert stat["link"]["item"][0]["extension"]["confidentiality"]["min_n"] == 5
    xml = _export(data_dir, tmp_path / "structure.xml", "sdmx-structure").read_text("utf-8")
    for text in ("fewer than 5 true or perturbed responses", "meno di 5 risposte, vere o perturbate",
                 "fewer than 50 responses", "meno di 50 risposte"):
        assert text in xml
    assert "fewer than 3 " not in xml and "meno di 30 " not in xml


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("thresholds")
    settings, tokens = build(root)
    write(root, [_face("2026-09", f, v) for f, v in (("satisfied", 100.0), ("neutral", 50.0)) * 20])
    c = create_app(settings.with_(disclosure_min_n=5, reliability_min_n=50)).test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
    return c


def test_the_console_legend_states_the_configured_thresholds(client):
    page = client.get("/").get_data(as_text=True)
    assert "Legenda degli stati" in page
    assert "meno di 5 risposte, vere o dopo la perturbazione" in page and "bassa affidabilità: meno di 50 risposte" in page
    assert "meno di 3 risposte" not in page and "meno di 30 risposte" not in page
    en = client.get("/?lang=en").get_data(as_text=True)
    assert "fewer than 5 responses, true or after perturbation" in en and "low reliability: fewer than 50 responses" in en


def test_the_faccia_report_states_the_configured_thresholds(client):
    page = client.get("/entities/c_h501/faccia").get_data(as_text=True)
    assert "le celle con meno di 5 giudizi non sono pubblicate" in page and "sotto i 50 giudizi" in page
    assert "meno di 3 giudizi" not in page and "sotto i 30 giudizi" not in page
