"""The months a unit's series of an indicator breaks (docs/methodology.md §5): where a trend must not
cross. Reads the rollup (counts only, nothing published)."""
from __future__ import annotations

from . import cube


def break_months(con, indicator: str, dim: str, code: str) -> list[str]:
    """The months (YYYY-MM, oldest first) in which a questionnaire version declaring a break for
    ``indicator`` first appears among the answers of the unit ``dim`` = ``code`` — whatever the month's
    cell shows (a suppressed month still splits the series; the cube's ``obs_status = B`` flag is set on
    published cells only). Empty when no version of the indicator's questionnaires declares a break."""
    versions = cube._break_versions(indicator)
    if not versions:
        return []
    where, params = cube._where(cube.Cut(indicator=indicator, filters={dim: [code]}, freq="M"))
    pairs = " OR ".join("(questionnaire = ? AND version = ?)" for _ in versions)
    for q, v in versions:
        params += [q, str(v)]
    rows = con.execute(f"SELECT questionnaire, version, min(period) FROM rollup WHERE {where} AND ({pairs}) "
                       f"AND n > 0 GROUP BY 1, 2", params).fetchall()
    return sorted({r[2] for r in rows})
