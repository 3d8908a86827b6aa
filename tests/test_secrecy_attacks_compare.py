"""Red team, 2026-12-05: the comparison's newest outputs against a hidden unit (``/api/v1/compare``).

Since ``f6734d6`` a type of fewer than 3 published units is not shrunk and two units get
``ranking.difference`` (estimate, ci, z, p_value); the funnels' over-dispersion test publishes φ, its
statistic and p-value (:mod:`warehouse.dispersion`); the EB intervals integrate τ over its posterior
(:mod:`warehouse.ebtau`); the model is fitted on every unit of the benchmark's population whatever the unit
filters. The attacker (a ``dashboards`` token) looks there for a hidden unit's count or share:

- ``PREV``: ``previdenza.domanda-prestazione`` has two published entities (the seeded ``inps``, ``inail``)
  and a third, ``inpgi`` (region ITC4), with **2** answers in 2026-09, both 5 of 5 (hidden): the national
  benchmark minus the two published units, the difference's standard error, the test's statistic;
- ``ANAG``: ``anagrafe.certificati``'s five published entities and a sixth, ``c_b157`` (region ITC4,
  alone there), with **2** answers in 2026-09, both 5 of 5: the EB μ̂ and τ̂², φ, and the same figures with
  a region filter that keeps or drops the hidden unit (the model fitted on the selection would differ);
- ``BANDI``: ``regione.bandi`` with twelve published regional governments and a hidden thirteenth (2 of 2
  positive): the winsorized Monte Carlo test's ``phi_winsorized``.

Each attack is run on the same warehouse with the protection off (:class:`warehouse.protect.Protection`
``enabled=False``: the same code, true counts): there it recovers the hidden figure, so the data are such
that it would succeed; with the protection every figure it reads is a published (perturbed) cell's, a
residual of several independent deviations, and every statistic is a function of the published units only
(re-derived from them here to the published precision), the hidden unit's true figures moving it visibly.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from tests.console_data import build
from tests.warehouse_rows import response, write

pytestmark = pytest.mark.usefixtures("clock_2027")  # 2026 has ended: every month of it is published

D, MIN_N = 2, 3
POSSIBLE = range(1, MIN_N + D)  # what "suppressed" leaves: true n 1…2, or 3…4 perturbed under 3
PREV, ANAG = "previdenza.domanda-prestazione", "anagrafe.certificati"
HIDDEN = {PREV: ("inpgi", "C16"), ANAG: ("c_b157", "L6")}
TRUE_N, TRUE_POS = 2, 2  # each hidden unit: two answers, both positive (5 of 5)
PERIOD = "2026-09"
BANDI, BANDI_HIDDEN = "regione.bandi", "r_hidden"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("secrecy-compare")
    settings, tokens = build(root)
    rows = [response(period=PERIOD, day=5, pa_type=pa, entity=ent, service=f"svc-{ent}", service_type=st,
                     region="ITC4", satisfaction=5, ease=5)
            for st, (ent, pa) in (*HIDDEN.items(), (BANDI, (BANDI_HIDDEN, "L4"))) for _ in range(TRUE_N)]
    # BANDI: twelve published regional governments (the over-dispersion test winsorized, Monte Carlo), 10-21 answers
    rows += [response(period=PERIOD, day=6, pa_type="L4", entity=f"r_{i:02d}", service=f"svc-bandi-{i:02d}",
                      service_type=BANDI, region="ITF3", satisfaction=1 + (i + j) % 5, ease=3)
             for i in range(12) for j in range(10 + i)]
    write(root, rows)
    return settings, tokens


@pytest.fixture(scope="module")
def app(data):
    from warehouse.console import create_app

    return create_app(data[0])


@pytest.fixture
def client(app, data):
    c = app.test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {data[1]['monitoring']}"
    return c


def _compare(client, stype: str, extra: str = "") -> dict:
    resp = client.get(f"/api/v1/compare?service_type={stype}&indicator=satisfaction&period={PERIOD}{extra}")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return resp.get_json()


def _unprotected(app, stype: str) -> dict:
    """The same comparison with true counts (the protection off): what the attacks would read unprotected."""
    from warehouse.compare import compare
    from warehouse.cube import Cut
    from warehouse.protect import Protection

    cut = Cut(indicator="satisfaction", filters={"service_type": [stype]}, freq="M", start=PERIOD, end=PERIOD)
    return compare(app.config["ASCOLTO_WAREHOUSE"]().cursor(), cut.validate(), protection=Protection(enabled=False))


def _published(body: dict) -> list[dict]:
    return [u for u in body["units"] if u["conf_status"] == "F"]


def _pos(value: float, n: int) -> int:
    """A published share's count of positive answers (the share is pos′/n′, given to 2 decimals)."""
    return round(value * n / 100)


