"""Issue 19 point 3: check-up answers (test mode) and automated answers, end to end through the real
collector, the Tansu broker and the real processor.

A check-up — the widget's ``data-test`` from an allowed origin, or any answer to a service in test
mode — is stored apart (``test/``) and never counted: not in ``responses`` nor ``answers``, no
record key, not in the rollup nor any published figure; the web manager sees it arrive
(``ascolto registry test-submissions``). An automated answer (``device`` ``bot``) is kept in
``responses`` for audit but counted by no figure, and the console's quality page counts it.
"""
from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta, timezone

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from ascolto.cli import main
from dataset import layout, testrows
from processor.purge import purge
from tests.conftest import ORIGIN, count_rows, submission, wait_for
from warehouse import rollup
from warehouse.dataset import open_dataset

BROWSER_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
CRAWLER_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
KEY = "demo-roma-anagrafe"


def _answer(satisfaction: int, **more) -> dict:
    """A valid cx-core submission with this satisfaction (what went well is asked only from 4 up)."""
    body = submission(satisfaction=satisfaction, **more)
    if satisfaction < 4:
        body["answers"].pop("went_well")
    return body


def _post(client, body: dict, *, origin: str | None = ORIGIN, ua: str = BROWSER_UA, token: str | None = None):
    headers = {"User-Agent": ua}
    if origin:
        headers["Origin"] = origin
    if token:  # a back end's post (no Origin): its back-end token
        headers["Authorization"] = f"Bearer {token}"
    return client.post("/v1/submissions", json=body, headers=headers)


def _backend_token(settings) -> str:
    """A ``backend`` token of Roma Capitale, whose back end posts to KEY."""
    from registry import connect, session_scope
    from registry.tokens import create_token

    with session_scope(connect(settings.database_url)) as s:
        return create_token(s, role="backend", label="back end", actor="test:admin", entity="c_h501")[1]


def _rollup_responses(settings) -> int:
    """Responses counted in the rollup (what every published figure is computed from)."""
    rollup.refresh(settings.data_dir, secret=settings.ckm_secret)
    files = rollup.output_files(settings.data_dir)
    if not files:
        return 0
    with duckdb.connect() as con:
        return int(con.execute(f"SELECT coalesce(sum(n), 0) FROM read_parquet({files!r}) "
                               f"WHERE indicator = '{rollup.RESPONSES}'").fetchone()[0])


def _cli(settings, *args):
    env = {"ASCOLTO_DATA_DIR": str(settings.data_dir), "ASCOLTO_DATABASE_URL": settings.database_url,
           "ASCOLTO_ACTOR": "web manager"}
    return CliRunner().invoke(main, list(args), env=env)


def test_checkups_from_an_allowed_origin_are_stored_apart_and_never_counted(client, settings, processor_factory):
    real = [_answer(s) for s in (2, 4, 5)]
    checks = [_answer(1, comment="prova del widget"), _answer(1)]
    for body in real:
        assert _post(client, body).status_code == 202
    for body in checks:
        assert _post(client, dict(body, test=True)).status_code == 202
    assert _post(client, dict(checks[0], test=True)).status_code == 202  # the widget's retry: stored once
    processor_factory()
    wait_for(lambda: count_rows(settings.data_dir) == 3 and len(testrows.recent(settings.data_dir)) == 2,
             message="three responses and two check-ups")

    with open_dataset(settings.data_dir) as con:
        ids = {r[0] for r in con.execute("SELECT submission_id FROM responses").fetchall()}
    assert ids == {b["submission_id"] for b in real}
    answers = pq.read_table(settings.data_dir / layout.ANSWERS).column("submission_id").to_pylist()
    assert set(answers) == ids  # no long rows of a check-up either
    stored = pq.read_table(settings.data_dir / layout.TEST)
    assert sorted(stored.column("submission_id").to_pylist()) == sorted(b["submission_id"] for b in checks)
    assert stored.column("record_key").null_count == 2  # never keyed for the cell-key method
    assert _rollup_responses(settings) == 3

    listed = testrows.recent(settings.data_dir, service=KEY)
    assert [r["submission_id"] for r in listed] == [r["submission_id"] for r in sorted(
        listed, key=lambda r: r["received_at"], reverse=True)]
    assert {r["submission_id"] for r in listed} == {b["submission_id"] for b in checks}
    first = next(r for r in listed if r["submission_id"] == checks[0]["submission_id"])
    assert first["answers"]["comment"] == json.dumps("prova del widget") and first["page"] == "/certificati"
    assert testrows.recent(settings.data_dir, service="demo-inps-pensione") == []

    # the web manager's check: the CLI lists them, newest first; an unknown key is an error
    out = _cli(settings, "registry", "test-submissions", KEY)
    assert out.exit_code == 0, out.output
    assert all(b["submission_id"] in out.output for b in checks) and "satisfaction=1" in out.output
    assert not any(b["submission_id"] in out.output for b in real)
    as_json = json.loads(_cli(settings, "registry", "test-submissions", KEY, "--json", "--limit", "1").output)
    assert len(as_json["checkups"]) == 1 and as_json["checkups"][0]["service"] == KEY
    assert as_json["test_mode_checkups"] == []
    assert _cli(settings, "registry", "test-submissions", "no-such-service").exit_code != 0


