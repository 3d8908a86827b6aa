"""Route 18 (red team, third round): a comment's arrival, watched in the comments list.

Comments are dated by their month only, so that an office's staff cannot match one to the citizen they
served at 10:03 (docs/confidentiality.md, "Comments"). But the list of the running month grew as
answers arrived: staff who read it before and after a citizen's visit saw the one comment that
appeared — that citizen's words — whatever the dates say. Now a month's comments are listed once the
month is over (Europe/Rome), as every figure of a period is published once it has ended: the list
never changes while people answer, and the running month asked by name is a 400 naming ``period``.
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
    url = f"/api/v1/workspace/{ROMA}/comments?service={svc}"
    before = client.get(url, headers=entity).get_json()
    write(tmp_path, [response(period=month, day=today.day, entity=ROMA, service=svc, satisfaction=1,
                              comment="Mario: pessimo, voto 1")])
    after = client.get(url, headers=entity).get_json()
    assert after["comments"] == before["comments"]  # the list does not change while the month runs
    assert "Mario: pessimo, voto 1" not in {c["comment"] for c in after["comments"]}
    # the running month asked by name: a 400 naming it, saying when its comments come
    asked = client.get(f"{url}&period={month}", headers=entity)
    assert asked.status_code == 400 and "still running" in asked.get_json()["fields"]["period"][0]
    page = client.get(f"/workspace/{ROMA}/comments?service={svc}&period={month}", headers=entity)
    assert page.status_code == 400 and "Mario" not in page.get_data(as_text=True)
    assert f"il periodo {month} è in corso" in page.get_data(as_text=True)
    # a complete month's comments are listed as before
    past = client.get(f"/api/v1/workspace/{ROMA}/comments?period=2026-09", headers=entity).get_json()
    assert past["comments"] and past["running"] == []
