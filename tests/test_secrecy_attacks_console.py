"""Red team, December 2026: an attacker of the console's interactive surfaces (pages, their CSVs, the JSON
API, the improvement cycle's trend and evaluation inputs) tries to recover three hidden cells.

The warehouse (the console tests' seeded data, :func:`tests.console_data.build`, plus two small cells):

- ``TYPE``: the service type ``regione.bandi`` has one entity (``r_lombar``, one service): 9 answers in
  2026-08 (published) and **2** in 2026-09 (hidden) — the type, the entity and the service are one set of
  records, so every one of them is that hidden cell in 2026-09;
- ``APP``: Roma (``c_h501``) has **2** answers through the ``app`` channel, in 2026-09 only, beside its 40 on
  the web — hidden in every period, quarter and year, and for every cut that isolates the channel;
- ``TORINO``: ``c_l219`` has **1** answer in all (2026-10), the only entity of its region (``ITC1``).

The attacks: every surface asked for the hidden cell directly (by every dimension that isolates it, every
frequency, the single-entity type and region, the all-time list, the comparison, the channel view, the
Faccia report, the coverage page, the trend); national totals minus their published parts by each
dimension; a quarter minus its months; custom ranges shifted by one month; the same records asked through
different filters, groupings, unions, orders and frequencies, and the same query repeated (averaging
draws); shares × n. The cell-key method must hold on all of them: the hidden cells appear nowhere with a
figure, the same records give the same figure everywhere (no second draw to average), ranges that are not
one calendar period are refused, and every difference leaves the hidden count open (the p-table's noise on
each term: at least two values of 1…4 stay possible). A static check closes the list: the console's and
the public site's modules query the warehouse for figures only through :mod:`warehouse.cube` (hence
:func:`warehouse.protect.publish`) — the few direct queries are named below with why they are no figure.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tests.console_data import build
from tests.warehouse_rows import response, write

pytestmark = pytest.mark.usefixtures("clock_2027")  # 2026 has ended: every month, quarter and the year

D, MIN_N = 2, 3  # the p-table's maximum deviation and the suppression threshold (the defaults)
POSSIBLE = range(1, MIN_N + D)  # what "suppressed" leaves: true n 1…2, or 3…4 perturbed under 3
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("secrecy-console")
    settings, tokens = build(root)
    rows = [response(period="2026-09", day=5, entity="c_h501", service="demo-roma-anagrafe", region="ITI4",
                     channel="app", satisfaction=1, ease=2) for _ in range(2)]
    for period, k in (("2026-08", 9), ("2026-09", 2)):
        rows += [response(period=period, day=6, pa_type="L4", entity="r_lombar", service="demo-lombardia-bandi",
                          service_type="regione.bandi", region="ITC4", satisfaction=1 + i % 5, ease=3)
                 for i in range(k)]
    write(root, rows)
    return settings, tokens


@pytest.fixture
def client(data):
    from warehouse.console import create_app

    settings, tokens = data
    c = create_app(settings).test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['admin']}"
    return c


def _json(client, url: str) -> dict:
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.get_data(as_text=True)[:300])
    return resp.get_json()


def _rows(client, query: str) -> list[dict]:
    return _json(client, f"/api/v1/indicators?{query}")["rows"]


def _n(client, query: str, **match) -> int | None:
    """The published n of the one row of ``query`` matching ``match`` (None when suppressed)."""
    [row] = [r for r in _rows(client, query) if all(r.get(k) == v for k, v in match.items())]
    return row["n"]


#: Each hidden cell: the cuts that are exactly its records (query, the row's key), by every route to it.
HIDDEN = {
    "TYPE": [(f"indicator={ind}&by={by}&{flt}period=2026-09", {by: code})
             for ind in ("responses", "satisfaction", "ease")
             for by, code in (("service_type", "regione.bandi"), ("entity", "r_lombar"),
                              ("service", "demo-lombardia-bandi"), ("pa_type", "L4"))
             for flt in ("", "region=ITC4&", "channel=web,app&", "margins=1&")]
    + [("by=channel,instrument&margins=1&service_type=regione.bandi&period=2026-09", {"channel": "_T", "instrument": "_T"}),
       ("by=service_type&from=2026-08&to=2026-10", {"service_type": "regione.bandi", "period": "2026-09"})],
    "APP": [(f"indicator={ind}&by=channel&{flt}{per}", {"channel": "app"})
            for ind in ("responses", "satisfaction")
            for flt in ("", "entity=c_h501&", "service=demo-roma-anagrafe&", "region=ITI4&", "service_type=anagrafe.certificati&",
                        "margins=1&entity=c_h501&")
            for per in ("period=2026-09", "freq=Q&period=2026-Q3", "freq=A&period=2026")]
    + [("by=entity,channel&margins=1&period=2026-09", {"entity": "c_h501", "channel": "app"}),
       ("by=channel,entity&service_type=anagrafe.certificati&period=2026-09", {"entity": "c_h501", "channel": "app"})],
    "TORINO": [(f"indicator={ind}&by={by}&{per}", {by: code})
               for ind in ("responses", "satisfaction")
               for by, code in (("entity", "c_l219"), ("region", "ITC1"), ("service", "svc-torino-anagrafe"))
               for per in ("period=2026-10", "freq=Q&period=2026-Q4", "freq=A&period=2026")]
    + [("by=region,entity&margins=1&period=2026-10", {"region": "ITC1", "entity": "_T"}),
       ("by=region&entity=c_l219,c_l219&period=2026-10", {"region": "ITC1"})],
}


@pytest.mark.parametrize("cell", sorted(HIDDEN))
def test_every_api_route_to_a_hidden_cell_finds_it_suppressed(client, cell):
    """The hidden cell asked for by every dimension that isolates it (the single-entity type, its PA type, the
    single-entity region), with unions (``channel=web,app``), margins, every frequency: no n, no figure."""
    for query, match in HIDDEN[cell]:
        rows = [r for r in _rows(client, query) if all(r.get(k) == v for k, v in match.items())]
        assert rows, (cell, query)  # the cell is listed (it has answers), as suppressed
        for r in rows:
            assert r["n"] is None and r["conf_status"] == "A", (cell, query, r)
            assert all(r.get(k) is None for k in ("mean", "top2", "positive_share")), (cell, query, r)
            held = [*(r.get("distribution") or {}).values(), *(r.get("shares") or {}).values()]
            assert all(v is None or v == {} or v == [] for v in held), (cell, query, r)


def test_the_pages_comparisons_and_reports_show_no_figure_of_a_hidden_cell(client):
    """The same cells on the pages' tables (their CSVs), the comparison (funnel, EB, ranks), the channel
    view, the Faccia report, the coverage page and the trend: each says suppressed, none gives a number."""
    body = _json(client, "/api/v1/compare?service_type=regione.bandi&period=2026-09")
    assert body["benchmark"]["n"] is None and body["funnel"] is None and body["ranking"] is None
    assert [(u["entity"], u["n"], u["eb"], u["rank"]) for u in body["units"]] == [("r_lombar", None, None, None)]
    body = _json(client, "/api/v1/compare?service_type=anagrafe.certificati&period=2026-10&level=service")
    [torino] = [u for u in body["units"] if u["service"] == "svc-torino-anagrafe"]
    assert (torino["n"], torino["value"], torino["eb"], torino["rank_interval"], torino["limits"]) == (None,) * 5
    for url, hidden in (("/csv/service-type/regione.bandi/funnel?freq=M&period=2026-09", None),
                        ("/csv/entity/r_lombar/by-channel?freq=M&period=2026-09", None),
                        ("/csv/entity/c_h501/by-channel?freq=Q&period=2026-Q3", "app"),
                        ("/csv/entity/c_l219/by-channel?freq=A&period=2026", None),
                        ("/csv/regions/regions?freq=M&period=2026-10", "ITC1"),
                        ("/channels.csv?entity=c_h501&freq=Q", "app"),
                        ("/channels.csv?service_type=regione.bandi&freq=M", "2026-09")):
        resp = client.get(url + "&lang=en" if "?" in url else url + "?lang=en")
        if resp.status_code == 422:  # no comparison made: nothing to show
            continue
        assert resp.status_code == 200, (url, resp.get_data(as_text=True)[:300])
        table = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
        mine = [r for r in table if hidden is None or hidden.lower() in {str(v).lower() for v in r.values()}]
        assert mine, url
        for r in mine:
            counts = [v for k, v in r.items() if k in ("N", "Responses", "Answers", "n") and v not in ("", None)]
            assert not counts and not any(re.fullmatch(r"\d+(\.\d+)?", v or "") for k, v in r.items()
                                          if "share" in k.lower() or "mean" in k.lower()), (url, r)
    # the trend's refusal counts the months with published answers: August only, not the hidden September
    trend = client.get("/api/v1/improve/trend?service=demo-lombardia-bandi&from=2026-05&to=2026-10")
    assert trend.status_code == 422 and trend.get_json()["detail"] == {"need": 6, "got": 1}, trend.get_json()


#: Decompositions: (cut of the whole, cut of its published parts, the row key of the parts, the hidden part's value)
DIFFERENCES = {
    "TYPE": [("indicator=responses&period=2026-09", f"indicator=responses&by={d}&period=2026-09", d, v)
             for d, v in (("service_type", "regione.bandi"), ("pa_type", "L4"), ("entity", "r_lombar"),
                          ("service", "demo-lombardia-bandi"))]
    + [("indicator=responses&freq=Q&period=2026-Q3&service_type=regione.bandi",
        "indicator=responses&from=2026-07&to=2026-09&service_type=regione.bandi", "period", "2026-09")],
    "APP": [("indicator=responses&period=2026-09&entity=c_h501", "indicator=responses&by=channel&period=2026-09&entity=c_h501",
             "channel", "app"),
            ("indicator=responses&period=2026-09", "indicator=responses&by=channel&period=2026-09", "channel", "app"),
            ("indicator=responses&freq=Q&period=2026-Q3&entity=c_h501",
             "indicator=responses&freq=Q&by=channel&period=2026-Q3&entity=c_h501", "channel", "app")],
    "TORINO": [("indicator=responses&period=2026-10", f"indicator=responses&by={d}&period=2026-10", d, v)
               for d, v in (("entity", "c_l219"), ("region", "ITC1"), ("service", "svc-torino-anagrafe"))]
    + [("indicator=responses&period=2026-10&service_type=anagrafe.certificati",
        "indicator=responses&by=entity&period=2026-10&service_type=anagrafe.certificati", "entity", "c_l219"),
       ("indicator=responses&freq=A&period=2026&entity=c_l219,c_f205", "indicator=responses&freq=A&period=2026&entity=c_f205",
        None, None)],
}
TRUTH = {"TYPE": 2, "APP": 2, "TORINO": 1}


@pytest.mark.parametrize("cell", sorted(DIFFERENCES))
def test_a_total_minus_its_published_parts_leaves_the_hidden_count_open(client, cell):
    """Whole − Σ published parts, by every dimension and by periods: each term carries up to ±D of its own
    noise, so the hidden count is known only to an interval that holds at least two of its possible values
    — also after intersecting every decomposition's interval (the attacker's best use of them all)."""
    feasible, estimates = set(POSSIBLE), []
    for whole_q, parts_q, key, value in DIFFERENCES[cell]:
        whole = _rows(client, whole_q + "&by=")
        assert len(whole) == 1 and whole[0]["n"] is not None, whole_q
        parts = [r for r in _rows(client, parts_q) if key is None or r.get(key) != value]
        assert all(r["n"] is not None for r in parts), parts_q  # the other parts are all published
        estimate = whole[0]["n"] - sum(r["n"] for r in parts)
        terms = 1 + len(parts)
        interval = {h for h in POSSIBLE if abs(estimate - h) <= D * terms}
        assert len(interval) >= 2 and TRUTH[cell] in interval, (cell, whole_q, estimate)
        feasible &= interval
        estimates.append(estimate)
    assert TRUTH[cell] in feasible and len(feasible) >= 2, (cell, feasible)
    # published exactly, every difference would be the hidden count itself: here they scatter around it
    assert set(estimates) != {TRUTH[cell]}, (cell, estimates)


def test_the_same_records_give_the_same_figure_on_every_route_so_averaging_gains_nothing(client):
    """Repeating a query, or reaching the same records by another filter, grouping, union, order or
    frequency (the single-entity type = its entity = its service; a quarter with one month of data = that
    month; the year = every period; ``channel=web,app`` = no channel filter) gives one figure: there is no
    second draw of the noise to average."""
    same = [
        [("indicator=responses&by=service_type&period=2026-08", {"service_type": "regione.bandi"}),
         ("indicator=responses&by=entity&service_type=regione.bandi&period=2026-08", {"entity": "r_lombar"}),
         ("indicator=responses&by=service&region=ITC4&period=2026-08", {"service": "demo-lombardia-bandi"}),
         ("indicator=satisfaction&by=pa_type&period=2026-08", {"pa_type": "L4"}),
         ("indicator=ease&by=entity,channel&margins=1&entity=r_lombar&period=2026-08", {"entity": "r_lombar", "channel": "_T"}),
         ("indicator=responses&by=service_type&from=2026-07&to=2026-09&service_type=regione.bandi", {"period": "2026-08"})],
        [("indicator=responses&by=entity&freq=Q&period=2026-Q3", {"entity": "r_lombar"}),
         ("indicator=responses&by=entity&freq=A&period=2026", {"entity": "r_lombar"}),  # no answers after Q3
         ("indicator=satisfaction&by=service_type&freq=Q&period=2026-Q3", {"service_type": "regione.bandi"})],
        [("indicator=responses&by=entity&period=2026-09&entity=c_h501", {}),
         ("indicator=responses&by=entity&period=2026-09&entity=c_h501&channel=web,app", {}),
         ("indicator=responses&by=entity&period=2026-09&entity=c_h501&channel=app,web", {}),
         ("indicator=responses&by=channel,entity&margins=1&period=2026-09&entity=c_h501", {"channel": "_T", "entity": "c_h501"}),
         ("indicator=responses&by=service&period=2026-09&service=demo-roma-anagrafe", {})],
        [("indicator=responses&by=&freq=Q&period=2026-Q4&entity=c_f205,c_l219", {}),
         ("indicator=responses&by=&freq=Q&period=2026-Q4&region=ITC4,ITC1&service_type=anagrafe.certificati", {}),
         ("indicator=responses&by=&freq=Q&period=2026-Q4&region=ITC1,ITC4&pa_type=L6", {})],
    ]
    for group in same:
        figures = set()
        for query, match in group:
            rows = [r for r in _rows(client, query) if all(r.get(k) == v for k, v in match.items())]
            assert len(rows) == 1 and rows[0]["n"] is not None, (query, rows)
            figures.add(rows[0]["n"])
        assert len(figures) == 1, group
    # the pages, the comparison and the entities list read the same cells: one figure again
    q3 = _n(client, "indicator=satisfaction&by=entity&freq=Q&period=2026-Q3", entity="r_lombar")
    body = _json(client, "/api/v1/compare?service_type=regione.bandi&period=2026-Q3")
    assert body["benchmark"]["n"] == body["units"][0]["n"] == q3
    entities = list(csv.DictReader(io.StringIO(client.get("/csv/entities/entities?lang=en").get_data(as_text=True)
                                               .lstrip("\ufeff"))))
    assert [int(r["Responses"]) for r in entities if r["IPA code"] == "r_lombar"] == [q3]  # every period = Q3's records
    under = _json(client, "/api/v1/coverage?quarter=2026-Q3")["under_min_n"]
    assert [u["n"] for u in under if u["service"] == "demo-lombardia-bandi"] == [q3]
    # a query repeated is the same answer, byte for byte
    for url in ("/api/v1/indicators?indicator=responses&by=region&period=2026-10",
                "/api/v1/compare?service_type=anagrafe.certificati&period=2026-Q3"):
        assert len({client.get(url).get_data() for _ in range(4)}) == 1


def test_shares_times_n_give_back_perturbed_counts_only(client):
    """Shares × n of the type's quarter minus its published month: the hidden month's two answers are
    known only up to the noise of two cells (each category's count perturbed on its own key)."""
    from collections import Counter

    truth = Counter(25 * (i % 5) for i in range(2))  # the hidden month's ratings on 0–100: 0 and 25
    q3 = _rows(client, "by=entity&freq=Q&period=2026-Q3&entity=r_lombar")[0]
    aug = _rows(client, "by=entity&period=2026-08&entity=r_lombar")[0]
    diff = {p: round(q3["distribution"][p] * q3["n"] / 100) - round(aug["distribution"][p] * aug["n"] / 100)
            for p in q3["distribution"]}
    # the true category counts of the hidden month are 1, 1, 0, 0, 0: the difference is not them
    assert diff != {str(p): truth.get(p, 0) for p in (0, 25, 50, 75, 100)}, diff


def test_ranges_shifted_by_a_month_are_refused_or_are_the_months_own_cells(client):
    """Overlapping custom ranges (from/to shifted by one month) would each be a new cell with its own
    noise: a comparison over one is refused naming ``to``, and the indicators over one are the months'
    own cells (the same figures as asked one month at a time)."""
    for a, b in (("2026-08", "2026-09"), ("2026-09", "2026-10"), ("2026-08", "2026-10"), ("2026-09", "2026-11")):
        refused = client.get(f"/api/v1/compare?service_type=regione.bandi&from={a}&to={b}")
        assert refused.status_code == 400 and list(refused.get_json()["fields"]) == ["to"], (a, b)
        rows = _rows(client, f"indicator=responses&by=entity&entity=r_lombar&from={a}&to={b}")
        for r in rows:
            own = _rows(client, f"indicator=responses&by=entity&entity=r_lombar&period={r['period']}")[0]
            assert r["n"] == own["n"] and r["period"] in ("2026-08", "2026-09"), (a, b, r)


#: Direct warehouse queries in the console's and public site's modules that are no published figure, and why.
#: Any other ``count(``/``sum(``/``avg(`` in their SQL is a figure bypassing :mod:`warehouse.protect`.
NOT_FIGURES = {
    ("warehouse/console/data_overview.py", "count(DISTINCT service), count(DISTINCT entity)"):
        "how many services and entities had answers in an ended calendar period: units, not answers",
    ("warehouse/console/data_quality.py", "count(*) FILTER (WHERE NOT"):
        "automated (bot) answers per service: kept out of every figure",
    ("warehouse/console/data_quality.py", "SELECT reason, count(*)"): "dead letters by reason: no stored answer",
    ("warehouse/console/coverage.py", "epoch(max(received_at))"): "the day of each service's last answer (a date)",
}


def test_no_console_or_public_module_computes_a_figure_outside_the_protected_path():
    """Every route's figures come from :func:`warehouse.cube.table` (so :func:`warehouse.protect.publish`), the
    comparison's from :mod:`warehouse.compare` (on published cells), the rates' from
    :mod:`warehouse.protect_rates`: no module of the console or the public site aggregates the warehouse's
    rows itself, but for the few queries of :data:`NOT_FIGURES`, each of which says why it is no figure."""
    found = []
    for path in sorted([*(ROOT / "warehouse" / "console").glob("*.py"), *(ROOT / "warehouse" / "public").glob("*.py")]):
        text = path.read_text("utf-8")
        rel = path.relative_to(ROOT).as_posix()
        for m in re.finditer(r"(?i)\b(count|sum|avg|mean|median|quantile\w*|stddev\w*|max|min)\s*\(", text):
            line = text[text.rfind("\n", 0, m.start()) + 1:text.find("\n", m.end())]
            in_sql = re.search(r"""(?i)["'].*\b(SELECT|FROM|GROUP BY)\b|epoch\(|FILTER \(WHERE""", line)
            if in_sql and not any(rel == p and key in line for (p, key) in NOT_FIGURES):
                found.append(f"{rel}: {line.strip()}")
    assert not found, "figures computed outside warehouse.protect:\n" + "\n".join(found)
