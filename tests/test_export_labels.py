"""What an Istat statistician reads in the codelists of every export: each code's Italian and English label,
the same in every format that labels it — the codelist file beside a CSV (``--format codelists``), the SDMX
structure, JSON-stat (Italian and English files, ``extension.labels``), the microdata package's options and
the console's ``/api/v1/codelists`` — and never a code: the INDICATOR labels of the module series led with
the module's code ("mod-anagrafe: Quanto è stato facile…"), which the console no longer shows; the Italian
label of ``sportello.urp`` said "front office" and left "URP" unexplained; JSON-stat named its dimensions
otherwise than the SDMX concepts ("Area" / "Area di riferimento", "Tipo di PA", "IC al 95%").

Real exports of real Parquet data (modules, Designers Italia ratings, the faces) through the warehouse, the
console's real app; no mocks."""
from __future__ import annotations

import csv
import json
import re
from datetime import date

import pytest
from lxml import etree

from settings import Settings
from warehouse import codelists as cl
from warehouse import export
from warehouse.dataset import Warehouse

from .conftest import PINNED_TODAY, pinned_clock
from .console_auth import api_client
from .warehouse_rows import face_row, response, write

COM = "{http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common}"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MODULES = {"mod-anagrafe": ("anagrafe.certificati", [("mod-anagrafe:fully_online", 100.0),
                                                     ("mod-anagrafe:findability", 75.0)]),
           "mod-tributi": ("tributi.pagamento", [("mod-tributi:amount_clarity", 75.0), ("mod-tributi:receipt", 100.0)])}


def _rows() -> list[dict]:
    rows = []
    for i in range(40):
        for region in ("ITI4", "ITC4"):
            rows.append(response(period="2026-05", region=region, entity=f"c_{region}", satisfaction=2 + i % 4,
                                 ease=3 + i % 3, went_well=["clarity"], task="yes" if i % 3 else "partly"))
            for qid, (stype, scores) in MODULES.items():
                r = response(period="2026-05", region=region, entity=f"c_{region}", questionnaire=qid,
                             service_type=stype, satisfaction=3 + i % 3)
                r["module_scores"] = scores
                rows.append(r)
        rows.append(response(period="2026-05", questionnaire="di-rating-servizio", ease=5 - i % 2))
        rows.append(face_row("2026-05", ("happy", "neutral", "sad")[i % 3], (100.0, 50.0, 0.0)[i % 3]))
    return rows


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    """``{format: {(codelist, code): (it, en)}}`` of every export that labels codes, and the two JSON-stat
    collections (Italian, English)."""
    root = tmp_path_factory.mktemp("labels")
    data = root / "data"
    write(data, _rows())
    out: dict[str, dict[tuple[str, str], tuple[str, str]]] = {}
    with pinned_clock(date(*PINNED_TODAY)), Warehouse(Settings(data_dir=data)) as wh:
        con = wh.cursor()
        path = export.export(con, "codelists", root / "cx.codelists.csv", freq="Q")
        out["codelists file"] = {(r["codelist"], r["code"]): (r["label_it"], r["label_en"])
                                 for r in csv.DictReader(path.read_text("utf-8").splitlines())}
        xml = etree.parse(str(export.export(con, "sdmx-structure", root / "structure.xml", freq="Q"))).getroot()
        stat = {lang: json.loads(export.export(con, "jsonstat", root / f"cx.{lang}.json", freq="Q", lang=lang)
                                 .read_text("utf-8")) for lang in ("it", "en")}
        packages = {lang: json.loads((export.export(con, "datapackage", root / f"dp-{lang}", freq="Q", lang=lang)
                                      ).read_text("utf-8")) for lang in ("it", "en")}
    ids = {(name, cl.sdmx_id(code)): code for name, codes in cl.sdmx_codelists().items() for code in codes}
    out["SDMX structure"] = {}
    for codelist in xml.iter("{*}Codelist"):
        name = codelist.get("id").removeprefix("CL_")
        for code in codelist.iterchildren("{*}Code"):
            names = {n.get(LANG): n.text for n in code.iterchildren(f"{COM}Name")}
            out["SDMX structure"][(name, ids[(name, code.get("id"))])] = (names.get("it"), names.get("en"))
    for lang, other in (("it", "en"), ("en", "it")):
        got = out.setdefault(f"JSON-stat ({lang})", {})
        for item in stat[lang]["link"]["item"]:
            for dim, d in item["dimension"].items():
                if dim in ("TIME_PERIOD", "MEASURE"):
                    continue
                for code, text in d["category"]["label"].items():
                    theirs = item["extension"]["labels"][other][dim][code]
                    got[(dim, code)] = (text, theirs) if lang == "it" else (theirs, text)
            for code, text in item["extension"]["status"].items():
                if code in cl.OBS_STATUS:
                    status = out.setdefault("JSON-stat extension.status", {})
                    status.setdefault(("OBS_STATUS", code), [None, None])[0 if lang == "it" else 1] = text
    for lang in ("it", "en"):
        got = out.setdefault(f"datapackage ({lang})", {})
        for resource in packages[lang]["resources"]:
            for field in resource["schema"]["fields"]:
                if field["name"] in export_codelists():
                    for o in field["options"]:
                        got[(export_codelists()[field["name"]], o["code"])] = (o["labels"]["it"], o["labels"]["en"])
    with pinned_clock(date(*PINNED_TODAY)):
        body = api_client(Settings(data_dir=data), role="monitoring").get("/api/v1/codelists").get_json()
    out["console /api/v1/codelists"] = {(name, code): (t["it"], t["en"])
                                        for name, codes in body["codelists"].items() for code, t in codes.items()}
    for fmt, labels in out.items():
        out[fmt] = {k: tuple(v) for k, v in labels.items()}
    return out, stat


