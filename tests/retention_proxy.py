"""A Kafka-protocol proxy that gives the local broker Apache Kafka's retention: a log start offset that moves.

Tansu 0.6.0 keeps every record of its memory storage: it applies no ``retention.ms`` and answers
DeleteRecords with a panic ("not yet implemented"), so its log start offset is always 0. Apache Kafka, after
retention deleted a partition's oldest segments, answers two requests differently, and this proxy makes
the broker answer them so for the partitions of :attr:`RetentionProxy.log_start`:

- ListOffsets: no offset below the log start (the earliest offset *is* the log start);
- Fetch at an offset below the log start: error OFFSET_OUT_OF_RANGE, no records, ``log_start_offset`` set.

Everything else — groups, commits, produce, the records fetched — is the real broker's, and the client's
answer to it (kafka-python's reset to the earliest offset) is the real client's. The broker must advertise
the proxy's port (``LocalBroker(advertised_port=...)``), so that every connection goes through it.
"""
from __future__ import annotations

import io
import socket
import struct
import threading

from kafka.protocol.consumer.fetch import FetchRequest, FetchResponse
from kafka.protocol.consumer.offsets import ListOffsetsResponse

FETCH, LIST_OFFSETS = 1, 2
OFFSET_OUT_OF_RANGE = 1


def _read_frame(sock: socket.socket) -> bytes | None:
    head = _read(sock, 4)
    if head is None:
        return None
    return _read(sock, struct.unpack(">i", head)[0])


def _read(sock: socket.socket, n: int) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


class RetentionProxy:
    """Forwards ``listen_port`` to ``target_port`` on 127.0.0.1. ``log_start``: partition index → the log start
    offset Kafka would have after retention (every topic's partition of that index: the test's consumer reads
    one topic)."""

    def __init__(self, listen_port: int, target_port: int):
        self.listen_port, self.target_port = listen_port, target_port
        self.log_start: dict[int, int] = {}
        self.out_of_range = 0  # fetches answered OFFSET_OUT_OF_RANGE
        self._server: socket.socket | None = None
        self._socks: list[socket.socket] = []

    def __enter__(self) -> "RetentionProxy":
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", self.listen_port))
        srv.listen(64)
        self._server = srv
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        for s in [self._server, *self._socks]:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self._socks += [client, upstream]
            asked: dict[int, tuple] = {}  # correlation id → (api key, version, fetch offsets by partition)
            threading.Thread(target=self._requests, args=(client, upstream, asked), daemon=True).start()
            threading.Thread(target=self._responses, args=(upstream, client, asked), daemon=True).start()

    def _requests(self, client, upstream, asked) -> None:
        try:
            while (frame := _read_frame(client)) is not None:
                key, version, correlation = struct.unpack(">hhi", frame[:8])
                offsets = {}
                if key == FETCH:
                    request = FetchRequest.decode(frame, version=version, header=True)
                    offsets = {p.partition: p.fetch_offset for t in request.topics for p in t.partitions}
                asked[correlation] = (key, version, offsets)
                upstream.sendall(struct.pack(">i", len(frame)) + frame)
        except OSError:
            pass

    def _responses(self, upstream, client, asked) -> None:
        try:
            while (frame := _read_frame(upstream)) is not None:
                key, version, offsets = asked.pop(struct.unpack(">i", frame[:4])[0], (None, None, {}))
                if self.log_start and key in (FETCH, LIST_OFFSETS):
                    frame = self._retained(key, version, offsets, frame)
                client.sendall(struct.pack(">i", len(frame)) + frame)
        except OSError:
            pass

    def _retained(self, key: int, version: int, offsets: dict, frame: bytes) -> bytes:
        kind = ListOffsetsResponse if key == LIST_OFFSETS else FetchResponse
        header = io.BytesIO(frame)
        kind.parse_header(header, version=version)  # the response's header is sent back as it came
        response = kind.decode(frame[header.tell():], version=version)
        response._header = None  # decoded without its header: encoded without it
        return frame[:header.tell()] + self._rewritten(key, offsets, response).encode(version=version)

    def _rewritten(self, key: int, offsets: dict, response):
        if key == LIST_OFFSETS:
            for topic in response.topics:
                for p in topic.partitions:
                    start = self.log_start.get(p.partition_index)
                    if start is not None and p.error_code == 0 and 0 <= p.offset < start:
                        p.offset = start
            return response
        for topic in response.responses:
            for p in topic.partitions:
                start = self.log_start.get(p.partition_index)
                if start is not None and offsets.get(p.partition_index, start) < start:
                    p.error_code, p.records, p.log_start_offset = OFFSET_OUT_OF_RANGE, None, start
                    self.out_of_range += 1
        return response
