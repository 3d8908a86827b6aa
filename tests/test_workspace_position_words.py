"""The workspace's position table (issue 15) gives the entity's own figure with its 95% interval (the
services table above does; the position table gave the bare value) and, where the benchmark is shown but
no rank is, says why in words (a bare dash beside "6 entities compared" read as a missing figure): with no
evidence of differences between the entities (τ² = 0) no ranking is made. Pinned to a December: the
period shown has ended, the running quarter is not offered."""
from __future__ import annotations

import html as markup
import re

import pytest

from registry import connect, dispose, ops, session_scope
from tests.warehouse_rows import response, write
from tests.workspace_data import MILANO, ROMA, build_workspace
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_december")

STYPE, SERVICE = "tributi.pagamento", "svc-roma-tari"
#: three entities with the same answers: no evidence of differences, no ranks
SAME = [5, 4, 4, 3, 2, 5, 4, 1, 4, 5] * 2


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    root = tmp_path_factory.mktemp("workspace-position")
    settings, tokens = build_workspace(root)
    write(root, [response(period="2026-10", day=1 + i, entity=e, service=f"svc-{e}-tari", service_type=STYPE,
                          region=region, satisfaction=r)
                 for e, region in ((ROMA, "ITI4"), (MILANO, "ITC4"), ("c_a944", "ITH5")) for i, r in enumerate(SAME)])
    factory = connect(settings.database_url)
    with session_scope(factory) as s:
        ops.add_service(s, actor="test", key=f"svc-{ROMA}-tari", entity_ipa=ROMA, name="Pagamento TARI",
                        service_type=STYPE)
    dispose(factory)
    return settings, tokens


def _position(page: str) -> dict[str, dict[str, str]]:
    table = re.search(r'<table class="table" data-table="position">(.*?)</table>', page, re.S).group(1)
    out = {}
    for row in re.findall(r'<tr data-type="([^"]+)">(.*?)</tr>', table, re.S):
        out[row[0]] = {k: re.sub(r"<[^>]+>", "", v).strip()
                       for k, v in re.findall(r'<td data-col="(\w+)"[^>]*>(.*?)</td>', row[1], re.S)}
    return out


@pytest.mark.parametrize("lang, words", [("it", "Nessuna graduatoria: non c'è evidenza di differenze tra gli enti"),
                                         ("en", "No ranking: no evidence of differences between the entities")])
def test_the_position_table_gives_the_own_interval_and_says_why_there_is_no_rank(seeded, lang, words):
    settings, tokens = seeded
    client = create_app(settings).test_client()
    r = client.get(f"/workspace/{ROMA}?freq=M&period=2026-10&lang={lang}",
                   headers={"Authorization": f"Bearer {tokens['entity']}"})
    assert r.status_code == 200
    page = markup.unescape(r.get_data(as_text=True))
    rows = _position(page)
    api = client.get(f"/api/v1/workspace/{ROMA}?freq=M&period=2026-10&lang={lang}",
                     headers={"Authorization": f"Bearer {tokens['entity']}"}).get_json()
    pos = {p["service_type"]: p for p in api["position"]}
    # the own figure's interval, as the API gives it
    sep = "," if lang == "it" else "."
    for t in ("anagrafe.certificati", STYPE):
        lo, hi = pos[t]["ci"]
        assert rows[t]["ci"] == f"{lo:.1f} – {hi:.1f}".replace(".", sep), (t, rows[t], pos[t]["ci"])
    # tributi: a benchmark among three published entities, but no ranks — said so
    assert pos[STYPE]["benchmark_reason"] is None and pos[STYPE]["rank"] is None
    assert pos[STYPE]["rank_reason"] == "unranked"
    assert rows[STYPE]["rank"].startswith(words), rows[STYPE]
    # anagrafe: ranked, no reason
    assert pos["anagrafe.certificati"]["rank"] is not None and pos["anagrafe.certificati"]["rank_reason"] is None
