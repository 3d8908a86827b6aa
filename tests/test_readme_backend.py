"""The README's back-end example as a PA integrator runs it on the demo (2 December 2026).

The ``curl`` posted with ``$ASCOLTO_BACKEND_TOKEN``, which nothing before it had set: the way to get a
token came forty lines later. The README now makes one for the demo's INPS just above the ``curl``, with
``export ASCOLTO_BACKEND_TOKEN=$(ascolto registry token create …)``: that works only because the command
prints the secret alone on stdout (its note goes to stderr), which is tested here, on the demo registry,
and the README's body is posted with it through the real collector (202)."""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from ascolto.cli import main

README = (Path(__file__).parent.parent / "README.md").read_text("utf-8")


def _example() -> tuple[list[str], dict]:
    start = README.index("A back end can post directly")
    block = README[README.index("```sh\n", start) + 6:README.index("```", README.index("```sh\n", start) + 6)]
    make = re.search(r"export ASCOLTO_BACKEND_TOKEN=\$\((.+)\)\n", block)
    assert make and block.index(make.group(0)) < block.index("curl "), "the token is made before the curl"
    body = json.loads(block[block.index("-d '") + 4:block.rindex("'")])
    return shlex.split(make.group(1)), body


def test_the_readmes_token_command_prints_the_secret_alone_and_the_curl_body_is_accepted(settings, client):
    argv, body = _example()
    assert argv[0] == ".venv/bin/ascolto" and argv[1:4] == ["registry", "token", "create"]
    r = CliRunner().invoke(main, argv[1:], env={"ASCOLTO_DATABASE_URL": settings.database_url,
                                                "ASCOLTO_DATA_DIR": str(settings.data_dir)})
    assert r.exit_code == 0, r.output
    secret = r.stdout.strip()
    assert re.fullmatch(r"asc_[0-9a-f]{8}_\S+", secret), r.stdout  # one line, the secret: $(...) takes it
    resp = client.post("/v1/submissions", json=body, headers={"Authorization": f"Bearer {secret}",
                                                              "User-Agent": "curl/8.5.0"})
    assert resp.status_code == 202, resp.get_json()


def test_the_readme_points_the_integrator_at_the_openapi_document_the_collector_serves(client):
    """An integrator looked in docs/ for the API's reference and found none: /openapi.json was named only in a
    mistyped path's 404. The README's back-end section names it, and it describes the documented post."""
    section = README[README.index("A back end can post directly"):README.index("What a back end must know")]
    assert "`GET /openapi.json`" in section and "<http://127.0.0.1:8000/openapi.json>" in section
    doc = client.get("/openapi.json").get_json()
    post = doc["paths"]["/v1/submissions"]["post"]
    assert {"202", "400", "401", "403", "404", "409", "422", "429"} <= set(post["responses"])
    assert {"backendToken": []} in post["security"]


def test_the_readme_says_where_a_back_end_finds_its_services_questionnaire_version_and_codes(client):
    """The PA walkthrough of 3 December 2026: the back-end section showed a body with "cx-core", 1 and
    "satisfaction" but not where a developer finds what *their* service takes — only the 409 and 422
    said it, one mistake at a time ("its GET served Italian" named a GET the section never showed). The
    section shows the questionnaire's GET for the example's service, and that GET gives what the body needs."""
    section = README[README.index("A back end can post directly"):README.index("What a back end must know")]
    _, body = _example()
    command = f"curl -s 'http://127.0.0.1:8000/v1/services/{body['service']}/questionnaire?lang=it'"
    assert command in section, "the section shows the GET of the example's service"
    doc = client.get(f"/v1/services/{body['service']}/questionnaire?lang=it").get_json()
    assert (doc["id"], doc["version"]) == (body["questionnaire"], body["version"])
    for name in ("`id`", "`version`", "`items`", "`code`", "`required`", "`show_if`", "`options`", "`scale`",
                 "`max_length`"):
        assert name in section, name
    codes = {item["code"]: item for item in doc["items"]}
    assert set(body["answers"]) <= set(codes)
    assert {"type", "required"} <= set(codes["satisfaction"]) and "scale" in codes["satisfaction"]
    assert "max_length" in codes["comment"] and "show_if" in codes["went_well"]


def test_the_readme_shows_a_backfill_line_that_loads(settings, client):
    """"Loading a backlog … python -m collector.backfill FILE (JSON Lines …)" did not say what a line holds
    (the module's docstring did): a back end's operator had a file format to guess. The README shows a line;
    that line, with the README's own example body, is loaded by the backfill."""
    from collector.backfill import backfill

    bullet = README[README.index("- Loading a backlog"):README.index("## Counters, kiosks and phones")]
    line = re.search(r"`(\{\"received_at\": [^`]+\})`", bullet)
    assert line, "the bullet shows a line"
    _, body = _example()
    record = json.loads(line.group(1).replace("{…the body you would post…}", json.dumps(body)))
    assert set(record) == {"received_at", "submission"} and "`\"user_agent\"`" in bullet and "`\"origin\"`" in bullet
    assert backfill(settings, [record], threads=1) == {"lines": 1, "accepted": 1, "refused": {}}
