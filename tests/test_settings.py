"""Settings are read in one place: ``settings.load()``; gunicorn, logging and the CLI take their values."""
from __future__ import annotations

import os
import re
import runpy
from pathlib import Path

import pytest

from settings import Settings, load

ROOT = Path(__file__).resolve().parents[1]


def test_process_level_settings_are_loaded_with_the_rest():
    s = load({"ASCOLTO_WORKERS": "4", "ASCOLTO_THREADS": "2", "ASCOLTO_BIND_HOST": "127.0.0.1",
              "ASCOLTO_LOG_LEVEL": "debug", "ASCOLTO_ACTOR": "deploy:k8s", "ASCOLTO_REGISTRY_TTL_S": "5",
              "PROMETHEUS_MULTIPROC_DIR": "/run/m"})
    assert (s.workers, s.threads, s.bind_host, s.log_level, s.actor, s.registry_ttl_s, s.prometheus_multiproc_dir) == (
        4, 2, "127.0.0.1", "DEBUG", "deploy:k8s", 5.0, "/run/m")
    assert load({}) == Settings(collector_id=load({}).collector_id)


def test_the_processor_batch_bounds_are_read_from_the_environment():
    s = load({"ASCOLTO_BATCH_MAX_RECORDS": "500", "ASCOLTO_BATCH_MAX_BYTES": "1000000", "ASCOLTO_BATCH_MAX_SECONDS": "2"})
    assert (s.batch_max_records, s.batch_max_bytes, s.batch_max_seconds) == (500, 1_000_000, 2.0)
    assert load({}).batch_max_bytes == 2_000_000  # the memory bound is on unless set to 0


def test_a_bad_value_is_refused_by_name():
    with pytest.raises(ValueError, match="ASCOLTO_WORKERS"):
        load({"ASCOLTO_WORKERS": "many"})


@pytest.mark.parametrize("name, value", [
    ("ASCOLTO_LOG_LEVEL", "verbose"),  # logging.config: "Unable to configure logger 'gunicorn.error'"
    ("ASCOLTO_RATE_LIMIT_IP", "lots"),  # the collector's workers failed to boot, the variable unnamed
    ("ASCOLTO_RATE_LIMIT_SERVICE", "12000 per minute please"),
    ("ASCOLTO_RATE_LIMIT_BACKEND", "6000/fortnight"),
    ("ASCOLTO_RATE_LIMIT_GET", "600 a minute"),
    ("ASCOLTO_CONSOLE_SIGNIN_LIMIT", "ten"),
    ("ASCOLTO_PUBLIC_RATE_LIMIT", "/minute"),
])
def test_a_value_that_would_break_a_process_later_is_refused_at_load_by_name(name, value):
    with pytest.raises(ValueError, match=f"^{name} must be .*{value!r}"):
        load({name: value})


def test_log_levels_and_rate_limits_in_their_usual_forms_are_taken():
    s = load({"ASCOLTO_LOG_LEVEL": "warning", "ASCOLTO_RATE_LIMIT_IP": "60/minute",
              "ASCOLTO_CONSOLE_SIGNIN_LIMIT": "10/5minutes", "ASCOLTO_PUBLIC_RATE_LIMIT": "2 per second",
              "ASCOLTO_RATE_LIMIT_GET": "900/minute"})
    assert (s.log_level, s.rate_limit_ip, s.console_signin_limit, s.public_rate_limit, s.rate_limit_get) == (
        "WARNING", "60/minute", "10/5minutes", "2 per second", "900/minute")
    assert load({}).rate_limit_get == "600/minute"  # the default docs/operations.md states


def test_the_command_line_names_a_bad_variable_instead_of_a_traceback(monkeypatch):
    from click.testing import CliRunner

    from ascolto.cli import main

    monkeypatch.setenv("ASCOLTO_LOG_LEVEL", "verbose")
    result = CliRunner().invoke(main, ["processor", "check"])
    assert result.exit_code == 2 and result.exception is not None and isinstance(result.exception, SystemExit)
    assert "ASCOLTO_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL" in result.output


