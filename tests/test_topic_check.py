"""A wrong ASCOLTO_TOPIC is said at start, on one line naming it, by the collector's shipper and the
processor — asked of the real broker with a metadata request for every topic, which creates none.

Production Kafka runs with auto-creation off: the processor then polled a missing topic for ever and the
shipper's produce timed out without naming the topic. The local Tansu broker auto-creates a topic a
producer or consumer asks metadata for, which is why the old check (``producer.partitions_for``) passed
here for any name and made the topic: these tests read the broker's topic list before and after, so they
fail with that check and hold only for one that creates nothing."""
from __future__ import annotations

import logging
import threading
import uuid

import pytest

from collector.shipper import Shipper, read_state
from processor.consumer import _build
from settings.topics import TopicMissing, require_topic, topic_names
from tests.conftest import wait_for


def _made_up() -> str:
    return f"made-up-{uuid.uuid4().hex[:8]}.submissions"


def test_an_existing_topic_passes_and_a_made_up_one_is_named_and_not_created(settings):
    require_topic(settings.broker, settings.topic, {})
    name = _made_up()
    with pytest.raises(TopicMissing) as info:
        require_topic(settings.broker, name, {})
    assert f"the topic {name!r} (ASCOLTO_TOPIC) does not exist" in str(info.value) and "ASCOLTO_BROKER" in str(info.value)
    assert settings.topic in topic_names(settings.broker, {}) and name not in topic_names(settings.broker, {})


def test_the_shipper_says_a_missing_topic_on_one_line_and_reports_the_broker_down(settings, caplog):
    name = _made_up()
    shipper = Shipper(settings.with_(topic=name, produce_timeout_s=1.0))
    stop = threading.Event()
    thread = threading.Thread(target=shipper.run, args=(stop,), daemon=True)
    with caplog.at_level(logging.ERROR, logger="ascolto"):
        thread.start()
        try:
            wait_for(lambda: any("ASCOLTO_TOPIC" in r.getMessage() for r in caplog.records), timeout_s=20,
                     message="the shipper's line naming ASCOLTO_TOPIC")
            assert read_state(settings.spool_dir).get("broker") is False  # /readyz: degraded
        finally:
            stop.set()
            thread.join(20)
    line = next(r.getMessage() for r in caplog.records if "ASCOLTO_TOPIC" in r.getMessage())
    assert "\n" not in line and name in line
    assert name not in topic_names(settings.broker, {})  # the check created nothing


def test_the_processor_waits_for_a_missing_topic_saying_so(settings, caplog):
    name = _made_up()
    stop = threading.Event()
    built: list = []
    thread = threading.Thread(target=lambda: built.append(_build(settings.with_(topic=name), stop, retry_s=0.2)),
                              daemon=True)
    with caplog.at_level(logging.ERROR, logger="ascolto.processor"):
        thread.start()
        try:
            wait_for(lambda: sum("ASCOLTO_TOPIC" in r.getMessage() for r in caplog.records) >= 2, timeout_s=20,
                     message="the processor's lines naming ASCOLTO_TOPIC")
            assert not built  # no consumer subscribed to nothing
        finally:
            stop.set()
            thread.join(20)
    assert built == [None]
    assert name not in topic_names(settings.broker, {})


def test_a_broker_that_accepts_and_never_answers_fails_the_check_in_time_and_leaves_nothing_running():
    """kafka-python's admin client bootstraps in its constructor for 30 s, whatever the request timeout, and
    a failed bootstrap left its I/O thread and sockets running: each retry of the shipper or the processor
    against such a broker (one starting, a proxy in front of none) added a thread and sockets, for good."""
    import socket
    import time

    from kafka.errors import KafkaError

    def accept(server, accepted):  # connections taken and never answered
        try:
            while True:
                accepted.append(server.accept()[0])
        except OSError:  # the server closed: the test is over
            pass

    with socket.create_server(("127.0.0.1", 0)) as server:
        accepted: list = []
        threading.Thread(target=accept, args=(server, accepted), daemon=True).start()
        threads = {t.ident for t in threading.enumerate()}
        for _ in range(2):
            began = time.monotonic()
            with pytest.raises(KafkaError) as info:
                topic_names(f"127.0.0.1:{server.getsockname()[1]}", {}, timeout_ms=500)
            assert time.monotonic() - began < 5, "the check waited past its timeout"
            assert not isinstance(info.value, TopicMissing)
        left = [t.name for t in threading.enumerate() if t.ident not in threads]
        assert left == [], f"the check left threads running: {left}"
        assert accepted  # the broker's address was reached: the bootstrap, not the connection, failed
        for conn in accepted:
            conn.close()