def export_codelists() -> dict[str, str]:
    from warehouse.datapackage import CODELISTS

    return CODELISTS


def _codes_with_punctuation() -> set[str]:
    """Every code that reads as a code (a dot, dash, underscore or colon in it: ``mod-anagrafe``,
    ``anagrafe.certificati``, ``front_office``, ``mod-anagrafe:findability``), of every codelist."""
    codes = {c for codes in cl.sdmx_codelists().values() for c in codes} | set(cl.module_questions())
    return {c for c in codes if re.search(r"[-._:]", c) and c not in cl.SPECIAL}


def test_the_exports_label_the_module_series_and_every_code_they_hold(labelled):
    labels, _ = labelled
    assert ("INDICATOR", "MOD_ANAGRAFE__FINDABILITY_POS") in labels["codelists file"]
    assert ("INDICATOR", "MOD_TRIBUTI__RECEIPT_POS") in labels["JSON-stat (it)"]
    assert ("SERVICE_TYPE", "sportello.urp") in labels["codelists file"]
    assert ("INSTRUMENT", "di-rating-servizio") in labels["JSON-stat (en)"]
    assert ("CHANNEL", "front_office") in labels["datapackage (it)"]


def test_the_microdata_package_labels_its_questionnaire_and_instrument_codes(labelled):
    """The package's rows carry the codes of their questionnaire and instrument (``mod-anagrafe``,
    ``cx-core``) with no label beside them, where its PA type, service type, region and channel fields list
    theirs (``options``): now those two fields do too, with the INSTRUMENT codelist's labels."""
    labels, _ = labelled
    for lang in ("it", "en"):
        for code in ("cx-core", "mod-anagrafe", "di-rating-servizio", "faccia"):
            assert labels[f"datapackage ({lang})"][("INSTRUMENT", code)] == cl.codelists()["INSTRUMENT"][code]


def test_no_label_is_a_code_or_leads_with_one(labelled):
    """No label of any code, in any format and language, equals its code, starts with it, or holds
    another code ("mod-anagrafe: Quanto è stato facile trovare il servizio…": the module's code)."""
    labels, _ = labelled
    codes = _codes_with_punctuation()
    wrong = []
    for fmt, found in labels.items():
        for (name, code), pair in found.items():
            for lang, text in zip(("it", "en"), pair):
                if not text or not text.strip():
                    wrong.append((fmt, name, code, lang, "no label"))
                elif any(re.match(rf"{re.escape(c)}(?!\w)", text) for c in (code, cl.sdmx_id(code))):
                    wrong.append((fmt, name, code, lang, text))
                elif held := [c for c in codes if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)]:
                    wrong.append((fmt, name, code, lang, f"{text!r} holds {held}"))
    assert wrong == []


