"""The import rules of docs/architecture.md, enforced by an AST scan of every package.

Layers, bottom up: ``settings``, ``privacy`` and ``questionnaires`` (import nothing of Ascolto) ← ``dataset`` and
``registry`` ← ``collector`` / ``processor`` / ``warehouse`` (never each other: they meet only in
Kafka records, the Parquet dataset and the registry) ← ``deploy`` ← ``ascolto`` (the CLI, on top).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: package → the packages of Ascolto it may import (anything else of Ascolto is refused).
ALLOWED = {
    "settings": set(),
    "privacy": set(),  # the redactor: the collector (spool) and the processor use it
    "questionnaires": set(),
    "dataset": {"settings", "questionnaires"},
    "registry": {"questionnaires"},
    "collector": {"settings", "privacy", "questionnaires", "dataset", "registry"},
    "processor": {"settings", "privacy", "questionnaires", "dataset", "registry"},
    "warehouse": {"settings", "questionnaires", "dataset", "registry"},
    "deploy": {"settings", "privacy", "questionnaires", "registry"},  # privacy: the workers warm its lexicon
    "ascolto": {"settings", "privacy", "questionnaires", "dataset", "registry", "processor", "warehouse", "deploy"},
}
PACKAGES = set(ALLOWED)
#: the only modules of ``dataset`` the collector may use (stdlib only: no pyarrow in the web workers)
COLLECTOR_DATASET = {"dataset.durable"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _walk(node: ast.AST):
    """Every node, except what is under ``if TYPE_CHECKING:`` (annotations only, never imported)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and isinstance(child.test, ast.Name) and child.test.id == "TYPE_CHECKING":
            continue
        yield child
        yield from _walk(child)


def _imports(path: Path) -> set[str]:
    """Dotted names of the Ascolto modules ``path`` imports (relative imports resolved)."""
    tree = ast.parse(path.read_text("utf-8"))
    here = _module_name(path).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    out = set()
    for node in _walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(here[:len(here) - node.level + 1] + ([base] if base else []))
            out |= {f"{base}.{a.name}" if (ROOT / Path(*base.split("."), a.name)).with_suffix(".py").exists()
                    or (ROOT / Path(*base.split("."), a.name)).is_dir() else base for a in node.names}
    return {m for m in out if m.split(".")[0] in PACKAGES}


def _files(package: str):
    return sorted((ROOT / package).rglob("*.py"))


def test_every_package_is_in_the_table():
    on_disk = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "bench"}
    assert on_disk == PACKAGES


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_follow_the_allowed_dependencies(package):
    offenders = {}
    for path in _files(package):
        bad = sorted({m for m in _imports(path) if m.split(".")[0] not in ALLOWED[package] | {package}})
        if bad:
            offenders[str(path.relative_to(ROOT))] = bad
    assert offenders == {}


def test_the_collector_uses_only_the_stdlib_part_of_the_dataset_package():
    used = {m for path in _files("collector") for m in _imports(path) if m.split(".")[0] == "dataset"}
    assert used and used <= COLLECTOR_DATASET


def test_no_import_cycles_between_modules():
    """No two modules import each other, directly or through others (lazy imports in functions count:
    the old canonical ↔ steps cycle was one). A package's ``__init__`` re-exporting its modules is no cycle."""
    graph = {_module_name(p): _imports(p) for package in ALLOWED for p in _files(package)}
    graph = {m: {d for d in deps if d in graph and d != m and "." in d} for m, deps in graph.items() if "." in m}
    cycles = []

    def visit(m: str, stack: list[str]) -> None:
        for d in sorted(graph.get(m, ())):
            if d == stack[0]:
                cycles.append(" -> ".join(stack + [d]))
            elif d not in stack and d > stack[0]:  # each cycle reported once, from its smallest module
                visit(d, stack + [d])

    for m in sorted(graph):
        visit(m, [m])
    assert cycles == []


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
    offenders = {str(p.relative_to(ROOT)): _environment_reads(p) for package in sorted(PACKAGES - {"settings"})
                 for p in _files(package)}
    assert {k: v for k, v in offenders.items() if v} == {}
    assert _environment_reads(ROOT / "settings" / "__init__.py")


def test_no_derived_value_is_written_into_a_frozen_object():
    """Caches of derived values live beside the objects (:mod:`questionnaires.memo`), not inside them."""
    offenders = {}
    for package in sorted(PACKAGES - {"settings"}):
        for path in _files(package):
            tree = ast.parse(path.read_text("utf-8"))
            hits = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "__setattr__"
                    and isinstance(n.value, ast.Name) and n.value.id == "object"]
            if hits:
                offenders[str(path.relative_to(ROOT))] = hits
    assert offenders == {}


def test_no_module_is_over_about_400_lines():
    long = {str(p.relative_to(ROOT)): n for package in sorted(PACKAGES) for p in _files(package)
            if (n := len(p.read_text("utf-8").splitlines())) > 420}
    assert long == {}


def _rome_zones(path: Path) -> list[int]:
    """Lines of ``ZoneInfo("Europe/Rome")`` in a module."""
    return [n.lineno for n in ast.walk(ast.parse(path.read_text("utf-8"))) if isinstance(n, ast.Call)
            and getattr(n.func, "id", getattr(n.func, "attr", None)) == "ZoneInfo"
            and any(isinstance(a, ast.Constant) and a.value == "Europe/Rome" for a in n.args)]


def test_rome_time_has_one_home():
    """The reference period (a response's month in Rome) and today's date in Rome are
    :mod:`questionnaires.periods`' for every part: the processor kept three zones of its own (steps, sink,
    funnel), the registry's plans and the purge command one each, the console a second set of helpers
    (``data_quality.rome_minute``/``rome_time``) and the publisher a third zone."""
    offenders = {str(p.relative_to(ROOT)): lines for package in sorted(PACKAGES) for p in _files(package)
                 if (lines := _rome_zones(p))}
    assert list(offenders) == ["questionnaires/periods.py"]
