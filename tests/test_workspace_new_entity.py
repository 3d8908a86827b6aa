"""A newly joined administration's workspace (issue 15), before its first answer: the position table was an
empty table under its headings — nothing said why, and the national benchmark of its service type, which
it joined to be compared with, was not shown. Now each of its services' types has its row: the published
benchmark, and in the entity's own columns that it has no answers in the period. Pinned to a December:
the period shown has ended, the running one is not."""
from __future__ import annotations

import html as markup
import re

import pytest

from registry import connect, dispose, ops, session_scope
from registry.tokens import create_token
from tests.workspace_data import build_workspace
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_december")

BRESCIA = "c_b157"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    settings, tokens = build_workspace(tmp_path_factory.mktemp("workspace-new-entity"))
    factory = connect(settings.database_url)
    with session_scope(factory) as s:
        ops.add_entity(s, actor="test", ipa_code=BRESCIA, name="Comune di Brescia", category="L6", comune_istat="017029")
        ops.add_service(s, actor="test", key="svc-brescia-anagrafe", entity_ipa=BRESCIA, name="Certificati",
                        service_type="anagrafe.certificati")
        tokens["brescia"] = create_token(s, role="entity", label="brescia", actor="test", entity=BRESCIA)[1]
    dispose(factory)
    return settings, tokens


@pytest.mark.parametrize("lang, words", [("it", "nessuna risposta dell'ente nel periodo"),
                                         ("en", "no answers of the entity in the period")])
def test_a_new_entity_sees_its_types_benchmark_and_why_it_has_no_figure(seeded, lang, words):
    settings, tokens = seeded
    client = create_app(settings).test_client()
    auth = {"Authorization": f"Bearer {tokens['brescia']}"}
    api = client.get(f"/api/v1/workspace/{BRESCIA}?freq=M&period=2026-10&lang={lang}", headers=auth).get_json()
    [pos] = api["position"]
    assert pos["service_type"] == "anagrafe.certificati" and pos["benchmark_reason"] == "no_own_data"
    assert pos["benchmark_shown"] is not None and pos["value"] is None and pos["rank"] is None
    page = markup.unescape(client.get(f"/workspace/{BRESCIA}?freq=M&period=2026-10&lang={lang}",
                                      headers=auth).get_data(as_text=True))
    row = re.search(r'<tr data-type="anagrafe\.certificati">(.*?)</tr>', page, re.S).group(1)
    cells = {k: re.sub(r"<[^>]+>", "", v).strip() for k, v in re.findall(r'<td data-col="(\w+)"[^>]*>(.*?)</td>', row, re.S)}
    assert re.fullmatch(r"\d+[.,]\d", cells["benchmark"]), cells
    assert cells["value"] == words, cells
