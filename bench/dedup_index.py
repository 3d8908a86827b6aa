"""The processor's dedup index (:class:`processor.ids.IdIndex`) measured: memory and lookup time for n ids
(``python -m bench.processor --index-ids N`` runs it in a child process)."""
from __future__ import annotations

import multiprocessing as mp
import resource
import time
import uuid


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(n: int, out: mp.Queue) -> None:
    import gc
    import tracemalloc

    from processor.ids import IdIndex

    ids = [str(uuid.uuid4()) for _ in range(n)]
    gc.collect()
    before = _rss_mb()
    tracemalloc.start()
    index = IdIndex(ids)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    probe = ids[: 100_000] + [str(uuid.uuid4()) for _ in range(100_000)]
    t0 = time.perf_counter()
    hits = sum(1 for i in probe if i in index)
    lookup_us = (time.perf_counter() - t0) / len(probe) * 1e6
    tracemalloc.start()
    as_set = set(ids)
    set_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del as_set
    out.put({"ids": n, "index_mb": held / 2**20, "set_mb": (set_bytes + sum(map(len, ids)) + 49 * n) / 2**20,
             "lookup_us": lookup_us, "hits": hits, "rss_growth_mb": _rss_mb() - before})
