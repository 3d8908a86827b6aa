"""Raw indicators over the ``responses`` view (no disclosure control: for internal use and tests; the
published statistics are :mod:`warehouse.cube`)."""
from __future__ import annotations

import re
from typing import Any

import duckdb

from questionnaires.harmonize import SCORE_INDICATORS

PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


from .comparability import QueryError  # noqa: E402  (one error type for every warehouse query)


def by_pa_and_service_type(con: duckdb.DuckDBPyConnection, indicator: str = "satisfaction",
                           period: str | None = None) -> list[dict[str, Any]]:
    """n and mean (0–100) of ``indicator`` per period, PA type and service type.

    ``period`` (``YYYY-MM``) restricts to one month. Raises :class:`QueryError` for an unknown
    indicator or a malformed period. Rows are ordered by period, PA type, service type.
    """
    if indicator not in SCORE_INDICATORS:
        raise QueryError("indicator", f"Unknown indicator {indicator!r}; one of {', '.join(SCORE_INDICATORS)}.")
    if period is not None and not PERIOD.match(period):
        raise QueryError("period", f"Period must be YYYY-MM, got {period!r}.")
    sql = f"""
        SELECT period, pa_type, service_type, count({indicator}) AS n, avg({indicator}) AS mean
        FROM responses
        WHERE {indicator} IS NOT NULL {"AND period = ?" if period else ""}
        GROUP BY ALL ORDER BY period, pa_type, service_type
    """
    cur = con.execute(sql, [period] if period else [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, (round(v, 2) if isinstance(v, float) else v for v in row))) for row in cur.fetchall()]
