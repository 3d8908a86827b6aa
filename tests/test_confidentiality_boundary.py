"""Red team, fourth round (route 21): the month's last answers, stored after midnight — fixed.

A month's figures are published once it has ended (route 20). But an answer belongs to the month in which
the collector *received* it, and reaches the Parquet files only when the processor has written it: seconds
later in normal running, minutes or hours later behind a backlog (a flood of answers to build one, a
broker outage spooled by the collector, a halted processor). An attacker who posts answers one at a time
in the last minutes of 31 October, slowed behind a backlog, saw each of them land in October *after*
October was published at midnight: the same ended cell published again with one more known answer and a
fresh cell-key noise each time — route 20's injection, moved past the month's end. The mean of
``n′ − k`` was the hidden n.

Now a month is published ``PUBLISH_DELAY`` after its end (``warehouse.periods.today_rome``, the day the
warehouse reads the periods by, is Rome's date that long ago): the answers of its last minutes are
stored before it is first read. Below, the attacker's 24 answers are written between 00:00 and 00:10 on
1 November: nothing of October is published then, and the figure published later is one draw.
"""
from __future__ import annotations

import contextlib
from datetime import datetime as real_datetime

import pytest

from settings import Settings
from tests.console_auth import api_client
from tests.warehouse_rows import response, write

ROUNDS = range(1, 25)  # answers the attacker adds to each service, one per round (one processor batch each)


@contextlib.contextmanager
def pinned_at(year, month, day, hour, minute):
    """The periods' one clock (``questionnaires.periods``) at this minute in Rome."""
    import questionnaires.periods as qp

    at = real_datetime(year, month, day, hour, minute, tzinfo=qp.ROME)

    class Pinned(real_datetime):
        @classmethod
        def now(cls, tz=None):
            return at.astimezone(tz) if tz is not None else at.replace(tzinfo=None)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(qp, "datetime", Pinned)
        yield