def _hidden_row(body: dict, stype: str) -> dict:
    [row] = [u for u in body["units"] if u["entity"] == HIDDEN[stype][0]]
    return row


def test_the_benchmark_minus_two_published_units_leaves_the_third_open(client, app):
    """Two published units and a hidden third: benchmark − Σ units, in answers and in positive answers. With
    true counts it is the hidden unit's (2 answers, 2 positive) exactly; published, each of the three terms
    carries its own deviation (up to ±D), so at least two of the hidden unit's possible counts stay open."""
    plain = _unprotected(app, PREV)
    assert _hidden_row(plain, PREV)["n"] is None  # suppressed there too (true n 2): only the subtraction finds it
    n_est = plain["benchmark"]["n"] - sum(u["n"] for u in _published(plain))
    pos_est = _pos(plain["benchmark"]["value"], plain["benchmark"]["n"]) - sum(
        _pos(u["value"], u["n"]) for u in _published(plain))
    assert (n_est, pos_est) == (TRUE_N, TRUE_POS)  # the attack, unprotected: exact

    body = _compare(client, PREV)
    row = _hidden_row(body, PREV)
    assert row["n"] is None and row["value"] is None and row["conf_status"] == "A"
    pub = _published(body)
    assert len(pub) == 2 and body["ranking"]["shrinkage"] is False and body["ranking"]["difference"]
    bench = body["benchmark"]
    n_est = bench["n"] - sum(u["n"] for u in pub)
    pos_est = _pos(bench["value"], bench["n"]) - sum(_pos(u["value"], u["n"]) for u in pub)
    terms = 1 + len(pub)
    open_n = {h for h in POSSIBLE if abs(n_est - h) <= D * terms}
    # a positive count is two perturbed categories (4-5 of five points) shared out to n′: up to ±2D a term
    open_pos = {h for h in range(0, max(POSSIBLE) + 1) if abs(pos_est - h) <= 2 * D * terms}
    assert TRUE_N in open_n and len(open_n) >= 2, (n_est, open_n)
    assert TRUE_POS in open_pos and len(open_pos) >= 2, (pos_est, open_pos)


def _se(value_pct: float, n: float, p0: float) -> float:
    """A published unit's standard error as the comparison computes it, from its published n and the published
    benchmark p0 (cx-core's five points: 2 positive categories, 3 not; V = 1)."""
    from warehouse.ckmnoise import share_noise_sd
    from warehouse.protect import Protection

    sd = share_noise_sd("satisfaction", ["cx-core@1"], p0, Protection())[0]
    return 100 * math.sqrt(p0 * (1 - p0) / n + sd ** 2 / n ** 2)


def _z(pos: int, n: int, p0: float) -> float:
    return (100 * pos / n - 100 * p0) / _se(0, n, p0)


def test_the_difference_and_the_dispersion_test_read_the_published_units_only(client):
    """The two units' difference and its interval, and the over-dispersion statistic, re-derived from the two
    published units (n′, share) and the published benchmark: equal to the published precision. Had the test
    taken the hidden unit in (its true 2 of 2 against the benchmark), the statistic minus the published units'
    Σ z² would be that unit's z², far above the rounding; the interval's width is that of the published n′."""
    body = _compare(client, PREV)
    pub, p0 = _published(body), body["benchmark"]["value"] / 100
    test, diff = body["test"], body["ranking"]["difference"]
    assert test["units"] == 2 and test["test"] == "chi2"
    z_pub = [u["z"] for u in pub]
    assert test["statistic"] == pytest.approx(sum(z * z for z in z_pub), abs=0.01)
    hidden_z2 = _z(TRUE_POS, TRUE_N, p0) ** 2
    assert hidden_z2 > 0.5, hidden_z2  # what the residual would show if φ were taken over every unit: 50 × the rounding
    hi, lo = sorted(pub, key=lambda u: -u["value"])
    assert diff["units"] == [hi["entity"], lo["entity"]]
    assert diff["estimate"] == pytest.approx(hi["value"] - lo["value"], abs=0.011)
    s = math.hypot(*(_se(u["value"], u["n"], p0) for u in pub))
    assert (diff["ci"][1] - diff["ci"][0]) / (2 * 1.959964) == pytest.approx(s, abs=0.01)


