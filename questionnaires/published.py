"""The record of published definitions: ``published.json``, ``id@version`` → content hash.

A published definition is never edited (DESIGN §2): a change is a new version. The record keeps,
for each published ``id@version``, ``sha256:`` + the SHA-256 of the file's *canonical content* —
the parsed JSON serialized with sorted keys, no insignificant whitespace and UTF-8 text
(:func:`canonical_bytes`) — so re-indenting a file or reordering its keys is not an edit, while
changing any value (a label, a code, a rule) is. Loading the catalog and ``ascolto questionnaires
check`` both compare every published file with its recorded hash.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Mapping

MANIFEST_NAME = "published.json"
_KEY = re.compile(r"^([a-z][a-z0-9-]*)@([1-9][0-9]*)$")
_HASH = re.compile(r"^sha256:[0-9a-f]{64}$")


class ManifestError(ValueError):
    """``published.json`` is unreadable or malformed."""


def ref(qid: str, version: int) -> str:
    """The manifest key of a definition: ``id@version``."""
    return f"{qid}@{version}"


def parse_ref(key: str) -> tuple[str, int]:
    """``"cx-core@1"`` → ``("cx-core", 1)``; raises ``ValueError``."""
    m = _KEY.match(key)
    if not m:
        raise ValueError(f"not an id@version reference: {key!r}")
    return m.group(1), int(m.group(2))


def canonical_bytes(raw: Any) -> bytes:
    """The canonical content of a parsed definition (what the hash covers)."""
    return json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(raw: Any) -> str:
    """``sha256:<hex>`` of :func:`canonical_bytes`."""
    return "sha256:" + hashlib.sha256(canonical_bytes(raw)).hexdigest()


def read_manifest(path: Path) -> dict[str, str]:
    """The recorded hashes; an absent file is an empty record. Raises :class:`ManifestError`."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{path}: cannot read: {exc}") from None
    if not isinstance(data, dict):
        raise ManifestError(f"{path}: must be an object of 'id@version' to 'sha256:…'")
    bad = [k for k, v in data.items() if not _KEY.match(k) or not isinstance(v, str) or not _HASH.match(v)]
    if bad:
        raise ManifestError(f"{path}: malformed entries {bad} (expected 'id@version': 'sha256:<64 hex>')")
    return dict(data)


def write_manifest(path: Path, entries: Mapping[str, str]) -> None:
    """Write the record atomically, ordered by id then version."""
    ordered = dict(sorted(entries.items(), key=lambda kv: parse_ref(kv[0])))
    text = json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".published-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
