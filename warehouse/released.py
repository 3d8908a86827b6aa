"""Which response rows are released: the one home of the microdata's k-anonymity rule, read by the
microdata package (:mod:`warehouse.datapackage`) and by every record-level analysis that publishes
exact model outputs (:mod:`warehouse.drivers`, route 24 of docs/confidentiality.md).

Contract
--------
- A *group* is the rows sharing one combination of :data:`QUASI_IDENTIFIERS` (what a released row says
  about its respondent). A row is *released* when it has a questionnaire, its group's released rows
  number at least ``k`` (``settings.microdata_k``), and, for each of the :data:`UNITS` in turn (the
  entity, then the service), the group's released rows that are not of one unit are none or at least
  ``k``: where a group's rows but one unit's number 1 to k−1, only the largest unit's rows are kept. So whoever knows everything a row says finds at least k rows, and
  whoever knows which rows of a group are one unit's (its exact analysis: the key drivers) finds the
  others none or at least k — never one or two rows of a suppressed cell to single out. The Data
  Package writes exactly these rows.
- :func:`released_sql` is that predicate as SQL: a query over a ``source`` of rows that keeps the
  released ones. An analysis that publishes exact outputs computed from rows reads only these
  (:func:`warehouse.drivers.load_rows`), so its output is a function of released rows and of the cut's
  definition: a withheld row, hidden from the package, is hidden from it too.
- The rule looks within a group only: a ``source`` restricted to a union of whole groups (whole months;
  rows of given values of some quasi-identifiers) releases the same rows as the unrestricted one; a
  ``source`` restricted by anything else (an entity, a service) would judge groups short. ``source``
  holds the :data:`UNITS` columns too: they are looked at, never released (the package leaves them out).
"""
from __future__ import annotations

#: The quasi-identifiers of a response: the key variables a released row carries (k-anonymity is a
#: property of what is released). The questionnaire's version is one: each version's rows are a file of
#: their own, and a service's switch to a new version (a public date) splits a month's answers in two.
QUASI_IDENTIFIERS = ["period", "pa_type", "service_type", "region", "channel", "lang", "questionnaire", "version"]
#: The units an exact analysis is published for, coarsest first, whose share of a group the rule looks at
#: (never released). Counting k over the group alone released a small service's one answer among a large
#: service's 120 of the same group, and the large service's key drivers (a function of its rows only)
#: told which released row was not its own: leave each out in turn, compare with the published weights —
#: the small service's suppressed answers (route 24's residual, docs/confidentiality.md). Counting k per
#: service instead would withhold every row of forty municipalities' one answer each, a group of forty.
UNITS = ["entity", "service"]
#: The column :func:`released_sql` adds: the number of the group's released rows.
GROUP_N = "_released_group_n"


def _keep_largest_unit(source: str, unit: str, k: int, keys: str) -> str:
    """``source``'s rows but those of a group whose rows outside its largest ``unit`` number 1 to k−1,
    which keep only the largest unit's rows (NULL a key like any other). A tie for the largest never
    decides: the others then number at least its rows, so either at least k (all kept) or the unit alone
    is under k (the group is withheld whichever is kept); the first key is kept, for determinism."""
    sized = (f"SELECT *, count(*) OVER (PARTITION BY {keys}) AS _rel_n, "
             f"count(*) OVER (PARTITION BY {keys}, {unit}) AS _rel_unit_n FROM {source}")
    ranked = (f"SELECT *, max(_rel_unit_n) OVER (PARTITION BY {keys}) AS _rel_top_n, "
              f"first_value({unit}) OVER (PARTITION BY {keys} ORDER BY _rel_unit_n DESC, {unit} NULLS LAST "
              f"ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS _rel_top FROM ({sized})")
    return (f"(SELECT * EXCLUDE (_rel_n, _rel_unit_n, _rel_top_n, _rel_top) FROM ({ranked}) "
            f"WHERE _rel_n - _rel_top_n NOT BETWEEN 1 AND {k - 1} OR {unit} IS NOT DISTINCT FROM _rel_top)")


def released_sql(source: str, k: int) -> str:
    """A query of the released rows of ``source`` (a table, view or parenthesised query holding the
    :data:`QUASI_IDENTIFIERS` and the :data:`UNITS`): every column of ``source`` plus :data:`GROUP_N`, for
    the rows the module's rule releases (NULL a value like any other). Raises :class:`ValueError` for a
    ``k`` that is not a positive integer."""
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise ValueError(f"k is a positive integer, not {k!r}")
    keys = ", ".join(QUASI_IDENTIFIERS)
    kept = source
    for unit in UNITS:  # the entity first: a service's rows are one entity's, never the reverse
        kept = _keep_largest_unit(kept, unit, k, keys)
    return (f"SELECT * FROM (SELECT *, count(*) OVER (PARTITION BY {keys}) AS {GROUP_N} FROM {kept}) "
            f"WHERE {GROUP_N} >= {k} AND questionnaire IS NOT NULL")
