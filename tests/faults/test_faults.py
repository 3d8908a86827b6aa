"""Fault injection against the real stack on loopback. Every scenario ends with a reconciliation:
each 202 is in the warehouse exactly once, each refused input got its 4xx, and nothing else is there.

Run with ``make test-faults`` (``pytest -m faults``); excluded from the quick default run.
"""
from __future__ import annotations

import signal
import subprocess
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from deploy.loadgen import LoadDriver
from tests.conftest import wait_for

pytestmark = pytest.mark.faults


def test_broker_killed_and_restarted_during_load(make_stack):
    stack = make_stack()
    stack.start_collector()
    stack.start_processor()
    driver = LoadDriver(stack.collector_url, count=600, rate=60, invalid_ratio=0.02)
    load = driver.start()
    time.sleep(3)
    stack.proxy.down()  # every connection to the broker reset; new ones refused
    time.sleep(5)
    stack.proxy.up()
    load.join(120)
    result = driver.result
    assert len(result.accepted) > 500
    stack.reconcile(result)


def test_processor_sigkilled_repeatedly(make_stack):
    stack = make_stack()
    stack.start_collector()
    stack.start_processor()
    driver = LoadDriver(stack.collector_url, count=600, rate=80)
    load = driver.start()
    for _ in range(3):
        time.sleep(2.0)
        stack.kill_processors(signal.SIGKILL)
        stack.start_processor()
    load.join(120)
    stack.reconcile(driver.result)


def test_two_processors_one_sigkilled_share_the_work(make_stack):
    stack = make_stack()
    stack.start_collector()
    first = stack.start_processor()
    stack.start_processor()  # the survivor
    driver = LoadDriver(stack.collector_url, count=400, rate=80)
    load = driver.start()
    time.sleep(2.5)
    first.send_signal(signal.SIGKILL)  # its partitions move to the survivor after the session timeout
    first.wait(10)
    load.join(120)
    stack.reconcile(driver.result)


def test_collector_worker_killed_mid_request(make_stack):
    stack = make_stack()
    stack.start_collector()
    stack.start_processor()
    driver = LoadDriver(stack.collector_url, count=500, rate=100)
    load = driver.start()
    for _ in range(2):
        time.sleep(1.5)
        workers = stack.collector_workers()
        assert workers, "no collector worker found"
        subprocess.run(["kill", "-9", str(workers[0])])
    load.join(120)
    result = driver.result
    assert any(o.attempts > 1 for o in result.outcomes.values()), "no request was cut by the kill"
    stack.reconcile(result)


def test_spool_disk_fills_up_while_the_broker_is_away(make_stack, tmpfs):
    spool = tmpfs("spool", "64k")
    stack = make_stack(spool_dir=spool)
    stack.start_collector()
    stack.start_processor()
    stack.proxy.down()
    driver = LoadDriver(stack.collector_url, count=400, rate=100, give_up_s=90)
    load = driver.start()
    wait_for(lambda: sum(1 for o in list(driver.result.outcomes.values()) if o.status == 503) > 0,
             timeout_s=60, message="503 once the spool is full")
    stack.proxy.up()
    load.join(150)
    result = driver.result
    from collections import Counter
    statuses = Counter(o.status for o in result.outcomes.values())
    assert result.accepted == set(result.outcomes), f"every submission eventually accepted: {statuses}"
    stack.reconcile(result)


def test_dataset_disk_fills_up_then_space_is_freed(make_stack, tmpfs, tmp_path):
    data = tmpfs("data", "600k")
    # The dataset's disk, alone: the collector's log and the registry live elsewhere (their defaults
    # are under the data dir). On the full disk too, the log refuses every submission from then on
    # (503, as test_spool_disk_fills_up_while_the_broker_is_away checks), the load driver retries
    # each for give_up_s, and the run lasted hours whenever the disk filled before the load ended.
    stack = make_stack(data_dir=data, spool_dir=tmp_path / "spool",
                       database_url=f"sqlite:///{tmp_path / 'registry.db'}")
    stack.start_collector()
    proc = stack.start_processor()
    driver = LoadDriver(stack.collector_url, count=2500, rate=400, threads=12)
    driver.run()
    wait_for(lambda: proc.poll() is not None, timeout_s=60, message="the processor stops on a full disk")
    # its own status and one line naming the file and the fix, not a traceback (was exit 1 and ~80 lines
    # of kafka-python's "User rebalance callback throws an error" or pyarrow's OSError)
    assert proc.returncode == 4
    log = (stack.tmp / "processor-0.log").read_text()
    assert not any(line.startswith("Traceback") for line in log.splitlines()), log[-3000:]
    stopped = [line for line in log.splitlines() if '"STOPPED: cannot write ' in line]
    assert stopped and "No space left on device" in stopped[0] and "ASCOLTO_DATA_DIR" in stopped[0], log[-3000:]
    assert log.rstrip().endswith("offsets not committed")
    subprocess.run(["mount", "-o", "remount,size=64m", str(data)], check=True)
    stack.start_processor()
    stack.reconcile(driver.result)


