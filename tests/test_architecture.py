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


def _environment_reads(path: Path) -> list[int]:
    """Lines of ``os.environ`` / ``os.getenv`` / ``from os import environ, getenv`` in a module."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb") \
                and isinstance(node.value, ast.Name) and node.value.id == "os":
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" \
                and {a.name for a in node.names} & {"environ", "getenv", "environb"}:
            lines.append(node.lineno)
    return lines


def test_only_settings_reads_the_environment():
    packages = ["questionnaires", "dataset", "registry", "collector", "processor", "warehouse", "ascolto", "deploy"]
    offenders = {str(p.relative_to(ROOT)): _environment_reads(p) for package in packages
                 for p in (ROOT / package).rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}
    assert _environment_reads(ROOT / "settings" / "__init__.py")


def test_no_derived_value_is_written_into_a_frozen_object():
    """Caches of derived values live beside the objects (:mod:`questionnaires.memo`), not inside them."""
    offenders = {}
    for package in ("questionnaires", "dataset", "registry", "collector", "processor", "warehouse"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text("utf-8"))
            hits = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "__setattr__"
                    and isinstance(n.value, ast.Name) and n.value.id == "object"]
            if hits:
                offenders[str(path.relative_to(ROOT))] = hits
    assert offenders == {}
