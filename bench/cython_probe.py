"""A design probe for issue 18: what does compiling the hot modules, unchanged, with Cython buy?

    python -m bench.cython_probe [--rounds 2] [--submissions 60000]

Not a build step and not a dependency (Cython is installed by hand: ``pip install cython==3.1.8``; a C
compiler and the Python headers are needed). The tracked files of this checkout are copied to a temporary
directory, and there the modules on the processor's and the collector's hot paths (:data:`MODULES`) are
compiled in place as they are (``annotation_typing=False``: the annotations stay hints, as in CPython).
Then, alternated ``--rounds`` times, the same benches run on the copy with and without its extension
modules (Python imports an extension module before a ``.py`` of the same name):

* ``bench.inprocess processor`` and ``bench.inprocess collector`` (CPU per envelope of each step, per
  request of each WSGI app);
* ``bench.processor`` (one process into committed Parquet against the raw kafka-python consume of the
  same topic).

Prints each bench's result lines under ``compiled`` or ``python``. Not run by pytest nor by ``make bench``.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Every module a processed record or an accepted request runs through, beyond Flask and the clients.
MODULES = ["processor/steps.py", "processor/strategies.py", "processor/sink.py", "processor/ids.py",
           "processor/redact.py", "questionnaires/envelope.py", "questionnaires/harmonize.py",
           "questionnaires/validation.py", "questionnaires/model.py", "questionnaires/memo.py",
           "questionnaires/periods.py", "questionnaires/funnel.py", "questionnaires/scales.py",
           "questionnaires/vocabulary.py", "dataset/files.py", "dataset/recordkey.py",
           "collector/intake.py", "collector/body.py", "collector/durable.py", "collector/spool.py",
           "collector/ratelimit.py", "collector/localwindow.py", "collector/device.py", "collector/cors.py",
           "collector/errors.py", "collector/backends.py", "collector/cooperative.py", "collector/app.py"]
_BUILD = """
import glob, sys
from setuptools import setup
from Cython.Build import cythonize
mods = sys.argv[1:] + [f for f in glob.glob("privacy/*.py") if not f.endswith("__init__.py")]
setup(ext_modules=cythonize(mods, language_level=3, quiet=True, nthreads=2,
      compiler_directives={"binding": True, "annotation_typing": False}),
      script_args=["build_ext", "--inplace", "-j", "2"])
"""


def copy_checkout(dest: Path) -> None:
    """The files git tracks in this checkout, as they are in the working tree, under ``dest``."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    for name in filter(None, names.decode().split("\0")):
        src, dst = ROOT / name, dest / name
        if src.is_file():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def compile_modules(tree: Path) -> list[Path]:
    """Compile :data:`MODULES` (and ``privacy/*``) in place under ``tree``; returns the extension files."""
    subprocess.run([sys.executable, "-c", _BUILD, *MODULES], cwd=tree, check=True, capture_output=True)
    return sorted(p for p in tree.rglob("*.so") if "build" not in p.relative_to(tree).parts)


def run(tree: Path, compiled: bool, stash: Path, sos: list[Path], args: list[str]) -> str:
    """One bench on ``tree``, with its extension modules in place or moved to ``stash``."""
    for so in sos:
        kept = stash / "__".join(so.relative_to(tree).parts)
        a, b = (kept, so) if compiled else (so, kept)
        if a.exists():
            a.rename(b)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-m", *args], cwd=tree, env=env, capture_output=True, text=True)
    return out.stdout + (out.stderr if out.returncode else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--submissions", type=int, default=60000)
    a = ap.parse_args()
    benches = {
        "inprocess processor": (["bench.inprocess", "processor", "--submissions", "20000"], ("µs CPU",)),
        "inprocess collector": (["bench.inprocess", "collector", "--requests", "5000"], ("µs CPU",)),
        "processor": (["bench.processor", "--submissions", str(a.submissions), "--rounds", "3", "--index-ids", "0",
                       "--members", "0", "--backlog", "0"], ("processor into", "ratio processor/raw")),
    }
    with tempfile.TemporaryDirectory(prefix="ascolto-cython-") as tmp:
        tree, stash = Path(tmp) / "tree", Path(tmp) / "stash"
        stash.mkdir()
        copy_checkout(tree)
        sos = compile_modules(tree)
        print(f"{len(sos)} modules compiled with Cython")
        for r in range(1, a.rounds + 1):
            for name, (args, keep) in benches.items():
                for compiled in (True, False):
                    out = run(tree, compiled, stash, sos, args)
                    lines = [ln for ln in out.splitlines() if any(k in ln for k in keep)] or out.splitlines()[-5:]
                    print(f"== round {r}, {name}, {'compiled' if compiled else 'python'}")
                    print("\n".join(lines))


if __name__ == "__main__":
    main()
