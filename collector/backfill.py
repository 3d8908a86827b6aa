"""Dated submissions through the collector's own intake: ``python -m collector.backfill FILE``.

For loading history that was collected elsewhere or earlier — the demo's twelve months
(``deploy/demo_history.py``), or answers migrated from a previous system. Each line of FILE (JSON
Lines; ``-`` for standard input) is ``{"received_at": ISO-8601, "submission": {...as posted...},
"user_agent": "...", "origin": "https://..."}`` (the last two optional).

A line may carry the widget's funnel report of a page view instead of a submission:
``{"received_at": ..., "funnel": {"report_id", "service", "impressions", "starts", "submissions"},
"origin": "https://..."}`` (the origin is required there, as for the widget: :mod:`collector.funnel`).

Every submission goes through :func:`collector.intake.accept_submission` exactly as a POST would
(schema, service and origin, assignment, bot checks, answers, durable produce to Kafka), every
funnel report through ``POST /v1/funnel`` (the same checks as the widget's); the only
difference is the clock: the envelope's ``received_at`` — which decides the period — is the line's
instead of now. That clock is an in-process hook (``app.extensions[BACKFILL_CLOCK]``, :mod:`collector.intake`) that no
HTTP request can reach, and running this needs what writing to the topic needs (the broker and the
registry), so it opens no door a client could use. A ``received_at`` in the future is refused.
Rate limits do not apply (the operator is the client). Submission ids make a rerun idempotent: the
processor stores each once.

Writes to ``ASCOLTO_DATA_DIR``'s log; without it, to the stack's ``var/`` found from the working directory
up (:func:`main`). Prints one JSON line: ``{"lines", "accepted", "refused": {reason: count}}`` over every line, and
``"funnel": {"lines", "accepted"}`` when some were funnel reports; exit 1 when a line is not JSON.
"""
from __future__ import annotations

import json
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import settings as config_mod
from settings import Settings
from settings.stack import locate_stack


def _when(raw) -> datetime | None:
    try:
        at = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def backfill(settings: Settings, lines: Iterable[dict], threads: int = 6) -> dict:
    """Feed ``lines`` (parsed records, see the module docstring) through the intake; the summary."""
    from .app import close_app, create_app
    from .intake import BACKFILL_CLOCK

    app = create_app(settings.with_(rate_limit_enabled=False))
    local = threading.local()
    app.extensions[BACKFILL_CLOCK] = lambda: local.at
    clients = threading.local()
    refused: Counter[str] = Counter()
    accepted = total = funnel_total = funnel_accepted = 0
    lock = threading.Lock()
    now = datetime.now(timezone.utc)

    def one(rec: dict) -> tuple[bool, str]:
        funnel = isinstance(rec, dict) and "funnel" in rec and "submission" not in rec
        at = _when(rec.get("received_at")) if isinstance(rec, dict) else None
        if at is None:
            return funnel, "bad_received_at"
        if at > now:
            return funnel, "received_at_in_future"
        if not hasattr(clients, "c"):
            clients.c = app.test_client()
        local.at = at
        headers = {"User-Agent": str(rec.get("user_agent") or "")}
        if rec.get("origin"):
            headers["Origin"] = str(rec["origin"])
        path, body = ("/v1/funnel", rec.get("funnel")) if funnel else ("/v1/submissions", rec.get("submission"))
        resp = clients.c.post(path, json=body, headers=headers)
        return funnel, ("accepted" if resp.status_code == 202
                        else (resp.get_json(silent=True) or {}).get("error", str(resp.status_code)))

    try:
        with ThreadPoolExecutor(max(1, threads)) as pool:
            for funnel, outcome in pool.map(one, lines):
                with lock:
                    total += 1
                    funnel_total += funnel
                    if outcome == "accepted":
                        accepted += 1
                        funnel_accepted += funnel
                    else:
                        refused[outcome] += 1
    finally:
        close_app(app)
    out = {"lines": total, "accepted": accepted, "refused": dict(refused)}
    if funnel_total:
        out["funnel"] = {"lines": funnel_total, "accepted": funnel_accepted}
    return out


def read_lines(stream) -> list:
    """The JSON value of every non-blank line of ``stream`` (bytes, UTF-8, a BOM allowed); a line that is not
    UTF-8 or not JSON (or nested past the json module's depth) raises ``ValueError("line N is not …")`` naming the file's line (the JSON error alone
    names a position inside the line, "line 1 column 20")."""
    records = []
    for number, raw in enumerate(stream, 1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"line {number} is not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})") from None
        if not line.strip():
            continue
        try:
            records.append(json.loads(line.rstrip("\r\n")))
        except ValueError as exc:
            raise ValueError(f"line {number} is not JSON ({exc})") from None
        except RecursionError:  # the json module's own limit: thousands of nested arrays or objects
            raise ValueError(f"line {number} is not JSON this tool reads (nested too deeply)") from None
    return records


USAGE = ("usage: python -m collector.backfill FILE.jsonl|-\n"
         "Each line: {\"received_at\": ISO-8601, \"submission\": {...as posted...}, \"user_agent\": ..., "
         "\"origin\": ...}; through the collector's intake into ASCOLTO_DATA_DIR's log, shipped to ASCOLTO_BROKER.")


#: what marks the stack's ``var/`` (:func:`settings.stack.locate_stack`): ``ascolto failed``'s, then its registry
#: (a stack whose processor has written nothing yet)
STACK_MARKERS = ("responses", "failed", "registry.db")


def main(argv: list[str] | None = None) -> int:
    """Exit 0 (the summary printed), 1 (a line is not JSON), 2 (no FILE, or it cannot be read, or no data
    directory: said). Without ``ASCOLTO_DATA_DIR`` the stack's ``var/`` is found in the working directory or
    its parents (:data:`STACK_MARKERS`), as ``ascolto failed``, ``compact`` and ``purge`` find it: run
    elsewhere, the backfill wrote a spool and an empty registry into a new ``./var``."""
    argv = sys.argv[1:] if argv is None else argv
    if argv in (["-h"], ["--help"]):
        print(USAGE)
        return 0
    if len(argv) != 1:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        stream = sys.stdin.buffer if argv[0] == "-" else open(argv[0], "rb")
    except OSError as exc:
        print(f"collector.backfill: cannot read {argv[0]}: {exc.strerror}", file=sys.stderr)
        return 2
    with stream:
        try:
            records = read_lines(stream)
        except ValueError as exc:
            print(f"collector.backfill: {'standard input' if argv[0] == '-' else argv[0]} {exc}; nothing loaded",
                  file=sys.stderr)
            return 1
    settings = locate_stack(config_mod.load(), STACK_MARKERS)
    if settings is None:
        print(f"collector.backfill: no data directory found: neither {Path.cwd().resolve()} nor its parents hold "
              "var/responses/, var/failed/ or var/registry.db. Run it in the directory where `ascolto up` (make run) "
              "ran, or set ASCOLTO_DATA_DIR to the collector's data directory.", file=sys.stderr)
        return 2
    print(json.dumps(backfill(settings, records)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
