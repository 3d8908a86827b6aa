"""Scales, instruments, positive answers and breaks in series of the questionnaire standard (issue 13)."""
from __future__ import annotations

import copy
import json

import pytest

from questionnaires import breaks, scales
from questionnaires.catalog import DEFINITIONS_DIR, Catalog
from questionnaires.analysis import build_questionnaire
from questionnaires.model import DefinitionError


def raw(qid: str) -> dict:
    return json.loads((DEFINITIONS_DIR / f"{qid}.v1.json").read_text("utf-8"))


def test_every_canonical_measure_has_its_instrument_and_scale():
    m = scales.lookup()
    assert (m[("cx-core", 1, "satisfaction")].instrument, m[("cx-core", 1, "satisfaction")].scale) == ("cx-core", "likert5")
    assert (m[("faccia", 1, "satisfaction")].instrument, m[("faccia", 1, "satisfaction")].scale) == ("faccia", "faces3")
    assert m[("di-rating-servizio", 1, "ease")].scale == "stars5"
    assert m[("cx-core", 1, "task_completed")].scale == "ynp3"
    assert (m[("cx-core", 1, "went_well")].scale, m[("di-rating-pagina", 1, "went_well")].scale) == ("multi", "single")
    # a module's core items are cx-core's: same instrument, same wording
    tributi = m[("mod-tributi", 1, "satisfaction")]
    assert tributi.instrument == "cx-core" and tributi.wording == m[("cx-core", 1, "satisfaction")].wording
    assert m[("mod-tributi", 1, "mod-tributi:amount_clarity")].instrument == "mod-tributi"
    assert scales.scale_label("faces3", "en") == "3 faces" and scales.scale_label("likert5") == "Scala a 5 punti"


def test_positive_answers_are_the_top_categories_of_each_items_own_scale():
    m = scales.lookup()
    assert m[("cx-core", 1, "satisfaction")].positive == ("4", "5")
    assert m[("faccia", 1, "satisfaction")].positive == ("satisfied",)
    assert m[("cx-core", 1, "task_completed")].positive == ("yes",)
    assert m[("mod-anagrafe", 1, "mod-anagrafe:fully_online")].positive == ("false",)  # not sent to a counter
    assert m[("mod-sanita", 1, "mod-sanita:within_priority")].positive == ("yes",)     # "don't know" unscored


@pytest.mark.parametrize("lo, hi, code, positive", [
    (1, 4, "likert4", ("3", "4")),      # score ≥ 75 would take only 4 (75 is not reached by 3: 66.7)
    (0, 10, "num11", ("9", "10")),      # score ≥ 75 would take 8–10
    (1, 7, "likert7", ("6", "7")),
    (1, 3, "likert3", ("3",)),
])
def test_top_two_box_is_defined_per_scale_not_by_one_threshold(lo, hi, code, positive):
    d = raw("di-rating-servizio")
    d["items"][0]["scale"] = {"min": lo, "max": hi}
    d["items"][0].pop("display")
    d["items"][1]["show_if"]["value"] = lo
    d["items"][2]["show_if"]["value"] = lo
    q = build_questionnaire(d)
    assert scales.scale_code(q, "ease") == code
    assert scales.positive_answers(q, "ease") == positive


def test_headline_measures():
    m = scales.lookup()
    assert m[("cx-core", 1, "satisfaction")].headline and m[("faccia", 1, "satisfaction")].headline
    assert m[("di-rating-servizio", 1, "ease")].headline
    page = m[("di-rating-pagina", 1, "clarity")]
    assert not page.headline and "page" in page.note
    assert not m[("cx-core", 1, "went_well")].headline
    assert not m[("mod-tributi", 1, "mod-tributi:amount_clarity")].headline


def test_answer_rows_join_on_the_raw_answer():
    rows = [r for r in scales.answer_rows() if (r["questionnaire"], r["indicator"]) == ("faccia", "satisfaction")]
    assert [(r["raw"], r["score"], r["position"], r["positive"]) for r in rows] == [
        ("dissatisfied", 0.0, 0, False), ("neutral", 50.0, 1, False), ("satisfied", 100.0, 2, True)]
    assert {r["scale"] for r in rows} == {"faces3"}


def _v2(d: dict, **extra) -> dict:
    d = copy.deepcopy(d)
    d["version"] = 2
    d["changes"] = {"it": "Modifica.", "en": "Change."}
    d.update(extra)
    return d