def test_a_checkup_needs_an_allowed_origin(client, settings):
    body = submission()
    refused = _post(client, dict(body, test=True), origin=None,  # a back end cannot mark its answers
                    token=_backend_token(settings))
    assert refused.status_code == 403 and refused.get_json()["error"] == "origin_not_allowed"
    assert "test" in refused.get_json()["fields"]
    assert _post(client, dict(body, test=True), origin="https://evil.example").status_code == 403
    bad = _post(client, dict(body, test="yes"))
    assert bad.status_code == 400 and "test" in bad.get_json()["fields"]


def test_a_service_in_test_mode_marks_every_answer_and_the_widget_is_told(settings, processor_factory):
    from collector.app import close_app, create_app

    on = _cli(settings, "registry", "test-mode", KEY, "on")
    assert on.exit_code == 0 and "test mode on" in on.output
    app = create_app(settings.with_(registry_ttl_s=0))
    client = app.test_client()
    try:
        doc = client.get(f"/v1/services/{KEY}/questionnaire", headers={"Origin": ORIGIN}).get_json()
        assert doc["test"] is True
        form = client.get(f"/v1/services/{KEY}/form?lang=en").get_data(as_text=True)  # the no-JS form says so too
        assert '<p class="test" role="note">Test mode: answers are not counted.</p>' in form
        during = [submission(comment="la coda era lunghissima e confusa"), submission()]
        mine = submission(comment="prova della web manager")  # her own check-up, with the snippet's data-test
        funnel = [{"report_id": str(uuid.uuid4()), "service": KEY, "impressions": 1, "starts": 1, "submissions": 1}
                  for _ in range(2)]
        assert client.post("/v1/funnel", json=funnel[0], headers={"Origin": ORIGIN}).status_code == 202  # not stored
        assert _post(client, during[0]).status_code == 202
        assert _post(client, during[1], origin=None,  # a back end's too, in test mode
                     token=_backend_token(settings)).status_code == 202
        assert _post(client, dict(mine, test=True)).status_code == 202
        assert _cli(settings, "registry", "test-mode", KEY, "off").exit_code == 0
        assert "test" not in client.get(f"/v1/services/{KEY}/questionnaire", headers={"Origin": ORIGIN}).get_json()
        assert 'class="test"' not in client.get(f"/v1/services/{KEY}/form?lang=en").get_data(as_text=True)
        after = submission()
        assert _post(client, after).status_code == 202
        assert client.post("/v1/funnel", json=funnel[1], headers={"Origin": ORIGIN}).status_code == 202
    finally:
        close_app(app)
    processor_factory()
    wait_for(lambda: count_rows(settings.data_dir) == 1 and len(testrows.recent(settings.data_dir)) == 3,
             message="one response and three check-ups")
    assert {r["submission_id"] for r in testrows.recent(settings.data_dir)} == \
        {b["submission_id"] for b in during + [mine]}
    # a service left in test mode takes citizens' answers as check-ups: the web manager's CLI lists
    # only hers (data-test) with its answers; of the test mode's, how many arrived by day and page
    out = _cli(settings, "registry", "test-submissions", KEY)
    assert out.exit_code == 0, out.output
    assert mine["submission_id"] in out.output and "prova della web manager" in out.output
    assert not any(b["submission_id"] in out.output for b in during)
    assert "lunghissima" not in out.output
    assert "test mode" in out.output and "≥ 1" in out.output
    as_json = json.loads(_cli(settings, "registry", "test-submissions", KEY, "--json").output)
    assert [r["submission_id"] for r in as_json["checkups"]] == [mine["submission_id"]]
    assert sum(1 for a in as_json["test_mode_checkups"]) >= 1 and all(
        set(a) == {"day", "page", "count"} and a["count"] == "≥ 1" for a in as_json["test_mode_checkups"])
    assert "lunghissima" not in json.dumps(as_json) and during[0]["submission_id"] not in json.dumps(as_json)
    assert _rollup_responses(settings) == 1
    wait_for(lambda: (settings.data_dir / "funnel").exists(), message="the funnel report after test mode")
    reports = pq.read_table(settings.data_dir / "funnel").column("report_id").to_pylist()
    assert reports == [funnel[1]["report_id"]]  # the view during test mode moved no response rate
    log = json.loads(_cli(settings, "registry", "log", "--type", "service", "--key", KEY, "--json").output)
    assert [e["action"] for e in log][:2] == ["test-mode-off", "test-mode-on"]
    assert log[0]["actor"] == "web manager"


