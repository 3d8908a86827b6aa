"""DESIGN.md's contracts between the parts that no other test pins cheaply: the CLI of §9 and §11 (every
command with its flags and defaults), the Kafka records of §5 (topic names, the envelope's fields, the
batch's schema name, the dead letter's topic, key and reason header), what the collector's /openapi.json
says 202 and /readyz mean (§4 as built), and that the docs name only modules, functions and files that
exist. Static or in memory: no broker, no registry, no data. The rest of the collector's HTTP contract (§4)
is pinned by tests/test_collector*.py, the record key on the topic by tests/test_collector.py's first test
and tests/test_shipper.py.
"""
from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import click
import pytest

from ascolto.cli import main
from processor.consumer import Processor, _Rebalance
from questionnaires.envelope import BATCH_SCHEMA, ENVELOPE_SCHEMA, encode_record, make_envelope
from settings import Settings

from .processor_fakes import FakeClock, FakeConsumer, FakeLookup, FakeProducer, record_value, submission

ROOT = Path(__file__).resolve().parent.parent


def _command(path: str) -> click.Command:
    cmd: click.Command = main
    for name in path.split()[1:]:
        assert isinstance(cmd, click.Group) and name in cmd.commands, f"DESIGN names `{path}`: not a command"
        cmd = cmd.commands[name]
    return cmd


def _option(path: str, flag: str) -> click.Option:
    found = [p for p in _command(path).params if isinstance(p, click.Option) and flag in p.opts]
    assert found, f"DESIGN names `{path} {flag}`: no such option"
    return found[0]


@pytest.mark.parametrize("path", [
    "ascolto up", "ascolto collector", "ascolto processor", "ascolto console", "ascolto registry",
    "ascolto questionnaires check", "ascolto questionnaires codebook", "ascolto export", "ascolto demo",
    "ascolto publish"])
def test_every_command_of_design_9_and_11_exists(path):
    assert _command(path).help


def test_export_writes_the_five_formats_of_design_7_and_9():
    fmt = _option("ascolto export", "--format")
    assert {"csv", "parquet", "sdmx-csv", "jsonstat", "datapackage"} <= set(fmt.type.choices)
    assert fmt.required


def test_demo_takes_responses_and_publish_a_quarter():
    assert isinstance(_option("ascolto demo", "--responses").type, click.types.IntParamType)  # N: a count (≥ 1)
    period = _option("ascolto publish", "--period")
    assert period.required and "YYYY-Qn" in period.help


def test_up_listens_where_design_9_says_configured_by_ascolto_variables():
    from settings import load

    s = load({})
    assert (s.collector_port, s.console_port) == (8000, 8001)
    s = load({"ASCOLTO_COLLECTOR_PORT": "9000", "ASCOLTO_CONSOLE_PORT": "9001", "ASCOLTO_BROKER": "kafka:9092",
              "ASCOLTO_DATABASE_URL": "postgresql://db/ascolto", "ASCOLTO_DATA_DIR": "/srv/ascolto"})
    assert (s.collector_port, s.console_port, s.broker, s.database_url, str(s.data_dir)) == (
        9000, 9001, "kafka:9092", "postgresql://db/ascolto", "/srv/ascolto")


def test_every_reading_command_says_the_same_of_where_it_finds_its_data():
    """``export``, ``indicators``, ``warehouse`` and ``publish`` all find their data with
    ``ascolto.cli_datadir.locate_dataset`` (the var/ of the working directory or a parent): their
    ``--data-dir`` help says so in the same words (publish's said "else var/")."""
    helps = {path: " ".join(_option(path, "--data-dir").help.split())
             for path in ("ascolto export", "ascolto indicators", "ascolto warehouse refresh",
                          "ascolto warehouse status", "ascolto publish")}
    assert len(set(helps.values())) == 1, helps
    assert "the var/ of the working directory or a parent" in helps["ascolto publish"]


def test_the_topics_are_named_as_design_5_says():
    s = Settings()
    assert (s.topic, s.dlq_topic) == ("ascolto.submissions", "ascolto.submissions.dlq")


def test_the_envelope_has_design_5s_fields_and_a_batch_says_so_in_its_schema_name():
    sub = submission()
    env = make_envelope(sub, collector="c1", device="mobile")
    assert env["schema"] == ENVELOPE_SCHEMA == "ascolto.submission/1"
    assert set(env) == {"schema", "received_at", "collector", "device", "submission"}
    assert env["submission"] == sub and env["received_at"].endswith("Z")
    assert json.loads(encode_record([env])) == env  # one envelope: the record is the envelope itself
    batch = json.loads(encode_record([env, env]))
    assert batch["schema"] == BATCH_SCHEMA != ENVELOPE_SCHEMA and "batch" in BATCH_SCHEMA
    assert batch["envelopes"] == [env, env]