def test_changes_and_breaks_between_versions():
    v1 = raw("faccia")
    q1 = build_questionnaire(v1)
    same = build_questionnaire(_v2(v1))
    assert breaks.changes(q1, same, "satisfaction") == []
    # a new translation is not a change; an edited one is
    added = _v2(v1)
    q1_no_sl = copy.deepcopy(v1)
    del q1_no_sl["items"][0]["label"]["sl"]
    assert breaks.changes(build_questionnaire(q1_no_sl), build_questionnaire(added), "satisfaction") == []
    edited = _v2(v1)
    edited["items"][0]["label"]["en"] = "How was it?"
    assert breaks.changes(q1, build_questionnaire(edited), "satisfaction") == ["wording: label (en)"]
    rescored = _v2(v1)
    rescored["harmonization"]["satisfaction"]["map"]["neutral"] = 60
    assert [c.split(":")[0] for c in breaks.changes(q1, build_questionnaire(rescored), "satisfaction")] == ["rule"]
    more = _v2(v1)
    more["items"][0]["options"].append({"code": "very_dissatisfied", "label": {"it": "Molto insoddisfatto/a"}})
    more["harmonization"]["satisfaction"]["map"]["very_dissatisfied"] = 0
    assert {c.split(":")[0] for c in breaks.changes(q1, build_questionnaire(more), "satisfaction")} == {"options", "rule"}


def test_a_break_is_declared_only_where_a_series_exists():
    v1 = raw("faccia")
    with pytest.raises(DefinitionError, match="version 1 has no predecessor: no series to break"):
        build_questionnaire({**v1, "breaks": {"satisfaction": {"it": "x", "en": "x"}}})
    with pytest.raises(DefinitionError, match="breaks 'ease': a break is declared for an indicator this version"):
        build_questionnaire(_v2(v1, breaks={"ease": {"it": "x", "en": "x"}}))
    q = build_questionnaire(_v2(v1, breaks={"satisfaction": {"it": "Riformulata."}}))
    assert "breaks 'satisfaction'" in q.missing_translations("en")


def test_series_start_and_the_first_period_after_a_break():
    v1 = raw("faccia")
    v2 = _v2(v1)
    v2["items"][0]["label"]["it"] = "Come valuti il servizio?"
    v2["breaks"] = {"satisfaction": {"it": "Domanda riformulata.", "en": "Question reworded."}}
    v3 = _v2(v1)
    v3["version"] = 3
    v3["items"][0]["label"]["it"] = "Come valuti il servizio?"
    cat = Catalog([build_questionnaire(d) for d in (v1, v2, v3)])
    by_key = breaks.index(cat)
    assert [breaks.series_start(by_key, "faccia", v, "satisfaction") for v in (1, 2, 3)] == [1, 2, 2]
    assert breaks.series_start(by_key, "faccia", 3, "went_well") == 1
    seen = {("faccia", 1): "2026-01", ("faccia", 2): "2026-05", ("faccia", 3): "2026-09"}
    assert breaks.first_period_after_break(cat, "faccia", 2, seen) == "2026-05"
    assert breaks.first_period_after_break(cat, "faccia", 2, seen, "went_well") is None
    assert breaks.first_period_after_break(cat, "faccia", 3, seen) is None
    assert breaks.first_period_after_break(cat, "faccia", 1, seen) is None
    m = {(x.version, x.indicator): x for x in scales.measures(cat)}
    assert (m[(1, "satisfaction")].series, m[(2, "satisfaction")].series, m[(3, "satisfaction")].series) == (1, 2, 2)
    assert m[(2, "satisfaction")].wording != m[(1, "satisfaction")].wording


def test_a_module_inherits_the_break_of_its_new_base():
    core1 = raw("cx-core")
    core2 = _v2(core1, breaks={"satisfaction": {"it": "Riformulata.", "en": "Reworded."}})
    core2["items"][0]["label"]["it"] = "Nel complesso, quanto sei soddisfatto?"
    mod1 = raw("mod-tributi")
    mod2 = _v2(mod1, extends={"id": "cx-core", "version": 2})
    built = {}
    for d in (core1, core2, mod1, mod2):
        base = d.get("extends")
        built[(d["id"], d["version"])] = build_questionnaire(
            d, resolve=lambda i, v: built[(i, v)]) if base else build_questionnaire(d)
    q2, q1 = built[("mod-tributi", 2)], built[("mod-tributi", 1)]
    assert breaks.changes(q1, q2, "satisfaction") and "satisfaction" in breaks.declared(q2, q1)
    assert breaks.series_start(built, "mod-tributi", 2, "satisfaction") == 2
    assert breaks.series_start(built, "mod-tributi", 2, "ease") == 1


def test_the_shipped_standard_has_no_breaks_yet():
    cat = Catalog.load(DEFINITIONS_DIR)
    assert all(m.series == 1 for m in scales.measures(cat))
