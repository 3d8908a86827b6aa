"""The console's readiness, ``GET /readyz`` (warehouse/console/ready.py): 200 when the registry answers
and the dataset is readable through the warehouse's reader, 503 naming what is not; no sign-in, and
statuses only (no counts, no paths, no error text)."""
from __future__ import annotations

import re
import secrets
import shutil

import pytest

from registry import connect
from settings import Settings
from tests.console_data import build
from warehouse.console import create_app

READY = {"status": "ready", "checks": {"registry": "ok", "dataset": "ok"}}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return build(tmp_path_factory.mktemp("console-ready"))[0]


def readyz(settings):
    resp = create_app(settings).test_client().get("/readyz")
    return resp


def test_a_healthy_console_is_ready_without_a_token_and_says_no_numbers(seeded):
    app = create_app(seeded)
    client = app.test_client()
    assert client.get("/api/v1/meta").status_code == 401  # the console does want a token elsewhere
    resp = client.get("/readyz")
    assert resp.status_code == 200 and resp.json == READY
    assert not re.search(r"\d", resp.get_data(as_text=True))  # statuses only: nothing counted
    assert resp.headers["Cache-Control"] == "no-store"


def test_a_new_install_with_no_responses_yet_is_ready(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    connect(settings.database_url)  # the migrated, empty registry
    assert readyz(settings).json == READY


def test_an_unreachable_registry_database_is_not_ready(seeded):
    resp = readyz(seeded.with_(database_url="postgresql+psycopg2://ascolto:secret-pw@127.0.0.1:1/ascolto"))
    assert resp.status_code == 503
    assert resp.json == {"status": "unavailable", "checks": {"registry": "unavailable", "dataset": "ok"}}
    assert "secret-pw" not in resp.get_data(as_text=True) and "127.0.0.1" not in resp.get_data(as_text=True)


def test_a_registry_without_its_schema_is_not_ready(seeded, tmp_path, caplog):
    """Not ready, and the log names the fix (it said only "no such table", on PostgreSQL an
    UndefinedTable repr: registry.errors.unmigrated recognizes both)."""
    import logging

    with caplog.at_level(logging.WARNING):
        resp = readyz(seeded.with_(database_url=f"sqlite:///{tmp_path / 'empty.db'}"))  # not migrated
    assert resp.status_code == 503 and resp.json["checks"] == {"registry": "unavailable", "dataset": "ok"}
    assert any("run `ascolto registry migrate`" in r.getMessage() for r in caplog.records)


def test_a_data_directory_gone_unreadable_makes_a_running_console_unready_until_it_is_back(seeded, tmp_path):
    data = tmp_path / "dataset"
    shutil.copytree(seeded.data_dir / "responses", data / "responses")
    settings = seeded.with_(data_dir=data)  # the registry stays where it is (database_url is explicit)
    client = create_app(settings).test_client()
    assert client.get("/readyz").json == READY
    data.rename(tmp_path / "unmounted")  # the volume goes away under the running console
    resp = client.get("/readyz")
    assert resp.status_code == 503
    assert resp.json == {"status": "unavailable", "checks": {"registry": "ok", "dataset": "unavailable"}}
    assert str(tmp_path) not in resp.get_data(as_text=True)
    (tmp_path / "unmounted").rename(data)
    assert client.get("/readyz").status_code == 200


def test_a_data_directory_that_is_not_a_directory_is_not_ready(seeded, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a dataset")
    resp = readyz(seeded.with_(data_dir=blocked, console_secret=secrets.token_urlsafe(32)))
    assert resp.status_code == 503 and resp.json["checks"]["dataset"] == "unavailable"


def test_a_file_of_the_dataset_that_is_not_parquet_is_a_503_naming_the_dataset(seeded, tmp_path, caplog):
    """A truncated or foreign .parquet (a partial restore, a copy): every page and API call was a 500
    "internal_server_error"; now 503 dataset_unavailable, the file named in the log only (as /readyz
    says), and `ascolto indicators` one line, exit 1 — not DuckDB's traceback."""
    import logging

    from click.testing import CliRunner

    from ascolto.cli import main
    from registry import session_scope
    from registry.tokens import create_token

    data = tmp_path / "dataset"
    shutil.copytree(seeded.data_dir / "responses", data / "responses")
    bad = next((data / "responses").rglob("*.parquet")).parent / "zz-restored.parquet"
    bad.write_bytes(b"half a file")
    settings = seeded.with_(data_dir=data)
    with session_scope(connect(settings.database_url)) as s:
        _tok, secret = create_token(s, role="monitoring", label="corrupt file test", actor="test")
    client = create_app(settings).test_client()
    with caplog.at_level(logging.ERROR):
        resp = client.get("/api/v1/indicators", headers={"Authorization": f"Bearer {secret}"})
    assert resp.status_code == 503, resp.get_data(as_text=True)[:300]
    assert resp.json["error"] == "dataset_unavailable" and "dataset" in resp.json["fields"]
    assert str(tmp_path) not in resp.get_data(as_text=True)
    assert any("zz-restored.parquet" in r.getMessage() and "dataset_unavailable" in r.getMessage()
               for r in caplog.records)
    result = CliRunner().invoke(main, ["indicators", "--data-dir", str(data)], env={"ASCOLTO_DATA_DIR": str(data)})
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert line.startswith("Error: the dataset cannot be read: ") and "zz-restored.parquet" in line


def _registry_up(client) -> str:
    text = client.get("/metrics").get_data(as_text=True)
    return next(line for line in text.splitlines() if line.startswith("ascolto_console_registry_up "))


def test_metrics_say_whether_the_console_reaches_the_registry(seeded):
    """The console's /metrics had only the breaker's gauge, which a SQLite registry never sets and which
    opens only after a request failed: ascolto_console_registry_up (AscoltoConsoleRegistryDown) is set by
    each scrape's registry check, as the collector's ascolto_collector_registry_up — here against a real
    registry URL on a closed port, answered within the probes' 3 s."""
    import time

    from deploy.broker import free_port

    healthy = create_app(seeded).test_client()
    assert _registry_up(healthy).endswith(" 1.0")
    away = create_app(seeded.with_(database_url=f"postgresql+psycopg2://u:p@127.0.0.1:{free_port()}/ascolto")
                      ).test_client()
    t0 = time.monotonic()
    assert _registry_up(away).endswith(" 0.0") and time.monotonic() - t0 < 3
    assert healthy.get("/readyz").status_code == 200
    assert _registry_up(healthy).endswith(" 1.0")
    from warehouse.console.ready import REGISTRY_UP

    assert away.get("/readyz").json["checks"]["registry"] == "unavailable" and REGISTRY_UP._value.get() == 0
    assert healthy.get("/readyz").status_code == 200 and REGISTRY_UP._value.get() == 1  # /readyz sets it too
