"""Whether ``ASCOLTO_TOPIC`` exists on the brokers, asked without creating it.

A production Kafka runs with ``auto.create.topics.enable=false``: a wrong ``ASCOLTO_TOPIC`` then left the
processor polling nothing for ever and the shipper's produce timing out without a word about the topic
(and where auto-creation is on — the local Tansu broker — a producer's or consumer's metadata request
for the topic creates it, so a typo silently made a new, unread topic). The collector's shipper and the
processor ask before they build their clients: a metadata request for **every** topic
(``KafkaAdminClient.list_topics``), which never creates one, and look for the name in the answer.
"""
from __future__ import annotations

from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError


class TopicMissing(KafkaError):
    """The brokers answered and do not have the topic (its message names ``ASCOLTO_TOPIC``)."""


class _Admin(KafkaAdminClient):
    """kafka-python's admin client, closed when its constructor fails: it starts its I/O thread and
    then bootstraps, and a bootstrap that times out (``bootstrap_timeout_ms``) raised out of the
    constructor with the thread and its sockets left running — one more of each per attempt."""

    def __init__(self, **configs):
        try:
            super().__init__(**configs)
        except BaseException:
            if hasattr(self, "_net"):  # the client and its thread were made: close them as close() would
                self._closed = False
                self.close()
            raise


def topic_names(bootstrap: str, client_options: dict, timeout_ms: int = 10_000) -> set[str]:
    """The names of the cluster's topics (a metadata request for all topics: creates nothing), asked
    within about ``timeout_ms`` for the bootstrap and as much for the request. Raises
    :class:`kafka.errors.KafkaError` when the brokers cannot be asked, having closed everything the
    client opened (its I/O thread and sockets: the shipper and the processor ask again and again while
    a broker accepts connections and does not answer)."""
    admin = _Admin(bootstrap_servers=bootstrap, client_id="ascolto-topic-check", request_timeout_ms=timeout_ms,
                   bootstrap_timeout_ms=timeout_ms, **client_options)
    try:
        return set(admin.list_topics())
    finally:
        admin.close()


def require_topic(bootstrap: str, topic: str, client_options: dict, timeout_ms: int = 10_000) -> None:
    """Return when ``topic`` exists on the brokers of ``bootstrap``; raise :class:`TopicMissing` (one line
    naming ``ASCOLTO_TOPIC`` and ``ASCOLTO_BROKER``) when they answer without it, another
    :class:`kafka.errors.KafkaError` when they cannot be asked."""
    if topic not in topic_names(bootstrap, client_options, timeout_ms):
        raise TopicMissing(f"the topic {topic!r} (ASCOLTO_TOPIC) does not exist on the brokers {bootstrap} "
                           "(ASCOLTO_BROKER): create it, or correct ASCOLTO_TOPIC")
