"""Red team, third round: a running period's cell, republished after every answer — fixed.

Each answer that arrives made a running month's cell a new set of records with a new cell key: the
same cell was published again and again with fresh noise. An attacker who posts answers to the collector
one at a time (any script can) knows how many they added, so the published n minus the answers added
was the hidden n plus a new deviation each time, and the mean of a few dozen was the hidden n exactly
(docs/confidentiality.md, "a period is published once it has ended"). A period's figures are now
published only once it has ended: the running month is refused (400 naming ``period``) and no figure
the API gives reads its answers, so the attack below recovers nothing.
"""
from __future__ import annotations

from settings import Settings
from tests.console_auth import api_client
from tests.warehouse_rows import response, write
from warehouse.periods import today_rome

ROUNDS = range(1, 25)  # answers the attacker adds, one per service per round
USED = 5  # from the 5th on every cell is published whatever its noise (true n ≥ 6, perturbed ≥ 4)


def test_answers_injected_into_a_running_month_cannot_average_its_noise_away(tmp_path):
    today = today_rome()
    month = today.strftime("%Y-%m")
    hidden = {f"svc-run-{i}": 1 + i % 2 for i in range(4)}  # one or two real answers: suppressed
    write(tmp_path, [response(period=month, day=today.day, service=s, satisfaction=2)
                     for s, n in hidden.items() for _ in range(n)])
    client = api_client(Settings(data_dir=tmp_path, rollup_check_s=0))  # every request sees the newest answers
    seen: dict[str, list[float]] = {s: [] for s in hidden}
    for k in ROUNDS:
        write(tmp_path, [response(period=month, day=today.day, service=s, satisfaction=5) for s in hidden])
        resp = client.get(f"/api/v1/indicators?indicator=responses&by=service&freq=M&period={month}")
        assert resp.status_code == 400 and "period" in resp.get_json()["fields"], resp.get_data(as_text=True)
        assert "still running" in resp.get_json()["fields"]["period"][0]
        # what the API does give — every period, every frequency — never reads the running month
        for freq in ("M", "Q", "A"):
            resp = client.get(f"/api/v1/indicators?indicator=responses&by=service&freq={freq}")
            assert resp.status_code == 200, resp.get_data(as_text=True)
            for r in resp.get_json()["rows"]:
                if r["service"] in hidden and r["n"] is not None:
                    seen[r["service"]].append(r["n"] - k)
    assert seen == {s: [] for s in hidden}
    recovered = [s for s, xs in seen.items() if xs and round(sum(xs) / len(xs)) == hidden[s]]
    assert recovered == []
