"""Fault scenarios of the shipper (collector/shipper.py), the process that produces the collector's
write-ahead log to Kafka. Each ends with the suite's reconciliation: every 202 in the warehouse
exactly once, every refused input its 4xx, nothing else.

``ASCOLTO_FAULT_OUTAGE_S`` shortens the one-minute broker outage (default 60 s).
"""
from __future__ import annotations

import json
import os
import signal
import time
import urllib.request
from collections import Counter

import pytest

from deploy.loadgen import LoadDriver
from tests.conftest import wait_for

pytestmark = pytest.mark.faults
OUTAGE_S = float(os.environ.get("ASCOLTO_FAULT_OUTAGE_S", "60"))


def _ready(stack) -> dict:
    try:
        with urllib.request.urlopen(f"{stack.collector_url}/readyz", timeout=2) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return json.loads(exc.read())


def test_shipper_sigkilled_mid_batch_is_restarted_and_loses_nothing(make_stack):
    stack = make_stack()
    stack.start_collector()
    stack.start_processor()
    wait_for(lambda: stack.shipper() is not None, timeout_s=20, message="the master's shipper")
    supervisor = stack.shipper_supervisor()
    # No thread in the master: a thread's fork can race the arbiter's forks of workers (issue 18).
    assert os.listdir(f"/proc/{stack.collector.pid}/task") == [str(stack.collector.pid)]
    driver = LoadDriver(stack.collector_url, count=900, rate=150, invalid_ratio=0.02)
    load = driver.start()
    killed = []
    for _ in range(3):
        time.sleep(1.5)  # the shipper is producing batches all along at this rate
        pid = stack.shipper()
        assert pid is not None, "no shipper running"
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)
        wait_for(lambda: stack.shipper() not in (None, *killed), timeout_s=20, message="shipper restarted")
    assert stack.shipper_supervisor() == supervisor, "the supervisor itself was replaced"
    load.join(120)
    result = driver.result
    assert all(o.status in (202, 422) for o in result.outcomes.values()), "the collector refused during the kills"
    stack.reconcile(result)


def test_log_disk_full_gives_503_then_the_shipper_frees_it(make_stack, tmpfs):
    spool = tmpfs("spool", "96k")
    stack = make_stack(spool_dir=spool)
    stack.start_collector()
    stack.start_processor()
    stack.proxy.delay_s = 0.3  # a slow broker: the log fills faster than it drains
    driver = LoadDriver(stack.collector_url, count=600, rate=300, threads=12, give_up_s=90)
    load = driver.start()
    wait_for(lambda: sum(1 for o in list(driver.result.outcomes.values()) if o.status == 503) > 0,
             timeout_s=60, message="503 once the log disk is full")
    stack.proxy.delay_s = 0.0
    load.join(150)
    result = driver.result
    statuses = Counter(o.status for o in result.outcomes.values())
    assert result.accepted == set(result.outcomes), f"every submission eventually accepted: {statuses}"
    # the shipper may be in its retry back-off from the slow broker when the load ends; under the
    # whole suite on a slow 2-core machine the drain took longer than 30 s once (passes alone in 17–20 s)
    wait_for(lambda: _ready(stack).get("backlog_bytes") == 0, timeout_s=90, message="the log shipped")
    stack.reconcile(result)


def test_broker_down_for_a_minute_the_log_keeps_acknowledging(make_stack):
    stack = make_stack()
    stack.start_collector()
    stack.start_processor()
    wait_for(lambda: _ready(stack).get("status") == "ready", timeout_s=30, message="ready")
    rate = 40
    driver = LoadDriver(stack.collector_url, count=int(rate * (OUTAGE_S + 8)), rate=rate)
    load = driver.start()
    time.sleep(3)
    stack.proxy.down()
    wait_for(lambda: _ready(stack).get("status") == "degraded", timeout_s=20, message="degraded during the outage")
    time.sleep(max(0.0, OUTAGE_S - 2))
    assert _ready(stack)["backlog_bytes"] > 0
    stack.proxy.up()
    load.join(OUTAGE_S + 120)
    result = driver.result
    assert result.accepted == set(result.outcomes), "a submission was refused while the broker was away"
    assert all(o.attempts == 1 for o in result.outcomes.values()), "a client had to retry"
    wait_for(lambda: _ready(stack) | {"spool_bytes": 0} == {**_ready(stack), "status": "ready", "backlog_bytes": 0,
                                                                 "spool_bytes": 0},
             timeout_s=60, message="ready with the log shipped")
    # the processor rides out the same outage: in one CI run of several its group request to the broker
    # waited out kafka-python's 30 s request timeout after the broker came back, and its rows came
    # after the default 90 s (this scenario is the log's; the processor's outages have their own)
    stack.reconcile(result, timeout_s=180)