def test_gunicorn_configuration_takes_its_values_from_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("ASCOLTO_WORKERS", "3")
    monkeypatch.setenv("ASCOLTO_THREADS", "5")
    monkeypatch.setenv("ASCOLTO_LOG_LEVEL", "warning")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert (conf["workers"], conf["threads"], conf["logconfig_dict"]["root"]["level"]) == (3, 5, "WARNING")


def test_gunicorn_removes_only_the_metrics_directory_it_made_and_none_a_re_executed_master_uses(monkeypatch, tmp_path):
    """A configured ``PROMETHEUS_MULTIPROC_DIR`` is its owner's: kept. The one a master made is removed by its
    ``on_exit`` (the real gunicorn: tests/test_up_stop.py), unless the master re-executed by ``USR2`` runs
    on and inherited it (gunicorn gives it ``cfg.env_orig``)."""
    import tempfile
    from types import SimpleNamespace

    configured = tmp_path / "configured"
    configured.mkdir()
    (configured / "counter_1.db").write_bytes(b"")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(configured))
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    conf["on_exit"](SimpleNamespace(reexec_pid=0, cfg=SimpleNamespace(env_orig={})))
    assert (configured / "counter_1.db").exists()

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    for reexec_pid, kept in ((1234, True), (0, False)):
        conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
        made = os.environ.pop("PROMETHEUS_MULTIPROC_DIR")
        assert Path(made).parent == tmp_path / "tmp" and Path(made).name.startswith("ascolto-metrics-")
        conf["on_exit"](SimpleNamespace(reexec_pid=reexec_pid, cfg=SimpleNamespace(
            env_orig={"PROMETHEUS_MULTIPROC_DIR": made})))
        assert Path(made).is_dir() is kept, reexec_pid


def test_the_ascolto_package_keeps_only_the_command_line():
    names = sorted(p.name for p in (ROOT / "ascolto").glob("*.py"))
    assert {"__init__.py", "cli.py", "cli_export.py", "cli_registry.py"} <= set(names)
    assert all(n in ("__init__.py", "__main__.py") or n.startswith("cli") for n in names), names  # __main__: python -m ascolto


_ACCESS_LOG_PROBE = """
import json, runpy, sys
from gunicorn.config import Config
conf = runpy.run_path(sys.argv[1])
cfg = Config()
for name in ("logconfig_dict", "logger_class"):
    cfg.set(name, conf[name])
if sys.argv[2] == "INFO":
    cfg.set("logconfig_dict", {**conf["logconfig_dict"], "loggers": {
        **conf["logconfig_dict"]["loggers"], "gunicorn.access": {"level": "INFO", "handlers": ["stderr"]}}})
log = cfg.logger_class(cfg)
built = []
log.atoms = lambda *args: built.append(1) or {}
log.access(None, None, {}, None)
print(json.dumps([type(log).__module__, log.access_log_enabled, len(built)]))
"""


@pytest.mark.parametrize("level, enabled", [("WARNING", False), ("INFO", True)])
def test_gunicorn_builds_an_access_log_line_only_when_its_logger_keeps_it(tmp_path, level, enabled):
    """Our logging never keeps gunicorn's access lines (no client addresses are logged), so the
    servers must not build one per request (issue 18: ~17 % of a bare handler's CPU)."""
    import json
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", _ACCESS_LOG_PROBE, str(ROOT / "deploy" / "gunicorn.conf.py"), level],
                         capture_output=True, text=True, env=env, cwd=tmp_path, check=True)
    assert json.loads(out.stdout.splitlines()[-1]) == ["deploy.gunicorn_logging", enabled, int(enabled)]


@pytest.mark.parametrize("url, message", [
    ("postgres//ascolto:s3cr3t-pw@db/ascolto", "is not a database URL"),      # was: SQLAlchemy's ArgumentError traceback
    ("mysql://ascolto:s3cr3t-pw@db/ascolto", "got the scheme 'mysql'"),        # was: No module named 'MySQLdb'
    ("postgresql+asyncpg://ascolto:s3cr3t-pw@db/ascolto", "got the scheme 'postgresql+asyncpg'"),
])
def test_a_database_url_the_registry_cannot_open_is_refused_by_name_without_its_password(url, message):
    with pytest.raises(ValueError, match="^ASCOLTO_DATABASE_URL ") as caught:
        load({"ASCOLTO_DATABASE_URL": url})
    assert message in str(caught.value) and "s3cr3t-pw" not in str(caught.value)


