"""A bounded load generator for the collector, as a citizen's widget behaves: realistic answers,
one ``submission_id`` per answer set, retried with the same id on connection errors, 429 and 503
(honouring ``Retry-After``). Loopback only; bounded in count and time. Used by ``bench/load.py``
and the fault suite (``tests/faults``), which reconcile its outcomes against the warehouse.
"""
from __future__ import annotations

import http.client
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from registry.demo import SERVICES

from .demo_data import random_answers

_KEYS = [key for key, *_ in SERVICES]
#: the origin the test stacks seed the demo services with (``registry.demo.seed``)
DEFAULT_ORIGIN = "https://www.comune.roma.it"


@dataclass
class Outcome:
    submission_id: str
    status: int | None = None  # the final HTTP status; None if never answered
    attempts: int = 0
    first_sent: float = 0.0
    accepted_at: float | None = None
    latency_s: float | None = None  # of the attempt that got the final answer
    invalid: bool = False  # deliberately invalid: must get a 4xx and never reach the warehouse


@dataclass
class LoadResult:
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    started: float = 0.0
    finished: float = 0.0

    @property
    def accepted(self) -> set[str]:
        return {k for k, o in self.outcomes.items() if o.status == 202}

    @property
    def refused(self) -> set[str]:
        """Given a final 4xx (429 is "try later", not a refusal of the submission)."""
        return {k for k, o in self.outcomes.items() if o.status is not None and 400 <= o.status < 500 and o.status != 429}

    def latencies_ms(self) -> list[float]:
        return sorted(o.latency_s * 1000 for o in self.outcomes.values() if o.latency_s is not None and o.status == 202)


class LoadDriver:
    """Posts ``count`` submissions at ``rate`` per second from ``threads`` threads.

    ``invalid_ratio`` of them are invalid for the questionnaire (expected 422). Each submission is
    retried until it gets a final answer (2xx or a 4xx other than 429) or ``give_up_s`` passes.
    """

    def __init__(self, collector_url: str, *, count: int, rate: float, threads: int = 8,
                 invalid_ratio: float = 0.0, give_up_s: float = 60.0, seed: int = 7,
                 max_retry_after_s: float = 2.0, origin: str = DEFAULT_ORIGIN,
                 forwarded_for=None):
        """``origin``: the page the citizens post from, sent as ``Origin`` as browsers do (one the demo
        services allow; a post with neither an Origin nor a back-end token is refused, 401).
        ``forwarded_for``: None, a fixed client address, or a callable giving one per submission
        (sent as ``X-Forwarded-For``, for a collector behind a trusted reverse proxy)."""
        self.url = urlsplit(collector_url)
        self.count, self.rate, self.threads = count, rate, threads
        self.invalid_ratio, self.give_up_s, self.max_retry_after_s = invalid_ratio, give_up_s, max_retry_after_s
        self.rng = random.Random(seed)
        self.origin = origin
        self.forwarded_for = forwarded_for
        self.result = LoadResult()
        self._lock = threading.Lock()
        self._next = 0
        self._stop = threading.Event()

    def _body(self, invalid: bool) -> dict:
        with self._lock:
            key = self.rng.choice(_KEYS)
            answers = random_answers(self.rng, 3.5)
            sid = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        if invalid:
            answers["satisfaction"] = 9  # out of scale: 422
        return {"submission_id": sid, "service": key, "questionnaire": "cx-core", "version": 1,
                "lang": "it", "channel": "web", "answers": answers, "context": {"page": "/servizio"}}

    def _claim(self) -> int | None:
        with self._lock:
            if self._next >= self.count or self._stop.is_set():
                return None
            i = self._next
            self._next += 1
            return i

    def _worker(self) -> None:
        conn = None
        while (i := self._claim()) is not None:
            due = self.result.started + i / self.rate
            if (wait := due - time.monotonic()) > 0:
                time.sleep(wait)
            invalid = self.rng.random() < self.invalid_ratio
            body = self._body(invalid)
            out = Outcome(body["submission_id"], invalid=invalid, first_sent=time.monotonic())
            with self._lock:
                self.result.outcomes[out.submission_id] = out
            payload = json.dumps(body).encode()
            headers = {"Content-Type": "application/json", "User-Agent": "Mozilla/5.0 (loadgen)"}
            if self.origin:  # "" sends none (a back end without a token: refused)
                headers["Origin"] = self.origin
            if self.forwarded_for:
                headers["X-Forwarded-For"] = self.forwarded_for() if callable(self.forwarded_for) else self.forwarded_for
            while time.monotonic() - out.first_sent < self.give_up_s:
                out.attempts += 1
                sent = time.monotonic()
                try:
                    conn = conn or http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=30)
                    conn.request("POST", "/v1/submissions", payload, headers)
                    resp = conn.getresponse()
                    resp.read()
                except (OSError, http.client.HTTPException):
                    if conn:
                        conn.close()
                    conn = None
                    time.sleep(0.2)
                    continue
                out.status, out.latency_s = resp.status, time.monotonic() - sent
                if resp.status in (429, 503) or resp.status >= 500:
                    time.sleep(min(self.max_retry_after_s, float(resp.getheader("Retry-After") or 1)))
                    continue
                if resp.status == 202:
                    out.accepted_at = time.monotonic()
                break
        if conn:
            conn.close()

    def run(self) -> LoadResult:
        """Run to completion (bounded by ``count`` and ``give_up_s`` per submission)."""
        self.result.started = time.monotonic()
        workers = [threading.Thread(target=self._worker, daemon=True) for _ in range(self.threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        self.result.finished = time.monotonic()
        return self.result

    def start(self) -> threading.Thread:
        """Run in the background; ``join()`` the returned thread for the result in ``self.result``."""
        t = threading.Thread(target=self.run, daemon=True)
        t.start()
        return t

    def stop(self) -> None:
        self._stop.set()
