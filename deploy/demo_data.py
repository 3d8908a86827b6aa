"""Realistic synthetic submissions for every instrument (:func:`answers_for`), posted through the
real collector API by ``ascolto demo`` and ``ascolto up`` (:func:`post_demo`, honouring 429/503
``Retry-After`` so that none is lost); ``deploy/demo_history.py`` uses the same answers for the past.

The widget's funnel counts behind the web answers (:func:`funnel_views`: the answered view, views
started and abandoned, views not taken up) are posted as the widget posts them, to ``POST /v1/funnel``
with the page's ``Origin`` (:func:`post_funnel`), so that the console's response rates show something."""
from __future__ import annotations

import json
import math
import random
import time
import urllib.error
import urllib.request
import uuid

from registry.demo import SERVICES
from registry.demo_wide import all_services

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


_MODULE = {
    "mod-anagrafe": lambda rng, r: {"anag_findability": r(-0.2), "anag_identification": rng.choice(["spid", "cie", "cie", "cns", "none"]),
                                    "anag_counter": rng.random() < 0.2},
    "mod-previdenza": lambda rng, r: {"prev_status_clarity": r(-0.3), "prev_asked_again": rng.random() < 0.3,
                                      "prev_submitted_by": rng.choice(["self", "self", "intermediary", "contact_center", "office"])},
    "mod-sanita": lambda rng, r: {"san_within_priority": rng.choice(["yes", "yes", "no", "dont_know"]),
                                  "san_location": r(0.1), "san_cancel_info": rng.random() < 0.6},
    "mod-scuola": lambda rng, r: {"scuola_offer_info": r(0.2), "scuola_help": rng.choice(["no", "no", "yes_solved", "yes_unsolved"])},
    "mod-tributi": lambda rng, r: dict({"trib_amount_clarity": r(-0.4)}, **(
        {"trib_payment": "not_yet"} if rng.random() < 0.1 else
        {"trib_payment": rng.choice(["pagopa_online", "app_io", "home_banking", "in_person"]),
         "trib_receipt": rng.random() < 0.85})),
}
_DI_REASONS = ["clarity", "completeness", "orientation", "technical", "other"]


def answers_for(questionnaire: str, rng: random.Random, level: float) -> dict:
    """Plausible answers to ``questionnaire`` (any of the standard set) around ``level`` (1–5)."""
    def rating(shift=0.0):
        return max(1, min(5, round(rng.gauss(level + shift, 0.9))))

    if questionnaire == "cx-core" or questionnaire in _MODULE:
        answers = random_answers(rng, level)
        answers.update(_MODULE.get(questionnaire, lambda *_: {})(rng, rating))
        return answers
    if questionnaire.startswith("di-rating-"):
        stars = rating()
        answers = {"stars": stars, ("went_well" if stars > 3 else "went_wrong"): rng.choice(_DI_REASONS)}
        if rng.random() < 0.2:
            answers["comment"] = rng.choice(["Chiaro.", "Mancano informazioni sugli orari.", "Pagina utile"])
        return answers
    if questionnaire == "faccia":
        face = rng.choices(["satisfied", "neutral", "dissatisfied"], [level - 1, 1.2, 5 - level])[0]
        if face == "satisfied":
            return {"face": face, "went_well": rng.sample(["speed", "clarity", "staff", "completeness"], rng.randint(1, 2))}
        return {"face": face, "went_wrong": rng.sample(["speed", "clarity", "staff", "technical", "other"], rng.randint(1, 2))}
    raise ValueError(f"no demo answers for {questionnaire!r}")


def demo_bodies(n: int, seed: int = 2026) -> list[dict]:
    """The ``n`` submissions :func:`post_demo` sends: the same for the same ``seed`` (a restarted demo
    sends ids the processor already holds, so its data does not grow), spread over every demo service.

    Their ids come from a stream of their own: the history (:func:`deploy.demo_history.plan`) draws
    from ``random.Random(seed)`` too, and ids taken from the same stream as it repeated some of its
    ids, so that the processor dropped those live submissions as duplicates."""
    rng = random.Random(seed)
    ids = random.Random(f"ascolto demo live submission ids {seed}")
    services = all_services()
    out = []
    for _ in range(n):
        key, _entity, _name, _stype, channel, qid = rng.choice(services)
        out.append({"submission_id": str(uuid.UUID(int=ids.getrandbits(128), version=4)), "service": key,
                    "questionnaire": qid, "version": 1, "lang": "it", "channel": channel,
                    "answers": answers_for(qid, rng, _LEVEL.get(key, 3.6)), "context": {"page": "/servizi/demo"}})
    return out


def funnel_profile(rng: random.Random) -> tuple[float, float]:
    """A service's (response rate, break-off rate) for the demo: 15–35% of the views answered, 10–35%
    of those started abandoned."""
    return rng.uniform(0.15, 0.35), rng.uniform(0.10, 0.35)


def _poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth; ``lam`` is small here)."""
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def funnel_views(rng: random.Random, rate: float, breakoff: float) -> list[tuple[int, int, int]]:
    """The page views behind one answer given through the widget, as (impressions, starts,
    submissions) reports: the answered view ``(1, 1, 1)``, on average ``breakoff / (1 - breakoff)``
    views started and abandoned ``(1, 1, 0)`` and enough views not taken up ``(1, 0, 0)`` that the
    service's submissions are ``rate`` of its impressions."""
    return ([(1, 1, 1)] + [(1, 1, 0)] * _poisson(rng, breakoff / (1 - breakoff))
            + [(1, 0, 0)] * _poisson(rng, max(0.0, 1 / rate - 1 / (1 - breakoff))))


