"""How every Kafka client of Ascolto reaches the brokers: plaintext, TLS, SASL (DESIGN §9).

Production Kafka clusters of a public administration are reached over TLS, usually with SASL
credentials per application; the local Tansu broker of ``ascolto up`` and the tests is plaintext.
:class:`KafkaSecurity` holds the ``ASCOLTO_KAFKA_*`` variables, checked once at start-up, and
:meth:`KafkaSecurity.client_options` is the one place that turns them into kafka-python keyword
arguments: the shipper's producer, the processor's consumer and dead-letter producer and the topic
administration all pass them on, so no client can be left on plaintext by mistake.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path

PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")


@dataclass(frozen=True)
class KafkaSecurity:
    """The brokers' security settings; the defaults are plaintext without credentials."""

    protocol: str = "PLAINTEXT"   # ASCOLTO_KAFKA_SECURITY_PROTOCOL
    ssl_cafile: str = ""          # ASCOLTO_KAFKA_SSL_CAFILE: CA bundle the brokers' certificates chain to ("" = system CAs)
    ssl_certfile: str = ""        # ASCOLTO_KAFKA_SSL_CERTFILE: client certificate (mutual TLS)
    ssl_keyfile: str = ""         # ASCOLTO_KAFKA_SSL_KEYFILE: its private key
    sasl_mechanism: str = ""      # ASCOLTO_KAFKA_SASL_MECHANISM
    sasl_username: str = ""       # ASCOLTO_KAFKA_SASL_USERNAME
    sasl_password: str = field(default="", repr=False)  # ASCOLTO_KAFKA_SASL_PASSWORD (a secret: never printed)

    @property
    def tls(self) -> bool:
        return self.protocol in ("SSL", "SASL_SSL")

    @property
    def sasl(self) -> bool:
        return self.protocol.startswith("SASL_")

    def client_options(self) -> dict:
        """Keyword arguments for ``KafkaProducer``, ``KafkaConsumer`` and ``KafkaAdminClient``:
        empty for plaintext; with TLS, the broker's certificate and host name are always verified."""
        options: dict = {}
        if self.protocol != "PLAINTEXT":
            options["security_protocol"] = self.protocol
        if self.tls:
            options["ssl_check_hostname"] = True
            for name in ("ssl_cafile", "ssl_certfile", "ssl_keyfile"):
                if getattr(self, name):
                    options[name] = getattr(self, name)
        if self.sasl:
            options.update(sasl_mechanism=self.sasl_mechanism, sasl_plain_username=self.sasl_username,
                           sasl_plain_password=self.sasl_password)
        return options


def load_kafka_security(env: dict) -> KafkaSecurity:
    """The ``ASCOLTO_KAFKA_*`` variables of ``env``, checked together.

    Raises ValueError naming the variable when the protocol or mechanism is unknown, when a SASL
    protocol lacks its mechanism, user name or password, when SASL or TLS settings are given for a
    protocol that would ignore them (a configuration that silently stays on plaintext), or when a
    named certificate or key file does not exist.
    """
    protocol = (env.get("ASCOLTO_KAFKA_SECURITY_PROTOCOL") or "PLAINTEXT").upper()
    if protocol not in PROTOCOLS:
        raise ValueError(f"ASCOLTO_KAFKA_SECURITY_PROTOCOL must be one of {', '.join(PROTOCOLS)}, got {protocol!r}")
    security = KafkaSecurity(
        protocol=protocol,
        ssl_cafile=env.get("ASCOLTO_KAFKA_SSL_CAFILE", ""),
        ssl_certfile=env.get("ASCOLTO_KAFKA_SSL_CERTFILE", ""),
        ssl_keyfile=env.get("ASCOLTO_KAFKA_SSL_KEYFILE", ""),
        sasl_mechanism=(env.get("ASCOLTO_KAFKA_SASL_MECHANISM") or "").upper(),
        sasl_username=env.get("ASCOLTO_KAFKA_SASL_USERNAME", ""),
        sasl_password=env.get("ASCOLTO_KAFKA_SASL_PASSWORD", ""),
    )
    sasl_vars = {"ASCOLTO_KAFKA_SASL_MECHANISM": security.sasl_mechanism,
                 "ASCOLTO_KAFKA_SASL_USERNAME": security.sasl_username,
                 "ASCOLTO_KAFKA_SASL_PASSWORD": security.sasl_password}
    tls_vars = {"ASCOLTO_KAFKA_SSL_CAFILE": security.ssl_cafile, "ASCOLTO_KAFKA_SSL_CERTFILE": security.ssl_certfile,
                "ASCOLTO_KAFKA_SSL_KEYFILE": security.ssl_keyfile}
    if security.sasl:
        for name, value in sasl_vars.items():
            if not value:
                raise ValueError(f"{name} is required with ASCOLTO_KAFKA_SECURITY_PROTOCOL={protocol}")
        if security.sasl_mechanism not in MECHANISMS:
            raise ValueError(f"ASCOLTO_KAFKA_SASL_MECHANISM must be one of {', '.join(MECHANISMS)}, "
                             f"got {security.sasl_mechanism!r}")
        if security.sasl_mechanism == "PLAIN" and not security.tls:
            raise ValueError("ASCOLTO_KAFKA_SASL_MECHANISM=PLAIN sends the password in clear: "
                             "use ASCOLTO_KAFKA_SECURITY_PROTOCOL=SASL_SSL (or a SCRAM mechanism)")
    else:
        given = next((name for name, value in sasl_vars.items() if value), None)
        if given:
            raise ValueError(f"{given} is set but ASCOLTO_KAFKA_SECURITY_PROTOCOL={protocol} does not use SASL "
                             "(SASL_SSL or SASL_PLAINTEXT)")
    if not security.tls:
        given = next((name for name, value in tls_vars.items() if value), None)
        if given:
            raise ValueError(f"{given} is set but ASCOLTO_KAFKA_SECURITY_PROTOCOL={protocol} does not use TLS "
                             "(SSL or SASL_SSL)")
    for name, value in tls_vars.items():
        if value and not Path(value).is_file():
            raise ValueError(f"{name} names {value!r}, which is not a readable file")
    if bool(security.ssl_keyfile) and not security.ssl_certfile:
        raise ValueError("ASCOLTO_KAFKA_SSL_KEYFILE is set without ASCOLTO_KAFKA_SSL_CERTFILE")
    return security


def any_broker_reachable(bootstrap: str, timeout_s: float = 1.0) -> bool:
    """Whether one address of the bootstrap list ``bootstrap`` (``HOST:PORT``, ``[v6]:PORT``, a bare host:
    Kafka's 9092) accepts a TCP connection, each tried for ``timeout_s`` at most. Asked before a Kafka
    client is built: kafka-python's constructors block for their whole bootstrap timeout against no
    broker, and a SIGTERM with them (the shipper's, the processor's stop took up to 25 s)."""
    for address in bootstrap.split(","):
        address = address.strip()
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():  # a bare host (or a bare [v6] address): Kafka's port
            host, port = address, "9092"
        try:
            socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()
            return True
        except OSError:
            continue
    return False
