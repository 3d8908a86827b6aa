"""A service's test mode expires by itself (``service.test_mode_until``, migration 0012).

Test mode was on until someone switched it off: a PA that forgot took its citizens' answers as
check-ups, never counted, for good. Now ``test-mode KEY on --hours N`` (1–168, default 24) sets an
expiry; every reader applies one rule (:func:`registry.models.in_test_mode`: on while ``now < until``),
the collector's cached view included (computed at each read, not at the cache's refresh); the
upgrade gives a service found in test mode 24 h; the console shows until when, and takes the hours.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from ascolto.cli import main
from dataset import testrows
from registry import connect, migrate, session_scope
from tests.conftest import ORIGIN, count_rows, submission, wait_for

KEY = "demo-roma-anagrafe"


def _cli(url: str, *args):
    return CliRunner().invoke(main, ["registry", *args], env={"ASCOLTO_DATABASE_URL": url, "ASCOLTO_ACTOR": "ops"})


def test_the_cli_sets_a_bounded_expiry_and_refuses_a_duration_out_of_range(tmp_path):
    from ascolto import cli_testmode
    from registry import ops
    from registry.demo import seed
    from registry.models import AuditEntry, Service

    assert (cli_testmode.TEST_MODE_HOURS, cli_testmode.TEST_MODE_MAX_HOURS) == (ops.TEST_MODE_HOURS,
                                                                                  ops.TEST_MODE_MAX_HOURS)
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    factory = connect(url)
    seed(factory, [ORIGIN])
    for bad in ("0", "-1", "169", "1000000", "due"):
        out = _cli(url, "test-mode", KEY, "on", "--hours", bad)
        assert out.exit_code == 2 and "Invalid value for '--hours'" in out.output, (bad, out.output)
    out = _cli(url, "test-mode", KEY, "off", "--hours", "3")  # off takes no duration: said, not ignored
    assert out.exit_code == 2 and "'--hours'" in out.output and "only with on" in out.output
    with session_scope(factory) as s:
        assert s.get(Service, KEY).test_mode_until is None and not s.get(Service, KEY).in_test_mode()

    before = datetime.now(timezone.utc)
    out = _cli(url, "test-mode", KEY, "on", "--hours", "2")
    assert out.exit_code == 0, out.output
    with session_scope(factory) as s:
        until = s.get(Service, KEY).test_mode_until
    assert before + timedelta(hours=2) - timedelta(seconds=1) <= until <= datetime.now(timezone.utc) + timedelta(hours=2)
    assert f"test mode on until {until:%Y-%m-%d %H:%M} UTC" in out.output
    assert _cli(url, "test-mode", KEY, "on").exit_code == 0  # default: 24 h, a new expiry
    with session_scope(factory) as s:
        day = s.get(Service, KEY).test_mode_until
        assert timedelta(hours=23, minutes=59) < day - before <= timedelta(hours=24, minutes=1)
        on = [e for e in s.query(AuditEntry).filter_by(object_key=KEY).order_by(AuditEntry.id) if
              e.action == "test-mode-on"]
        assert [e.after["test_mode_until"] for e in on] == [until.isoformat(), day.isoformat()]  # the expiry, audited
    listed = json.loads(_cli(url, "list", "services", "--json").output)
    assert {r["key"]: (r["test_mode"], r["test_mode_until"]) for r in listed}[KEY] == (True, day.isoformat())
    assert _cli(url, "test-mode", KEY, "off").exit_code == 0
    with session_scope(factory) as s:
        assert s.get(Service, KEY).test_mode_until is None


def test_the_rule_and_a_cached_view_never_keep_a_service_in_test_mode_past_its_expiry(factory):
    from registry import InvalidValue, ops
    from registry.demo import seed
    from registry.models import in_test_mode
    from registry.readmodel import ServiceDirectory

    t = datetime(2026, 12, 2, 12, tzinfo=timezone.utc)
    assert in_test_mode(True, t, t - timedelta(microseconds=1)) and not in_test_mode(True, t, t)
    assert not in_test_mode(True, None, t)  # a flag without an expiry counts as off
    assert not in_test_mode(False, t + timedelta(days=1), t)
    seed(factory, [ORIGIN])
    with session_scope(factory) as s:
        for hours in (0, -3, 169, 2.5, True, "24"):
            with pytest.raises(InvalidValue) as refused:
                ops.set_test_mode(s, KEY, True, actor="ops", hours=hours)
            assert refused.value.field == "hours"
        until = ops.set_test_mode(s, KEY, True, actor="ops", hours=3).test_mode_until
    directory = ServiceDirectory(factory, ttl_s=3600)  # the view is cached for an hour
    view = directory.get(KEY)
    assert view.test_mode and view.test_mode_until == until
    assert view.test_mode_at(until - timedelta(seconds=1)) and not view.test_mode_at(until)
    with session_scope(factory) as s:  # expired in the registry: the cached view reads the clock, not the cache
        ops.set_test_mode(s, KEY, True, actor="ops", hours=24, now=datetime.now(timezone.utc) - timedelta(days=2))
    assert ServiceDirectory(factory, ttl_s=3600).get(KEY).test_mode is False


def test_the_collector_counts_an_answer_after_the_expiry_and_marks_one_before(settings, processor_factory):
    from collector.app import close_app, create_app
    from registry import ops

    factory = connect(settings.database_url)
    with session_scope(factory) as s:  # switched on two days ago for a day: expired yesterday
        ops.set_test_mode(s, KEY, True, actor="ops", hours=24, now=datetime.now(timezone.utc) - timedelta(days=2))
    app = create_app(settings.with_(registry_ttl_s=0))
    client = app.test_client()
    try:
        assert "test" not in client.get(f"/v1/services/{KEY}/questionnaire", headers={"Origin": ORIGIN}).get_json()
        after = submission()
        assert client.post("/v1/submissions", json=after, headers={"Origin": ORIGIN}).status_code == 202
        with session_scope(factory) as s:  # on again, for an hour from now
            ops.set_test_mode(s, KEY, True, actor="ops", hours=1)
        assert client.get(f"/v1/services/{KEY}/questionnaire", headers={"Origin": ORIGIN}).get_json()["test"] is True
        during = submission()
        assert client.post("/v1/submissions", json=during, headers={"Origin": ORIGIN}).status_code == 202
    finally:
        close_app(app)
    processor_factory()
    wait_for(lambda: count_rows(settings.data_dir) == 1 and len(testrows.recent(settings.data_dir)) == 1,
             message="one response and one check-up")
    from warehouse.dataset import open_dataset

    with open_dataset(settings.data_dir) as con:
        assert [r[0] for r in con.execute("SELECT submission_id FROM responses").fetchall()] == [after["submission_id"]]
    assert [r["submission_id"] for r in testrows.recent(settings.data_dir)] == [during["submission_id"]]


SERVICE_COLUMNS = ("key, entity_ipa, name, service_type, channel, allowed_origins, questionnaire_id, "
                   "questionnaire_version, active, sampling_rate, test_mode")


def test_the_upgrade_gives_a_service_found_in_test_mode_24_hours(db_url):
    """Migration 0012 on SQLite and PostgreSQL: a service in test mode before it gets an expiry 24 h
    after the upgrade, one not in test mode none; a flag left without an expiry counts as off."""
    from registry.models import Service
    from registry.readmodel import ServiceDirectory

    engine = create_engine(db_url)
    try:
        migrate.migrate(engine, "0011_token_id_sequence")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO entity VALUES ('c_h501', 'Comune di Roma', 'L6', '12', 'ITI4', '058091', NULL)"))
            for key, on in (("svc-in-test", True), ("svc-live", False)):
                conn.execute(text(f"INSERT INTO service ({SERVICE_COLUMNS}) VALUES (:k, 'c_h501', 'Certificati', "
                                  "'anagrafe.certificati', 'web', '[]', 'cx-core', 1, :t, 1.0, :on)"),
                             {"k": key, "on": on, "t": True})
        before = datetime.now(timezone.utc)
        migrate.migrate(engine, "head")
        after = datetime.now(timezone.utc)
    finally:
        engine.dispose()
    factory = connect(db_url, create=False)
    with session_scope(factory) as s:
        found, live = s.get(Service, "svc-in-test"), s.get(Service, "svc-live")
        assert found.test_mode and found.in_test_mode() and live.test_mode_until is None and not live.in_test_mode()
        assert before + timedelta(hours=24) - timedelta(seconds=1) <= found.test_mode_until <= after + timedelta(hours=24)
        assert not found.in_test_mode(found.test_mode_until)  # then it is off by itself
    assert ServiceDirectory(factory, ttl_s=0).get("svc-in-test").test_mode is True
    with session_scope(factory) as s:  # a flag without an expiry (written by hand): off, the answers count
        s.execute(text("UPDATE service SET test_mode_until = NULL"))
    assert ServiceDirectory(factory, ttl_s=0).get("svc-in-test").test_mode is False
    engine = create_engine(db_url)
    try:  # and back: the column dropped, the flag kept
        migrate.migrate(engine, "0011_token_id_sequence")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT key FROM service WHERE test_mode = :on"), {"on": True}).scalars().all() \
                == ["svc-in-test"]
    finally:
        engine.dispose()


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_console_takes_the_hours_and_shows_until_when(tmp_path, lang):
    from registry import ops
    from registry.demo import seed
    from registry.models import Service
    from registry.tokens import create_token
    from settings import Settings
    from warehouse.console import create_app

    settings = Settings(data_dir=tmp_path, console_secure_cookie=False)
    factory = connect(settings.database_url)
    seed(factory, [ORIGIN])
    with session_scope(factory) as s:
        secret = create_token(s, role="admin", label="test admin", actor="test")[1]
    c = create_app(settings).test_client()
    assert c.post("/login", data={"token": secret, "csrf_token": _csrf(c.get("/login").get_data(as_text=True))}
                  ).status_code == 303
    q = "?lang=en" if lang == "en" else ""
    page = c.get(f"/admin/services{q}").get_data(as_text=True)
    row = page.split(f'data-service="{KEY}"', 1)[1].split("</tr>", 1)[0]
    assert 'name="hours" type="number" min="1" max="168" value="24"' in row
    for bad in ("0", "169", "tre"):
        r = c.post(f"/admin/services/{KEY}/test-mode{q}", data={"test_mode": "1", "hours": bad, "csrf_token": _csrf(page)},
                   follow_redirects=True)
        alert = re.search(r'role="alert">(.*?)</div>', r.get_data(as_text=True), re.S).group(1)
        assert ("Durata in ore (hours)" if lang == "it" else "hours:") in alert and "168" in alert, alert
    with session_scope(factory) as s:
        assert not s.get(Service, KEY).in_test_mode()
    r = c.post(f"/admin/services/{KEY}/test-mode{q}", data={"test_mode": "1", "hours": "5", "csrf_token": _csrf(page)},
               follow_redirects=True)
    with session_scope(factory) as s:
        until = s.get(Service, KEY).test_mode_until
    from warehouse.periods import rome_minute

    assert timedelta(hours=4, minutes=59) < until - datetime.now(timezone.utc) <= timedelta(hours=5)
    row = r.get_data(as_text=True).split(f'data-service="{KEY}"', 1)[1].split("</tr>", 1)[0]
    said = "sì, fino al {} (ora italiana)" if lang == "it" else "yes, until {} (Italian time)"
    assert said.format(rome_minute(until)) in row and 'name="hours"' not in row
    # the web manager's check page says until when, in the page's language
    with session_scope(factory) as s:
        entity = create_token(s, role="entity", label="roma", actor="test", entity="c_h501")[1]
    check = c.get(f"/workspace/c_h501/services/{KEY}/check{q}", headers={"Authorization": f"Bearer {entity}"})
    said = ("Si disattiva da sola il {} (ora italiana)." if lang == "it" else
            "It switches itself off on {} (Italian time).")
    assert said.format(rome_minute(until)) in check.get_data(as_text=True)
    body = c.get(f"/api/v1/workspace/c_h501/services/{KEY}/check", headers={"Authorization": f"Bearer {entity}"}).json
    assert body["test_mode"] is True and body["test_mode_until"] == rome_minute(until)
    with session_scope(factory) as s:  # expired: the pages say off
        ops.set_test_mode(s, KEY, True, actor="ops", hours=1, now=datetime.now(timezone.utc) - timedelta(hours=2))
    row = c.get(f"/admin/services{q}").get_data(as_text=True).split(f'data-service="{KEY}"', 1)[1].split("</tr>", 1)[0]
    assert '<td data-col="test_mode">' + ("no" if lang == "it" else "no") in row and 'name="hours"' in row
    body = c.get(f"/api/v1/workspace/c_h501/services/{KEY}/check", headers={"Authorization": f"Bearer {entity}"}).json
    assert body["test_mode"] is False and body["test_mode_until"] is None
