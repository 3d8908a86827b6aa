"""A 403 of the console API says which role would do (a monitoring officer's first try at an export).

``GET /api/v1/export/csv`` with a monitoring token answered "The role 'monitoring' may not use this.":
true, but the reader could not tell whether any token would do, nor which to ask an admin for. The
message (and the ``Authorization`` field, which repeats it) names the roles that hold the permission."""
from __future__ import annotations

from settings import Settings
from tests.console_auth import api_client


def test_a_monitoring_token_asking_for_an_export_reads_which_roles_may(data_dir):
    client = api_client(Settings(data_dir=data_dir), role="monitoring")
    r = client.get("/api/v1/export/csv?freq=M")
    assert r.status_code == 403 and r.json["error"] == "forbidden"
    msg = "The role 'monitoring' may not use this: it needs a token of role admin or statistician."
    assert r.json["message"] == msg and r.json["fields"] == {"Authorization": [msg]}

