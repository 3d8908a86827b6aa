"""The exports as the standards' own readers see them: SDMX-ML names in both languages, SDMX-CSV data
valid under our DSD, JSON-stat units on the metric dimension, periods still running flagged.

Real data (the ``data_dir`` fixture: Parquet responses through the warehouse), read back by pysdmx,
lxml and pyjstat; no mocks."""
from __future__ import annotations

import io
import json
import math
from datetime import date

import pandas as pd
import pytest
from lxml import etree

from settings import Settings
from warehouse import codelists as cl
from warehouse import cube, export
from warehouse.dataset import Warehouse
from warehouse.jsonstat import statuses as value_statuses, values as jsonstat_values

from .warehouse_rows import response, write

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

COM = "{http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common}"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def with_small_cells(data_dir):
    """The shared data plus one response in each of six more regions: cells that the cell-key method
    suppresses (a true n of 1 is published only when its deviation is +2, p = 0.102)."""
    write(data_dir, [response(entity=f"c_x{i}", region=region, satisfaction=4, ease=4, task="yes")
                     for i, region in enumerate(["ITF1", "ITF3", "ITG1", "ITF4", "ITF6", "ITC2"])])
    return data_dir


@pytest.fixture
def structure(data_dir, tmp_path):
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        return export.export(wh.cursor(), "sdmx-structure", tmp_path / "structure.xml")


def _names(element) -> dict[str, str]:
    """{xml:lang: text} of the com:Name children of one element."""
    return {n.get(LANG): n.text for n in element.iterchildren(f"{COM}Name")}


def test_sdmx_structure_names_every_code_in_italian_and_english(structure):
    from pysdmx.io import read_sdmx

    root = etree.parse(str(structure)).getroot()
    named = [e for e in root.iter() if _names(e)]
    assert named and all(set(_names(e)) == {"it", "en"} for e in named)  # no name in one language only
    lists = {e.get("id"): e for e in root.iter("{*}Codelist")}
    for name, codes in cl.codelists().items():
        assert _names(lists[f"CL_{name}"])["it"]
        written = {c.get("id"): _names(c) for c in lists[f"CL_{name}"].iterchildren("{*}Code")}
        assert written == {cl.sdmx_id(code): {"it": it, "en": en} for code, (it, en) in codes.items()}, name
    service = {c.get("id"): _names(c) for c in lists["CL_SERVICE_TYPE"].iterchildren("{*}Code")}
    assert service["anagrafe__certificati"] == {"it": "Certificati anagrafici", "en": "Registry certificates"}
    assert "Certificati anagrafici" not in [n.text for n in root.iter(f"{COM}Name") if n.get(LANG) == "en"]
    concept = next(e for e in root.iter("{*}Concept") if e.get("id") == "OBS_STATUS")
    assert _names(concept) == {"it": "Stato dell'osservazione", "en": "Observation status"}
    # pysdmx validates the message against the SDMX 3.0 schemas and reads the English names back
    msg = read_sdmx(str(structure), validate=True)
    codes = {c.id: c.name for c in {c.id: c for c in msg.get_codelists()}["CL_SERVICE_TYPE"]}
    assert codes["anagrafe__certificati"] == "Registry certificates"


def _violations(ds) -> list[str]:
    """What in a pysdmx dataset (read with its structure) the DSD does not allow: a column that is
    not a component or a component without a column, an empty value of a required component, a code
    outside its codelist, a non-number in a numeric component, an attribute attached to a dimension
    (UNIT_MEASURE to INDICATOR) with two values for one value of that dimension."""
    schema, df = ds.structure, ds.data
    ids = [c.id for c in schema.components]
    out = [f"column {c} not in the DSD" for c in df.columns if c not in ids]
    out += [f"component {c} not in the data" for c in ids if c not in df.columns]
    for c in (c for c in schema.components if c.id in df.columns):
        empty = df[c.id].isna() | (df[c.id].astype(object).astype(str) == "")
        given = df.loc[~empty, c.id].astype(object).astype(str)
        if c.required and empty.any():
            out.append(f"{c.id} is required but empty in {empty.sum()} rows")
        if c.enumeration is not None:
            codes = {code.id for code in c.enumeration}
            out += [f"{c.id}={v!r} not in {c.enumeration.id}" for v in sorted(set(given) - codes)]
        if c.dtype.value in ("Double", "Integer") and pd.to_numeric(given, errors="coerce").isna().any():
            out.append(f"{c.id} is not a number in some rows")
        level = getattr(c, "attachment_level", None)
        if level in df.columns and (df.groupby(level)[c.id].nunique(dropna=False) > 1).any():
            out.append(f"{c.id} is attached to {level} but varies within it")
    return out


