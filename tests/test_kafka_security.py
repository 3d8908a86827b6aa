"""The Kafka clients over TLS, and the ``ASCOLTO_KAFKA_*`` settings that configure them.

Production Kafka is reached over TLS (often with SASL credentials); the local broker is plaintext.
Against a real Tansu broker behind a TLS listener (:mod:`tests.tls_support`): a submission goes from
the collector's shipper through Kafka to the processor's Parquet with every connection encrypted and
the broker's certificate verified; a plaintext client, or one that does not trust the certificate,
gets nothing. The settings refuse, naming the variable, every combination that would silently stay
on plaintext or send a password in clear.
"""
from __future__ import annotations

import uuid

import pytest
from kafka import KafkaProducer
from kafka.errors import KafkaError

from deploy.broker import LocalBroker, ensure_topics, free_port
from registry import connect
from registry.demo import seed
from settings import Settings, load
from settings.kafka import KafkaSecurity
from tests.conftest import ORIGIN, ProcessorThread, count_rows, submission, wait_for, WIDGET
from tests.tls_support import TlsTerminator, make_certificate


# --- settings ---------------------------------------------------------------------------------------

def test_plaintext_by_default_adds_no_client_option():
    assert load({}).kafka_options == {}


def test_sasl_over_tls_gives_every_client_the_credentials_and_the_ca(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    s = load({"ASCOLTO_KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "ASCOLTO_KAFKA_SASL_MECHANISM": "scram-sha-512",
              "ASCOLTO_KAFKA_SASL_USERNAME": "ascolto-processor", "ASCOLTO_KAFKA_SASL_PASSWORD": "s3cret-pass",
              "ASCOLTO_KAFKA_SSL_CAFILE": str(ca)})
    assert s.kafka_options == {
        "security_protocol": "SASL_SSL", "ssl_check_hostname": True, "ssl_cafile": str(ca),
        "sasl_mechanism": "SCRAM-SHA-512", "sasl_plain_username": "ascolto-processor",
        "sasl_plain_password": "s3cret-pass"}
    assert "s3cret-pass" not in repr(s)  # settings are logged at times; the password never is


@pytest.mark.parametrize("env, variable", [
    ({"ASCOLTO_KAFKA_SECURITY_PROTOCOL": "TLS"}, "ASCOLTO_KAFKA_SECURITY_PROTOCOL"),
    ({"ASCOLTO_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "ASCOLTO_KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
      "ASCOLTO_KAFKA_SASL_USERNAME": "u"}, "ASCOLTO_KAFKA_SASL_PASSWORD"),
    ({"ASCOLTO_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "ASCOLTO_KAFKA_SASL_MECHANISM": "GSSAPI",
      "ASCOLTO_KAFKA_SASL_USERNAME": "u", "ASCOLTO_KAFKA_SASL_PASSWORD": "p"}, "ASCOLTO_KAFKA_SASL_MECHANISM"),
    ({"ASCOLTO_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "ASCOLTO_KAFKA_SASL_MECHANISM": "PLAIN",
      "ASCOLTO_KAFKA_SASL_USERNAME": "u", "ASCOLTO_KAFKA_SASL_PASSWORD": "p"}, "ASCOLTO_KAFKA_SASL_MECHANISM=PLAIN"),
    ({"ASCOLTO_KAFKA_SASL_PASSWORD": "p"}, "ASCOLTO_KAFKA_SASL_PASSWORD"),  # credentials, yet plaintext
    ({"ASCOLTO_KAFKA_SSL_CAFILE": "/etc/ssl/certs/ca-certificates.crt"}, "ASCOLTO_KAFKA_SSL_CAFILE"),
    ({"ASCOLTO_KAFKA_SECURITY_PROTOCOL": "SSL", "ASCOLTO_KAFKA_SSL_CAFILE": "/nonexistent/ca.pem"},
     "ASCOLTO_KAFKA_SSL_CAFILE"),
])
def test_a_configuration_that_would_stay_plaintext_or_fail_later_is_refused_naming_the_variable(env, variable):
    with pytest.raises(ValueError, match=variable):
        load(env)


# --- over a real broker behind TLS ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    try:
        return make_certificate(tmp_path_factory.mktemp("tls"))
    except RuntimeError as exc:
        pytest.skip(f"cannot make a test certificate: {exc}")


@pytest.fixture(scope="module")
def tls_broker(certificate, tmp_path_factory):
    """Tansu advertising only the TLS port: every connection of a client goes through TLS."""
    cert, key = certificate
    port = free_port()
    with TlsTerminator(port, 0, cert, key) as tls:
        with LocalBroker(advertised_port=port, log_path=tmp_path_factory.mktemp("tls-broker") / "tansu.log") as broker:
            tls.upstream_port = broker.port
            yield broker, tls


@pytest.fixture
def tls_settings(tls_broker, certificate, tmp_path) -> Settings:
    broker, _ = tls_broker
    tag = uuid.uuid4().hex[:8]
    s = Settings(data_dir=tmp_path / "data", broker=broker.bootstrap, topic=f"tls-{tag}.submissions",
                 group=f"g-{tag}", collector_id="test-collector", produce_timeout_s=5.0,
                 batch_max_records=200, batch_max_seconds=0.3, max_poll_interval_ms=3000,
                 session_timeout_ms=6000, rate_limit_ip="100000/minute",
                 kafka_security=KafkaSecurity(protocol="SSL", ssl_cafile=str(certificate[0])))
    ensure_topics(s.broker, {s.topic: 3, s.dlq_topic: 1}, **s.kafka_options)  # the admin client over TLS
    seed(connect(s.database_url), [ORIGIN])
    return s


def test_submissions_reach_the_parquet_dataset_with_every_kafka_connection_over_tls(tls_settings, tls_broker):
    from collector.app import close_app, create_app
    from warehouse.dataset import open_dataset

    _, tls = tls_broker
    before = tls.handshakes
    app = create_app(tls_settings)  # its shipper (a thread here) produces the log to Kafka
    processor = None
    try:
        client = app.test_client()
        bodies = [submission("demo-roma-anagrafe", satisfaction=4 + i % 2) for i in range(6)]
        for body in bodies:
            assert client.post("/v1/submissions", json=body, headers=WIDGET).status_code == 202
        processor = ProcessorThread(tls_settings)  # its consumer and dead-letter producer
        wait_for(lambda: count_rows(tls_settings.data_dir) == 6, message="6 rows through TLS")
    finally:
        if processor is not None:
            processor.close()
        close_app(app)
    with open_dataset(tls_settings.data_dir) as con:
        ids = {r[0] for r in con.execute("SELECT submission_id FROM responses").fetchall()}
    assert ids == {b["submission_id"] for b in bodies}
    assert tls.handshakes - before >= 3  # the shipper's, the consumer's and the dead-letter producer's at least


def test_a_plaintext_client_gets_nothing_from_the_tls_listener(tls_settings, tls_broker):
    _, tls = tls_broker
    refused = tls.failed
    with pytest.raises(KafkaError):
        KafkaProducer(bootstrap_servers=tls_settings.broker, bootstrap_timeout_ms=2000)
    assert tls.failed > refused


def test_a_broker_whose_certificate_is_not_trusted_is_not_used(tls_settings, tls_broker, tmp_path):
    other_ca, _ = make_certificate(tmp_path, "another-ca")
    _, tls = tls_broker
    handshakes = tls.handshakes
    distrusting = KafkaSecurity(protocol="SSL", ssl_cafile=str(other_ca)).client_options()
    with pytest.raises(KafkaError):
        KafkaProducer(bootstrap_servers=tls_settings.broker, bootstrap_timeout_ms=2000, **distrusting)
    assert tls.handshakes == handshakes  # no connection was ever established
