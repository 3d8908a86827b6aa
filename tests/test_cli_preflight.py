"""A server command that cannot start as configured says so on one line naming the setting, exit 2,
before gunicorn or a Kafka client starts (ascolto/cli_preflight.py): a port held by another program, an
unknown ASCOLTO_BIND_HOST, a data, spool or run directory that is a file or cannot be made. Any other
command meeting a file system error names the file and the setting whose directory holds it, exit 1."""
from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(tmp_path, *args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "ASCOLTO_DATA_DIR": str(tmp_path / "data"),
            "ASCOLTO_BROKER": "127.0.0.1:1", "ASCOLTO_BIND_HOST": "127.0.0.1"}
    return subprocess.run([sys.executable, "-m", "ascolto", *args], env={**base, **env}, capture_output=True,
                          text=True, timeout=timeout, cwd=tmp_path)


def _one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    return lines[0]


@pytest.fixture
def busy_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.mark.parametrize("command, var", [("collector", "ASCOLTO_COLLECTOR_PORT"), ("console", "ASCOLTO_CONSOLE_PORT"),
                                          ("public", "ASCOLTO_PUBLIC_PORT")])
def test_a_port_in_use_is_named_with_its_variable(tmp_path, busy_port, command, var):
    result = _run(tmp_path, command, **{var: str(busy_port)})
    assert result.returncode == 2
    line = _one_line(result)
    assert line.startswith(f"Error: cannot listen on 127.0.0.1:{busy_port} ({var}): ") and f"set {var} to a free port" in line


def test_an_unknown_bind_host_is_named(tmp_path):
    result = _run(tmp_path, "console", ASCOLTO_BIND_HOST="no-such-host.invalid")
    assert result.returncode == 2
    assert "ASCOLTO_BIND_HOST 'no-such-host.invalid' is not an address of this host" in _one_line(result)


@pytest.mark.parametrize("command, var, what", [
    ("collector", "ASCOLTO_DATA_DIR", "ASCOLTO_DATA_DIR"),
    ("console", "ASCOLTO_DATA_DIR", "ASCOLTO_DATA_DIR"),
    ("processor", "ASCOLTO_DATA_DIR", "ASCOLTO_DATA_DIR"),
    ("shipper", "ASCOLTO_SPOOL_DIR", "ASCOLTO_SPOOL_DIR"),
    ("collector", "ASCOLTO_SPOOL_DIR", "ASCOLTO_SPOOL_DIR"),
    ("processor", "ASCOLTO_RUN_DIR", "ASCOLTO_RUN_DIR"),
])
def test_a_directory_that_is_a_file_stops_a_server_naming_the_variable(tmp_path, command, var, what):
    a_file = tmp_path / "not-a-dir"
    a_file.write_text("x")
    result = _run(tmp_path, command, **{var: str(a_file)}, ASCOLTO_COLLECTOR_PORT="1",
                  ASCOLTO_CONSOLE_PORT="1")  # never reached: the directory is checked first
    assert result.returncode == 2
    assert _one_line(result).startswith(f"Error: {what} {a_file} is not usable (")


def test_a_registry_command_names_the_data_dir_it_could_not_use(tmp_path):
    a_file = tmp_path / "not-a-dir"
    a_file.write_text("x")
    result = _run(tmp_path, "registry", "token", "list", ASCOLTO_DATA_DIR=str(a_file))
    assert result.returncode == 1
    line = _one_line(result)
    assert line.startswith(f"Error: cannot use {a_file}") and f"check ASCOLTO_DATA_DIR ({a_file})" in line


def test_gunicorn_run_directly_names_a_bad_variable_on_one_line(tmp_path):
    """deploy/gunicorn.conf.py read by gunicorn itself (not through `ascolto`): was "Failed to read config
    file" and a traceback."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "ASCOLTO_DATA_DIR": str(tmp_path / "data"),
           "ASCOLTO_WORKERS": "0"}
    result = subprocess.run([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py"),
                             "-b", "127.0.0.1:1", "deploy.edge_errors:app"], env=env, capture_output=True, text=True,
                            timeout=60, cwd=tmp_path)
    assert result.returncode == 2
    assert _one_line(result) == "Error: ASCOLTO_WORKERS must be the number of gunicorn workers, at least 1, got '0'"


@pytest.mark.parametrize("option", ["--collector-url", "--origin"])
def test_demo_refuses_an_address_that_is_not_a_url_naming_the_option(tmp_path, option):
    from click.testing import CliRunner

    from ascolto.cli import main

    result = CliRunner().invoke(main, ["demo", "--responses", "1", option, "collector:8000"],
                                env={"ASCOLTO_DATA_DIR": str(tmp_path / "data")})
    assert result.exit_code == 2, result.output  # was urllib's ValueError traceback: unknown url type
    assert f"Invalid value for '{option}': 'collector:8000' is not an http(s) URL with a host" in result.output


@pytest.mark.parametrize("command", ["processor", "shipper"])
def test_sigterm_stops_a_server_waiting_for_an_absent_broker_at_once(tmp_path, command):
    """Against no broker, kafka-python's constructors block for their whole bootstrap timeout: a SIGTERM
    (a rollout, Ctrl-C) waited up to 25 s for the processor, the produce timeout for the shipper. A TCP
    connection is tried first (settings.kafka.any_broker_reachable) and no client is built against none."""
    import signal
    import time

    from deploy.broker import free_port

    data = tmp_path / "data"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "ASCOLTO_DATA_DIR": str(data),
           "ASCOLTO_BROKER": f"127.0.0.1:{free_port()}", "ASCOLTO_PROCESSOR_INSTANCE": "t"}
    proc = subprocess.Popen([sys.executable, "-m", "ascolto", command], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        started = (data / "run" / "processor-t.json") if command == "processor" else (data / "spool" / "shipper.json")
        deadline = time.monotonic() + 60
        while not started.exists():  # the processor's heartbeat says starting; the shipper reports the broker away
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()[-2000:]
            time.sleep(0.1)
        time.sleep(1.5)  # within its tries of the broker, as a rollout finds it
        proc.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        assert proc.wait(timeout=60) == 0
        assert time.monotonic() - sent < 8, f"stopped {time.monotonic() - sent:.1f} s after SIGTERM"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_compact_refuses_a_target_below_one_row_naming_the_option(tmp_path):
    from click.testing import CliRunner

    from ascolto.cli import main

    result = CliRunner().invoke(main, ["compact", "--min-rows", "0"], env={"ASCOLTO_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 2 and "Invalid value for '--min-rows'" in result.output, result.output
