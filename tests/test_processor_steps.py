"""The steps in isolation: the fast envelope path agrees with the contract's marshmallow schemas; typed refusals."""
from __future__ import annotations

import copy
import uuid
from collections import namedtuple

import pytest

from processor.badrows import Reason, Rejected
from processor.failed import FailedStore, content_digest
from processor.steps import _fast_envelope, parse_envelope, transform
from questionnaires.envelope import EnvelopeError, encode_record, make_envelope
from questionnaires.envelope import parse_envelope as contract_parse

BASE = make_envelope({"submission_id": str(uuid.uuid4()), "service": "demo-roma-anagrafe", "questionnaire": "cx-core",
                      "version": 1, "lang": "de", "channel": "app", "answers": {"satisfaction": 4, "task": "yes"},
                      "context": {"page": "/x"}}, collector="c1", device="mobile")


def variant(path: tuple, value):
    env = copy.deepcopy(BASE)
    node = env
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        node.pop(path[-1])
    else:
        node[path[-1]] = value
    return env


VARIANTS = [BASE, variant(("extra",), 1), variant(("submission", "extra"), 1), variant(("collector",), KeyError),
            variant(("device",), KeyError), variant(("received_at",), "2026-11-20T10:00:00+01:00"),
            variant(("received_at",), "2026-11-20T10:00:00"), variant(("received_at",), "yesterday"),
            variant(("received_at",), 5), variant(("schema",), "ascolto.submission/2"),
            # a time no collector's clock gives: a poison record that crashed the processor on every restart
            # (OverflowError in the period of 9999-12-31T23:59:59Z, of 0001-01-01T00:00:00Z)
            variant(("received_at",), "9999-12-31T23:59:59Z"), variant(("received_at",), "0001-01-01T00:00:00+00:00"),
            variant(("received_at",), "2200-01-01T00:00:00Z"), variant(("received_at",), "1999-12-31T23:59:59Z"),
            variant(("received_at",), "2199-12-31T23:00:00Z"), variant(("received_at",), "2000-01-01T01:00:00+01:00"),
            variant(("submission", "submission_id"), "not-a-uuid"),
            variant(("submission", "submission_id"), str(uuid.uuid4()).upper()),
            variant(("submission", "submission_id"), uuid.uuid4().hex),
            # 36 characters that uuid.UUID still reads (dashes anywhere, braces): the fast path's canonical test
            # must not let them through unnormalized
            variant(("submission", "submission_id"), uuid.uuid4().hex + "----"),
            variant(("submission", "submission_id"), "{" + uuid.uuid4().hex + "}--"),
            variant(("submission", "version"), "1"), variant(("submission", "version"), 0),
            variant(("submission", "version"), True), variant(("submission", "lang"), "xx"),
            variant(("submission", "lang"), KeyError), variant(("submission", "channel"), KeyError),
            variant(("submission", "channel"), "fax"), variant(("submission", "service"), ""),
            variant(("submission", "service"), "s" * 65), variant(("submission", "answers"), []),
            variant(("submission", "context"), {"page": "p" * 513}), variant(("submission", "context"), {"k" * 33: "v"}),
            variant(("submission", "context"), {"n": 1}), variant(("submission", "context"), KeyError),
            variant(("submission",), "x"), variant(("submission",), KeyError),
            # the collector's check-up flag (issue 19): a boolean, absent = false; anything else is not one
            variant(("test",), True), variant(("test",), False), variant(("test",), "true"), variant(("test",), 1),
            variant(("test",), None), variant(("submission", "test"), True),
            # the page asked for the check-up (data-test): its answers may be listed on the check page
            variant(("test_snippet",), True), variant(("test_snippet",), False), variant(("test_snippet",), 1),
            variant(("test_snippet",), "true")]


@pytest.mark.parametrize("raw", VARIANTS)
def test_fast_envelope_path_agrees_with_the_contract(raw):
    try:
        expected = contract_parse(copy.deepcopy(raw))
    except EnvelopeError as exc:
        assert _fast_envelope(copy.deepcopy(raw)) is None
        with pytest.raises(EnvelopeError) as got:
            parse_envelope(copy.deepcopy(raw))
        assert str(got.value) == str(exc)
        return
    assert parse_envelope(copy.deepcopy(raw)) == expected
    fast = _fast_envelope(copy.deepcopy(raw))
    assert fast is None or fast == expected
    assert expected["test"] is (raw.get("test") in (True, 1) and raw.get("test") is not False)
    assert expected["test_snippet"] is (raw.get("test_snippet") in (True, 1) and raw.get("test_snippet") is not False)


Rec = namedtuple("Rec", "topic partition offset key value")


