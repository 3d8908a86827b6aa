"""Every command of ``ascolto`` says in ``--help`` what it does and what each of its options is for.

The operator's second round found options listed bare (``import-ipa --batch-size``, ``service-types
--lang``, the ``plans`` commands' options, ``devices list``, ``joins list``, ``test-submissions
--limit``, ``token list --json``, ``export --format/--freq``, ``indicators --indicator``, ``demo
--responses``): the test walks the whole click command tree, so a new command or option without help
fails here, wherever it is added. Static: nothing is run, no registry nor data are needed.
"""
from __future__ import annotations

from collections.abc import Iterator

import click
import pytest

from ascolto.cli import main


def _commands(cmd: click.Command, path: tuple[str, ...] = ("ascolto",)) -> Iterator[tuple[str, click.Command]]:
    """Every command under ``cmd`` (itself included), with its path as typed."""
    yield " ".join(path), cmd
    if isinstance(cmd, click.Group):
        for name, sub in sorted(cmd.commands.items()):
            yield from _commands(sub, (*path, name))


COMMANDS = dict(_commands(main))


def test_the_walk_reaches_the_nested_commands():
    for path in ("ascolto registry plans update", "ascolto registry devices list", "ascolto registry joins list",
                 "ascolto registry test-submissions", "ascolto registry import-ipa", "ascolto processor check"):
        assert path in COMMANDS


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_and_option_has_help_text(path):
    cmd = COMMANDS[path]
    assert (cmd.help or "").strip(), f"{path}: command without help text"
    bare = [p.opts[0] for p in cmd.params if isinstance(p, click.Option) and not p.hidden and not (p.help or "").strip()]
    assert not bare, f"{path}: options without --help text: {bare}"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_argument_is_named_in_its_commands_help(path):
    """Click gives an argument no help of its own: the command's text names it (KEY, PLAN_ID…) unless the
    usage line already lists its values (a choice)."""
    cmd = COMMANDS[path]
    unnamed = [p.human_readable_name for p in cmd.params if isinstance(p, click.Argument)
               and not isinstance(p.type, click.Choice) and p.human_readable_name.rstrip(".") not in (cmd.help or "")]
    assert not unnamed, f"{path}: arguments its help does not mention: {unnamed}"


@pytest.mark.parametrize("path, option, words", [
    ("ascolto registry import-ipa", "--batch-size", "transaction"),
    ("ascolto registry service-types", "--lang", "English"),
    ("ascolto registry test-submissions", "--limit", "check-ups"),
    ("ascolto registry plans update", "--status", "withdrawn"),
])
def test_the_help_is_shown_by_help(path, option, words):
    """The text reaches ``--help``'s output (rendered without a registry: help is eager)."""
    cmd, ctx = COMMANDS[path], click.Context(COMMANDS[path], info_name=path)
    text = cmd.get_help(ctx)
    line = text[text.index(option):]
    assert words in " ".join(line.split()[:40]), line[:400]


@pytest.mark.parametrize("path, words", [
    ("ascolto up", "public site :8003"),
    ("ascolto collector", "ASCOLTO_BIND_HOST:ASCOLTO_COLLECTOR_PORT (0.0.0.0:8000)"),
    ("ascolto collector", "Exits 2 with one line"),
    ("ascolto console", "ASCOLTO_BIND_HOST:ASCOLTO_CONSOLE_PORT (0.0.0.0:8001)"),
    ("ascolto processor", "Exits 3 when halted"),
])
def test_a_servers_help_says_where_it_listens_and_its_exit_statuses(path, words):
    cmd, ctx = COMMANDS[path], click.Context(COMMANDS[path], info_name=path)
    assert words in " ".join(cmd.get_help(ctx).split())


@pytest.mark.parametrize("name", sorted(main.commands))
def test_the_readmes_command_lines_show_every_command_ascolto_help_lists(name):
    """``ascolto --help`` listed ``edge-errors``, which no command line of the README showed: each
    top-level command is in one of the README's shell blocks, with a word on what it does."""
    import re
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    shown = "\n".join(re.findall(r"```sh\n(.*?)```", readme, re.S))
    assert re.search(rf"^\.venv/bin/ascolto {re.escape(name)}\b.*#", shown, re.M), name


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_the_help_a_terminal_shows_has_no_markup_nor_module_paths(path):
    """``ascolto export --help`` showed "``--freq`` defaults to M (:func:`default_freq`)" and sent the
    reader to ``warehouse.export.check_out`` and ``ascolto.cli_datadir`` for its exit statuses, and
    ``indicators --help`` to four modules: the help says it in words, with no reStructuredText."""
    import re

    cmd, ctx = COMMANDS[path], click.Context(COMMANDS[path], info_name=path)
    text = cmd.get_help(ctx)
    assert "``" not in text and not re.search(r":(func|mod|data|class|meth|attr):`", text), text
    assert not re.findall(r"\b(?:warehouse|ascolto|registry|collector|processor)\.[a-z_]+\.[a-z_]+", text), text
