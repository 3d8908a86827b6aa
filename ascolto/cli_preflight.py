"""What a server command checks before it starts (``ascolto collector|console|public|edge-errors|processor|
shipper``), and how any command words a file system error: one line naming the setting and what to do.

Without these, a port held by another program was five seconds of gunicorn's retries and "Can't connect",
naming neither the variable nor the fix; an unknown ``ASCOLTO_BIND_HOST`` the same; an
``ASCOLTO_DATA_DIR`` that is a file, or on a read-only mount, a traceback from every worker
("Worker failed to boot"), from the shipper in a restart loop, from the processor (``ckm-secret``) and
from ``ascolto registry …`` (the SQLite registry's directory).
"""
from __future__ import annotations

import os
import socket
import sys
import tempfile
from pathlib import Path

import click

#: the exit status of a server command that cannot start with the configuration it was given
EXIT_CONFIG = 2


def listen_problem(host: str, port: int, port_var: str) -> str | None:
    """Why ``host:port`` cannot be listened on now (resolved and bound as gunicorn does, with
    SO_REUSEADDR: a stopped server's connections in TIME_WAIT do not count), said with the variables
    that move it; None when it can."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as exc:
        return (f"cannot listen on {host}:{port}: ASCOLTO_BIND_HOST {host!r} is not an address of this host "
                f"({getattr(exc, 'strerror', None) or exc}); set it to 0.0.0.0, 127.0.0.1 or one of its addresses")
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            fix = (f"stop the program that listens there, or set {port_var} to a free port"
                   if exc.errno == 98 else f"check ASCOLTO_BIND_HOST and {port_var}")
            return f"cannot listen on {host}:{port} ({port_var}): {exc.strerror or exc}; {fix}"
    return None


def directory_problem(path: Path, var: str, writable: bool = True) -> str | None:
    """Why ``path`` (the value, or the default, of ``var``) cannot serve as that directory — it cannot be
    made, is not a directory or (``writable``) refuses a new file (a read-only mount, a full disk is
    not one: the file is empty) — else None. Makes the directory (and its parents) when it is missing."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        if writable:
            with tempfile.TemporaryFile(dir=path, prefix=".ascolto-check-"):
                pass
        elif not os.access(path, os.R_OK | os.X_OK):
            raise PermissionError(13, "Permission denied")
    except OSError as exc:
        need = "a writable directory" if writable else "a readable directory"
        return f"{var} {path} is not usable ({exc.strerror or exc}): set {var} to {need} of this host"
    return None


#: the directory settings a file system error is named by, most specific first
DIRECTORY_SETTINGS = (("spool_dir", "ASCOLTO_SPOOL_DIR"), ("run_dir", "ASCOLTO_RUN_DIR"),
                      ("releases_path", "ASCOLTO_RELEASES_DIR"), ("data_dir", "ASCOLTO_DATA_DIR"))


def file_error_line(exc: OSError, settings) -> str:
    """One line for a file system error a command met: the file, the reason, and the setting whose
    directory holds the file (or, for a file outside them, the file alone)."""
    name = exc.filename or ""
    reason = exc.strerror or str(exc)
    for attr, var in DIRECTORY_SETTINGS:
        base = Path(getattr(settings, attr, "") or "")
        if name and base.parts and (Path(name) == base or base in Path(name).parents):
            return (f"cannot use {name} ({reason}): check {var} ({base}) — an existing, writable directory "
                    "with free space")
    return f"cannot use {name or 'a file'} ({reason})"


def preflight(port: int | None = None, host: str = "", port_var: str = "",
              dirs: tuple[tuple[Path, str, bool], ...] = ()) -> None:
    """Exit 2 with one line naming the setting when a server cannot start as configured: ``port`` on
    ``host`` cannot be listened on, or a directory of ``dirs`` ((path, variable, must be writable)) cannot
    be made or used (:mod:`ascolto.cli_preflight`)."""
    problems = [directory_problem(path, var, writable) for path, var, writable in dirs]
    if port is not None:
        problems.append(listen_problem(host, port, port_var))
    if problem := next((p for p in problems if p), None):
        click.echo(f"Error: {problem}", err=True)
        sys.exit(EXIT_CONFIG)
