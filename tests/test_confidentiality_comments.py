"""Route 18 (red team, third round): a comment's arrival, watched in the comments list.

Comments are dated by their month only, so that an office's staff cannot match one to the citizen they
served at 10:03 (docs/confidentiality.md, "Comments"). But the list of the running month grew as
answers arrived: staff who read it before and after a citizen's visit saw the one comment that
appeared — that citizen's words — whatever the dates say. Now a month's comments are listed once the
month is over (Europe/Rome): the list of a month never changes while people answer in it, and the
running month's cells are named as such (``running``), not listed.
"""
from __future__ import annotations

from tests.warehouse_rows import response, write
from warehouse.periods import today_rome


def test_route_18_the_comment_that_appears_after_a_visit_is_that_citizens(tmp_path):
    from tests.workspace_data import ROMA, build_workspace
    from warehouse.console import create_app

    settings, tokens = build_workspace(tmp_path)
    settings = settings.with_(rollup_check_s=0)  # every request sees the newest answers
    today = today_rome()
    month, svc = today.strftime("%Y-%m"), "demo-roma-anagrafe"

    def answer(i: int, comment: str | None) -> dict:
        return response(period=month, day=today.day, entity=ROMA, service=svc, satisfaction=4, comment=comment)

    write(tmp_path, [answer(i, f"commento {i}" if i < 2 else None) for i in range(8)])
    client = create_app(settings).test_client()
    entity = {"Authorization": f"Bearer {tokens['entity']}"}
    url = f"/api/v1/workspace/{ROMA}/comments?service={svc}&period={month}"
    before = client.get(url, headers=entity).get_json()
    write(tmp_path, [response(period=month, day=today.day, entity=ROMA, service=svc, satisfaction=1,
                              comment="Mario: pessimo, voto 1")])
    after = client.get(url, headers=entity).get_json()
    new = {c["comment"] for c in after["comments"]} - {c["comment"] for c in before["comments"]}
    assert new != {"Mario: pessimo, voto 1"}
    assert after["comments"] == [] and {(c["service"], c["period"]) for c in after["running"]} == {(svc, month)}
    page = client.get(f"/workspace/{ROMA}/comments?service={svc}&period={month}", headers=entity).get_data(as_text=True)
    assert "Mario" not in page and "mese in corso si vedono" in page
    # a complete month's comments are listed as before
    past = client.get(f"/api/v1/workspace/{ROMA}/comments?period=2026-09", headers=entity).get_json()
    assert past["comments"] and past["running"] == []
