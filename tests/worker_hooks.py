"""deploy/gunicorn.conf.py's ``post_worker_init`` run as gunicorn runs it, in a fresh interpreter (what it
loads or freezes is process-wide: the test process must not share it)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def after_post_worker_init(steps: list[tuple[str, str]], imports: str = "") -> list[str]:
    """For each (app_uri, expression) in turn: ``post_worker_init`` for a worker of that app, then the
    expression printed; the printed values, as strings. ``imports``: a line of imports the expressions need."""
    code = [f"import runpy, types; {imports}", "conf = runpy.run_path('deploy/gunicorn.conf.py')"]
    for app_uri, expression in steps:
        code.append(f"conf['post_worker_init'](types.SimpleNamespace(app=types.SimpleNamespace(app_uri={app_uri!r})))")
        code.append(f"print({expression})")
    return subprocess.run([sys.executable, "-c", "\n".join(code)], capture_output=True, text=True, check=True,
                          cwd=ROOT).stdout.split()
