"""Reference metadata of the exports (warehouse.refmeta): methods, coverage and revisions said in the files a
statistician receives — ``ascolto export --format metadata``, JSON-stat's and the microdata package's copy."""
from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner
import pytest

from ascolto.cli import main
from settings import Settings
from warehouse.dataset import Warehouse
from warehouse.refmeta import reference_metadata

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods


def _export(data_dir, tmp_path, fmt: str, name: str, *args: str):
    out = tmp_path / name
    result = CliRunner().invoke(main, ["export", "--format", fmt, "--out", str(out), "--data-dir", str(data_dir),
                                       *args])
    assert result.exit_code == 0, result.output
    return out


def test_the_metadata_export_states_methods_coverage_and_revisions(data_dir, tmp_path):
    meta = json.loads(_export(data_dir, tmp_path, "metadata", "meta.json", "--freq", "M", "--from", "2026-10",
                              "--to", "2026-11").read_text("utf-8"))
    assert meta["standard"].startswith("ESS Single Integrated Metadata Structure") and meta["dataflow"]
    cov = meta["S.3 Statistical presentation"]["S.3.8 Time coverage"]
    # five comuni (anagrafe.certificati, 2026-10) in five regions and INPS (previdenza, 2026-11, Lazio)
    assert (cov["first_month"], cov["last_month"], cov["months_with_responses"]) == ("2026-10", "2026-11", 2)
    assert (cov["administrations"], cov["services"], cov["service_types"], cov["regions"]) == (6, 6, 2, 5)
    assert cov["requested"] == {"freq": "M", "from": "2026-10", "to": "2026-11"}
    # methods: what the figures are, how uncertain, and what the intervals leave out
    assert "opt-in" in meta["S.3 Statistical presentation"]["S.3.6 Statistical population"]
    accuracy = meta["S.13 Accuracy and reliability"]
    assert "Wilson" in accuracy["sampling_error"] and "not in the intervals" in accuracy["non_sampling_error"]
    assert meta["S.7 Confidentiality"]["max_deviation"] == 2 and meta["S.7 Confidentiality"]["min_n"] == 3
    # revisions: no running period published, late answers, frozen and versioned releases
    policy = meta["S.17 Data revision"]["policy"]
    assert "still running is not published" in policy and "spool" in policy and "new version" in policy
    assert meta["S.17 Data revision"]["last_period_running"] is False  # 2026-11 has ended (tests run later)
    # the coverage follows the range asked for
    one = json.loads(_export(data_dir, tmp_path, "metadata", "one.json", "--freq", "M", "--from", "2026-11",
                             "--to", "2026-11").read_text("utf-8"))
    assert one["S.3 Statistical presentation"]["S.3.8 Time coverage"]["administrations"] == 1


def test_the_metadata_of_a_day_in_a_running_month_cover_the_ended_months_only(data_dir):
    """On 20 November, November is running: it is not published, and the metadata's coverage stops at
    October (``last_period_running`` false: the export holds no running period; it said true)."""
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        meta = reference_metadata(wh.cursor(), "M", today=date(2026, 11, 20))
    assert meta["S.17 Data revision"]["last_period_running"] is False
    assert meta["S.3 Statistical presentation"]["S.3.8 Time coverage"]["last_month"] == "2026-10"
    assert meta["data_as_of"] == "2026-10-28"  # the newest response of October, not of the running November


def test_data_as_of_is_the_newest_response_of_the_range_described(data_dir):
    """``data_as_of`` was the newest response of all the data (2026-11-15) in the metadata of an October
    table too, as if the table held November's answers: it is the newest of the range described."""
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        con = wh.cursor()
        assert reference_metadata(con, "M", "2026-10", "2026-10")["data_as_of"] == "2026-10-28"  # days 1-28
        assert reference_metadata(con, "M", "2026-11", "2026-11")["data_as_of"] == "2026-11-15"
        assert reference_metadata(con, "Q", "2026-Q4", "2026-Q4")["data_as_of"] == "2026-11-15"
        assert reference_metadata(con, "M")["data_as_of"] == "2026-11-15"  # no range: the whole series
        assert reference_metadata(con, "M", "2026-09", "2026-09")["data_as_of"] is None  # no response in it


def test_jsonstat_and_the_microdata_package_carry_the_same_reference_metadata(data_dir, tmp_path):
    args = ("--freq", "Q", "--from", "2026-Q4", "--to", "2026-Q4")
    meta = json.loads(_export(data_dir, tmp_path, "metadata", "meta.json", *args).read_text("utf-8"))
    stat = json.loads(_export(data_dir, tmp_path, "jsonstat", "cx.json", *args).read_text("utf-8"))
    assert stat["class"] == "collection" and stat["extension"]["reference_metadata"] == meta
    pkg = _export(data_dir, tmp_path, "datapackage", "pkg", *args)
    package = json.loads((pkg / "datapackage.json").read_text("utf-8"))
    assert package["reference_metadata"]["S.3 Statistical presentation"]["S.3.8 Time coverage"] == \
        meta["S.3 Statistical presentation"]["S.3.8 Time coverage"]
    assert package["reference_metadata"]["S.17 Data revision"] == meta["S.17 Data revision"]