@pytest.mark.parametrize("received_at", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2262-04-12T00:00:00Z"])
def test_a_received_at_out_of_any_clocks_range_is_a_dead_letter_not_a_crash(received_at):
    raw = variant(("received_at",), received_at)
    out = transform([Rec("t", 0, 7, b"k", encode_record([raw]))], enricher=None)
    assert not out.accepted
    (failure,) = out.failures
    assert failure.reason == Reason.INVALID_ENVELOPE and "received_at" in failure.detail


def test_refusals_are_typed_reasons_and_stored_as_their_codes(tmp_path):
    bad_answers = copy.deepcopy(BASE)
    bad_answers["submission"]["answers"] = {"satisfaction": 9}
    records = [Rec("t", 0, 0, b"k", b"\x00 poison"), Rec("t", 0, 1, b"k", encode_record([bad_answers])),
               Rec("t", 0, 2, b"k", encode_record([variant(("schema",), "x")]))]
    out = transform(records, None)
    assert [f.reason for f in out.failures] == [Reason.UNDECODABLE, Reason.INVALID_ANSWERS, Reason.INVALID_ENVELOPE]
    store = FailedStore(tmp_path)
    store.write(out.failures, 0, 0, 2)
    assert [r["reason"] for r in store.list()] == ["undecodable", "invalid_answers", "invalid_envelope"]
    with pytest.raises(ValueError):
        Rejected("no_such_reason", "x")


def test_the_processor_cleans_free_text_of_a_logged_record_by_the_same_contract():
    """A record logged before the collector cleaned free text (or by another producer): the
    processor's re-validation follows questionnaires.validation.clean_text too."""
    from tests.processor_fakes import FakeLookup, Rec, record_value, submission

    dirty, blank = submission(comment="a\x00b\x85c"), submission(comment="  \x00 ")
    out = transform([Rec("t", 0, 1, b"svc-a", record_value(dirty, blank))], FakeLookup())
    got = {w.env["submission"]["submission_id"]: w.answers for w in out.accepted}
    assert got[dirty["submission_id"]]["comment"] == "abc"
    assert "comment" not in got[blank["submission_id"]]


def test_a_record_nested_too_deeply_is_a_dead_letter_not_a_crash():
    """orjson refuses more than 1024 levels; the json fallback then raised RecursionError, which stopped
    the processor on every restart."""
    value = b'{"schema":"ascolto.submission/1","submission":' + b"[" * 5000 + b"]" * 5000 + b"}"
    out = transform([Rec("t", 0, 8, b"k", value)], enricher=None)
    (failure,) = out.failures
    assert failure.reason == Reason.UNDECODABLE and "nested too deeply" in failure.detail


def test_failed_list_is_in_log_order_within_a_batch(tmp_path):
    """One batch's dead letters share their failed_at: they were listed by failure_id as text, offset 10
    before offset 4 ("oldest first" said the help)."""
    records = [Rec("t", 2, offset, b"k", b"\x00 poison") for offset in (4, 10, 9, 100)]
    out = transform(records, None)
    FailedStore(tmp_path).write(out.failures, 2, 4, 100)
    digest = content_digest(b"k", b"\x00 poison")
    assert [r["failure_id"] for r in FailedStore(tmp_path).list()] == [
        f"t/2/{offset}/0/{digest}" for offset in (4, 9, 10, 100)]


def test_a_step_failing_unexpectedly_on_one_envelope_dead_letters_it_and_spares_the_others():
    """A poison record the steps did not foresee (as a received_at of year 9999 was) stopped the processor
    on every restart: it is a processing_error dead letter, its detail without the exception's message
    (which may quote an answer); the registry's errors still propagate (an outage, not a dead letter)."""
    from sqlalchemy.exc import OperationalError

    def poison(work, _):
        if work.env["submission"]["answers"].get("satisfaction") == 1:
            raise ValueError("Mario Rossi, via Roma 1")  # a message quoting an answer

    def lookup(work, _):
        work.seen = True

    good, bad = copy.deepcopy(BASE), copy.deepcopy(BASE)
    bad["submission"]["answers"] = {"satisfaction": 1, "task": "yes"}
    bad["submission"]["submission_id"] = str(uuid.uuid4())
    steps = (__import__("processor.steps", fromlist=["validate"]).validate, poison, lookup)
    out = transform([Rec("t", 0, 1, b"k", encode_record([good, bad]))], None, steps)
    assert [w.env["submission"]["submission_id"] for w in out.accepted] == [good["submission"]["submission_id"]]
    (failure,) = out.failures
    assert failure.reason == Reason.PROCESSING_ERROR and "ValueError" in failure.detail
    assert "Mario" not in failure.detail and "Roma" not in failure.detail
    assert failure.source.index == 1 and b"satisfaction" in failure.value  # the envelope alone, replayable

    def away(work, _):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    with pytest.raises(OperationalError):
        transform([Rec("t", 0, 2, b"k", encode_record([good]))], None, (away,))
