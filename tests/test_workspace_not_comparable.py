"""An entity's workspace with a service type whose national pool the comparability guard refuses for the
chosen indicator (clarity: the Designers Italia *page* rating beside other entities' cx-core service
clarity, not_headline) — the whole page was a 422 "Non confrontabile" as soon as the entity chose
«Chiarezza» in its own menu. Now the page is shown, and that type's row of the position table says why it has
no benchmark (``benchmark_reason: not_comparable``) in the page's language; the other types keep theirs.
Pinned to a December: the period shown has ended."""
from __future__ import annotations

import html as markup
import re

import pytest

from registry import connect, dispose, ops, session_scope
from tests.warehouse_rows import response, write
from tests.workspace_data import MILANO, ROMA, build_workspace
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_december")

PAGE_TYPE = "informazioni.pagina"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    root = tmp_path_factory.mktemp("workspace-not-comparable")
    settings, tokens = build_workspace(root)
    rows = [response(period="2026-10", day=1 + i % 27, entity=ROMA, service="svc-roma-pagina", service_type=PAGE_TYPE,
                     questionnaire="di-rating-pagina", clarity=5 if i % 4 else 2) for i in range(40)]
    rows += [response(period="2026-10", day=1 + i % 27, entity=e, service=f"svc-{e}-pagina", service_type=PAGE_TYPE,
                      region=region, satisfaction=3, clarity=2 + i % 3)
             for e, region in ((MILANO, "ITC4"), ("c_a944", "ITH5"), ("c_f839", "ITF3")) for i in range(30)]
    rows += [response(period="2026-10", day=1 + i % 27, entity=ROMA, service="demo-roma-anagrafe", satisfaction=4,
                      clarity=3 + i % 3) for i in range(30)]
    write(root, rows)
    factory = connect(settings.database_url)
    with session_scope(factory) as s:
        ops.add_service(s, actor="test", key="svc-roma-pagina", entity_ipa=ROMA, name="Pagine informative",
                        service_type=PAGE_TYPE, questionnaire_id="di-rating-pagina")
    dispose(factory)
    return settings, tokens


@pytest.mark.parametrize("lang, words", [
    ("it", "nessun benchmark: per questo tipo di servizio l'indicatore è raccolto con strumenti che non si confrontano"),
    ("en", "no benchmark: for this service type the indicator is collected with instruments that do not compare")])
def test_a_type_the_guard_refuses_says_so_and_the_page_is_shown(seeded, lang, words):
    settings, tokens = seeded
    client = create_app(settings).test_client()
    auth = {"Authorization": f"Bearer {tokens['entity']}"}
    query = f"indicator=clarity&freq=M&period=2026-10&lang={lang}"
    r = client.get(f"/workspace/{ROMA}?{query}", headers=auth)
    assert r.status_code == 200, r.get_data(as_text=True)[-600:]
    api = client.get(f"/api/v1/workspace/{ROMA}?{query}", headers=auth)
    assert api.status_code == 200
    pos = {p["service_type"]: p for p in api.get_json()["position"]}
    assert pos[PAGE_TYPE]["benchmark_reason"] == "not_comparable" and pos[PAGE_TYPE]["benchmark"] is None
    assert pos[PAGE_TYPE]["rank"] is None and pos[PAGE_TYPE]["funnel"]["n"] == []
    assert pos["anagrafe.certificati"]["benchmark_reason"] != "not_comparable"
    page = markup.unescape(r.get_data(as_text=True))
    cell = re.search(rf'<tr data-type="{re.escape(PAGE_TYPE)}">.*?<td data-col="benchmark"[^>]*>(.*?)</td>', page, re.S)
    assert words in re.sub(r"<[^>]+>", "", cell.group(1)), cell.group(1)