def test_a_dead_letter_goes_to_the_dlq_topic_with_its_service_key_and_the_reason_in_headers(tmp_path):
    """§5: what the processor cannot accept goes to ``ascolto.submissions.dlq`` with the reason in
    headers; keyed like the record it came from (the service key), so its origin is findable."""
    s = Settings(data_dir=tmp_path / "data", batch_max_records=50, batch_max_seconds=0.0, dlq_window=0)
    log = {0: [(b"svc-a", record_value(submission())), (b"svc-a", b"\x00 poison"),
               (b"svc-b", record_value(submission("svc-unknown")))]}
    consumer, producer = FakeConsumer(s.topic, log), FakeProducer()
    proc = Processor(s, consumer=consumer, producer=producer, lookup=FakeLookup(), clock=FakeClock())
    consumer.subscribe([s.topic], listener=_Rebalance(proc))
    for _ in range(50):
        proc.step(timeout_ms=0)
        if consumer.caught_up():
            break
    proc.flush()
    assert consumer.committed == {0: 3}
    assert [(m["topic"], m["key"], m["headers"]["ascolto.reason"]) for m in producer.sent] == [
        ("ascolto.submissions.dlq", b"svc-a", b"undecodable"),
        ("ascolto.submissions.dlq", b"svc-b", b"unknown_service")]
    assert producer.sent[1]["headers"]["ascolto.source"] == b"ascolto.submissions/0/2"


# -- the docs name what is built ---------------------------------------------------------------------

_PACKAGES = ("settings", "privacy", "questionnaires", "dataset", "registry", "collector", "processor", "warehouse",
             "deploy")
#: docs/performance.md and its record of passes name what was tried and removed, on purpose
_DOCS = sorted(p for p in (ROOT / "docs").glob("*.md") if not p.name.startswith("performance")) + [ROOT / "README.md"]
_FILES_MADE_BY_OPERATORS = {"deploy/k8s/secrets.env", "deploy/compose/.env"}  # from their committed examples


def _named(text: str) -> tuple[set[str], set[str]]:
    """The dotted names (``warehouse.protect.publish``) and the paths (``collector/faces.py``) a doc puts in
    backticks, for the project's packages (``ascolto.…`` in backticks is mostly a topic, header or logger)."""
    dotted, paths = set(), set()
    for ref in re.findall(r"`([^`\s]+)`", text):
        ref = re.sub(r"\(.*$", "", ref).rstrip(".,;:")
        if re.fullmatch(r"(%s)\.[A-Za-z_][\w.]*" % "|".join(_PACKAGES), ref) \
                and not ref.endswith((".env", ".py", ".md", ".json")):  # a file's name, not a module's
            dotted.add(ref)
        elif re.match(r"(%s|tests|bench)/" % "|".join(_PACKAGES), ref) and not re.search(r"[*<{]", ref):
            paths.add(ref.rstrip("/"))
    return dotted, paths


def _resolves(ref: str) -> bool:
    parts = ref.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for name in parts[i:]:
            if not hasattr(obj, name):
                return False
            obj = getattr(obj, name)
        return True
    return False


@pytest.mark.parametrize("doc", _DOCS, ids=lambda p: p.name)
def test_every_module_function_and_file_a_doc_names_exists(doc):
    """A doc that names ``warehouse.protect.publish_item_nonresponse`` (never re-exported there),
    ``warehouse.console.i18n.refusal`` (it is ``i18n_refusals``) or a moved file sends its reader to
    nothing: each name in backticks resolves by import, each path exists."""
    dotted, paths = _named(doc.read_text(encoding="utf-8"))
    missing = sorted(r for r in dotted if not _resolves(r))
    missing += sorted(p for p in paths - _FILES_MADE_BY_OPERATORS if not (ROOT / p).exists())
    assert not missing, f"{doc.name} names what does not exist: {missing}"


def test_the_collectors_openapi_says_what_202_and_readyz_mean_as_built():
    """§4 as built (docs/architecture.md §4): 202 is an fsync in the host's local write-ahead log, which
    the shipper produces to the broker afterwards — never "acknowledged by the broker"; /readyz is 503
    only when that log is full (its body's ``spool_full``), whether or not the broker is up, and there is
    no "spooling" mode any more. The served description said both the old ways."""
    from collector.openapi import openapi_spec

    spec = openapi_spec()
    accepted = spec["paths"]["/v1/submissions"]["post"]["responses"]["202"]["description"]
    assert "write-ahead log" in accepted and "acknowledged by the broker" not in accepted, accepted
    ready = spec["paths"]["/readyz"]["get"]
    unavailable = ready["responses"]["503"]["description"]
    assert "full" in unavailable and "broker" not in unavailable, unavailable
    assert "spooling" not in ready["summary"], ready["summary"]


def test_the_collectors_openapi_names_every_503_it_answers():
    """DESIGN §4 has 503 only when the submission cannot be made durable; the collector also answers 503
    ``registry_unavailable`` (``Retry-After``) when the registry cannot be reached for a service not in its
    cache — it cannot check the origin or the assignment then (collector/errors.py). The served
    description named only the first."""
    from collector.openapi import openapi_spec

    spec = openapi_spec()
    for path in ("/v1/submissions", "/v1/funnel"):
        text = spec["paths"][path]["post"]["responses"]["503"]["description"]
        assert "local log" in text and "registry_unavailable" in text, (path, text)
    # every route that looks its service up in the registry answers that 503 too: the questionnaire, the
    # form and its thank-you page, the kiosk (checked against a registry that does not answer)
    without = sorted(f"{method.upper()} {path}" for path, ops in spec["paths"].items() if path.startswith("/v1/")
                     for method, op in ops.items() if "503" not in op["responses"])
    assert not without, f"no 503 described: {without}"
