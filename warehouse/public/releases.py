"""The public site's data: the published releases (warehouse/publish.py), read once per release and
kept in memory. Nothing here reads the dataset, the rollup or the registry — only release files,
whose checksums are verified when a release is first loaded."""
from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import publish

TOTAL, NATIONAL = "_T", "IT"
INDICATORS = ("SATISFACTION", "EASE", "CLARITY", "SPEED", "TRUST", "TASK_COMPLETED")
#: Series of the publication table shown on the public pages: the mean (one scale only), the positive
#: share (``POS``; for task completion the share of "yes", ``YES``).
SERIES = {"MEAN": "mean", "POS": "top2", "T2B": "top2", "YES": "top2"}


@dataclass
class Release:
    """One released quarter as the pages read it: its manifest, its directory (the files are read from disk
    when downloaded) and the national cells of its table, indexed by (PA type, service type) — not the
    table's rows (regions, instruments, scales, channels), which no page shows: every worker keeps every
    release for as long as it runs (docs/public.md, "Memory")."""
    period: str
    manifest: dict[str, Any]
    path: Path
    national: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)  # every version's manifest
    #: per (PA type, service type): the indicators published only broken down (by instrument, scale or
    #: channel), their pooled cell withheld by the comparability guard
    unpooled: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)

    @property
    def version(self) -> int:
        return self.manifest["version"]

    def cells(self, pa_type: str = TOTAL, service_type: str = TOTAL) -> list[dict[str, Any]]:
        """One cell per indicator (in :data:`INDICATORS` order): mean and positive (top-2-box) share with
        CIs, n and flags; empty when the release has no national cell of that PA type and service type.
        The cells are the release's own: a caller must not change them."""
        return self.national.get((pa_type, service_type), [])

    def unpooled_in(self, pa_type: str = TOTAL, service_type: str = TOTAL) -> frozenset[str]:
        """The indicators with no cell in :meth:`cells` that the release holds broken down by instrument,
        scale or channel: measured, but not comparable once pooled (the comparability guard)."""
        return self.unpooled.get((pa_type, service_type), frozenset())

    def values(self, dim: str) -> list[str]:
        """The PA types or service types with a national cell in this release."""
        i = {"pa_type": 0, "service_type": 1}[dim]
        return sorted({k[i] for k in self.national if k[i] != TOTAL and k[1 - i] == TOTAL})


def _num(v: str) -> float | int | None:
    if v == "":
        return None
    f = float(v)
    return int(f) if f.is_integer() and "." not in v else f


def _national(text: str) -> tuple[dict[tuple[str, str], list[dict[str, Any]]], dict[tuple[str, str], frozenset[str]]]:
    """The national cells of a release's ``table.csv`` (the area table: no breakdown by instrument, scale
    or channel), one per indicator, grouped by (PA type, service type); and per group the indicators
    published only broken down (:attr:`Release.unpooled`)."""
    rows = csv.reader(io.StringIO(text))
    col = {name: i for i, name in enumerate(next(rows, []))}
    breakdowns = [col[d] for d in ("INSTRUMENT", "SCALE", "CHANNEL") if d in col]
    area, pa, st, ind_col = col["REF_AREA"], col["PA_TYPE"], col["SERVICE_TYPE"], col["INDICATOR"]
    out: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    broken_down: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        if r[area] != NATIONAL:
            continue
        ind, _, kind = r[ind_col].rpartition("_")
        if kind not in SERIES:
            continue  # task completion's partly / no shares: the release table has them, the page the yes share
        if any(r[i] != TOTAL for i in breakdowns):
            broken_down.setdefault((r[pa], r[st]), set()).add(ind)
            continue
        o = out.setdefault((r[pa], r[st]), {}).setdefault(ind, {
            "indicator": ind, "n": _num(r[col["N_RESP"]]), "obs_status": r[col["OBS_STATUS"]],
            "conf_status": r[col["CONF_STATUS"]]})
        key = SERIES[kind]
        o[key], o[f"{key}_lower"], o[f"{key}_upper"] = (_num(r[col["OBS_VALUE"]]), _num(r[col["LOWER_BOUND"]]),
                                                        _num(r[col["UPPER_BOUND"]]))
    return ({k: [by[i] for i in INDICATORS if i in by] for k, by in out.items()},
            {k: frozenset(inds - out.get(k, {}).keys()) for k, inds in broken_down.items()})


def _load(root: Path, period: str, manifests: list[dict[str, Any]]) -> Release:
    latest = manifests[-1]
    path = root / period / f"v{latest['version']}"
    publish.verify(path)
    national, unpooled = _national((path / "table.csv").read_text("utf-8"))
    return Release(period, latest, path, national, manifests, unpooled)


class Releases:
    """The latest version of every released period, reloaded when the catalog changes (checked at
    most every ``check_s`` seconds)."""

    def __init__(self, root: Path, check_s: float = 5.0):
        import time

        self.root, self._check_s, self._time = Path(root), check_s, time.monotonic
        self._lock = threading.Lock()
        self._by_period: dict[str, Release] = {}
        self._checked = float("-inf")
        self.etag = "empty"

    def get(self) -> dict[str, Release]:
        if self._time() - self._checked >= self._check_s:
            with self._lock:
                cat = publish.catalog(self.root)
                tag = ",".join(f"{p}:v{m[-1]['version']}" for p, m in cat.items())
                if tag != self.etag:
                    self._by_period = {p: (self._by_period[p] if p in self._by_period and
                                           self._by_period[p].version == m[-1]["version"] else _load(self.root, p, m))
                                       for p, m in cat.items()}
                    self.etag = tag or "empty"
                self._checked = self._time()
        return self._by_period
