"""DuckDB views over the hive-partitioned Parquet datasets written by the processor."""
from __future__ import annotations

from pathlib import Path

import duckdb

from dataset import layout
from dataset.views import responses_view_sql


def open_dataset(data_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a ``responses`` view over ``data_dir/responses``.

    Files appear atomically (the processor renames them into place), so a reader sees whole
    batches only. With no data yet the view exists, with every column, and is empty
    (:func:`dataset.views.responses_view_sql`, the one definition).
    """
    con = duckdb.connect(":memory:")
    con.execute(responses_view_sql(data_dir))
    return con


def pin(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    """Give ``con``, a :class:`Warehouse` cursor, its own ``responses_stored`` and ``responses`` (TEMP views,
    shadowing the shared ones for this cursor only) over the files a reader counts *now*
    (:func:`dataset.layout.parquet_files`: a compaction's superseded inputs left out), with the running
    month the warehouse was loaded with. For a reader whose several queries must agree and must not
    count a row twice — the microdata package: no batch written and no compaction meanwhile changes
    what its counts, rows and metadata read. A file a swapping compaction removes meanwhile is "not
    found" (the export fails whole and leaves nothing: run it again)."""
    from datetime import date

    from .periods import LOADED_MONTH, ended_only

    running = con.execute(f"SELECT running_month FROM {LOADED_MONTH}").fetchone()[0]
    con.execute(responses_view_sql(data_dir, "responses_stored", listed=True, temp=True))
    con.execute(f"CREATE OR REPLACE TEMP VIEW responses AS SELECT * FROM responses_stored "
                f"WHERE {ended_only(today=date.fromisoformat(running + '-01'))}")


class Warehouse:
    """What every reader (console, CLI, exports) opens: an in-memory DuckDB with

    - ``responses``: the view over the Parquet dataset's responses of *ended* months,
    - ``rollup_daily``: a view over the day-grain rollup files (see :mod:`warehouse.rollup`), ended months,
    - ``rollup``: the same summed to the month (period), which every cut reads,
    - ``responses_stored``: every stored response, the running month's too — read only for when answers
      arrive (the coverage page's silent services), never for a figure.

    A period's figures are published only once it has ended (:func:`warehouse.periods.ended_only`, the
    one rule: docs/confidentiality.md): a running month's cell would be republished with fresh noise
    after each answer, and averaged. The month is Europe/Rome's when the data were loaded; a new month
    reloads them even without new data (:attr:`version` holds it).

    Nothing is ever written through it: the Parquet files are only read. When ``auto_refresh`` is
    on, :meth:`cursor` checks at most every ``settings.rollup_check_s`` seconds whether the
    responses changed since the rollup was built, refreshes it (incrementally) if so, and reloads.
    """

    def __init__(self, settings, auto_refresh: bool = True):
        import threading

        self.settings = settings
        self.data_dir = Path(settings.data_dir)
        self.auto_refresh = auto_refresh
        self._con = duckdb.connect(":memory:")
        self._lock = threading.Lock()
        self._loaded: str | None = None
        self._checked = float("-inf")
        self.ensure_fresh(force=True)

    def ensure_fresh(self, force: bool = False) -> None:
        import time

        from . import periods, rollup

        now = time.monotonic()
        # a new month reloads at once, whatever rollup_check_s says: the cube judges which periods have
        # ended by the live clock, and must never see a quarter ended without its last month (route 22)
        today = periods.today_rome()
        month = f"@{periods.running_month(today)}"
        if not force and now - self._checked < self.settings.rollup_check_s and (self._loaded or "").endswith(month):
            return
        with self._lock:
            if not force and now - self._checked < self.settings.rollup_check_s and (self._loaded or "").endswith(month):
                return
            if self.auto_refresh and rollup.is_stale(self.data_dir):
                rollup.refresh(self.data_dir, secret=self.settings.ckm_secret)
            manifest_path = rollup.rollup_dir(self.data_dir) / rollup.MANIFEST
            token = ((f"{manifest_path.stat().st_mtime_ns}" if manifest_path.exists() else "none")
                     + ("+superseding" if layout.superseding(self.data_dir) else "")  # the view to use (dataset.views)
                     + month)
            if token != self._loaded:
                self._load(today)
                self._loaded = token
            self._checked = time.monotonic()

    def _load(self, today) -> None:
        """Load the data of the months ended on ``today`` (the publication day,
        :func:`warehouse.periods.today_rome`), and the running month they were filtered with into
        :data:`warehouse.periods.LOADED_MONTH`, and the months with data (:mod:`warehouse.data_months`) — in one
        transaction, so that no cursor, however old, sees the data of one month's turn with the running month
        of another (the cube judges by it)."""
        from . import data_months, rollup
        from .periods import LOADED_MONTH, ended_only, running_month

        con = self._con
        ended = ended_only(today=today)  # the running month when loaded: a new month reloads (ensure_fresh's token)
        with rollup.locked(self.data_dir, exclusive=False):
            files = rollup.output_files(self.data_dir)
            if files:
                listing = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
                source = f"read_parquet({listing}, hive_partitioning = false)"
            else:
                source = f"({rollup.EMPTY_ROLLUP})"
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(responses_view_sql(self.data_dir, "responses_stored"))
                con.execute(f"CREATE OR REPLACE VIEW responses AS SELECT * FROM responses_stored WHERE {ended}")
                # rollup_daily: the day-grain rollup as written; rollup: summed to the month in memory (what
                # every cut reads: ~30 times fewer rows; the period is the finest grain the API serves)
                con.execute("DROP VIEW IF EXISTS rollup_daily")
                con.execute(f"CREATE VIEW rollup_daily AS SELECT * FROM {source} WHERE {ended}")
                group = "period, pa_type, " + ", ".join(rollup.KEYS) + ", indicator"
                con.execute(f"CREATE OR REPLACE TABLE rollup AS SELECT {group}, {rollup.measure_sums()} FROM rollup_daily "
                            f"GROUP BY {group} ORDER BY indicator, service_type, period")
                con.execute(f"CREATE OR REPLACE TABLE {LOADED_MONTH} AS SELECT '{running_month(today)}' AS running_month")
                con.execute(data_months.create_sql())  # the months with data, of this very load
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    @property
    def version(self) -> str | None:
        """What the loaded rollup is (its manifest's mtime and the running month it leaves out): results
        computed from one version may be reused."""
        return self._loaded

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own for one caller (thread); the data is fresh per ``rollup_check_s``."""
        self.ensure_fresh()
        return self._con.cursor()

    def close(self) -> None:
        """Close its DuckDB connection, after any refresh running (its lock); a cursor is refused after.
        Idempotent."""
        with self._lock:
            self._con.close()

    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def expire(self) -> None:
        """Make the next :meth:`cursor` check freshness whatever ``rollup_check_s`` says."""
        self._checked = float("-inf")


class SharedWarehouse:
    """The one :class:`Warehouse` of a process (the console's), opened on first use: calling it returns it.

    :meth:`warm_up` opens it in a background thread as the process starts — building or updating
    the rollup (the first build of a fresh dataset takes seconds) and loading it — so that the first
    page finds it ready. A caller arriving meanwhile waits for that same opening (one lock) and gets
    the whole of it: nobody builds the rollup twice or reads a partial one (readers load only a
    finished refresh's files, under the rollup's shared lock: :mod:`warehouse.rollup`).
    """

    def __init__(self, settings):
        import threading

        self.settings = settings
        self._lock = threading.Lock()
        self._warehouse: Warehouse | None = None
        self._closed = False

    def __call__(self) -> Warehouse:
        if self._warehouse is None or self._closed:
            with self._lock:
                if self._closed:
                    raise RuntimeError("the console's warehouse was closed (its app shut down)")
                if self._warehouse is None:
                    self._warehouse = Warehouse(self.settings)
        return self._warehouse

    def close(self) -> None:
        """Close the warehouse if it was opened (waiting for an opening under way: the warm-up's); the
        app's shutdown (:func:`warehouse.console.close_app`). Idempotent; calling it after raises ``RuntimeError``."""
        with self._lock:
            self._closed = True
            if self._warehouse is not None:
                self._warehouse.close()

    def warm_up(self):
        """Start opening the warehouse in a background thread and return it; None (nothing started) when the
        data dir holds no ``responses`` yet — nothing to build, and nothing is created there. A failure
        is logged and left to the first caller (who opens it again and gets the error). The first
        :meth:`Warehouse.cursor` after the warm-up still checks freshness: files written since are seen."""
        from dataset import layout

        from . import warmup

        if not (Path(self.settings.data_dir) / layout.RESPONSES).is_dir():
            return None
        return warmup.start("rollup-warm-up", lambda: self().expire(), "rollup warm-up failed; the first page opens it")


def unreadable_file(exc: BaseException) -> bool:
    """True for a DuckDB error about a file it could not read — I/O, or a ``.parquet`` that is not one
    (truncated, foreign: "too small to be a Parquet file", "No magic bytes") — not a query's own error."""
    if isinstance(exc, duckdb.IOException):
        return True
    return isinstance(exc, duckdb.InvalidInputException) and ("Parquet" in str(exc) or "parquet" in str(exc))
