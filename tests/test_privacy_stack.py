"""Acceptance (issue 11): personal data planted through the running stack — the real collector app,
the real broker, the real processor — leaves no trace in any Parquet dataset (``responses``,
``answers``, ``failed``) nor in the DLQ topic, in any case or spacing."""
from __future__ import annotations

import json
import re
import uuid

import pyarrow.parquet as pq
from kafka import KafkaConsumer, KafkaProducer

from privacy import PLACEHOLDERS
from tests.conftest import ORIGIN, count_rows, submission, wait_for

#: (comment as a citizen writes it, the planted data in it)
COMMENTS = [
    ("Mi chiamo Giuseppe De Luca, il mio CF è rss mra 85t10 a562s", ["Giuseppe De Luca", "RSSMRA85T10A562S"]),
    ("scrivetemi a giulia.bianchi77(at)gmail(dot)com oppure al 333 12 34 567", ["giulia.bianchi77", "3331234567"]),
    ("rimborso su IT60  X054-2811-1010-0000-0123-456, pagato con 4111 1111 1111 1111",
     ["IT60X0542811101000000123456", "4111111111111111"]),
    ("P.IVA 01234560017, tessera sanitaria 80380000501234567890", ["01234560017", "80380000501234567890"]),
    ("patente MI1234567A, auto targata AB 123 CD", ["MI1234567A", "AB123CD"]),
    ("abito in via Garibaldi 12, il sig. Esposito mi ha aiutato", ["Garibaldi 12", "Esposito"]),
    ("Cordiali saluti,\nAnna Maria Di Stefano", ["Anna Maria Di Stefano"]),
    ("tel (06) 1234 5678 o +39 (0)6 8765 4321, mail luca.verdi42%40example.it",
     ["0612345678", "0687654321", "luca.verdi42"]),
    ("codice con un errore BNCGLI90A41H501X", ["BNCGLI90A41H501"]),
    ("la mia pratica INPS n. 2025/0048817 è ferma; Mein Name ist Hans Müller, nata il 12/03/1980",
     ["20250048817", "Müller", "12031980"]),
    ("dal mio IP 151.38.12.4 (o 2001:db8:85a3::8a2e:370:7334) il sito non si apre",
     ["151.38.12.4", "2001:db8:85a3::8a2e:370:7334"]),
    ("seguitemi su instagram.com/mariorossi78 o scrivete a @giulia.b_88", ["mariorossi78", "giulia.b_88"]),
    ("non entro: utente mrossi80 password Pippo123!, PIN INPS 7781QXZ", ["Pippo123", "7781QXZ"]),
]
PAGE = "/profilo/marta.neri31%40example.it"
#: a user name in a path segment: "[ID]" (privacy red team, round 4), for one of the submissions
ID_PAGE = "/utente/lbianchi85/pratiche"
#: rejected by the processor: an unknown service (valid JSON, escapes before the data) and a value
#: that is not JSON at all (truncated, with JSON escapes and a \u0040 for the "@").
REJECTED_PLANTED = ["VRDLGU70M01F205I", "paolo.gialli55", "3479876543"]


