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


def _area_table(r: dict[str, Any]) -> bool:
    """A row of the table by area (not broken down by instrument, scale or channel)."""
    return all(r.get(d, TOTAL) == TOTAL for d in ("INSTRUMENT", "SCALE", "CHANNEL"))


@dataclass
class Release:
    period: str
    manifest: dict[str, Any]
    path: Path
    rows: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)  # every version's manifest

    @property
    def version(self) -> int:
        return self.manifest["version"]

    def cells(self, pa_type: str = TOTAL, service_type: str = TOTAL, area: str = NATIONAL) -> list[dict[str, Any]]:
        """One row per indicator: mean and positive (top-2-box) share with CIs, n and flags."""
        out: dict[str, dict[str, Any]] = {}
        for r in self.rows:
            if (r["REF_AREA"], r["PA_TYPE"], r["SERVICE_TYPE"]) != (area, pa_type, service_type) or not _area_table(r):
                continue
            ind, _, kind = r["INDICATOR"].rpartition("_")
            if kind not in SERIES:
                continue  # task completion's partly / no shares: the release table has them, the page the yes share
            o = out.setdefault(ind, {"indicator": ind, "n": r["N_RESP"], "obs_status": r["OBS_STATUS"],
                                     "conf_status": r["CONF_STATUS"]})
            key = SERIES[kind]
            o[key], o[f"{key}_lower"], o[f"{key}_upper"] = r["OBS_VALUE"], r["LOWER_BOUND"], r["UPPER_BOUND"]
        return [out[i] for i in INDICATORS if i in out]

    def values(self, dim: str) -> list[str]:
        """The PA types or service types with a national cell in this release."""
        col = {"pa_type": "PA_TYPE", "service_type": "SERVICE_TYPE"}[dim]
        other = "SERVICE_TYPE" if col == "PA_TYPE" else "PA_TYPE"
        return sorted({r[col] for r in self.rows if r["REF_AREA"] == NATIONAL and r[other] == TOTAL and r[col] != TOTAL
                       and _area_table(r)})


def _num(v: str) -> float | int | None:
    if v == "":
        return None
    f = float(v)
    return int(f) if f.is_integer() and "." not in v else f


def _load(root: Path, period: str, manifests: list[dict[str, Any]]) -> Release:
    latest = manifests[-1]
    path = root / period / f"v{latest['version']}"
    publish.verify(path)
    rows = []
    for r in csv.DictReader(io.StringIO((path / "table.csv").read_text("utf-8"))):
        for k in ("OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND", "N_RESP"):
            r[k] = _num(r[k])
        rows.append(r)
    return Release(period, latest, path, rows, manifests)


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