def test_the_model_is_fitted_on_the_published_units_and_a_unit_filter_changes_nothing_of_it(client, app):
    """Five published units and a hidden sixth (alone in its region). The EB μ̂ and τ̂² and the test's statistic
    re-derived from the five published units equal the published ones; with the hidden unit's true figures they
    move far beyond the rounding (that unit would be read back from them). Filtering the region that holds only
    the hidden unit, or one without it, changes the rows listed, not one figure of the model: differencing two
    filters gives nothing."""
    from warehouse.ranking import eb_ranking

    body = _compare(client, ANAG)
    assert _hidden_row(body, ANAG)["n"] is None
    pub, p0 = _published(body), body["benchmark"]["value"] / 100
    assert len(pub) == 5
    n = np.array([u["n"] for u in pub], dtype=float)
    pos = np.array([_pos(u["value"], u["n"]) for u in pub], dtype=float)
    y = 100 * pos / n
    se = np.array([_se(0, m, p0) for m in n])
    mine = eb_ranking(y, se)
    assert body["ranking"]["mu"] == pytest.approx(mine["mu"], abs=0.02)
    assert body["ranking"]["tau2"] == pytest.approx(mine["tau2"], rel=1e-3, abs=0.01)
    assert body["test"]["units"] == 5
    assert body["test"]["statistic"] == pytest.approx(sum(u["z"] ** 2 for u in pub), abs=0.02)
    with_hidden = eb_ranking(np.append(y, 100.0 * TRUE_POS / TRUE_N), np.append(se, _se(0, TRUE_N, p0)))
    assert abs(with_hidden["mu"] - mine["mu"]) > 0.2, (with_hidden["mu"], mine["mu"])  # 10 × the tolerance

    model = ("benchmark", "test", "ranking", "method", "funnel")
    only_hidden = _compare(client, ANAG, "&region=ITC4")
    assert [u["entity"] for u in only_hidden["units"]] == ["c_f205", "c_b157"] or \
        sorted(u["entity"] for u in only_hidden["units"]) == ["c_b157", "c_f205"]
    without = _compare(client, ANAG, "&region=ITI4")
    assert {u["entity"] for u in without["units"]} == {"c_h501"}
    for other in (only_hidden, without):
        assert {k: v for k, v in other["benchmark"].items() if k != "unit_filters"} == \
            {k: v for k, v in body["benchmark"].items() if k != "unit_filters"}
        assert all(other[k] == body[k] for k in model[1:]), [k for k in model[1:] if other[k] != body[k]]
    assert _hidden_row(only_hidden, ANAG)["n"] is None


def test_unprotected_the_models_figures_would_give_the_hidden_unit_away(app):
    """The control of the test above: with true counts the published units are the true ones and the hidden
    unit is still left out, so the same re-derivation holds; what the protection adds is that no published
    figure — benchmark, units, difference — is the true count: benchmark − Σ units is exact unprotected."""
    plain = _unprotected(app, ANAG)
    assert _hidden_row(plain, ANAG)["n"] is None
    assert plain["benchmark"]["n"] - sum(u["n"] for u in _published(plain)) == TRUE_N


def test_the_winsorized_monte_carlo_test_reads_the_published_units_only(client):
    """Twelve published units and a hidden thirteenth (2 of 2 positive): the test is the winsorized Monte Carlo
    one; its ``phi_winsorized`` re-derived from the twelve published z-scores equals the published one, and the
    thirteenth's true z among them would move it well beyond the rounding."""
    from warehouse.dispersion import winsorized_phi

    body = _compare(client, BANDI)
    [hidden] = [u for u in body["units"] if u["entity"] == BANDI_HIDDEN]
    assert hidden["n"] is None and hidden["z"] is None
    pub, p0 = _published(body), body["benchmark"]["value"] / 100
    test = body["test"]
    assert test["test"] == "monte_carlo" and test["winsorized"] and test["units"] == len(pub) == 12
    z = np.array([u["z"] for u in pub])
    mine = float(winsorized_phi(z)[0])
    assert test["phi_winsorized"] == pytest.approx(mine, abs=0.002)  # z to 3 decimals, φ to 4
    with_hidden = float(winsorized_phi(np.append(z, _z(TRUE_POS, TRUE_N, p0)))[0])
    # winsorized, one unit's z is clipped to its neighbour's: it still moves φ by ~0.02 here, 10 × the rounding
    assert abs(with_hidden - mine) > 0.01, (with_hidden, mine)
