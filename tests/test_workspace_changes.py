"""Which of an entity's services got worse: the workspace's services table gives each service's
positive share against the previous period — the difference, its 95% interval (Newcombe, from the two
published cells) and a verdict that calls a fall "peggiorato" only beyond noise."""
from __future__ import annotations

import re

import pytest

from registry import connect, dispose, ops, session_scope
from tests.warehouse_rows import response, write
from tests.workspace_data import ROMA, build_workspace
from warehouse.console import create_app

DROP, WOBBLE, FEW = "svc-roma-drop", "svc-roma-wobble", "svc-roma-few"


def _answers(service: str, period: str, n: int, positive: int) -> list[dict]:
    return [response(period=period, day=1 + i % 28, entity=ROMA, service=service, satisfaction=5 if i < positive else 2)
            for i in range(n)]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    root = tmp_path_factory.mktemp("workspace-changes")
    settings, tokens = build_workspace(root)
    factory = connect(settings.database_url)
    with session_scope(factory) as s:
        for key in (DROP, WOBBLE, FEW):
            ops.add_service(s, actor="test", key=key, entity_ipa=ROMA, name=key, service_type="anagrafe.certificati")
    dispose(factory)
    write(root, _answers(DROP, "2026-09", 100, 80) + _answers(DROP, "2026-10", 100, 20)  # a clear fall
          + _answers(WOBBLE, "2026-09", 30, 18) + _answers(WOBBLE, "2026-10", 30, 15)  # 60% → 50%: noise
          + _answers(FEW, "2026-09", 100, 80) + _answers(FEW, "2026-10", 12, 1))  # a fall, on 12 answers (U)
    return settings, tokens


@pytest.fixture(scope="module")
def client(seeded):
    return create_app(seeded[0]).test_client()


def _row(html: str, key: str) -> str:
    return html[html.index(f'<tr data-service="{key}"'):].split("</tr>")[0]


def test_the_services_table_says_which_service_got_worse_beyond_noise(client, seeded):
    """The manager's question of the month — which of my services got worse? — had no answer on the
    workspace: each service showed the chosen period only, and the trends sat in separate charts below,
    without the interval of any difference. A fall from 60% to 50% of 30 answers is not "peggiorato"."""
    auth = {"Authorization": f"Bearer {seeded[1]['entity']}"}
    html = client.get(f"/workspace/{ROMA}?freq=M&period=2026-10", headers=auth).get_data(as_text=True)
    drop, wobble = _row(html, DROP), _row(html, WOBBLE)
    assert 'data-verdict="worsened"' in drop and "peggiorato</strong> rispetto a 2026-09: -" in drop
    assert re.search(r"IC 95% -\d+,\d – -\d+,\d\)", drop)
    assert 'data-verdict="no detectable change"' in wobble and "peggiorato" not in wobble
    assert "nessuna variazione rilevabile</strong> rispetto a 2026-09: -" in wobble
    api = client.get(f"/api/v1/workspace/{ROMA}?freq=M&period=2026-10", headers=auth).json
    change = {s["key"]: s["change"] for s in api["services"]}
    assert change[DROP]["verdict"] == "worsened" and change[DROP]["period"] == "2026-09"
    assert change[DROP]["ci"][1] < 0 and change[WOBBLE]["ci"][0] < 0 < change[WOBBLE]["ci"][1]
    first = client.get(f"/workspace/{ROMA}?freq=M&period=2026-09", headers=auth).get_data(as_text=True)
    assert '<td data-col="change">—</td>' in _row(first, DROP)  # nothing before: no change to state
    en = client.get(f"/workspace/{ROMA}?freq=M&period=2026-10&lang=en", headers=auth).get_data(as_text=True)
    assert "worsened</strong> against 2026-09" in _row(en, DROP) and "Against the previous period" in en


