"""The processor's heartbeat (processor/heartbeat.py) and its liveness probe, ``ascolto processor check``,
against real processors on the real broker: a running loop beats, a stopped process (SIGSTOP) goes stale,
a clean stop leaves no heartbeat, a halted processor says so."""
from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from ascolto.cli import main as cli
from processor.consumer import Halt, Processor, _Rebalance
from processor.heartbeat import Heartbeat, check
from questionnaires.envelope import encode_record, make_envelope
from settings import Settings, load
from tests.conftest import wait_for
from tests.processor_fakes import FakeConsumer, FakeLookup, FakeProducer, record_value
from tests.processor_fakes import submission as fake_submission
from tests.processor_workload import make_submission, produce, produce_mostly_invalid


def probe(settings: Settings, *args: str, **env: str):
    """``ascolto processor check`` as an orchestrator runs it: the processor's environment, its exit status."""
    return CliRunner().invoke(cli, ["processor", "check", *args], env={
        "ASCOLTO_DATA_DIR": str(settings.data_dir), "ASCOLTO_PROCESSOR_INSTANCE": settings.instance, **env})


def heartbeat(settings: Settings) -> dict | None:
    try:
        return json.loads(settings.processor_heartbeat_file.read_text())
    except FileNotFoundError:
        return None


def test_the_default_max_age_outlasts_a_group_join_and_the_join_watchdog():
    s = Settings()
    assert s.heartbeat_max_age == 300 + 10 + 60 > s.join_timeout_s
    assert Settings(max_poll_interval_ms=3000, session_timeout_ms=6000).heartbeat_max_age == 69
    env = load({"ASCOLTO_DATA_DIR": "/srv/a", "ASCOLTO_RUN_DIR": "/run/ascolto", "ASCOLTO_PROCESSOR_INSTANCE": "3",
                "ASCOLTO_HEARTBEAT_MAX_AGE_S": "90"})
    assert env.heartbeat_max_age == 90
    assert str(env.processor_heartbeat_file) == "/run/ascolto/processor-3.json"
    assert load({"ASCOLTO_DATA_DIR": "/srv/a"}).run_dir.as_posix() == "/srv/a/run"
    assert load({"ASCOLTO_PROCESSOR_INSTANCE": "../x"}).processor_heartbeat_file.name == "processor-.._x.json"


def test_the_heartbeat_advances_while_a_real_processor_runs_and_goes_on_a_clean_stop(settings, processor_factory):
    p = processor_factory()
    first = wait_for(lambda: heartbeat(settings), message="a heartbeat")
    assert first["pid"] == os.getpid() and first["state"] == "running" and first["halted"] is False
    assert first["instance"] == settings.instance
    rng = random.Random(1)
    produce(settings, [(s["service"].encode(), encode_record([make_envelope(s, collector="c", device="d")]))
                       for s in (make_submission(rng) for _ in range(5))])
    later = wait_for(lambda: (h := heartbeat(settings)) and h["partitions"] == [0, 1, 2] and h["last_commit"] and h,
                     message="a heartbeat with the assignment and a commit")
    assert later["beat"] > first["beat"]
    beats = {heartbeat(settings)["beat"]}
    wait_for(lambda: beats.add(heartbeat(settings)["beat"]) or len(beats) >= 3, timeout_s=10,
             message="three beats")  # at most one a second: three take about two seconds
    assert max(beats) - min(beats) >= 1.5
    assert probe(settings).exit_code == 0
    p.close()
    assert heartbeat(settings) is None
    result = probe(settings)
    assert result.exit_code == 1 and "no heartbeat" in result.output


def test_check_reports_a_missing_heartbeat_with_the_path_it_read(tmp_path):
    s = Settings(data_dir=tmp_path, processor_instance="7")
    result = probe(s)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "no heartbeat at" in result.output and "processor-7.json" in result.output
    result = probe(s, "--instance", "8")
    assert result.exit_code == 1 and "processor-8.json" in result.output


def test_check_refuses_a_stale_or_corrupt_heartbeat(tmp_path):
    s = Settings(data_dir=tmp_path, processor_instance="a")
    now = [1000.0]
    Heartbeat(s.processor_heartbeat_file, "a", clock=lambda: now[0]).write(partitions=[2, 1])
    assert check(s.processor_heartbeat_file, 30, now=1029) is None
    assert "stale: last loop turn of pid" in check(s.processor_heartbeat_file, 30, now=1045)
    assert "45s ago (limit 30s" in check(s.processor_heartbeat_file, 30, now=1045)
    result = probe(s)  # the file's beat is from 1970: stale by the default limit too
    assert result.exit_code == 1 and "stale" in result.output
    s.processor_heartbeat_file.write_text("{not json")
    result = probe(s)
    assert result.exit_code == 1 and "unreadable" in result.output


