"""The reference period of a response is its month in Europe/Rome, one rule for every part
(``questionnaires.periods``): the processor's ``period`` and ``day`` columns and the funnel rows follow it
across midnight, month ends and the summer-time change."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from questionnaires.periods import day_of, period_of

UTC = timezone.utc


@pytest.mark.parametrize("received, period, day", [
    (datetime(2026, 3, 31, 21, 59, tzinfo=UTC), "2026-03", "2026-03-31"),  # 23:59 in Rome (CEST from 29 March)
    (datetime(2026, 3, 31, 22, 0, tzinfo=UTC), "2026-04", "2026-04-01"),  # midnight in Rome: April
    (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "2027-01", "2027-01-01"),  # CET: 00:30 on New Year's Day
    (datetime(2026, 11, 30, 23, 0, tzinfo=UTC), "2026-12", "2026-12-01"),
    (datetime(2026, 12, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))), "2026-11", "2026-11-30"),  # an offset east of Rome
])
def test_a_response_belongs_to_its_month_in_rome(received, period, day):
    assert (period_of(received), day_of(received)) == (period, day)


def test_the_processor_and_the_funnel_rows_use_the_one_rule():
    from processor import funnel, sink, steps

    assert steps.period_of is period_of and funnel.period_of is period_of
    assert sink.day_of is day_of and funnel.day_of is day_of


def test_the_month_remembered_is_left_at_its_edges_in_either_direction():
    """``period_of`` tells a UTC instant of the month it answered last by two comparisons: the instants
    around every month's first midnight in Rome (CET and CEST), asked in an order that moves forward and
    back across it, still get the month a conversion to Rome's time gives."""
    from questionnaires.periods import ROME

    def by_conversion(t: datetime) -> str:
        local = t.astimezone(ROME)
        return f"{local.year}-{local.month:02d}"
    for year in (2025, 2026):
        for month in range(1, 13):
            edge = datetime(year, month, 1, tzinfo=ROME).astimezone(UTC)
            for step in (-1, 0, 1, -1, 3_600_000_000, -3_600_000_000, 0, -1):
                t = edge + timedelta(microseconds=step)
                assert period_of(t) == by_conversion(t), t
            # an offset east of Rome, then the UTC instant again: the zone of the question does not matter
            assert period_of(edge.astimezone(timezone(timedelta(hours=5)))) == by_conversion(edge)
            assert period_of(edge - timedelta(microseconds=1)) == by_conversion(edge - timedelta(microseconds=1))
