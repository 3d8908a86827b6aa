"""The processor's side of the dataset: row batches (from :class:`processor.steps.Work`) into Arrow tables.

Where and how they are written — layout, file names, lock, atomic writes, the order answers
before responses, the crash sweep — is the dataset contract, :mod:`dataset.files`; this module only
builds the tables, column-wise.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any, Collection

import numpy as np
import pyarrow as pa

from dataset import files, layout, testrows
from dataset.funnel import write_funnel
from dataset.schema import ANSWERS_SCHEMA, RESPONSES_SCHEMA
from questionnaires.periods import day_of



def _groups(rows: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict]]:
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        groups[(row["period"], row["pa_type"])].append(row)
    return groups


class ParquetSink:
    """Writes batches of one Kafka partition into ``responses`` and ``answers`` under ``data_dir``."""

    def __init__(self, data_dir: Path, keyer=None):
        """``keyer``: ``submission_ids -> record keys`` (:func:`dataset.recordkey.keyer`) filling ``record_key``."""
        self.data_dir = Path(data_dir)
        self.keyer = keyer
        self.root = self.data_dir / layout.RESPONSES
        self.answers_root = self.data_dir / layout.ANSWERS

    def _responses(self, group: list[dict]) -> pa.Table:
        """The responses table of ``group``, with its record keys when this sink has a keyer."""
        responses = pa.Table.from_pylist(group, schema=RESPONSES_SCHEMA)
        if self.keyer is None:
            return responses
        i = RESPONSES_SCHEMA.get_field_index("record_key")
        keys = self.keyer(responses.column("submission_id").to_pylist())
        return responses.set_column(i, RESPONSES_SCHEMA.field(i), pa.array(keys, pa.float64()))

    def write(self, rows: list[dict[str, Any]], answer_rows: list[dict[str, Any]], partition: int, first: int,
              last: int) -> list[Path]:
        """Write ``rows`` and their ``answer_rows`` (from Kafka ``partition``, offsets ``first``..``last``) durably."""
        answers: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for row in answer_rows:
            answers[(row["period"], row["pa_type"])].append(row)
        return files.write_rows(self.data_dir, {
            key: (self._responses(group),
                  pa.Table.from_pylist(answers[key], schema=ANSWERS_SCHEMA))
            for key, group in _groups(rows).items()}, partition, first, last)

    def write_works(self, works: list, partition: int, first: int, last: int) -> list[Path]:
        """:meth:`write` for processed envelopes (:class:`processor.steps.Work`), the tables built column-wise:
        the answers' per-submission columns are the responses' columns repeated (Arrow ``take``)."""
        by_row = {id(w.row): w.answer_items for w in works}

        def tables(group: list[dict]) -> tuple[pa.Table, pa.Table]:
            responses = self._responses(group)
            items = [by_row[id(r)] for r in group]
            flat = [t for ts in items for t in ts]
            index = pa.array(np.repeat(np.arange(len(group), dtype=np.int64), [len(ts) for ts in items]))
            cols = list(zip(*flat)) if flat else [()] * 5
            own = dict(zip(("item", "item_type", "value", "indicator", "score"), cols))
            answers = pa.Table.from_arrays(
                [responses.column(f.name).take(index) if f.name not in own else pa.array(own[f.name], f.type)
                 for f in ANSWERS_SCHEMA], schema=ANSWERS_SCHEMA)
            return responses, answers
        groups = _groups([w.row for w in works])
        return files.write_rows(self.data_dir, {k: tables(g) for k, g in groups.items()}, partition, first, last)

    def write_tests(self, works: list, partition: int, first: int, last: int) -> list[Path]:
        """Check-up answers (:attr:`processor.steps.Work.test`) into ``test/`` (:mod:`dataset.testrows`),
        one file per day: the responses' columns without a record key, ``test_snippet`` (the page asked
        for the check-up: the envelope's ``test_snippet``), and no ``answers`` rows."""
        days: dict[str, list[dict]] = defaultdict(list)
        for w in works:
            days[day_of(w.row["received_at"])].append(dict(w.row, test_snippet=bool(w.env.get("test_snippet"))))
        return testrows.write(self.data_dir, {day: pa.Table.from_pylist(rows, schema=testrows.TEST_SCHEMA)
                                              for day, rows in days.items()}, partition, first, last)

    def write_funnel(self, rows: list[dict[str, Any]], partition: int, first: int, last: int) -> list[Path]:
        """The ``funnel`` rows of a batch (:mod:`dataset.funnel`), with their record keys (of ``report_id``)."""
        if self.keyer is not None:
            for row, key in zip(rows, self.keyer([r["report_id"] for r in rows])):
                row["record_key"] = key
        return write_funnel(self.data_dir, rows, partition, first, last)

    def submission_ids(self, partition: int | None = None, services: Collection[str] = ()) -> list[str]:
        """The ``submission_id``s already stored, in ``responses`` or ``test/`` (of one Kafka partition, or all;
        with ``partition``, also those of ``services`` from any partition: :func:`dataset.files.submission_ids`)."""
        return files.submission_ids(self.data_dir, partition, services)

    def services(self) -> set[str]:
        """The services of the rows stored (:func:`dataset.files.stored_services`)."""
        return files.stored_services(self.data_dir)

    def sweep(self, partition: int) -> int:
        """:func:`dataset.files.sweep` (leftovers of a crash for ``partition``)."""
        return files.sweep(self.data_dir, partition)
