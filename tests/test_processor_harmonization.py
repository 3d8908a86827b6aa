"""Every harmonization rule of every shipped questionnaire, checked value by value through the processor's steps.

The steps run for real (catalog, validation, a real SQLite registry for the enrichment); the
expected values are written out by hand for the published definitions, and a completeness test
makes sure that every rule of every published questionnaire appears in the table below.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from processor.badrows import Source
from processor.steps import STEPS, Work, run_steps
from questionnaires import default_catalog
from questionnaires.envelope import make_envelope
from registry import connect
from registry.readmodel import ServiceDirectory
from registry.demo import seed

CX = {"satisfaction": 4, "task": "yes"}  # the required cx-core answers, for modules

# (questionnaire, answers, indicator, expected value): value is 0–100, None (not scored) or a category list
CASES = [
    *[("cx-core", {**CX, "satisfaction": v}, "satisfaction", e) for v, e in [(1, 0.0), (2, 25.0), (3, 50.0), (4, 75.0), (5, 100.0)]],
    *[("cx-core", {**CX, ind: v}, ind, e) for ind in ("ease", "clarity", "speed", "trust")
      for v, e in [(1, 0.0), (3, 50.0), (5, 100.0)]],
    ("cx-core", {**CX, "task": "yes"}, "task_completed", 100.0),
    ("cx-core", {**CX, "task": "partly"}, "task_completed", 50.0),
    ("cx-core", {**CX, "task": "no"}, "task_completed", 0.0),
    ("cx-core", {**CX, "satisfaction": 5, "went_well": ["speed", "clarity", "other"]}, "went_well",
     ["clarity", "other", "speed"]),
    ("cx-core", {**CX, "satisfaction": 2, "went_wrong": ["technical", "orientation", "completeness"]}, "went_wrong",
     ["completeness", "orientation", "technical"]),
    *[(q, {"stars": v}, ind, e) for q, ind in [("di-rating-pagina", "clarity"), ("di-rating-servizio", "ease")]
      for v, e in [(1, 0.0), (2, 25.0), (3, 50.0), (4, 75.0), (5, 100.0)]],
    *[(q, {"stars": 4, "went_well": c}, "went_well", [c]) for q in ("di-rating-pagina", "di-rating-servizio")
      for c in ("clarity", "completeness", "orientation", "technical", "other")],
    *[(q, {"stars": 2, "went_wrong": c}, "went_wrong", [c]) for q in ("di-rating-pagina", "di-rating-servizio")
      for c in ("clarity", "completeness", "orientation", "technical", "other")],
    ("faccia", {"face": "satisfied"}, "satisfaction", 100.0),
    ("faccia", {"face": "neutral"}, "satisfaction", 50.0),
    ("faccia", {"face": "dissatisfied"}, "satisfaction", 0.0),
    ("faccia", {"face": "satisfied", "went_well": ["staff", "speed", "clarity", "completeness", "orientation", "other"]},
     "went_well", ["clarity", "completeness", "orientation", "other", "speed"]),
    ("faccia", {"face": "dissatisfied", "went_wrong": ["staff"]}, "went_wrong", ["other"]),
    ("faccia", {"face": "neutral", "went_wrong": ["technical", "speed"]}, "went_wrong", ["speed", "technical"]),
    *[("mod-anagrafe", {**CX, "anag_findability": v}, "mod-anagrafe:findability", e) for v, e in [(1, 0.0), (4, 75.0), (5, 100.0)]],
    ("mod-anagrafe", {**CX, "anag_counter": True}, "mod-anagrafe:fully_online", 0.0),
    ("mod-anagrafe", {**CX, "anag_counter": False}, "mod-anagrafe:fully_online", 100.0),
    *[("mod-previdenza", {**CX, "prev_status_clarity": v}, "mod-previdenza:status_clarity", e) for v, e in [(1, 0.0), (2, 25.0), (5, 100.0)]],
    ("mod-previdenza", {**CX, "prev_asked_again": True}, "mod-previdenza:once_only", 0.0),
    ("mod-previdenza", {**CX, "prev_asked_again": False}, "mod-previdenza:once_only", 100.0),
    ("mod-sanita", {**CX, "san_within_priority": "yes"}, "mod-sanita:within_priority", 100.0),
    ("mod-sanita", {**CX, "san_within_priority": "no"}, "mod-sanita:within_priority", 0.0),
    ("mod-sanita", {**CX, "san_within_priority": "dont_know"}, "mod-sanita:within_priority", None),
    *[("mod-sanita", {**CX, "san_location": v}, "mod-sanita:location", e) for v, e in [(1, 0.0), (3, 50.0), (5, 100.0)]],
    ("mod-sanita", {**CX, "san_cancel_info": True}, "mod-sanita:cancel_info", 100.0),
    ("mod-sanita", {**CX, "san_cancel_info": False}, "mod-sanita:cancel_info", 0.0),
    *[("mod-scuola", {**CX, "scuola_offer_info": v}, "mod-scuola:offer_info", e) for v, e in [(1, 0.0), (5, 100.0)]],
    ("mod-scuola", {**CX, "scuola_help": "yes_solved"}, "mod-scuola:help_resolved", 100.0),
    ("mod-scuola", {**CX, "scuola_help": "yes_unsolved"}, "mod-scuola:help_resolved", 0.0),
    ("mod-scuola", {**CX, "scuola_help": "no"}, "mod-scuola:help_resolved", None),
    *[("mod-tributi", {**CX, "trib_amount_clarity": v}, "mod-tributi:amount_clarity", e) for v, e in [(1, 0.0), (3, 50.0)]],
    ("mod-tributi", {**CX, "trib_payment": "app_io", "trib_receipt": True}, "mod-tributi:receipt", 100.0),
    ("mod-tributi", {**CX, "trib_payment": "pagopa_online", "trib_receipt": False}, "mod-tributi:receipt", 0.0),
    # modules inherit the core rules unchanged
    ("mod-tributi", {**CX, "satisfaction": 2, "ease": 5}, "satisfaction", 25.0),
    ("mod-sanita", {**CX, "task": "partly"}, "task_completed", 50.0),
]


@pytest.fixture(scope="module")
def enricher(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('reg') / 'registry.db'}"
    seed(connect(url), ["https://example.it"])
    return ServiceDirectory(connect(url, create=False))


def process(enricher, qid: str, answers: dict, comment: str | None = None) -> Work:
    sub = {"submission_id": str(uuid.uuid4()), "service": "demo-inps-pensione", "questionnaire": qid, "version": 1,
           "lang": "it", "channel": "web", "answers": dict(answers, **({"comment": comment} if comment else {})),
           "context": {}}
    env = make_envelope(sub, collector="t", device="desktop", received_at=datetime(2026, 11, 20, tzinfo=timezone.utc))
    env["received_at"] = env["received_at"]
    return run_steps(Work(Source("t", 0, 7), env), enricher, STEPS)


@pytest.mark.parametrize("qid, answers, indicator, expected", CASES)
def test_rule_gives_the_expected_indicator_value(enricher, qid, answers, indicator, expected):
    work = process(enricher, qid, answers)
    row = work.row
    if ":" in indicator:
        assert dict(row["module_scores"]).get(indicator) == expected
        if expected is None:
            assert indicator not in dict(row["module_scores"])
    else:
        assert row[indicator] == expected
    # the long answers rows carry the same score for the item the rule reads
    rule = default_catalog().get(qid, 1).harmonization[indicator]
    feeding = [a for a in work.answer_rows if a["item"] == rule["item"] and a["indicator"] == indicator]
    assert feeding, "the answers dataset names the indicator an item feeds"
    if not isinstance(expected, list):
        assert {a["score"] for a in feeding} == {expected}


def test_every_rule_of_every_published_questionnaire_is_exercised():
    covered = {(q, ind) for q, _, ind, _ in CASES}
    for q in default_catalog():
        for name in q.own_harmonization:
            assert (q.id, name) in covered, f"{q.key}: rule {name} has no test"


MODULES = [q.id for q in default_catalog() if q.base is not None]


@pytest.mark.parametrize("module", MODULES)
def test_modules_apply_the_inherited_core_rules_unchanged(enricher, module):
    for qid, answers, indicator, expected in CASES:
        if qid == "cx-core":
            assert process(enricher, module, answers).row[indicator] == expected, (module, answers, indicator)


def test_raw_value_and_scale_are_kept_beside_the_score(enricher):
    row = process(enricher, "cx-core", {"satisfaction": 2, "task": "partly", "trust": 5}).row
    assert (row["satisfaction"], row["satisfaction_raw"], row["satisfaction_scale"]) == (25.0, "2", "1-5")
    assert (row["trust"], row["trust_raw"], row["trust_scale"]) == (100.0, "5", "1-5")
    assert (row["task_completed"], row["task_completed_raw"], row["task_completed_scale"]) == (50.0, "partly", None)
    assert row["ease"] is None and row["ease_raw"] is None and row["went_well"] == [] and row["module_scores"] == []
    f = process(enricher, "faccia", {"face": "neutral"}).row
    assert (f["satisfaction"], f["satisfaction_raw"]) == (50.0, "neutral")


def test_answers_long_rows_one_per_value_with_redacted_text(enricher):
    work = process(enricher, "mod-tributi", {**CX, "satisfaction": 5, "went_well": ["speed", "clarity"],
                                             "trib_payment": "app_io", "trib_receipt": True},
                   comment="Sono Mario Rossi, tel 333 1234567")
    rows = [(a["item"], a["item_type"], a["value"], a["indicator"], a["score"]) for a in work.answer_rows]
    assert rows == [
        ("satisfaction", "rating", "5", "satisfaction", 100.0),
        ("task", "choice", "yes", "task_completed", 100.0),
        ("went_well", "multi", "speed", "went_well", None),
        ("went_well", "multi", "clarity", "went_well", None),
        ("trib_payment", "choice", "app_io", None, None),
        ("trib_receipt", "boolean", "true", "mod-tributi:receipt", 100.0),
        ("comment", "text", "Sono [NOME], tel [PHONE]", None, None),  # the free comment is last
    ]
    assert work.row["comment"] == "Sono [NOME], tel [PHONE]"
    assert work.redactions == {"NOME": 1, "PHONE": 1}


def test_every_compiled_rule_gives_what_the_rule_says_for_every_answer_it_can_meet():
    """The processor applies each rule as compiled once per questionnaire (``harmonize._compile``: a
    rating's points computed in advance); for every rule of every published questionnaire and every
    answer its item admits, the result equals the rule's plain reading (``harmonize._apply``), and no
    two calls share a result (a caller may change its own)."""
    from questionnaires import harmonize

    checked = 0
    for q in default_catalog():
        for name, rule in q.harmonization.items():
            item = q.item(rule["item"])
            compiled = harmonize._compile(q, name, rule)
            answers = list(item.possible_answers() or ()) if item.type != "multi" \
                else [[code] for code in item.option_codes]
            for answer in answers:
                try:
                    expected = harmonize._apply(q, name, rule, answer)
                except harmonize.HarmonizationError:
                    with pytest.raises(harmonize.HarmonizationError):
                        compiled(answer)
                    continue
                first, second = compiled(answer), compiled(answer)
                assert first == expected and first is not second, (q.key, name, answer)
                checked += 1
    assert checked > 100
