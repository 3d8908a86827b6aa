"""Kept records hold no personal data: failed/ values, DLQ values and the collector's spool are
parsed and every string redacted (issue 11, point 1), and they stay usable (replayable JSON)."""
from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timezone

import pytest

from collector.spool import TEXT_FLOOR, Spool
from privacy.records import MAX_TEXT, redact_record, redact_value
from processor.failed import FailedStore, scrub
from processor.steps import Failure, Source
from questionnaires import default_catalog
from questionnaires.envelope import encode_record, make_envelope
from tests.conftest import submission, WIDGET

CF = "RSSMRA85T10A562S"


def _envelope(comment: str, **context) -> dict:
    body = submission(comment=comment)
    body["context"].update(context)
    return make_envelope(body, collector="c", device="desktop", received_at=datetime(2026, 11, 20, tzinfo=timezone.utc))


def test_a_code_after_an_escaped_line_break_or_tab_is_redacted_and_the_value_stays_json():
    env = _envelope(f"prima riga\n{CF}\tmario.rossi@example.it\nseconda")
    raw = encode_record([env])
    assert b"\\n" + CF.encode() in raw  # what defeated the old text-level redaction
    out, counts = redact_record(raw)
    doc = json.loads(out)
    assert doc["submission"]["answers"]["comment"] == "prima riga\n[CF]\t[EMAIL]\nseconda"
    assert counts == {"CF": 1, "EMAIL": 1}
    # what a replay needs is untouched
    assert doc["submission"]["submission_id"] == env["submission"]["submission_id"]
    assert doc["received_at"] == env["received_at"] and doc["submission"]["service"] == env["submission"]["service"]


def test_every_string_of_an_unknown_shape_is_redacted_keys_and_nested_lists_too():
    raw = json.dumps({"x": [{"note": "chiamare il 333 1234567"}, "via Roma 12"], CF: "chiave",
                      "n": 3331234567, "id": str(uuid.UUID(int=3331234567))}).encode()
    doc = json.loads(redact_record(raw)[0])
    assert doc["x"] == [{"note": "chiamare il [PHONE]"}, "[INDIRIZZO]"]
    assert "[CF]" in doc and CF not in json.dumps(doc)
    assert doc["n"] == "[PHONE]" and doc["id"] == str(uuid.UUID(int=3331234567))


@pytest.mark.parametrize("raw, gone", [
    # not JSON (truncated): escapes are decoded before redaction, so they cannot hide anything
    (b'{"submission": {"answers": {"comment": "ciao\\nRSSMRA85T10A562S e mario.rossi\\u0040example.it', ["RSSMRA", "mario"]),
    (b"testo libero\\tRSSMRA85T10A562S", ["RSSMRA"]),
    (b"\xff\xfe binario RSSMRA85T10A562S \xff", ["RSSMRA"]),
    (b"scrivere a mario.rossi%40example.it", ["mario"]),
])
def test_values_that_are_not_json_are_redacted_as_decoded_text(raw, gone):
    out, counts = redact_record(raw)
    assert counts and all(g.encode() not in out for g in gone)
    assert b"\n" not in out  # a one-line value stays one line
    if raw.startswith(b"\xff"):
        assert out.startswith(b"\xff\xfe") and out.endswith(b"\xff")  # other bytes kept as they were


def test_nothing_to_redact_gives_back_the_same_bytes():
    raw = encode_record([_envelope("tutto chiaro, grazie")])
    assert redact_record(raw)[0] is raw
    assert redact_record(None) == (None, {})


def test_deeply_nested_json_is_redacted_as_text_without_crashing():
    raw = b'{"a":' * 5000 + b'"RSSMRA85T10A562S"' + b"}" * 5000
    out, counts = redact_record(raw)
    assert counts == {"CF": 1} and b"RSSMRA" not in out


def test_failed_store_and_dlq_scrub_value_detail_and_key(tmp_path):
    env = _envelope("sono Mario Rossi, cf RSSMRA85T10A562S")
    f = Failure(Source("t", 0, 7, key=b"mario.rossi@example.it", index=0), "invalid_answers",
                "answers.comment: 'RSSMRA85T10A562S' is not valid", encode_record([env]))
    s = scrub(f)
    assert b"RSSMRA" not in s.value and "RSSMRA" not in s.detail and s.source.key == b"[EMAIL]"
    assert scrub(Failure(Source("t", 0, 8), "undecodable", "no JSON", b"{}")) is not None
    path = FailedStore(tmp_path).write([f], 0, 7, 7)
    assert path and b"RSSMRA" not in path.read_bytes()
    [row] = FailedStore(tmp_path).list()
    assert json.loads(row["value"])["submission"]["answers"]["comment"] == "sono [NOME], cf [CF]"
    assert row["detail"] == "answers.comment: '[CF]' is not valid"