def test_automated_answers_are_kept_for_audit_but_never_counted(client, settings, processor_factory):
    people = [submission(satisfaction=5) for _ in range(3)]
    robots = [_answer(1) for _ in range(2)]
    for body in people:
        assert _post(client, body).status_code == 202
    for body in robots:
        assert _post(client, body, ua=CRAWLER_UA).status_code == 202
    processor_factory()
    wait_for(lambda: count_rows(settings.data_dir) == 5, message="five rows")
    with open_dataset(settings.data_dir) as con:
        devices = dict(con.execute("SELECT submission_id, device FROM responses").fetchall())
    assert {devices[b["submission_id"]] for b in robots} == {"bot"}  # kept, classified
    assert _rollup_responses(settings) == 3


def test_purge_removes_the_checkups_of_the_days_before_its_date(tmp_path):
    import pyarrow as pa

    from dataset.schema import RESPONSES_SCHEMA

    def table(sid: str, when: datetime):
        return pa.Table.from_pylist([{"submission_id": sid, "received_at": when, "service": KEY}], schema=RESPONSES_SCHEMA)

    now = datetime.now(timezone.utc)
    old, new = (now - timedelta(days=40)), now
    testrows.write(tmp_path, {old.strftime("%Y-%m-%d"): table("a", old)}, 0, 0, 0)
    testrows.write(tmp_path, {new.strftime("%Y-%m-%d"): table("b", new)}, 0, 1, 1)
    assert purge(tmp_path, date.today() - timedelta(days=7), dry_run=True).test_files_deleted == 1
    assert len(testrows.recent(tmp_path)) == 2
    report = purge(tmp_path, date.today() - timedelta(days=7))
    assert report.test_files_deleted == 1
    assert [r["submission_id"] for r in testrows.recent(tmp_path)] == ["b"]


@pytest.mark.parametrize("limit", [1, 3])
def test_recent_lists_the_newest_first_within_the_limit(tmp_path, limit):
    import pyarrow as pa

    from dataset.schema import RESPONSES_SCHEMA

    base = datetime(2026, 11, 20, 10, tzinfo=timezone.utc)
    rows = [{"submission_id": f"s{i}", "received_at": base + timedelta(minutes=i), "service": KEY if i % 2 else "other"}
            for i in range(6)]
    testrows.write(tmp_path, {"2026-11-20": pa.Table.from_pylist(rows, schema=RESPONSES_SCHEMA)}, 2, 10, 15)
    assert [r["submission_id"] for r in testrows.recent(tmp_path, service=KEY, limit=limit)] == ["s5", "s3", "s1"][:limit]
    assert [r["submission_id"] for r in testrows.recent(tmp_path, services=[KEY, "other"], limit=limit)] == \
        ["s5", "s4", "s3"][:limit]
    assert testrows.recent(tmp_path, services=[]) == []
    assert testrows.recent(tmp_path / "none") == []


def test_test_mode_is_validated_audited_and_read_by_every_reader(factory):
    from registry import InvalidValue, audit, ops
    from registry.db import session_scope
    from registry.demo import seed
    from registry.models import AuditEntry
    from registry.readmodel import ServiceDirectory

    seed(factory, [ORIGIN])
    directory = ServiceDirectory(factory, ttl_s=0)
    assert directory.get(KEY).test_mode is False
    now = datetime.now(timezone.utc).replace(microsecond=100000)  # both calls inside one second of the clock
    with session_scope(factory) as s:
        ops.set_test_mode(s, KEY, True, actor="web manager", now=now)
        # no change (the same expiry): not audited again — with the clock's own "now" a second's turn between the
        # two calls made a new expiry, audited (a flaky run of 2026-12-05); switching on again later is a change
        ops.set_test_mode(s, KEY, True, actor="web manager", now=now + timedelta(milliseconds=500))
        with pytest.raises(InvalidValue):
            ops.set_test_mode(s, KEY, "yes", actor="web manager")
    assert directory.get(KEY).test_mode is True
    with session_scope(factory) as s:
        ops.set_test_mode(s, KEY, False, actor="web manager")
        entries = s.query(AuditEntry).filter_by(object_key=KEY).order_by(AuditEntry.id).all()
        assert [e.action for e in entries if e.action.startswith("test-mode")] == ["test-mode-on", "test-mode-off"]
        assert entries[-1].before["test_mode"] is True and entries[-1].after["test_mode"] is False
        assert audit.snapshot(ops.get_service(s, KEY))["test_mode"] is False
    assert directory.get(KEY).test_mode is False


