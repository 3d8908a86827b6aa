"""The questionnaire standard: loading definitions and validating answers the way every part does."""
from __future__ import annotations

import copy
import json

import pytest

from questionnaires import AnswersInvalid, DefinitionError, UnknownQuestionnaire, default_catalog
from questionnaires.catalog import DEFINITIONS_DIR, Catalog
from questionnaires.harmonize import canonical_indicators, module_indicators
from questionnaires.analysis import build_questionnaire
from questionnaires.published import content_hash


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
    ({"satisfaction": 4, "task": "yes", "colour": "red"}, {"colour": [
        "Unknown field: not an item of cx-core version 1. Its items: satisfaction, ease, clarity, speed, trust, "
        "task, went_well, went_wrong, comment."]}),
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


@pytest.mark.parametrize("satisfaction", ["4", 9, 4.5, True])
def test_an_invalid_source_answer_is_the_only_error_not_its_dependents_too(cx_core, satisfaction):
    """A back end posting "satisfaction": "4" was also told went_well is "Not applicable: asked only
    when 'satisfaction' gt 3", sending it to drop an answer that was fine."""
    with pytest.raises(AnswersInvalid) as exc:
        cx_core.validate({"satisfaction": satisfaction, "task": "yes", "went_well": ["clarity"]})
    assert list(exc.value.errors) == ["satisfaction"]
    with pytest.raises(AnswersInvalid) as exc:  # a valid source still judges its dependents
        cx_core.validate({"satisfaction": 2, "task": "maybe", "went_well": ["clarity"]})
    assert sorted(exc.value.errors) == ["task", "went_well"]


def test_render_falls_back_to_italian_where_a_translation_is_missing(cx_core):
    # mod-anagrafe has no Slovenian texts of its own: they are served in Italian, while the items it
    # inherits from cx-core (translated) are served in Slovenian.
    module = default_catalog().get("mod-anagrafe", 1)
    sl = module.render("sl")
    assert sl["lang"] == "sl" and sl["title"] == module.title["it"]
    labels = {i["code"]: i["label"] for i in sl["items"]}
    assert labels["anag_findability"] == module.item("anag_findability").label["it"]
    assert labels["satisfaction"] == "Kako ste na splošno zadovoljni s storitvijo?"
    options = {o["code"]: o["label"] for o in next(i for i in sl["items"] if i["code"] == "anag_identification")["options"]}
    assert options["none"] == "Non è stato necessario"
    assert module.missing_translations("sl")[:2] == ["title", "description"]
    assert module.missing_translations("de") == []
    assert cx_core.render("xx")["lang"] == "it"
    en = cx_core.render("en")
    assert en["items"][6]["show_if"] == {"item": "satisfaction", "op": "gt", "value": 3}


def test_render_says_which_texts_are_served_in_italian(cx_core):
    """A Slovenian page showed mod-anagrafe's Italian questions unmarked, so a screen reader spoke
    them with Slovenian rules (WCAG 3.1.2): each text served in Italian now says "it" beside it."""
    module = default_catalog().get("mod-anagrafe", 1)
    sl = module.render("sl")
    items = {i["code"]: i for i in sl["items"]}
    assert sl["title_lang"] == "it"
    assert items["anag_findability"]["label_lang"] == "it"
    assert all(o["label_lang"] == "it" for o in items["anag_identification"]["options"])
    satisfaction = items["satisfaction"]  # inherited from cx-core, translated
    assert "label_lang" not in satisfaction and "scale_labels_lang" not in satisfaction
    assert "hint_lang" not in items["comment"]
    for lang in ("it", "en", "de"):  # complete: nothing to mark, the document is as lean as before
        assert "_lang\"" not in json.dumps(module.render(lang)) and "_lang\"" not in json.dumps(cx_core.render(lang))


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
    (lambda d: d["items"][8].update(max_length=5000), "item 'comment': max_length: Must be between 1 and 1000 characters."),
])
def test_malformed_definitions_are_rejected_naming_file_item_and_problem(raw_cx_core, breakage, message):
    breakage(raw_cx_core)
    with pytest.raises(DefinitionError) as exc:
        build_questionnaire(raw_cx_core, "broken.json")
    assert str(exc.value).startswith("broken.json: ")
    assert message in str(exc.value)


def test_every_problem_of_a_definition_is_reported_at_once(raw_cx_core):
    raw_cx_core["items"][1]["label"].pop("it")                      # ease: no Italian label
    raw_cx_core["items"][8].pop("max_length")                       # comment: text without max_length
    with pytest.raises(DefinitionError) as exc:
        build_questionnaire(raw_cx_core, "broken.json")
    assert [str(p) for p in exc.value.problems] == [
        "broken.json: item 'ease': label: The Italian label ('it') is required.",
        "broken.json: item 'comment': max_length: A text item needs max_length.",
    ]