def test_the_console_serves_the_same_reference_metadata_as_the_cli(data_dir, tmp_path):
    """A statistician downloading from the console's Exports page gets what ``ascolto export`` writes: the
    metadata of the range, and JSON-stat carrying it (it did not: the two JSON-stat files differed)."""
    from tests.console_auth import api_client

    meta = json.loads(_export(data_dir, tmp_path, "metadata", "meta.json", "--freq", "Q", "--from", "2026-Q4",
                              "--to", "2026-Q4").read_text("utf-8"))
    client = api_client(Settings(data_dir=data_dir), role="statistician")
    resp = client.get("/api/v1/export/metadata?freq=Q&from=2026-Q4&to=2026-Q4")
    assert resp.status_code == 200 and resp.get_json() == meta
    assert 'filename="ascolto-Q-2026-Q4.metadata.json"' in resp.headers["Content-Disposition"]
    stat = client.get("/api/v1/export/jsonstat?freq=Q&from=2026-Q4&to=2026-Q4").get_json()
    assert stat["extension"]["reference_metadata"] == meta
    page = client.get("/exports").get_data(as_text=True)
    assert '<option value="metadata">' in page and "Metadati di riferimento" in page
    assert client.get("/api/v1/export/metadata?freq=Q&from=2030-Q1&to=2030-Q1").status_code == 400  # no data


def test_the_confidentiality_text_states_the_suppression_rule_as_built(data_dir):
    """``warehouse.protect.too_few`` suppresses a cell whose true *or* perturbed n is below min_n (a true 2
    published as 4 is hidden); S.7 said "a perturbed n below 3" only, so a reader took a true 1 or 2 with
    a perturbed 3 or more for a published cell."""
    from settings import Settings
    from warehouse.dataset import Warehouse
    from warehouse.protect import Protection, too_few
    from warehouse.refmeta import reference_metadata

    protection = Protection(min_n=4)
    assert too_few([3], [5], protection).tolist() == [True]  # the rule: the true n counts too
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        text = reference_metadata(wh.cursor(), "M", protection=protection)["S.7 Confidentiality"]["text"]
    assert "true or perturbed n is below 4" in text


def test_the_data_description_names_the_module_series(data_dir):
    """The tables carry MOD_<MODULE>__<ITEM>_POS|MEAN series (the table by instrument); S.3.1 described
    only the canonical indicators' series, so a module series had no definition in the metadata."""
    from settings import Settings
    from warehouse.dataset import Warehouse
    from warehouse.refmeta import reference_metadata

    with Warehouse(Settings(data_dir=data_dir)) as wh:
        text = reference_metadata(wh.cursor(), "M")["S.3 Statistical presentation"]["S.3.1 Data description"]
    assert "MOD_<MODULE>__<ITEM>_POS|MEAN" in text and "answer counted as positive" in text


def test_the_perturbations_size_is_the_installations_own(data_dir):
    """S.13 said "mean absolute change of n about 0.75" whatever ``ASCOLTO_CKM_D``/``ASCOLTO_CKM_V``: an
    installation with D = 3, V = 2 (mean |Δn| 1.10 under its p-table) published the default's figure as its
    own. The mean change is computed from the installation's p-table; the effect on small cells'
    shares, measured at the defaults, is said to be the defaults'."""
    import numpy as np

    from warehouse.protect import Protection
    from warehouse.ptable import build

    def words(protection):
        with Warehouse(Settings(data_dir=data_dir)) as wh:
            meta = reference_metadata(wh.cursor(), "A", protection=protection, today=date(2027, 1, 15))
        return meta["S.13 Accuracy and reliability"]["perturbation"]

    for D, V in ((2, 1.0), (3, 2.0)):
        t = build(D, V)
        mad = float(np.sum(np.abs(t.deviations[D]) * t.probs[D]))
        said = words(Protection(D=D, V=V))
        assert f"at most {D} per count" in said and f"mean absolute change of n about {mad:.2f}" in said, said
    assert "about 1.10" in words(Protection(D=3, V=2.0)) and "0.75" not in words(Protection(D=3, V=2.0))
    stricter = words(Protection(D=3, V=2.0))
    assert "at the default D = 2, V = 1" in stricter and "here the noise is set to D = 3, V = 2.0" in stricter
    assert "at the default" not in words(Protection())
    assert words(Protection(enabled=False)).startswith("No perturbation")


def test_the_italian_reference_metadata_say_the_method_in_italian(data_dir, tmp_path):
    """S.7's ``method`` came from the protection in English inside the Italian report (and inside an Italian
    JSON-stat's ``confidentiality``); it is now said in the report's language. The microdata package
    (English descriptions, item wording in every language) carries the Italian report beside the English
    one (``reference_metadata_it``), as the export of ``--lang it`` writes it."""
    args = ("--freq", "Q", "--from", "2026-Q4", "--to", "2026-Q4")
    it = json.loads(_export(data_dir, tmp_path, "metadata", "it.json", *args, "--lang", "it").read_text("utf-8"))
    en = json.loads(_export(data_dir, tmp_path, "metadata", "en.json", *args).read_text("utf-8"))
    assert it["S.7 Riservatezza"]["method"].startswith("metodo cell-key (ABS TableBuilder; Giessing e Tent")
    assert en["S.7 Confidentiality"]["method"].startswith("cell-key method (ABS TableBuilder; Giessing & Tent")
    stat = json.loads(_export(data_dir, tmp_path, "jsonstat", "it.stat.json", *args, "--lang", "it").read_text("utf-8"))
    assert {d["extension"]["confidentiality"]["method"] for d in stat["link"]["item"]} == \
        {it["S.7 Riservatezza"]["method"]}
    pkg = _export(data_dir, tmp_path, "datapackage", "pkg", *args)
    package = json.loads((pkg / "datapackage.json").read_text("utf-8"))
    assert package["reference_metadata_it"] == it and package["reference_metadata"] == en