def test_slow_broker(make_stack):
    stack = make_stack()
    stack.start_collector()
    stack.start_processor()
    stack.proxy.delay_s = 0.05  # every read from either side waits 50 ms
    driver = LoadDriver(stack.collector_url, count=300, rate=50)
    result = driver.run()
    assert result.accepted == set(result.outcomes)
    stack.proxy.delay_s = 0.0
    stack.reconcile(result)


def test_a_flood_from_one_origin_while_others_keep_being_served(make_stack):
    stack = make_stack(ASCOLTO_PROXY_COUNT="1", ASCOLTO_RATE_LIMIT_IP="120/minute")
    stack.start_collector()
    stack.start_processor()
    flood = LoadDriver(stack.collector_url, count=400, rate=200, forwarded_for="203.0.113.66", give_up_s=3, seed=1)
    counter = iter(range(1, 10_000))
    citizens = LoadDriver(stack.collector_url, count=200, rate=40, seed=2,
                          forwarded_for=lambda: f"198.51.{next(counter) // 200}.{next(counter) % 200 + 1}")
    threads = [flood.start(), citizens.start()]
    for t in threads:
        t.join(120)
    assert citizens.result.accepted == set(citizens.result.outcomes), "citizens were refused"
    assert all(o.attempts == 1 for o in citizens.result.outcomes.values()), "a citizen had to retry"
    limited = [o for o in flood.result.outcomes.values() if o.status == 429]
    assert limited, "the flood was not limited"
    minutes = (flood.result.finished - flood.result.started) / 60
    # two gunicorn workers, each with its own in-memory limiter of 120 per minute; a sliding-window
    # counter over fixed minutes lets a run that straddles a minute boundary have one window more
    assert len(flood.result.accepted) <= 2 * 120 * (int(minutes) + 2)
    stack.reconcile(flood.result, citizens.result)


def test_clock_skew_in_client_timestamps_does_not_move_data_in_time(make_stack):
    import json
    import urllib.request
    import uuid

    stack = make_stack()
    stack.start_collector()
    stack.start_processor()
    ids = []
    for claimed in ("1999-01-01T00:00:00Z", "2099-12-31T23:59:59+14:00", "not a time"):
        sid = str(uuid.uuid4())
        body = {"submission_id": sid, "service": "demo-roma-anagrafe", "questionnaire": "cx-core", "version": 1,
                "answers": {"satisfaction": 4, "task": "yes"}, "context": {"page": "/x", "client_time": claimed}}
        req = urllib.request.Request(f"{stack.collector_url}/v1/submissions", json.dumps(body).encode(),
                                     {"Content-Type": "application/json", "Origin": "https://www.comune.roma.it"})
        assert urllib.request.urlopen(req, timeout=10).status == 202
        ids.append(sid)
    from warehouse.dataset import open_dataset

    wait_for(lambda: sum(stack.rows().values()) == 3, timeout_s=60)
    with open_dataset(stack.settings.data_dir) as con:
        rows = con.execute("SELECT period, epoch(received_at) FROM responses").fetchall()
    this_month = datetime.now(ZoneInfo("Europe/Rome")).strftime("%Y-%m")
    assert {r[0] for r in rows} == {this_month}
    assert all(abs(time.time() - r[1]) < 120 for r in rows)  # the collector's clock, not the client's


JOIN_GROUP = 11  # the Kafka API key of JoinGroup


def test_broker_lost_while_the_processor_joins_its_group(make_stack):
    """Issue 18: the broker went away just as a processor sent its JoinGroup, the request was lost
    (no reset: the client waits its request timeout) and the broker came back after longer than
    that. The processor must end up in its group and consume everything acknowledged, exactly once —
    by the Kafka client's own rejoin or, failing that, by the processor replacing its consumer after
    ASCOLTO_GROUP_JOIN_TIMEOUT_S (processor/liveness.py)."""
    stack = make_stack()
    stack.start_collector()
    driver = LoadDriver(stack.collector_url, count=1600, rate=40, invalid_ratio=0.02)
    load = driver.start()
    time.sleep(2)  # the log is being shipped while the processor starts
    held = stack.proxy.hold_next(JOIN_GROUP)
    processor = stack.start_processor()
    assert held.wait(30), "the processor sent no JoinGroup"
    stack.proxy.down()
    time.sleep(40)  # longer than the client's 30 s request timeout: it gives up on the join while the broker is away
    stack.proxy.up()
    load.join(120)
    result = driver.result
    assert all(o.status in (202, 422) for o in result.outcomes.values()), "the collector refused during the outage"
    stack.reconcile(result, timeout_s=180)  # room for a second consumer renewal (39 s here)
    assert processor.poll() is None, "the processor exited"


def test_processor_started_while_the_broker_is_away_waits_for_it(make_stack):
    """A processor whose Kafka clients cannot bootstrap (the broker away for longer than the clients'
    30 s bootstrap timeout) keeps trying instead of exiting, then consumes everything once."""
    stack = make_stack()
    stack.start_collector()
    stack.proxy.down()
    processor = stack.start_processor()
    time.sleep(35)
    assert processor.poll() is None, "the processor gave up on the broker"
    stack.proxy.up()
    driver = LoadDriver(stack.collector_url, count=200, rate=50, invalid_ratio=0.02)
    driver.start().join(60)
    stack.reconcile(driver.result)
    assert processor.poll() is None
