"""CPU per unit of work of the collector's and the processor's Python, in process (no gunicorn, no broker).

    python -m bench.inprocess collector [--requests 5000] [--sync] [--profile tottime]
    python -m bench.inprocess processor [--submissions 20000] [--profile tottime]
    python -m bench.inprocess redaction [--comments 300]

``collector``: both WSGI apps — the collector (``collector.app.create_app``, shipper external, so
its write-ahead log grows and nothing is produced) and the bare Flask handler of ``bench.collector``
— called directly with the same valid cx-core bodies as ``bench/submit.lua``; prints the CPU
(``time.process_time``) per request of each, alternated. ``fdatasync`` is replaced by a no-op
unless ``--sync``, so that the figure is the Python of the request path alone (the group commit
under gunicorn shares one sync among the requests of a group).

``processor``: the records of ``bench.processor`` (collector-like batches, duplicates, poison)
through :func:`processor.steps.decode` and each step of :data:`processor.steps.STEPS` in turn,
then the write side (:func:`processor.strategies.write_partition` into a temporary directory);
prints the CPU per envelope of each stage, with the cyclic GC frozen as the processor runs it.

``redaction``: the CPU of redacting one free-text comment (uncached) of 60, 150, 300 and 500 characters,
ordinary and with personal data in front (:func:`redaction`).

The figures docs/performance.md quotes for single steps come from here. Not run by pytest nor by
``make bench``; ``--profile KEY`` adds a cProfile of the measured loop sorted by KEY.
"""
from __future__ import annotations

import argparse
import collections
import cProfile
import gc
import io
import os
import pstats
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

_BODY = ('{"submission_id":"%s","service":"demo-roma-anagrafe","questionnaire":"cx-core","version":1,'
         '"lang":"it","channel":"web","answers":{"satisfaction":%d,"ease":4,"clarity":5,"speed":3,"trust":4,'
         '"task":"yes",%s"comment":"Servizio comodo, grazie"},"context":{"page":"/certificati"}}')


def _bodies(n: int, rng: random.Random) -> list[bytes]:
    out = []
    for _ in range(n):
        s = rng.randint(1, 5)
        extra = '"went_well":["clarity"],' if s > 3 else '"went_wrong":["speed"],'
        out.append((_BODY % (uuid.UUID(int=rng.getrandbits(128), version=4), s, extra)).encode())
    return out


def _environ(body: bytes) -> dict:
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/v1/submissions", "SERVER_NAME": "bench", "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr, "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json",
            "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) bench", "HTTP_ORIGIN": "http://localhost",
            "REMOTE_ADDR": "127.0.0.1"}


def _profiled(label: str, loop, key: str | None) -> None:
    if key:
        prof = cProfile.Profile()
        prof.runcall(loop)
        print(f"--- profile: {label}")
        pstats.Stats(prof).sort_stats(key).print_stats(30)


def collector(requests: int, sync: bool, profile: str | None) -> None:
    from deploy.broker import LocalBroker

    from .bare_app import create_app as bare_app
    from .common import bench_stack_env

    tmp = Path(tempfile.mkdtemp(prefix="ascolto-inprocess-"))
    with LocalBroker() as broker:  # the topics and the registry the collector checks at start-up
        env, _ = bench_stack_env(broker.bootstrap, tmp)
    os.environ.update(env, ASCOLTO_SHIPPER="external")
    os.environ.pop("ASCOLTO_FORM_SECRET", None)  # a random one kept in the data dir
    if not sync:
        os.fdatasync = lambda fd: None  # the Python of the request path only
    from collector.app import close_app, create_app

    apps = {"bare Flask handler": bare_app(), "collector": create_app()}
    statuses: collections.Counter = collections.Counter()

    def start_response(status, headers, exc_info=None):
        statuses[status] += 1

    def run(app, bodies) -> float:
        t = time.process_time()
        for body in bodies:
            for _ in app(_environ(body), start_response):
                pass
        return (time.process_time() - t) / len(bodies) * 1e6

    rng = random.Random(1)
    for app in apps.values():
        run(app, _bodies(300, rng))  # warm-up
    figures: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(3):
        for name, app in apps.items():
            figures[name].append(run(app, _bodies(requests, rng)))
    print(f"{requests} requests x 3 rounds, fsync {'on' if sync else 'off'}; statuses {dict(statuses)}")
    for name, values in figures.items():
        print(f"{name:20} {min(values):7.1f} – {max(values):.1f} µs CPU per request")
    bodies = _bodies(requests, rng)
    _profiled("collector", lambda: run(apps["collector"], bodies), profile)
    close_app(apps["collector"])


