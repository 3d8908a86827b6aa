"""Stale while error: the processor's service lookups keep serving what they read recently while the registry
is silent (registry.readmodel, processor.outage.directory), so a registry blip does not stop ingestion —
and every row is still written exactly once. Real PostgreSQL (127.0.0.1:5432) behind a proxy that falls
silent, real broker. Before: every lookup past ASCOLTO_REGISTRY_TTL_S failed, the processor gave each
batch up and stopped writing until the registry answered."""
from __future__ import annotations

import time

import pytest

from questionnaires.envelope import decode_record
from registry import connect, dispose
from registry.breaker import CircuitOpen, guard
from registry.demo import seed
from registry.readmodel import STALE_REFRESH_S, ServiceDirectory
from tests.conftest import ORIGIN, wait_for
from tests.processor_workload import produce, response_ids, workload
from tests.registry_support import SilentProxy


@pytest.fixture
def silent_registry(db_url):
    """(proxied url, proxy) in front of a seeded PostgreSQL registry."""
    if not db_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL registry")
    seed(connect(db_url), [ORIGIN])
    proxy = SilentProxy(("127.0.0.1", 5432))
    yield db_url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{proxy.port}/") + "&connect_timeout=1", proxy
    proxy.close()


def test_a_view_read_recently_is_served_while_the_registry_is_silent_a_miss_or_an_old_one_is_not(
        silent_registry, short_deadlines):
    url, proxy = silent_registry
    now = [1000.0]
    stale = []
    f = guard(connect(url, create=False))
    d = ServiceDirectory(f, ttl_s=30, clock=lambda: now[0], stale_s=600, on_stale=stale.append)
    try:
        fresh = d.get("demo-roma-anagrafe")
        assert fresh is not None and d.get("no-such-service") is None
        proxy.fall_silent()
        now[0] += 60  # past the TTL: a refresh is due
        t0 = time.monotonic()
        assert d.get("demo-roma-anagrafe") == fresh  # the refresh failed within its cap: the view served
        assert time.monotonic() - t0 < STALE_REFRESH_S * 2 + 1
        assert f.breaker.opened == 1 and stale == ["demo-roma-anagrafe"]
        t0 = time.monotonic()
        assert d.get("demo-roma-anagrafe") == fresh and time.monotonic() - t0 < 0.2  # the breaker: no try at all
        with pytest.raises(CircuitOpen):
            d.get("no-such-service")  # a cached miss is never served stale (it would dead-letter)
        with pytest.raises(CircuitOpen):
            d.get("demo-inps-pensione")  # never read: nothing to serve
        now[0] += 600  # older than ASCOLTO_REGISTRY_STALE_S
        with pytest.raises(CircuitOpen):
            d.get("demo-roma-anagrafe")
    finally:
        dispose(f)


def test_the_processor_keeps_writing_through_a_silent_registry_and_writes_every_row_once(
        silent_registry, settings, processor_factory, short_deadlines):
    url, proxy = silent_registry
    s = settings.with_(database_url=url, registry_ttl_s=0.5, registry_stale_s=600.0, max_poll_interval_ms=20000)
    records, subs, _ = workload(seed=23, n=300, dup_ratio=0.1, poison=0)
    half = len(records) // 2
    services = {env["submission"]["service"] for _, value in records for env in decode_record(value)}
    first = {env["submission"]["submission_id"] for _, value in records[:half] for env in decode_record(value)}
    assert services == {env["submission"]["service"] for _, value in records[:half] for env in decode_record(value)}
    produce(s, records[:half])
    p = processor_factory(s)
    wait_for(lambda: set(response_ids(s.data_dir)) >= first, timeout_s=60, message="rows before the outage")
    proxy.fall_silent()
    time.sleep(0.6)  # every cached view is past its TTL
    produce(s, records[half:])
    expected = {sub["submission_id"] for sub in subs}
    wait_for(lambda: set(response_ids(s.data_dir)) >= expected, timeout_s=60, message="every row, the registry silent")
    assert proxy.silent
    assert p.processor.metrics.registry_stale._value.get() > 0
    assert sum(p.processor.stats.rejected.values()) == 0
    text = s.processor_metrics_file.read_text() if s.processor_metrics_file.exists() else ""
    p.close()
    ids = response_ids(s.data_dir)
    assert len(ids) == len(set(ids)) == len(expected)  # exactly once: no loss, no duplicate
    assert not text or "ascolto_processor_registry_stale_lookups_total" in text
