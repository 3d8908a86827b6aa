"""The microdata's release rule (:mod:`warehouse.released`), on groups of one combination of
quasi-identifiers: at least k rows, and no unit's rows beside 1 to k−1 others (route 24's residual)."""
from __future__ import annotations

import duckdb
import pytest

from warehouse.released import QUASI_IDENTIFIERS, released_sql


def _released(*units: tuple[str, str, int], k: int = 5) -> dict[str, int]:
    """Released rows per service of one group holding ``n`` rows of each (entity, service, n)."""
    con = duckdb.connect()
    qi = ", ".join(f"'x' AS {q}" for q in QUASI_IDENTIFIERS)
    parts = [f"SELECT {qi}, '{e}' AS entity, '{s}' AS service FROM range({n})" for e, s, n in units]
    con.execute(f"CREATE TABLE t AS {' UNION ALL '.join(parts)}")
    rows = con.execute(f"SELECT service, count(*) FROM ({released_sql('t', k)}) GROUP BY 1").fetchall()
    return dict(rows)


def test_a_large_service_beside_one_answer_of_another_releases_its_own_only():
    assert _released(("e1", "big", 120), ("e1", "small", 1)) == {"big": 120}
    assert _released(("e1", "big", 120), ("e2", "other", 2)) == {"big": 120}


def test_others_beside_the_largest_unit_are_released_from_k_on():
    assert _released(("e1", "big", 120), ("e2", "other", 5)) == {"big": 120, "other": 5}
    assert _released(*[(f"e{i}", f"s{i}", 1) for i in range(6)]) == {f"s{i}": 1 for i in range(6)}


def test_a_group_of_k_units_of_one_answer_each_is_withheld():
    """Any one's rows aside, 4 others: each could be singled out by the others' analyses."""
    assert _released(*[(f"e{i}", f"s{i}", 1) for i in range(5)]) == {}


def test_the_entity_is_looked_at_before_its_services():
    """An entity's 103 rows beside another's 3: the 3 go; then its large service's 100 beside its small
    service's 3: the 3 go too."""
    assert _released(("e1", "s1", 100), ("e1", "s2", 3), ("e2", "s3", 3)) == {"s1": 100}


@pytest.mark.parametrize("k", [0, -1, 2.5, True, "5"])
def test_k_is_a_positive_integer(k):
    with pytest.raises(ValueError):
        released_sql("t", k)
