"""The exports as the standards' own readers see them: SDMX-ML names in both languages, SDMX-CSV data
valid under our DSD, JSON-stat units on the metric dimension, periods still running flagged.

Real data (the ``data_dir`` fixture: Parquet responses through the warehouse), read back by pysdmx,
lxml and pyjstat; no mocks."""
from __future__ import annotations

import pytest
from lxml import etree

from settings import Settings
from warehouse import codelists as cl
from warehouse import export
from warehouse.dataset import Warehouse

COM = "{http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common}"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def structure(data_dir, tmp_path):
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        return export.export(wh.cursor(), "sdmx-structure", tmp_path / "structure.xml")


def _names(element) -> dict[str, str]:
    """{xml:lang: text} of the com:Name children of one element."""
    return {n.get(LANG): n.text for n in element.iterchildren(f"{COM}Name")}


def test_sdmx_structure_names_every_code_in_italian_and_english(structure):
    from pysdmx.io import read_sdmx

    root = etree.parse(str(structure)).getroot()
    named = [e for e in root.iter() if any(True for _ in e.iterchildren(f"{COM}Name"))]
    assert named and all(set(_names(e)) == {"it", "en"} for e in named)  # no name in one language only
    lists = {e.get("id"): e for e in root.iter("{*}Codelist")}
    for name, codes in cl.codelists().items():
        assert _names(lists[f"CL_{name}"])["it"]
        written = {c.get("id"): _names(c) for c in lists[f"CL_{name}"].iterchildren("{*}Code")}
        assert written == {cl.sdmx_id(code): {"it": it, "en": en} for code, (it, en) in codes.items()}, name
    service = written_service = {c.get("id"): _names(c) for c in lists["CL_SERVICE_TYPE"].iterchildren("{*}Code")}
    assert written_service["anagrafe__certificati"] == {"it": "Certificati anagrafici", "en": "Registry certificates"}
    assert "Certificati anagrafici" not in [n.text for n in root.iter(f"{COM}Name") if n.get(LANG) == "en"]
    concept = next(e for e in root.iter("{*}Concept") if e.get("id") == "OBS_STATUS")
    assert _names(concept) == {"it": "Stato dell'osservazione", "en": "Observation status"}
    # pysdmx validates the message against the SDMX 3.0 schemas and reads the English names back
    msg = read_sdmx(str(structure), validate=True)
    codes = {c.id: c.name for c in {c.id: c for c in msg.get_codelists()}["CL_SERVICE_TYPE"]}
    assert codes["anagrafe__certificati"] == "Registry certificates" and service
