"""Helpers of the registry tests (the fixtures ``db_url`` and ``factory`` are in conftest.py): every registry
test runs against SQLite and against the PostgreSQL at 127.0.0.1:5432, each in a fresh schema dropped afterwards.

``ASCOLTO_TEST_POSTGRES_URL`` overrides the server (a SQLAlchemy URL without search path); when it
cannot be reached the PostgreSQL variants are skipped with the reason.
"""
from __future__ import annotations

import os
from functools import lru_cache

from sqlalchemy import create_engine, select, text

from registry.models import Base

PG_CANDIDATES = [os.environ["ASCOLTO_TEST_POSTGRES_URL"]] if os.environ.get("ASCOLTO_TEST_POSTGRES_URL") else [
    "postgresql+psycopg2://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg2://root@127.0.0.1:5432/test",
]
BACKENDS = ["sqlite", "postgresql"]


@lru_cache(maxsize=1)
def postgres() -> tuple[str | None, str]:
    """``(url, "")`` of a reachable server allowed to create schemas, else ``(None, reason)``."""
    reasons = []
    for url in PG_CANDIDATES:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return url, ""
        except Exception as exc:  # any failure means: not usable here
            reasons.append(f"{url.split('@')[-1]} as {url.split('//')[1].split('@')[0]}: "
                           f"{str(getattr(exc, 'orig', exc)).strip().splitlines()[0]}")
        finally:
            engine.dispose()
    return None, "; ".join(reasons)


def dump(factory) -> dict[str, list[tuple]]:
    """Every registry table (and the Alembic version), rows ordered by primary key."""
    out = {}
    with factory() as s:
        for table in Base.metadata.sorted_tables:
            out[table.name] = [tuple(r) for r in s.execute(select(table).order_by(*table.primary_key.columns))]
        out["alembic_version"] = [tuple(r) for r in s.execute(text("SELECT version_num FROM alembic_version"))]
    return out


# --- IPA "Enti" CSV files made by the tests ------------------------------------------------------

PROVINCES = ["001", "015", "021", "022", "027", "037", "048", "058", "063", "072", "082", "092", "108", "111"]
CATEGORIES = ["L6", "L4", "L5", "L7", "L8", "L33", "C16", "L17", "SA"]


def make_ipa_csv(path, rows: int = 10_000, *, seed: int = 3, delimiter: str = ",", rename: dict | None = None):
    """Write an IPA-layout CSV of ``rows`` data rows, some deliberately bad.

    Returns ``(good, rejected)``: ``good`` maps each importable IPA code to the entity fields the
    registry should hold; ``rejected`` maps the physical line number of each bad row to the IPA
    column the rejection must name. One name spans two lines (quoted newline), so line numbers
    and record numbers differ after it. ``rename`` maps IPA codes to new names (for updates).
    """
    import csv
    import random

    from registry.geo import PROVINCE_NUTS, PROVINCE_REGION, REGIONS
    from registry.ipa import IPA_LAYOUT

    rnd = random.Random(seed)
    good: dict[str, dict] = {}
    rejected: dict[int, str] = {}
    line = 1
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator="\n")
        w.writerow(IPA_LAYOUT)
        for i in range(rows):
            code = f"ente_{i:05d}"
            prov = rnd.choice(PROVINCES)
            comune = f"{prov}{rnd.randint(1, 300):03d}"
            name = f"Ente numero {i}, \"di prova\""
            category = rnd.choice(CATEGORIES)
            bad = None
            if i == 3000:
                name = "Comune di\nDue Righe"
            if i % 997 == 5:
                comune, bad = f"999{i % 1000:03d}", "Codice_comune_ISTAT"
            elif i % 1009 == 7:
                name, bad = "  ", "Denominazione_ente"
            elif i % 1013 == 11:
                category, bad = "comune!", "Codice_Categoria"
            elif i % 1019 == 13:
                comune, bad = "", "Codice_comune_ISTAT"
            elif i == 5000:
                code, bad = "ente_00010", "Codice_IPA"  # repeats row 10 (line 12)
            elif i % 503 == 2 and comune.startswith("0"):
                comune = comune.lstrip("0")  # as a spreadsheet would write it
            if rename and code in rename:
                name = rename[code]
            line += 1
            if i == 7000:
                f.write(f"{code}{delimiter}Troppo corta\n")
                rejected[line] = "row"
                continue
            record = {c: "" for c in IPA_LAYOUT}
            record.update({"Codice_IPA": code, "Denominazione_ente": name, "Codice_Categoria": category,
                           "Codice_comune_ISTAT": comune, "Codice_fiscale_ente": f"{rnd.randint(0, 10**11):011d}",
                           "Tipologia": "Pubbliche Amministrazioni", "Mail1": f"protocollo@{code}.it",
                           "Tipo_Mail1": "Pec", "Sito_istituzionale": f"www.{code}.it",
                           "Data_aggiornamento": "2026-01-15"})
            w.writerow([record[c] for c in IPA_LAYOUT])
            start, line = line, line + name.count("\n")
            if bad:
                rejected[start] = bad
                continue
            full = comune.zfill(6)
            region = PROVINCE_REGION[full[:3]]
            good[code] = {"name": " ".join(name.split()), "category": category, "comune_istat": full,
                          "region_istat": region, "region_nuts": PROVINCE_NUTS.get(full[:3]) or REGIONS[region][1]}
    return good, rejected


