"""`ascolto up` (make run) on a machine where a port it listens on is taken: it says which, and what to do,
before it starts anything. It used to start the broker and the children, wait 30 s for the collector's
health check and stop with "http://127.0.0.1:8000/healthz did not answer within 30.0s" — or, when the
port was another stack's collector or broker, go on talking to that one. And a server that does not
answer: said at once when it exited, after a longer wait (a first start on a busy machine) otherwise,
with what to do."""
from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from deploy.broker import free_port
from deploy.up import up, wait_http
from settings import Settings


def _ports(**overrides) -> dict[str, int]:
    ports = {f"{name}_port": free_port() for name in ("collector", "console", "public", "demo", "broker")}
    return {**ports, **overrides}


def test_a_port_in_use_stops_up_at_once_naming_the_port_and_its_variable(tmp_path, capsys):
    with socket.socket() as other:  # another program's server on the collector's port
        other.bind(("127.0.0.1", 0))
        other.listen()
        taken = other.getsockname()[1]
        settings = Settings(data_dir=tmp_path / "data", **_ports(collector_port=taken))
        started = time.monotonic()
        status = up(settings, demo_responses=0, demo_months=0)
    err = capsys.readouterr().err
    assert status == 2 and time.monotonic() - started < 5
    assert f"port {taken} (the collector, ASCOLTO_COLLECTOR_PORT) is in use on 127.0.0.1" in err
    assert "set the variable to a free port" in err
    assert not (tmp_path / "data").exists()  # nothing started, nothing written


def test_one_port_given_to_two_parts_is_refused_naming_both(tmp_path, capsys):
    ports = _ports()
    settings = Settings(data_dir=tmp_path / "data", **{**ports, "console_port": ports["collector_port"]})
    assert up(settings, demo_responses=0, demo_months=0) == 2
    err = capsys.readouterr().err
    assert (f"port {ports['collector_port']} is set for both the collector (ASCOLTO_COLLECTOR_PORT) and "
            "the console (ASCOLTO_CONSOLE_PORT)") in err


def test_a_server_that_exits_before_answering_is_said_at_once():
    server = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"])
    started = time.monotonic()
    with pytest.raises(RuntimeError) as refused:
        wait_http("collector", f"http://127.0.0.1:{free_port()}/healthz", server, timeout_s=60)
    assert time.monotonic() - started < 15  # not the whole wait
    assert "the collector exited with status 3 before answering" in str(refused.value)
    assert "log lines above say why" in str(refused.value)


def test_a_server_that_never_answers_is_said_with_what_to_do():
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with pytest.raises(RuntimeError) as refused:
            wait_http("console", f"http://127.0.0.1:{free_port()}/healthz", server, timeout_s=1)
    finally:
        server.kill()
        server.wait()
    assert "the console did not answer" in str(refused.value) and "within 1 s" in str(refused.value)
    assert "run it again" in str(refused.value)


def test_a_start_that_fails_makes_no_demo_token_it_could_not_show(tmp_path, monkeypatch, capsys):
    """The demo tokens were made before the servers started and printed once all was up: a first `make run`
    that failed in between (a slow start, Ctrl-C) left tokens nobody ever saw, and every later run said
    they "were printed when they were first created". They are made only where they are printed now."""
    import signal

    import deploy.up
    from registry import connect, session_scope
    from registry.tokens import list_tokens

    monkeypatch.setattr(deploy.up, "START_TIMEOUT_S", 0.0)  # the collector cannot have answered yet
    settings = Settings(data_dir=tmp_path / "data", **_ports())
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}  # up() takes them
    try:
        assert up(settings, demo_responses=0, demo_months=0) == 1
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert "the collector did not answer" in capsys.readouterr().err
    with session_scope(connect(settings.database_url, create=False)) as s:
        assert list_tokens(s) == []


def test_a_negative_demo_count_is_a_usage_error_before_anything_starts(tmp_path):
    """``ascolto up --demo-responses -5`` was taken: the stack started and, once up, "posted" -5 answers.
    It is refused at once naming the option, as ``--demo-months -1`` is (the collector's port is held
    here, so that a command that did start would stop at its port check, not start a stack)."""
    from click.testing import CliRunner

    from ascolto.cli import main

    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        env = {"ASCOLTO_DATA_DIR": str(tmp_path / "data"), "ASCOLTO_COLLECTOR_PORT": str(other.getsockname()[1])}
        result = CliRunner().invoke(main, ["up", "--demo-responses", "-5"], env=env)
    assert result.exit_code == 2 and "--demo-responses" in result.output, result.output
    assert "-5 is not in the range x>=0" in result.output
    assert not (tmp_path / "data").exists()
