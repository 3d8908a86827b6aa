"""Packaging: a wheel built from the tracked files is quiet and carries every data file.

setuptools warns once per file ("Package 'collector.static' is absent from the `packages`
configuration", ~250 lines on `pip install -e .`) when data directories are not packages of their
own; setup.cfg uses `find_namespace:` so they are.
"""
import configparser
import pathlib
import subprocess
import sys
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent

#: Packages whose tracked non-Python files are read at run time (templates, static files, definitions...).
RUNTIME_PACKAGES = ("ascolto", "settings", "privacy", "questionnaires", "dataset", "registry", "collector",
                    "processor", "warehouse", "deploy/demo_site")


def _data_files() -> list[str]:
    """Every tracked file the installed code may read that is not Python: each must be in the wheel
    (a hand-kept list missed the public site's templates, so the image's open-data site had none)."""
    files = [f for f in _tracked_files() if not f.endswith(".py") and f.startswith(tuple(p + "/" for p in RUNTIME_PACKAGES))]
    assert "warehouse/public/templates/base.html" in files and "collector/static/widget.js" in files
    return files


def _tracked_files():
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("not a git checkout")
    return [line for line in out.stdout.splitlines() if line]


def test_package_data_keys_are_the_data_directories():
    """Each data directory is named as its own package (no data file under a parent's key)."""
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    assert cfg["options"]["packages"].strip() == "find_namespace:"
    keys = set(cfg["options.package_data"])
    for path in _data_files():
        package = path.rsplit("/", 1)[0].replace("/", ".")
        assert package in keys, f"{package} is not a package_data key"


def test_wheel_build_is_quiet_and_complete(tmp_path):
    src = tmp_path / "src"
    for rel in _tracked_files():
        target = src / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((ROOT / rel).read_bytes())
    out = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(tmp_path / "dist"), str(src)],
        capture_output=True, text=True, timeout=300)
    log = out.stdout + out.stderr
    if out.returncode != 0 and ("No matching distribution" in log or "Could not find a version" in log):
        pytest.skip("no package index for the build requirements")
    assert out.returncode == 0, log[-3000:]
    assert "is absent from the `packages` configuration" not in log
    assert "Package would be ignored" not in log
    [wheel] = (tmp_path / "dist").glob("ascolto-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [p for p in _data_files() if p not in names]
    assert not missing, missing
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)


def _imported_modules(path: pathlib.Path) -> set[str]:
    """The top-level names of every absolute import in ``path``, function-level imports included."""
    import ast

    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_every_library_the_installed_code_imports_is_an_install_requirement():
    # pysdmx and lxml were development requirements only: an installed stack (make run, the image)
    # failed `ascolto publish` and `ascolto export --format sdmx-structure` with "No module named 'lxml'"
    import re
    from importlib.metadata import packages_distributions

    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    required = {re.split(r"[\[=<>!~ ]", line.strip())[0].lower().replace("_", "-")
                for line in cfg["options"]["install_requires"].splitlines() if line.strip() and not line.strip().startswith("#")}
    own = {p.split("/")[0] for p in RUNTIME_PACKAGES} | {"tests", "bench"}
    dists = packages_distributions()
    missing = {}
    for f in _tracked_files():
        if not f.endswith(".py") or not f.startswith(tuple(p + "/" for p in RUNTIME_PACKAGES)):
            continue
        for name in _imported_modules(ROOT / f):
            if name in own or name in sys.stdlib_module_names or name == "__future__":
                continue
            provided = {d.lower().replace("_", "-") for d in dists.get(name, [name])}
            if not provided & required:
                missing.setdefault(name, []).append(f)
    assert missing == {}, f"imported by the installed code but not in install_requires: {missing}"
