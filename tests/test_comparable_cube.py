"""Issue 13 wired into the published cube, the API, the comparisons and the CLI: instruments and
scales are dimensions, the positive share is the headline across instruments, means only within one
scale (422 with the reason otherwise), task shares, module indicators, breaks, CI edge cases, whole
periods. Every figure goes through the cell-key method (perturbed counts)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from ascolto.cli import main
from settings import Settings
from tests.console_auth import api_client
from tests.warehouse_rows import response, write
from warehouse import cube
from warehouse.dataset import Warehouse

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

STYPE = "sportello.urp"


def faces(entity: str, answer: str, **kw) -> dict:
    """A faccia response (satisfied 100 / neutral 50 / dissatisfied 0), as the processor stores it."""
    row = response(entity=entity, questionnaire="faccia", channel="front_office", service_type=STYPE, **kw)
    row.update(satisfaction={"satisfied": 100.0, "neutral": 50.0, "dissatisfied": 0.0}[answer],
               satisfaction_raw=answer, satisfaction_scale="faces3")
    return row


def web(entity: str, rating: int, **kw) -> dict:
    return response(entity=entity, questionnaire="cx-core", service_type=STYPE, satisfaction=rating, **kw)


@pytest.fixture
def mixed(tmp_path):
    """Three desks answering on faces and three web services on five points, each with the same 80/20
    opinions (80 satisfied, 20 in the middle), one service type."""
    rows = []
    for e in ("desk_a", "desk_b", "desk_c"):
        rows += [faces(e, "satisfied") for _ in range(80)] + [faces(e, "neutral") for _ in range(20)]
    for e in ("web_a", "web_b", "web_c"):
        rows += [web(e, 4) for _ in range(80)] + [web(e, 3) for _ in range(20)]
    write(tmp_path, rows)
    return tmp_path


def test_identical_opinions_on_faces_and_five_points_get_the_same_share_and_sit_within_the_funnel(mixed):
    client = api_client(Settings(data_dir=mixed))
    body = client.get(f"/api/v1/indicators?freq=A&by=instrument,scale&service_type={STYPE}").get_json()
    cells = {(r["instrument"], r["scale"]): r for r in body["rows"]}
    faces_cell, web_cell = cells[("faccia", "faces3")], cells[("cx-core", "likert5")]
    # the positive share (happy face; 4–5 of 5) is 80 % on both, up to the perturbation of a few counts
    for cell in (faces_cell, web_cell):
        assert abs(cell["positive_share"] - 80) <= 2 and cell["positive_share_ci"][0] < 80 < cell["positive_share_ci"][1]
    # means exist within one scale, and differ by construction of the scales (90 vs 70)
    assert abs(faces_cell["mean"] - 90) < 2 and abs(web_cell["mean"] - 70) < 2
    assert faces_cell["mean_status"] == web_cell["mean_status"] == "ok"
    # the pooled cell publishes the share, never a pooled mean
    [pooled] = client.get(f"/api/v1/indicators?freq=A&by=&service_type={STYPE}").get_json()["rows"]
    assert pooled["mean"] is None and pooled["mean_status"] == "mixed_scales" and abs(pooled["positive_share"] - 80) <= 2
    # the funnel of positive shares: every unit within, exact binomial limits, the test stated
    comp = client.get(f"/api/v1/compare?service_type={STYPE}&indicator=satisfaction").get_json()
    assert comp["measure"] == "positive_share" and comp["method"] == "exact_binomial"
    assert not comp["test"]["overdispersed"] and comp["test"]["df"] == 5
    assert {u["flag"] for u in comp["units"]} == {"within"} and {u["fdr"]["flag"] for u in comp["units"]} == {"within"}
    # identical opinions: no evidence of differences (τ̂² = 0), so no ranking at all, and it says why
    assert comp["ranking"]["ranked"] is False and "τ² = 0" in comp["ranking"]["reason"]
    assert all(u["rank"] is None for u in comp["units"])


def test_a_pooled_mean_across_scales_is_a_422_naming_the_reason(mixed):
    client = api_client(Settings(data_dir=mixed))
    resp = client.get(f"/api/v1/compare?service_type={STYPE}&indicator=satisfaction&measure=mean")
    body = resp.get_json()
    assert resp.status_code == 422 and body["reason"] == "mixed_scales"
    assert "faces3: faccia@1" in body["fields"]["scale"][0] or "faces3: faccia@1" in str(body["fields"])
    resp = client.get(f"/api/v1/indicators?freq=A&by=&service_type={STYPE}&statistic=mean")
    assert resp.status_code == 422 and resp.get_json()["reason"] == "mixed_scales"
    # within one instrument the mean is fine
    ok = client.get(f"/api/v1/indicators?freq=A&by=instrument&service_type={STYPE}&statistic=mean")
    assert ok.status_code == 200
    ok = client.get(f"/api/v1/compare?service_type={STYPE}&indicator=satisfaction&measure=mean&instrument=faccia")
    assert ok.status_code == 200 and ok.get_json()["method"] in ("normal", "normal_multiplicative")


def test_funnel_curves_span_the_whole_n_range_on_integers_and_say_when_they_are_not_informative(mixed):
    client = api_client(Settings(data_dir=mixed))
    comp = client.get(f"/api/v1/compare?service_type={STYPE}&indicator=satisfaction").get_json()
    f = comp["funnel"]
    assert f["n"][0] == 3 and f["n"][-1] > max(u["n"] for u in comp["units"])  # smallest publishable n → beyond
    assert all(isinstance(v, int) for v in f["n"]) and f["n"] == sorted(set(f["n"]))
    assert all(0 <= lo <= hi <= 100 for lo, hi in zip(f["lower_95"], f["upper_95"]))
    assert f["informative"] is True  # six units
    few = client.get(f"/api/v1/compare?service_type={STYPE}&indicator=satisfaction&instrument=faccia").get_json()
    assert few["funnel"]["informative"] is False and few["funnel"]["min_units"] == 5


def test_empirical_bayes_intervals_stay_on_the_0_to_100_scale(tmp_path):
    # two small units near the top: the normal posterior interval reached past 100 % ("67 – 115")
    rows = [web(entity, rating, period="2026-10") for entity, ratings in
            (("c_h501", [5, 5, 5, 5, 5]), ("c_f205", [5, 5, 5, 5, 5, 4, 5, 5, 5]))
            for rating in ratings]
    write(tmp_path, rows)
    client = api_client(Settings(data_dir=tmp_path))
    for measure in ("positive_share", "mean"):
        body = client.get(f"/api/v1/compare?service_type={STYPE}&measure={measure}&period=2026-10").get_json()
        published = [u for u in body["units"] if u["eb"]]
        assert len(published) == 2, body["units"]
        for u in published:
            lo, hi = u["eb"]["ci"]
            assert 0 <= lo <= u["eb"]["estimate"] <= hi <= 100, (measure, u)
        if measure == "positive_share":  # it reached 107.4 %: cut at the top, not past it
            assert max(u["eb"]["ci"][1] for u in published) == 100


def test_task_completed_is_published_as_three_shares_not_a_score(tmp_path):
    rows = []
    for answer, n in (("yes", 50), ("partly", 30), ("no", 20)):
        for _ in range(n):
            r = response()
            r.update(task_completed={"yes": 100.0, "partly": 50.0, "no": 0.0}[answer], task_completed_raw=answer,
                     task_completed_scale="yes-partly-no")
            rows.append(r)
    write(tmp_path, rows)
    client = api_client(Settings(data_dir=tmp_path))
    [row] = client.get("/api/v1/indicators?indicator=task_completed&freq=A&by=").get_json()["rows"]
    assert row["mean"] is None and row["mean_status"] == "shares_only"
    shares = {a: s["share"] for a, s in row["shares"].items()}
    assert abs(shares["yes"] - 50) <= 3 and abs(shares["partly"] - 30) <= 3 and abs(shares["no"] - 20) <= 3
    assert row["positive_share"] == shares["yes"]  # the same records, so the same cell key and noise
    resp = client.get("/api/v1/indicators?indicator=task_completed&freq=A&by=&statistic=mean")
    assert resp.status_code == 422 and resp.get_json()["reason"] == "shares_only"


def test_module_indicators_are_aggregated_and_served_like_the_core_ones(tmp_path):
    rows = []
    for i in range(40):
        r = response(questionnaire="mod-tributi", service_type="tributi.pagamento", satisfaction=4)
        r["module_scores"] = [("mod-tributi:amount_clarity", 100.0 if i < 30 else 25.0),
                              ("mod-tributi:receipt", 100.0)]
        rows.append(r)
    write(tmp_path, rows)
    client = api_client(Settings(data_dir=tmp_path))
    [row] = client.get("/api/v1/indicators?indicator=mod-tributi:amount_clarity&freq=A&by=instrument").get_json()["rows"]
    assert row["instrument"] == "mod-tributi" and abs(row["n"] - 40) <= 2 and abs(row["positive_share"] - 75) <= 6
    # a module's core answers are cx-core's (the same instrument and item)
    [core] = client.get("/api/v1/indicators?indicator=satisfaction&freq=A&by=instrument").get_json()["rows"]
    assert core["instrument"] == "cx-core" and core["mean_status"] in ("ok", "degenerate")
    meta = client.get("/api/v1/meta").get_json()
    mod = next(i for i in meta["indicators"] if i["name"] == "mod-tributi:amount_clarity")
    assert mod["module"] == "mod-tributi" and mod["kind"] == "score"


def test_identical_answers_publish_a_degenerate_interval_with_its_reason(tmp_path):
    write(tmp_path, [response(satisfaction=5) for _ in range(40)])
    [row] = api_client(Settings(data_dir=tmp_path)).get("/api/v1/indicators?freq=A&by=").get_json()["rows"]
    assert row["mean"] == 100 and row["mean_ci"] == [100, 100] and row["mean_status"] == "degenerate"


def test_a_declared_break_flags_the_first_period_after_it(tmp_path, monkeypatch):
    # cx-core v2 declaring a break for satisfaction (the shipped standard has none yet)
    monkeypatch.setattr(cube, "_break_versions", lambda indicator: [("cx-core", 2)] if indicator == "satisfaction" else [])
    rows = [response(period=p, satisfaction=4) for p in ("2026-09", "2026-10", "2026-11") for _ in range(10)]
    rows += [response(period=p, version=2, satisfaction=4) for p in ("2026-10", "2026-11") for _ in range(10)]
    write(tmp_path, rows)
    with Warehouse(Settings(data_dir=tmp_path)) as wh:
        con = wh.cursor()
        monthly = cube.table(con, cube.Cut(by=[], freq="M"))
        assert dict(zip(monthly["period"], monthly["obs_status"])) == {"2026-09": "U", "2026-10": "B", "2026-11": "U"}
        # the flag depends on the whole history, not on the requested range
        late = cube.table(con, cube.Cut(by=[], freq="M", start="2026-11", end="2026-11"))
        assert late["obs_status"].tolist() == ["U"]
        assert cube.table(con, cube.Cut(by=[], freq="Q"))["obs_status"].tolist() == ["U", "B"]  # 2026-Q3, 2026-Q4


def test_a_declared_break_flags_the_margins_that_sum_its_cells(tmp_path, monkeypatch):
    # cx-core v2 (a declared break) first answered in Lombardy in 2026-10, in Lazio in 2026-11: the
    # national total and the Lombardy row break in 2026-10, the Lazio row in 2026-11
    monkeypatch.setattr(cube, "_break_versions", lambda indicator: [("cx-core", 2)] if indicator == "satisfaction" else [])
    rows = [response(period=p, region=r, satisfaction=4) for p in ("2026-09", "2026-10", "2026-11")
            for r in ("ITC4", "ITI4") for _ in range(10)]
    rows += [response(period="2026-10", region="ITC4", version=2, satisfaction=4) for _ in range(10)]
    rows += [response(period="2026-11", region=r, version=2, satisfaction=4) for r in ("ITC4", "ITI4") for _ in range(10)]
    write(tmp_path, rows)
    with Warehouse(Settings(data_dir=tmp_path)) as wh:
        out = cube.table(wh.cursor(), cube.Cut(by=["region"], freq="M", margins=True))
    breaks = sorted(zip(out.loc[out["obs_status"] == "B", "region"], out.loc[out["obs_status"] == "B", "period"]))
    assert breaks == [("ITC4", "2026-10"), ("ITI4", "2026-11"), ("_T", "2026-10")]


@pytest.mark.parametrize("query, field", [("freq=A&from=2026-01&to=2026-02", "to"), ("freq=Q&from=2026-11", "from"),
                                          ("freq=Q&period=2026-11", "period")])
def test_ranges_that_do_not_cover_whole_periods_are_refused_naming_the_field(tmp_path, query, field):
    write(tmp_path, [response(satisfaction=4) for _ in range(5)])
    resp = api_client(Settings(data_dir=tmp_path)).get(f"/api/v1/indicators?{query}")
    assert resp.status_code == 400 and list(resp.get_json()["fields"]) == [field]


def test_cli_export_refuses_a_range_not_covering_whole_periods(tmp_path):
    write(tmp_path, [response(satisfaction=4) for _ in range(5)])
    out = CliRunner().invoke(main, ["export", "--format", "csv", "--out", str(tmp_path / "x.csv"), "--freq", "Q",
                                    "--from", "2026-11"], env={"ASCOLTO_DATA_DIR": str(tmp_path)})
    assert out.exit_code == 2 and "--from" in out.output and "2026-Q4" in out.output
    assert not (tmp_path / "x.csv").exists()


def test_the_api_defaults_to_the_latest_complete_period_and_says_so(tmp_path):
    write(tmp_path, [response(period=p, satisfaction=4) for p in ("2025-01", "2025-02") for _ in range(10)])
    body = api_client(Settings(data_dir=tmp_path)).get("/api/v1/indicators?by=").get_json()
    assert body["period"]["start"] == body["period"]["end"] == "2025-02" and "latest complete" in body["period"]["note"]
    assert [r["period"] for r in body["rows"]] == ["2025-02"]  # not every period pooled or listed
    ranged = api_client(Settings(data_dir=tmp_path)).get("/api/v1/indicators?by=&from=2025-01&to=2025-02").get_json()
    assert [r["period"] for r in ranged["rows"]] == ["2025-01", "2025-02"] and ranged["period"]["note"] is None


def test_a_cells_figures_agree_with_one_another_however_small_the_cell(tmp_path):
    # every count of a cell carries its own noise: over the perturbed n, a cell of five answers
    # published "yes 80 %, partly 60 %, no 0 %" (140 %) beside a distribution of 57 / 43 %
    rows = []
    for e in range(40):
        for i in range(5 + e % 4):
            answer = ("yes", "partly", "no")[(e + i * i) % 3]
            r = response(entity=f"c_{e:04d}", questionnaire="mod-tributi", service_type="tributi.pagamento")
            r.update(task_completed={"yes": 100.0, "partly": 50.0, "no": 0.0}[answer], task_completed_raw=answer,
                     task_completed_scale="yes-partly-no")
            r["module_scores"] = [("mod-tributi:receipt", 100.0 if (e + i) % 3 else 0.0)]
            r["satisfaction"] = 1 + (e * 7 + i * 3) % 5
            rows.append(r)
    write(tmp_path, rows)
    client = api_client(Settings(data_dir=tmp_path))
    tasks = client.get("/api/v1/indicators?indicator=task_completed&freq=A&by=entity").get_json()["rows"]
    published = [r for r in tasks if r["n"] is not None]
    assert len(published) >= 30
    for row in published:
        shares = {a: s["share"] for a, s in row["shares"].items()}
        assert sum(shares.values()) == pytest.approx(100, abs=0.1), row
        assert shares["yes"] == pytest.approx(row["distribution"].get("100", 0), abs=0.01), row
        assert shares["no"] == pytest.approx(row["distribution"].get("0", 0), abs=0.01), row
        assert row["positive_share"] == shares["yes"]
    receipts = client.get("/api/v1/indicators?indicator=mod-tributi:receipt&freq=A&by=entity").get_json()["rows"]
    published = [r for r in receipts if r["n"] is not None and r["mean"] is not None]
    assert len(published) >= 30
    for row in published:  # a yes/no item: its positive share is its mean and its distribution's "yes"
        assert row["positive_share"] == pytest.approx(row["mean"], abs=0.01), row
        assert row["positive_share"] == pytest.approx(row["distribution"].get("100", 0), abs=0.01), row
    ratings = client.get("/api/v1/indicators?indicator=satisfaction&freq=A&by=entity").get_json()["rows"]
    published = [r for r in ratings if r["n"] is not None and r["mean"] is not None]
    assert len(published) >= 30
    for row in published:  # five points: the positive share is the top two, the mean the distribution's
        dist = {int(k): v for k, v in row["distribution"].items()}
        assert sum(dist.values()) == pytest.approx(100, abs=0.1), row
        assert row["positive_share"] == pytest.approx(dist.get(75, 0) + dist.get(100, 0), abs=0.02), row
        assert row["mean"] == pytest.approx(sum(k * v for k, v in dist.items()) / 100, abs=0.02), row
        for value in [row["positive_share"], *dist.values()]:  # whole answers of the published n
            assert value * row["n"] / 100 == pytest.approx(round(value * row["n"] / 100), abs=0.01), row


def test_a_reason_the_cells_questionnaires_do_not_offer_has_no_share(tmp_path):
    """The Designers Italia page rating offers no "speed" among its reasons: its cell showed speed 0 %
    with an interval [0, 8.8], a finding ("nobody complains about speed") that nobody could have made.
    Such a category has no share (null, empty in the table); a category offered and not chosen is 0 %."""
    page = [response(entity="c_a001", service_type="informazioni.pagina", questionnaire="di-rating-pagina",
                     clarity=2, went_wrong=["technical" if i % 2 else "clarity"]) for i in range(40)]
    web = [response(entity="c_a002", satisfaction=2, went_wrong=["technical"]) for _ in range(40)]
    write(tmp_path, page + web)
    with Warehouse(Settings(data_dir=tmp_path)) as wh:
        df = cube.table(wh.cursor(), cube.Cut(indicator="went_wrong", by=["service_type"], freq="M")).set_index(
            "service_type")
        rows = cube.rows_json(df.reset_index(), cube.Cut(indicator="went_wrong", by=["service_type"], freq="M"))
    page_cell, web_cell = df.loc["informazioni.pagina"], df.loc["anagrafe.certificati"]
    assert page_cell["conf_status"] == "F" and page_cell["share_technical"] > 0
    for s in ("share_speed", "share_speed_lower", "share_speed_upper"):
        assert page_cell[s] != page_cell[s], s  # NaN: not offered
    assert web_cell["share_speed"] == 0.0 and web_cell["share_speed_upper"] > 0  # offered, never chosen
    speed = {r["service_type"]: r["shares"]["speed"] for r in rows}
    assert speed["informazioni.pagina"] == {"share": None, "ci": [None, None]}
    assert speed["anagrafe.certificati"]["share"] == 0.0


def _reasons_pool(tmp_path):
    """One service type answered on cx-core (several reasons) and on the Designers Italia service
    rating (one reason), and faces at a desk, whose went well offers no "technical"."""
    web = [response(entity="c_a001", satisfaction=2, went_wrong=["technical", "clarity"]) for _ in range(40)]
    stars = [response(entity="c_a002", questionnaire="di-rating-servizio", ease=2, went_wrong=["technical"])
             for _ in range(40)]
    desk = [faces("desk_a", "satisfied", went_well=["speed"]) for _ in range(40)]
    web_well = [response(entity="c_a001", service_type=STYPE, satisfaction=5, went_well=["technical"])
                for _ in range(40)]
    write(tmp_path, web + stars + desk + web_well)


def test_shares_per_reason_are_never_pooled_across_response_formats_or_option_sets(tmp_path):
    """methodology §3.4 and §4: shares per reason never pool single- with multiple-choice items nor
    different category sets. The cell of anagrafe.certificati (cx-core, several reasons, + the service
    rating, one) published "technical 100 %, clarity 49 %": half of the respondents could name one
    reason only. Such a cell has no shares, the guard's reason in ``shares_status``; its n stays."""
    _reasons_pool(tmp_path)
    client = api_client(Settings(data_dir=tmp_path))
    body = client.get("/api/v1/indicators?indicator=went_wrong&by=service_type&freq=M&period=2026-10").get_json()
    [cell] = body["rows"]
    assert cell["shares_status"] == "mixed_response_formats" and cell["conf_status"] == "F"
    assert abs(cell["n"] - 80) <= 4  # the cell's n stays
    assert all(v == {"share": None, "ci": [None, None]} for v in cell["shares"].values()), cell
    # the national total pools them too
    [total] = client.get("/api/v1/indicators?indicator=went_wrong&by=&freq=M&period=2026-10").get_json()["rows"]
    assert total["shares_status"] == "mixed_response_formats" and total["shares"]["technical"]["share"] is None
    # faces and cx-core both allow several reasons, but the faces' went well offers no "technical"
    [desk] = [r for r in client.get(f"/api/v1/indicators?indicator=went_well&by=service_type&freq=M&period=2026-10"
                                    f"&service_type={STYPE}").get_json()["rows"]]
    assert desk["shares_status"] == "mixed_option_sets" and desk["shares"]["speed"]["share"] is None
    with Warehouse(Settings(data_dir=tmp_path)) as wh:
        df = cube.table(wh.cursor(), cube.Cut(indicator="went_wrong", by=["service_type"], freq="M"))
    assert df["shares_status"].tolist() == ["mixed_response_formats"] and df["share_technical"].isna().all()


