"""The seven disclosure routes of issue 12, each run through the real API, exports or CLI.

Each test performs the attack as an attacker would and asserts that it does **not** recover the
hidden value exactly. Run against the warehouse before the cell-key method, every one of them
recovers it (that is how they were written: see docs/confidentiality.md, "The old scheme"). The
data dirs use a fixed record-key secret, so the perturbed figures — and these outcomes — are the
same on every run.
"""
from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
from click.testing import CliRunner
from scipy.optimize import linprog

import pytest

from ascolto.cli import main
from settings import Settings
from tests.console_auth import api_client, token
from tests.warehouse_rows import response, write

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

SECRET = "attack-test-key-9d8c7b6a5f4e3d2c1b0a9f8e"
T = "_T"


def _client(data_dir, rows):
    (data_dir / "ckm-secret").parent.mkdir(parents=True, exist_ok=True)
    (data_dir / "ckm-secret").write_text(SECRET, "ascii")
    write(data_dir, rows)
    return api_client(Settings(data_dir=data_dir))


def _rows(client, query: str) -> list[dict]:
    resp = client.get(f"/api/v1/indicators?{query}")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()["rows"]


def _one(client, query: str) -> dict:
    [row] = _rows(client, query)
    return row


def _background(n_per: int = 25) -> list[dict]:
    """Other entities of the same type, so that tables are not trivially small."""
    out = []
    for e, region in (("c_f205", "ITC4"), ("c_a944", "ITH5")):
        out += [response(entity=e, region=region, satisfaction=1 + i % 5, day=1 + i % 28) for i in range(n_per)]
    return out


def _exact(n, mean, true_n, true_values) -> bool:
    """Whether (n, mean) recovered by differencing equal the hidden cell's."""
    return n == true_n and mean is not None and abs(mean - np.mean(true_values)) < 0.5


def test_route_1_two_api_cuts_subtracted(tmp_path):
    s1 = [response(entity="c_h501", service="svc-a", satisfaction=1 + i % 5, day=1 + i) for i in range(30)]
    s2 = [response(entity="c_h501", service="svc-b", satisfaction=v) for v in (1, 2)]  # scores 0 and 25
    client = _client(tmp_path, s1 + s2 + _background())
    hidden = {r["service"]: r for r in _rows(client, "by=service&entity=c_h501&freq=A")}["svc-b"]
    assert hidden["mean"] is None or hidden["n"] != 2
    e = _one(client, "by=&entity=c_h501&freq=A")
    a = _one(client, "by=&service=svc-a&freq=A")
    n = e["n"] - a["n"]
    mean = (e["n"] * e["mean"] - a["n"] * a["mean"]) / n if n else None
    assert not _exact(n, mean, 2, [0, 25])


def test_route_2_period_ranges_subtracted(tmp_path):
    rows = []
    for month, values in (("2026-01", [4, 5, 3, 4, 5, 4, 2, 5, 4, 3]), ("2026-02", [1, 2]),
                          ("2026-03", [5, 4, 4, 3, 5, 5, 4, 2, 4, 5])):
        rows += [response(period=month, satisfaction=v, day=1 + i) for i, v in enumerate(values)]
    client = _client(tmp_path, rows)
    monthly = {r["period"]: r for r in _rows(client, "by=&freq=M&from=2026-01&to=2026-03")}
    assert monthly["2026-02"]["mean"] is None or monthly["2026-02"]["n"] != 2
    q1 = _one(client, "by=&freq=Q&period=2026-Q1")
    jan = _one(client, "by=&freq=M&from=2026-01&to=2026-01")
    mar = _one(client, "by=&freq=M&from=2026-03&to=2026-03")
    n = q1["n"] - jan["n"] - mar["n"]
    mean = (q1["n"] * q1["mean"] - jan["n"] * jan["mean"] - mar["n"] * mar["mean"]) / n if n else None
    assert not _exact(n, mean, 2, [0, 25])


