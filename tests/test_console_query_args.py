"""A page's links keep its query arguments, never as ``url_for`` keywords of their own: a query naming
the view's path arguments (``?chart=``, ``?ipa=``, ``?key=``) or ``url_for``'s reserved ``_scheme``,
``_external``, ``_anchor`` made the page a 500 (found by fuzzing the running console). Real console
app over the workspace test data."""
from __future__ import annotations

import re

import pytest

from tests.workspace_data import ROMA, build_workspace
from warehouse.console import create_app

HOSTILE = {"chart": "x", "ipa": "c_f205", "key": "other", "plan_id": "7", "_scheme": "javascript", "_external": "1",
           "_anchor": "x", "_method": "POST"}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return build_workspace(tmp_path_factory.mktemp("query-args"))


@pytest.mark.parametrize("path, role", [
    (f"/workspace/{ROMA}", "entity"),
    (f"/workspace/{ROMA}/comments", "entity"),
    (f"/workspace/{ROMA}/services/demo-roma-anagrafe/drivers", "entity"),
    ("/improve/drivers", "admin"),
    (f"/channels?entity={ROMA}", "admin"),
])
def test_hostile_query_arguments_never_make_a_page_fail_nor_a_foreign_link(seeded, path, role):
    settings, tokens = seeded
    client = create_app(settings).test_client()
    resp = client.get(path, query_string=HOSTILE if "?" not in path else None,
                      headers={"Authorization": f"Bearer {tokens[role]}"}) if "?" not in path else \
        client.get(path + "&" + "&".join(f"{k}={v}" for k, v in HOSTILE.items()),
                   headers={"Authorization": f"Bearer {tokens[role]}"})
    assert resp.status_code < 500, resp.get_data(as_text=True)[-500:]
    html = resp.get_data(as_text=True)
    assert not re.search(r'href="(?:javascript:|https?://)[^"]*(?:csv|drivers|comments)', html)
    # the download links carry the page's own arguments, not the reserved ones
    for href in re.findall(r'href="([^"]*(?:\.csv|/csv/)[^"]*)"', html):
        assert "_scheme" not in href and "_external" not in href, href
