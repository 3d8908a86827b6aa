"""``ascolto export`` resolves its data directory explicitly and refuses to export nothing (issue 19, point 11)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parent.parent


def _ascolto(args, cwd, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASCOLTO_")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "ascolto.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_outside_the_repository_fails_clearly_and_writes_nothing(tmp_path):
    out = _ascolto(["export", "--format", "csv", "--out", "cx.csv"], cwd=tmp_path)
    assert out.returncode != 0
    assert "no dataset found" in out.stderr and "ASCOLTO_DATA_DIR" in out.stderr
    assert list(tmp_path.iterdir()) == []  # no cx.csv, no stray var/


@pytest.mark.parametrize("fmt,name", [("jsonstat", "cx.json"), ("datapackage", "pkg")])
def test_configured_but_empty_data_dir_fails(tmp_path, fmt, name):
    empty = tmp_path / "data"
    empty.mkdir()
    out = _ascolto(["export", "--format", fmt, "--out", name], cwd=tmp_path, env_extra={"ASCOLTO_DATA_DIR": str(empty)})
    assert out.returncode != 0 and f"no dataset in {empty}" in out.stderr
    assert not (tmp_path / name).exists() and list(empty.iterdir()) == []


def test_found_from_a_subdirectory_of_a_checkout(data_dir, tmp_path):
    checkout = tmp_path / "checkout"
    (checkout / "docs").mkdir(parents=True)
    (checkout / "var").symlink_to(data_dir)
    # monthly: the fixture's months have ended, its year 2026 may still be running (not published)
    out = _ascolto(["export", "--format", "csv", "--freq", "M", "--out", str(tmp_path / "cx.csv")], cwd=checkout / "docs")
    assert out.returncode == 0, out.stderr
    assert len((tmp_path / "cx.csv").read_text().splitlines()) > 10


def test_data_dir_option_wins(data_dir, tmp_path_factory):
    cwd = tmp_path_factory.mktemp("elsewhere")
    # monthly, as above: an export of the running year alone holds no figure and is refused (--freq)
    out = _ascolto(["export", "--format", "csv", "--freq", "M", "--out", "cx.csv", "--data-dir", str(data_dir)], cwd=cwd,
                   env_extra={"ASCOLTO_DATA_DIR": str(cwd / "nowhere")})
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in cwd.iterdir()) == ["cx.codelists.csv", "cx.csv"]  # the data and its codelists