@pytest.mark.parametrize("url", ["postgresql://ascolto:pw@db:5432/ascolto", "postgres://ascolto:pw@db/ascolto",
                                 "postgresql+psycopg2://ascolto:pw@db/ascolto", "sqlite:////var/lib/ascolto/r.db"])
def test_the_database_urls_the_registry_supports_are_taken_as_given(url):
    assert load({"ASCOLTO_DATABASE_URL": url}).database_url == url


@pytest.mark.parametrize("env, name", [
    ({"ASCOLTO_DISCLOSURE_MIN_N": "1"}, "ASCOLTO_DISCLOSURE_MIN_N"),
    ({"ASCOLTO_MICRODATA_K": "1"}, "ASCOLTO_MICRODATA_K"),
    ({"ASCOLTO_CKM_D": "0"}, "ASCOLTO_CKM_D"),
    ({"ASCOLTO_CKM_V": "0"}, "ASCOLTO_CKM_V"),
    ({"ASCOLTO_DISCLOSURE_MIN_N": "10", "ASCOLTO_RELIABILITY_MIN_N": "5"}, "ASCOLTO_RELIABILITY_MIN_N"),
])
def test_a_secrecy_parameter_that_would_weaken_the_protection_is_refused_by_name(env, name):
    """ASCOLTO_DISCLOSURE_MIN_N=1 or ASCOLTO_MICRODATA_K=1 (a typo for 10) was taken: every cell of
    one response published, every microdata row released. DESIGN §7 sets the floor (perturbed n < 3
    shows neither value nor n); an operator may make the protection stricter, never weaker."""
    with pytest.raises(ValueError, match=name):
        load(env)


def test_stricter_secrecy_parameters_are_taken():
    s = load({"ASCOLTO_DISCLOSURE_MIN_N": "5", "ASCOLTO_MICRODATA_K": "10", "ASCOLTO_CKM_D": "3",
                           "ASCOLTO_CKM_V": "1.5", "ASCOLTO_RELIABILITY_MIN_N": "5"})
    assert (s.disclosure_min_n, s.microdata_k, s.ckm_max_deviation, s.ckm_variance, s.reliability_min_n) == (5, 10, 3, 1.5, 5)


@pytest.mark.parametrize("name, value, words", [
    ("ASCOLTO_COLLECTOR_PORT", "70000", "a TCP port, from 1 to 65535"),  # gunicorn: OverflowError traceback
    ("ASCOLTO_CONSOLE_PORT", "0", "a TCP port, from 1 to 65535"),
    ("ASCOLTO_PUBLIC_PORT", "-1", "a TCP port"),
    ("ASCOLTO_WORKERS", "0", "at least 1"),  # a collector master that listened and served nobody
    ("ASCOLTO_SPOOL_MAX_BYTES", "-1", "at least 1"),  # every submission refused 503
    ("ASCOLTO_BATCH_MAX_RECORDS", "0", "at least 1"),
    ("ASCOLTO_DLQ_MAX_RATIO", "1.5", "from 0 to 1"),
    ("ASCOLTO_PRODUCE_TIMEOUT_S", "0", "at least"),
])
def test_a_number_out_of_its_range_is_refused_at_load_by_name(name, value, words):
    with pytest.raises(ValueError, match=f"^{name} must be .*{words}.*got {value!r}"):
        load({name: value})


def test_numbers_at_the_ends_of_their_ranges_are_taken():
    s = load({"ASCOLTO_COLLECTOR_PORT": "65535", "ASCOLTO_BROKER_PORT": "0", "ASCOLTO_WORKERS": "1",
              "ASCOLTO_DLQ_WINDOW": "0", "ASCOLTO_DLQ_MAX_RATIO": "1", "ASCOLTO_REGISTRY_STALE_S": "0"})
    assert (s.collector_port, s.broker_port, s.workers, s.dlq_window, s.dlq_max_ratio, s.registry_stale_s) == (
        65535, 0, 1, 0, 1.0, 0.0)


