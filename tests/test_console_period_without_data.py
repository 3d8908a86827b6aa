"""A console page asked for an ended period without any response is refused as the API refuses it.

``/?period=1999-01``, ``/entities/c_h501?period=1999-01``, ``/service-types/…?period=1999-01`` and
``/regions?period=1999-01&freq=M`` rendered "Risposte —" and "Nessun dato." pages, a period that reads as
"nobody answered", while ``/api/v1/indicators?period=1999-01`` is a 400 saying where the data are (and
``/?period=3000-01``, not begun, a 400 page). Now each is a 400 page in the console's style naming ``period``,
the period asked and the months that have data, with a link to the latest ended period with data.
Pinned to 2027: the test data's months of 2026 have ended."""
from __future__ import annotations

import html as markup
import re

import pytest

from tests.console_data import PERIODS, build
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_2027")

#: each page asked for a period without responses, and the period its refusal links to instead (the latest ended
#: one with data, of the frequency asked)
PAGES = [("/?period=1999-01", "2026-10"), ("/entities/c_h501?period=1999-01", "2026-10"),
         ("/service-types/anagrafe.certificati?period=1999-01", "2026-10"), ("/regions?period=1999-01&freq=M", "2026-10"),
         ("/regions?period=1999", "2026"), ("/attention?period=1999-Q1&freq=Q", "2026-Q4")]


@pytest.fixture(scope="module")
def client_auth(tmp_path_factory):
    settings, tokens = build(tmp_path_factory.mktemp("period-without-data"))
    return create_app(settings).test_client(), {"Authorization": f"Bearer {tokens['monitoring']}"}


def _lead(body: str) -> str:
    return re.sub(r"\s+", " ", markup.unescape(re.search(r'<p class="lead">(.*?)</p>', body, re.S).group(1)))


@pytest.mark.parametrize("url, instead", PAGES)
def test_a_page_of_a_period_without_responses_is_a_400_naming_it_and_the_months_with_data(client_auth, url, instead):
    client, auth = client_auth
    r = client.get(url, headers=auth)
    assert r.status_code == 400, (url, r.status_code)
    body = r.get_data(as_text=True)
    asked = re.search(r"period=([^&]+)", url).group(1)
    assert _lead(body) == (f"Parametro non valido: «period»: nessuna risposta nel periodo {asked}: i dati coprono i "
                           f"mesi da {PERIODS[0]} a {PERIODS[-1]}; non c'è niente da mostrare per quel periodo.")
    assert 'data-kpi="responses"' not in body and "Nessun dato." not in body  # not an empty page
    link = re.search(r'<a class="btn btn-primary" data-instead="period" href="([^"]+)"', body)
    assert link and re.search(rf"[?&]period={instead}(&|$)", markup.unescape(link.group(1))), body[-1500:]


def test_in_english_and_as_the_api_says_it(client_auth):
    client, auth = client_auth
    page = client.get("/?period=1999-01&lang=en", headers=auth)
    assert page.status_code == 400
    assert _lead(page.get_data(as_text=True)) == (
        f"Invalid parameter: «period»: No responses in period=1999-01: the data cover the months {PERIODS[0]} to "
        f"{PERIODS[-1]}; nothing to show for that period.")
    api = client.get("/api/v1/indicators?period=1999-01", headers=auth)
    assert api.status_code == 400 and f"the data cover {PERIODS[0]} to {PERIODS[-1]}" in api.get_json()["message"]


def test_a_period_with_data_is_shown_as_before(client_auth):
    client, auth = client_auth
    for url in ("/?period=2026-09", "/regions?period=2026-Q3&freq=Q", "/entities/c_h501?period=2026-10"):
        assert client.get(url, headers=auth).status_code == 200, url
