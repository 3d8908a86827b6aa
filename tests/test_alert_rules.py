"""The shipped Prometheus rules (deploy/prometheus/alerts.yml): the alerts of docs/operations.md, which
were only documented. They parse as Prometheus rule groups, every metric they name is one the code
exports (or, for the Kafka exporter's, one the guide tells to scrape), the runbook names every alert,
and ``promtool check rules`` accepts them where promtool is installed."""
from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from tests.conftest import ORIGIN, processor_metrics_hold, submission
from tests.test_documented_metrics import DOCS, ROOT, documented

RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
OPERATIONS = ROOT / "docs" / "operations.md"
DURATION = re.compile(r"^[0-9]+[smhdwy]$")


def rules() -> list[dict]:
    doc = yaml.safe_load(RULES.read_text("utf-8"))
    assert set(doc) == {"groups"} and doc["groups"]
    return [rule for group in doc["groups"] for rule in group["rules"]]


def test_the_rules_have_the_shape_of_prometheus_rule_groups():
    groups = yaml.safe_load(RULES.read_text("utf-8"))["groups"]
    assert len({g["name"] for g in groups}) == len(groups)
    for group in groups:
        assert set(group) == {"name", "rules"} and group["rules"], group["name"]
    names = [r["alert"] for r in rules()]
    assert len(set(names)) == len(names), "alert names are unique"
    for rule in rules():
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert re.fullmatch(r"Ascolto[A-Z][A-Za-z0-9]+", rule["alert"])
        assert isinstance(rule["expr"], str) and rule["expr"].strip()
        assert DURATION.match(rule["for"]), rule["alert"]
        assert rule["labels"]["severity"] in ("warning", "critical"), rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], rule["alert"]


def test_every_metric_an_alert_reads_is_exported_or_documented():
    """An ``ascolto_…`` name must be one the docs promise — which tests/test_documented_metrics.py checks
    the collector and the processors export; another exporter's must be named in the guide."""
    ours = documented("ascolto_")
    guide = "".join(doc.read_text("utf-8") for doc in DOCS)
    for rule in rules():
        names = set(re.findall(r"\b([a-z_]+_[a-z0-9_]+)\s*[{\[)]", rule["expr"])) | set(
            re.findall(r"\b(ascolto_[a-z0-9_]+)", rule["expr"]))
        names -= {"histogram_quantile"}
        assert names, rule["alert"]
        for name in names:
            if name.startswith("ascolto_"):
                family = re.sub(r"_(bucket|sum|count)$", "", name)  # a histogram's series, documented by its name
                assert name in ours or family in ours, (rule["alert"], name)
            else:
                assert f"`{name}`" in guide, (rule["alert"], name)


def test_the_runbook_ships_and_names_every_alert():
    guide = OPERATIONS.read_text("utf-8")
    assert "deploy/prometheus/alerts.yml" in guide
    missing = [r["alert"] for r in rules() if r["alert"] not in guide]
    assert not missing, f"alerts the runbook does not name: {missing}"


def test_a_processor_alert_names_the_processor_not_the_textfile_exporter(settings, processor_factory):
    """The processors' metrics are textfiles in one shared directory, scraped through a node_exporter (or a
    sidecar): their ``instance`` label is that exporter's address, the same for every member, and each
    sample names its member in ``processor`` instead. The processor alerts said "Processor node-1:9100
    halted", naming no processor. Checked against a real processor's textfile."""
    from prometheus_client.parser import text_string_to_metric_families

    p = processor_factory()
    text = processor_metrics_hold(settings, "ascolto_processor_halted 0.0")
    p.close()
    labels = {s.name: set(s.labels) for f in text_string_to_metric_families(text) for s in f.samples}
    checked = 0
    for rule in rules():
        names = set(re.findall(r"\b(ascolto_processor_[a-z0-9_]+)", rule["expr"]))
        if not names:
            continue
        assert "$labels.instance" not in " ".join(rule["annotations"].values()), rule["alert"]
        if re.search(r"\b(sum|max|min|avg|count|histogram_quantile)\b", rule["expr"]):
            continue  # aggregated: no member to name
        assert "{{ $labels.processor }}" in rule["annotations"]["summary"], rule["alert"]
        for name in names & set(labels):
            assert "processor" in labels[name], (rule["alert"], name)
            checked += 1
    assert checked >= 2  # the halt and the textfile's age at least


def test_promtool_accepts_the_rules():
    beside = Path(sys.executable).with_name("promtool")  # make test puts it in the venv (the Makefile)
    promtool = str(beside) if beside.exists() else shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed on this machine (the Prometheus package ships it; `make test` fetches it)")
    done = subprocess.run([promtool, "check", "rules", str(RULES)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_collector_500_is_counted_for_the_5xx_alert_and_logged_without_parameters(settings, db_url, caplog):
    """AscoltoCollector5xx reads ``reason="internal"``: a 500 was only a log line, never counted. A real
    one: a PostgreSQL registry whose ``service`` table lost a column (UndefinedColumn, not a missing table)."""
    from collector import metrics
    from collector.app import close_app, create_app
    from registry import connect, dispose, session_scope
    from registry.demo import seed

    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite reports a missing column as an OperationalError: registry_unavailable, not a 500")
    factory = connect(db_url)
    seed(factory, [ORIGIN])
    with session_scope(factory) as s:
        s.execute(text("ALTER TABLE service RENAME COLUMN sampling_rate TO sampling_rate_gone"))
    dispose(factory)
    app = create_app(settings.with_(database_url=db_url))
    try:
        before = metrics.REJECTED.labels("internal", "unknown")._value.get()
        with caplog.at_level(logging.ERROR):
            resp = app.test_client().post("/v1/submissions", json=submission(), headers={"Origin": ORIGIN})
        assert resp.status_code == 500 and resp.get_json()["error"] == "internal"
        assert metrics.REJECTED.labels("internal", "unknown")._value.get() == before + 1
        logged = caplog.text
        assert "sampling_rate" in logged and "[SQL parameters hidden due to hide_parameters=True]" in logged
        assert "demo-roma-anagrafe" not in logged  # the looked-up key was a bound parameter
    finally:
        close_app(app)