def test_the_spool_writes_no_personal_data_and_keeps_one_record_per_line(tmp_path):
    env = _envelope(f"riga\nsono Giulia Bianchi, tel 333 1234567, {CF}", page="/profilo/giulia%40example.it")
    spool = Spool(tmp_path, max_bytes=10**6)
    spool.append([b"demo-roma-anagrafe\t" + encode_record([env]), b"k\t{\"a\":1}"])
    spool.seal()
    [segment] = tmp_path.glob("*.spool")
    data = segment.read_bytes()
    for planted in (b"Giulia Bianchi", b"1234567", CF.encode(), b"giulia%40", b"giulia@"):
        assert planted not in data
    lines = data.splitlines()
    assert lines[1] == b"k\t{\"a\":1}" and len(lines) == 2
    key, _, value = lines[0].partition(b"\t")
    doc = json.loads(value)
    assert key == b"demo-roma-anagrafe" and doc["submission"]["answers"]["comment"] == "riga\nsono [NOME], tel [PHONE], [CF]"
    assert doc["submission"]["context"]["page"] == "/profilo/[EMAIL]"


@pytest.mark.parametrize("page, kept", [
    ("/utente/mrossi85/pratiche", "/utente/[ID]/pratiche"),
    ("/profilo/mario.rossi", "/profilo/[ID]"),
    ("/u/12345678/documenti", "/u/[ID]/documenti"),
    ("/servizi/anagrafe/certificati", "/servizi/anagrafe/certificati"),
])
def test_a_dead_letters_page_is_redacted_as_a_path_like_the_topics(tmp_path, page, kept):
    """failed/, the DLQ and the spool keep the page as the processor stores it (privacy.paths.redact_path:
    "/utente/[ID]/pratiche"); as free text it kept the user name ("/utente/mrossi85/pratiche")."""
    from collector.spool import scrub_line
    from processor.steps import _redact_page

    env = _envelope("sono Mario Rossi", page=page)
    assert _redact_page(page)[0] == kept  # what the processor stores with the response
    f = Failure(Source("t", 0, 7, index=0), "invalid_answers", "answers.comment: too long", encode_record([env]))
    assert json.loads(scrub(f).value)["submission"]["context"]["page"] == kept
    batch = encode_record([env, _envelope("tutto ok", page=page)])
    doc = json.loads(redact_record(batch)[0])
    assert [e["submission"]["context"]["page"] for e in doc["envelopes"]] == [kept, kept]
    key, _, value = scrub_line(b"demo-roma-anagrafe\t" + encode_record([env])).partition(b"\t")
    assert json.loads(value)["submission"]["context"]["page"] == kept
    if kept == page:  # nothing in the page: nothing counted for it
        assert redact_record(encode_record([_envelope("tutto ok", page=page)]))[1] == {}
    else:
        assert redact_record(encode_record([_envelope("tutto ok", page=page)]))[1] == {"ID": 1}


def test_spooled_text_never_grows_past_what_the_processor_accepts():
    """A placeholder longer than what it replaces ("Al" → "[NOME]") must not push a spooled comment
    over its max_length: no string grows past max(its length, TEXT_FLOOR) — and TEXT_FLOOR is at
    most the smallest max_length of any text item in the catalog."""
    limits = [it.max_length for q in default_catalog() for it in q.items if it.type == "text"]
    assert limits and TEXT_FLOOR <= min(limits)
    comment = ("sono Al. " * 60)[:500]
    out = json.loads(redact_record(json.dumps({"c": comment}).encode(), floor=TEXT_FLOOR)[0])["c"]
    assert len(out) <= 500 and "sono Al" not in out


@pytest.mark.parametrize("junk", [b"12 " * 350_000, b"a" * 1_000_000 + b"@x.it", b"1." * 500_000])
def test_a_megabyte_of_garbage_is_cut_and_redacted_quickly(junk):
    """A foreign producer's huge poison record must not stall the processor (it is scrubbed twice:
    failed/ and the DLQ): strings past MAX_TEXT are cut before redaction."""
    start = time.perf_counter()
    out, counts = redact_record(junk)
    assert time.perf_counter() - start < 3.0
    assert counts["TRUNCATED"] == 1 and len(out) < MAX_TEXT + 200


_PIECES = ["Servizio comodo", CF, "mario.rossi@example.it", "333 1234567", "Mi chiamo Mario Rossi", "via Roma 12",
           "IT60X0542811101000000123456", str(uuid.uuid4()), "2026-11-20T10:00:00Z", "satisfaction", "ok", ""]


def _json_values():
    from hypothesis import strategies as st

    text = st.lists(st.sampled_from(_PIECES), max_size=3).map(" ".join) | st.text(max_size=20)
    leaf = st.none() | st.booleans() | st.integers(min_value=-10**12, max_value=10**12) | text
    return st.recursive(leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
                        max_leaves=12)


