"""Route 15 (red team, third round): a category's noise told apart whether two cuts hold the same records.

The cell-key method gives the same records the same noise. Each answer category of a cell was
perturbed with the key of *its own* records only, so two cuts whose records of a category are the
same — an entity and its one large service, when its other, suppressed service has no answer in that
category — showed that category's perturbed count identically, while a category where the hidden
service does have an answer got a fresh noise (equal again only by chance). Comparing the two cuts
category by category told, with certainty wherever they differed, which reasons the hidden
respondent of a suppressed service chose. Now a category's key mixes in the key of the whole cell:
two cells with different records get independent noise on every count.
"""
from __future__ import annotations

from settings import Settings
from tests.console_auth import api_client
from tests.warehouse_rows import response, write

CODES = ("clarity", "completeness", "orientation", "technical", "speed", "other")


def _counts(row: dict) -> dict[str, int]:
    """The perturbed count of each category, read back from the published share and n."""
    return {c: round(row["shares"][c]["share"] * row["n"] / 100) for c in CODES if row["shares"][c]["share"] is not None}


def test_route_15_equal_category_counts_of_two_cuts_give_away_a_hidden_respondents_choices(tmp_path):
    """30 entities, each with a large service (20 answers, every reason chosen by some) and a small one
    whose one respondent chose one or two reasons (its cells suppressed). The attacker compares, per
    reason, the entity's perturbed count with the large service's: on the old keys every reason the
    hidden respondent did not choose was equal in both, and a difference named a chosen one for sure."""
    rows, hidden = [], {}
    for e in range(30):
        entity = f"c_x{e:03d}"
        big, small = f"svc-big-{e}", f"svc-small-{e}"
        for i in range(20):
            rows.append(response(entity=entity, service=big, satisfaction=1 + i % 5,
                                 went_well=tuple(CODES[j] for j in range(6) if (i + j + e) % 3 == 0)))
        chose = (CODES[e % 6],) if e % 2 else (CODES[e % 6], CODES[(e + 3) % 6])
        hidden[entity] = set(chose)
        rows.append(response(entity=entity, service=small, satisfaction=5, went_well=chose))
    write(tmp_path, rows)
    client = api_client(Settings(data_dir=tmp_path))
    q = "indicator=went_well&freq=M&from=2026-10&to=2026-10"
    by_entity = {r["entity"]: r for r in client.get(f"/api/v1/indicators?{q}&by=entity").get_json()["rows"]}
    learned, certain = 0, 0
    for entity, chose in hidden.items():
        services = {r["service"]: r for r in client.get(
            f"/api/v1/indicators?{q}&by=service&entity={entity}").get_json()["rows"]}
        big, small = services[f"svc-big-{entity[3:].lstrip('0') or '0'}"], services[f"svc-small-{entity[3:].lstrip('0') or '0'}"]
        assert small["conf_status"] == "A" and big["conf_status"] == "F"
        whole, part = _counts(by_entity[entity]), _counts(big)
        differ = {c for c in CODES if whole.get(c) != part.get(c)}
        # the attack: a reason whose count differs is one the hidden respondent chose
        learned += differ == chose
        certain += bool(differ) and differ <= chose
    assert certain < 5, f"{certain} of 30 hidden respondents' choices named for sure ({learned} exactly)"
