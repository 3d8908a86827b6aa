"""``ascolto questionnaires check|publish|codebook`` and the immutability of published versions."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ascolto.cli import main
from questionnaires import DefinitionError
from questionnaires.catalog import STANDARD_DIR, Catalog
from questionnaires.published import content_hash, read_manifest, write_manifest

FIXTURES = Path(__file__).parent / "fixtures" / "questionnaires"

# Each broken fixture (an overlay on a copy of the shipped standard) and the exact errors the check
# must report for it: file, item and problem. No other error may be reported.
EXPECTED = {
    "category-not-canonical": [
        "definitions/fx-staff.v1.json: harmonization 'went_well': options must map onto the category codes "
        "clarity, completeness, orientation, technical, speed, other: staff → staff"],
    "duplicate-item-code": ["definitions/fx-dup.v1.json: item 'comment': duplicate item code"],
    "english-missing": ["definitions/fx-english.v1.json: item 'stars': missing en text"],
    "extends-unknown-base": [
        "definitions/fx-mod-orphan.v1.json: extends: base cx-core@9 is not available (no such definition)"],
    "file-name-mismatch": [
        "definitions/fx-name.v1.json: file name must be 'fx-other.v1.json' (after its id and version)"],
    "malformed-json": ["definitions/fx-broken.v1.json: cannot read definition: Expecting ',' delimiter"],
    "map-incomplete": [
        "definitions/fx-map.v1.json: harmonization 'task_completed': map must score every answer of 'task' "
        "exactly: missing ['partly']"],
    "method-does-not-fit": [
        "definitions/fx-method.v1.json: harmonization 'satisfaction': method 'linear' needs a rating item; "
        "'went_well' is choice"],
    "module-indicator-not-namespaced": [
        "definitions/fx-mod-name.v1.json: harmonization 'waiting': not a canonical indicator"],
    "module-redefines-core": [
        "definitions/fx-mod-override.v1.json: harmonization 'satisfaction': already harmonized by the base "
        "cx-core@1; a module cannot redefine it"],
    "module-reuses-core-code": [
        "definitions/fx-mod-dup.v1.json: item 'comment': duplicate item code (already an item of the base cx-core@1)"],
    "break-for-unharmonized-indicator": [
        "definitions/fx-series.v2.json: breaks 'trust': a break is declared for an indicator this version does not "
        "harmonize"],
    "new-version-changes-scale-without-break": [
        "definitions/fx-series.v2.json: harmonization 'ease': changed since fx-series@1 under the same rule (scale: "
        "1–5 → 1–4): answers before and after are not the same measurement; declare a break"],
    "new-version-drops-indicator": [
        "definitions/fx-series.v2.json: harmonization 'went_well': harmonized by fx-series@1 but not here"],
    "new-version-without-changes": [
        "definitions/fx-series.v2.json: changes: version 2 must say what changed since version 1"],
    "published-file-removed": [
        "published.json: fx-gone@1: published, but definitions/fx-gone.v1.json is missing"],
    "rating-not-harmonized": ["definitions/fx-effort.v1.json: item 'effort': rating item has no harmonization rule"],
    "rating-without-scale": ["definitions/fx-scale.v1.json: item 'stars': scale: A rating item needs a scale."],
    "show-if-later-item": [
        "definitions/fx-later.v1.json: item 'went_well': show_if refers to 'stars', which is not an earlier item"],
    "show-if-never-holds": [
        "definitions/fx-never.v1.json: item 'went_well': show_if 'stars' gt 5 can never hold"],
    "show-if-unknown-option": [
        "definitions/fx-option.v1.json: item 'why': show_if value 'speed' is not a possible answer to 'went_well'"],
    "stale-hash": ["definitions/cx-core.v1.json: cx-core@1 was edited after publication"],
    "taxonomy-unknown-references": [
        "taxonomy/service_types.json: service type 'anagrafe.certificati': PA category 'L99' is not in "
        "pa_categories.json",
        "taxonomy/service_types.json: service type 'anagrafe.certificati': questionnaire 'cx-cor' has no definition"],
    "text-without-max-length": [
        "definitions/fx-text.v1.json: item 'comment': max_length: A text item needs max_length."],
    "unknown-top-level-key": ["definitions/fx-typo.v1.json: harmonisation: Unknown field."],
    "unpublished-draft": ["definitions/fx-draft.v1.json: fx-draft@1 is not published"],
    "version-gap": ["definitions/fx-gap.v3.json: fx-gap@2 is missing"],
}


def run(*args: str):
    return CliRunner().invoke(main, ["questionnaires", *args], catch_exceptions=False)


def errors(output: str) -> list[str]:
    return [line.removeprefix("ERROR").strip() for line in output.splitlines() if line.startswith("ERROR")]


@pytest.fixture
def standard(tmp_path) -> Path:
    """A copy of the shipped standard directory."""
    root = tmp_path / "standard"
    for part in ("definitions", "taxonomy"):
        shutil.copytree(STANDARD_DIR / part, root / part)
    shutil.copy(STANDARD_DIR / "published.json", root / "published.json")
    return root


def overlay(root: Path, case: Path) -> None:
    """Lay a fixture over the standard. Its definitions are recorded as published (so that only their
    real defect shows) unless the fixture brings its own published.json, whose entries are merged."""
    manifest = read_manifest(root / "published.json")
    for f in sorted(case.rglob("*")):
        if f.is_file() and f.name != "published.json":
            (root / f.relative_to(case)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, root / f.relative_to(case))
    if (case / "published.json").exists():
        manifest.update(json.loads((case / "published.json").read_text("utf-8")))
    else:
        for f in (case / "definitions").glob("*.json"):
            try:
                raw = json.loads(f.read_text("utf-8"))
            except ValueError:
                continue
            manifest[f"{raw['id']}@{raw['version']}"] = content_hash(raw)
    write_manifest(root / "published.json", manifest)


def test_check_passes_on_the_shipped_standard():
    result = run("check")
    assert result.exit_code == 0, result.output
    assert errors(result.output) == []
    assert result.output.splitlines()[-1].startswith("ok: 9 definitions checked: 0 errors")


def test_check_reports_missing_translations_as_warnings():
    warnings = [l for l in run("check").output.splitlines() if l.startswith("WARNING")]
    # the modules have no Slovenian texts of their own yet: reported per file, listing the places
    assert any(l.startswith("WARNING  definitions/mod-tributi.v1.json: sl: 10 of 10 texts missing, served in "
                            "Italian: title, description, item 'trib_amount_clarity'") for l in warnings)
    assert not any("cx-core" in l or ": de:" in l or ": fr:" in l for l in warnings)


def test_every_fixture_has_an_expectation():
    assert sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) == sorted(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_check_fails_on_each_broken_fixture(standard, case):
    overlay(standard, FIXTURES / case)
    result = run("check", "--dir", str(standard))
    assert result.exit_code == 1, result.output
    found = errors(result.output)
    assert len(found) == len(EXPECTED[case]), found
    for expected, line in zip(EXPECTED[case], found):
        assert line.startswith(expected), (expected, found)
    assert result.output.splitlines()[-1].startswith("FAIL ")


def test_editing_a_published_file_is_detected(standard):
    path = standard / "definitions" / "di-rating-servizio.v1.json"
    raw = json.loads(path.read_text("utf-8"))
    raw["items"][1]["options"][4]["label"]["it"] = "Altro motivo"
    path.write_text(json.dumps(raw, ensure_ascii=False, indent=2), "utf-8")

    result = run("check", "--dir", str(standard))
    assert result.exit_code == 1
    assert [e.split(" (")[0] for e in errors(result.output)] == [
        "definitions/di-rating-servizio.v1.json: di-rating-servizio@1 was edited after publication"]
    with pytest.raises(DefinitionError) as exc:
        Catalog.load(standard / "definitions")
    assert "di-rating-servizio.v1.json: di-rating-servizio@1 was edited after publication" in str(exc.value)


def test_reformatting_a_published_file_is_not_an_edit(standard):
    path = standard / "definitions" / "cx-core.v1.json"
    raw = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps(dict(reversed(list(raw.items()))), indent=7), "utf-8")
    assert run("check", "--dir", str(standard)).exit_code == 0
    assert len(Catalog.load(standard / "definitions")) == 9


def test_a_change_is_a_new_version_with_its_harmonization(standard):
    raw = json.loads((standard / "definitions" / "faccia.v1.json").read_text("utf-8"))
    raw["version"] = 2
    raw["items"][0]["label"]["it"] = "Come valuti il servizio ricevuto?"
    raw["changes"] = {"it": "Domanda principale abbreviata.", "en": "Main question shortened."}
    new = standard / "definitions" / "faccia.v2.json"
    new.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")

    result = run("check", "--dir", str(standard))
    assert "definitions/faccia.v2.json: harmonization 'satisfaction': changed since faccia@1 under the same rule " \
           "(wording: label (it)): answers before and after are not the same measurement; declare a break" \
        in result.output
    # a reworded question starts a new series: the version says so
    raw["breaks"] = {"satisfaction": {"it": "Domanda riformulata.", "en": "Question reworded."}}
    new.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    result = run("check", "--dir", str(standard))
    assert errors(result.output) == ["definitions/faccia.v2.json: faccia@2 is not published: when it is final, "
                                     "run `ascolto questionnaires publish faccia@2`"]
    published = run("publish", "faccia@2", "--dir", str(standard))
    assert published.exit_code == 0, published.output
    assert read_manifest(standard / "published.json")["faccia@2"] == content_hash(raw)
    assert run("check", "--dir", str(standard)).exit_code == 0
    catalog = Catalog.load(standard / "definitions")
    assert catalog.versions("faccia") == [1, 2]
    assert catalog.get("faccia", 2).harmonization == catalog.get("faccia", 1).harmonization

    # once published, the new version is as immutable as the old one
    raw["items"][0]["label"]["en"] = "How was it?"
    new.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    assert "faccia@2 was edited after publication" in run("check", "--dir", str(standard)).output


def test_publish_refuses_a_broken_draft_and_records_nothing(standard):
    overlay(standard, FIXTURES / "unpublished-draft")          # a valid draft, not published
    draft = standard / "definitions" / "fx-draft.v1.json"
    raw = json.loads(draft.read_text("utf-8"))
    raw["harmonization"].pop("ease")
    draft.write_text(json.dumps(raw), "utf-8")
    before = (standard / "published.json").read_bytes()

    result = run("publish", "fx-draft@1", "--dir", str(standard))
    assert result.exit_code == 1
    assert errors(result.output) == ["definitions/fx-draft.v1.json: item 'stars': rating item has no harmonization "
                                     "rule (map it onto a canonical indicator or a module indicator 'ID:name')"]
    assert (standard / "published.json").read_bytes() == before
    assert run("publish", "nothing@1", "--dir", str(standard)).exit_code != 0


def test_codebook_is_written_as_json_and_markdown(tmp_path):
    result = run("codebook", "--out", str(tmp_path / "cb"))
    assert result.exit_code == 0, result.output
    book = json.loads((tmp_path / "cb" / "codebook.json").read_text("utf-8"))
    assert book["schema"] == "ascolto.codebook/1"
    assert [q["ref"] for q in book["questionnaires"]] == [
        "cx-core@1", "di-rating-pagina@1", "di-rating-servizio@1", "faccia@1", "mod-anagrafe@1",
        "mod-previdenza@1", "mod-sanita@1", "mod-scuola@1", "mod-tributi@1"]
    page = book["questionnaires"][1]
    assert page["published"].startswith("sha256:")
    stars, liked = page["items"][0], page["items"][1]
    assert stars["label"]["it"] == "Quanto sono chiare le informazioni su questa pagina?"
    assert stars["scale"] == {"min": 1, "max": 5, "labels": {}}
    assert stars["harmonization"] == [{"item": "stars", "method": "linear", "indicator": "clarity"}]
    assert liked["show_if"] == {"item": "stars", "op": "gt", "value": 3}
    assert liked["options"][2] == {"code": "orientation", "label": {
        "it": "Capivo sempre che stavo procedendo correttamente", "en": "I always knew I was doing it right",
        "de": "Ich wusste immer, dass ich richtig vorging", "fr": "Je savais toujours que je procédais correctement",
        "sl": "Ves čas sem vedel/-a, da postopam pravilno"}}
    tributi = book["questionnaires"][-1]
    assert tributi["extends"] == "cx-core@1"
    # the module's items follow the core's, and the core's free comment closes the questionnaire
    assert [i["origin"] for i in tributi["items"]] == ["cx-core@1"] * 8 + ["mod-tributi@1"] * 3 + ["cx-core@1"]
    assert tributi["items"][-1]["code"] == "comment"
    assert tributi["languages"]["sl"] == {"texts": 37, "missing": 10}   # 27 of cx-core + 10 of its own
    assert tributi["harmonization"]["mod-tributi:receipt"]["kind"] == "module"
    sat = book["questionnaires"][3]["harmonization"]["satisfaction"]     # faccia
    assert (sat["instrument"], sat["scale"], sat["positive"], sat["headline"], sat["series"]) == (
        "faccia", "faces3", ["satisfied"], True, 1)
    assert tributi["harmonization"]["satisfaction"]["instrument"] == "cx-core"
    assert {st["code"] for st in book["service_types"]} >= {"anagrafe.certificati", "sportello.urp"}

    md = (tmp_path / "cb" / "codebook.md").read_text("utf-8")
    assert "## di-rating-servizio v1" in md
    assert ("| 1 | `stars` | rating (stars) | yes | 1–5 | always | **ease** (linear) |") in md
    assert "| `went_wrong` = `orientation` | A volte non capivo se stavo procedendo correttamente |" in md
    assert "| `face` | choice (faces) | yes | `satisfied`, `neutral`, `dissatisfied` | always | **satisfaction** " \
           "(map satisfied→100, neutral→50, dissatisfied→0) |" in md
    assert "| `trib_payment` = `in_person` | Presso un punto fisico (tabaccheria, ufficio postale, sportello) |" in md
    assert "*— (it)* |" in md                         # missing Slovenian shown as Italian fallback

    again = run("codebook", "--out", str(tmp_path / "cb2"))
    assert again.exit_code == 0
    for name in ("codebook.json", "codebook.md"):
        assert (tmp_path / "cb" / name).read_bytes() == (tmp_path / "cb2" / name).read_bytes()


def test_codebook_refuses_a_standard_that_does_not_load(standard, tmp_path):
    overlay(standard, FIXTURES / "stale-hash")
    result = run("codebook", "--out", str(tmp_path / "cb"), "--dir", str(standard))
    assert result.exit_code == 1
    assert "definitions/cx-core.v1.json: cx-core@1 was edited after publication" in result.output
    assert not (tmp_path / "cb").exists()