def test_the_allocation_free_check_agrees_with_the_redaction_on_any_value():
    """``finds`` (the walk that lets a record without personal data through untouched, issue 18)
    says True exactly when the full redaction would change or count something."""
    from hypothesis import given, settings as hsettings

    from privacy.records import _Redactor

    @hsettings(max_examples=300, deadline=None)
    @given(_json_values())
    def check(v):
        full = _Redactor(TEXT_FLOOR)
        out = full.value(v)
        assert _Redactor(TEXT_FLOOR).finds(v) == bool(full.counts or out != v)
        raw = json.dumps(v, ensure_ascii=False).encode()
        red, counts = redact_record(raw, floor=TEXT_FLOOR)
        assert (red is raw) == (not counts)
    check()


def test_redacting_the_submission_before_its_envelope_is_built_gives_what_the_log_redacted():
    """The intake redacts the parsed submission (``redact_value``) and the log writes the envelope
    as is (issue 18); the result is the same JSON as when the log parsed and redacted the whole
    envelope (``redact_record``), for any answers and context."""
    from hypothesis import given, settings as hsettings, strategies as st

    from collector.intake import encode_envelope
    from privacy import redact_value

    when = datetime(2026, 11, 20, tzinfo=timezone.utc)
    keys = st.sampled_from(["satisfaction", "comment", "went_well", "x" * 40, "page", "mario.rossi@example.it"])

    @hsettings(max_examples=200, deadline=None)
    @given(st.dictionaries(keys, _json_values(), max_size=5), st.dictionaries(keys, st.sampled_from(_PIECES), max_size=3))
    def check(answers, context):
        sub = {"submission_id": uuid.uuid4(), "service": "demo-roma-anagrafe", "questionnaire": "cx-core",
               "version": 1, "lang": "it", "channel": "web", "answers": answers, "context": context}
        before, _ = redact_record(encode_envelope(make_envelope(sub, collector="c", device="mobile", received_at=when)),
                                  floor=TEXT_FLOOR)
        redacted, _ = redact_value(sub, floor=TEXT_FLOOR)
        after = encode_envelope(make_envelope(redacted, collector="c", device="mobile", received_at=when))
        assert json.loads(after) == json.loads(before)
    check()


def test_the_log_written_by_the_intake_holds_placeholders_not_the_personal_data(client, settings):
    body = submission(comment=f"Mi chiamo Mario Rossi, CF {CF}, scrivete a mario.rossi@example.it")
    body["context"]["page"] = "/pratiche?email=mario.rossi%40example.it"
    assert client.post("/v1/submissions", json=body, headers=WIDGET).status_code == 202
    logged = b"".join(p.read_bytes() for p in settings.spool_dir.glob("*.spool"))
    assert CF.encode() not in logged and b"mario.rossi" not in logged and b"Mario Rossi" not in logged
    assert b"[CF]" in logged and b"[EMAIL]" in logged


def test_the_walks_cache_of_short_strings_answers_as_the_redaction_and_stays_bounded(monkeypatch):
    """``finds`` looks short strings up in the redaction's own cache (issue 18): a second look (from
    the cache) answers as the first, ids and timestamps never enter it, and it is emptied when full."""
    from privacy import records, text

    text.SHORT_CACHE.clear()
    monkeypatch.setattr(text, "SHORT_CACHE_MAX", 4)
    sid = str(uuid.uuid4())
    values = ["cx-core", "mario.rossi@example.it", "/certificati", "tel 3331234567", "ok", sid,
              "2026-11-20T10:00:00Z", 333123456789]
    for _ in range(2):
        for v in values:
            assert records._Redactor(TEXT_FLOOR).finds(v) == (redact_value(v, floor=TEXT_FLOOR)[0] != v)
            assert len(text.SHORT_CACHE) <= 4
    assert sid not in text.SHORT_CACHE and "2026-11-20T10:00:00Z" not in text.SHORT_CACHE


def test_a_long_string_is_redacted_once_by_the_walk_and_the_copy_together(monkeypatch):
    """``finds`` keeps the redactions of the long strings it looked at and ``value`` reuses them
    (issue 18: a comment naming a person cost two full redactions, ~180 µs each); the result and
    the counts are those of redacting each string afresh."""
    from privacy import records

    clean = "Il servizio è stato lento ma alla fine ho ottenuto il certificato che mi serviva, grazie."
    personal = "Mi chiamo Mario Rossi, scrivetemi a mario.rossi@example.it per il certificato di residenza."
    sub = {"answers": {"a": clean, "b": personal, "c": personal}, "context": {"page": "/certificati"}}
    expected = {k: records.redact(v)[0] for k, v in sub["answers"].items()}
    calls = []
    real = records.redact
    monkeypatch.setattr(records, "redact", lambda s: calls.append(s) or real(s))
    out, counts = redact_value(sub, floor=TEXT_FLOOR)
    assert out["answers"] == expected and out["context"] == sub["context"]
    assert counts == real(personal)[1] + real(personal)[1]
    assert sorted(c for c in calls if len(c) > records.SHORT_TEXT) == sorted([clean, personal])
