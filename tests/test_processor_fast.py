"""The processor's hot-path shortcuts give exactly what the plain code gives."""
from __future__ import annotations

import json
import random
from collections import namedtuple

import pyarrow.parquet as pq
from hypothesis import given, settings, strategies as st

from dataset.schema import ANSWERS_SCHEMA
from processor.sink import ParquetSink
from processor.steps import _json, transform
from registry import connect
from registry.readmodel import ServiceDirectory
from registry.demo import seed

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                    max_leaves=8)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(JSON)
def test_json_shortcut_is_json_dumps(value):
    assert _json(value) == json.dumps(value, ensure_ascii=False)


Rec = namedtuple("Rec", "topic partition offset key value")


def test_column_wise_tables_equal_the_row_wise_ones(tmp_path):
    from bench.processor import generate

    url = f"sqlite:///{tmp_path / 'registry.db'}"
    seed(connect(url), ["http://localhost"])
    enricher = ServiceDirectory(connect(url, create=False))
    records = [Rec("t", 0, i, k, v) for i, (k, v, _) in enumerate(generate(300, random.Random(3)))]
    works = list({w.submission_id: w for w in transform(records, enricher).accepted}.values())
    fast, plain = ParquetSink(tmp_path / "fast"), ParquetSink(tmp_path / "plain")
    a = fast.write_works(works, 0, 0, len(records))
    b = plain.write([w.row for w in works], [r for w in works for r in w.answer_rows], 0, 0, len(records))
    assert [p.relative_to(fast.root) for p in a] == [p.relative_to(plain.root) for p in b] and len(a) > 1
    for path in a:
        rel = path.relative_to(fast.root)
        for root_a, root_b in ((fast.root, plain.root), (fast.answers_root, plain.answers_root)):
            ta, tb = pq.read_table(root_a / rel), pq.read_table(root_b / rel)
            assert ta.schema == tb.schema and ta.equals(tb) and ta.num_rows > 0
    answers = pq.read_table(fast.answers_root / a[0].relative_to(fast.root))
    assert answers.schema == ANSWERS_SCHEMA
