"""The microdata package's descriptor in the language asked for, its titles included.

``datapackage.json`` with ``lang=en`` gave every resource the Italian title of its questionnaire
("La tua opinione sul servizio") and every ``item_<code>`` field its Italian wording as ``title``,
beside English descriptions: the English descriptor was not English throughout. Real data through the
warehouse (tests/warehouse_rows.py, the ``ended`` data of tests/test_export_statistician.py: 2025)."""
from __future__ import annotations

import json

from questionnaires import default_catalog
from settings import Settings
from warehouse.datapackage import write_datapackage
from warehouse.dataset import Warehouse

from .test_export_statistician import ended  # noqa: F401  (fixture)


def _descriptors(data_dir, tmp_path) -> dict[str, dict]:
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        for lang in ("en", "it"):
            write_datapackage(wh.cursor(), tmp_path / lang, freq="A", start="2025", end="2025", lang=lang)
    return {lang: json.loads((tmp_path / lang / "datapackage.json").read_text("utf-8")) for lang in ("en", "it")}


def test_the_english_descriptor_titles_its_resources_and_items_in_english(ended, tmp_path):  # noqa: F811
    """Each resource is titled with its questionnaire's title in the package's language, each item
    field with its wording in that language; both languages of every wording stay in ``labels``."""
    pkg = _descriptors(ended, tmp_path)
    catalog = default_catalog()
    for lang, doc in pkg.items():
        assert doc["language"] == lang and doc["resources"]
        for res in doc["resources"]:
            fields = {f["name"]: f for f in res["schema"]["fields"]}
            q = catalog.get(fields["questionnaire"]["constraints"]["enum"][0], fields["version"]["constraints"]["enum"][0])
            assert res["title"] == q.title[lang], (lang, res["name"])
            items = [f for f in res["schema"]["fields"] if f["name"].startswith("item_")]
            assert items
            for f in items:
                assert f["title"] == f["labels"][lang] and set(f["labels"]) >= {"it", "en"}, (lang, f["name"])
    en, it = pkg["en"]["resources"], pkg["it"]["resources"]
    assert [r["title"] for r in en] != [r["title"] for r in it]
    assert "La tua opinione sul servizio" not in json.dumps([{k: v for k, v in r.items() if k != "schema"} for r in en],
                                                            ensure_ascii=False)
