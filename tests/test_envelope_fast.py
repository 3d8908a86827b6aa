"""The plain-body fast path (``fast_load_submission``) agrees with the marshmallow contract.

Hypothesis builds bodies from valid values and near misses for every field (coercible types,
edges of every length bound, unknown fields, missing fields, None); whenever the fast path accepts
a body, ``SubmissionSchema().load`` accepts it with exactly the same result (keys, order, values,
types), and every plainly valid body is accepted by the fast path.
"""
from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings, strategies as st
from marshmallow import ValidationError

from questionnaires.envelope import CHANNELS, SubmissionSchema, fast_load_submission
from questionnaires.model import LANGUAGES

SETTINGS = settings(max_examples=500, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))
SCHEMA = SubmissionSchema()
UUIDS = st.uuids().map(str)
TEXT64 = st.text(min_size=1, max_size=64)

VALID = {
    "submission_id": UUIDS, "service": TEXT64, "questionnaire": TEXT64, "version": st.integers(1, 10**6),
    "lang": st.sampled_from(LANGUAGES), "channel": st.sampled_from(CHANNELS),
    "answers": st.dictionaries(st.text(max_size=5), st.integers(0, 5) | st.text(max_size=5), max_size=4),
    "context": st.dictionaries(st.text(max_size=32), st.text(max_size=512), max_size=3),
    "test": st.booleans(),
}
NEAR = {
    "submission_id": st.one_of(UUIDS.map(str.upper), st.uuids().map(lambda u: u.hex), st.uuids().map(lambda u: f"{{{u}}}"),
                               st.text(max_size=40), st.uuids(), st.integers()),
    "service": st.one_of(st.just(""), st.text(min_size=65, max_size=66), st.integers(), st.lists(st.text(max_size=2))),
    "questionnaire": st.one_of(st.just(""), st.text(min_size=65, max_size=66), st.booleans()),
    "version": st.one_of(st.integers(-2, 1), st.booleans(), st.just(1.0), st.just("1"), st.just(2 ** 70)),
    "lang": st.one_of(st.just("es"), st.just("IT"), st.integers()),
    "channel": st.one_of(st.just("fax"), st.just(["web"])),
    "answers": st.one_of(st.lists(st.integers(), max_size=2), st.text(max_size=3)),
    "context": st.one_of(st.dictionaries(st.text(min_size=31, max_size=34), st.text(max_size=3), min_size=1, max_size=1),
                         st.dictionaries(st.text(max_size=3), st.text(min_size=511, max_size=514) | st.integers(),
                                         min_size=1, max_size=1), st.lists(st.text(max_size=2))),
    "test": st.one_of(st.just(1), st.just(0), st.just("true"), st.just("yes"), st.just([True])),
}
OPTIONAL = ("lang", "channel", "context", "test")


@st.composite
def bodies(draw, near: bool):
    body = {}
    for name, valid in VALID.items():
        if name in OPTIONAL and draw(st.booleans()):
            continue
        body[name] = draw(NEAR[name] | valid | st.none()) if near else draw(valid)
    if near and draw(st.booleans()):
        body.pop(draw(st.sampled_from(sorted(body))), None) if body else None
    if near and draw(st.integers(0, 5)) == 0:
        body["extra"] = 1
    return body


@SETTINGS
@given(bodies(near=False))
def test_every_plainly_valid_body_takes_the_fast_path_with_the_schemas_result(body):
    assert fast_load_submission(body) == SCHEMA.load(body)
    assert list(fast_load_submission(body)) == list(SCHEMA.load(body))


@SETTINGS
@given(bodies(near=True))
def test_the_fast_path_accepts_nothing_the_schema_refuses_nor_changes_a_result(body):
    fast = fast_load_submission(body)
    if fast is None:
        return
    try:
        slow = SCHEMA.load(body)
    except ValidationError as exc:
        raise AssertionError(f"the fast path accepted what the schema refuses: {exc.messages}") from None
    assert fast == slow and list(fast) == list(slow)
    assert [type(v) for v in fast.values()] == [type(v) for v in slow.values()]


def test_not_an_object_and_non_string_keys_fall_back():
    assert fast_load_submission([1]) is None
    body = {"submission_id": str(uuid.uuid4()), "service": "s", "questionnaire": "q", "version": 1, "answers": {},
            "context": {1: "x"}}
    assert fast_load_submission(body) is None
