"""The months with data of a loaded warehouse: which months hold a counted response, the one fact every menu,
default period and range check asks for (:func:`warehouse.cube.period_labels`, :func:`warehouse.cube.first_data_month`,
:func:`warehouse.data_range.require_data`).

Each of them scanned the whole rollup (220,000 rows for 10 M responses) and the quarterly menu computed a
quarter's label on every row: 60–100 ms of a console request whose figures took 30. :class:`warehouse.dataset.Warehouse`
now writes the months into a small table (:data:`LOADED_MONTHS`) in the transaction that loads the rollup, so a
cursor reads the months of its own snapshot — never those of a newer load — in well under a millisecond. A bare
``rollup`` (the tests of the arithmetic) has no such table: it is scanned as before.
"""
from __future__ import annotations

import duckdb

#: the table of the months with a counted response, written with the rollup (:func:`create_sql`)
LOADED_MONTHS = "loaded_data_months"


def create_sql() -> str:
    """The statement that writes :data:`LOADED_MONTHS` from the ``rollup`` table just loaded (same transaction)."""
    return f"CREATE OR REPLACE TABLE {LOADED_MONTHS} AS SELECT DISTINCT period FROM rollup WHERE n > 0"


def months(con) -> list[str]:
    """The months (``YYYY-MM``) in which the rollup counts a response (``n > 0``), oldest first: the loaded
    warehouse's :data:`LOADED_MONTHS`, or the ``rollup`` table itself where there is none."""
    try:
        rows = con.execute(f"SELECT period FROM {LOADED_MONTHS} ORDER BY period").fetchall()
    except duckdb.CatalogException:  # a bare rollup: no transaction of a Warehouse's is open there
        rows = con.execute("SELECT DISTINCT period FROM rollup WHERE n > 0 ORDER BY period").fetchall()
    return [r[0] for r in rows]
