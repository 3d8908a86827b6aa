"""Which response rows are released: the one home of the microdata's k-anonymity rule, read by the
microdata package (:mod:`warehouse.datapackage`) and by every record-level analysis that publishes
exact model outputs (:mod:`warehouse.drivers`, route 24 of docs/confidentiality.md).

Contract
--------
- A row is *released* when it has a questionnaire and its combination of :data:`QUASI_IDENTIFIERS` is
  shared by at least ``k`` rows that count (``settings.microdata_k``): whoever knows everything a row
  says about its respondent finds at least k rows. The Data Package writes exactly these rows.
- :func:`released_sql` is that predicate as SQL: a query over a ``source`` of rows that keeps the
  released ones. An analysis that publishes exact outputs computed from rows reads only these
  (:func:`warehouse.drivers.load_rows`), so its output is a function of released rows and of the cut's
  definition: a withheld row, hidden from the package, is hidden from it too.
- The count is over ``source``'s rows: a ``source`` restricted to a union of whole groups (whole months;
  rows of given values of some quasi-identifiers) releases the same rows as the unrestricted one; a
  ``source`` restricted by anything else (an entity, a service: not quasi-identifiers) would count
  groups short and release less, never more.
"""
from __future__ import annotations

#: The quasi-identifiers of a response: the key variables a released row carries (k-anonymity is a
#: property of what is released). The entity and the service are not released, so they are not key
#: variables of the package: counting k per service withheld the rows of every small service of a cell
#: shared with others (a fifth of the demo's rows) — though a service's own exact analysis (the key drivers)
#: then tells which released rows of a group are not its own: route 24's residual, docs/confidentiality.md,
#: closed only by adding the service to the keys here (for the package and the analysis alike). The questionnaire's
#: version is one: each version's rows are a file of their own, and a service's switch to a new version
#: (a public date) splits a month's answers in two.
QUASI_IDENTIFIERS = ["period", "pa_type", "service_type", "region", "channel", "lang", "questionnaire", "version"]
#: The column :func:`released_sql` adds: the size of the row's group.
GROUP_N = "_released_group_n"


def released_sql(source: str, k: int) -> str:
    """A query of the released rows of ``source`` (a table, view or parenthesised query holding the
    :data:`QUASI_IDENTIFIERS`): every column of ``source`` plus :data:`GROUP_N`, for the rows whose group
    of :data:`QUASI_IDENTIFIERS` holds at least ``k`` rows of ``source`` (NULL a value like any other) and
    that have a questionnaire."""
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise ValueError(f"k is a positive integer, not {k!r}")
    keys = ", ".join(QUASI_IDENTIFIERS)
    return (f"SELECT * FROM (SELECT *, count(*) OVER (PARTITION BY {keys}) AS {GROUP_N} FROM {source}) "
            f"WHERE {GROUP_N} >= {k} AND questionnaire IS NOT NULL")