def test_answers_of_the_months_last_minutes_stored_after_midnight_cannot_average_its_noise_away(tmp_path):
    hidden = {f"svc-late-{i}": 1 + i % 2 for i in range(4)}  # one or two real answers in October: suppressed
    write(tmp_path, [response(period="2026-10", day=20, service=s, satisfaction=2)
                     for s, n in hidden.items() for _ in range(n)])
    write(tmp_path, [response(period="2026-09", day=20, service=s, satisfaction=2) for s in hidden for _ in range(5)])
    client = api_client(Settings(data_dir=tmp_path, rollup_check_s=0))  # every request sees the newest files
    seen: dict[str, list[float]] = {s: [] for s in hidden}  # n' - k of the period asked for
    shown: list[tuple] = []  # October's rows in the figures over every period
    for k in ROUNDS:
        # received on 31 October, written by the processor a few seconds after midnight, batch by batch
        write(tmp_path, [response(period="2026-10", day=31, service=s, satisfaction=5) for s in hidden])
        with pinned_at(2026, 11, 1, 0, k // 3):
            resp = client.get("/api/v1/indicators?indicator=responses&by=service&freq=M&period=2026-10")
            assert resp.status_code in (200, 400), resp.get_data(as_text=True)
            if resp.status_code == 400:
                assert "period" in resp.get_json()["fields"]
            for freq in ("M", "Q", "A"):  # what the API gives without a period: never October yet
                every = client.get(f"/api/v1/indicators?indicator=responses&by=service&freq={freq}")
                assert every.status_code == 200, every.get_data(as_text=True)
                for r in every.get_json()["rows"]:
                    if r["service"] in hidden and r["period"] in ("2026-10", "2026-Q4", "2026"):
                        shown.append((k, freq, r["service"], r["period"], r["n"]))
            if resp.status_code == 200:
                for r in resp.get_json()["rows"]:
                    if r["service"] in hidden and r["n"] is not None:
                        seen[r["service"]].append(r["n"] - k)
    recovered = [s for s, xs in seen.items() if len(xs) > 5 and round(sum(xs) / len(xs)) == hidden[s]]
    assert recovered == [], seen
    assert seen == {s: [] for s in hidden}, seen
    assert shown == []
    # once the delay has passed, October is published — once, whatever is asked
    with pinned_at(2026, 11, 1, 12, 0):
        resp = client.get("/api/v1/indicators?indicator=responses&by=service&freq=M&period=2026-10")
        assert resp.status_code == 200, resp.get_data(as_text=True)
        assert {r["service"] for r in resp.get_json()["rows"]} >= set(hidden)


def test_in_the_delay_the_ended_month_waits_and_the_new_one_is_running_not_unbegun():
    from warehouse.comparability import QueryError
    from warehouse.periods import require_ended, running_month

    with pinned_at(2026, 11, 1, 3, 0):
        assert running_month() == "2026-10"  # the warehouse reads September and before
        for label in ("2026-10", "2026-11"):
            with pytest.raises(QueryError) as e:
                require_ended(label, "period")
            assert e.value.field == "period" and "is still running" in str(e.value), str(e.value)
    with pinned_at(2026, 11, 1, 6, 0):
        assert running_month() == "2026-11" and require_ended("2026-10", "period") == "2026-10"


def test_a_warehouse_loaded_before_the_months_end_never_publishes_a_quarter_without_its_last_month(tmp_path):
    """Route 22: a process that loaded its rollup while December ran kept it until its next freshness check
    (``rollup_check_s``), while the cube judged with the live clock that 2026-Q4 had ended: in between it
    published "2026-Q4" from October and November only — a running quarter's cell, republished with
    December a moment later (two draws, their difference December's n). The month is part of what the
    load is: a new month reloads at once, whatever ``rollup_check_s`` says."""
    from warehouse import cube
    from warehouse.dataset import Warehouse
    from warehouse.protect import Protection
    from warehouse.rollup import RESPONSES

    write(tmp_path, [response(period=m, day=10, service="svc-q4", satisfaction=4)
                     for m in ("2026-10", "2026-11", "2026-12") for _ in range(20)])
    settings = Settings(data_dir=tmp_path, rollup_check_s=3600)
    with pinned_at(2026, 12, 31, 23, 0), Warehouse(settings) as wh:  # loaded while December runs
        with pinned_at(2027, 1, 1, 7, 0):  # the quarter has ended (and its delay passed): a page is asked for
            df = cube.table(wh.cursor(), cube.Cut(indicator=RESPONSES, by=["service"], freq="Q"), Protection())
            q4 = df[df["period"] == "2026-Q4"]
            assert len(q4) == 1 and int(q4["n"].iloc[0]) > 55, df  # all three months (60, perturbed by ≤ D)
            monthly = cube.table(wh.cursor(), cube.Cut(indicator=RESPONSES, by=["service"], freq="M"), Protection())
            assert "2026-12" in set(monthly["period"])


def test_a_cursor_taken_before_the_months_turn_and_used_after_it_never_publishes_a_quarter_without_its_last_month(tmp_path):
    """Route 22, its last window: a caller takes its cursor at 05:59 on 1 January (the data loaded for
    December's running: October and November only) and queries at 06:01, when the live clock says 2026-Q4
    has ended. The cube judged "ended" by that clock and published "2026-Q4" from two months — and a moment
    later, from a fresh cursor, from three: the difference of the two draws is December's n. It now judges by
    the running month the cursor's data were loaded with (``warehouse.periods.LOADED_MONTH``)."""
    from warehouse import cube
    from warehouse.dataset import Warehouse
    from warehouse.protect import Protection
    from warehouse.rollup import RESPONSES

    write(tmp_path, [response(period=m, day=10, service="svc-q4", satisfaction=4)
                     for m in ("2026-10", "2026-11", "2026-12") for _ in range(20)])
    settings = Settings(data_dir=tmp_path, rollup_check_s=3600)
    with pinned_at(2027, 1, 1, 5, 59), Warehouse(settings) as wh:
        stale = wh.cursor()  # December is still running: its answers are not loaded
        with pinned_at(2027, 1, 1, 6, 1):
            for freq in ("Q", "A"):
                df = cube.table(stale, cube.Cut(indicator=RESPONSES, by=["service"], freq=freq), Protection())
                assert not set(df["period"]) & {"2026-Q4", "2026"}, df
                assert not set(cube.period_labels(stale, freq)) & {"2026-Q4", "2026"}
                assert cube.latest_period(stale, freq)[0] not in ("2026-Q4", "2026")
            fresh = wh.cursor()  # the turn reloads: the quarter with its three months, one draw
            df = cube.table(fresh, cube.Cut(indicator=RESPONSES, by=["service"], freq="Q"), Protection())
            q4 = df[df["period"] == "2026-Q4"]
            assert len(q4) == 1 and int(q4["n"].iloc[0]) > 55, df


def test_at_the_months_turn_an_older_cursors_rates_never_give_the_month_just_ended_a_second_key(tmp_path):
    """Route 22 in the response rates: their widget counts were read from the files by the live clock, their
    answers' keys from the cursor's rollup (route 14: one count, one key). A cursor taken at 05:59 on
    1 January and used at 06:01 had no December answers while the funnel had December: its submissions
    were published with the reports' own keys, and a moment later with the answers' — one count, two
    noises. The funnel now reads the months the cursor's data were loaded with."""
    from tests.test_confidentiality_rates import _funnel
    from dataset.funnel import write_funnel
    from warehouse.dataset import Warehouse
    from warehouse.response_rates import funnel_cells

    write(tmp_path, [response(period=p, day=10, service="svc-w", satisfaction=3) for p in ("2026-11", "2026-12")
                     for _ in range(12)])
    write_funnel(tmp_path, _funnel("svc-w", "2026-11", 12, 40) + _funnel("svc-w", "2026-12", 12, 40), 0, 0, 999)
    with pinned_at(2027, 1, 1, 5, 59), Warehouse(Settings(data_dir=tmp_path, rollup_check_s=3600)) as wh:
        stale = wh.cursor()
        with pinned_at(2027, 1, 1, 6, 1):
            cells = funnel_cells(tmp_path, ("service", "period"), con=stale)
            assert list(cells["period"]) == ["2026-11"], cells
            fresh = funnel_cells(tmp_path, ("service", "period"), con=wh.cursor())
            assert list(fresh["period"]) == ["2026-11", "2026-12"], fresh


def test_a_cursor_taken_before_the_months_turn_never_publishes_a_span_cell_of_the_quarter_without_its_last_month(tmp_path):
    """Route 22 on the span cells (red team, 2026-12-05): a comparison's units and benchmark and the Faccia
    report's totals are one cell over a calendar period (``span``), which read the rollup without the load's
    running month (``ended_sql``) and were judged ended by the live clock alone (``Cut.validate``). A cursor
    taken at 05:59 on 1 January (October and November loaded) and used at 06:01 published "2026-Q4" of a
    service — and of the type, in the comparison — from two months, and a fresh cursor a moment later from
    three: two draws, their difference December's n. Now a span over a period not ended by the load's
    running month gives no cell, as the frequency cells do (:func:`warehouse.cube.aggregate`)."""
    from warehouse import cube
    from warehouse.compare import compare
    from warehouse.dataset import Warehouse
    from warehouse.faccia_report import report
    from warehouse.protect import Protection
    from warehouse.rollup import RESPONSES

    face = {"satisfaction": 100.0, "satisfaction_raw": "satisfied", "satisfaction_scale": None,
            "answers": [("face", '"satisfied"')]}
    write(tmp_path, [response(period=m, day=10, service=f"svc-q4-{i}", satisfaction=4)
                     for m in ("2026-10", "2026-11", "2026-12") for i in range(2) for _ in range(20)]
          + [{**response(period=m, day=10, service="roma-front_office", service_type="sportello.urp",
                         channel="front_office", questionnaire="faccia"), **face}
             for m in ("2026-10", "2026-11", "2026-12") for _ in range(20)])
    settings = Settings(data_dir=tmp_path, rollup_check_s=3600)
    with pinned_at(2027, 1, 1, 5, 59), Warehouse(settings) as wh:
        stale = wh.cursor()  # December is still running: its answers are not loaded
        with pinned_at(2027, 1, 1, 6, 1):
            for start, end in (("2026-Q4", "2026-Q4"), ("2026", "2026"), ("2026-10", "2026-12")):
                freq = "A" if start == "2026" else "Q" if "Q" in start else "M"
                cut = cube.Cut(indicator=RESPONSES, by=["service"], freq=freq, start=start, end=end)
                assert cube.table(stale, cut, Protection(), span=True).empty, (start, end)
                body = compare(stale, cube.Cut(indicator="satisfaction", filters={"service_type": ["anagrafe.certificati"]},
                                               freq=freq, start=start, end=end), level="service")
                assert body["benchmark"] is None and body["units"] == [], (start, end, body["benchmark"])
            for asked in ({"start": "2026-10", "end": "2026-12"}, {}):  # the quarter, and the default (the year)
                faccia = report(stale, "c_h501", Protection(), **asked)
                assert faccia["rows"] and not faccia["channels"], (asked, faccia["totals_period"], faccia["channels"])
            fresh = wh.cursor()  # the turn reloads: the quarter with its three months, one draw
            cut = cube.Cut(indicator=RESPONSES, by=["service"], freq="Q", start="2026-Q4", end="2026-Q4")
            spans = cube.table(fresh, cut, Protection(), span=True)
            quarters = cube.table(fresh, cube.Cut(indicator=RESPONSES, by=["service"], freq="Q"), Protection())
            assert len(spans) == 3 and all(int(n) > 55 for n in spans["n"]), spans  # all three months, one draw:
            assert spans["n"].tolist() == quarters[quarters["period"] == "2026-Q4"]["n"].tolist()  # the quarter's own


def test_a_cursor_taken_before_the_months_turn_never_analyses_the_quarter_without_its_last_month(tmp_path):
    """Route 22 on the key-driver analysis (red team, 2026-12-05): it reads the cursor's ``responses`` (the
    months ended when they were loaded) and judged the period by the live clock: a cursor taken at 05:59 on 1
    January and used at 06:01 analysed "2026-Q4" from October and November (its n published, perturbed), a
    fresh one from all three — two draws. The period must have ended by the load's running month."""
    import numpy as np

    from warehouse.dataset import Warehouse
    from warehouse.drivers import DriversRefused, drivers_for, load_rows

    rng = np.random.default_rng(22)
    rows = []
    for m in ("2026-10", "2026-11", "2026-12"):
        for _ in range(60):
            r = response(period=m, day=10, service="svc-q4", satisfaction=int(rng.integers(1, 6)),
                         ease=int(rng.integers(1, 6)), clarity=int(rng.integers(1, 6)))
            r.update(speed=float(rng.integers(0, 5) * 25), trust=float(rng.integers(0, 5) * 25),
                     task_completed=float(rng.choice([0, 50, 100])))
            rows.append(r)
    write(tmp_path, rows)
    settings = Settings(data_dir=tmp_path, rollup_check_s=3600)
    with pinned_at(2027, 1, 1, 5, 59), Warehouse(settings) as wh:
        stale = wh.cursor()  # December is still running: its answers are not loaded
        with pinned_at(2027, 1, 1, 6, 1):
            for period in ("2026-Q4", "2026"):
                with pytest.raises(DriversRefused) as refused:
                    drivers_for(stale, start=period, end=period, service="svc-q4", n_boot=100)
                assert (refused.value.code, refused.value.fields) == ("invalid_parameter", ["end"]), period
            assert len(load_rows(stale, start="2026-11", end="2026-11", service="svc-q4")) == 60  # ended: read
            fresh = wh.cursor()  # the turn reloads: the quarter with its three months
            assert len(load_rows(fresh, start="2026-Q4", end="2026-Q4", service="svc-q4")) == 180