def test_route_3_table_margin_minus_microdata(tmp_path):
    big = [response(entity="c_h501", region="ITI4", satisfaction=1 + i % 5, day=1 + i % 28) for i in range(40)]
    small = [response(entity="c_l219", region="ITC1", satisfaction=v) for v in (1, 2)]
    client = _client(tmp_path, big + small)
    body = client.get("/api/v1/export/csv?freq=A").get_data(as_text=True)
    table = list(csv.DictReader(io.StringIO(body)))
    national = next(r for r in table if r["REF_AREA"] == "IT" and r["PA_TYPE"] == T and r["SERVICE_TYPE"] == T
                    and r["INDICATOR"] == "SATISFACTION_MEAN")
    out = tmp_path / "pkg"
    result = CliRunner().invoke(main, ["export", "--format", "datapackage", "--out", str(out)],
                                env={"ASCOLTO_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    released = []
    for f in out.glob("responses-*.csv"):
        released += [float(r["satisfaction"]) for r in csv.DictReader(f.open()) if r["satisfaction"] not in ("", "NOT_ANSWERED")]
    if not national["N_RESP"]:
        return  # the margin itself is not published: nothing to subtract from
    n_all, mean_all = int(national["N_RESP"]), float(national["OBS_VALUE"])
    n = n_all - len(released)
    mean = (n_all * mean_all - sum(released)) / n if n else None
    assert not _exact(n, mean, 2, [0, 25])


def test_route_4_compare_statistics_over_suppressed_units(tmp_path):
    rows = [response(entity="asl-x", pa_type="L7", service_type="sanita.prenotazione", region="ITI4",
                     satisfaction=v) for v in (1, 4)]  # scores 0 and 75: the only unit of its type
    client = _client(tmp_path, rows + _background())
    body = client.get("/api/v1/compare?service_type=sanita.prenotazione&indicator=satisfaction").get_json()
    mu = (body.get("eb") or {}).get("mu")
    sd = (body.get("benchmark") or {}).get("sd")
    recovered = None
    if mu is not None and sd is not None:
        recovered = sorted((mu - sd / math.sqrt(2), mu + sd / math.sqrt(2)))  # two answers: mean ± sd/√2
    assert recovered is None or not (abs(recovered[0] - 0) < 0.5 and abs(recovered[1] - 75) < 0.5)


def lp_audit(cells: dict[tuple, dict], D: int, min_n: int = 3) -> list[tuple]:
    """Hidden inner cells of a table with all margins that the published counts determine exactly.

    ``cells``: key (``_T`` for a total) → ``{"n": published n or None, "status": CONF_STATUS}``. The
    attacker knows: counts are non-negative, a margin is the sum of its inner cells, a published
    count is within ±``D`` of the truth (``D = 0``: exact), a primary-suppressed cell (``A``) has
    1 ≤ n ≤ min_n − 1 + D, a complementary one (``D``) only n ≥ 0. Each hidden inner cell is
    minimised and maximised with :func:`scipy.optimize.linprog`; less than 1 apart = disclosed.
    """
    inner = sorted(k for k in cells if T not in k)
    idx = {k: i for i, k in enumerate(inner)}

    def interval(c):
        if c["status"] == "F":
            return max(0, c["n"] - D), c["n"] + D
        return (1, min_n - 1 + D) if c["status"] == "A" else (0, None)

    bounds = [interval(cells[k]) for k in inner]
    a_ub, b_ub = [], []
    for k, c in cells.items():
        if T not in k:
            continue
        row = np.zeros(len(inner))
        for j in inner:
            if all(kk == T or kk == jj for kk, jj in zip(k, j)):
                row[idx[j]] = 1
        lo, hi = interval(c)
        a_ub.append(-row)
        b_ub.append(-lo)
        if hi is not None:
            a_ub.append(row)
            b_ub.append(hi)
    determined = []
    for k in inner:
        if cells[k]["status"] == "F":
            continue
        obj = np.zeros(len(inner))
        obj[idx[k]] = 1
        kw = {"A_ub": np.array(a_ub), "b_ub": b_ub} if a_ub else {}
        lo = linprog(obj, bounds=bounds, method="highs", **kw)
        hi = linprog(-obj, bounds=bounds, method="highs", **kw)
        if lo.success and hi.success and (-hi.fun) - lo.fun < 1 - 1e-9:
            determined.append(k)
    return determined


def test_route_5_lp_audit_of_a_3d_table_with_margins(tmp_path):
    rng = np.random.default_rng(5)
    determined = []
    for t in range(4):
        d = tmp_path / f"t{t}"
        rows = []
        counts = rng.choice([1, 2, 4, 6, 9, 14], size=(2, 3, 3))
        for (a, b, c), n in np.ndenumerate(counts):
            stype = ["anagrafe.certificati", "tributi.pagamento", "scuola.iscrizione"][b]
            region = ["ITI4", "ITC4", "ITH5"][c]
            rows += [response(pa_type=["L6", "L4"][a], service_type=stype, region=region, entity=f"e{a}{c}",
                              satisfaction=1 + int(rng.integers(0, 5))) for _ in range(n)]
        client = _client(d, rows)
        meta = client.get("/api/v1/meta").get_json()["disclosure"]
        D = meta.get("max_deviation", 0) if meta.get("perturbed", False) else 0
        table = _rows(client, "by=pa_type,service_type,region&freq=A&margins=1")
        cells = {(r["pa_type"], r["service_type"], r["region"]): {"n": r["n"], "status": r["conf_status"]}
                 for r in table}
        determined += lp_audit(cells, D)
    assert determined == []


def test_route_6_n_of_a_suppressed_routed_item(tmp_path):
    # went_wrong is asked only when satisfaction <= 3: its n counts the dissatisfied
    rows = [response(entity="c_l219", region="ITC1", satisfaction=2, went_wrong=["technical"]) for _ in range(2)]
    client = _client(tmp_path, rows + _background())
    for indicator in ("went_wrong", "satisfaction"):
        cells = {r["entity"]: r for r in _rows(client, f"indicator={indicator}&by=entity&freq=A")}
        cell = cells["c_l219"]
        assert cell["n"] != 2  # the true count: never shown
        if cell["conf_status"] != "F":
            assert cell["n"] is None
    for r in _rows(client, "indicator=went_wrong&by=entity,region&freq=A&margins=1"):
        assert (r["n"] is None) == (r["conf_status"] != "F") and (r["n"] is None or r["n"] >= 3)


def test_route_7_the_cli_never_prints_an_unprotected_cell(tmp_path):
    rows = [response(pa_type="C16", service_type="previdenza.domanda-prestazione", entity="inps", satisfaction=5)]
    _client(tmp_path, rows + [response(satisfaction=1 + i % 5, day=1 + i) for i in range(20)])
    result = CliRunner().invoke(main, ["indicators", "--period", "2026-10", "--json"],
                                env={"ASCOLTO_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert {r["pa_type"] for r in printed} == {"C16", "L6"}
    for r in printed:
        assert r["n"] is None or r["n"] >= 3
        assert (r["n"] is None) == (r["mean"] is None)
    assert all(not (r["pa_type"] == "C16" and r["n"] == 1) for r in printed)


def test_route_8_comments_of_a_suppressed_cell(tmp_path):
    """An entity token filters its comments to a suppressed cell (one service, one month) and reads
    the cell's n off the count of comments and its mean off their ratings — or counts the comments per
    rating filter. The comments of a suppressed cell are not shown, and no count or rating is released."""
    from tests.workspace_data import ROMA, build_workspace
    from warehouse.console import create_app

    settings, tokens = build_workspace(tmp_path)
    svc, hidden = "demo-roma-anagrafe", [4, 3]
    months = [f"2026-0{m}" for m in range(1, 9)]  # a cell of two answers each, all commented
    write(tmp_path, [response(period=m, entity=ROMA, service=svc, satisfaction=r, comment=f"commento {m} {i}")
                     for m in months for i, r in enumerate(hidden)])
    client = create_app(settings).test_client()
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    cells = {m: client.get(f"/api/v1/indicators?by=service&period={m}&service={svc}", headers=admin).get_json()["rows"][0]
             for m in months}
    month = next(m for m in months if cells[m]["conf_status"] == "A")  # the cube hides it (fixed record keys)
    published = next(m for m in months if cells[m]["conf_status"] == "F")
    assert cells[month]["n"] is None

    entity = {"Authorization": f"Bearer {tokens['entity']}"}
    url = f"/api/v1/workspace/{ROMA}/comments?service={svc}&period={month}"
    body = client.get(url, headers=entity).get_json()
    n = body.get("total", len(body["comments"]))
    ratings = sorted(c["rating"] for c in body["comments"] if c.get("rating") is not None)
    per_rating = {}
    for r in range(1, 6):
        resp = client.get(f"{url}&rating={r}", headers=entity)
        if resp.status_code == 200:
            per_rating[r] = resp.get_json().get("total", len(resp.get_json()["comments"]))
    assert not (n == len(hidden) and ratings == sorted(hidden))
    assert not (sum(per_rating.values()) == len(hidden) and per_rating.get(4) == 1 and per_rating.get(3) == 1)
    assert not any(f"commento {month}" in c["comment"] for c in body["comments"])
    # the same through the page and the CSV, and by subtraction (the whole entity minus the other months)
    page = client.get(f"/workspace/{ROMA}/comments?service={svc}&period={month}", headers=entity).get_data(as_text=True)
    assert f"commento {month}" not in page and "Troppo poche risposte per mostrare i commenti" in page
    assert f"commento {month}" not in client.get(f"/workspace/{ROMA}/comments.csv", headers=entity).get_data(as_text=True)
    assert not any(f"commento {month}" in c["comment"] for c in client.get(f"/api/v1/workspace/{ROMA}/comments?q={month}",
                                                                  headers=entity).get_json()["comments"])
    # a published cell where everyone commented: the comments are listed, but their number never pins
    # the true n (at most n' + D - 1 of them), and no rating comes with them
    pub = cells[published]
    listed = client.get(f"/api/v1/workspace/{ROMA}/comments?service={svc}&period={published}", headers=entity).get_json()
    assert 0 < len(listed["comments"]) < pub["n"] + settings.ckm_max_deviation
    assert "total" not in listed and all("rating" not in c for c in listed["comments"])


def test_route_9_drivers_n_of_an_entity_minus_its_large_service(tmp_path):
    """A statistician (the only national role shown the drivers' n) asks the key-driver analysis of an
    entity and of its one large service, month by month, and subtracts: the rest is the entity's small
    service, two complete responses a month, whose cells the cube suppresses and whose rows the
    microdata withhold (k = 5). The n shown is the published (perturbed) one, so the differences stay
    noisy: they do not give the small service's count month after month. (Since route 24's residual the
    analyses read the released rows only, and a group's 2 beside another service's 120 are withheld: both
    analyses read the same 120 rows.)"""
    from tests.warehouse_rows import speed_driven

    rng = np.random.default_rng(9)
    months = [f"2026-0{m}" for m in range(1, 7)]
    rows = []
    for m in months:
        rows += speed_driven(rng, 120, service="svc-big", entity="c_h501", period=m)
        rows += speed_driven(rng, 2, service="svc-small", entity="c_h501", period=m)
    client = _client(tmp_path, rows + _background())
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token(Settings(data_dir=tmp_path), 'statistician')}"
    recovered = []
    for m in months:
        ent = client.get(f"/api/v1/improve/drivers?entity=c_h501&period={m}").get_json()
        big = client.get(f"/api/v1/improve/drivers?service=svc-big&period={m}").get_json()
        assert "n" in ent["drivers"] and "n" in big["drivers"], (ent, big)  # the role is shown an n
        assert abs(ent["drivers"]["n"] - 120) <= 2 and abs(big["drivers"]["n"] - 120) <= 2  # within D
        recovered.append(ent["drivers"]["n"] - big["drivers"]["n"])
    assert recovered != [2] * len(months), recovered


def test_route_10_item_nonresponse_of_rows_stored_without_a_record_key(tmp_path):
    """Rows written before the ``record_key`` column (the rollup keys them from the secret and their
    ``submission_id``): the item non-response table (``/quality/response-rates?service=KEY``) took
    their keys as 0, so every cell got the same deviation (−2) and its published "applicable" count was
    the true n minus 2 — exact. The same records must give the cube's noise: the applicable count of an
    item every respondent was asked is the cube's published n of the same cell."""
    from warehouse.protect import Protection
    from warehouse.response_rates import item_nonresponse

    sizes = {"2026-01": 5, "2026-02": 7, "2026-03": 12, "2026-04": 30, "2026-05": 9, "2026-06": 6}
    rows = [response(period=m, service="svc-a", satisfaction=1 + i % 5, day=1 + i % 28)
            for m, n in sizes.items() for i in range(n)]
    client = _client(tmp_path, rows + _background())
    # the count of responses (every row answered satisfaction): the same records; the satisfaction cell
    # is also suppressed when its perturbed answer categories all vanish, which no count of rows shows
    cube = {r["period"]: r["n"] for r in _rows(client, "indicator=responses&by=&service=svc-a&freq=M&from=2026-01"
                                                       "&to=2026-06")}
    items = item_nonresponse(tmp_path, Protection.from_settings(Settings(data_dir=tmp_path)), "svc-a")
    applicable = {r["period"]: (None if r["applicable"] != r["applicable"] else int(r["applicable"]))
                  for r in items[items["item"] == "satisfaction"].to_dict("records")}
    assert applicable == cube  # the same records, the same published figure
    recovered = [applicable[m] + 2 for m in sizes if applicable[m] is not None]
    assert recovered != [n for m, n in sizes.items() if applicable[m] is not None], recovered


def test_route_11_a_single_respondent_published_as_three(tmp_path):
    """Sixty administrations with one answer each (a rating of 2, and 1 for satisfaction): the p-table
    publishes a true count of 1 as 3 one time in ten, and since empty categories are never perturbed
    such a cell showed its one respondent's answers exactly — a mean of 25 with the interval [25, 25],
    0 % positive. A published cell rests on at least ``min_n`` respondents: its true n too."""
    singles = [response(entity=f"e{i:03d}", service=f"svc-{i:03d}", satisfaction=2, ease=2) for i in range(60)]
    client = _client(tmp_path, singles + _background())
    for indicator in ("satisfaction", "ease"):
        cells = {r["entity"]: r for r in _rows(client, f"indicator={indicator}&by=entity&freq=A")}
        shown = [e for e, r in cells.items() if e.startswith("e") and r["conf_status"] == "F"]
        assert shown == [], (indicator, [(e, cells[e]["n"], cells[e]["mean"], cells[e]["mean_ci"]) for e in shown])
    responses = {r["service"]: r for r in _rows(client, "indicator=responses&by=service&freq=A")}
    assert all(responses[f"svc-{i:03d}"]["n"] is None for i in range(60))


def test_route_12_the_response_rates_count_of_a_suppressed_cells_answers():
    """A service-month with one answer: the cube suppresses it (true n 1), but the response-rate page
    published the widget's count of submissions — perturbed, with this key, to 3 — and a response rate
    and a break-off from it (with the starts, the break-off gives the submissions back): a count below
    ``min_n`` of the very answers the cube hides. Submissions 1 to ``min_n`` − 1 are withheld with both
    rates; none at all stays 0 and 0 %."""
    import pandas as pd

    from dataset.recordkey import KEY_SCALE
    from warehouse.protect import Protection, unscramble
    from warehouse.protect_rates import publish_rates

    p = Protection()
    up = int(unscramble(int(0.95 * KEY_SCALE)))  # the key sum looked up at 0.95: row 1's d = +2, a true 1 as 3
    assert p.perturb([1], [up])[0] == 3
    df = pd.DataFrame([("one-answer", 400, 10, 1), ("two-answers", 400, 10, 2), ("none", 400, 10, 0),
                       ("many", 400, 60, 40)], columns=["service", "impressions", "starts", "submissions"])
    for c in ("impressions", "starts", "submissions"):
        df[f"k_{c}"] = up
    out = publish_rates(df, ["service"], p).set_index("service")
    for svc in ("one-answer", "two-answers"):
        row = out.loc[svc]
        assert pd.isna(row["submissions"]), (svc, row["submissions"])
        assert pd.isna(row["response_rate"]) and pd.isna(row["response_rate_lower"]) and pd.isna(row["break_off"])
        assert row["impressions"] >= 3  # the page views stay: they are not answers
    assert out.loc["none", "submissions"] == 0 and out.loc["none", "response_rate"] == 0
    assert out.loc["many", "submissions"] >= 38 and not pd.isna(out.loc["many", "break_off"])


def test_route_25_no_second_draw_of_n_from_the_comments_or_the_conditional_items(tmp_path):
    """The workspace lists a published cell's comments in full up to n' + D − 1, so their number C is exact;
    the item non-response table published the comment item's unanswered count M' perturbed on its own key:
    C + M' was a second, independent draw of n beside the cube's n', and the two together pinned it (red
    team, 2026-12-04: two of 422 service-months exactly). Likewise the applicable counts of "went_well" and
    "went_wrong" (asked of the satisfied and of the others) were two more draws. The table publishes only
    items asked of every respondent that are not free text."""
    from warehouse.protect import Protection
    from warehouse.response_rates import item_nonresponse

    rows = [response(period="2026-04", service="svc-a", satisfaction=1 + i % 5, ease=3,
                     went_well=("clarity",) if i % 5 >= 3 else (), comment="ok" if i % 2 else None, day=1 + i)
            for i in range(20)]
    write(tmp_path, rows + _background())
    items = set(item_nonresponse(tmp_path, Protection.from_settings(Settings(data_dir=tmp_path)), "svc-a")["item"])
    assert "satisfaction" in items and "ease" in items
    assert not items & {"comment", "went_well", "went_wrong"}, items

