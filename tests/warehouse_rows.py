"""Helpers that write ``responses`` files in the processor's real layout and schema (no tests here)."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dataset.schema import RESPONSES_SCHEMA

_count = [0]
#: The record keys' secret of test data dirs: fixed, so that perturbed figures are the same on every run.
TEST_SECRET = "test-key-4f9a1c2e7b3d5a60c8e1d2f3a4b5"


def fixed_secret(data_dir: Path) -> None:
    """Give ``data_dir`` the fixed :data:`TEST_SECRET` (as the local stack keeps its random one)."""
    path = Path(data_dir) / "ckm-secret"
    if not path.exists():
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        path.write_text(TEST_SECRET, "ascii")


def response(*, period="2026-10", day=15, pa_type="L6", service_type="anagrafe.certificati", entity="c_h501",
             service=None, region="ITI4", channel="web", questionnaire="cx-core", version=1, lang="it",
             satisfaction=None, ease=None, clarity=None, went_well=(), went_wrong=(), comment=None, **answers):
    """One canonical row; ratings given on 1–5 are stored like the processor would."""
    def score(v):
        return None if v is None else (v - 1) * 25.0

    raw = dict(answers)
    for name, v in (("satisfaction", satisfaction), ("ease", ease), ("clarity", clarity)):
        if v is not None and questionnaire == "cx-core":
            raw[name] = v
    if questionnaire in ("di-rating-servizio", "di-rating-pagina") and (ease or clarity) is not None:
        raw["stars"] = ease or clarity
    if went_well:
        raw["went_well"] = list(went_well)
    if comment:
        raw["comment"] = comment
    row = {
        "period": period, "pa_type": pa_type,
        "submission_id": str(uuid.uuid4()),
        "received_at": datetime(int(period[:4]), int(period[5:]), day, 10, tzinfo=timezone.utc),
        "service": service or f"svc-{entity}-{service_type}", "entity": entity, "service_type": service_type,
        "region": region, "channel": channel, "device": "desktop", "lang": lang,
        "questionnaire": questionnaire, "version": version,
        "went_well": list(went_well), "went_wrong": list(went_wrong), "comment": comment,
        "answers": [(k, json.dumps(v)) for k, v in sorted(raw.items())],
    }
    for name in ("satisfaction", "ease", "clarity", "speed", "trust", "task_completed"):
        v = {"satisfaction": satisfaction, "ease": ease, "clarity": clarity}.get(name)
        row[name] = score(v)
        row[f"{name}_raw"] = None if v is None else str(v)
        row[f"{name}_scale"] = None if v is None else "1-5"
    return row


_ids: dict[str, int] = {}


def write(data_dir: Path, rows: list[dict]) -> list[Path]:
    """Write ``rows`` as one new part file per (period, pa_type), like one processor batch.

    Submission ids are replaced by ones derived from the data dir's name and a running number, so
    that record keys — and the perturbed figures — are the same on every run of a test."""
    fixed_secret(data_dir)
    where = str(Path(data_dir).resolve())
    parts: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        i = _ids.get(where, 0)
        _ids[where] = i + 1
        r = {**r, "submission_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"ascolto-test/{Path(where).name}/{i}"))}
        parts.setdefault((r["period"], r["pa_type"]), []).append(r)
    paths = []
    for (period, pa_type), rs in sorted(parts.items()):
        d = Path(data_dir) / "responses" / f"period={period}" / f"pa_type={pa_type}"
        d.mkdir(parents=True, exist_ok=True)
        _count[0] += 1
        table = pa.Table.from_pylist([{k: v for k, v in r.items() if k not in ("period", "pa_type")} for r in rs],
                                     schema=RESPONSES_SCHEMA)
        path = d / f"part-000-{_count[0]:012d}-{_count[0]:012d}-{uuid.uuid4().hex[:8]}.parquet"
        pq.write_table(table, path)
        paths.append(path)
    return paths


def speed_driven(rng, n: int, *, service: str, entity: str, period: str = "2026-10") -> list[dict]:
    """``n`` complete cx-core answers of one service in ``period`` whose satisfaction follows speed
    (a planted key driver), the other aspects at random."""
    import numpy as np

    rows = []
    for _ in range(n):
        aspects = {a: float(rng.integers(0, 5) * 25) for a in ("ease", "clarity", "speed", "trust")}
        r = response(period=period, day=int(rng.integers(1, 28)), service=service, entity=entity,
                     satisfaction=1, ease=1, clarity=1)
        r.update(aspects, task_completed=float(rng.choice([0.0, 50.0, 100.0])))
        r["satisfaction"] = float(np.clip(aspects["speed"] + rng.choice([-25.0, 0.0, 0.0, 25.0]), 0, 100))
        rows.append(r)
    return rows


def face_row(period: str, face: str, value: float) -> dict:
    """One "Mettiamoci la faccia" answer at Roma Capitale's front office in ``period``: the face and its
    0-100 score."""
    row = response(period=period, day=2, entity="c_h501", service="roma-front_office",
                   service_type="sportello.urp", channel="front_office", questionnaire="faccia")
    row.update(satisfaction=value, satisfaction_raw=face, satisfaction_scale=None, answers=[("face", f'"{face}"')])
    return row
