"""The demo's past: thirteen months of answers for every demo service, loaded at ``ascolto up``.

The console needs history to mean anything (trends, quarters, a funnel per service type, regions,
every channel and instrument). The period of an answer is the month of its envelope's
``received_at``, the collector's clock — rightly not something a client can set. So the history is
generated here (:func:`plan`: deterministic, per service a level, a trend, a volume; languages,
devices, channels and instruments as the registry of :mod:`registry.demo_wide` says) and handed to
``python -m collector.backfill``, which feeds each line through the collector's real intake with
the line's date as its clock (see that module for why this opens nothing to clients). Nothing here
imports the collector: it runs as its own process, like gunicorn.

The widget's funnel counts come with it (:func:`funnel_plan`): for the history's web answers of the
last :data:`FUNNEL_MONTHS` months, the page views behind them — the answered view, views where the
citizen started and gave up, views where the invitation was not taken — each a report as the
widget posts it to ``POST /v1/funnel`` (from the service's page: its ``Origin``), fed through the
same backfill with the view's date, so that the console's response rates (``/quality/response-rates``)
show a response rate and a break-off rate per service and month.

:func:`load_history` is idempotent twice over: fixed submission and report ids (the processor stores
each once) and a marker file in the data directory, so a second ``ascolto up`` skips the work.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from registry.demo_wide import all_services
from settings import child_environment

from .demo_data import answers_for, funnel_profile, funnel_views

MARKER = "demo-history.json"
LANGS = (("it", 85), ("en", 8), ("de", 3), ("fr", 2), ("sl", 2))
USER_AGENTS = {
    "mobile": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1",
    "desktop": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
    "tablet": "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1",
    # a site-monitoring robot that fills the widget: kept for audit, never counted (the quality page counts it)
    "bot": "Mozilla/5.0 (compatible; PA-UptimeBot/2.1; +https://monitor.example)",
}
BOT_SHARE = 0.015  # of the web answers
#: months of funnel history (the last ones, this one included): the widget counts views since a recent
#: release, and a view is a line to backfill — a year of them would make ``ascolto up`` wait minutes
FUNNEL_MONTHS = 4
COUNTER_CHANNELS = {"front_office", "kiosk", "phone"}  # answered on an operator's or a kiosk's device


@dataclass(frozen=True)
class Profile:
    level: float   # mean rating (1–5) twelve months ago
    trend: float   # change of the level per month
    volume: int    # answers per month, on average


def _month_starts(now: datetime, months: int) -> list[datetime]:
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    out = [first]
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        out.append(first)
    return out[::-1]


def plan(origins: list[str], *, now: datetime | None = None, months: int = 13, scale: float = 1.0,
         seed: int = 2026) -> list[dict]:
    """The backfill lines (see ``collector.backfill``): ``months`` months up to ``now``, every demo service."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    rng = random.Random(seed)
    robots = random.Random(seed + 1)  # its own stream: the people's answers stay the same with or without robots
    starts = _month_starts(now, months)
    lines = []
    for key, _entity, _name, _stype, channel, qid in all_services():
        p = Profile(level=rng.uniform(2.8, 4.3), trend=rng.uniform(-0.03, 0.05),
                    volume=rng.choice([2, 6, 9, 9, 12, 14]))
        for m, start in enumerate(starts):
            end = min((start + timedelta(days=32)).replace(day=1), now - timedelta(minutes=5))
            if end <= start:
                continue
            n = max(0, round(rng.gauss(p.volume, p.volume / 4) * scale))
            level = p.level + p.trend * m
            for _ in range(n):
                at = start + (end - start) * rng.random()
                device = (rng.choice(["desktop", "tablet"]) if channel in COUNTER_CHANNELS
                          else rng.choices(["mobile", "desktop", "tablet"], [55, 40, 5])[0])
                lang = rng.choices([c for c, _ in LANGS], [w for _, w in LANGS])[0]
                sub = {"submission_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "service": key,
                       "questionnaire": qid, "version": 1, "lang": lang, "channel": channel,
                       "answers": answers_for(qid, rng, level), "context": {}}
                if channel == "web" and robots.random() < BOT_SHARE:
                    device = "bot"
                line = {"received_at": at.isoformat(), "user_agent": USER_AGENTS[device], "submission": sub}
                if channel == "web":  # the widget on the PA's page
                    sub["context"] = {"page": "/servizi/" + key.removeprefix("demo-"), "hp": "",
                                      "fill_ms": str(rng.randint(9_000, 180_000))}
                    line["origin"] = rng.choice(origins)
                lines.append(line)
    return lines


def funnel_plan(lines: list[dict], *, now: datetime | None = None, months: int = FUNNEL_MONTHS,
                seed: int = 2026) -> list[dict]:
    """The backfill lines of the widget's funnel reports behind ``lines`` (:func:`plan`'s) in the last
    ``months`` months up to ``now``: per answer given through the widget (channel ``web``, from a page:
    its ``origin``; not a robot's) the views of :func:`deploy.demo_data.funnel_views` at its time (the
    others up to six hours before, in its month), with each service's rates of
    :func:`deploy.demo_data.funnel_profile`. Deterministic (report ids from a stream of their own);
    never in the future."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    first = _month_starts(now, months)[0]
    rng = random.Random(f"ascolto demo funnel {seed}")
    profiles: dict[str, tuple[float, float]] = {}
    out = []
    for line in lines:
        sub = line["submission"]
        at = datetime.fromisoformat(line["received_at"])
        if sub["channel"] != "web" or not line.get("origin") or at < first or line["user_agent"] == USER_AGENTS["bot"]:
            continue  # not the widget, before the funnel months, or a robot's view (not a person's)
        views = funnel_views(rng, *profiles.setdefault(sub["service"], funnel_profile(rng)))
        month = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        for imp, started, sent in views:
            when = at if sent else max(month, at - timedelta(seconds=rng.randint(60, 6 * 3600)))
            report = {"report_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "service": sub["service"],
                      "impressions": imp, "starts": started, "submissions": sent}
            out.append({"received_at": when.isoformat(), "user_agent": line["user_agent"], "origin": line["origin"],
                        "funnel": report})
    return out


def load_history(data_dir: Path, env: dict, origins: list[str], *, months: int = 13, scale: float = 1.0,
                 now: datetime | None = None) -> dict | None:
    """Generate and backfill the history unless ``data_dir``'s marker says it is loaded.

    ``env`` is the environment of the stack's processes (broker, topic, database, data dir). Returns
    the backfill's summary (``lines``, ``accepted``, ``refused`` over answers and funnel reports;
    ``funnel``: the reports' ``lines`` and ``accepted``), or None when skipped."""
    marker = Path(data_dir) / MARKER
    if marker.exists():
        return None
    lines = plan(origins, now=now, months=months, scale=scale)
    lines += funnel_plan(lines, now=now, months=min(months, FUNNEL_MONTHS))
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", dir=data_dir, delete=False, encoding="utf-8") as fh:
        for line in lines:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    try:
        out = subprocess.run([sys.executable, "-m", "collector.backfill", fh.name], env=child_environment(**env),
                             capture_output=True, text=True, timeout=600)
    finally:
        os.unlink(fh.name)
    if out.returncode != 0:
        raise RuntimeError(f"demo history: collector.backfill failed: {out.stderr.strip()[-2000:]}")
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    if summary["accepted"]:
        marker.write_text(json.dumps(dict(summary, months=months)), "utf-8")
    return summary
