"""A TCP proxy in front of the broker, to cut, restore and slow the network between Ascolto and Kafka.

The local broker keeps its log in memory only, so killing its process would also destroy records
it had acknowledged — something a replicated Kafka cluster does not do. Cutting every connection
at the proxy (and refusing new ones) is what the collector and processors see when a broker dies;
the broker's data survives for the reconciliation.
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

    def close(self) -> None:
        self._closed = True
        self.down()

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
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if self.delay_s:
                    time.sleep(self.delay_s)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass
            with self._lock:
                self._conns.discard(src)
                self._conns.discard(dst)