def test_sdmx_csv_is_valid_under_our_dsd(with_small_cells, tmp_path, structure):
    from pysdmx.io import get_datasets, read_sdmx

    with Warehouse(Settings(data_dir=with_small_cells)) as wh:
        for freq in ("A", "Q", "M"):
            export.export(wh.cursor(), "sdmx-csv", tmp_path / f"{freq}.csv", freq=freq)
    dsd = read_sdmx(str(structure), validate=True).get_data_structure_definitions()[0]
    [measure] = dsd.components.measures
    assert (measure.id, measure.required) == ("OBS_VALUE", False)  # a suppressed cell has no value
    assert [a.id for a in dsd.components.attributes if a.required] == ["OBS_STATUS", "CONF_STATUS"]
    for freq in ("A", "Q", "M"):
        [ds] = get_datasets(str(tmp_path / f"{freq}.csv"), str(structure))
        assert (ds.data["CONF_STATUS"] == "A").any()  # the suppressed cells are there, with an empty value
        assert _violations(ds) == [], freq


def _metric_units(item: dict) -> dict[str, dict]:
    """{metric dimension: its categories' units} of one JSON-stat dataset; asserts the spec's rule
    that ``unit`` appears only on dimensions with the metric role, and on every category of them."""
    metric = item["role"]["metric"]
    for d in item["id"]:
        cat = item["dimension"][d]["category"]
        assert ("unit" in cat) == (d in metric), d  # JSON-stat 2.0: unit only (and always) on metric dims
        if d in metric:
            assert set(cat["unit"]) == set(cat["index"]), d
    return {d: item["dimension"][d]["category"]["unit"] for d in metric}


def _decimals(v: float) -> int:
    text = repr(float(v))
    return 0 if text.endswith(".0") else len(text.split(".")[1])


@pytest.mark.parametrize("lang", ["it", "en"])
def test_jsonstat_units_on_the_metric_dimension_and_labels_in_the_language(data_dir, lang):
    from pyjstat import pyjstat

    with Warehouse(Settings(data_dir=data_dir)) as wh:
        df = export.publication_table(wh.cursor(), "A")
    coll = export.jsonstat(df, "A", lang=lang)
    assert coll["label"] == {"it": "Ascolto — esperienza dei servizi pubblici",
                             "en": "Ascolto — customer experience of public services"}[lang]
    items = coll["link"]["item"]
    assert {(i["extension"]["table"], i["extension"]["unit"]) for i in items} >= {("area", "PC"), ("area", "PT")}
    for item in items:
        unit = item["extension"]["unit"]
        assert item["label"].startswith({"it": "Ascolto — per ", "en": "Ascolto — by "}[lang])
        assert item["label"].endswith(cl.label("UNIT_MEASURE", unit, lang))
        [units] = _metric_units(item).values()
        # N_RESP is a count; the value and its bounds are in the dataset's one unit, with its decimals
        assert units["N_RESP"] == {"label": {"it": "risposte", "en": "responses"}[lang], "decimals": 0}
        for m in ("OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND"):
            assert units[m]["label"] == cl.label("UNIT_MEASURE", unit, lang) and units[m]["decimals"] == 4
        assert (units["OBS_VALUE"].get("symbol"), unit) in {("%", "PC"), (None, "PT")}
        # every series of the dataset is in that unit (means are points, shares percent)
        series = item["dimension"]["INDICATOR"]["category"]["index"]
        assert set(df.loc[df["INDICATOR"].isin(series) & (df["TABLE"] == item["extension"]["table"]),
                          "UNIT_MEASURE"]) == {unit}
        # the values respect the decimals their unit states
        frame = pyjstat.Dataset.read(json.dumps(item)).write("dataframe", naming="id").dropna(subset=["value"])
        for m, group in frame.groupby("MEASURE"):
            assert max(_decimals(v) for v in group["value"]) <= units[m]["decimals"], m


