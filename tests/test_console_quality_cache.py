"""The quality page reads the responses' files and the dead letters once per data version: a second
visit reuses what the first read (the page took seconds rescanning every small Parquet file), and a
new response file or a new dead letter is shown at the next visit (docs/performance.md, "The
console's quality page")."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from processor.failed import FAILED_SCHEMA
from tests.console_data import EXPECTED_FAILED, build
from tests.warehouse_rows import response, write
from warehouse.console import create_app, data_quality


@pytest.fixture
def console(tmp_path, monkeypatch):
    """A monitoring client, the data dir, and the number of times the page read the data."""
    settings, tokens = build(tmp_path)
    reads = []
    real = data_quality._facts
    monkeypatch.setattr(data_quality, "_facts", lambda *a: reads.append(1) or real(*a))
    c = create_app(settings).test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
    return c, tmp_path, reads


def _kpi(html: str, name: str) -> str:
    return re.search(rf'data-kpi="{name}">([^<]*)<', html).group(1)


def test_a_second_visit_reuses_the_scan(console):
    c, _root, reads = console
    first = c.get("/quality").get_data(as_text=True)
    again = c.get("/quality?lang=en").get_data(as_text=True)  # another language: the same facts
    assert len(reads) == 1
    assert _kpi(first, "failed") == _kpi(again, "failed") == str(sum(EXPECTED_FAILED.values()))
    assert c.get("/csv/quality/failed").status_code == 200 and len(reads) == 1  # its tables too


def test_new_responses_and_new_dead_letters_are_read_at_the_next_visit(console):
    c, root, reads = console
    before = c.get("/quality").get_data(as_text=True)
    bot = response(period="2026-10", day=27, service="demo-roma-anagrafe", satisfaction=5)
    write(root, [{**bot, "device": "bot"}])  # a new response file: a new rollup version
    after = c.get("/quality").get_data(as_text=True)
    assert len(reads) == 2 and int(_kpi(after, "automated")) == int(_kpi(before, "automated")) + 1
    now = datetime(2026, 10, 27, 9, tzinfo=timezone.utc)
    (root / "failed" / "date=2026-10-27").mkdir()
    pq.write_table(pa.Table.from_pylist([{"failure_id": "new", "reason": "undecodable", "detail": "t", "topic": "t",
                                          "partition": 0, "offset": 9, "envelope_index": 0, "key": b"k",
                                          "value": b"{}", "failed_at": now, "processor": "t"}], schema=FAILED_SCHEMA),
                   root / "failed" / "date=2026-10-27" / "failed-000-000000000009-000000000009-abcd.parquet")
    latest = c.get("/quality").get_data(as_text=True)
    assert len(reads) == 3 and int(_kpi(latest, "failed")) == int(_kpi(after, "failed")) + 1


def test_a_changed_dataset_is_read_file_by_file(tmp_path):
    """Between visits only the response files new since are read; a file gone (compacted, purged) is
    forgotten — the counts are those of the files there now."""
    build(tmp_path)
    per_file: dict = {}
    first = data_quality.responses_by_service(tmp_path, per_file)
    kept = dict(per_file)
    [new] = write(tmp_path, [{**response(period="2026-10", day=27, service="demo-inps-pensione", satisfaction=2),
                              "device": "bot"}])
    second = data_quality.responses_by_service(tmp_path, per_file)
    assert len(per_file) == len(kept) + 1 and all(per_file[k] is kept[k] for k in kept)  # the others not reread
    assert second["demo-inps-pensione"][0] == first["demo-inps-pensione"][0] + 1
    new.unlink()
    assert data_quality.responses_by_service(tmp_path, per_file) == first and per_file.keys() == kept.keys()
