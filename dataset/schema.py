"""The Arrow schemas of the row datasets (DESIGN §6).

- ``responses``: one row per submission; canonical indicators as columns (0–100, raw value and
  scale kept), ``module_scores`` (module indicators ``MODULE-ID:name`` → 0–100), the answers as a
  map of item code to JSON (free text redacted).
- ``answers``: the long form, one row per (submission, item, value): a ``multi`` answer gives one
  row per chosen option; ``indicator``/``score`` name the indicator the item feeds and its 0–100
  value when it has one.

The typed dead letters (``failed``) have their schema beside their writer, :mod:`processor.failed`.
"""
from __future__ import annotations

import pyarrow as pa

from questionnaires.harmonize import CATEGORY_INDICATORS, SCORE_INDICATORS

_score_fields = []
for _name in SCORE_INDICATORS:
    _score_fields += [pa.field(_name, pa.float64()), pa.field(f"{_name}_raw", pa.string()),
                      pa.field(f"{_name}_scale", pa.string())]

#: Columns of a ``responses`` file; ``period`` and ``pa_type`` are hive partition directories.
RESPONSES_SCHEMA = pa.schema([
    pa.field("submission_id", pa.string(), nullable=False),
    pa.field("received_at", pa.timestamp("ms", tz="UTC")),
    pa.field("service", pa.string()),
    pa.field("entity", pa.string()),
    pa.field("service_type", pa.string()),
    pa.field("region", pa.string()),
    pa.field("channel", pa.string()),
    pa.field("device", pa.string()),
    pa.field("lang", pa.string()),
    pa.field("questionnaire", pa.string()),
    pa.field("version", pa.int32()),
    *_score_fields,
    *[pa.field(n, pa.list_(pa.string())) for n in CATEGORY_INDICATORS],
    pa.field("module_scores", pa.map_(pa.string(), pa.float64())),
    pa.field("comment", pa.string()),
    pa.field("answers", pa.map_(pa.string(), pa.string())),
    pa.field("page", pa.string()),
    pa.field("kafka_partition", pa.int32()),
    pa.field("kafka_offset", pa.int64()),
    pa.field("record_key", pa.float64()),  # the cell-key method's record key (dataset.recordkey)
])

#: Columns of an ``answers`` file (same hive directories and file names as ``responses``).
ANSWERS_SCHEMA = pa.schema([
    pa.field("submission_id", pa.string(), nullable=False),
    pa.field("service", pa.string()),
    pa.field("service_type", pa.string()),
    pa.field("questionnaire", pa.string()),
    pa.field("version", pa.int32()),
    pa.field("item", pa.string(), nullable=False),
    pa.field("item_type", pa.string()),
    pa.field("value", pa.string()),
    pa.field("indicator", pa.string()),
    pa.field("score", pa.float64()),
    pa.field("kafka_partition", pa.int32()),
    pa.field("kafka_offset", pa.int64()),
])
