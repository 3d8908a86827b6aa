"""The compiled answers validator (``Questionnaire.fast_validate``) agrees with the marshmallow contract.

For every shipped questionnaire, hypothesis generates answer maps — valid ones that respect branching,
and invalid or unusual ones (wrong and coercible types, out-of-range ratings, unknown codes, repeated
or empty multi answers, hidden items answered, required items missing) — and checks that whenever
the fast path accepts a map, ``Questionnaire.validate`` accepts it too with exactly the same result
(keys, order, values and their types); and that every plainly valid map is accepted by the fast path
(otherwise it would be no faster).
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from questionnaires import AnswersInvalid, default_catalog

QUESTIONNAIRES = list(default_catalog())
SETTINGS = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))

JUNK = st.one_of(st.none(), st.booleans(), st.integers(-5, 15), st.integers(), st.floats(allow_nan=True),
                 st.text(max_size=6), st.binary(max_size=4), st.just([]), st.lists(st.text(max_size=3), max_size=3),
                 st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))


def valid_value(item):
    if item.type == "rating":
        return st.integers(item.scale_min, item.scale_max)
    if item.type == "choice":
        return st.sampled_from(item.option_codes)
    if item.type == "multi":
        return st.lists(st.sampled_from(item.option_codes), min_size=1, unique=True)
    if item.type == "boolean":
        return st.booleans()
    return st.text(max_size=item.max_length or 600)


def near_value(item):
    """Values close to valid ones: coercible types, edges, repeats, unknown options."""
    if item.type == "rating":
        return st.one_of(st.integers(item.scale_min - 2, item.scale_max + 2), st.booleans(),
                         st.sampled_from([float(item.scale_min), str(item.scale_max), 2 ** 70]))
    if item.type == "choice":
        return st.one_of(st.sampled_from(item.option_codes + ("", "altro_x")), st.sampled_from(item.option_codes)
                         .map(str.upper), st.sampled_from(item.option_codes).map(lambda c: [c]),
                         st.sampled_from(item.option_codes).map(str.encode))
    if item.type == "multi":
        return st.one_of(st.lists(st.sampled_from(item.option_codes + ("zzz",)), max_size=4),
                         st.sampled_from(item.option_codes), st.lists(st.sampled_from(item.option_codes))
                         .map(tuple))
    if item.type == "boolean":
        return st.sampled_from([0, 1, "true", "false", "yes", 1.0, None, True, False])
    return st.one_of(st.text(min_size=(item.max_length or 500) - 1, max_size=(item.max_length or 500) + 1),
                     st.binary(max_size=3), st.integers())


@st.composite
def answer_maps(draw, q, mode):
    answers = {}
    for item in q.items:
        if mode == "valid":
            if not item.visible(answers):
                continue
            if item.required or draw(st.booleans()):
                answers[item.code] = draw(valid_value(item))
        else:
            choice = draw(st.sampled_from(["absent", "none", "valid", "valid", "near", "junk"]))
            if choice == "none":
                answers[item.code] = None
            elif choice == "valid":
                answers[item.code] = draw(valid_value(item))
            elif choice == "near":
                answers[item.code] = draw(near_value(item))
            elif choice == "junk":
                answers[item.code] = draw(JUNK)
    if mode != "valid" and draw(st.integers(0, 5)) == 0:
        answers[draw(st.sampled_from(["comment_x", "Satisfaction", "", "extra"]))] = draw(JUNK)
    if draw(st.booleans()):
        answers = dict(reversed(list(answers.items())))
    return answers


def contract(q, answers):
    try:
        return q.validate(answers)
    except AnswersInvalid:
        return None


def typed(d):
    return [(k, type(v), v) for k, v in d.items()]


@pytest.mark.parametrize("q", QUESTIONNAIRES, ids=lambda q: q.key)
def test_fast_path_accepts_only_what_the_contract_accepts_with_the_same_result(q):
    @SETTINGS
    @given(data=st.data())
    def check(data):
        answers = data.draw(answer_maps(q, data.draw(st.sampled_from(["valid", "mixed"]))))
        fast = q.fast_validate(dict(answers))
        slow = contract(q, dict(answers))
        if fast is not None:
            assert slow is not None, answers
            assert typed(fast) == typed(slow), answers
    check()


@pytest.mark.parametrize("q", QUESTIONNAIRES, ids=lambda q: q.key)
def test_fast_path_accepts_every_plainly_valid_map(q):
    @SETTINGS
    @given(data=st.data())
    def check(data):
        answers = data.draw(answer_maps(q, "valid"))
        slow = contract(q, dict(answers))
        assert slow is not None, answers
        assert typed(q.fast_validate(answers)) == typed(slow)
    check()


def test_fast_path_rejects_what_is_not_a_plain_dict():
    q = default_catalog().get("cx-core", 1)
    assert q.fast_validate([]) is None and q.fast_validate(None) is None


@pytest.mark.parametrize("text, kept", [
    ("a\x00b", "ab"), ("x\x85y\x7f\x1bz", "xyz"), ("riga 1\r\nriga 2\tfine", "riga 1\r\nriga 2\tfine"),
    ("a\ud800b", "ab"), ("", None), ("   ", None), ("\t\n\x00 ", None), ("\u00a0\u3000", None),
    ("citta\u0300 e\u0301", "città é"), ("e\u0300" * 500, "è" * 500),  # NFC: the letters a citizen sees
])
def test_free_text_is_cleaned_and_blank_is_unanswered_by_the_contract_and_the_fast_path_alike(text, kept):
    """The one rule for free text (questionnaires.validation.clean_text), which the collector's intake
    and the processor's re-validation both follow: control characters removed, blank = unanswered."""
    q = default_catalog().get("cx-core", 1)
    answers = {"satisfaction": 2, "task": "no", "comment": text}
    expected = {"satisfaction": 2, "task": "no", **({} if kept is None else {"comment": kept})}
    assert q.validate(answers) == expected
    assert q.fast_validate(answers) in (None, expected)
    assert (q.fast_validate(answers) or q.validate(answers)) == expected
