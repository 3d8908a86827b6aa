"""Codelists of the published table: every code a table export or console page shows, with its label
in Italian and English (issue 19 point 12: exports are self-describing).

One source for the CSV/Parquet codelist file written beside a table, the JSON-stat category labels,
the SDMX structure (:mod:`warehouse.sdmx_structure`), the microdata package's ``options`` and the console's
labels of codes (``/api/v1/codelists``; its indicators' names, :func:`indicator_names`); and of the columns'
names (:data:`CONCEPTS`: SDMX concepts, JSON-stat dimensions, Parquet field metadata). A label is words,
never a code (``tests/test_export_labels.py`` reads every export's). Codes of
the published table: ``REF_AREA`` (NUTS-2, ``IT`` Italy), ``PA_TYPE`` (IPA categories),
``SERVICE_TYPE`` (the taxonomy), ``INSTRUMENT`` (the questionnaire owning the item),
``SCALE`` (:mod:`questionnaires.scales`), ``CHANNEL``, ``INDICATOR`` (series: ``<IND>_POS`` positive
share, ``<IND>_MEAN`` mean within one scale, ``TASK_COMPLETED_YES|PARTLY|NO``), ``UNIT_MEASURE``,
``OBS_STATUS``, ``PROVISIONAL``, ``CONF_STATUS``, ``CI_STATUS``, ``CKM_PERTURBED``, ``FREQ``. ``_T`` is the total, ``_Z`` not applicable,
``_U`` unknown (SDMX conventions).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from settings import Settings

from .csvsafe import csv_writer

TOTAL, NOT_APPLICABLE, UNKNOWN, NATIONAL = "_T", "_Z", "_U", "IT"
#: The columns of the publication table (SDMX dataflow IT1:DF_ASCOLTO_CX).
DATAFLOW = "IT1:DF_ASCOLTO_CX(1.0)"
#: Decimals of the published values and bounds (their rounding in the publication table, their
#: ``decimals`` in JSON-stat).
VALUE_DECIMALS = 4
SDMX_DIMENSIONS = ["FREQ", "REF_AREA", "PA_TYPE", "SERVICE_TYPE", "INSTRUMENT", "SCALE", "CHANNEL", "INDICATOR",
                   "TIME_PERIOD"]
TABLE_ATTRIBUTES = ["N_RESP", "LOWER_BOUND", "UPPER_BOUND", "UNIT_MEASURE", "OBS_STATUS", "PROVISIONAL", "CONF_STATUS",
                    "CI_STATUS", "CKM_PERTURBED", "COMMENT_OBS"]
#: The columns of the publication table, of CSV and of Parquet.
COLUMNS = [*SDMX_DIMENSIONS, "OBS_VALUE", *TABLE_ATTRIBUTES]
#: SDMX's own attributes of magnitude and precision, constant over the publication (their codes in
#: :data:`SDMX_ONLY`): UNIT_MULT ``0`` (units: the value is as written, no power of ten) and DECIMALS
#: ``4`` (:data:`VALUE_DECIMALS`). Declared in the DSD and written in SDMX-CSV (after UNIT_MEASURE);
#: CSV and Parquet, which are not SDMX, state them in their schema/codelists' words instead.
SDMX_UNIT_ATTRIBUTES = {"UNIT_MULT": "0", "DECIMALS": str(VALUE_DECIMALS)}
SDMX_ATTRIBUTES = [*TABLE_ATTRIBUTES[:4], *SDMX_UNIT_ATTRIBUTES, *TABLE_ATTRIBUTES[4:]]
#: The columns of SDMX-CSV (after STRUCTURE, STRUCTURE_ID, ACTION).
SDMX_COLUMNS = [*SDMX_DIMENSIONS, "OBS_VALUE", *SDMX_ATTRIBUTES]
#: The name of every concept (column) of the publication table in Italian and English, written out
#: (no "IC", "CI", "PA"): the SDMX structure's concepts and codelists, JSON-stat's dimensions and the
#: categories of its MEASURE (:mod:`warehouse.jsonstat`) — one home, so a column has one name everywhere.
CONCEPTS = {
    "FREQ": ("Frequenza", "Frequency"), "REF_AREA": ("Area di riferimento", "Reference area"),
    "PA_TYPE": ("Tipo di pubblica amministrazione", "Type of public administration"),
    "SERVICE_TYPE": ("Tipo di servizio", "Service type"),
    "INSTRUMENT": ("Strumento di rilevazione", "Survey instrument"),
    "SCALE": ("Scala di risposta", "Response scale"), "CHANNEL": ("Canale", "Channel"),
    "INDICATOR": ("Indicatore", "Indicator"), "TIME_PERIOD": ("Periodo di riferimento", "Time period"),
    "OBS_VALUE": ("Valore dell'osservazione", "Observation value"),
    "N_RESP": ("Numero di risposte (perturbato)", "Number of responses (perturbed)"),
    "LOWER_BOUND": ("Limite inferiore dell'intervallo di confidenza al 95%", "Lower bound of the 95% confidence interval"),
    "UPPER_BOUND": ("Limite superiore dell'intervallo di confidenza al 95%", "Upper bound of the 95% confidence interval"),
    "UNIT_MEASURE": ("Unità di misura", "Unit of measure"),
    "UNIT_MULT": ("Moltiplicatore dell'unità", "Unit multiplier"), "DECIMALS": ("Decimali", "Decimals"),
    "OBS_STATUS": ("Stato dell'osservazione", "Observation status"),
    "PROVISIONAL": ("Valore provvisorio (periodo non concluso)", "Provisional value (period not ended)"),
    "CONF_STATUS": ("Stato di riservatezza", "Confidentiality status"),
    "CI_STATUS": ("Stato dell'intervallo di confidenza", "Confidence interval status"),
    "CKM_PERTURBED": ("Derivato da conteggi perturbati (metodo cell-key)", "Derived from perturbed counts (cell-key method)"),
    "COMMENT_OBS": ("Commento all'osservazione", "Observation comment"),
}
def column_metadata(column: str) -> dict[str, str]:
    """What a Parquet column says of itself (field metadata): its name in Italian and English
    (:data:`CONCEPTS`), for a coded column the codelist of the codelist file beside it (``codelist``), for a
    value or bound the column holding its unit (``unit``: ``UNIT_MEASURE``) and its ``decimals``."""
    out = {"name_it": CONCEPTS[column][0], "name_en": CONCEPTS[column][1]}
    if column in SDMX_DIMENSIONS[:-1] or column in ("UNIT_MEASURE", "OBS_STATUS", "PROVISIONAL", "CONF_STATUS",
                                                    "CI_STATUS", "CKM_PERTURBED"):
        out["codelist"] = column
    if column in ("OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND"):
        out.update(unit="UNIT_MEASURE", decimals=str(VALUE_DECIMALS))
    return out


SPECIAL = {TOTAL: ("Totale", "Total"), NOT_APPLICABLE: ("Non applicabile", "Not applicable"),
           UNKNOWN: ("Non noto", "Unknown")}

CHANNELS = {"web": ("Web", "Web"), "app": ("App", "App"), "email": ("E-mail", "Email"), "sms": ("SMS", "SMS"),
            "kiosk": ("Totem", "Kiosk"), "front_office": ("Sportello", "Front office"), "phone": ("Telefono", "Phone")}
INDICATORS = {"satisfaction": ("Soddisfazione", "Satisfaction"), "ease": ("Facilità", "Ease"),
              "clarity": ("Chiarezza", "Clarity"), "speed": ("Rapidità", "Speed"), "trust": ("Fiducia", "Trust"),
              "task_completed": ("Completamento", "Task completion"),
              "went_well": ("Cosa è andato bene", "What went well"),
              "went_wrong": ("Cosa non è andato bene", "What went wrong")}
SERIES = {"POS": ("quota di giudizi positivi (%)", "share of positive judgements (%)"),
          "MEAN": ("media (0–100, una sola scala)", "mean (0–100, one scale only)"),
          "YES": ("quota di «sì» (%)", "share of \"yes\" (%)"), "PARTLY": ("quota di «in parte» (%)", "share of \"partly\" (%)"),
          "NO": ("quota di «no» (%)", "share of \"no\" (%)")}
#: UNIT_MEASURE: ``PC`` is the SDMX cross-domain code (CL_UNIT_MEASURE, percentage); a mean on the 0–100
#: score has no cross-domain unit, ``PT`` is ours. N_RESP is an attribute counting responses (a number).
UNITS = {"PC": ("Percentuale", "Percent"), "PT": ("Punti su 0–100", "Points on 0–100")}
#: The SDMX-only codelists (:data:`SDMX_UNIT_ATTRIBUTES`), codes and English names of the SDMX
#: cross-domain CL_UNIT_MULT and CL_DECIMALS (only the codes used).
SDMX_ONLY = {"UNIT_MULT": {"0": ("Unità", "Units")}, "DECIMALS": {str(VALUE_DECIMALS): ("Quattro", "Four")}}
FREQ = {"M": ("Mensile", "Monthly"), "Q": ("Trimestrale", "Quarterly"), "A": ("Annuale", "Annual")}
#: OBS_STATUS (SDMX code list CL_OBS_STATUS): the observation's own status, the same codes in every format,
#: the console included; ``M`` and ``O`` (:data:`NO_OBSERVATION`) mark the cells without an observation. Whether the period is still running is not an OBS_STATUS but the attribute
#: PROVISIONAL (:data:`PROVISIONAL`): a provisional figure keeps its U or B.
OBS_STATUS = {"A": ("Valore normale", "Normal value"),
              "U": ("Bassa affidabilità: meno di {low_n} risposte", "Low reliability: fewer than {low_n} responses"),
              "B": ("Interruzione della serie: primo periodo dopo un cambiamento dichiarato del questionario",
                    "Break in series: first period after a declared change of the questionnaire"),
              "Q": ("Valore mancante: oscurato per il segreto statistico", "Missing value: suppressed for confidentiality"),
              "M": ("Valore mancante: serie non definita per questa cella (mescolerebbe scale, strumenti, "
                    "formulazioni o serie diverse)",
                    "Missing value: the series is not defined for this cell (it would pool different scales, "
                    "instruments, wordings or series)"),
              "O": ("Valore mancante: nessuna risposta per questa combinazione", "Missing value: no responses in this "
                    "combination")}
#: The OBS_STATUS codes of a cell the table has no observation for — JSON-stat's cube holds every
#: combination of its categories, SDMX-CSV only the observations (there such a cell has no row):
#: ``O`` no responses, ``M`` a series the pooling guard does not publish there.
NO_OBSERVATION = ("M", "O")
#: PROVISIONAL (CL_PROVISIONAL): ``Y`` on a published figure of a period not yet ended (it will change
#: while answers arrive), empty otherwise. JSON-stat, with one status per value, appends its code ``P``
#: to the OBS_STATUS code (:func:`status_code`).
PROVISIONAL = {"Y": ("Valore provvisorio: il periodo non è ancora concluso",
                     "Provisional value: the period has not ended yet")}
CONF_STATUS = {"F": ("Pubblicabile", "Free"),
               "A": ("Oscurato (meno di {min_n} risposte, vere o perturbate, o nessuna risposta dopo la perturbazione)",
                     "Suppressed (fewer than {min_n} true or perturbed responses, or no answer left by the perturbation)")}
#: The thresholds of :class:`warehouse.protect.Protection` (and of ``ASCOLTO_DISCLOSURE_MIN_N`` /
#: ``ASCOLTO_RELIABILITY_MIN_N``) by default; the labels of OBS_STATUS U and CONF_STATUS A state the
#: ones a table was cut with (:func:`codelists`'s ``min_n``, ``low_n``).
DEFAULT_MIN_N, DEFAULT_LOW_N = Settings.disclosure_min_n, Settings.reliability_min_n
#: CKM_PERTURBED (CL_CKM_PERTURBED): ``Y`` on a figure derived from counts perturbed by the cell-key
#: method (every published cell while the protection is on), empty on a suppressed one.
CKM_PERTURBED = {"Y": ("Derivato da conteggi perturbati con il metodo cell-key",
                       "Derived from counts perturbed by the cell-key method")}
CI_STATUS = {"ok": ("Intervallo t al 95% (campionamento e perturbazione cell-key)",
                     "95% t interval (sampling and cell-key noise)"),
             "degenerate": ("Risposte tutte uguali: intervallo di ampiezza zero, nessuna incertezza espressa",
                            "All answers identical: zero-width interval, no uncertainty expressed"),
             "undefined": ("Meno di 2 risposte: nessun intervallo", "Fewer than 2 answers: no interval")}


def status_code(obs_status: str, provisional: str) -> str:
    """One status string of an observation (JSON-stat's ``status``, which holds one string per value):
    its OBS_STATUS code, with ``P`` appended when PROVISIONAL is ``Y`` (Eurostat's combined flags):
    ``A`` normal, ``U``, ``B``, ``Q``; ``P`` a provisional normal value, ``UP`` provisional and of low
    reliability, ``BP`` provisional and the first period after a break."""
    if provisional == "Y":
        return "P" if obs_status == "A" else f"{obs_status}P"
    return obs_status


def status_label(code: str, lang: str = "it", min_n: int = DEFAULT_MIN_N, low_n: int = DEFAULT_LOW_N) -> str:
    """The label of a :func:`status_code` in ``lang``: the OBS_STATUS label, then the PROVISIONAL one
    (``"Low reliability: fewer than 30 responses; provisional value: …"``)."""
    provisional = code.endswith("P")
    base = code[:-1] if provisional else code
    parts = [label("OBS_STATUS", base, lang, min_n, low_n)] if base else []
    if provisional:
        parts.append(label("PROVISIONAL", "Y", lang, min_n, low_n))
    return "; ".join([parts[0], *(p[0].lower() + p[1:] for p in parts[1:])])


def sdmx_id(code: str) -> str:
    """A code as an SDMX identifier (``[A-Za-z0-9_@$-]+``): a dot becomes ``__``
    (``anagrafe.certificati`` → ``anagrafe__certificati``); other codes are unchanged. Used by the SDMX
    outputs only (SDMX-CSV and the structure); CSV, Parquet and JSON-stat keep the taxonomy's codes."""
    return code.replace(".", "__")


def series_code(indicator: str, series: str) -> str:
    """The INDICATOR code of one series: ``SATISFACTION_POS``, ``MOD_TRIBUTI__RECEIPT_MEAN``."""
    return f"{indicator.upper().replace('-', '_').replace(':', '__')}_{series}"


def _pair(d: dict[str, str]) -> tuple[str, str]:
    return d.get("it", ""), d.get("en") or d.get("it", "")


@lru_cache(maxsize=1)
def _instruments() -> dict[str, tuple[str, str]]:
    from questionnaires import default_catalog

    out = {}
    for q in default_catalog():
        out[q.id] = _pair(dict(q.title))
    return out


@lru_cache(maxsize=1)
def descriptions() -> dict[str, dict[str, tuple[str, str]]]:
    """``{codelist: {code: (description it, description en)}}``: what a code's label cannot say in a few
    words — an INSTRUMENT's label is its questionnaire's title, as the respondent reads it ("Quanto è stato
    facile usare questo servizio?"), its description says what the instrument is (the questionnaire's
    ``description``: "Componente di valutazione di Designers Italia…"). The SDMX structure's code
    descriptions (``<com:Description>``, both languages); the codelist file keeps its four columns."""
    from questionnaires import default_catalog

    return {"INSTRUMENT": {q.id: _pair(dict(q.description)) for q in default_catalog() if dict(q.description)}}


@lru_cache(maxsize=1)
def module_questions() -> dict[str, tuple[str, str, str]]:
    """``{module indicator: (module's instrument code, question it, question en)}``: each module
    indicator's human label is its question's wording (the code ``mod-anagrafe:findability`` is the
    value a form sends, never what a reader is shown); the module is named by :func:`label` of
    ``INSTRUMENT``."""
    from questionnaires import default_catalog
    from questionnaires.scales import measures

    out: dict[str, tuple[str, str, str]] = {}
    for m in measures():
        if not m.canonical and m.indicator not in INDICATORS and m.indicator not in out:
            item = default_catalog().get(m.questionnaire, m.version).item(m.item)
            out[m.indicator] = (m.instrument, *_pair(dict(item.label)))
    return out


def indicator_names() -> dict[str, tuple[str, str]]:
    """Each indicator's name in Italian and English (the INDICATOR series' labels begin with it, the console
    and its API's ``/api/v1/meta`` name indicators by it): a core one's (:data:`INDICATORS`), a module
    indicator's question (:func:`module_questions`), as the console names it — never led by the code of
    its module (``mod-anagrafe: Quanto è stato facile…``); the series' code (``MOD_ANAGRAFE__…``) and,
    in the table by instrument, its INSTRUMENT say which module."""
    out = dict(INDICATORS)
    for ind, (_instrument, it, en) in module_questions().items():
        out[ind] = (it, en)
    return out


def _quoted(labels: list[str], lang: str) -> str:
    return ", ".join(f"«{t}»" if lang == "it" else f"“{t}”" for t in labels)


def _yes_no_positive(indicator: str) -> tuple[str, str]:
    """For a yes/no or choice item, which answers its positive share counts and which it leaves out of
    the share (": risposta «no»"; a choice item: ": risposta «Sì, e il problema è stato risolto»
    (non conteggiate: «No»)"): a reversed item ("Did you also have to go to a counter?") counts "no",
    and a routed one ("Did you need help from the school office?") counts "yes, solved" among those who
    needed help — which its question alone does not say. Empty for ratings, faces and task completion
    (their positive answers are stated by the scale), and when the instrument's versions disagree."""
    from questionnaires import default_catalog
    from questionnaires.scales import measures

    found = [m for m in measures() if m.indicator == indicator and m.kind == "score"]
    if not found or any(not m.scale.startswith(("yn", "ord")) for m in found):
        return "", ""  # ratings, stars, faces: the scale states its positive answers
    if set().union(*(set(m.answers) for m in found)) == {"true", "false"}:
        answers = {m.positive for m in found}
        word = {("true",): ("sì", "yes"), ("false",): ("no", "no")}.get(answers.pop()) if len(answers) == 1 else None
        return (f": risposta «{word[0]}»", f": answer “{word[1]}”") if word else ("", "")
    notes = set()
    for m in found:
        item = default_catalog().get(m.questionnaire, m.version).item(m.item)
        labels = {o.code: _pair(dict(o.label)) for o in item.options}
        positive = [labels[c] for c in m.positive if c in labels]
        left_out = [labels[o.code] for o in item.options if m.scores.get(o.code) is None]
        note = []
        for i, lang in enumerate(("it", "en")):
            text = (": risposta " if lang == "it" else ": answer ") + _quoted([t[i] for t in positive], lang)
            if left_out:
                text += (" (non conteggiate: " if lang == "it" else " (not counted: ") + \
                    _quoted([t[i] for t in left_out], lang) + ")"
            note.append(text)
        notes.add(tuple(note))
    return notes.pop() if len(notes) == 1 else ("", "")


def _stated(labels: dict[str, tuple[str, str]], min_n: int, low_n: int) -> dict[str, tuple[str, str]]:
    return {c: (it.format(min_n=min_n, low_n=low_n), en.format(min_n=min_n, low_n=low_n))
            for c, (it, en) in labels.items()}


@lru_cache(maxsize=8)
def codelists(min_n: int = DEFAULT_MIN_N, low_n: int = DEFAULT_LOW_N) -> dict[str, dict[str, tuple[str, str]]]:
    """``{codelist: {code: (label it, label en)}}`` for every coded column of the published table.
    OBS_STATUS U and CONF_STATUS A state the thresholds the table was cut with: ``min_n`` (suppressed
    below) and ``low_n`` (low reliability below), :class:`warehouse.protect.Protection`'s ``min_n`` and
    ``low_n`` (:func:`thresholds`); an export's codelists never state numbers it was not cut with."""
    from questionnaires.scales import SCALE_LABELS, measures, scale_label
    from questionnaires.taxonomy import pa_categories, service_types
    from registry import geo

    areas = {NATIONAL: ("Italia", "Italy")}
    for name, code in geo.REGIONS.values():
        if code:
            areas[code] = (name, name)
    areas.update({"ITH1": ("Provincia autonoma di Bolzano", "Autonomous Province of Bolzano"),
                  "ITH2": ("Provincia autonoma di Trento", "Autonomous Province of Trento")})
    scales = {m.scale: (scale_label(m.scale, "it"), scale_label(m.scale, "en")) for m in measures()}
    assert all(s.rstrip("0123456789") in SCALE_LABELS for s in scales)
    indicators = {}
    for ind, (it, en) in indicator_names().items():
        if ind in ("went_well", "went_wrong"):
            continue
        positive = _yes_no_positive(ind)
        for s in ("POS", "MEAN") if ind != "task_completed" else ("YES", "PARTLY", "NO"):
            note = positive if s == "POS" else ("", "")
            indicators[series_code(ind, s)] = (f"{it} — {SERIES[s][0]}{note[0]}", f"{en} — {SERIES[s][1]}{note[1]}")
    lists = {
        "REF_AREA": areas,
        "PA_TYPE": {c: _pair(dict(p.label)) for c, p in pa_categories().items()},
        "SERVICE_TYPE": {c: _pair(dict(t.label)) for c, t in service_types().items()},
        "INSTRUMENT": _instruments(),
        "SCALE": scales,
        "CHANNEL": dict(CHANNELS),
        "INDICATOR": indicators,
        "UNIT_MEASURE": dict(UNITS), "FREQ": dict(FREQ), "OBS_STATUS": _stated(OBS_STATUS, min_n, low_n),
        "PROVISIONAL": dict(PROVISIONAL),
        "CONF_STATUS": _stated(CONF_STATUS, min_n, low_n), "CI_STATUS": dict(CI_STATUS),
        "CKM_PERTURBED": dict(CKM_PERTURBED),
    }
    for name in ("REF_AREA", "PA_TYPE", "SERVICE_TYPE", "INSTRUMENT", "SCALE", "CHANNEL"):
        lists[name].update(SPECIAL)
    return lists


def sdmx_codelists(min_n: int = DEFAULT_MIN_N, low_n: int = DEFAULT_LOW_N) -> dict[str, dict[str, tuple[str, str]]]:
    """:func:`codelists` and the SDMX-only ones (:data:`SDMX_ONLY`): the codelists of the SDMX structure."""
    return {**codelists(min_n, low_n), **SDMX_ONLY}


def thresholds(protection) -> dict[str, int]:
    """``{"min_n": …, "low_n": …}`` of a :class:`warehouse.protect.Protection` (``None``: the defaults),
    the keyword arguments of :func:`codelists`, :func:`label` and :func:`rows`."""
    if protection is None:
        return {"min_n": DEFAULT_MIN_N, "low_n": DEFAULT_LOW_N}
    return {"min_n": int(protection.min_n), "low_n": int(protection.low_n)}


def label(codelist: str, code: str, lang: str = "it", min_n: int = DEFAULT_MIN_N, low_n: int = DEFAULT_LOW_N) -> str:
    """The label of ``code`` in ``lang`` (``it`` or ``en``); the code itself when it is not listed
    (``min_n``, ``low_n``: the thresholds the labels state, :func:`codelists`)."""
    pair = codelists(min_n, low_n).get(codelist, {}).get(code)
    if pair is None:
        return code
    return pair[1] if lang == "en" else pair[0]


#: The columns of a codelist file: the one beside a CSV/Parquet export, the API's ``export/codelists`` and
#: ``codelists?format=csv``, ``ascolto export --format codelists`` (all written by :func:`write_csv`).
CSV_HEADER = ["codelist", "code", "label_it", "label_en"]


def write_csv(rows_: Iterable[dict[str, str]], out) -> None:
    """``rows_`` (dicts of :data:`CSV_HEADER`, as :func:`rows` gives them) as a codelist file to the text
    stream ``out``: comma-separated, ``\\n`` line ends, every cell through :func:`warehouse.csvsafe.csv_writer`
    (a label never runs as a spreadsheet formula). The one writer of every codelist file."""
    w = csv_writer(out, lineterminator="\n")
    w.writerow(CSV_HEADER)
    for r in rows_:
        w.writerow([r[c] for c in CSV_HEADER])


def rows(used: dict[str, set[str]] | None = None, min_n: int = DEFAULT_MIN_N,
         low_n: int = DEFAULT_LOW_N) -> list[dict[str, str]]:
    """The codelists as rows ``codelist, code, label_it, label_en`` (only the ``used`` codes when given;
    ``min_n``, ``low_n``: the thresholds the labels state, :func:`codelists`)."""
    out = []
    for name, codes in codelists(min_n, low_n).items():
        for code, (it, en) in codes.items():
            if used is None or name not in used or code in used[name]:
                out.append({"codelist": name, "code": code, "label_it": it, "label_en": en})
    return out
