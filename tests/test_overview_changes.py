"""National monitoring staff open the overview each month asking "what changed since the previous period,
and where?" — the page gave the period's figures only. Now its headline table gives each indicator's change
since the previous period of the same frequency (the difference in points, its 95% interval and a verdict,
from the two published cells, the indicators judged together), or says why there is none; and a card lists
the service types whose positive share changed detectably after Benjamini–Hochberg over every type
compared, each linked to its page, its table downloadable as CSV. Pinned to 2027: every month has ended."""
from __future__ import annotations

import csv
import html as markup
import io
import re

import pytest

from tests.console_data import build
from tests.warehouse_rows import response, write
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_2027")

ROMA, INPS, MILANO = ("c_h501", "demo-roma-anagrafe", "anagrafe.certificati"), \
    ("inps", "demo-inps-pensione", "previdenza.domanda-prestazione"), ("c_f205", "svc-milano-sanita", "sanita.prenotazione")
#: (unit, month, answers, positive): the registry office's share rises clearly; INPS's by 10 points, which one
#: test at 95% would call a rise but not after Benjamini-Hochberg over the three types; the health bookings'
#: stays where it was
MONTHS = [(ROMA, "2026-11", 150, 45), (ROMA, "2026-12", 150, 105),
          (INPS, "2026-11", 200, 100), (INPS, "2026-12", 200, 120),
          (MILANO, "2026-11", 100, 50), (MILANO, "2026-12", 100, 50)]


def _rows() -> list[dict]:
    rows = []
    for (entity, service, stype), month, n, positive in MONTHS:
        pa_type = "C16" if entity == "inps" else "L6"
        rows += [response(period=month, day=1 + i % 28, entity=entity, service=service, service_type=stype,
                          pa_type=pa_type, satisfaction=5 if i < positive else 2, ease=5 if i % 5 < 3 else 2)
                 for i in range(n)]
    # clarity: one answer in November (suppressed), thirty in December
    rows += [response(period=m, day=1 + i % 28, entity=ROMA[0], service=ROMA[1], clarity=4 + i % 2)
             for m, k in (("2026-11", 1), ("2026-12", 30)) for i in range(k)]
    return rows


@pytest.fixture(scope="module")
def client_auth(tmp_path_factory):
    root = tmp_path_factory.mktemp("overview-changes")
    settings, tokens = build(root)
    write(root, _rows())
    return create_app(settings).test_client(), {"Authorization": f"Bearer {tokens['monitoring']}"}


def _get(client_auth, url) -> str:
    client, auth = client_auth
    r = client.get(url, headers=auth)
    assert r.status_code == 200, (url, r.status_code)
    return markup.unescape(r.get_data(as_text=True))


def _row(page: str, indicator: str) -> str:
    return page[page.index(f'<tr data-indicator="{indicator}"'):].split("</tr>")[0]


def _card(page: str) -> str:
    return page[page.index('data-card="type-changes"'):].split("</section>")[0]
