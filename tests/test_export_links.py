"""Links in exports are absolute, on the public site's configured address (``ASCOLTO_PUBLIC_SITE_URL``,
default the local site on ``ASCOLTO_PUBLIC_PORT``): the confidentiality note and ``documentation``
field, the reference metadata, the microdata package — a recipient of the file can follow them. A bad
address is refused at load, naming the variable. Real DuckDB/Parquet data, the real CLI."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from ascolto.cli import main
from settings import load

SITE = "https://ascolto.example.gov.it"
ENV = {"ASCOLTO_PUBLIC_SITE_URL": SITE + "/"}


def _export(data_dir, out, fmt: str, env=ENV):
    result = CliRunner().invoke(main, ["export", "--format", fmt, "--out", str(out), "--data-dir", str(data_dir),
                                       "--freq", "M"], env=env)
    assert result.exit_code == 0, result.output
    return out


def _links(text: str) -> list[str]:
    """Every methodology link the text carries, relative or absolute."""
    return re.findall(r'[^\s"(;]*/(?:en|it)/methodology', text)


def test_jsonstat_and_the_metadata_link_to_the_configured_public_site(data_dir, tmp_path):
    stat = _export(data_dir, tmp_path / "cx.json", "jsonstat").read_text("utf-8")
    item = json.loads(stat)["link"]["item"][0]
    assert item["extension"]["confidentiality"]["documentation"] == f"{SITE}/en/methodology"
    assert f"({SITE}/en/methodology; in Italian {SITE}/it/methodology)" in item["note"][0]
    meta = json.loads(_export(data_dir, tmp_path / "meta.json", "metadata").read_text("utf-8"))
    assert meta["S.7 Confidentiality"]["documentation"] == f"{SITE}/en/methodology"
    for text in (stat, json.dumps(meta)):
        assert _links(text) and all(link.startswith(SITE + "/") for link in _links(text))


def test_the_microdata_package_links_to_the_configured_public_site(data_dir, tmp_path):
    out = _export(data_dir, tmp_path / "pkg", "datapackage")
    text = (out / "datapackage.json").read_text("utf-8")
    assert _links(text) and all(link.startswith(SITE + "/") for link in _links(text))
    assert "docs/confidentiality.md" not in text


def test_without_a_configured_address_links_go_to_the_local_public_site(data_dir, tmp_path):
    stat = json.loads(_export(data_dir, tmp_path / "cx.json", "jsonstat", env={"ASCOLTO_PUBLIC_PORT": "28003"})
                      .read_text("utf-8"))
    assert stat["link"]["item"][0]["extension"]["confidentiality"]["documentation"] == \
        "http://localhost:28003/en/methodology"


@pytest.mark.parametrize("value", ["ascolto.example.gov.it", "ftp://ascolto.example.gov.it", "https://",
                                   "https://ascolto.example.gov.it/?lang=en", "https://ascolto.example.gov.it/#top",
                                   "https://user:pw@ascolto.example.gov.it", "https://ascolto.example.gov.it:0"])
def test_a_public_site_address_no_one_could_follow_is_refused_by_name(value):
    with pytest.raises(ValueError, match="ASCOLTO_PUBLIC_SITE_URL must be an http\\(s\\) URL"):
        load({"ASCOLTO_PUBLIC_SITE_URL": value})


def test_a_public_site_address_is_taken_without_its_trailing_slash():
    assert load({"ASCOLTO_PUBLIC_SITE_URL": "https://dati.example.it/ascolto/"}).public_site == \
        "https://dati.example.it/ascolto"
    assert load({}).public_site == "http://localhost:8003"


def test_the_sdmx_structure_links_to_the_reference_metadata_on_the_configured_public_site(data_dir, tmp_path):
    from pysdmx.io import read_sdmx

    out = _export(data_dir, tmp_path / "structure.xml", "sdmx-structure")
    [flow] = read_sdmx(out.read_text("utf-8"), validate=True).get_dataflows()
    links = {a.id: a for a in flow.annotations}
    # an export's structure serves every range: it says how to get the range's reference metadata
    assert "ascolto export --format metadata" in links["REFERENCE_METADATA"].text
    assert links["REFERENCE_METADATA"].url == links["METHODOLOGY"].url == f"{SITE}/en/methodology"
