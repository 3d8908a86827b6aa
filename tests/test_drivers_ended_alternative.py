"""The drivers page opened in December on a refusal with nowhere to go.

"Miglioramento" → a service type opens the drivers page on the latest ended month (2026-11); a month
has fewer than 100 complete answers, so the analysis is refused, and its offer of "a longer period" —
the quarter and year containing the month — is empty: 2026-Q4 and 2026 are still running. The
ended quarter before, where the analysis runs, was never offered. Now the page offers the latest
ended quarter (and year) where the same analysis has enough answers — the same yes or no the
analysis itself would give, no count."""
from __future__ import annotations

import re
from datetime import date

import numpy as np
import pytest

from tests.conftest import pinned_clock
from tests.console_data import build
from tests.warehouse_rows import speed_driven, write
from warehouse.console import create_app

SERVICE, ROMA, STYPE = "demo-roma-anagrafe", "c_h501", "anagrafe.certificati"


pytestmark = pytest.mark.usefixtures("clock_december")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("drivers-ended")
    with pinned_clock(date(2026, 12, 15)):
        settings, tokens = build(root)
        rng = np.random.default_rng(11)  # 60 complete answers a month: a month is short, a quarter has enough
        write(root, [r for m in ("2026-07", "2026-08", "2026-09", "2026-10", "2026-11")
                     for r in speed_driven(rng, 60, service=SERVICE, entity=ROMA, period=m)])
        c = create_app(settings).test_client()
        c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
        yield c


def test_a_refused_month_whose_quarter_runs_offers_the_latest_ended_quarter(client):
    resp = client.get(f"/improve/drivers?service_type={STYPE}")  # the default: 2026-11
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'data-refused="too_few_responses"' in page
    offer = re.search(r"<p data-longer>(.*?)</p>", page, re.S)
    assert offer, page
    hrefs = re.findall(r'href="([^"]+)"', offer.group(1))
    assert any("period=2026-Q3" in h for h in hrefs), hrefs
    assert not any("2026-Q4" in h or "period=2026&" in h or h.endswith("period=2026") for h in hrefs)  # running
    assert "conclus" in offer.group(1)  # says these are ended periods, not ones containing the month
    target = next(h for h in hrefs if "period=2026-Q3" in h).replace("&amp;", "&")
    assert client.get(target).status_code == 200