def _statuses(df: pd.DataFrame) -> dict[str, set[str]]:
    """{TIME_PERIOD: its (OBS_STATUS, PROVISIONAL) pairs} of a publication table."""
    return {p: set(zip(g["OBS_STATUS"], g["PROVISIONAL"])) for p, g in df.groupby("TIME_PERIOD")}


@pytest.mark.parametrize("freq, today, running, done", [
    ("A", date(2026, 12, 1), {"2026"}, set()),                       # the year is still running
    ("A", date(2027, 1, 1), set(), {"2026"}),
    ("Q", date(2026, 12, 1), {"2026-Q4"}, set()),
    ("M", date(2026, 12, 1), set(), {"2026-10", "2026-11"}),         # November ended yesterday
    ("M", date(2026, 11, 2), {"2026-11"}, {"2026-10"}),              # November still running
])
def test_a_period_still_running_is_left_out_of_every_export(with_small_cells, freq, today, running, done):
    """A running period's cells were exported flagged PROVISIONAL=Y; a period's figures are now
    published once it has ended, so they are left out and PROVISIONAL stays empty (the column kept)."""
    from pysdmx.io import read_sdmx

    with Warehouse(Settings(data_dir=with_small_cells)) as wh:
        con = wh.cursor()
        df = export.publication_table(con, freq, today=today)
        assert set(df["TIME_PERIOD"]) == done and not running & set(df["TIME_PERIOD"])
        assert set(df["OBS_STATUS"]) <= {"A", "U", "B", "Q"}  # provisional-ness is not an OBS_STATUS
        assert set(df["PROVISIONAL"]) <= {""}
        statuses = _statuses(df)
        # the API's default period skips the same running periods (one definition: periods.is_complete)
        latest, complete = cube.latest_period(con, freq, today)
        assert complete == bool(done) and latest == (max(done) if done else None)
    if df.empty:
        return
    # the same codes in SDMX-CSV, CSV and JSON-stat, PROVISIONAL labelled in the codelists
    sdmx = pd.read_csv(io.StringIO(_render(df, "sdmx-csv", freq)), dtype=str, keep_default_na=False)
    plain = pd.read_csv(io.StringIO(_render(df, "csv", freq)), dtype=str, keep_default_na=False)
    assert _statuses(sdmx) == _statuses(plain) == statuses
    flagged = set()
    for item in json.loads(_render(df, "jsonstat", freq))["link"]["item"]:
        assert item["extension"]["status"]["P"].startswith("Provisional")
        times, stride = item["dimension"]["TIME_PERIOD"]["category"]["index"], _stride(item, "TIME_PERIOD")
        flagged |= {times[int(i) // stride % len(times)] for i, s in value_statuses(item).items() if s.endswith("P")}
    assert flagged == set()
    assert cl.label("PROVISIONAL", "Y", "it").startswith("Valore provvisorio")
    codes = pd.read_csv(io.StringIO(_render(df, "codelists", freq)), keep_default_na=False)
    assert "Y" not in set(codes.loc[codes["codelist"] == "PROVISIONAL", "code"])  # no running period
    structure = read_sdmx(export.render(df, "sdmx-structure", freq)[0].decode("utf-8"), validate=True)
    lists = {c.id: c for c in structure.get_codelists()}
    assert {c.id for c in lists["CL_PROVISIONAL"]} == {"Y"} and "P" not in {c.id for c in lists["CL_OBS_STATUS"]}


def _render(df: pd.DataFrame, fmt: str, freq: str) -> str:
    return export.render(df, fmt, freq)[0].decode("utf-8")


def _stride(item: dict, dim: str) -> int:
    """How far apart two neighbouring categories of ``dim`` are in a JSON-stat value array."""
    return math.prod(item["size"][item["id"].index(dim) + 1:])


def test_a_reversed_yes_no_items_positive_share_says_which_answer_it_counts():
    # "Did you also have to go to a counter?" counts "no" as positive: its question alone read as the
    # share who said yes
    from warehouse.codelists import codelists

    labels = codelists()["INDICATOR"]
    assert labels["MOD_ANAGRAFE__FULLY_ONLINE_POS"][1].endswith("answer “no”")
    assert labels["MOD_ANAGRAFE__FULLY_ONLINE_POS"][0].endswith("risposta «no»")
    assert labels["MOD_TRIBUTI__RECEIPT_POS"][1].endswith("answer “yes”")
    assert labels["SATISFACTION_POS"][1].endswith("share of positive judgements (%)")  # rating scales unchanged


def test_a_choice_items_positive_share_names_the_answer_it_counts_and_those_it_leaves_out(structure):
    """mod-scuola's "Did you need help from the school office?" (no / yes, solved / yes, not solved) counts
    "yes, solved" among those who needed help ("no" is not scored): the label read "Did you need help …
    — share of positive judgements", as if it were the share who needed help. Likewise mod-sanita's
    "within the priority's time?" leaves "I don't know" out. The SDMX structure carries the same labels."""
    from warehouse.codelists import codelists

    labels = codelists()["INDICATOR"]
    help_it, help_en = labels["MOD_SCUOLA__HELP_RESOLVED_POS"]
    assert help_en.endswith("answer “Yes, and the problem was solved” (not counted: “No”)")
    assert help_it.endswith("risposta «Sì, e il problema è stato risolto» (non conteggiate: «No»)")
    assert labels["MOD_SANITA__WITHIN_PRIORITY_POS"][1].endswith("answer “Yes” (not counted: “I don't know”)")
    assert labels["MOD_SCUOLA__HELP_RESOLVED_MEAN"][1].endswith("(0–100, one scale only)")  # the share's series only
    code = next(c for c in etree.parse(str(structure)).getroot().iter("{*}Code")
                if c.get("id") == "MOD_SCUOLA__HELP_RESOLVED_POS")
    assert _names(code) == {"it": help_it, "en": help_en}


def test_every_jsonstat_table_keeps_its_margins(data_dir):
    """Each JSON-stat dataset is a whole table: the national total and the totals along its own
    dimensions are in it (the channel table has CHANNEL=_T per service type, the instrument table
    INSTRUMENT=_T, SCALE=_T), with the figures of the long table — not only in the first table that
    gave the observation (the area table), as when the totals were written once."""
    from pyjstat import pyjstat

    with Warehouse(Settings(data_dir=data_dir)) as wh:
        df = export.publication_table(wh.cursor(), "A")
    dims = ["INDICATOR", "TIME_PERIOD", "REF_AREA", "PA_TYPE", "SERVICE_TYPE", "INSTRUMENT", "SCALE", "CHANNEL"]
    published = df.dropna(subset=["OBS_VALUE"]).set_index(dims)["OBS_VALUE"]
    national = published.xs(("IT", "_T", "_T", "_T", "_T", "_T"), level=dims[2:])
    types = set(df.loc[df["SERVICE_TYPE"] != "_T", "SERVICE_TYPE"])
    for item in export.jsonstat(df, "A")["link"]["item"]:
        table, unit = item["extension"]["table"], item["extension"]["unit"]
        frame = pyjstat.Dataset.read(json.dumps(item)).write("dataframe", naming="id")
        values = frame[frame["MEASURE"] == "OBS_VALUE"].dropna(subset=["value"]).set_index(dims)["value"]
        # every published value of the table's shape, margins included, and the same figure
        want = published.loc[export.table_rows(df[df["UNIT_MEASURE"] == unit].dropna(subset=["OBS_VALUE"]),
                                               table).set_index(dims).index]
        assert values.sort_index().to_dict() == want.sort_index().to_dict(), (table, unit)
        if unit != "PC":
            continue
        totals = values.xs(("IT", "_T", "_T", "_T", "_T", "_T"), level=dims[2:])
        series = set(national.index.get_level_values("INDICATOR")) & set(values.index.get_level_values("INDICATOR"))
        assert series and all(totals[(s, p)] == national[(s, p)] for s, p in national.index if s in series), table
        total_dim = {"channel": "CHANNEL", "instrument": "INSTRUMENT"}.get(table)
        if total_dim:  # each service type's total along the table's own dimension
            at_total = values[values.index.get_level_values(total_dim) == "_T"]
            assert types <= set(at_total.index.get_level_values("SERVICE_TYPE")), table


def test_every_jsonstat_dataset_is_well_formed_per_the_spec(with_small_cells):
    """JSON-stat 2.0's own rules, which readers rely on without checking: ``id``, ``size`` and
    ``dimension`` agree; each dimension has ``size`` categories, each labelled; ``value`` has the
    product of the sizes (an array) or is keyed by value indices within it (the sparse object); ``status`` is keyed by value indices, each code explained in
    ``extension.status``; a suppressed value (``Q``) is null; roles name dimensions of the dataset."""
    with Warehouse(Settings(data_dir=with_small_cells)) as wh:
        df = export.publication_table(wh.cursor(), "Q", today=date(2027, 1, 1))  # 2026-Q4 has ended
    coll = export.jsonstat(df, "Q")
    assert (coll["version"], coll["class"]) == ("2.0", "collection")
    date.fromisoformat(coll["updated"])
    seen = set()
    for item in coll["link"]["item"]:
        assert (item["version"], item["class"]) == ("2.0", "dataset")
        assert len(item["id"]) == len(item["size"]) == len(item["dimension"]) and set(item["id"]) == set(item["dimension"])
        for d, n in zip(item["id"], item["size"]):
            cat = item["dimension"][d]["category"]
            assert len(cat["index"]) == len(set(cat["index"])) == n > 0 and set(cat["label"]) == set(cat["index"]), d
        # ``value``: the array as long as the product of the sizes, or (sparse) the object keyed by value index
        value = item["value"]
        assert len(value) == math.prod(item["size"]) if isinstance(value, list) else \
            all(0 <= int(k) < math.prod(item["size"]) and k == str(int(k)) for k in value)
        dense = jsonstat_values(item)
        codes = value_statuses(item)
        assert all(0 <= k < len(dense) for k in codes)
        assert set(codes.values()) <= set(item["extension"]["status"])
        assert all(dense[k] is None for k, s in codes.items() if s == "Q")
        assert all(set(dims) <= set(item["id"]) for dims in item["role"].values())
        seen |= set(codes.values())
    assert {"Q", "U"} <= seen  # suppressed cells and ones of low reliability are both there


@pytest.mark.parametrize("lang, words, other", [("it", "conteggi perturbati con il metodo cell-key", "Every figure"),
                                                ("en", "perturbed by the cell-key method", "conteggi")])
def test_each_jsonstat_datasets_note_on_the_protection_is_in_the_language_of_its_labels(data_dir, lang, words, other):
    """An Italian JSON-stat (the console's ``lang=it``) had every label in Italian but the one sentence a
    reader must see before using a figure — that it is perturbed, and what is suppressed — in English.
    The note follows ``lang`` with the installation's threshold and both methodology links."""
    from warehouse.protect import Protection

    protection = Protection(min_n=5)
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        df = export.publication_table(wh.cursor(), "A", protection=protection)
    items = export.jsonstat(df, "A", protection, lang=lang)["link"]["item"]
    assert items
    for item in items:
        [note] = item["note"]
        assert words in note and other not in note
        assert ("meno di 5 risposte" if lang == "it" else "fewer than 5 responses") in note
        assert protection.methodology("it") in note and protection.methodology("en") in note
        # the page the dataset points to for the method is in its language too
        assert item["extension"]["confidentiality"]["documentation"] == protection.methodology(lang)
