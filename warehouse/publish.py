"""Scheduled publication (issue 15.5): a quarter's published table frozen as an immutable release.

``ascolto publish --period 2026-Q4`` writes ``RELEASES/2026-Q4/v1/`` with the quarter's protected
table (:func:`warehouse.export.publication_table`: every cell through :mod:`warehouse.protect`) in
CSV, SDMX-CSV 2.0 and JSON-stat 2.0 (``table.jsonstat.json`` in English, ``table.jsonstat.it.json`` in
Italian), its codelists (labels in Italian and English) and SDMX
structure, its reference metadata (``metadata.json``, which the structure links to, in English;
``metadata.it.json`` the same in Italian), and ``manifest.json`` (period, version, time, note, the
version it supersedes and what the revision changed in the table (``changes``: observations
revised, added, removed), the months of the quarter that hold responses (``coverage``), the protection
parameters (``confidentiality`` in English, ``confidentiality_it`` in Italian: the same keys and numbers),
and each file's size and SHA-256). The directory
is written aside and renamed into place (never half a release), its files are made read-only, and
nothing ever rewrites it. A second publication of the same period is refused unless it is a
*revision* (``--revise --note "why"``), which becomes ``v2`` beside ``v1`` — and only when its
published figures differ (:func:`revises`: an observation revised, added or removed in ``table.csv``);
identical figures are refused as "not changed", whatever the dates in the other files say. Only a quarter that has
ended (Europe/Rome) is published. The public site (:mod:`warehouse.public`) serves releases only.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import export
from .cube import period_labels
from .export_periods import latest_ended
from .periods import PUBLISH_DELAY, ROME, complete_from, is_complete, months
from .protect import Protection
from .refmeta import reference_metadata

SCHEMA = "ascolto.release/1"
MANIFEST = "manifest.json"
#: file name → (export format, media type)
FILES = {"table.csv": ("csv", "text/csv; charset=utf-8"),
         "table.sdmx.csv": ("sdmx-csv", "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8"),
         "table.jsonstat.json": ("jsonstat", "application/json"),
         # the same collection labelled in Italian — codes, notes, statuses, the protection, the reference
         # metadata — the primary language of the statisticians it is for (the other in extension.labels)
         "table.jsonstat.it.json": ("jsonstat", "application/json"),
         # what makes the release self-describing: every code's label in Italian and English, and the
         # SDMX structure (DSD, codelists, dataflow) the SDMX-CSV names
         "codelists.csv": ("codelists", "text/csv; charset=utf-8"),
         "structure.xml": ("sdmx-structure", "application/vnd.sdmx.structure+xml; version=3.0.0"),
         # the quarter's reference metadata (ESS SIMS v2.0, warehouse.refmeta), which the structure's
         # dataflow links to (annotation REFERENCE_METADATA) on the public site; in English (SDMX's
         # lingua franca, as the export's default) and in Italian (the concepts as Istat's quality reports
         # name them), the same sub-keys and numbers: the release carries both languages (codelists.csv)
         "metadata.json": ("metadata", "application/json"),
         "metadata.it.json": ("metadata", "application/json")}
#: The language of each file — its labels and notes, its reference metadata (:data:`FILES`; English where not named)
LANGS = {"metadata.it.json": "it", "table.jsonstat.it.json": "it"}
_PERIOD = re.compile(r"^(\d{4})-Q([1-4])$")
_VERSION = re.compile(r"^v([1-9][0-9]*)$")


class ReleaseError(ValueError):
    """A publication refused: ``field`` names what is wrong. ``state`` True when the request is well formed and
    what is stored refuses it (already released, nothing to revise, no responses, identical figures, a file
    that fails its checksum: ``ascolto publish`` exits 1), False for the request itself (not a quarter, not
    ended, a revision without a note: exit 2)."""

    def __init__(self, field: str, problem: str, state: bool = False):
        super().__init__(f"{field}: {problem}")
        self.field, self.problem, self.state = field, problem, state


def check_quarter(period: str) -> None:
    """Refuse (:class:`ReleaseError` on ``period``) anything but a quarter label ``YYYY-Qn``."""
    if not _PERIOD.match(period or ""):
        raise ReleaseError("period", f"{period!r} is not a quarter (YYYY-Qn)")


def versions(root: Path, period: str) -> list[int]:
    d = Path(root) / period
    return sorted(int(m.group(1)) for p in (d.iterdir() if d.is_dir() else ()) if (m := _VERSION.match(p.name)))


def publish(con, period: str, root: Path, protection: Protection | None = None, *, revise: bool = False,
            note: str | None = None, now: datetime | None = None, microdata_k: int = 5) -> Path:
    """Freeze ``period``'s published table as the next release under ``root``; returns its directory.
    Its JSON-stat carries the quarter's reference metadata (:mod:`warehouse.refmeta`; ``microdata_k``
    as the installation's), as the console's JSON-stat export of the quarter does."""
    now = now or datetime.now(timezone.utc)
    # the day the warehouse reads the periods by at ``now`` (:func:`warehouse.periods.today_rome`): Rome's
    # date PUBLISH_DELAY ago — a quarter's last answers are stored before it is first read (route 21)
    today = (now.astimezone(ROME) - PUBLISH_DELAY).date()
    check_quarter(period)
    if not is_complete(period, today):
        hours = int(PUBLISH_DELAY.total_seconds() // 3600)
        latest = latest_ended(con, period, today)  # the one suggestion of every refusal of a running period
        raise ReleaseError("period", f"{period} has not ended yet: only a whole quarter is published; it can be "
                                     f"published from {complete_from(period).isoformat()} {hours:02d}:00 "
                                     "(Europe/Rome time); " + (f"ask for an ended one, such as {latest} (--period "
                                                               f"{latest})" if latest else
                                                               "no quarter with data has ended yet"))
    root = Path(root)
    have = versions(root, period)
    note = (note or "").strip() or None
    if have and not revise:
        raise ReleaseError("period", f"{period} is already released (v{have[-1]}); a change is a revision: "
                                     "--revise --note \"why\"", state=True)
    if revise and not have:
        raise ReleaseError("revise", f"{period} has no release to revise", state=True)
    if revise and not note:
        raise ReleaseError("note", "a revision says why (--note)")
    protection = protection or Protection()
    # judged at ``now``, like the checks above and the reference metadata: a release frozen as its
    # quarter ends holds no provisional figure, whatever the machine's calendar says
    df = export.publication_table(con, "Q", period, period, protection=protection, today=today)
    if df.empty:
        raise ReleaseError("period", f"no responses in {period}: nothing to publish", state=True)
    version = (have[-1] if have else 0) + 1
    final = root / period / f"v{version}"
    tmp = root / period / f".v{version}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    files: dict[str, Any] = {}
    reference = {lang: reference_metadata(con, "Q", period, period, protection, microdata_k, today=today, lang=lang)
                 for lang in ("en", "it")}
    for name, (fmt, media) in FILES.items():
        lang = LANGS.get(name, "en")
        body, _ = export.render(df, fmt, "Q", protection, lang=lang, reference=reference[lang],
                                metadata_url=f"{protection.site.rstrip('/')}/releases/{period}/v{version}/metadata.json")
        (tmp / name).write_bytes(body)
        files[name] = {"bytes": len(body), "sha256": hashlib.sha256(body).hexdigest(), "media_type": media,
                       "format": fmt}
    changed = changes(root / period / f"v{have[-1]}" / "table.csv", tmp / "table.csv") if have else None
    if changed is not None and not revises(changed):
        shutil.rmtree(tmp, ignore_errors=True)
        raise ReleaseError("revise", f"{period} has not changed since v{have[-1]}: its published figures are identical "
                                     f"({changed['unchanged']} observations, none revised, added or removed), so "
                                     "there is nothing to revise", state=True)
    manifest = {"schema": SCHEMA, "period": period, "version": version, "created_at": now.isoformat(),
                "note": note, "supersedes": f"v{have[-1]}" if have else None, "rows": int(len(df)),
                "changes": changed,
                "coverage": coverage(con, period),
                "dataflow": export.DATAFLOW, "confidentiality": protection.metadata("en"),
                "confidentiality_it": protection.metadata("it"), "files": files}
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8")
    for f in tmp.iterdir():
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())
        f.chmod(0o444)
    try:
        os.rename(tmp, final)  # fails if another publisher took this version meanwhile
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ReleaseError("period", f"{period} v{version} was released meanwhile", state=True) from None
    return final


def coverage(con, period: str) -> dict[str, Any]:
    """What of the quarter ``period`` the release covers: ``months``, those of its three months that
    hold counted responses, and ``whole``, whether all three do. A quarter whose data begin in its
    last month (the first of a series) or that misses a month is released, but says so (the public
    pages too): its figures are not those of a whole quarter."""
    first, last = months(period, "period")
    with_data = [m for m in period_labels(con, "M") if first <= m <= last]
    return {"months": with_data, "whole": len(with_data) == 3}


def changes(before: Path, after: Path) -> dict[str, int]:
    """What a revision changed in the published table (two ``table.csv`` files): ``revised``, the
    observations (same dimensions) whose value, bounds, N_RESP or flags differ; ``added`` and
    ``removed``, those only in the revision or only in the version it supersedes; ``unchanged``."""
    import csv

    def observations(path: Path) -> dict[tuple[str, ...], tuple[str, ...]]:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = csv.DictReader(fh)
            return {tuple(r[d] for d in export.SDMX_DIMENSIONS): tuple(r[c] for c in rows.fieldnames
                                                                        if c not in export.SDMX_DIMENSIONS)
                    for r in rows}

    old, new = observations(before), observations(after)
    both = old.keys() & new.keys()
    revised = sum(old[k] != new[k] for k in both)
    return {"revised": revised, "added": len(new.keys() - old.keys()), "removed": len(old.keys() - new.keys()),
            "unchanged": len(both) - revised}


def revises(changed: dict[str, int]) -> bool:
    """Whether a republication with these :func:`changes` is a revision: some published observation
    (protected cell: value, bounds, N_RESP or a flag) was revised, added or removed. Files that differ
    otherwise — JSON-stat's ``updated`` is the day of the newest response in *any* period, so a response of
    a later quarter changes it (the reference metadata's ``data_as_of`` is the quarter's own) — are not one."""
    return any(changed[k] for k in ("revised", "added", "removed"))


def describe(changed: dict[str, int] | None) -> str:
    """What a release changed, in words (``ascolto publish`` prints it): ``"first release"`` or
    ``"3 observations revised, 0 added, 0 removed, 117 unchanged"``."""
    if changed is None:
        return "first release"
    return (f"{changed['revised']} observations revised, {changed['added']} added, {changed['removed']} removed, "
            f"{changed['unchanged']} unchanged")


def verify(release: Path) -> dict[str, Any]:
    """The release's manifest, after checking every file's SHA-256 (ReleaseError on a mismatch)."""
    manifest = json.loads((Path(release) / MANIFEST).read_text("utf-8"))
    for name, meta in manifest["files"].items():
        if hashlib.sha256((Path(release) / name).read_bytes()).hexdigest() != meta["sha256"]:
            raise ReleaseError("release", f"{release}/{name} does not match its checksum", state=True)
    return manifest


def catalog(root: Path) -> dict[str, list[dict[str, Any]]]:
    """Every period's releases (manifests, oldest version first)."""
    root = Path(root)
    out: dict[str, list[dict[str, Any]]] = {}
    for d in sorted(root.iterdir() if root.is_dir() else ()):
        if _PERIOD.match(d.name):
            out[d.name] = [json.loads((d / f"v{v}" / MANIFEST).read_text("utf-8")) for v in versions(root, d.name)]
    return {p: m for p, m in out.items() if m}