@pytest.mark.parametrize("breakage, message", [
    (lambda d: d["items"][6]["show_if"].update(op="gt", value=5),
     "item 'went_well': show_if 'satisfaction' gt 5 can never hold"),
    (lambda d: d["items"][6]["show_if"].update(item="task", op="eq", value="maybe"),
     "item 'went_well': show_if value 'maybe' is not a possible answer to 'task'"),
    (lambda d: d["items"][6]["show_if"].update(item="task", op="gt", value=1),
     "item 'went_well': show_if op 'gt' needs a rating item; 'task' is choice"),
    (lambda d: d["items"][7]["show_if"].update(item="went_well", op="eq", value="clarity"),
     "item 'went_wrong': show_if on 'went_well': a multi item cannot drive branching"),
    (lambda d: d["harmonization"].pop("trust"), "item 'trust': rating item has no harmonization rule"),
    (lambda d: d["harmonization"]["task_completed"]["map"].update(partly=150),
     "harmonization 'task_completed': map scores must be numbers 0–100 or null"),
    (lambda d: d["harmonization"]["went_well"].update(method="linear"),
     "harmonization 'went_well': 'went_well' is categorical: use method 'categories'"),
    (lambda d: d["harmonization"].update(loyalty={"item": "trust", "method": "linear"}),
     "harmonization 'loyalty': not a canonical indicator"),
    (lambda d: d["items"][0].update(display="faces", type="multi", options=[{"code": "a", "label": {"it": "A"}}]),
     "item 'satisfaction'"),
])
def test_branching_and_harmonization_defects_are_rejected(raw_cx_core, breakage, message):
    breakage(raw_cx_core)
    with pytest.raises(DefinitionError) as exc:
        build_questionnaire(raw_cx_core, "broken.json")
    assert message in str(exc.value)


def test_a_broken_file_makes_loading_fail_naming_it(tmp_path, raw_cx_core):
    (tmp_path / "definitions").mkdir()
    raw_cx_core["items"][5]["options"][1]["code"] = "yes"
    (tmp_path / "definitions" / "cx-core.v1.json").write_text(json.dumps(raw_cx_core), "utf-8")
    with pytest.raises(DefinitionError) as exc:
        Catalog.load(tmp_path / "definitions")
    assert str(exc.value) == (f"{tmp_path / 'definitions' / 'cx-core.v1.json'}: item 'task': "
                              "options: Option codes must be unique.")


def test_harmonization_of_single_choice_boolean_and_not_scored_answers():
    catalog = default_catalog()
    page = catalog.get("di-rating-pagina", 1)
    out = canonical_indicators(page, page.validate({"stars": 2, "went_wrong": "orientation"}))
    assert (out["clarity"], out["clarity_raw"], out["clarity_scale"]) == (25.0, "2", "1-5")
    assert out["went_wrong"] == ["orientation"] and out["ease"] is None and out["satisfaction"] is None
    sanita = catalog.get("mod-sanita", 1)
    answers = sanita.validate({"satisfaction": 5, "task": "yes", "san_within_priority": "dont_know",
                               "san_location": 3, "san_cancel_info": False})
    assert module_indicators(sanita, answers) == {
        "mod-sanita:within_priority": {"value": None, "raw": "dont_know", "scale": None},
        "mod-sanita:location": {"value": 50.0, "raw": "3", "scale": "1-5"},
        "mod-sanita:cancel_info": {"value": 0.0, "raw": "false", "scale": None},
    }
    assert set(canonical_indicators(sanita, answers)) == set(canonical_indicators(catalog.get("cx-core", 1), {}))


def test_definition_channels_are_the_submission_channels():
    from questionnaires import envelope, model

    assert model.CHANNELS == envelope.CHANNELS


def test_drafts_are_left_out_of_a_verified_catalog(tmp_path, raw_cx_core):
    (tmp_path / "definitions").mkdir()
    (tmp_path / "definitions" / "cx-core.v1.json").write_text(json.dumps(raw_cx_core), "utf-8")
    raw_cx_core["version"] = 2
    (tmp_path / "definitions" / "cx-core.v2.json").write_text(json.dumps(raw_cx_core), "utf-8")
    everything = Catalog.load(tmp_path / "definitions")            # no published.json: all, unverified
    assert everything.versions("cx-core") == [1, 2] and not everything.is_published("cx-core", 1)
    (tmp_path / "published.json").write_text(json.dumps({"cx-core@1": content_hash(raw_cx_core | {"version": 1})}))
    verified = Catalog.load(tmp_path / "definitions")
    assert verified.versions("cx-core") == [1] and verified.is_published("cx-core", 1)
