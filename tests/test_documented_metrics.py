"""Every metric the operations guide promises (docs/operations.md, docs/processor.md: the alert table and the
rules) is exported under that name: the collector's by a scrape of its /metrics, the processor's in its
textfile. An alert written against a name nobody exports never fires."""
from __future__ import annotations

import re
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "docs" / "operations.md", ROOT / "docs" / "processor.md"]
#: ``ascolto_…`` words of the docs that are not metric names (nginx's log format, a label value)
NOT_METRICS = {"ascolto_noip", "ascolto_collector"}
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}


def documented(prefix: str) -> set[str]:
    names = set()
    for doc in DOCS:
        names.update(re.findall(r"\b(ascolto_[a-z0-9_]+)", doc.read_text("utf-8")))
    return {n for n in names - NOT_METRICS if n.startswith(prefix)}


def exported(text: str) -> set[str]:
    """Every sample name the exposition text can hold: a labelled family without a child yet has a
    TYPE line and no sample, so names are derived from the families and their types."""
    names = set()
    for family in text_string_to_metric_families(text):
        names.update(family.name + suffix for suffix in SUFFIXES.get(family.type, ("",)))
        names.add(family.name)  # a histogram's own name, as the docs name it
        names.update(s.name for s in family.samples)
    return names


def test_the_collectors_documented_metrics_are_scraped_under_their_names(client):
    text = client.get("/metrics").get_data(as_text=True)
    others = {n for n in documented("ascolto_") if n.startswith(("ascolto_processor_", "ascolto_console_"))}
    missing = documented("ascolto_") - others - exported(text)
    assert not missing, f"documented, not exported by the collector: {sorted(missing)}"


def test_the_consoles_documented_metrics_are_scraped_under_their_names(tmp_path):
    from registry import connect
    from settings import Settings
    from warehouse.console import create_app

    settings = Settings(data_dir=tmp_path)
    connect(settings.database_url)
    text = create_app(settings).test_client().get("/metrics").get_data(as_text=True)
    wanted = documented("ascolto_console_") | documented("ascolto_registry_breaker_")
    assert documented("ascolto_console_") and not wanted - exported(text), sorted(wanted - exported(text))


def test_the_processors_documented_metrics_are_in_its_textfile(tmp_path):
    from processor.metrics import Metrics

    path = tmp_path / "metrics" / "processor-1.prom"
    Metrics(path, "1").write()
    missing = documented("ascolto_processor_") - exported(path.read_text())
    assert not missing, f"documented, not in the processor's textfile: {sorted(missing)}"