def test_no_verdict_for_a_service_of_low_reliability(client, seeded):
    """A service whose month rests on 12 answers (OBS_STATUS U: fewer than ``ASCOLTO_RELIABILITY_MIN_N``) fell
    from 80% to 8%: the table called it "peggiorato", where the public site and the overview state no change
    from a cell of low reliability. One rule now (:func:`warehouse.changes.why_not`): a dash, no verdict, and
    Benjamini–Hochberg counts only the changes actually stated (its q values over those alone). The dash says
    why, as the overview's does: a PA with many small services saw dashes and no reason."""
    from scipy import stats as sps

    for token, url in (("entity", f"/workspace/{ROMA}"), ("monitoring", f"/entities/{ROMA}")):
        auth = {"Authorization": f"Bearer {seeded[1][token]}"}
        few = _row(client.get(f"{url}?freq=M&period=2026-10", headers=auth).get_data(as_text=True), FEW)
        assert "data-verdict" not in few and 'data-no-change="low_n"' in few, few
        assert "— <span class=\"small\">valore di bassa affidabilità in uno dei due periodi (meno di 30 risposte)" in few
        en = _row(client.get(f"{url}?freq=M&period=2026-10&lang=en", headers=auth).get_data(as_text=True), FEW)
        assert "low reliability" in en and "30" in en, en
    auth = {"Authorization": f"Bearer {seeded[1]['entity']}"}
    api = client.get(f"/api/v1/workspace/{ROMA}?freq=M&period=2026-10", headers=auth).json
    change = {s["key"]: s["change"] for s in api["services"]}
    assert change[FEW] is None
    judged = [c for c in change.values() if c]  # the drop, the wobble and the workspace's own service
    assert change[DROP] in judged and change[WOBBLE] in judged
    q = sps.false_discovery_control([c["p_value"] for c in judged], method="bh")
    assert [c["q_value"] for c in judged] == pytest.approx(list(q), rel=1e-9)


def test_the_consoles_entity_page_shows_the_same_changes(client, seeded):
    """National staff's page of the entity (``/entities/<ipa>``) lists the same services with the same
    figures as the workspace: it says the same change since the previous period."""
    auth = {"Authorization": f"Bearer {seeded[1]['monitoring']}"}
    html = client.get(f"/entities/{ROMA}?freq=M&period=2026-10", headers=auth).get_data(as_text=True)
    assert 'data-verdict="worsened"' in _row(html, DROP) and 'data-verdict="no detectable change"' in _row(html, WOBBLE)
    assert "Rispetto al periodo precedente" in html


def test_many_services_judged_at_once_are_adjusted_for_multiple_comparisons():
    """An entity's services table judges every service at once; each at 95%, 40 services with no real
    change show about two "peggiorato"/"migliorato" by chance. The verdicts now keep only the changes
    whose Benjamini–Hochberg q value (over the page) is below 5 % — checked against scipy's own
    ``false_discovery_control`` — while a clear fall among them is still called."""
    import numpy as np
    from scipy import stats as sps

    from warehouse.changes import change_since, fdr_verdicts

    rng = np.random.default_rng(9)

    def cell(k, n):
        return {"share": 100 * k / n, "n": n, "share_noise_var": 0.0}

    changes, raw = [], []
    for _ in range(40):  # the same 60 % both months, 40 answers each
        c = change_since(cell(rng.binomial(40, 0.6), 40), cell(rng.binomial(40, 0.6), 40), "2026-09")
        changes.append(c)
        raw.append(c["verdict"])
    changes.append(change_since(cell(80, 100), cell(20, 100), "2026-09"))  # a clear fall
    changes.append(None)  # a service without both cells
    assert sum(v != "no detectable change" for v in raw) == 3  # before: three chance "changes" on the page
    fdr_verdicts(changes)
    judged = [c for c in changes if c]
    assert [c["verdict"] for c in judged[:40]] == ["no detectable change"] * 40
    assert judged[40]["verdict"] == "worsened"
    q = sps.false_discovery_control([c["p_value"] for c in judged], method="bh")
    assert [c["q_value"] for c in judged] == pytest.approx(list(q), rel=1e-9)
