"""A design probe for issue 18: could pyarrow's JSON reader decode the processor's batches?

    python -m bench.pyarrow_json_probe [--submissions 50000] [--batch 2000]

Not the processor: the records of ``bench.processor`` (collector-like batches of cx-core envelopes,
5% duplicates, 0.5% poison) joined per batch into newline-delimited JSON and read with
``pyarrow.json.read_json``, as a column-wise lane would read them; then the same batches with the
poison records left out. Prints the µs of CPU and of wall time per submission (one thread and pyarrow's pool) and how many batches pyarrow read or
refused (with its message). docs/performance-passes.md ("the fifth pass") quotes it. Not run by pytest
nor by ``make bench``.
"""
from __future__ import annotations

import argparse
import io
import time

import pyarrow as pa
import pyarrow.json as pj

from .processor import generate_batches


def _read(batches: list[list[bytes]], envelopes: int, threads: bool) -> tuple[float, float, int, int, str]:
    """CPU and wall µs per submission, batches read, batches refused, the last refusal's message."""
    options = pj.ReadOptions(use_threads=threads, block_size=1 << 24)
    t, w, read, refused, message = time.process_time(), time.perf_counter(), 0, 0, ""
    for values in batches:
        try:
            pj.read_json(io.BytesIO(b"\n".join(values)), read_options=options)
            read += 1
        except pa.ArrowInvalid as exc:
            refused, message = refused + 1, str(exc)
    return ((time.process_time() - t) / envelopes * 1e6, (time.perf_counter() - w) / envelopes * 1e6,
            read, refused, message)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--submissions", type=int, default=50000)
    ap.add_argument("--batch", type=int, default=2000)
    args = ap.parse_args()
    records, envelopes = generate_batches(args.submissions, args.batch)
    batches = [[v for _, v, _ in b] for b in records]
    clean = [[v for v in b if v.startswith(b"{")] for b in batches]
    print(f"pyarrow {pa.__version__}; {envelopes} envelopes in {len(batches)} batches of {args.batch} records")
    _read(clean[:1], envelopes, True)  # warm-up: pyarrow's thread pool and first allocations
    for label, data in (("as the topic holds them", batches), ("poison records left out", clean)):
        for threads in (False, True):
            cpu, wall, read, refused, message = _read(data, envelopes, threads)
            print(f"{label:24} {'threads' if threads else '1 thread':8} {cpu:5.1f} µs CPU, {wall:5.1f} µs wall per "
                  f"submission; {read} batches read, {refused} refused" + (f" ({message})" if message else ""))


if __name__ == "__main__":
    main()