def test_the_web_managers_check_page_lists_the_checkups_and_gives_the_test_snippet(tmp_path):
    """The check page listed every check-up with its answers, a service left in test mode by mistake
    listing real citizens' (page, day, comments): answers now only of the snippet's (data-test)."""
    import pyarrow as pa

    from dataset.schema import RESPONSES_SCHEMA
    from registry import connect, ops, session_scope
    from tests.workspace_data import ROMA, build_workspace
    from warehouse.console import create_app

    settings, tokens = build_workspace(tmp_path)
    at = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)
    testrows.write(settings.data_dir, {"2026-11-20": pa.Table.from_pylist([
        {"submission_id": "11111111-1111-4111-8111-111111111111", "received_at": at, "service": KEY,
         "page": "/certificati", "device": "desktop", "answers": [("satisfaction", "4")], "test_snippet": True},
        {"submission_id": "22222222-2222-4222-8222-222222222222", "received_at": at, "service": "demo-milano-anagrafe",
         "answers": [], "test_snippet": True}], schema=testrows.TEST_SCHEMA)}, 0, 0, 1)
    # a citizen's answer while the service was left in test mode; and one of a file written before
    # ``test_snippet`` existed (RESPONSES_SCHEMA): both a test mode's check-ups, never listed with answers
    citizen = [("comment", json.dumps("Sono Mario Rossi, pessimo servizio"))]
    testrows.write(settings.data_dir, {"2026-11-20": pa.Table.from_pylist([
        {"submission_id": "33333333-3333-4333-8333-333333333333", "received_at": at, "service": KEY,
         "page": "/certificati", "answers": citizen, "test_snippet": False}], schema=testrows.TEST_SCHEMA)}, 0, 2, 2)
    testrows.write(settings.data_dir, {"2026-11-21": pa.Table.from_pylist([
        {"submission_id": "44444444-4444-4444-8444-444444444444", "received_at": at + timedelta(days=1),
         "service": KEY, "page": None, "answers": citizen}], schema=RESPONSES_SCHEMA)}, 0, 3, 3)
    client = create_app(settings).test_client()
    auth = {"Authorization": f"Bearer {tokens['entity']}"}
    body = client.get(f"/api/v1/workspace/{ROMA}/services/{KEY}/check", headers=auth).json
    assert body["test_mode"] is False and 'data-test async' in body["test_snippet"]
    # the day in Italy, never the time: a live page left with data-test would list citizens' answers
    assert body["checkups"] == [{"received_at": "2026-11-20", "submission_id": "11111111-1111-4111-8111-111111111111",
                                 "device": "desktop", "page": "/certificati", "answers": {"satisfaction": "4"}}]
    assert body["test_mode_checkups"] == [{"day": "2026-11-21", "page": None, "count": "≥ 1"},
                                          {"day": "2026-11-20", "page": "/certificati", "count": "≥ 1"}]
    assert "Rossi" not in json.dumps(body) and "33333333" not in json.dumps(body) and "44444444" not in json.dumps(body)
    with session_scope(connect(settings.database_url)) as s:
        ops.set_test_mode(s, KEY, True, actor="test")
    html = client.get(f"/workspace/{ROMA}/services/{KEY}/check", headers=auth).get_data(as_text=True)
    assert 'data-test-mode="on"' in html and 'data-submission="11111111-1111-4111-8111-111111111111"' in html
    assert "22222222" not in html  # another entity's check-up
    assert "Rossi" not in html and "33333333" not in html and "44444444" not in html
    assert 'data-table="test-mode-checkups"' in html and '<tr data-day="2026-11-21">' in html


def test_no_checkup_yet_says_what_to_do(tmp_path):
    """``registry test-submissions KEY`` printed a bare "(none)" to a web manager checking a new page: it
    now also says how a check-up is made (stdout keeps "(none)", the advice goes to stderr)."""
    from tests.console_data import build

    settings, _tokens = build(tmp_path)
    out = CliRunner().invoke(main, ["registry", "test-submissions", KEY],
                                             env={"ASCOLTO_DATA_DIR": str(settings.data_dir),
                                                  "ASCOLTO_DATABASE_URL": settings.database_url})
    assert out.exit_code == 0 and out.stdout.strip() == "(none)", out.output
    advice = " ".join(out.stderr.split())
    assert f"no check-up answer of {KEY} has arrived" in advice and "data-test" in advice
    assert f"ascolto registry test-mode {KEY} on" in advice and f"ascolto registry origins {KEY}" in advice
