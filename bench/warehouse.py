"""Warehouse benchmark (DESIGN §10): 10 million responses in the real layout, then timings.

    .venv/bin/python -m bench.warehouse [--responses 10000000] [--dir /tmp/ascolto-bench] [--keep]

Generates realistic responses (vectorised with numpy + pyarrow: 12 months, ~2,400 services of the
eight service types across entities of every PA type and 21 regions, cx-core / di-rating-servizio /
faccia mixes, entity effects) written as processor-like part files
(``responses/period=YYYY-MM/pa_type=XX/part-….parquet``), builds the rollup, and times:

- the national comparison (entities of one service type vs the benchmark, funnel + EB) — target < 0.5 s;
- the console API's main calls through the Flask test client (p50/p95) — target p95 < 100 ms; the
  comparison both from the API's per-version cache and computed afresh (cache emptied per request);
- an SDMX-CSV export of the annual publication table.

The comparison and the API are timed side by side with the protection (the cell-key method) on and
off (``Settings.ckm_enabled``), alternating rounds. Rows carry their record keys, as the processor
writes them.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from settings import Settings

SERVICE_TYPES = {  # code: (PA types, questionnaires, weight)
    "anagrafe.certificati": (["L6"], ["cx-core", "di-rating-servizio", "faccia"], 0.25),
    "tributi.pagamento": (["L6", "L5", "L4"], ["cx-core", "di-rating-servizio"], 0.15),
    "previdenza.domanda-prestazione": (["C16"], ["cx-core", "faccia"], 0.2),
    "sanita.prenotazione": (["L7", "L8", "L4"], ["cx-core", "di-rating-servizio"], 0.15),
    "regione.bandi": (["L4", "L5", "L6"], ["cx-core"], 0.05),
    "scuola.iscrizione": (["L33", "L6"], ["cx-core", "di-rating-servizio"], 0.08),
    "informazioni.pagina": (["L6", "L4", "L7"], ["di-rating-pagina"], 0.07),
    "sportello.urp": (["L6", "L4", "C16"], ["faccia"], 0.05),
}
REGIONS = ["ITC1", "ITC2", "ITC3", "ITC4", "ITH1", "ITH2", "ITH3", "ITH4", "ITH5", "ITI1", "ITI2", "ITI3", "ITI4",
           "ITF1", "ITF2", "ITF3", "ITF4", "ITF5", "ITF6", "ITG1", "ITG2"]
CATS = ["clarity", "completeness", "orientation", "technical", "speed", "other"]
SCORES = ["satisfaction", "ease", "clarity", "speed", "trust", "task_completed"]


def services(rng, total: int = 3000) -> list[dict]:
    """About ``total`` services over the eight types by their weights, two to an entity (about ``total / 2``
    entities)."""
    out = []
    for st, (pas, qs, w) in SERVICE_TYPES.items():
        for i in range(max(1, int(total * w))):
            pa_type = pas[i % len(pas)]
            region = REGIONS[rng.integers(len(REGIONS))]
            out.append({"service": f"{st}-{i}", "entity": f"e-{pa_type}-{st.split('.')[0]}-{i // 2}",
                        "service_type": st, "pa_type": pa_type, "region": region,
                        "questionnaire": qs[i % len(qs)], "effect": rng.normal(0, 0.35),
                        "channel": "front_office" if qs[i % len(qs)] == "faccia" else "web"})
    return out


def month_range(count: int, last: str = "2025-12") -> list[str]:
    """The ``count`` calendar months ending with ``last`` (``YYYY-MM``), oldest first."""
    y, m = map(int, last.split("-"))
    end = y * 12 + m - 1
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(end - count + 1, end + 1)]


def generate(root: Path, n: int, seed: int = 7, months: int = 12, n_services: int = 3000) -> float:
    """``n`` responses spread evenly over the ``months`` months ending 2025-12 (12: the year 2025; 36: three
    years, twelve quarters) across about ``n_services`` services (:func:`services`). Returns the seconds taken."""
    from dataset.recordkey import keyer, local_secret

    keys_of = keyer(local_secret(root))
    rng = np.random.default_rng(seed)
    svc = services(rng, n_services)
    weights = rng.pareto(1.2, len(svc)) + 0.2
    weights /= weights.sum()
    t0 = time.perf_counter()
    months = month_range(months)
    per_month = n // len(months)
    files = 0
    svc_arr = {k: np.array([s[k] for s in svc], dtype=object) for k in ("service", "entity", "service_type",
                                                                      "pa_type", "region", "questionnaire", "channel")}
    effect = np.array([s["effect"] for s in svc])
    for mi, month in enumerate(months):
        idx = rng.choice(len(svc), size=per_month, p=weights)
        day = rng.integers(1, 29, per_month)
        secs = rng.integers(0, 86400, per_month)
        base = np.datetime64(f"{month}-01T00:00:00", "ms")
        received = base + (day - 1).astype("timedelta64[D]") + secs.astype("timedelta64[s]")
        q = svc_arr["questionnaire"][idx]
        latent = 3.6 + effect[idx] + rng.normal(0, 1.0, per_month)
        stars = np.clip(np.rint(latent), 1, 5)
        cols = {}
        for j, name in enumerate(SCORES):
            x = np.clip(np.rint(latent + rng.normal(0, 0.6, per_month)), 1, 5) if j else stars
            v = (x - 1) * 25.0
            if name == "task_completed":
                v = np.where(x >= 4, 100.0, np.where(x >= 3, 50.0, 0.0))
            keep = q == "cx-core"
            if name == "satisfaction":
                face = np.where(stars >= 4, 100.0, np.where(stars >= 3, 50.0, 0.0))
                v = np.where(q == "faccia", face, v)
                keep = keep | (q == "faccia")
            if name == "ease":
                keep = keep | (q == "di-rating-servizio")
            if name == "clarity":
                keep = keep | (q == "di-rating-pagina")
            cols[name] = pa.array(np.where(keep, v, np.nan), pa.float64(), mask=~keep)
            cols[f"{name}_raw"] = pa.array(np.where(keep, x.astype(int).astype(str), None), pa.string())
            cols[f"{name}_scale"] = pa.array(np.where(keep, "1-5", None), pa.string())
        good = stars >= 4
        cat = np.array(CATS, dtype=object)[rng.integers(0, 6, per_month)]
        ww = pa.array([[c] if g else [] for c, g in zip(cat, good)], pa.list_(pa.string()))
        wr = pa.array([[] if g else [c] for c, g in zip(cat, good)], pa.list_(pa.string()))
        ids = [str(uuid.UUID(int=int(a) << 64 | int(b))) for a, b in
               zip(rng.integers(0, 2 ** 62, per_month), rng.integers(0, 2 ** 62, per_month))]
        table = pa.table({
            "submission_id": ids, "received_at": pa.array(received, pa.timestamp("ms", tz="UTC")),
            "service": svc_arr["service"][idx], "entity": svc_arr["entity"][idx],
            "service_type": svc_arr["service_type"][idx], "region": svc_arr["region"][idx],
            "channel": svc_arr["channel"][idx], "device": np.where(rng.random(per_month) < 0.6, "mobile", "desktop"),
            "lang": np.where(rng.random(per_month) < 0.97, "it", "en"), "questionnaire": q,
            "version": pa.array(np.ones(per_month, dtype=np.int32)), **cols, "went_well": ww, "went_wrong": wr,
            "comment": pa.nulls(per_month, pa.string()),
            "record_key": pa.array(keys_of(ids), pa.float64()),
        })
        pa_types = svc_arr["pa_type"][idx]
        order = np.argsort(pa_types, kind="stable")
        table, pa_sorted = table.take(order), pa_types[order]
        bounds = np.flatnonzero(np.r_[True, pa_sorted[1:] != pa_sorted[:-1], True])
        for a, b in zip(bounds[:-1], bounds[1:]):
            d = root / "responses" / f"period={month}" / f"pa_type={pa_sorted[a]}"
            d.mkdir(parents=True, exist_ok=True)
            part = table.slice(a, b - a)
            step = 100_000  # processor-sized batches of ~100k rows
            for k in range(0, part.num_rows, step):
                pq.write_table(part.slice(k, step), d / f"part-000-{mi:04d}{k:08d}-{files:08d}.parquet",
                               compression="zstd")
                files += 1
        print(f"  {month}: {per_month:,} rows", flush=True)
    return time.perf_counter() - t0


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def pct(xs: list[float], p: float) -> float:
    return float(np.percentile(np.array(xs), p))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--responses", type=int, default=10_000_000)
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="ascolto-bench-"))
    try:
        if not (root / "responses").exists():
            print(f"generating {args.responses:,} responses into {root} …")
            print(f"generated in {generate(root, args.responses):.1f} s")
        from warehouse import rollup
        from warehouse.compare import compare
        from warehouse.console import create_app
        from warehouse.cube import Cut
        from warehouse.dataset import Warehouse
        from warehouse.export import export

        t = time.perf_counter()
        stats = rollup.refresh(root, progress=None)
        print(f"rollup build: {time.perf_counter() - t:.1f} s {stats}")
        settings = Settings(data_dir=root, rollup_check_s=3600)
        t = time.perf_counter()
        wh = Warehouse(settings)
        con = wh.cursor()
        rows = con.execute("SELECT count(*), sum(n) FROM rollup").fetchall()[0]
        print(f"rollup load: {time.perf_counter() - t:.2f} s; {rows[0]:,} rollup rows for {rows[1]:,} indicator values")
        t = time.perf_counter()
        wh.ensure_fresh(force=True)
        print(f"freshness check with nothing new: {1000 * (time.perf_counter() - t):.1f} ms")

        from warehouse.protect import Protection

        cut = Cut(indicator="satisfaction", filters={"service_type": ["anagrafe.certificati"]}, start="2025", end="2025")
        modes = {"on": Protection.from_settings(settings), "off": Protection.from_settings(settings.with_(ckm_enabled=False))}
        comp: dict[str, list[float]] = {m: [] for m in modes}
        for _ in range(10):  # alternating rounds
            for m, p in modes.items():
                comp[m] += timed(lambda: compare(wh.cursor(), cut, overdispersion="multiplicative", protection=p), 2)
        body = compare(wh.cursor(), cut, protection=modes["on"])
        print(f"national comparison ({len(body['units'])} entities, {body['benchmark']['n']:,} responses):")
        for m in modes:
            print(f"  protection {m:3}: p50 {pct(comp[m], 50) * 1000:.0f} ms, max {max(comp[m]) * 1000:.0f} ms  (target < 500 ms)")
        raw = timed(lambda: wh.cursor().execute(
            "SELECT entity, count(satisfaction), avg(satisfaction) FROM responses "
            "WHERE service_type = 'anagrafe.certificati' GROUP BY ALL").fetchall(), 3)
        print(f"  same comparison rescanning raw rows (for scale): {statistics.median(raw) * 1000:.0f} ms")

        from registry import connect, session_scope
        from registry.tokens import create_token

        with session_scope(connect(settings.database_url)) as s:
            secret = create_token(s, role="monitoring", label="bench", actor="bench")[1]
        clients = {}
        for m, flag in (("on", True), ("off", False)):
            clients[m] = create_app(settings.with_(ckm_enabled=flag)).test_client()
            clients[m].environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
            clients[m].get("/api/v1/meta")
        from deploy.gunicorn_worker import settle_heap

        settle_heap()  # as the console's gunicorn workers do once their app is built (deploy/gunicorn.conf.py)
        calls = {
            "meta": "/api/v1/meta",
            "overview by PA × service type, monthly": "/api/v1/indicators?by=pa_type,service_type&freq=M",
            "trend, one service type, quarterly": "/api/v1/indicators?service_type=sanita.prenotazione&freq=Q&by=",
            "regions, annual": "/api/v1/indicators?by=region&freq=A&indicator=ease",
            "entities of a type, annual": "/api/v1/indicators?by=entity&service_type=tributi.pagamento&freq=A",
            "went well shares by PA type": "/api/v1/indicators?indicator=went_well&by=pa_type&freq=A",
            "compare + funnel + EB": "/api/v1/compare?service_type=anagrafe.certificati&from=2025&to=2025",
        }
        worst = {m: 0.0 for m in clients}
        for name, url in calls.items():
            xs: dict[str, list[float]] = {m: [] for m in clients}
            for _ in range(10):
                for m, client in clients.items():
                    xs[m] += timed(lambda: client.get(url), 3)
            line = []
            for m in clients:
                worst[m] = max(worst[m], pct(xs[m], 95))
                line.append(f"protection {m}: p50 {pct(xs[m], 50) * 1000:.1f} ms, p95 {pct(xs[m], 95) * 1000:.1f} ms")
            print(f"API {name}: " + "; ".join(line))
        # the cached comparisons above are the common case; the first request of a comparison (per rollup
        # version) computes it: timed here with the cache emptied before every request
        xs = {m: [] for m in clients}
        for _ in range(10):
            for m, client in clients.items():
                def fresh(client=client):
                    client.application.extensions.pop("ascolto.compare_cache", None)
                    client.get(calls["compare + funnel + EB"])
                xs[m] += timed(fresh, 2)
        for m in clients:
            worst[m] = max(worst[m], pct(xs[m], 95))
        print("API compare + funnel + EB, uncached: " + "; ".join(
            f"protection {m}: p50 {pct(xs[m], 50) * 1000:.1f} ms, p95 {pct(xs[m], 95) * 1000:.1f} ms" for m in clients))
        print(f"API worst p95: protection on {worst['on'] * 1000:.1f} ms, off {worst['off'] * 1000:.1f} ms  (target < 100 ms)")
        out = root / "export.sdmx.csv"
        t = time.perf_counter()
        export(wh.cursor(), "sdmx-csv", out, freq="A")
        lines = sum(1 for _ in open(out)) - 1
        print(f"SDMX-CSV export (annual, all indicators, margins): {time.perf_counter() - t:.2f} s, {lines:,} observations")
        t = time.perf_counter()
        export(wh.cursor(), "sdmx-csv", out, freq="M")
        lines = sum(1 for _ in open(out)) - 1
        print(f"SDMX-CSV export (monthly): {time.perf_counter() - t:.2f} s, {lines:,} observations")
        wh.close()
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
