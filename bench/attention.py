"""Time the console's "Da guardare" page (``/attention``, one comparison per service type) on a
demo-sized dataset (no test: a figure for docs/performance.md).

    .venv/bin/python -m bench.attention [--responses 200000] [--rounds 20]

Generates the responses as :mod:`bench.warehouse` does (12 months of 2025, the eight service types), then
through the Flask test client: the page with the comparison cache empty (every request), with it warm,
and by services (``level=service``); p50 / p95 in ms.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from settings import Settings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--responses", type=int, default=200_000)
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="ascolto-attention-"))
    try:
        from bench.warehouse import generate, pct
        from registry import connect, session_scope
        from registry.tokens import create_token
        from warehouse import rollup
        from warehouse.console import create_app

        print(f"generated {args.responses:,} responses in {generate(root, args.responses):.1f} s")
        rollup.refresh(root, progress=None)
        settings = Settings(data_dir=root, rollup_check_s=3600)
        with session_scope(connect(settings.database_url)) as s:
            secret = create_token(s, role="monitoring", label="bench", actor="bench")[1]
        app = create_app(settings)
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        url = "/attention?freq=Q&period=2025-Q4"
        assert client.get(url).status_code == 200

        def times(path: str, cold: bool) -> list[float]:
            out = []
            for _ in range(args.rounds):
                if cold:
                    app.extensions.pop("ascolto.compare_cache", None)
                t = time.perf_counter()
                r = client.get(path)
                out.append(time.perf_counter() - t)
                assert r.status_code == 200, r.status_code
            return out

        for name, path, cold in (("cache empty", url, True), ("cache warm", url, False),
                                 ("level=service, cache empty", url + "&level=service", True),
                                 ("level=service, cache warm", url + "&level=service", False),
                                 ("a service type's page after it (warm)",
                                  "/service-types/anagrafe.certificati?freq=Q&period=2025-Q4", False)):
            xs = times(path, cold)
            print(f"{name:40}: p50 {pct(xs, 50) * 1000:6.1f} ms, p95 {pct(xs, 95) * 1000:6.1f} ms")
        app.extensions["ascolto.close"]()
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
