"""JSON-stat 2.0 writer of the publication table's tables (:func:`warehouse.export.jsonstat` gives it
each table's rows, margins included): a collection of datasets, one per table and unit of its series,
labels in Italian or English, the units on the metric dimension MEASURE, roles and ``updated``."""
from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from typing import Any, Iterable

import numpy as np
import pandas as pd

from . import codelists as cl
from .codelists import DATAFLOW, VALUE_DECIMALS
from .protect import Protection

#: The categories of MEASURE, named as their concepts (:data:`warehouse.codelists.CONCEPTS`).
JSONSTAT_MEASURES = {m: cl.CONCEPTS[m] for m in ("OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND", "N_RESP")}
JSONSTAT_DIMS = ["INDICATOR", "TIME_PERIOD", "REF_AREA", "PA_TYPE", "SERVICE_TYPE", "INSTRUMENT", "SCALE", "CHANNEL",
                 "MEASURE"]
#: The dimensions' labels: their concepts' names (as the SDMX structure's), MEASURE JSON-stat's own.
DIM_LABELS = {**{d: cl.CONCEPTS[d] for d in JSONSTAT_DIMS[:-1]}, "MEASURE": ("Misura", "Measure")}
#: (Italian, English) labels of the collection, of each table's datasets and of the unit of N_RESP.
COLLECTION_LABEL = ("Ascolto — esperienza dei servizi pubblici", "Ascolto — customer experience of public services")
TABLE_LABELS = {"area": ("Ascolto — per area, tipo di pubblica amministrazione e tipo di servizio",
                         "Ascolto — by area, type of public administration and service type"),
                "instrument": ("Ascolto — per tipo di servizio, strumento e scala",
                               "Ascolto — by service type, instrument and scale"),
                "channel": ("Ascolto — per tipo di servizio e canale", "Ascolto — by service type and channel")}
COUNT_UNIT = ("risposte", "responses")
#: Every ``status`` a value can have (:func:`warehouse.codelists.status_code`), each explained in
#: ``extension.status``: the OBS_STATUS codes, and ``P`` appended to those of a published figure.
STATUS_CODES = [*cl.OBS_STATUS, "P", *(f"{c}P" for c in cl.OBS_STATUS if c not in ("A", "Q", *cl.NO_OBSERVATION))]
UNIT_SYMBOLS = {"PC": "%"}
#: How the file is written (:func:`dumps`): no blank after ``,`` and ``:`` — a sparse cube's ``status``
#: is hundreds of thousands of short items, and the blanks were a fifth of its bytes.
SEPARATORS = (",", ":")


def _measure_units(unit: str, lang: str) -> dict[str, dict[str, Any]]:
    """The JSON-stat ``unit`` of every category of MEASURE, the metric dimension, in a dataset whose
    series are all in ``unit`` (``PC`` percent, ``PT`` points on 0–100): OBS_VALUE and its bounds in
    ``unit`` with :data:`VALUE_DECIMALS` decimals (the rounding of the publication table), N_RESP a
    count of responses with 0 decimals."""
    li = 1 if lang == "en" else 0
    value = {"label": cl.label("UNIT_MEASURE", unit, lang), "decimals": VALUE_DECIMALS}
    if unit in UNIT_SYMBOLS:
        value.update(symbol=UNIT_SYMBOLS[unit], position="end")
    return {"OBS_VALUE": value, "LOWER_BOUND": dict(value), "UPPER_BOUND": dict(value),
            "N_RESP": {"label": COUNT_UNIT[li], "decimals": 0}}