def _process(settings: Settings, **env: str) -> subprocess.Popen:
    env = dict(os.environ, ASCOLTO_BROKER=settings.broker, ASCOLTO_TOPIC=settings.topic,
               ASCOLTO_GROUP=settings.group, ASCOLTO_DATA_DIR=str(settings.data_dir),
               ASCOLTO_DATABASE_URL=settings.database_url, ASCOLTO_MAX_POLL_INTERVAL_MS="3000",
               ASCOLTO_SESSION_TIMEOUT_MS="6000", **env)
    return subprocess.Popen([sys.executable, "-m", "ascolto.cli", "processor"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _exec_probe(settings: Settings, instance: str, *args: str) -> subprocess.CompletedProcess:
    """The probe as a separate process, as a Kubernetes exec probe or a Compose healthcheck runs it."""
    env = dict(os.environ, ASCOLTO_DATA_DIR=str(settings.data_dir), ASCOLTO_PROCESSOR_INSTANCE=instance)
    return subprocess.run([sys.executable, "-m", "ascolto.cli", "processor", "check", *args], env=env,
                          capture_output=True, text=True, timeout=30)


def test_check_passes_for_a_running_processor_process_and_fails_once_its_loop_stops(settings):
    """Two instances on one host, each with its own heartbeat; one is stopped (SIGSTOP: the process exists,
    its loop does not turn) and only its probe fails, naming how old its heartbeat is."""
    one, two = _process(settings, ASCOLTO_PROCESSOR_INSTANCE="1"), _process(settings, ASCOLTO_PROCESSOR_INSTANCE="2")
    s1 = settings.with_(processor_instance="1")
    try:
        for proc, instance in ((one, "1"), (two, "2")):
            wait_for(lambda: (h := heartbeat(settings.with_(processor_instance=instance))) and h["state"] == "running",
                     timeout_s=60, message=f"instance {instance} running")
            assert heartbeat(settings.with_(processor_instance=instance))["pid"] == proc.pid
        assert _exec_probe(settings, "1").returncode == 0
        # a group join (the second member's) may hold a poll() up to the rebalance timeout (3 s here)
        wait_for(lambda: _exec_probe(settings, "2", "--max-age", "3").returncode == 0, timeout_s=30,
                 message="instance 2 beating within 3 s")
        one.send_signal(signal.SIGSTOP)
        try:
            time.sleep(4.5)
            assert _exec_probe(settings, "2", "--max-age", "10").returncode == 0  # the other instance is alive
            # (a rebalance after instance 1's expulsion holds its poll() for at most the 3 s rebalance timeout)
            stale = _exec_probe(settings, "1", "--max-age", "3")
            assert stale.returncode == 1
            assert stale.stderr.startswith("unhealthy: heartbeat stale: last loop turn of pid %d " % one.pid)
            assert stale.stderr.count("\n") == 1
            assert probe(s1, ASCOLTO_HEARTBEAT_MAX_AGE_S="3").exit_code == 1  # the limit from the environment
            assert _exec_probe(settings, "1").returncode == 0  # within the default limit (370 s)
        finally:
            one.send_signal(signal.SIGCONT)
        wait_for(lambda: _exec_probe(settings, "1", "--max-age", "3").returncode == 0, timeout_s=20,
                 message="the heartbeat again after SIGCONT")
    finally:
        for proc in (one, two):
            proc.terminate()
            proc.wait(30)
    assert _exec_probe(settings, "1").returncode == 1  # stopped cleanly: no heartbeat left


def test_check_reports_a_halted_processor(settings):
    proc = Processor(produce_mostly_invalid(settings))  # 80 of 120 invalid
    with pytest.raises(Halt, match="invalid"):
        proc.run(threading.Event())
    assert heartbeat(settings)["halted"] is True
    result = probe(settings)
    assert result.exit_code == 1 and "halted" in result.output


def test_under_systemd_the_loop_tells_the_watchdog_it_turned_and_a_stopped_loop_goes_silent(settings, tmp_path):
    """Type=notify with WatchdogSec: a real processor process sends READY=1, then WATCHDOG=1 with its
    heartbeats (about once a second); stopped (SIGSTOP) it sends nothing, so systemd's watchdog would
    restart it; a clean stop sends STOPPING=1."""
    address = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(address)
    sock.settimeout(0.5)

    def received(seconds: float) -> list[str]:
        out, deadline = [], time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                out.append(sock.recv(4096).decode())
            except socket.timeout:
                pass
        return out

    proc = _process(settings, ASCOLTO_PROCESSOR_INSTANCE="sd", NOTIFY_SOCKET=address)
    try:
        first = wait_for(lambda: received(1), timeout_s=60, message="a notification")
        assert first[0].startswith("READY=1\nWATCHDOG=1\n")
        # running with its partitions assigned: past the group join, which may hold poll() for 3 s
        wait_for(lambda: any("STATUS=running, partitions 0" in m for m in received(1)), timeout_s=60,
                 message="running with partitions")
        assert sum("WATCHDOG=1" in m for m in received(3.5)) >= 2
        proc.send_signal(signal.SIGSTOP)
        try:
            received(0.5)  # what was already queued
            assert received(3) == []
        finally:
            proc.send_signal(signal.SIGCONT)
        assert any("WATCHDOG=1" in m for m in received(3))
        proc.terminate()
        proc.wait(30)
        assert "STOPPING=1" in received(1)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        sock.close()


def test_a_loop_held_back_by_a_writer_that_never_finishes_stops_beating(tmp_path):
    """The loop goes on turning while the chain refuses records (backpressure), so those turns must not
    beat: a write that hangs (a stuck volume; here the sink's write waits on an event) goes stale."""
    subs = [fake_submission() for _ in range(12)]
    consumer = FakeConsumer("t.submissions", {0: [(b"svc-a", record_value(s)) for s in subs]}, max_records=12)
    settings = Settings(data_dir=tmp_path / "data", topic="t.submissions", batch_max_records=2,
                        batch_max_seconds=0.0, dlq_window=0, processor_instance="held")
    proc = Processor(settings, consumer=consumer, producer=FakeProducer(), lookup=FakeLookup())
    release, write = threading.Event(), proc.sink.write_works
    proc.sink.write_works = lambda *a, **kw: (release.wait(30), write(*a, **kw))[1]
    now = [1000.0]
    proc.heartbeat.clock = lambda: now[0]
    consumer.subscribe(["t.submissions"], listener=_Rebalance(proc))
    try:
        proc.step(timeout_ms=0)  # beats, polls 12 records; the chain takes what the writer can hold
        assert heartbeat(settings)["beat"] == 1000 and proc._carry
        for _ in range(10):  # the loop turns, held back
            now[0] += 1
            proc.step(timeout_ms=0)
        assert heartbeat(settings)["beat"] == 1000 and proc._carry
        assert "stale" in check(settings.processor_heartbeat_file, 5, now=now[0])
        release.set()
        wait_for(lambda: proc.step(timeout_ms=0) or not proc._carry, message="the chain taking records again")
        now[0] += 1
        proc.step(timeout_ms=0)
        assert heartbeat(settings)["beat"] == now[0]
        assert check(settings.processor_heartbeat_file, 5, now=now[0]) is None
    finally:
        release.set()
        proc.flush()
        proc.chain.close()


def test_check_fails_at_once_for_a_fresh_heartbeat_whose_process_is_gone(tmp_path):
    """A processor that crashed or was SIGKILLed leaves its heartbeat "running": the probe said ok for up
    to the heartbeat age (370 s by default) after the process was gone."""
    s = Settings(data_dir=tmp_path, processor_instance="a")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    Heartbeat(s.processor_heartbeat_file, "a").write(partitions=[0])
    body = json.loads(s.processor_heartbeat_file.read_text())
    s.processor_heartbeat_file.write_text(json.dumps({**body, "pid": gone.pid}))  # as that process left it
    reason = check(s.processor_heartbeat_file, 370)
    assert reason is not None and reason.startswith(f"processor pid {gone.pid} is not running (last loop turn ")
    result = probe(s)
    assert result.exit_code == 1 and "is not running" in result.output and result.output.count("\n") == 1
    Heartbeat(s.processor_heartbeat_file, "a").write()  # this (live) process's own heartbeat
    assert check(s.processor_heartbeat_file, 370) is None
