"""The shipped standard set: Designers Italia wording, faces, modules, harmonization, taxonomy."""
from __future__ import annotations

import pytest

from questionnaires import AnswersInvalid, default_catalog
from questionnaires.harmonize import CATEGORY_CODES, CATEGORY_INDICATORS, SCORE_INDICATORS, canonical_indicators
from questionnaires.taxonomy import pa_categories, service_type, service_types

CATALOG = default_catalog()
SHIPPED = list(CATALOG)
MODULES = [q for q in SHIPPED if q.base is not None]

# The Designers Italia rating component, as the national site validator checks it.
DI_LIKED = "Quali sono stati gli aspetti che hai preferito?"
DI_LIKED_OPTIONS = ["Le indicazioni erano chiare", "Le indicazioni erano complete",
                    "Capivo sempre che stavo procedendo correttamente", "Non ho avuto problemi tecnici", "Altro"]
DI_DIFFICULT = "Dove hai incontrato le maggiori difficoltà?"
DI_DIFFICULT_OPTIONS = ["A volte le indicazioni non erano chiare", "A volte le indicazioni non erano complete",
                        "A volte non capivo se stavo procedendo correttamente", "Ho avuto problemi tecnici", "Altro"]
DI_DETAILS = "Vuoi aggiungere altri dettagli?"
DI = {"di-rating-pagina": ("Quanto sono chiare le informazioni su questa pagina?", "clarity"),
      "di-rating-servizio": ("Quanto è stato facile usare questo servizio?", "ease")}


def test_the_standard_set_is_shipped_and_published():
    ids = CATALOG.ids()
    assert {"cx-core", "di-rating-pagina", "di-rating-servizio", "faccia"} <= set(ids)
    assert len(MODULES) >= 4
    for q in SHIPPED:
        assert CATALOG.is_published(q.id, q.version), q.ref
        assert CATALOG.published_hash(q.id, q.version).startswith("sha256:")


@pytest.mark.parametrize("qid", sorted(DI))
def test_designers_italia_wording_is_exact(qid):
    title, _ = DI[qid]
    q = CATALOG.get(qid, 1)
    rendered = q.render("it")
    assert rendered["title"] == title
    assert [(i["code"], i["type"]) for i in rendered["items"]] == [
        ("stars", "rating"), ("went_well", "choice"), ("went_wrong", "choice"), ("comment", "text")]
    stars, liked, difficult, details = rendered["items"]
    assert stars["label"] == title and stars["scale"] == {"min": 1, "max": 5} and stars["required"]
    assert stars["display"] == "stars"
    assert liked["label"] == DI_LIKED
    assert [o["label"] for o in liked["options"]] == DI_LIKED_OPTIONS
    assert liked["show_if"] == {"item": "stars", "op": "gt", "value": 3}
    assert difficult["label"] == DI_DIFFICULT
    assert [o["label"] for o in difficult["options"]] == DI_DIFFICULT_OPTIONS
    assert difficult["show_if"] == {"item": "stars", "op": "lte", "value": 3}
    assert details["label"] == DI_DETAILS and details["max_length"] == 200
    # Italian is what the validator checks: other languages never change the Italian text.
    assert q.render("de")["items"][1]["options"][0]["label"] != DI_LIKED_OPTIONS[0]
    assert CATALOG.get(qid, 1).render("it") == rendered


@pytest.mark.parametrize("qid", sorted(DI))
@pytest.mark.parametrize("stars", [1, 2, 3, 4, 5])
def test_designers_italia_branching_at_more_than_three_stars(qid, stars):
    q = CATALOG.get(qid, 1)
    asked, hidden = ("went_well", "went_wrong") if stars > 3 else ("went_wrong", "went_well")
    assert q.validate({"stars": stars, asked: "clarity", "comment": "x" * 200}) == {
        "stars": stars, asked: "clarity", "comment": "x" * 200}
    assert q.validate({"stars": stars}) == {"stars": stars}          # the follow-up may be skipped
    with pytest.raises(AnswersInvalid) as exc:
        q.validate({"stars": stars, hidden: "clarity"})
    assert list(exc.value.errors) == [hidden] and "Not applicable" in exc.value.errors[hidden][0]


@pytest.mark.parametrize("qid", sorted(DI))
def test_designers_italia_answers_are_single_choice_and_details_at_most_200(qid):
    q = CATALOG.get(qid, 1)
    with pytest.raises(AnswersInvalid) as exc:
        q.validate({"stars": 5, "went_well": ["clarity", "other"], "comment": "x" * 201})
    assert exc.value.errors == {"went_well": ["Not a valid string."],
                                "comment": ["Longer than maximum length 200."]}
    with pytest.raises(AnswersInvalid) as exc:
        q.validate({"went_well": "clarity"})
    assert set(exc.value.errors) == {"stars", "went_well"}


