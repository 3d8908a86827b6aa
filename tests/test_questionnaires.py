"""The questionnaire standard: loading definitions and validating answers the way every part does."""
from __future__ import annotations

import copy
import json

import pytest

from questionnaires import AnswersInvalid, DefinitionError, UnknownQuestionnaire, default_catalog
from questionnaires.catalog import DEFINITIONS_DIR
from questionnaires.harmonize import canonical_indicators
from questionnaires.model import build_questionnaire


@pytest.fixture(scope="module")
def cx_core():
    return default_catalog().get("cx-core", 1)


@pytest.fixture
def raw_cx_core():
    return json.loads((DEFINITIONS_DIR / "cx-core.v1.json").read_text("utf-8"))


def test_cx_core_is_published_in_italian_and_english(cx_core):
    assert [i.code for i in cx_core.items] == [
        "satisfaction", "ease", "clarity", "speed", "trust", "task", "went_well", "went_wrong", "comment"]
    for item in cx_core.items:
        assert item.label["it"] and item.label["en"]
    assert all(i.scale_min == 1 and i.scale_max == 5 for i in cx_core.items if i.type == "rating")
    assert cx_core.item("comment").max_length == 500


def test_unknown_questionnaire_is_a_lookup_error():
    with pytest.raises(UnknownQuestionnaire):
        default_catalog().get("cx-core", 99)


def test_valid_answers_pass_unchanged(cx_core):
    answers = {"satisfaction": 5, "task": "yes", "went_well": ["clarity", "speed"], "comment": "Ok"}
    assert cx_core.validate(answers) == answers


def test_null_means_unanswered(cx_core):
    assert cx_core.validate({"satisfaction": 3, "task": "no", "ease": None}) == {"satisfaction": 3, "task": "no"}


@pytest.mark.parametrize("answers, errors", [
    ({"task": "yes"}, {"satisfaction": ["Missing data for required field."]}),
    ({"satisfaction": 6, "task": "yes"}, {"satisfaction": ["Must be greater than or equal to 1 and less than or equal to 5."]}),
    ({"satisfaction": "5", "task": "yes"}, {"satisfaction": ["Not a valid integer."]}),
    ({"satisfaction": True, "task": "yes"}, {"satisfaction": ["Not a valid integer."]}),
    ({"satisfaction": 4, "task": "maybe"}, {"task": ["Must be one of: yes, partly, no."]}),
    ({"satisfaction": 4, "task": "yes", "went_well": []}, {"went_well": ["Shorter than minimum length 1."]}),
    ({"satisfaction": 4, "task": "yes", "went_well": ["speed", "speed"]}, {"went_well": ["Each option may be chosen once."]}),
    ({"satisfaction": 4, "task": "yes", "colour": "red"}, {"colour": ["Unknown field."]}),
])
def test_invalid_answers_name_each_item_and_problem(cx_core, answers, errors):
    with pytest.raises(AnswersInvalid) as exc:
        cx_core.validate(answers)
    assert exc.value.errors == errors


def test_branching_hidden_items_may_not_be_answered(cx_core):
    # went_well is asked only when satisfaction > 3, went_wrong only when <= 3
    with pytest.raises(AnswersInvalid) as exc:
        cx_core.validate({"satisfaction": 3, "task": "yes", "went_well": ["clarity"]})
    assert list(exc.value.errors) == ["went_well"]
    assert "satisfaction" in exc.value.errors["went_well"][0]
    assert cx_core.validate({"satisfaction": 3, "task": "yes", "went_wrong": ["clarity"]})


def test_render_falls_back_to_italian(cx_core):
    de = cx_core.render("de")
    assert de["lang"] == "de" and de["items"][0]["label"] == cx_core.item("satisfaction").label["it"]
    assert cx_core.render("xx")["lang"] == "it"
    en = cx_core.render("en")
    assert en["items"][6]["show_if"] == {"item": "satisfaction", "op": "gt", "value": 3}


def test_harmonization_maps_onto_0_100(cx_core):
    out = canonical_indicators(cx_core, {"satisfaction": 4, "ease": 1, "task": "partly", "went_well": ["speed", "clarity"]})
    assert out["satisfaction"] == 75.0 and out["satisfaction_raw"] == "4" and out["satisfaction_scale"] == "1-5"
    assert out["ease"] == 0.0 and out["trust"] is None
    assert out["task_completed"] == 50.0
    assert out["went_well"] == ["clarity", "speed"] and out["went_wrong"] == []


@pytest.mark.parametrize("breakage, message", [
    (lambda d: d["items"].append(copy.deepcopy(d["items"][0])), "item 'satisfaction': duplicate item code"),
    (lambda d: d["items"][6]["show_if"].update(item="nothing"), "item 'went_well': show_if refers to 'nothing'"),
    (lambda d: d["items"][0].pop("scale"), "item 'satisfaction'"),
    (lambda d: d["items"][5]["label"].pop("it"), "item 'task'"),
    (lambda d: d["items"][5].update(type="slider"), "item 'task'"),
    (lambda d: d["harmonization"]["trust"].update(item="confidence"), "harmonization 'trust'"),
    (lambda d: d.pop("id"), "id"),
])
def test_malformed_definitions_are_rejected_naming_file_item_and_problem(raw_cx_core, breakage, message):
    breakage(raw_cx_core)
    with pytest.raises(DefinitionError) as exc:
        build_questionnaire(raw_cx_core, "broken.json")
    assert str(exc.value).startswith("broken.json: ")
    assert message in str(exc.value)
