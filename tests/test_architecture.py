"""Imports flow one way: questionnaires ← registry ← collector / processor → Parquet → warehouse."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "questionnaires": {"registry", "collector", "processor", "warehouse", "deploy", "ascolto"},
    "dataset": {"registry", "collector", "processor", "warehouse", "deploy", "ascolto"},
    "registry": {"collector", "processor", "warehouse", "deploy"},
    "collector": {"processor", "warehouse", "deploy"},
    "processor": {"collector", "warehouse", "deploy"},
    "warehouse": {"collector", "processor", "deploy"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_backward_imports(package):
    offenders = {str(p.relative_to(ROOT)): sorted(_imports(p) & FORBIDDEN[package])
                 for p in (ROOT / package).rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}
