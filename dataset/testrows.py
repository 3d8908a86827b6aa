"""Check-up answers ("test submissions"): stored apart from the statistics, never counted (issue 19).

A service in test mode (``ascolto registry test-mode KEY on``), or the widget's ``data-test`` on a
page of one of the service's allowed origins, makes the collector mark an answer as a check-up (the
envelope's ``"test": true``). The processor writes those rows here and never into ``responses`` or
``answers``::

    $DATA/test/date=YYYY-MM-DD/part-PPP-FIRST-LAST-DIGEST.parquet   the responses' columns, no record key

``date`` is the day of ``received_at`` in Europe/Rome. Nothing that computes a figure reads this
directory — the rollup, the ``responses`` view, the exports, the microdata and the key drivers read
``responses`` only — so a check-up is never counted, gets no record key, and never perturbs nor
suppresses a cell. It is read by :func:`recent` (the web manager's "did my check-up arrive?":
``ascolto registry test-submissions KEY`` and the console's workspace), deduplicated together with
the responses (:func:`dataset.files.submission_ids`), swept like them after a crash, and deleted
by ``ascolto purge`` for the days before its date.
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

#: What :func:`recent` returns of each check-up (the answers as the processor stored them: text redacted).
LISTED = ("submission_id", "received_at", "service", "entity", "channel", "device", "lang", "questionnaire",
          "version", "page", "answers")


def root(data_dir: Path) -> Path:
    return Path(data_dir) / layout.TEST


def write(data_dir: Path, tables: dict[str, pa.Table], partition: int, first: int, last: int) -> list[Path]:
    """Write ``{day: table}`` (responses' columns) of one batch of Kafka ``partition`` (offsets
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


def recent(data_dir: Path, *, service: str | None = None, services: list[str] | None = None,
           limit: int = 20) -> list[dict[str, Any]]:
    """The latest ``limit`` check-ups (newest first) of ``service`` (or of any of ``services``; of every
    service when both are None), each a dict of :data:`LISTED` with ``answers`` as a dict."""
    from .files import read_listed

    keys = [service] if service is not None else services

    def read(files: list[Path]) -> pa.Table:
        if not files or keys == []:
            return RESPONSES_SCHEMA.empty_table().select(list(LISTED))
        data = ds.dataset([str(f) for f in files], format="parquet", schema=RESPONSES_SCHEMA)
        flt = None if keys is None else pc.field("service").isin(keys)
        return data.to_table(columns=list(LISTED), filter=flt)

    table = read_listed(data_dir, root(data_dir), read)
    if table.num_rows > limit:
        table = table.take(pc.select_k_unstable(table, limit, [("received_at", "descending")]))
    rows = table.sort_by([("received_at", "descending"), ("submission_id", "ascending")]).to_pylist()
    for r in rows:
        r["answers"] = dict(r["answers"] or [])
    return rows
