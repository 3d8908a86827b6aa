"""An application under real gunicorn for a test, as ``ascolto up`` starts it (:func:`deploy.up.gunicorn_cmd`)."""
from __future__ import annotations

import contextlib
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Iterator

from deploy.broker import free_port
from deploy.up import gunicorn_cmd


@contextlib.contextmanager
def gunicorn_served(app: str, env: dict[str, str], log: Path, timeout_s: float = 120) -> Iterator[int]:
    """``app`` (a gunicorn app spec) on a free port with ``env``, its output in ``log``: yields the port once
    ``/healthz`` answers, and stops it (terminate, then wait) whatever happens. Raises AssertionError holding
    the log when gunicorn exits or is not ready within ``timeout_s``."""
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(gunicorn_cmd(app, port), env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, Path(log).read_text()
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(30)