def funnel_reports(bodies: list[dict], seed: int = 2026) -> list[dict]:
    """The widget's funnel reports (``POST /v1/funnel`` bodies) behind the web submissions of ``bodies``
    (:func:`demo_bodies`): deterministic, report ids from a stream of their own."""
    rng = random.Random(f"ascolto demo live funnel {seed}")
    profiles: dict[str, tuple[float, float]] = {}
    out = []
    for body in bodies:
        if body["channel"] != "web":
            continue
        profile = profiles.setdefault(body["service"], funnel_profile(rng))
        for imp, started, sent in funnel_views(rng, *profile):
            out.append({"report_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "service": body["service"],
                        "impressions": imp, "starts": started, "submissions": sent})
    return out


def post_funnel(collector_url: str, origin: str, reports: list[dict], **kw) -> int:
    """Post the funnel ``reports`` (:func:`funnel_reports`) as the widget does, from a page of ``origin``
    (one of the services' allowed origins); how many got 202. Waits on 429/503 as :func:`post_demo`."""
    return _post_all(f"{collector_url}/v1/funnel", reports, {"Origin": origin}, **kw)


def post_demo(collector_url: str, n: int, seed: int = 2026, *, origin: str, max_wait_s: float = 120.0,
              sleep=time.sleep, progress=None) -> int:
    """Post ``n`` submissions spread over every demo service (:mod:`registry.demo_wide`) as the widget
    on the demo PA page would: with that page's ``origin`` (one the demo services allow; the collector
    refuses a post with neither an Origin nor a back-end token, :mod:`collector.backends`). Return how
    many got 202.

    A 429 or 503 is not a loss: the same submission is sent again after its ``Retry-After`` (at most
    ``max_wait_s`` in all), as the widget does. ``progress(message)`` hears about each wait, and once per
    error code about a refusal (the collector's JSON error). A collector that cannot be reached raises
    ``urllib.error.URLError``."""
    return _post_all(f"{collector_url}/v1/submissions", demo_bodies(n, seed), {"Origin": origin},
                     max_wait_s=max_wait_s, sleep=sleep, progress=progress)


def _post_all(url: str, bodies: list[dict], headers: dict, *, max_wait_s: float = 120.0, sleep=time.sleep,
              progress=None) -> int:
    """POST each of ``bodies`` as JSON to ``url``; how many got 202 (429/503: see :func:`post_demo`)."""
    accepted, waited, waits, refused = 0, 0.0, 0, set()
    for body in bodies:
        data = json.dumps(body).encode()
        while True:
            req = urllib.request.Request(url, data=data,
                                         headers={"Content-Type": "application/json",
                                                  "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) demo", **headers})
            try:
                with urllib.request.urlopen(req, timeout=15) as resp:
                    accepted += resp.status == 202
                break
            except urllib.error.HTTPError as exc:
                if exc.code not in (429, 503) or waited >= max_wait_s:
                    _say_refusal(exc, refused, progress)
                    break
                delay = min(max_wait_s - waited, _retry_after(exc.headers.get("Retry-After")))
                waits += 1
                if progress and waits % 20 == 1:  # the first wait, then one line in twenty
                    progress(f"collector answered {exc.code}: waiting {delay:.0f} s as Retry-After says "
                             f"({accepted} accepted so far)")
                sleep(delay)
                waited += delay
    return accepted


def _say_refusal(exc: urllib.error.HTTPError, said: set, progress) -> None:
    """``progress`` hears why the collector refused a submission, once per error code."""
    try:
        body = json.loads(exc.read() or b"{}")
    except ValueError:
        body = {}
    error = body.get("error") or str(exc.code)
    if progress and error not in said:
        said.add(error)
        progress(f"collector refused a submission: {exc.code} {error}: {body.get('message') or exc.reason}"
                 + (f" {json.dumps(body['fields'], ensure_ascii=False)}" if body.get("fields") else ""))


def _retry_after(raw: str | None) -> float:
    try:
        return max(0.5, float(raw or 1))
    except ValueError:
        return 1.0


#: The data directory's record of how many of the demo's fixed live submissions (:func:`demo_bodies`, a
#: prefix of the same stream at every start) an earlier ``ascolto up`` posted and had accepted.
LIVE_MARKER = "demo-live.json"


def posted_before(data_dir) -> int:
    """How many of :func:`demo_bodies`' submissions an earlier ``ascolto up`` in ``data_dir`` had accepted
    (0: none, or no readable record)."""
    from pathlib import Path

    try:
        return max(0, int(json.loads((Path(data_dir) / LIVE_MARKER).read_text("utf-8"))["accepted"]))
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def accepted_line(data_dir, accepted: int, n: int) -> str:
    """What ``ascolto up`` says after posting ``n`` demo submissions, ``accepted`` of them with a 202, and
    the record of them (:data:`LIVE_MARKER`) updated. The collector accepts a submission it has seen (the
    ``submission_id`` is the retry key) and the processor stores each id once: a second start sends the
    same ids, and "100 of 100 accepted" read as 100 more answers when none was added."""
    from pathlib import Path

    before = posted_before(data_dir)
    if accepted == n and n > before:
        (Path(data_dir) / LIVE_MARKER).write_text(json.dumps({"accepted": n}), "utf-8")
    line = f"{accepted} of {n} accepted"
    if before and accepted:
        again = "all" if before >= n else f"the first {before}"
        line += (f" ({again} already stored by an earlier start in this data directory: the demo's submissions have "
                 "fixed ids, and the processor stores each id once, so those add no answer)")
    return line + "."