def test_a_module_series_is_named_by_its_question_as_the_console_names_it(labelled):
    labels, _ = labelled
    _module, it, en = cl.module_questions()["mod-anagrafe:findability"]
    pair = labels["codelists file"][("INDICATOR", "MOD_ANAGRAFE__FINDABILITY_POS")]
    assert pair == (f"{it} — quota di giudizi positivi (%)", f"{en} — share of positive judgements (%)")
    assert pair[0].startswith("Quanto è stato facile trovare il servizio")


def test_each_code_has_the_same_labels_in_every_format(labelled):
    """The codelist file, the SDMX structure, both JSON-stat files (their own language and
    ``extension.labels``, and ``extension.status`` for OBS_STATUS), both microdata packages and the console
    give each code one Italian and one English label."""
    labels, _ = labelled
    reference = {(name, code): pair for name, codes in cl.sdmx_codelists().items() for code, pair in codes.items()}
    differ = [(fmt, key, pair, reference.get(key)) for fmt, found in labels.items() for key, pair in found.items()
              if pair != reference.get(key)]
    assert differ == []


def test_no_two_codes_of_a_codelist_read_alike(labelled):
    """A reader tells codes apart by their labels: within a codelist, in each language, no label twice."""
    for name, codes in cl.sdmx_codelists().items():
        for i, lang in enumerate(("it", "en")):
            texts = [pair[i] for pair in codes.values()]
            assert len(texts) == len(set(texts)), (name, lang, sorted(t for t in texts if texts.count(t) > 1))


#: Words of one language that have no place in the other's labels (the codelists' and the concepts').
ENGLISH = r"\b(front office|office|share|mean|total|answers?|yes|partly|judgements?|free|unknown)\b"
ITALIANO = r"\b(sportello|ufficio|quota|media|totale|risposte?|giudizi|sì|in parte|non noto|pubblicabile)\b"


def test_no_label_is_in_the_other_language():
    """"Sportello per il pubblico (URP, front office)": English in an Italian label. Quoted answers
    («no», “no”) aside, no Italian label holds English words, nor an English one Italian words."""
    wrong = []
    pairs = [(f"{n}/{c}", it, en) for n, codes in cl.sdmx_codelists().items() for c, (it, en) in codes.items()]
    pairs += [(f"concept {c}", it, en) for c, (it, en) in cl.CONCEPTS.items()]
    for where, it, en in pairs:
        it_plain, en_plain = (re.sub(r"«[^»]*»|“[^”]*”|\"[^\"]*\"", "", t) for t in (it, en))
        if m := re.search(ENGLISH, it_plain, re.I):
            wrong.append((where, "it", it, m.group(0)))
        if m := re.search(ITALIANO, en_plain, re.I):
            wrong.append((where, "en", en, m.group(0)))
    assert wrong == []


def test_an_abbreviation_in_a_label_is_written_out_beside_it():
    """"URP" was left unexplained in the Italian label of ``sportello.urp`` (the English one said "public
    relations office"): an abbreviation of the Italian administration is written out in both."""
    it, en = cl.codelists()["SERVICE_TYPE"]["sportello.urp"]
    assert "Ufficio relazioni con il pubblico" in it and "front office" not in it
    assert "public relations office" in en


def _sdmx_concepts(xml) -> dict[str, dict[str, str]]:
    return {c.get("id"): {n.get(LANG): n.text for n in c.iterchildren(f"{COM}Name")} for c in xml.iter("{*}Concept")}


