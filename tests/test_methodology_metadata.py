"""The reference metadata name the questionnaire versions behind the series: which instrument, scale
and series each published version measures an indicator with, and why a version breaks a series.
The tables carry INSTRUMENT and SCALE and flag a break's first period (OBS_STATUS=B), but nothing an
export held said which questionnaire versions those series pool."""
from __future__ import annotations

import json
import shutil

from questionnaires import scales
from questionnaires.catalog import DEFINITIONS_DIR, Catalog
from settings import Settings
from warehouse.dataset import Warehouse
from warehouse.refmeta import questionnaire_versions, reference_metadata


def test_the_reference_metadata_list_every_published_version_and_its_measures(data_dir):
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        meta = reference_metadata(wh.cursor(), "M")
    listed = meta["S.18 Statistical processing"]["questionnaires"]
    expected = {(m.questionnaire, m.version, m.indicator): m for m in scales.measures()}
    got = {(q["questionnaire"], q["version"], x["indicator"]): x for q in listed for x in q["measures"]}
    assert got.keys() == expected.keys()
    for key, m in expected.items():
        assert got[key] == {"indicator": m.indicator, "instrument": m.instrument, "scale": m.scale,
                            "headline": m.headline, "series_from_version": m.series}
    assert got[("di-rating-pagina", 1, "clarity")]["headline"] is False
    assert "OBS_STATUS=B" in meta["S.18 Statistical processing"]["data_collection"]
    json.dumps(meta)  # still plain JSON


def test_a_version_declaring_a_break_starts_a_new_series_with_its_reason(tmp_path):
    shutil.copy(DEFINITIONS_DIR / "faccia.v1.json", tmp_path / "faccia.v1.json")
    v2 = json.loads((DEFINITIONS_DIR / "faccia.v1.json").read_text("utf-8"))
    v2["version"] = 2
    v2["changes"] = {"it": "Domanda riformulata.", "en": "Question reworded."}
    v2["breaks"] = {"satisfaction": {"it": "Domanda riformulata.", "en": "Question reworded."}}
    (tmp_path / "faccia.v2.json").write_text(json.dumps(v2), "utf-8")
    listed = {(q["questionnaire"], q["version"]): q for q in questionnaire_versions(Catalog.load(tmp_path, manifest=None))}
    assert listed[("faccia", 1)]["breaks"] == {}
    assert listed[("faccia", 2)]["breaks"] == {"satisfaction": "Question reworded."}
    series = {x["indicator"]: x["series_from_version"] for x in listed[("faccia", 2)]["measures"]}
    assert series["satisfaction"] == 2 and series["went_well"] == 1
