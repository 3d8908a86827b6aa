"""Settings are read in one place: ``settings.load()``; gunicorn, logging and the CLI take their values."""
from __future__ import annotations

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


def test_gunicorn_configuration_takes_its_values_from_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("ASCOLTO_WORKERS", "3")
    monkeypatch.setenv("ASCOLTO_THREADS", "5")
    monkeypatch.setenv("ASCOLTO_LOG_LEVEL", "warning")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert (conf["workers"], conf["threads"], conf["logconfig_dict"]["root"]["level"]) == (3, 5, "WARNING")


def test_the_ascolto_package_keeps_only_the_command_line():
    names = sorted(p.name for p in (ROOT / "ascolto").glob("*.py"))
    assert {"__init__.py", "cli.py", "cli_export.py", "cli_registry.py"} <= set(names)
    assert all(n == "__init__.py" or n.startswith("cli") for n in names), names
