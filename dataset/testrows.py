"""Check-up answers ("test submissions"): stored apart from the statistics, never counted (issue 19).

A service in test mode (``ascolto registry test-mode KEY on``), or the widget's ``data-test`` on a
page of one of the service's allowed origins, makes the collector mark an answer as a check-up (the
envelope's ``"test": true``). The processor writes those rows here and never into ``responses`` or
``answers``::

    $DATA/test/date=YYYY-MM-DD/part-PPP-FIRST-LAST-DIGEST.parquet   the responses' columns, no record key,
                                                                   and test_snippet (:data:`TEST_SCHEMA`)

``date`` is the day of ``received_at`` in Europe/Rome. Nothing that computes a figure reads this
directory — the rollup, the ``responses`` view, the exports, the microdata and the key drivers read
``responses`` only — so a check-up is never counted, gets no record key, and never perturbs nor
suppresses a cell. It is read by :func:`recent` (the web manager's "did my check-up arrive?":
``ascolto registry test-submissions KEY`` and the console's workspace), deduplicated together with
the responses (:func:`dataset.files.submission_ids`), swept like them after a crash, and deleted
by ``ascolto purge`` for the days before its date.

Two kinds of check-up, told apart by ``test_snippet``: the page asked for it (the widget's
``data-test``: the web manager's own test, whose answers :func:`checkups` lists so she recognises
hers), or the service was in test mode (any answer — a real citizen's too, if the mode was left on
by mistake — so :func:`checkups` only says how many arrived, by day and page, never the answers).
A file written before ``test_snippet`` existed reads it as null: a test-mode check-up.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from . import layout
from .durable import dataset_lock
from .schema import RESPONSES_SCHEMA

#: The columns of a check-up file: the responses' and whether the page asked for it (``data-test``).
TEST_SCHEMA = RESPONSES_SCHEMA.append(pa.field("test_snippet", pa.bool_()))

#: What :func:`recent` returns of each check-up (the answers as the processor stored them: text redacted).
LISTED = ("submission_id", "received_at", "service", "entity", "channel", "device", "lang", "questionnaire",
          "version", "page", "answers", "test_snippet")


def root(data_dir: Path) -> Path:
    return Path(data_dir) / layout.TEST


def write(data_dir: Path, tables: dict[str, pa.Table], partition: int, first: int, last: int) -> list[Path]:
    """Write ``{day: table}`` (:data:`TEST_SCHEMA`) of one batch of Kafka ``partition`` (offsets
    ``first``..``last``) durably under the shared dataset lock; idempotent for the same rows."""
    from .files import write_parquet

    written = []
    with dataset_lock(data_dir):
        for day, table in sorted(tables.items()):
            directory = root(data_dir) / layout.date_dir(day)
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / layout.part_name(partition, first, last, table.column("submission_id").to_pylist())
            write_parquet(path, table)
            written.append(path)
    return written


def _read(data_dir: Path, keys: list[str] | None, columns: list[str], snippet: bool | None) -> pa.Table:
    """``columns`` of the check-ups of ``keys`` (every service when None); only those the page asked for
    (``snippet`` True), only the others (False: the test mode's, a null ``test_snippet`` included) or all."""
    from .files import read_listed

    def read(files: list[Path]) -> pa.Table:
        if not files or keys == []:
            return TEST_SCHEMA.empty_table().select(columns)
        data = ds.dataset([str(f) for f in files], format="parquet", schema=TEST_SCHEMA)
        flt = None if keys is None else pc.field("service").isin(keys)
        if snippet is not None:
            flag = pc.field("test_snippet")
            kind = (flag == True) if snippet else (flag.is_null() | (flag == False))  # noqa: E712 (expressions)
            flt = kind if flt is None else flt & kind
        return data.to_table(columns=columns, filter=flt)

    return read_listed(data_dir, root(data_dir), read)


def recent(data_dir: Path, *, service: str | None = None, services: list[str] | None = None,
           limit: int = 20, snippet: bool | None = None) -> list[dict[str, Any]]:
    """The latest ``limit`` check-ups (newest first) of ``service`` (or of any of ``services``; of every
    service when both are None), each a dict of :data:`LISTED` with ``answers`` as a dict and
    ``test_snippet`` a bool (False for a file written before the column). ``snippet``: True for only
    the check-ups a page asked for, False for only the test mode's, None for both. Every answer: for the
    entity's staff use :func:`checkups`."""
    keys = [service] if service is not None else services
    table = _read(data_dir, keys, list(LISTED), snippet)
    if table.num_rows > limit:
        table = table.take(pc.select_k_unstable(table, limit, [("received_at", "descending")]))
    rows = table.sort_by([("received_at", "descending"), ("submission_id", "ascending")]).to_pylist()
    for r in rows:
        r["answers"] = dict(r["answers"] or [])
        r["test_snippet"] = bool(r["test_snippet"])
    return rows


def checkups(data_dir: Path, service: str, *, limit: int = 10) -> dict[str, list[dict[str, Any]]]:
    """What the web manager of ``service`` may see of its check-ups (the check page, the CLI):

    - ``listed``: the latest ``limit`` check-ups the page asked for (``data-test``), newest first,
      each a dict of :data:`LISTED` — her own tests, answers included, so she recognises hers;
    - ``arrived``: the check-ups of the test mode, never their answers, time or id: ``{"day": "YYYY-MM-DD"
      (Europe/Rome), "page": path or None, "count": n}``, newest day first, at most ``limit`` rows.
      A service left in test mode by mistake takes real citizens' answers as check-ups: their staff
      must not read them, nor the exact count (the caller bands it, as the check page's origins).
    """
    from collections import Counter

    from questionnaires.periods import day_of

    listed = recent(data_dir, service=service, limit=limit, snippet=True)
    mode = _read(data_dir, [service], ["received_at", "page"], False).to_pylist()
    counts = Counter((day_of(r["received_at"]), r["page"]) for r in mode)
    arrived = [{"day": day, "page": page, "count": n}
               for (day, page), n in sorted(counts.items(), key=lambda x: (x[0][0], x[0][1] or ""), reverse=True)]
    return {"listed": listed, "arrived": arrived[:limit]}
