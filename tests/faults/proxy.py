"""A TCP proxy in front of the broker, to cut, restore and slow the network between Ascolto and Kafka.

The local broker keeps its log in memory only, so killing its process would also destroy records
it had acknowledged — something a replicated Kafka cluster does not do. Cutting every connection
at the proxy (and refusing new ones) is what the collector and processors see when a broker dies;
the broker's data survives for the reconciliation.

``hold_next(api_key)`` models the other way a network fails: packets lost without a reset. The next
connection that sends a request with that Kafka API key (11: JoinGroup) is held — nothing more is
forwarded either way, and it is neither closed nor reset, not even by ``down()`` — so the client waits
for its request timeout, as it would behind a partition.
"""
from __future__ import annotations

import socket
import threading
import time


class FaultProxy:
    """Forwards ``listen_port`` to ``target_port`` on 127.0.0.1; ``down()``/``up()``/``delay_s``."""

    def __init__(self, listen_port: int, target_port: int):
        self.listen_port, self.target_port = listen_port, target_port
        self.delay_s = 0.0
        self._server: socket.socket | None = None
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._hold_key: int | None = None
        self.held = threading.Event()  # set once a connection is held (hold_next)
        self._held: set[socket.socket] = set()

    def up(self) -> "FaultProxy":
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", self.listen_port))
        srv.listen(128)
        self._server = srv
        threading.Thread(target=self._accept, args=(srv,), daemon=True).start()
        return self

    def down(self) -> None:
        """Refuse new connections and reset every open one, as a dead broker would."""
        srv, self._server = self._server, None
        if srv:
            try:  # wake the thread blocked in accept(): close() alone leaves it accepting one more
                srv.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            srv.close()
        with self._lock:
            conns, self._conns = self._conns, set()
        for c in conns:
            try:
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                c.close()
            except OSError:
                pass

    def hold_next(self, api_key: int) -> threading.Event:
        """Hold the next connection that sends a request with ``api_key``; returns the event set then."""
        self.held.clear()
        self._hold_key = api_key
        return self.held

    def close(self) -> None:
        self._closed = True
        self.down()
        for c in self._held:
            try:
                c.close()
            except OSError:
                pass

    def _accept(self, srv: socket.socket) -> None:
        while True:
            try:
                client, _ = srv.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns |= {client, upstream}
            for a, b, requests in ((client, upstream, True), (upstream, client, False)):
                threading.Thread(target=self._pipe, args=(a, b, requests), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, requests: bool = False) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if requests and self._hold_key is not None and int.from_bytes(data[4:6], "big") == self._hold_key:
                    self._hold(src, dst)  # a request frame: length (4 bytes), then its API key (2 bytes)
                if src in self._held:
                    return  # silent from now on: the held sockets stay open until close()
                if self.delay_s:
                    time.sleep(self.delay_s)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                if s in self._held:
                    continue
                try:
                    s.close()
                except OSError:
                    pass
            with self._lock:
                self._conns.discard(src)
                self._conns.discard(dst)

    def _hold(self, client: socket.socket, upstream: socket.socket) -> None:
        with self._lock:
            self._hold_key = None
            self._held |= {client, upstream}
            self._conns -= {client, upstream}
        self.held.set()
