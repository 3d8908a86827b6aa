"""Every process logs JSON lines on stderr (settings.logs); the Kafka client's routine noise stays out of them."""
import io
import json
import logging
import logging.config

import pytest

from settings.logs import KAFKA_SLOW_STEP_S, logging_config

SLOW = ("Task <kafka.net.selector.Task object at 0x7ff1> ran for %.3fs (>0.100s threshold). It is blocking the "
        "event loop -- likely a tight sync loop inside a coroutine. Other pollers will time out.")


@pytest.fixture
def stderr(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr("sys.stderr", out)
    root = logging.getLogger()
    before = root.level, list(root.handlers)
    named = {n: logging.getLogger(n) for n in logging_config()["loggers"]}
    kept = {n: (lg.level, lg.propagate, list(lg.handlers)) for n, lg in named.items()}
    logging.config.dictConfig(logging_config("INFO"))
    yield out
    root.setLevel(before[0])
    root.handlers[:] = before[1]
    for n, (level, propagate, handlers) in kept.items():
        named[n].setLevel(level)
        named[n].propagate = propagate
        named[n].handlers[:] = handlers


def lines(out: io.StringIO) -> list[dict]:
    return [json.loads(t) for t in out.getvalue().splitlines()]


def test_a_kafka_network_step_of_a_few_tenths_of_a_second_is_not_an_operators_warning(stderr):
    logging.getLogger("kafka.net.selector").warning(SLOW % 0.462)
    assert lines(stderr) == []


def test_a_step_long_enough_to_matter_is_still_logged_as_a_warning(stderr):
    logging.getLogger("kafka.net.selector").warning(SLOW % (KAFKA_SLOW_STEP_S + 0.5))
    [line] = lines(stderr)
    assert line["level"] == "WARNING" and line["logger"] == "kafka.net.selector" and "ran for 1.500s" in line["message"]


def test_the_clients_other_warnings_and_our_own_lines_pass_as_json(stderr):
    logging.getLogger("kafka.net.selector").warning("Task %s left RUNNING after step; demoting to UNSCHEDULED", "t")
    logging.getLogger("ascolto.processor").info("committed 16 records")
    assert [(x["logger"], x["level"]) for x in lines(stderr)] == [
        ("kafka.net.selector", "WARNING"), ("ascolto.processor", "INFO")]