@pytest.mark.parametrize("value", ["kafka:abc", "kafka:", ":9092", "kafka:70000", "a:1:2", "k0:9092,,k1:9092", "[::1"])
def test_a_malformed_broker_list_is_refused_by_name(value):
    # kafka-python's "invalid literal for int()" traceback from the processor's bootstrap, before
    with pytest.raises(ValueError, match=f"^ASCOLTO_BROKER must be .*HOST:PORT.*{re.escape(repr(value))}"):
        load({"ASCOLTO_BROKER": value})


@pytest.mark.parametrize("value", ["127.0.0.1:9092", "kafka-0:9092, kafka-1:9092,kafka-2:9092", "kafka", "[::1]:9092"])
def test_broker_lists_in_their_usual_forms_are_taken(value):
    assert load({"ASCOLTO_BROKER": value}).broker == value


@pytest.mark.parametrize("query", ["connect_timeout=abc", "connect_timeout=2.5", "keepalives_idle=x"])
def test_a_malformed_libpq_number_in_the_database_url_is_refused_by_name(query):
    # registry.deadline's float() traceback from the first connection, before
    with pytest.raises(ValueError, match=f"^ASCOLTO_DATABASE_URL's {query.split('=')[0]} must be a whole number"):
        load({"ASCOLTO_DATABASE_URL": f"postgresql://u:secret@db:5432/ascolto?{query}"})
    assert load({"ASCOLTO_DATABASE_URL": "postgresql://u@db/ascolto?connect_timeout=5&keepalives_idle=30"})


@pytest.mark.parametrize("name", ["ASCOLTO_RATE_LIMIT_ENABLED", "ASCOLTO_CONSOLE_SECURE_COOKIE"])
def test_a_switch_takes_the_usual_words_and_refuses_others_by_name(name):
    attr = {"ASCOLTO_RATE_LIMIT_ENABLED": "rate_limit_enabled", "ASCOLTO_CONSOLE_SECURE_COOKIE": "console_secure_cookie"}[name]
    for off in ("0", "false", "No", "OFF"):
        assert getattr(load({name: off}), attr) is False
    for on in ("1", "true", "YES", "on", ""):
        assert getattr(load({name: on}), attr) is True
    # "disabled" left the switch on, without a word
    with pytest.raises(ValueError, match=f"^{name} must be 1 or 0 .*'disabled'"):
        load({name: "disabled"})


@pytest.mark.parametrize("value", ["notaurl", "http://cache:6379", "redis://", "memory://"])
def test_a_redis_url_that_is_not_one_is_refused_without_showing_it(value):
    # every collector worker failed to boot with limits' "unknown storage scheme" traceback
    with pytest.raises(ValueError, match="^ASCOLTO_REDIS_URL must be a Redis URL") as got:
        load({"ASCOLTO_REDIS_URL": value})
    assert value not in str(got.value) or value.endswith("://")


def test_redis_urls_in_their_usual_forms_are_taken():
    for value in ("redis://redis:6379/0", "rediss://:secret@cache.internal:6380/1", "redis+unix:///run/redis.sock"):
        assert load({"ASCOLTO_REDIS_URL": value}).redis_url == value


@pytest.mark.parametrize("name", ["ASCOLTO_PUBLIC_URL", "ASCOLTO_COLLECTOR_INTERNAL_URL", "ASCOLTO_COLLECTOR_METRICS_URL"])
def test_an_address_without_its_scheme_is_refused_by_name(name):
    # "collector:8000": the console's operator page answered 500 (urllib's "unknown url type"), the
    # snippets of add-service pointed nowhere
    with pytest.raises(ValueError, match=f"^{name} must be an http\\(s\\) URL"):
        load({name: "collector:8000"})
    assert load({name: "http://collector:8000/"}) is not None