def test_jsonstat_names_its_dimensions_and_measures_as_the_sdmx_concepts(labelled, tmp_path):
    """JSON-stat called REF_AREA "Area", PA_TYPE "Tipo di PA" / "PA type", INSTRUMENT "Strumento", TIME_PERIOD
    "Period", its bounds "limite inferiore dell'IC al 95%": the SDMX structure's concepts of the same columns
    said "Area di riferimento", "Tipo di pubblica amministrazione"… One name per column, abbreviations
    written out."""
    from warehouse import sdmx_structure

    _, stat = labelled
    xml = etree.fromstring(sdmx_structure.write_structure().encode("utf-8"))
    concepts = _sdmx_concepts(xml)
    for lang in ("it", "en"):
        for item in stat[lang]["link"]["item"]:
            for dim, d in item["dimension"].items():
                if dim != "MEASURE":
                    assert d["label"] == concepts[dim][lang], (lang, dim)
            measures = item["dimension"]["MEASURE"]["category"]["label"]
            assert measures == {m: concepts[m][lang] for m in measures}, lang
            assert not re.search(r"\b(IC|CI|PA)\b", item["label"]), item["label"]
    for c, names in concepts.items():
        assert not re.search(r"\b(IC|CI|PA)\b", f"{names['it']} {names['en']}"), (c, names)


@pytest.mark.parametrize("metadata_url", [None, "https://dati.example/releases/2026-Q3/v1/metadata.json"])
def test_the_sdmx_annotations_are_in_italian_too(metadata_url):
    """The dataflow's annotations (where the reference metadata and the methodology are) had an English
    text only, in a structure whose every name is in both languages. Each now has its Italian text beside
    the English one, and the message still validates (``write_structure`` reads it back with pysdmx)."""
    from warehouse import sdmx_structure

    xml = etree.fromstring(sdmx_structure.write_structure(metadata_url=metadata_url).encode("utf-8"))
    annotations = list(xml.iter(f"{COM}Annotation"))
    assert {a.get("id") for a in annotations} == {"REFERENCE_METADATA", "METHODOLOGY"}
    for a in annotations:
        texts = {t.get(LANG): t.text for t in a.iterchildren(f"{COM}AnnotationText")}
        assert set(texts) == {"it", "en"} and texts["it"] != texts["en"], texts
        assert not re.search(r"\b(the|of|and|reference metadata)\b", texts["it"]), texts["it"]
    said = {a.get("id"): {t.get(LANG): t.text for t in a.iterchildren(f"{COM}AnnotationText")} for a in annotations}
    assert "metadati di riferimento" in said["REFERENCE_METADATA"]["it"]
    assert "/it/methodology" in said["METHODOLOGY"]["it"]


def test_each_instrument_of_the_sdmx_structure_says_what_it_is_in_both_languages():
    """An INSTRUMENT's label is its questionnaire's title as the respondent reads it — "Quanto è stato facile
    usare questo servizio?" for the Designers Italia service rating, "Il tuo giudizio sul servizio" for the
    faces —, which does not say what the instrument is. Each code of CL_INSTRUMENT carries its
    questionnaire's description, in Italian and English (the structure still validates: pysdmx reads it
    back in ``write_structure``)."""
    from questionnaires import default_catalog
    from warehouse import sdmx_structure

    xml = etree.fromstring(sdmx_structure.write_structure().encode("utf-8"))
    [instruments] = [c for c in xml.iter("{*}Codelist") if c.get("id") == "CL_INSTRUMENT"]
    described = {code.get("id"): {d.get(LANG): d.text for d in code.iterchildren(f"{COM}Description")}
                 for code in instruments.iterchildren("{*}Code")}
    for q in default_catalog():
        assert described[q.id] == {"it": q.description["it"], "en": q.description["en"]}, q.id
    assert described["di-rating-servizio"]["it"].startswith("Componente di valutazione di Designers Italia")


def test_the_italian_revision_policy_says_what_dates_the_data_in_plain_italian():
    """S.17 said "('updated' di JSON-stat, quello della risposta più recente di tutti i dati, data l'insieme
    di dati…)": the English "dates the dataset" rendered as "data", read by an Italian as the noun."""
    from warehouse.refmeta_text import text as refmeta_text

    policy = refmeta_text("policy", "it")
    assert "data l'insieme" not in policy and "è la data dell'insieme di dati" in policy