def _norm(text: str) -> str:
    """Lower case, letters and digits only: a planted datum is found whatever its spacing or case."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _unknown_service_record() -> bytes:
    sub = submission(comment="x")
    sub["service"] = "demo-servizio-sconosciuto"
    env = {"schema": "ascolto.submission/1", "received_at": "2026-11-20T10:00:00+00:00", "collector": "c",
           "device": "desktop", "submission": sub}
    raw = json.dumps(env).encode()
    return raw.replace(b'"comment": "x"', b'"comment": "riga\\nVRDLGU70M01F205I\\tpaolo.gialli55\\u0040example.it"')


def test_planted_personal_data_leaves_no_trace_in_parquet_or_the_dlq(client, settings, processor_factory):
    planted = [p for _, ps in COMMENTS for p in ps] + ["marta.neri31", "lbianchi85"] + REJECTED_PLANTED
    for i, (comment, _) in enumerate(COMMENTS):
        body = submission(comment=comment)
        body["context"]["page"] = PAGE if i else ID_PAGE
        r = client.post("/v1/submissions", json=body, headers={"Origin": ORIGIN})
        assert r.status_code == 202, r.get_json()
    producer = KafkaProducer(bootstrap_servers=settings.broker, acks="all")
    producer.send(settings.topic, key=b"demo-servizio-sconosciuto", value=_unknown_service_record()).get(10)
    producer.send(settings.topic, key=b"x", value=b'{"submission": {"answers": {"comment": "ciao\\n'
                  b'VRDLGU70M01F205I, paolo.gialli55\\u0040example.it, 347 987 6543').get(10)
    producer.close()

    p = processor_factory()
    wait_for(lambda: count_rows(settings.data_dir) == len(COMMENTS), message="rows")
    wait_for(lambda: sum(p.processor.stats.rejected.values()) == 2, message="dead letters")
    p.close()

    files = sorted(settings.data_dir.rglob("*.parquet"))
    assert {f.relative_to(settings.data_dir).parts[0] for f in files} == {"responses", "answers", "failed"}
    stores = {str(f.relative_to(settings.data_dir)): json.dumps(pq.read_table(f).to_pylist(), default=str,
                                                                  ensure_ascii=False) for f in files}
    consumer = KafkaConsumer(settings.dlq_topic, bootstrap_servers=settings.broker, auto_offset_reset="earliest",
                             consumer_timeout_ms=5000)
    dead = [r for _, r in zip(range(10), consumer)]
    consumer.close()
    assert len(dead) == 2
    for i, r in enumerate(dead):
        stores[f"dlq#{i}"] = " ".join(x.decode("utf-8", "replace") for x in
                                      [r.key or b"", r.value or b"", *(v for _, v in r.headers)])
    for name, text in stores.items():
        flat = _norm(text)
        found = [p for p in planted if _norm(p) in flat]
        assert found == [], f"{name} keeps {found}"
    # and the data are still there as typed placeholders (nothing was dropped wholesale)
    responses = " ".join(t for n, t in stores.items() if n.startswith("responses"))
    for kind in PLACEHOLDERS:
        assert f"[{kind}]" in responses, kind
    # the rejected envelope stays replayable: valid JSON, its submission id intact
    unknown = next(r for r in dead if r.key == b"demo-servizio-sconosciuto")
    doc = json.loads(unknown.value)
    assert uuid.UUID(doc["submission"]["submission_id"]) and "[CF]" in doc["submission"]["answers"]["comment"]


def test_planted_data_spooled_while_the_broker_is_away_is_redacted_on_disk_and_after_replay(
        settings, processor_factory):
    """The spool path: the collector cannot reach the broker and spools (202); its files hold no
    planted datum; another collector process replays them when the broker answers; the rows that
    the processor writes from them are redacted like any other."""
    from collector.app import close_app, create_app
    from deploy.broker import free_port

    planted = [p for _, ps in COMMENTS for p in ps] + ["marta.neri31"]
    away = create_app(settings.with_(broker=f"127.0.0.1:{free_port()}", produce_timeout_s=1.0))
    client = away.test_client()
    try:
        for comment, _ in COMMENTS:
            body = submission(comment=comment)
            body["context"]["page"] = PAGE
            r = client.post("/v1/submissions", json=body, headers={"Origin": ORIGIN})
            assert r.status_code == 202, r.get_json()
    finally:
        close_app(away)
    segments = list(settings.spool_dir.glob("*.spool"))
    assert segments
    spooled = _norm(" ".join(s.read_bytes().decode("utf-8") for s in segments))
    assert [p for p in planted if _norm(p) in spooled] == []

    back = create_app(settings)  # the broker answers: the orphaned segments are replayed
    try:
        p = processor_factory()
        wait_for(lambda: count_rows(settings.data_dir) == len(COMMENTS), timeout_s=60, message="replayed rows")
        wait_for(lambda: not list(settings.spool_dir.glob("*.spool")), message="spool emptied")
        p.close()
    finally:
        close_app(back)
    for f in sorted(settings.data_dir.rglob("*.parquet")):
        flat = _norm(json.dumps(pq.read_table(f).to_pylist(), default=str, ensure_ascii=False))
        assert [p for p in planted if _norm(p) in flat] == [], f