def test_the_same_reasons_split_by_instrument_still_have_their_shares(tmp_path):
    """Instrument is a dimension of the cube: split, each instrument's shares are published (from its
    own perturbed counts), with ``shares_status`` ok; one reason each on the rating adds up to 100."""
    _reasons_pool(tmp_path)
    client = api_client(Settings(data_dir=tmp_path))
    rows = client.get("/api/v1/indicators?indicator=went_wrong&by=service_type,instrument&freq=M&period=2026-10"
                      ).get_json()["rows"]
    cells = {r["instrument"]: r for r in rows}
    assert set(cells) == {"cx-core", "di-rating-servizio"}
    assert all(c["shares_status"] == "ok" for c in cells.values())
    web, stars = cells["cx-core"], cells["di-rating-servizio"]
    assert web["shares"]["technical"]["share"] == web["shares"]["clarity"]["share"] == 100.0
    assert stars["shares"]["technical"]["share"] == 100.0 and stars["shares"]["clarity"]["share"] == 0.0
    assert stars["shares"]["speed"]["share"] is None  # the rating does not offer it
    desk = client.get(f"/api/v1/indicators?indicator=went_well&by=instrument&freq=M&period=2026-10"
                      f"&service_type={STYPE}").get_json()["rows"]
    assert {r["instrument"]: r["shares_status"] for r in desk} == {"cx-core": "ok", "faccia": "ok"}


def test_the_cli_says_why_a_cell_has_no_reason_shares(tmp_path):
    _reasons_pool(tmp_path)
    out = CliRunner().invoke(main, ["indicators", "--period", "2026-10", "--indicator", "went_wrong",
                                    "--data-dir", str(tmp_path)])
    assert out.exit_code == 0, out.output
    line = next(x for x in out.output.splitlines() if "anagrafe.certificati" in x)
    assert "(shares: mixed_response_formats)" in line and "100.0" not in line
    assert "split by instrument" in out.output
