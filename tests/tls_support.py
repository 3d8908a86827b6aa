"""A TLS listener in front of the plaintext Tansu broker, for the tests of the Kafka clients' TLS.

Tansu (the local broker) listens in plaintext; :class:`TlsTerminator` accepts TLS connections with a
certificate made for the test (``openssl``) and relays the bytes to the broker, which advertises the
terminator's port in its metadata (``LocalBroker(advertised_port=…)``), so every connection of a
client — bootstrap, coordinator, partition leaders — goes through TLS, as to a TLS listener of a
production Kafka cluster.
"""
from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path


def make_certificate(directory: Path, name: str = "broker") -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key (files in ``directory``).

    Raises RuntimeError when ``openssl`` is not installed."""
    if shutil.which("openssl") is None:
        raise RuntimeError("openssl is not installed")
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", f"/CN={name}", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


class TlsTerminator:
    """Accepts TLS on ``port`` (127.0.0.1) and relays each connection to ``upstream_port`` in plaintext."""

    def __init__(self, port: int, upstream_port: int, cert: Path, key: Path):
        self.port, self.upstream_port = port, upstream_port
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(str(cert), str(key))
        self.handshakes = 0  # completed TLS handshakes
        self.failed = 0      # connections that did not complete one (a plaintext client, a distrusting one)
        self._listener = socket.create_server(("127.0.0.1", port))
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> "TlsTerminator":
        threading.Thread(target=self._accept, daemon=True, name="tls-accept").start()
        return self

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        with self._lock:
            for s in self._sockets:
                try:
                    s.close()
                except OSError:
                    pass

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                raw, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(raw,), daemon=True, name="tls-conn").start()

    def _serve(self, raw: socket.socket) -> None:
        raw.settimeout(10)
        try:
            client = self.context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            with self._lock:
                self.failed += 1
            raw.close()
            return
        client.settimeout(None)
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        with self._lock:
            self.handshakes += 1
            self._sockets += [client, upstream]
        threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()
        _pump(client, upstream)

    def __enter__(self) -> "TlsTerminator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
