"""A plan's evaluation page (issue 16): its monthly table says each month's status as every other table
of the console does — a suppressed month "oscurato" in its N and share (never a bare dash, which reads as
"no answers"), a month under the reliability threshold marked "bassa affidabilità" — and gives each
month's 95% interval beside its share; its CSV the same columns. Pinned to a December: the months of the
plan have ended, the running quarter and year are not asked for."""
from __future__ import annotations

import html as markup
import re

import pytest

from registry import connect, dispose, ops, session_scope
from registry import plans as plan_ops
from tests import console_csv
from tests.console_data import build
from tests.warehouse_rows import response, write
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_december")

ROMA, SERVICE = "c_h501", "svc-roma-tari"
#: month -> its answers' satisfaction ratings: June and September published, July one answer (suppressed),
#: August under 30 answers (low reliability)
MONTHS = {"2026-06": [5, 4, 4, 2, 5, 3] * 6, "2026-07": [4], "2026-08": [5, 2, 4, 4, 1, 5, 4, 3],
          "2026-09": [4, 5, 3, 4, 2, 5] * 6}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from tests.conftest import pinned_clock
    from datetime import date

    root = tmp_path_factory.mktemp("evaluation-months")
    settings, tokens = build(root)
    write(root, [response(period=p, day=1 + i % 27, entity=ROMA, service=SERVICE, service_type="tributi.pagamento",
                          satisfaction=r) for p, ratings in MONTHS.items() for i, r in enumerate(ratings)])
    factory = connect(settings.database_url)
    with pinned_clock(date(2026, 12, 15)), session_scope(factory) as s:
        ops.add_service(s, actor="test", key=SERVICE, entity_ipa=ROMA, name="Pagamento TARI",
                        service_type="tributi.pagamento")
        plan = plan_ops.add_plan(s, actor="test", service_key=SERVICE, indicator="satisfaction",
                                 baseline_period="2026-06", target_value=90, deadline="2027-06-30",
                                 actions="Nuovo modulo", owner="Tributi")
        s.flush()
        plan_id = plan.id
        from registry.tokens import create_token
        tokens["entity"] = create_token(s, role="entity", label="roma", actor="test", entity=ROMA)[1]
    dispose(factory)
    return settings, tokens, plan_id


def _rows(page: str) -> dict[str, dict[str, str]]:
    table = re.search(r'<table class="table" data-table="trend">(.*?)</table>', page, re.S).group(1)
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S):
        cells = dict(re.findall(r'<td data-col="(\w+)">(.*?)</td>', row, re.S))
        out[re.sub(r"<[^>]+>", "", cells["period"])] = {k: re.sub(r"<[^>]+>", "", v).strip() for k, v in cells.items()}
    return out


@pytest.mark.parametrize("lang, hidden, low", [("it", "oscurato", "bassa affidabilità"),
                                               ("en", "suppressed", "low reliability")])
def test_the_monthly_table_says_each_months_status_and_interval(seeded, lang, hidden, low):
    settings, tokens, plan_id = seeded
    client = create_app(settings).test_client()
    auth = {"Authorization": f"Bearer {tokens['entity']}"}
    r = client.get(f"/workspace/{ROMA}/plans/{plan_id}/evaluation?follow_up=2026-09&lang={lang}", headers=auth)
    assert r.status_code == 200
    rows = _rows(markup.unescape(r.get_data(as_text=True)))
    assert list(rows) == ["2026-06", "2026-07", "2026-08", "2026-09"]
    july = rows["2026-07"]
    assert july["n"] == hidden and july["top2"] == hidden, july  # not "—", which reads as "no answers"
    assert july["status"] == hidden
    august = rows["2026-08"]
    assert low in august["top2"] and august["status"] == low, august
    for month in (august, rows["2026-06"]):  # its 95% interval beside it
        assert re.fullmatch(r"\d+[.,]\d", month["top2_lower"]) and re.fullmatch(r"\d+[.,]\d", month["top2_upper"]), month
    assert july["top2_lower"] == hidden and july["top2_upper"] == hidden
    # the CSV of the table: the same months, a suppressed one's figures empty and its status in words
    c = client.get(f"/workspace/{ROMA}/plans/{plan_id}/evaluation.csv?follow_up=2026-09&lang={lang}", headers=auth)
    assert c.status_code == 200
    table = console_csv.rows(c)
    head, body = table[0], {row[0]: dict(zip(table[0], row)) for row in table[1:]}
    status = "Stato" if lang == "it" else "Status"
    assert status in head, head
    assert body["2026-07"][status] == hidden and body["2026-07"]["N"] == ""
    assert body["2026-08"][status] == low
    # each share and bound as the page gives it, to one decimal (the raw 66,66666666666667 was written)
    for month, row in body.items():
        for k in list(head)[2:5]:
            assert re.fullmatch(r"(\d+\.\d)?", row[k]), (month, k, row[k])
    share = list(head)[2]
    assert body["2026-06"][share].replace(".", "," if lang == "it" else ".") == rows["2026-06"]["top2"]


def test_a_plan_on_the_latest_ended_quarter_opens_its_evaluation(seeded):
    """The most natural plan in December — its baseline the latest ended quarter, 2026-Q3 — had its
    "Valuta" link end on a 400 naming ``to`` (a parameter the page has not): the follow-up by default is
    the quarter after, 2026-Q4, still running, and the monthly trend asked for its months up to 2026-12.
    Now the evaluation page opens (422, its comparison refused as any refused one is): it says the follow-up is running, the note says why that period is
    shown, and the monthly table stops at the last ended month."""
    settings, tokens, _ = seeded
    factory = connect(settings.database_url)
    with session_scope(factory) as s:
        plan = plan_ops.add_plan(s, actor="test", service_key=SERVICE, indicator="satisfaction",
                                 baseline_period="2026-Q3", target_value=90, deadline="2027-06-30",
                                 actions="Nuovo modulo", owner="Tributi")
        s.flush()
        plan_id = plan.id
    dispose(factory)
    client = create_app(settings).test_client()
    auth = {"Authorization": f"Bearer {tokens['entity']}"}
    for lang, running, note in (("it", "2026-Q4: periodo in corso", "ancora in corso"),
                                ("en", "2026-Q4: a period still running", "still running")):
        r = client.get(f"/workspace/{ROMA}/plans/{plan_id}/evaluation?lang={lang}", headers=auth)
        # the evaluation page itself, its comparison refused (422, as every refused evaluation), not the 400 page
        assert r.status_code == 422 and 'data-table="trend"' in r.get_data(as_text=True), r.get_data(as_text=True)[-800:]
        page = markup.unescape(r.get_data(as_text=True))
        assert running in page and note in page, page[-3000:]
        rows = _rows(page)
        assert list(rows) == ["2026-07", "2026-08", "2026-09"]  # the ended months, not the running quarter's
        # the page's own download link answers as the page (it named follow_up=2026-Q4: a 400 page, not JSON)
        href = re.search(r'href="([^"]*evaluation\.json[^"]*)"', page).group(1)
        linked = client.get(href, headers=auth)
        assert linked.status_code == 422 and linked.get_json()["refused"]["field"] == "follow_up", href
        csv = client.get(f"/workspace/{ROMA}/plans/{plan_id}/evaluation.csv?lang={lang}", headers=auth)
        assert csv.status_code == 200 and [r[0] for r in console_csv.rows(csv)[1:]] == list(rows)
        body = client.get(f"/workspace/{ROMA}/plans/{plan_id}/evaluation.json?lang={lang}", headers=auth)
        assert body.status_code == 422 and body.get_json()["refused"]["field"] == "follow_up"  # as documented