@pytest.mark.parametrize("qid", sorted(DI))
def test_designers_italia_harmonization(qid):
    q = CATALOG.get(qid, 1)
    _, indicator = DI[qid]
    other = "ease" if indicator == "clarity" else "clarity"
    out = canonical_indicators(q, q.validate({"stars": 4, "went_well": "orientation"}))
    assert (out[indicator], out[f"{indicator}_scale"]) == (75.0, "1-5")
    assert out[other] is None and out["satisfaction"] is None
    assert out["went_well"] == ["orientation"] and out["went_wrong"] == []
    for code in ("went_well", "went_wrong"):
        assert set(q.item(code).option_codes) <= set(CATEGORY_CODES)


def test_faccia_three_faces_with_reasons():
    q = CATALOG.get("faccia", 1)
    face = q.item("face")
    assert face.option_codes == ("satisfied", "neutral", "dissatisfied") and face.display == "faces"
    assert set(q.channels) == {"front_office", "kiosk", "phone"}
    scores = {code: canonical_indicators(q, {"face": code})["satisfaction"] for code in face.option_codes}
    assert scores == {"satisfied": 100.0, "neutral": 50.0, "dissatisfied": 0.0}
    answers = q.validate({"face": "neutral", "went_wrong": ["staff", "speed"]})
    assert canonical_indicators(q, answers)["went_wrong"] == ["other", "speed"]
    with pytest.raises(AnswersInvalid) as exc:
        q.validate({"face": "dissatisfied", "went_well": ["staff"]})
    assert list(exc.value.errors) == ["went_well"]
    assert q.validate({"face": "satisfied", "went_well": ["staff"]})


@pytest.mark.parametrize("module", MODULES, ids=lambda q: q.id)
def test_modules_add_items_on_top_of_the_unchanged_core(module):
    core = CATALOG.get("cx-core", 1)
    assert module.base == core
    # the core's items unchanged and first, the module's after them, the core's free comment last
    assert module.items == core.items[:-1] + module.own_items + core.items[-1:]
    assert module.items[-1].code == "comment" and module.items[-1].type == "text"
    assert module.own_items and not {i.code for i in module.own_items} & {i.code for i in core.items}
    for name, rule in core.harmonization.items():
        assert module.harmonization[name] == rule
    assert all(name.startswith(f"{module.id}:") for name in module.own_harmonization)
    # the core indicators of a module answer equal those of the same answer to cx-core
    answers = {"satisfaction": 2, "ease": 4, "task": "partly", "went_wrong": ["speed"]}
    assert canonical_indicators(module, module.validate(answers)) == canonical_indicators(core, core.validate(answers))
    with pytest.raises(AnswersInvalid) as exc:
        module.validate({"task": "yes"})
    assert list(exc.value.errors) == ["satisfaction"]


@pytest.mark.parametrize("q", SHIPPED, ids=lambda q: q.ref)
def test_every_rating_item_is_harmonized(q):
    sources = {rule["item"] for rule in q.harmonization.values()}
    for item in q.items:
        if item.type == "rating":
            assert item.code in sources, f"{q.ref}: rating item {item.code!r} has no harmonization"
    for name, rule in q.harmonization.items():
        item = q.item(rule["item"])
        if name in CATEGORY_INDICATORS:
            mapping = rule.get("map", {})
            assert {mapping.get(c, c) for c in item.option_codes} <= set(CATEGORY_CODES)
        elif rule["method"] == "map":
            assert {str(a).lower() if isinstance(a, bool) else str(a) for a in item.possible_answers()} == set(rule["map"])
        else:
            assert name in SCORE_INDICATORS or name.startswith(f"{q.id}:")


@pytest.mark.parametrize("q", SHIPPED, ids=lambda q: q.ref)
def test_italian_and_english_are_complete(q):
    assert q.missing_translations("it", own_only=False) == []
    assert q.missing_translations("en", own_only=False) == []


def test_cx_core_is_translated_into_every_language():
    core = CATALOG.get("cx-core", 1)
    for lang in ("de", "fr", "sl"):
        assert core.missing_translations(lang) == []
    assert core.render("fr")["items"][5]["options"][1]["label"] == "En partie"


def test_every_service_type_names_questionnaires_that_exist():
    ids = set(CATALOG.ids())
    used = set()
    for st in service_types().values():
        assert set(st.questionnaires) <= ids, st.code
        assert set(st.pa_categories) <= set(pa_categories()), st.code
        used |= set(st.questionnaires)
    assert used == ids
    assert service_type("previdenza.domanda-prestazione").allows("mod-previdenza")
    assert not service_type("previdenza.domanda-prestazione").allows("mod-anagrafe")
    assert service_type("informazioni.pagina").allows("di-rating-pagina")