def _no_observation(status: dict[str, str], filled: np.ndarray, pos: dict[str, dict[str, int]],
                    withheld: set[tuple[str, ...]] | None) -> None:
    """Give every value of a cell without a row (``filled`` False: no observation) its status in
    ``status``: ``M`` where the pooling guard withheld the series (``withheld``: keys over
    :data:`warehouse.codelists.SDMX_DIMENSIONS`), ``O`` where there were no responses
    (:data:`warehouse.codelists.NO_OBSERVATION`). So ``null`` is never without a status."""
    dims, nm = JSONSTAT_DIMS[:-1], len(pos["MEASURE"])
    sizes = [len(pos[d]) for d in dims]
    code = np.full(filled.shape, "O", dtype=object)
    at = [cl.SDMX_DIMENSIONS.index(d) for d in dims]
    for key in withheld or ():
        coords = [pos[d].get(key[i]) for d, i in zip(dims, at)]
        if None not in coords:
            code[np.ravel_multi_index(coords, sizes)] = "M"
    for cell in np.flatnonzero(~filled):
        for j in range(nm):
            status[str(int(cell) * nm + j)] = code[cell]


def _jsonstat_dataset(df: pd.DataFrame, freq: str, lang: str, unit: str = "PC",
                      notes: dict[str, str] | None = None,
                      withheld: set[tuple[str, ...]] | None = None) -> dict[str, Any]:
    """``id``, ``size``, ``dimension``, ``value`` and ``status`` of one JSON-stat dataset over the rows
    of ``df`` (series all in ``unit``): labels in ``lang``; the units on the categories of MEASURE,
    the dimension with the metric role (:func:`_measure_units`); ``notes`` (period → text) on the
    categories of TIME_PERIOD (JSON-stat's ``category.note``)."""
    li = 1 if lang == "en" else 0
    cats = {d: sorted(df[d].unique().tolist()) for d in JSONSTAT_DIMS[:-1]}
    cats["MEASURE"] = list(JSONSTAT_MEASURES)
    size = [len(cats[d]) for d in JSONSTAT_DIMS]
    total = int(np.prod(size)) if size else 0
    values: list[Any] = [None] * total
    status: dict[str, str] = {}
    ci_status: dict[str, str] = {}
    pos = {d: {c: i for i, c in enumerate(cats[d])} for d in JSONSTAT_DIMS}
    strides = [int(np.prod(size[i + 1:])) for i in range(len(size))]
    filled = np.zeros(total // size[-1], dtype=bool)  # the cells (all dimensions but MEASURE) with a row
    for r in df.to_dict("records"):
        base = sum(pos[d][r[d]] * strides[i] for i, d in enumerate(JSONSTAT_DIMS[:-1]))
        filled[base // size[-1]] = True
        for j, m in enumerate(cats["MEASURE"]):
            idx = base + j * strides[-1]
            v = r[m]
            values[idx] = None if v is None or v is pd.NA or (isinstance(v, float) and not np.isfinite(v)) else (
                int(v) if m == "N_RESP" else round(float(v), VALUE_DECIMALS))
            code = cl.status_code(r["OBS_STATUS"], r["PROVISIONAL"])  # OBS_STATUS, + P when provisional
            if code != "A":
                status[str(idx)] = code
            if m.endswith("_BOUND") and r.get("CI_STATUS") not in (None, "", "ok"):
                ci_status[str(idx)] = r["CI_STATUS"]  # why the interval has zero width or none
    _no_observation(status, filled, pos, withheld)
    status = compact_status(status, total)
    dimension = {}
    for d in JSONSTAT_DIMS:
        labels = ({m: v[li] for m, v in JSONSTAT_MEASURES.items()} if d == "MEASURE" else
                  {c: (c if d == "TIME_PERIOD" else cl.label(d, c, lang)) for c in cats[d]})
        cat = {"index": cats[d], "label": labels}
        if d == "MEASURE":
            cat["unit"] = _measure_units(unit, lang)
        if d == "TIME_PERIOD" and (said := {c: [notes[c]] for c in cats[d] if (notes or {}).get(c)}):
            cat["note"] = said
        dimension[d] = {"label": DIM_LABELS[d][li], "category": cat}
    return {"id": JSONSTAT_DIMS, "size": size, "dimension": dimension, "value": compact_values(values),
            "status": status, "ci_status": ci_status}


def compact_status(status: dict[str, str], total: int) -> dict[str, str] | list[str | None]:
    """A dataset's ``status`` (value index → code) in the smaller of JSON-stat 2.0's two forms, as the
    file writes it: an *array* as long as ``value`` (``null`` where a value has no status) when most
    values have one — a sparse cube, its empty combinations all ``O`` or ``M`` — else the *object*
    keyed by value index (a few flagged values). Readers of the spec (the JSON-stat Toolkit,
    :func:`statuses`) take either; the written bytes decide, so the file is the smaller of the two."""
    if not status:
        return {}
    array: list[str | None] = [None] * total
    for k, code in status.items():
        array[int(k)] = code
    return array if len(json.dumps(array, separators=SEPARATORS)) < len(json.dumps(status, separators=SEPARATORS)) \
        else status


def compact_values(values: list[Any]) -> list[Any] | dict[str, Any]:
    """A dataset's ``value`` in the smaller of JSON-stat 2.0's two forms, as the file writes it: the
    dense *array* (one per combination of the categories, ``null`` where there is no figure) or, for
    a sparse cube, the *object* keyed by value index holding only the values that are not ``null``
    (an index it lacks is ``null``: the spec's sparse form). Each ``null`` keeps its status either way
    (``Q``, ``O``, ``M``: :func:`compact_status`); only the encoding changes, not what is published.
    Readers of the spec (pyjstat, the JSON-stat Toolkit, :func:`values`) take either. The demo's
    quarterly export: 5.3 MB with the array everywhere, its instrument table 3% filled."""
    sparse = {str(i): v for i, v in enumerate(values) if v is not None}
    return sparse if len(json.dumps(sparse, separators=SEPARATORS)) < len(json.dumps(values, separators=SEPARATORS)) \
        else values


def values(dataset: dict[str, Any]) -> list[Any]:
    """Every value of a JSON-stat 2.0 dataset as a list as long as the product of its ``size``,
    whichever form ``value`` has: the array itself, or the object keyed by value index (``None``
    at every index it lacks)."""
    value = dataset["value"]
    if isinstance(value, list):
        return value
    out: list[Any] = [None] * math.prod(dataset["size"])
    for k, v in value.items():
        out[int(k)] = v
    return out


def dumps(doc: dict[str, Any]) -> str:
    """The text of a JSON-stat document as every export writes it (file, console download, release):
    UTF-8 characters as they are, no blanks between tokens (:data:`SEPARATORS`)."""
    return json.dumps(doc, ensure_ascii=False, separators=SEPARATORS)


def statuses(dataset: dict[str, Any]) -> dict[int, str]:
    """Every status of a JSON-stat 2.0 dataset as value index → code, whichever form ``status`` has:
    an array (one per value, ``null`` for none; of length 1: the status of every value), an object
    keyed by value index, or a string (every value's); ``value`` in either of its forms."""
    status, n = dataset.get("status"), len(values(dataset))
    if isinstance(status, str):
        return dict.fromkeys(range(n), status)
    if isinstance(status, list):
        return ({i: c for i, c in enumerate(status) if c is not None} if len(status) != 1
                else ({} if status[0] is None else dict.fromkeys(range(n), status[0])))
    return {int(k): c for k, c in (status or {}).items()}


def _other_labels(ds: dict[str, Any], other: str) -> dict[str, dict[str, str]]:
    """The labels in the ``other`` language of every coded category of a dataset: the codes of its
    coded dimensions and the four categories of MEASURE (value, bounds, N_RESP); TIME_PERIOD's codes
    are their own labels."""
    oi = 1 if other == "en" else 0
    out = {d: {c: cl.label(d, c, other) for c in ds["dimension"][d]["category"]["index"]}
           for d in JSONSTAT_DIMS if d not in ("TIME_PERIOD", "MEASURE")}
    out["MEASURE"] = {m: v[oi] for m, v in JSONSTAT_MEASURES.items()}
    return out


def _units(part: pd.DataFrame, table: str) -> list[str]:
    """The units of a table's series, one dataset each (the area table has one even without data)."""
    units = sorted(part["UNIT_MEASURE"].dropna().unique().tolist())
    return units or (["PC"] if table == "area" else [])


def collection(tables: Iterable[tuple[str, pd.DataFrame]], freq: str, protection: Protection | None = None,
               lang: str = "en", updated: str | None = None, notes: dict[str, str] | None = None,
               withheld: set[tuple[str, ...]] | None = None) -> dict[str, Any]:
    """JSON-stat 2.0 *collection* of ``tables`` ((name, rows) of :data:`warehouse.export.TABLES`), one
    dataset per table and unit of its series (``PC``: the shares, ``PT``: the means; ``extension.unit``),
    each over INDICATOR × TIME_PERIOD × REF_AREA × PA_TYPE × SERVICE_TYPE × INSTRUMENT × SCALE × CHANNEL ×
    MEASURE (the dimensions a table does not break down have the one category ``_T`` / ``IT``).

    Labels — of the collection, the datasets, the dimensions and the codes — and each dataset's ``note``
    on the protection (:meth:`warehouse.protect.Protection.note_in`) in ``lang`` (the codes'
    other language in ``extension.labels``); units on the categories of MEASURE, the dimension with the
    metric role, as JSON-stat readers look for them (one unit per dataset, N_RESP a count); roles
    (time, geo, metric), ``updated``; ``status`` (an array or an object, whichever is smaller:
    :func:`compact_status`; read with :func:`statuses`) per value is the SDMX OBS_STATUS code (``U``, ``B``,
    ``Q`` = suppressed: value ``null``; ``A`` left out), the same vocabulary as the CSV, with ``P``
    appended when the CSV's PROVISIONAL is ``Y`` (``P``, ``UP``, ``BP``: :func:`warehouse.codelists.status_code`),
    each code's label in ``extension.status``; the CSV's ``CI_STATUS`` of a mean's bounds when not ``ok``
    (``degenerate``: lower = upper = mean; ``undefined``) in ``extension.ci_status`` (``index``: value
    index of LOWER_BOUND / UPPER_BOUND → code, ``label``: each code's label in ``lang``). ``notes`` (period → text in ``lang``): why a period is shown in part, a note on its category of TIME_PERIOD.
    A combination of categories the table has no row for (SDMX-CSV: no observation) is ``null`` with
    status ``O`` (no responses: a region × PA type nobody answered in) or ``M`` (a series the pooling
    guard does not publish there, ``withheld``: :func:`warehouse.export.publication_table`'s
    ``attrs["withheld"]``), never a bare ``null`` that could be read as suppressed
    (:func:`_no_observation`, ``extension.no_observation``).
    """
    protection = protection or Protection()
    updated = updated or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    li, other = (1, "it") if lang == "en" else (0, "en")
    items = []
    for name, rows in tables:
        for unit in _units(rows, name):
            part = rows[rows["UNIT_MEASURE"] == unit]
            ds = _jsonstat_dataset(part, freq, lang, unit, notes, withheld)
            ci_status = ds.pop("ci_status")
            items.append({
                "version": "2.0", "class": "dataset",
                "label": f"{TABLE_LABELS[name][li]} — {cl.label('UNIT_MEASURE', unit, lang)}",
                "source": "Ascolto", "updated": updated, **ds,
                "role": {"time": ["TIME_PERIOD"], "geo": ["REF_AREA"], "metric": ["MEASURE"]},
                "note": [protection.note_in(lang)] if protection.enabled else [],
                "extension": {"table": name, "unit": unit, "freq": freq, "dataflow": DATAFLOW,
                              "confidentiality": {**protection.metadata(lang), "documentation": protection.methodology(lang)},
                              "status": {c: cl.status_label(c, lang, **cl.thresholds(protection))
                                         for c in STATUS_CODES},
                              # the codes of a cell without an observation: SDMX-CSV has no row for it
                              "no_observation": list(cl.NO_OBSERVATION),
                              # the CSV's CI_STATUS of the bounds that are not a plain 95% interval
                              "ci_status": {"index": ci_status,
                                            "label": {c: cl.label("CI_STATUS", c, lang) for c in cl.CI_STATUS
                                                      if c != "ok"}},
                              "labels": {other: _other_labels(ds, other)}}})
    return {"version": "2.0", "class": "collection", "label": COLLECTION_LABEL[li],
            "updated": updated, "link": {"item": items}}
