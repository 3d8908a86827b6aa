"""Two exports of the same data are the same bytes, in every format — the SDMX structure included,
whose message header pysdmx fills with a random ID, the clock's time and the unknown sender ``ZZZ``.

Real data (the ``data_dir`` fixture through the warehouse); the structure read back by lxml and pysdmx."""
from __future__ import annotations

import hashlib
from pathlib import Path

from lxml import etree

from settings import Settings
from tests.console_auth import api_client
from warehouse import cube, export
from warehouse.dataset import Warehouse
from warehouse.protect import Protection

MES = "{http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message}"
FORMATS = {"csv": "t.csv", "parquet": "t.parquet", "sdmx-csv": "t.sdmx.csv", "jsonstat": "t.json",
           "sdmx-structure": "structure.xml", "metadata": "metadata.json", "datapackage": "pkg"}


def _digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _export_all(con, out: Path) -> dict[str, str]:
    for fmt, name in FORMATS.items():
        export.export(con, fmt, out / name, freq="M")
    return _digests(out)


def test_two_exports_of_the_same_data_are_identical_in_every_format(data_dir, tmp_path):
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        first = _export_all(wh.cursor(), tmp_path / "a")
        second = _export_all(wh.cursor(), tmp_path / "b")
    assert "structure.xml" in first and "pkg/datapackage.json" in first
    assert {name for name in first if first[name] != second.get(name)} == set()  # the structure differed


def test_the_structure_header_is_the_agency_and_the_data_date(data_dir, tmp_path):
    """Sender ``IT1`` (the agency of the DSD, not pysdmx's ``ZZZ``), ``Prepared`` the day of the newest
    response (JSON-stat's ``updated``), ``ID`` a digest of the structures: another structure (other
    thresholds in its status labels) another ID."""
    from pysdmx.io import read_sdmx

    with Warehouse(Settings(data_dir=data_dir)) as wh:
        con = wh.cursor()
        path = export.export(con, "sdmx-structure", tmp_path / "s.xml")
        other = export.export(con, "sdmx-structure", tmp_path / "o.xml", protection=Protection(min_n=5))
        as_of = cube.last_day(con)
    header = etree.parse(str(path)).getroot().find(f"{MES}Header")
    assert header.find(f"{MES}Sender").get("id") == "IT1"
    assert header.find(f"{MES}Prepared").text == f"{as_of}T00:00:00Z"
    ident = header.find(f"{MES}ID").text
    assert ident.startswith("IT1_DF_ASCOLTO_CX_")
    assert etree.parse(str(other)).getroot().find(f"{MES}Header").find(f"{MES}ID").text != ident
    msg = read_sdmx(str(path), validate=True)
    assert msg.header.sender.id == "IT1" and msg.header.id == ident


def test_the_console_structure_is_the_cli_structure(data_dir, tmp_path):
    """The console's download of the structure is the same file as ``ascolto export``'s, twice over."""
    settings = Settings(data_dir=data_dir)
    with Warehouse(settings) as wh:
        path = export.export(wh.cursor(), "sdmx-structure", tmp_path / "s.xml",
                             protection=Protection.from_settings(settings))
    client = api_client(settings)
    one, two = (client.get("/api/v1/export/sdmx-structure").data for _ in range(2))
    assert one == two == path.read_bytes()
