"""A seeded dataset for the console tests (no tests here): the demo registry, tokens of every role,
responses in the processor's layout and schema, and typed dead letters in ``failed/``."""
from __future__ import annotations

import random
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from settings import Settings
from processor.failed import FAILED_SCHEMA
from registry import connect, session_scope
from registry.demo import seed
from registry.tokens import create_token
from tests.warehouse_rows import response, write

# entity, region (NUTS-2), PA type, service type, service key, responses per month, mean rating
UNITS = [
    ("c_h501", "ITI4", "L6", "anagrafe.certificati", "demo-roma-anagrafe", 40, 4.2),
    ("c_f205", "ITC4", "L6", "anagrafe.certificati", "demo-milano-anagrafe", 25, 3.4),
    ("c_a944", "ITH5", "L6", "anagrafe.certificati", "svc-bologna-anagrafe", 12, 3.9),
    ("c_l219", "ITC1", "L6", "anagrafe.certificati", "svc-torino-anagrafe", 1, 2.0),  # suppressed
    ("c_f839", "ITF3", "L6", "anagrafe.certificati", "svc-napoli-anagrafe", 30, 3.7),  # five published units:
    ("c_g273", "ITG1", "L6", "anagrafe.certificati", "svc-palermo-anagrafe", 20, 3.2),  # a funnel is informative
    ("inps", "ITI4", "C16", "previdenza.domanda-prestazione", "demo-inps-pensione", 35, 3.1),
    ("inail", "ITI4", "C16", "previdenza.domanda-prestazione", "demo-inail-denuncia", 8, 3.6),
]
PERIODS = ["2026-08", "2026-09", "2026-10"]


def build(root: Path) -> tuple[Settings, dict[str, str]]:
    settings = Settings(data_dir=root, rollup_check_s=0.0)
    factory = connect(settings.database_url)
    seed(factory, ["https://www.comune.roma.it"])
    with session_scope(factory) as s:
        tokens = {role: create_token(s, role=role, label=f"test {role}", actor="test")[1]
                  for role in ("admin", "monitoring", "statistician")}
    rnd = random.Random(7)
    rows = []
    for period in PERIODS:
        for entity, region, pa_type, stype, key, n, mean in UNITS:
            if entity == "c_l219" and period != PERIODS[-1]:
                continue  # one response in all: suppressed everywhere
            for _ in range(n):
                sat = max(1, min(5, round(rnd.gauss(mean, 0.9))))
                rows.append(response(period=period, day=rnd.randint(1, 28), pa_type=pa_type, service_type=stype,
                                     entity=entity, service=key, region=region, satisfaction=sat,
                                     ease=max(1, min(5, sat + rnd.choice((-1, 0, 0, 1)))),
                                     went_well=["clarity"] if sat >= 4 else []))
    write(root, rows)
    failed = root / "failed" / "date=2026-10-20"
    failed.mkdir(parents=True)
    now = datetime(2026, 10, 20, 9, tzinfo=timezone.utc)
    pq.write_table(pa.Table.from_pylist([
        {"failure_id": f"f{i}", "reason": reason, "detail": "test", "topic": "t", "partition": 0, "offset": i,
         "envelope_index": 0, "key": b"k", "value": b"{}", "failed_at": now, "processor": "test"}
        for i, reason in enumerate(["unknown_service"] * 3 + ["invalid_answers"] * 2)], schema=FAILED_SCHEMA),
        failed / "failed-000-000000000000-000000000004-abcd.parquet")
    return settings, tokens


EXPECTED_FAILED = {"unknown_service": 3, "invalid_answers": 2}
