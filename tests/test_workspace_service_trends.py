"""The workspace's per-service trend tables (issue 15) say each period's status on its positive share, as
the services table above them does: a suppressed period "oscurato" in its share and interval as in its N
(a bare dash read as "no answers"), a share under the reliability threshold marked "bassa affidabilità"
(only the mean was). Pinned to a December: the months shown have ended, the running quarter is not."""
from __future__ import annotations

import html as markup
import re

import pytest

from tests.workspace_data import MILANO, SPARSE, SPARSE_SERVICE, build_workspace
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_december")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return build_workspace(tmp_path_factory.mktemp("workspace-service-trends"))


def _table(page: str, chart: str) -> list[dict[str, str]]:
    table = re.search(rf'<table class="table" data-table="{re.escape(chart)}">(.*?)</table>', page, re.S).group(1)
    return [{k: re.sub(r"<[^>]+>", "", v).strip() for k, v in re.findall(r'<td data-col="(\w+)">(.*?)</td>', row, re.S)}
            for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)]


@pytest.mark.parametrize("lang, hidden, low", [("it", "oscurato", "bassa affidabilità"),
                                               ("en", "suppressed", "low reliability")])
def test_a_services_trend_marks_its_shares_status(seeded, lang, hidden, low):
    settings, tokens = seeded
    client = create_app(settings).test_client()
    auth = {"Authorization": f"Bearer {tokens['admin']}"}
    page = markup.unescape(client.get(f"/workspace/{MILANO}?freq=M&period=2026-10&lang={lang}",
                                      headers=auth).get_data(as_text=True))
    rows = {r["period"]: r for r in _table(page, "service-demo-milano-anagrafe")}
    october = rows["2026-10"]  # 25 answers and a comment's: published, under 30
    assert october["status"] == low and low in october["top2"], october
    page = markup.unescape(client.get(f"/workspace/{SPARSE}?freq=M&period=2026-10&lang={lang}",
                                      headers=auth).get_data(as_text=True))
    rows = {r["period"]: r for r in _table(page, f"service-{SPARSE_SERVICE}")}
    october = rows["2026-10"]  # one answer: suppressed
    assert october["n"] == hidden and october["top2"] == hidden, october
    assert october["top2_lower"] == hidden and october["top2_upper"] == hidden, october
