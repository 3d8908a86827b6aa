"""The plans page's "Fattori" link of a cx-core service whose latest complete month has too few
complete answers but whose quarter has enough: the link opens the quarter (the analysis runs there),
and the page says why it is not the month. Before, it opened the month and its refusal (422)."""
from __future__ import annotations

import re

import numpy as np
import pytest

from registry import connect, ops, session_scope
from registry.tokens import create_token
from tests.console_data import build
from tests.warehouse_rows import speed_driven, write
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

ROMA, SERVICE = "c_h501", "demo-roma-anagrafe"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("drivers-link")
    settings, _tokens = build(root)
    rng = np.random.default_rng(5)  # 70 + 70 complete answers: neither month has 100, their quarter has
    write(root, speed_driven(rng, 70, service=SERVICE, entity=ROMA, period="2026-10")
          + speed_driven(rng, 70, service=SERVICE, entity=ROMA, period="2026-11"))
    factory = connect(settings.database_url)
    with session_scope(factory) as s:
        ops.add_service(s, actor="test", key="roma-other", entity_ipa=ROMA, name="Altro servizio",
                        service_type="anagrafe.certificati")
        secret = create_token(s, role="entity", label="roma", actor="test", entity=ROMA)[1]
    c = create_app(settings).test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return c


def test_the_link_opens_the_quarter_where_the_month_is_refused(client):
    html = client.get(f"/workspace/{ROMA}/plans").get_data(as_text=True)
    item = re.search(rf'<li data-service="{SERVICE}">(.*?)</li>', html).group(1)
    href = re.search(r'href="([^"]+)"', item).group(1).replace("&amp;", "&")
    assert href == f"/workspace/{ROMA}/services/{SERVICE}/drivers?period=2026-Q4" and "data-longer" in item
    assert "il mese 2026-11 ha troppo poche risposte complete" in item
    assert client.get(href).status_code == 200  # the analysis runs there
    assert client.get(f"/workspace/{ROMA}/services/{SERVICE}/drivers").status_code == 422  # the month's refusal
    other = re.search(r'<li data-service="roma-other">(.*?)</li>', html).group(1)
    assert "/drivers" not in other and "data-too-few" in other
