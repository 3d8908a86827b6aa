"""The registry read model: one TTL cache for collector and processor; changes are seen within the TTL."""
from __future__ import annotations

import time

from kafka import KafkaProducer

from questionnaires.envelope import encode_record, make_envelope
from registry import connect, ops
from registry.db import session_scope
from registry.demo import seed
from registry.readmodel import ServiceDirectory
from warehouse.dataset import open_dataset

from .conftest import submission, wait_for
from .processor_fakes import FakeClock


def _rows(data_dir) -> dict[str, tuple[str, str]]:
    with open_dataset(data_dir) as con:
        return {sid: (region, stype) for sid, region, stype in
                con.execute("SELECT submission_id, region, service_type FROM responses").fetchall()}


def _produce(settings, sub: dict) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.broker, acks="all")
    producer.send(settings.topic, key=sub["service"].encode(),
                  value=encode_record([make_envelope(sub, collector="c", device="mobile")])).get(10)
    producer.close()


def test_a_running_processor_sees_an_entity_region_and_a_service_type_changed_within_the_ttl(
        settings, processor_factory):
    s = settings.with_(registry_ttl_s=0.5)
    processor_factory(s)
    before, after = submission(), submission()
    _produce(s, before)
    wait_for(lambda: before["submission_id"] in _rows(s.data_dir), message="first row")
    with session_scope(connect(s.database_url, create=False)) as session:
        ops.update_entity(session, "c_h501", actor="test", comune_istat="015146")  # Milano: Lombardia, ITC4
        ops.update_service(session, "demo-roma-anagrafe", actor="test", service_type="tributi.pagamento")
    time.sleep(0.6)
    _produce(s, after)
    rows = wait_for(lambda: (r := _rows(s.data_dir)) and after["submission_id"] in r and r, message="second row")
    assert rows[before["submission_id"]] == ("ITI4", "anagrafe.certificati")
    assert rows[after["submission_id"]] == ("ITC4", "tributi.pagamento")


def test_hits_and_misses_are_cached_for_the_ttl_exactly(tmp_path):
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    seed(connect(url), ["https://example.org"])
    clock = FakeClock(100.0)
    directory = ServiceDirectory(connect(url, create=False), ttl_s=30, clock=clock)
    view = directory.get("demo-roma-anagrafe")
    assert (view.entity, view.pa_type, view.region, view.entity_name) == ("c_h501", "L6", "ITI4", "Roma Capitale")
    assert directory.facts("no-such-service") is None
    with session_scope(connect(url, create=False)) as session:
        ops.deactivate(session, "demo-roma-anagrafe", actor="test")
        ops.add_service(session, actor="test", entity_ipa="c_h501", name="Nuovo", service_type="tributi.pagamento",
                        channel="web", key="no-such-service")
    clock.now = 129.9
    assert directory.get("demo-roma-anagrafe").active is True and directory.get("no-such-service") is None
    clock.now = 130.0
    assert directory.get("demo-roma-anagrafe").active is False and directory.get("no-such-service").name == "Nuovo"


def test_the_collector_reads_services_through_the_same_model(client, settings):
    directory = client.application.extensions["ascolto.services"]
    assert isinstance(directory, ServiceDirectory) and directory._ttl == settings.registry_ttl_s
