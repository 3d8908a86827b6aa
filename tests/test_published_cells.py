"""What a statistician receiving the exports relies on, cell by cell: a published cell (CONF_STATUS=F)
has a figure, and every code of a coded column is in its codelist with labels in Italian and English.

Real p-table and record-key arithmetic (warehouse.protect), real DuckDB warehouse over Parquet rows."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from warehouse.protect import CELL_MIX, Protection, publish, unscramble
from warehouse.rollup import CATEGORIES

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

#: Lookup keys (× 2³², after warehouse.protect.scramble) that the default p-table (D=2, V=1) maps to these deviations of a count of 1-3:
#: 0 keeps the count, ``2**31`` too; small keys take 1 off a count of 1 and 2 off a count of 2.
KEEP, DROP = 2 ** 31, 0


def _cell(n: int, k: int, counts: dict[str, tuple[int, int]], indicator: str = "ease") -> pd.DataFrame:
    """One rollup cell of ``indicator``: true n and its key sum, (count, key) per category — the key its
    count is perturbed with (:func:`warehouse.protect.category_keys`: the key sum stored is the one
    that mixes into it with the cell's)."""
    cell = int(unscramble(k))  # the key sums whose lookup keys (warehouse.protect.scramble) are the ones given
    row = {"period": "2026-10", "n": n, "k": cell}
    for c in CATEGORIES[indicator]:
        count, key = counts.get(c, (0, 0))
        row[f"c_{c}"], row[f"k_{c}"] = count, (int(unscramble(key)) - cell * CELL_MIX) % 2 ** 32
    return pd.DataFrame([row])


def test_a_cell_whose_perturbed_answers_vanish_is_suppressed_not_published_empty():
    """Three answers (4 and 5 on five points) whose n survives the noise while each answer category's
    count is perturbed to 0: no distribution, mean or positive share can be derived. The cell had been
    published (CONF_STATUS=F, OBS_STATUS=U, CI_STATUS=ok, N_RESP=3) with an empty value — a missing
    value no status explains. It is suppressed like any cell the noise leaves without answers."""
    prot = Protection()
    raw = _cell(3, KEEP, {"75": (1, DROP), "100": (2, DROP), "pos": (3, KEEP)})
    assert prot.perturb([3, 1, 2], unscramble([KEEP, DROP, DROP])).tolist() == [3, 0, 0]  # the situation described
    out = publish(raw, "ease", ["period"], prot).iloc[0]
    assert (out["conf_status"], out["obs_status"]) == ("A", "Q")
    assert np.isnan(out["n"]) and np.isnan(out["mean"]) and np.isnan(out["top2"])
    assert out["mean_status"] is None and out["top2_status"] is None


def test_every_published_cell_of_the_exports_has_its_value(data_dir):
    """Over every frequency, a published observation carries OBS_VALUE and both bounds; only a
    suppressed one (OBS_STATUS=Q, CONF_STATUS=A) is empty."""
    from settings import Settings
    from warehouse import export
    from warehouse.dataset import Warehouse

    with Warehouse(Settings(data_dir=data_dir)) as wh:
        for freq in ("M", "Q", "A"):
            df = export.publication_table(wh.cursor(), freq)
            empty = df[["OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND"]].isna().any(axis=1)
            assert ((df["CONF_STATUS"] == "A") == empty).all(), freq
            assert (df.loc[empty, "OBS_STATUS"] == "Q").all() and df.loc[empty, "N_RESP"].isna().all()


#: The columns of the publication table that are not codes: numbers, the period, free text.
UNCODED = {"OBS_VALUE", "N_RESP", "LOWER_BOUND", "UPPER_BOUND", "TIME_PERIOD", "COMMENT_OBS"}


def test_every_code_of_the_export_is_in_its_codelist_in_both_languages(data_dir, tmp_path):
    """Each coded column of the CSV export (every column but numbers, the period and the comment) has
    its codes in the codelist file beside it, labelled in Italian and English, and is a coded
    component of the SDMX structure. ``CKM_PERTURBED=Y`` had no codelist: a bare flag nobody could
    look up in either file."""
    from pysdmx.io import read_sdmx

    from settings import Settings
    from warehouse import export
    from warehouse.dataset import Warehouse

    with Warehouse(Settings(data_dir=data_dir)) as wh:
        export.export(wh.cursor(), "csv", tmp_path / "cx.csv", freq="Q")
        structure = export.export(wh.cursor(), "sdmx-structure", tmp_path / "structure.xml")
    data = pd.read_csv(tmp_path / "cx.csv", dtype=str, keep_default_na=False)
    lists = pd.read_csv(tmp_path / "cx.codelists.csv", dtype=str, keep_default_na=False)
    labelled = {(r.codelist, r.code) for r in lists.itertuples() if r.label_it and r.label_en}
    for column in sorted(set(data.columns) - UNCODED):
        missing = {code for code in set(data[column]) - {""} if (column, code) not in labelled}
        assert not missing, f"{column}: {sorted(missing)} not in the codelist file"
    assert ("CKM_PERTURBED", "Y") in labelled
    dsd = read_sdmx(str(structure), validate=True).get_data_structure_definitions()[0]
    uncoded = {c.id for c in dsd.components if c.enumeration is None}
    assert uncoded == UNCODED


def test_the_reference_metadata_describe_the_periods_the_table_holds(data_dir):
    """In December the quarter 2026-Q4 (and the year 2026) is still running although November, the last
    month with responses, has ended. The table flagged that period PROVISIONAL=Y and the metadata had to
    say ``last_period_running``; a period is now published once it has ended, so the table leaves it out
    and the metadata's coverage is that of the periods it holds (``last_period_running`` false)."""
    from datetime import date

    from settings import Settings
    from warehouse import export
    from warehouse.dataset import Warehouse
    from warehouse.refmeta import reference_metadata

    december = date(2026, 12, 5)
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        con = wh.cursor()
        for freq, last in (("M", "2026-11"), ("Q", None), ("A", None)):
            table = export.publication_table(con, freq, today=december)
            assert not (table["PROVISIONAL"] == "Y").any() and table.empty == (last is None), freq
            meta = reference_metadata(con, freq, today=december)
            assert meta["S.17 Data revision"]["last_period_running"] is False, freq
            assert meta["S.3 Statistical presentation"]["S.3.8 Time coverage"]["last_month"] == last, freq


def test_jsonstat_says_why_an_interval_has_zero_width_as_the_csv_does(data_dir):
    """Six answers all "4" in Campania: the mean's t interval is degenerate (CI_STATUS=degenerate in the
    CSV, lower = upper = mean). JSON-stat had the bounds without the reason; it now carries each bound's
    CI_STATUS beside the value (``extension.ci_status``: value index → code, with the codes' labels),
    the same cells as the CSV."""

    from settings import Settings
    from warehouse import codelists as cl, export
    from warehouse.dataset import Warehouse

    from .warehouse_rows import response, write

    write(data_dir, [response(entity="c_f839", region="ITF3", satisfaction=4, ease=4) for _ in range(6)])
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        df = export.publication_table(wh.cursor(), "Q")
    csv_flags = {tuple(r[d] for d in ("INDICATOR", "TIME_PERIOD", "REF_AREA", "PA_TYPE", "SERVICE_TYPE",
                                      "INSTRUMENT", "SCALE", "CHANNEL")): r["CI_STATUS"]
                 for r in export.table_rows(df, "area").to_dict("records") if r["CI_STATUS"] not in ("", "ok")}
    assert "degenerate" in csv_flags.values()
    [means] = [i for i in export.jsonstat(df, "Q")["link"]["item"]
               if i["extension"]["table"] == "area" and i["extension"]["unit"] == "PT"]
    ids, size = means["id"], means["size"]
    cats = [means["dimension"][d]["category"]["index"] for d in ids]
    flags = means["extension"]["ci_status"]
    assert flags["label"]["degenerate"] == cl.label("CI_STATUS", "degenerate", "en")
    seen = {}
    for idx, code in flags["index"].items():
        pos, rest = [], int(idx)
        for n in reversed(size):
            pos.append(rest % n)
            rest //= n
        key = [c[p] for c, p in zip(cats, reversed(pos))]
        assert key[-1] in ("LOWER_BOUND", "UPPER_BOUND")
        seen[tuple(key[:-1])] = code
    assert seen == csv_flags


def test_the_microdata_document_every_empty_cell_they_write(data_dir, tmp_path):
    """The Designers Italia service rating measures ease only: its rows leave satisfaction empty, as
    they leave went_well/went_wrong empty when no category was chosen. The Table Schema explained ""
    only as "no category chosen"; it now names both cases."""
    import csv
    import json

    from settings import Settings
    from warehouse import export
    from warehouse.dataset import Warehouse

    with Warehouse(Settings(data_dir=data_dir)) as wh:
        path = export.export(wh.cursor(), "datapackage", tmp_path / "pkg", microdata_k=3)
    package = json.loads(path.read_text("utf-8"))
    [rating] = [r for r in package["resources"] if r["name"] == "responses-di-rating-servizio-v1"]
    with open(tmp_path / "pkg" / rating["path"], encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {r["satisfaction"] for r in rows} == {""} and all(r["ease"] for r in rows)
    empty = rating["schema"]["missingValueCodes"][""]
    assert "does not measure" in empty and "no category" in empty


def test_the_unit_is_attached_to_the_indicator_it_belongs_to(data_dir, tmp_path):
    """UNIT_MEASURE is a property of the series, not of each observation: every INDICATOR is in one unit
    (``_POS`` and the task shares percent, ``_MEAN`` points). The DSD attaches it to the INDICATOR
    dimension (it had every attribute on the observation), and the data bear that out."""
    from pysdmx.io import get_datasets, read_sdmx

    from settings import Settings
    from warehouse import export
    from warehouse.dataset import Warehouse

    with Warehouse(Settings(data_dir=data_dir)) as wh:
        structure = export.export(wh.cursor(), "sdmx-structure", tmp_path / "structure.xml")
        data = export.export(wh.cursor(), "sdmx-csv", tmp_path / "cx.csv", freq="M")
    dsd = read_sdmx(str(structure), validate=True).get_data_structure_definitions()[0]
    attached = {a.id: a.attachment_level for a in dsd.components.attributes}
    # the unit, its multiplier and its decimals are the series' (UNIT_MULT, DECIMALS: constant, 0 and 4)
    assert [attached.pop(a) for a in ("UNIT_MEASURE", "UNIT_MULT", "DECIMALS")] == ["INDICATOR"] * 3
    assert set(attached.values()) == {"O"}
    [ds] = get_datasets(str(data), str(structure))
    assert (ds.data.groupby("INDICATOR")["UNIT_MEASURE"].nunique() == 1).all()


def test_the_reference_metadata_name_every_codelist_of_the_exports(data_dir):
    """S.3.2 lists the classifications a recipient finds in the files: every codelist of the structure
    (it left out PROVISIONAL and CKM_PERTURBED, and said nothing of FREQ and UNIT_MEASURE)."""
    from warehouse import codelists as cl
    from warehouse.dataset import Warehouse
    from settings import Settings
    from warehouse.refmeta import reference_metadata

    with Warehouse(Settings(data_dir=data_dir)) as wh:
        text = reference_metadata(wh.cursor(), "Q")["S.3 Statistical presentation"]["S.3.2 Classification system"]
    assert [name for name in cl.sdmx_codelists() if name not in text] == []  # UNIT_MULT, DECIMALS too


def test_the_microdata_label_the_codes_of_their_classifications(data_dir, tmp_path):
    """The rows' region (ITI4), channel (web), PA type and service type are codes: each field lists
    its codes with Italian and English labels (``options``, as the items do), the same labels as the
    tables' codelists. Region and channel were labelled nowhere in the package."""
    import csv
    import json

    from settings import Settings
    from warehouse import codelists as cl, export
    from warehouse.dataset import Warehouse

    with Warehouse(Settings(data_dir=data_dir)) as wh:
        path = export.export(wh.cursor(), "datapackage", tmp_path / "pkg", microdata_k=3)
    for resource in json.loads(path.read_text("utf-8"))["resources"]:
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        with open(tmp_path / "pkg" / resource["path"], encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        for name, codelist in (("region", "REF_AREA"), ("channel", "CHANNEL"), ("pa_type", "PA_TYPE"),
                               ("service_type", "SERVICE_TYPE")):
            options = {o["code"]: o["labels"] for o in fields[name]["options"]}
            for code in {r[name] for r in rows} - {""}:
                assert options[code] == {"it": cl.label(codelist, code, "it"), "en": cl.label(codelist, code, "en")}


def test_the_reference_metadata_state_every_threshold_the_tables_were_cut_with(data_dir):
    """Suppression (min_n), low reliability (low_n) and microdata k, each as a number a program can
    read: low_n was only a number inside a sentence."""
    from settings import Settings
    from warehouse.dataset import Warehouse
    from warehouse.refmeta import reference_metadata

    with Warehouse(Settings(data_dir=data_dir)) as wh:
        meta = reference_metadata(wh.cursor(), "Q", protection=Protection(min_n=4, low_n=40), microdata_k=6)
    conf = meta["S.7 Confidentiality"]
    assert (conf["min_n"], conf["reliability_min_n"], conf["microdata_k"]) == (4, 40, 6)
    assert "fewer than 40 responses" in meta["S.13 Accuracy and reliability"]["sampling_error"]
    # B (break in series) replaces U in its period: the text must not claim U marks every such cell
    assert "OBS_STATUS=B takes its place" in meta["S.13 Accuracy and reliability"]["sampling_error"]
