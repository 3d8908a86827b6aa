"""``ascolto publish --revise`` counts a revision by the published figures, not by the files' bytes.

JSON-stat's ``updated`` is the day of the newest response in *any* period (the reference metadata's
``data_as_of``, the quarter's own), so a response in a later quarter changes the file while the quarter's protected
cells stay the same: that republication is refused as unchanged and writes nothing. Late responses
in the quarter change its cells: that one is a revision, and says how many observations it changed.
A release's SDMX structure links to its own reference metadata on the public site.
Real DuckDB/Parquet data, the real CLI, the real public site; no mocks."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ascolto.cli import main
from settings import Settings
from warehouse.publish import catalog

from .warehouse_rows import response, write

Q = "2026-Q3"
SITE = "https://ascolto.example.gov.it"


@pytest.fixture
def released(tmp_path):
    """A small quarter (30 responses a month) released as v1; returns (data dir, releases dir, env)."""
    data, rel = tmp_path / "data", tmp_path / "rel"
    write(data, [response(period=m, satisfaction=4) for m in ("2026-07", "2026-08", "2026-09") for _ in range(30)])
    env = {"ASCOLTO_DATA_DIR": str(data), "ASCOLTO_RELEASES_DIR": str(rel), "ASCOLTO_PUBLIC_SITE_URL": SITE}
    first = _publish(env)
    assert first.exit_code == 0 and f"{Q} v1: first release" in first.output, first.output
    return data, rel, env


def _publish(env, *args):
    return CliRunner().invoke(main, ["publish", "--period", Q, *args], env=env)


def _jsonstat_updated(data, rel) -> tuple[str, str]:
    """JSON-stat ``updated`` of the release v1, and of the quarter exported now."""
    from warehouse import export
    from warehouse.dataset import Warehouse

    with Warehouse(Settings(data_dir=data)) as wh:
        df = export.publication_table(wh.cursor(), "Q", Q, Q)
    now = json.loads(export.render(df, "jsonstat", "Q")[0])["updated"]
    return json.loads((rel / Q / "v1" / "table.jsonstat.json").read_text("utf-8"))["updated"], now


def test_a_republication_with_identical_figures_is_not_a_revision(released):
    data, rel, env = released
    write(data, [response(period="2026-10", day=20, satisfaction=1)])  # a response of the next quarter
    before, now = _jsonstat_updated(data, rel)
    assert before != now  # the bytes of the JSON-stat would differ: the newest response is newer
    r = _publish(env, "--revise", "--note", "nightly republication")
    assert r.exit_code == 1, r.output  # refused by what is stored: exit 1
    assert "has not changed since v1: its published figures are identical" in r.output
    assert "none revised, added or removed" in r.output
    assert [m["version"] for m in catalog(rel)[Q]] == [1]
    assert sorted(p.name for p in (rel / Q).iterdir()) == ["v1"]  # nothing written, not even a temporary


def test_a_republication_with_changed_figures_is_a_revision_that_says_what_changed(released):
    data, rel, env = released
    write(data, [response(period="2026-09", satisfaction=1) for _ in range(30)])  # late answers of the quarter
    r = _publish(env, "--revise", "--note", "late files")
    assert r.exit_code == 0, r.output
    changes = catalog(rel)[Q][1]["changes"]
    assert changes["revised"] > 0 and changes["added"] == changes["removed"] == 0
    assert (f"{Q} v2: {changes['revised']} observations revised, 0 added, 0 removed, "
            f"{changes['unchanged']} unchanged") in r.output
    assert r.stdout.strip().endswith(f"{Q}/v2")  # the last line of stdout is the release (for scripts)


def test_a_releases_structure_links_to_its_reference_metadata_on_the_public_site(released):
    from pysdmx.io import read_sdmx

    from warehouse.public import create_app

    data, rel, _ = released
    release = rel / Q / "v1"
    [flow] = read_sdmx((release / "structure.xml").read_text("utf-8"), validate=True).get_dataflows()
    links = {a.id: a for a in flow.annotations}
    url = links["REFERENCE_METADATA"].url
    assert url == f"{SITE}/releases/{Q}/v1/metadata.json" and links["REFERENCE_METADATA"].type == "REFERENCE_METADATA"
    assert links["METHODOLOGY"].url == f"{SITE}/en/methodology"
    # the link resolves on the public site to the quarter's reference metadata, those of its JSON-stat
    site = create_app(Settings(data_dir=data, releases_dir=str(rel), public_rate_limit="100000/minute"))
    served = site.test_client().get(url.removeprefix(SITE))
    assert served.status_code == 200
    stat = json.loads((release / "table.jsonstat.json").read_text("utf-8"))
    assert json.loads(served.get_data()) == stat["extension"]["reference_metadata"]


def test_who_published_and_revised_a_quarter_is_in_the_registrys_audit_log_not_in_the_release(tmp_path):
    """Official figures and their revisions: the audit log says who released which version and why.
    The public manifest names no person (it is served on the public site)."""
    from registry import AuditEntry, connect, session_scope

    data, rel = tmp_path / "data", tmp_path / "rel"
    write(data, [response(period=m, satisfaction=4) for m in ("2026-07", "2026-08", "2026-09") for _ in range(30)])
    factory = connect(f"sqlite:///{data / 'registry.db'}")  # the stack's registry, beside its data
    env = {"ASCOLTO_DATA_DIR": str(data), "ASCOLTO_RELEASES_DIR": str(rel)}
    assert _publish({**env, "ASCOLTO_ACTOR": "istat:mrossi"}).exit_code == 0
    write(data, [response(period="2026-09", satisfaction=1) for _ in range(30)])
    revised = _publish(env, "--revise", "--note", "late files", "--actor", "istat:lbianchi")
    assert revised.exit_code == 0, revised.output
    with session_scope(factory) as s:
        log = [(e.actor, e.action, e.object_key, e.after["note"], e.after["supersedes"])
               for e in s.query(AuditEntry).filter_by(object_type="release").order_by(AuditEntry.id)]
    assert log == [("istat:mrossi", "publish", f"{Q}/v1", None, None),
                   ("istat:lbianchi", "revise", f"{Q}/v2", "late files", "v1")]
    listed = CliRunner().invoke(main, ["registry", "log", "--type", "release"], env=env)
    assert listed.exit_code == 0 and f"{Q}/v2" in listed.output and "istat:lbianchi" in listed.output
    for manifest in catalog(rel)[Q]:
        assert "mrossi" not in json.dumps(manifest) and "lbianchi" not in json.dumps(manifest)


def test_a_release_whose_audit_entry_cannot_be_written_stands_and_says_so(tmp_path):
    from deploy.broker import free_port

    data, rel = tmp_path / "data", tmp_path / "rel"
    write(data, [response(period=m, satisfaction=4) for m in ("2026-07", "2026-08", "2026-09") for _ in range(30)])
    nobody = f"postgresql+psycopg2://ascolto@127.0.0.1:{free_port()}/ascolto?connect_timeout=2"  # nothing listens
    r = _publish({"ASCOLTO_DATA_DIR": str(data), "ASCOLTO_RELEASES_DIR": str(rel), "ASCOLTO_DATABASE_URL": nobody})
    assert r.exit_code == 1
    assert f"{Q}/v1 was released" in r.output and "audit log could not be written" in r.output
    assert [m["version"] for m in catalog(rel)[Q]] == [1]  # the release itself is made and verified


def test_a_release_carries_its_reference_metadata_in_italian_too(released):
    """The release's ``metadata.json`` was English only, and its S.7 said the method in English whatever the
    language: an Istat reader of an Italian release (its codelists are Italian and English, its pages
    Italian first) found no Italian quality report. ``metadata.it.json`` is the same report in Italian —
    the concepts as Istat names them, the method too — with the same sub-keys and numbers; the public site
    lists and serves it."""
    from warehouse.public import create_app

    data, rel, _ = released
    release = rel / Q / "v1"
    en = json.loads((release / "metadata.json").read_text("utf-8"))
    it = json.loads((release / "metadata.it.json").read_text("utf-8"))
    assert (en["language"], it["language"]) == ("en", "it")
    s7 = it["S.7 Riservatezza"]
    assert s7["method"].startswith("metodo cell-key") and s7["documentation"] == f"{SITE}/it/methodology"
    assert en["S.7 Confidentiality"]["method"].startswith("cell-key method")
    assert {k: v for k, v in s7.items() if k not in ("method", "documentation", "text")} == \
        {k: v for k, v in en["S.7 Confidentiality"].items() if k not in ("method", "documentation", "text")}
    assert it["S.3 Presentazione statistica"]["S.3.8 Copertura temporale"] == \
        en["S.3 Statistical presentation"]["S.3.8 Time coverage"]
    manifest = json.loads((release / "manifest.json").read_text("utf-8"))
    assert "metadata.it.json" in manifest["files"]
    site = create_app(Settings(data_dir=data, releases_dir=str(rel), public_rate_limit="100000/minute")).test_client()
    assert json.loads(site.get(f"/releases/{Q}/v1/metadata.it.json").get_data()) == it
    page = site.get(f"/it/{Q}").get_data(as_text=True)
    assert "metadata.it.json" in page and "(JSON, in italiano)" in page
