"""The microdata package documents its own rows: what a statistician reads in ``datapackage.json``
explains every value the files hold, without the codebook beside it.

Real rows (tests/warehouse_rows.py) through the warehouse and the package writer; read back with
frictionless."""
from __future__ import annotations

import csv
import json

from settings import Settings
from warehouse import export
from warehouse.dataset import Warehouse

from .warehouse_rows import face_row, write


def test_a_category_indicator_says_how_the_items_own_codes_were_mapped(tmp_path):
    """"Mettiamoci la faccia" offers "the staff were courteous" (``staff``), which the standard's
    categories do not have: the harmonization maps it to ``other``. The file shows ``staff`` in
    ``item_went_well`` and ``other`` in ``went_well``; the field of ``went_well`` states that map
    (as the score fields state theirs), so the two columns do not seem to disagree."""
    rows = []
    for _ in range(6):
        row = face_row("2026-10", "satisfied", 100.0)
        row.update(went_well=["other"], answers=[("face", '"satisfied"'), ("went_well", '["staff"]')])
        rows.append(row)
    write(tmp_path / "data", rows)
    with Warehouse(Settings(data_dir=tmp_path / "data")) as wh:
        path = export.export(wh.cursor(), "datapackage", tmp_path / "pkg", microdata_k=5)
    [resource] = json.loads(path.read_text())["resources"]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    released = list(csv.DictReader((tmp_path / "pkg" / resource["path"]).read_text().splitlines()))
    assert {(r["item_went_well"], r["went_well"]) for r in released} == {("staff", "other")}
    assert fields["went_well"]["harmonization"] == {"item": "went_well", "method": "categories",
                                                    "map": {"staff": "other"}}
    assert fields["satisfaction"]["harmonization"]["map"] == {"satisfied": 100, "neutral": 50, "dissatisfied": 0}


def test_a_rating_items_field_names_its_scales_anchors_in_every_language(tmp_path):
    """A rating item's field is its codebook entry: its scale's end labels ("1 = Per niente",
    "5 = Moltissimo") in every language the questionnaire has, as codebook.json gives them — the
    Table Schema said only "1 to 5", so a reader of the package without the codebook could not tell
    which end of the scale is the good one. Compared with the questionnaire's own definition."""
    from questionnaires import default_catalog
    from .warehouse_rows import response

    write(tmp_path / "data", [response(period="2025-10", satisfaction=1 + i % 5, ease=3) for i in range(6)])
    with Warehouse(Settings(data_dir=tmp_path / "data")) as wh:
        path = export.export(wh.cursor(), "datapackage", tmp_path / "pkg", freq="A", start="2025", end="2025",
                             microdata_k=5)
    [resource] = json.loads(path.read_text())["resources"]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    defined = {it.code: it for it in default_catalog().get("cx-core", 1).items}
    sat = fields["item_satisfaction"]["scale"]
    assert sat["labels"] == {end: dict(labels) for end, labels in defined["satisfaction"].scale_labels.items()}
    assert sat["labels"]["min"]["it"] == "Per niente" and sat["labels"]["max"]["en"] == "Very much"
    assert set(sat["labels"]["min"]) == {"it", "en", "de", "fr", "sl"}
    assert "labels" not in fields["item_ease"]["scale"]  # the definition gives ease no anchors: none invented


def test_a_module_item_says_which_published_series_it_feeds_and_how(tmp_path):
    """mod-anagrafe's "Did you also have to go to a counter?" feeds MOD_ANAGRAFE__FULLY_ONLINE_POS|MEAN with
    "no" as the positive answer, but the package has no score column for module indicators and its
    field said nothing of it: the rows could not be traced to the published series, and the share of
    ``true`` read as the share "fully online" is its complement. The item's field names its module
    indicators, their series codes (those of the tables), harmonization rule, scale and positive answers;
    a core item (whose rule is on its score field) gets none."""
    from .warehouse_rows import response

    rows = []
    for i in range(6):
        r = response(period="2025-10", questionnaire="mod-anagrafe", satisfaction=4)
        r["answers"] = sorted(r["answers"] + [("anag_counter", "true" if i % 2 else "false"), ("anag_findability", "4"),
                                              ("satisfaction", "4")])
        r["module_scores"] = [("mod-anagrafe:fully_online", 0.0 if i % 2 else 100.0),
                              ("mod-anagrafe:findability", 75.0)]
        rows.append(r)
    write(tmp_path / "data", rows)
    with Warehouse(Settings(data_dir=tmp_path / "data")) as wh:
        path = export.export(wh.cursor(), "datapackage", tmp_path / "pkg", freq="A", start="2025", end="2025",
                             microdata_k=5)
        table = export.publication_table(wh.cursor(), "A")
    [resource] = json.loads(path.read_text())["resources"]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    [counter] = fields["item_anag_counter"]["indicators"]
    assert counter["indicator"] == "mod-anagrafe:fully_online"
    assert counter["series"] == ["MOD_ANAGRAFE__FULLY_ONLINE_POS", "MOD_ANAGRAFE__FULLY_ONLINE_MEAN"]
    assert set(counter["series"]) <= set(table["INDICATOR"])  # the codes the tables publish
    assert counter["harmonization"] == {"item": "anag_counter", "method": "map", "map": {"true": 0, "false": 100}}
    assert counter["positive_answers"] == ["false"] and counter["scale"] == "yn2"
    [find] = fields["item_anag_findability"]["indicators"]
    assert find["series"][0] == "MOD_ANAGRAFE__FINDABILITY_POS" and find["positive_answers"] == ["4", "5"]
    assert "indicators" not in fields["item_satisfaction"] and "indicators" not in fields["item_task"]
    released = list(csv.DictReader((tmp_path / "pkg" / resource["path"]).read_text().splitlines()))
    assert sorted(r["item_anag_counter"] for r in released) == ["false"] * 3 + ["true"] * 3