# --- a PostgreSQL server that hangs after connecting ---------------------------------------------

def hung_postgres():
    """``(port, startups, close)``: a server on 127.0.0.1 that completes every connection's startup
    (no password, ``ReadyForQuery``) and then never answers a query — a hung backend, a stuck proxy.
    ``startups`` collects each startup message's parameters (a dict, ``options`` among them)."""
    import socket
    import struct
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    startups: list[dict] = []
    clients: list = []

    def read(conn, n):
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise ConnectionError
            data += chunk
        return data

    def serve(conn):
        try:
            while True:
                size, code = struct.unpack("!ii", read(conn, 8))
                body = read(conn, size - 8)
                if code == 80877103:  # SSLRequest: no
                    conn.sendall(b"N")
                    continue
                fields = body.split(b"\0")
                startups.append({fields[i].decode(): fields[i + 1].decode() for i in range(0, len(fields) - 2, 2)})
                status = b"".join(b"S" + struct.pack("!i", 4 + len(kv)) + kv for kv in (
                    b"client_encoding\0UTF8\0", b"server_version\x0016.0\0", b"standard_conforming_strings\0on\0", b"DateStyle\0ISO, MDY\0"))
                conn.sendall(b"R" + struct.pack("!ii", 8, 0) + status  # AuthenticationOk, ParameterStatus
                             + b"Z" + struct.pack("!i", 5) + b"I")  # ReadyForQuery, idle
                return  # queries are read by nobody
        except (ConnectionError, OSError):
            pass

    def accept():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            clients.append(conn)
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()

    def close():
        server.close()
        for c in clients:
            c.close()
    return server.getsockname()[1], startups, close


# --- a proxy to the real PostgreSQL that can fall silent --------------------------------------------

class SilentProxy:
    """Forwards 127.0.0.1:``port`` to ``target`` (host, port) until :meth:`fall_silent`: from then on every
    connection open, and every new one (the kernel still completes the handshake), is read and never
    answered — a hung server or a stuck proxy, whose kernel acknowledges what is sent. :meth:`answer_again`
    lets *new* connections through again (the silent ones stay silent, as a hung backend's would)."""

    def __init__(self, target: tuple[str, int]):
        import socket
        import threading

        self.target = target
        self.silent = False
        self._dead: set = set()
        self._lock = threading.Lock()
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self.port = self._server.getsockname()[1]
        self._conns: list = []
        threading.Thread(target=self._accept, daemon=True).start()

    def fall_silent(self) -> None:
        with self._lock:
            self.silent = True
            self._dead.update(self._conns)

    def answer_again(self) -> None:
        with self._lock:
            self.silent = False

    def close(self) -> None:
        self._server.close()
        for c in list(self._conns):
            try:
                c.close()
            except OSError:
                pass

    def _accept(self) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            with self._lock:
                self._conns.append(client)
                if self.silent:
                    self._dead.add(client)
            if client in self._dead:
                threading.Thread(target=self._swallow, args=(client,), daemon=True).start()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            self._conns.append(upstream)
            threading.Thread(target=self._pipe, args=(client, upstream, client), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, client), daemon=True).start()

    def _swallow(self, conn) -> None:
        try:
            while conn.recv(65536):
                pass
        except OSError:
            pass

    def _pipe(self, src, dst, client) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if client in self._dead:
                    continue  # read, never forwarded: nothing reaches the server, nothing comes back
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):  # the client gave the connection up (or the server closed it)
            try:
                s.close()
            except OSError:
                pass