def test_a_parquet_column_names_itself_its_codelist_and_its_unit(data_dir, tmp_path):
    """The Parquet file's columns were bare codes (``CONF_STATUS``, ``OBS_VALUE``), its values in a unit and
    to decimals it did not say. Each field's metadata now gives its name in Italian and English (the SDMX
    concept's), a coded column its codelist in the codelist file beside it, a value or bound the column of
    its unit and its decimals."""
    import pyarrow.parquet as pq

    with pinned_clock(date(*PINNED_TODAY)), Warehouse(Settings(data_dir=data_dir)) as wh:
        path = export.export(wh.cursor(), "parquet", tmp_path / "cx.parquet", freq="Q")
    in_file = {r["codelist"] for r in csv.DictReader(export.codelists_path(path).read_text("utf-8").splitlines())}
    fields = {f.name: {k.decode(): v.decode() for k, v in (f.metadata or {}).items()} for f in pq.read_schema(path)}
    assert list(fields) == cl.COLUMNS
    for column, meta in fields.items():
        assert (meta["name_it"], meta["name_en"]) == cl.CONCEPTS[column], column
    coded = {c for c, meta in fields.items() if "codelist" in meta}
    assert coded == set(cl.codelists()) and in_file <= {fields[c]["codelist"] for c in coded}
    for column in ("OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND"):
        assert fields[column]["unit"] == "UNIT_MEASURE" and fields[column]["decimals"] == str(cl.VALUE_DECIMALS)


def test_the_console_api_names_every_indicator_in_both_languages(data_dir):
    """``/api/v1/meta`` listed the indicators by code alone (``mod-anagrafe:findability``): an API client had
    no words for them, while the exports' INDICATOR labels begin with them. Each now has ``label`` {it, en}
    — a core indicator's name, a module indicator's question —, the words the series' labels begin with."""
    meta = api_client(Settings(data_dir=data_dir), role="monitoring").get("/api/v1/meta").get_json()
    named = {i["name"]: i["label"] for i in meta["indicators"]}
    assert named["satisfaction"] == {"it": "Soddisfazione", "en": "Satisfaction"}
    _module, it, en = cl.module_questions()["mod-anagrafe:findability"]
    assert named["mod-anagrafe:findability"] == {"it": it, "en": en}
    series = cl.codelists()["INDICATOR"]
    for name, label in named.items():
        assert label["it"] and label["en"] and name not in label.values() and ":" not in label["it"][:20], name
        if name not in ("went_well", "went_wrong"):
            pos = series[cl.series_code(name, "POS" if name != "task_completed" else "YES")]
            assert pos[0].startswith(label["it"]) and pos[1].startswith(label["en"]), name


def test_the_reference_metadata_name_the_units_as_their_codelist_does():
    """S.4 said "PT: punti su 0-100" where UNIT_MEASURE's label is "Punti su 0–100": each unit code is
    named in the reference metadata with its codelist label's words, in both languages."""
    from warehouse.refmeta_text import text as refmeta_text

    for i, lang in enumerate(("it", "en")):
        said = refmeta_text("S.4", lang)
        for code, pair in cl.UNITS.items():
            assert f"{code}: {pair[i][0].lower()}{pair[i][1:]}" in said, (lang, code, said)


def test_the_consoles_menus_name_each_core_indicator_as_the_codelists_do_in_both_languages():
    """One home for an indicator's name: the console's menus (``i18n.INDICATOR_LABELS``, translated by its
    English table) read the codelists', so a renamed indicator cannot say one thing in a menu and another in
    an export."""
    from questionnaires.harmonize import CATEGORY_INDICATORS, SCORE_INDICATORS
    from warehouse.console import i18n

    assert list(i18n.INDICATOR_LABELS) == [*SCORE_INDICATORS, *CATEGORY_INDICATORS]
    for ind, italian in i18n.INDICATOR_LABELS.items():
        assert (italian, i18n.EN[italian]) == cl.INDICATORS[ind]
