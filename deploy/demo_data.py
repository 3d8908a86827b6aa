"""Realistic synthetic submissions, posted through the real collector API (``ascolto demo``)."""
from __future__ import annotations

import json
import random
import urllib.error
import urllib.request
import uuid

from registry.demo import SERVICES

# Mean satisfaction differs by service so that comparisons show something.
_LEVEL = {key: level for (key, *_), level in zip(SERVICES, [3.9, 3.4, 3.1, 3.6, 2.8, 4.1])}
_COMMENTS = ["Tutto chiaro, grazie.", "Il sito era lento.", "Non trovavo il modulo giusto.",
             "Ottimo servizio.", "Scrivetemi a mario.rossi@example.it", None, None, None]


def random_answers(rng: random.Random, level: float) -> dict:
    def rating(shift=0.0):
        return max(1, min(5, round(rng.gauss(level + shift, 0.9))))

    sat = rating()
    answers = {"satisfaction": sat, "ease": rating(0.1), "clarity": rating(-0.1), "speed": rating(-0.3),
               "trust": rating(0.2), "task": rng.choices(["yes", "partly", "no"], [level, 1.0, 4.5 - level])[0]}
    codes = ["clarity", "completeness", "orientation", "technical", "speed", "other"]
    answers["went_well" if sat > 3 else "went_wrong"] = rng.sample(codes, rng.randint(1, 2))
    comment = rng.choice(_COMMENTS)
    if comment:
        answers["comment"] = comment
    return answers


def post_demo(collector_url: str, n: int, seed: int = 2026) -> int:
    """Post ``n`` submissions spread over the demo services; return how many got 202."""
    rng = random.Random(seed)
    accepted = 0
    for _ in range(n):
        key = rng.choice(list(_LEVEL))
        body = {"submission_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "service": key,
                "questionnaire": "cx-core", "version": 1, "lang": "it", "channel": "web",
                "answers": random_answers(rng, _LEVEL[key]), "context": {"page": "/servizi/demo"}}
        req = urllib.request.Request(f"{collector_url}/v1/submissions", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json",
                                              "User-Agent": "Mozilla/5.0 (demo)"})
        try:
            with urllib.request.urlopen(req, timeout=15) as resp:
                accepted += resp.status == 202
        except urllib.error.HTTPError:
            pass
    return accepted
