"""``ascolto``'s --help in plain text: the commands' docstrings are written for Sphinx as well as for
``--help`` (``--json``, :func:`name`); :func:`plain` turns every command's help into what a terminal
user reads (`--json`, name), so that no reStructuredText markup reaches the screen."""
from __future__ import annotations

import re

import click

_ROLE = re.compile(r":(?:func|mod|data|class|meth|attr):`([^`]*)`")


def plain(cmd: click.Command) -> None:
    """Rewrite the help of ``cmd`` and of every command under it: ``x`` -> `x`, :role:`x` -> x."""
    if cmd.help:
        cmd.help = _ROLE.sub(r"\1", cmd.help).replace("``", "`")
    for sub in getattr(cmd, "commands", {}).values():
        plain(sub)