def processor(submissions: int, profile: str | None) -> None:
    from dataset.recordkey import keyer
    from processor import steps
    from processor.ids import IdIndex
    from processor.sink import ParquetSink
    from processor.strategies import write_partition
    from registry import connect
    from registry.demo import seed
    from registry.readmodel import ServiceDirectory

    from .processor import generate

    Rec = collections.namedtuple("Rec", "topic partition offset key value")
    tmp = Path(tempfile.mkdtemp(prefix="ascolto-inprocess-"))
    db = f"sqlite:///{tmp}/registry.db"
    seed(connect(db), ["http://localhost"])
    lookup = ServiceDirectory(connect(db, create=False), ttl_s=30)
    records = [Rec("bench", hash(k) % 6, i, k, v) for i, (k, v, _) in enumerate(generate(submissions, random.Random(1)))]
    gc.collect()
    gc.freeze()
    gc.disable()  # the processor collects between batches (processor.consumer)
    figures: dict[str, list[float]] = collections.defaultdict(list)
    for _ in range(3):
        t = time.process_time()
        works = []
        for r in records:
            try:
                works += steps.decode(r.topic, r.partition, r.offset, r.key, r.value)
            except steps.Rejected:
                pass
        figures["decode"].append(time.process_time() - t)
        alive = works
        for step in steps.STEPS:
            t, kept = time.process_time(), []
            for w in alive:
                try:
                    step(w, lookup)
                    kept.append(w)
                except steps.Rejected:
                    pass
            figures[step.__name__].append(time.process_time() - t)
            alive = kept
        t = time.process_time()
        out = steps.transform(records, lookup)
        figures["transform (all of the above)"].append(time.process_time() - t)
        by: dict[int, list] = collections.defaultdict(list)
        for w in out.accepted:
            by[w.source.partition].append(w)
        sink = ParquetSink(Path(tempfile.mkdtemp(dir=tmp)), keyer=keyer("bench-" * 8))
        t = time.process_time()
        for partition, ws in by.items():
            write_partition(sink, IdIndex(), ws, partition, 0, len(records))
        figures["write (dedup, tables, Parquet, fsync)"].append(time.process_time() - t)
        gc.collect()
    print(f"{len(works)} envelopes in {len(records)} records ({len(out.accepted)} accepted) x 3 rounds")
    for name, values in figures.items():
        print(f"{name:40} {min(values) / len(works) * 1e6:6.1f} µs CPU per envelope")
    _profiled("transform", lambda: steps.transform(records, lookup), profile)


#: ordinary sentences of a citizen's comment (no personal data): a comment of any length is cut from them
_SENTENCES = ("Ho chiamato tre volte, mi ha risposto sempre una persona diversa e nessuno sapeva niente della pratica.",
              "Il medico di famiglia non riesce a inviare il certificato, il portale va in errore da giorni.",
              "Le ragazze dello sportello sono sempre disponibili, complimenti per la pazienza con gli anziani.",
              "Grazie per il servizio, ma la pagina della domanda è lenta e a volte si blocca all'invio dei dati.",
              "Sono andato in ufficio il lunedì mattina e ho trovato una fila lunghissima, poi mi hanno detto di tornare.")


def redaction(comments: int) -> None:
    """The CPU of redacting one free-text comment (uncached, as a comment longer than
    :data:`privacy.text.SHORT_TEXT` is) by its length: the processor's and the collector's benches send short
    comments, which the cache serves."""
    from privacy.text import _redact_text

    rng = random.Random(1)
    text = " ".join(_SENTENCES * 6)
    personal = "Sono Giulia Zanchettin, tel. 333 1234567, abito in via Roma 12. "
    for length in (60, 150, 300, 500):
        for label, head in (("ordinary", ""), ("with personal data", personal)):
            batch = []
            for i in range(comments):
                start = rng.randrange(0, len(text) - length)
                batch.append((head + text[start:start + length])[:length] + f" {i}")
            best = min(_cpu(lambda: [_redact_text(c) for c in batch]) for _ in range(3))
            print(f"redact a comment of {length:3} characters, {label:18} {best / comments * 1e6:7.1f} µs CPU "
                  f"({best / comments / length * 1e8:5.1f} µs per 100 characters)")


def _cpu(fn) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="part", required=True)
    c = sub.add_parser("collector")
    c.add_argument("--requests", type=int, default=5000)
    c.add_argument("--sync", action="store_true", help="keep fdatasync (the CPU of one sync per request)")
    c.add_argument("--profile", metavar="KEY")
    p = sub.add_parser("processor")
    p.add_argument("--submissions", type=int, default=20000)
    p.add_argument("--profile", metavar="KEY")
    r = sub.add_parser("redaction")
    r.add_argument("--comments", type=int, default=300)
    args = ap.parse_args()
    if args.part == "collector":
        collector(args.requests, args.sync, args.profile)
    elif args.part == "redaction":
        redaction(args.comments)
    else:
        processor(args.submissions, args.profile)


if __name__ == "__main__":
    main()
