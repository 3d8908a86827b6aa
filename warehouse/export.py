"""Exports: CSV, Parquet, SDMX-CSV 2.0, JSON-stat 2.0, a Frictionless Data Package.

The four table formats carry the same *publication table*: for every score indicator two series
(``<INDICATOR>_MEAN`` on 0–100 with its t 95% CI, ``<INDICATOR>_T2B`` the top-2-box share in % with its
Wilson 95% CI), by REF_AREA (NUTS-2 region, ``IT`` = national), PA_TYPE and SERVICE_TYPE (``_T`` =
total) and TIME_PERIOD, margins included — every cell published by :func:`warehouse.protect.publish`
(the cell-key method). Attribute ``CKM_PERTURBED`` = ``Y`` marks a value derived from perturbed
counts (every published value, when the protection is on); suppressed cells have no OBS_VALUE, no
bounds and no N_RESP. JSON-stat and the Data Package say so in their metadata.
"""
from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from questionnaires.harmonize import CATEGORY_INDICATORS, SCORE_INDICATORS

from .csvsafe import csv_writer
from .cube import Cut, table
from .protect import FREE, TOTAL, Protection

DATAFLOW = "IT1:DF_ASCOLTO_CX(1.0)"
SDMX_DIMENSIONS = ["FREQ", "REF_AREA", "PA_TYPE", "SERVICE_TYPE", "INDICATOR", "TIME_PERIOD"]
SDMX_ATTRIBUTES = ["N_RESP", "LOWER_BOUND", "UPPER_BOUND", "OBS_STATUS", "CONF_STATUS", "CKM_PERTURBED"]
COLUMNS = [*SDMX_DIMENSIONS, "OBS_VALUE", *SDMX_ATTRIBUTES]
FORMATS = ("csv", "parquet", "sdmx-csv", "jsonstat", "datapackage")
NATIONAL = "IT"


def _progress(iterable: Iterable, total: int, desc: str, progress: bool | None):
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="step", disable=None if progress is None else not progress)


def publication_table(con, freq: str = "A", start: str | None = None, end: str | None = None,
                      indicators: Iterable[str] = SCORE_INDICATORS, protection: Protection | None = None,
                      progress: bool | None = False) -> pd.DataFrame:
    """The long table every table export writes (one row per observation, :data:`COLUMNS`)."""
    protection = protection or Protection()
    indicators = list(indicators)
    frames = []
    for ind in _progress(indicators, len(indicators), "tables", progress):
        cut = Cut(indicator=ind, by=["region", "pa_type", "service_type"], freq=freq, start=start, end=end,
                  margins=True)
        df = table(con, cut, protection)
        if df.empty:
            continue
        free = df["conf_status"] == FREE
        base = pd.DataFrame({"FREQ": freq, "REF_AREA": df["region"].replace(TOTAL, NATIONAL),
                             "PA_TYPE": df["pa_type"], "SERVICE_TYPE": df["service_type"],
                             "TIME_PERIOD": df["period"], "N_RESP": df["n"].astype("Int64"),
                             "OBS_STATUS": df["obs_status"], "CONF_STATUS": df["conf_status"],
                             "CKM_PERTURBED": np.where(free & protection.enabled, "Y", "")})
        for suffix, v, lo, hi in (("MEAN", "mean", "mean_lower", "mean_upper"),
                                  ("T2B", "top2", "top2_lower", "top2_upper")):
            frames.append(base.assign(INDICATOR=f"{ind.upper()}_{suffix}", OBS_VALUE=df[v].round(4),
                                      LOWER_BOUND=df[lo].round(4), UPPER_BOUND=df[hi].round(4)))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND")
                                          else "Int64" if c == "N_RESP" else "object") for c in COLUMNS})
    out = pd.concat(frames, ignore_index=True)[COLUMNS]
    return out.sort_values(["INDICATOR", "TIME_PERIOD", "REF_AREA", "PA_TYPE", "SERVICE_TYPE"]).reset_index(drop=True)


def _fmt(v: Any) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and not np.isfinite(v)):
        return ""
    if isinstance(v, float):
        return repr(round(v, 4))
    return str(v)


def write_csv(df: pd.DataFrame, out) -> None:
    w = csv_writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for row in df.itertuples(index=False, name=None):
        w.writerow([_fmt(v) for v in row])


def write_sdmx_csv(df: pd.DataFrame, out) -> None:
    """SDMX-CSV 2.0: STRUCTURE, STRUCTURE_ID, ACTION, then dimensions, OBS_VALUE and attributes."""
    w = csv_writer(out, lineterminator="\n")
    w.writerow(["STRUCTURE", "STRUCTURE_ID", "ACTION", *COLUMNS])
    for row in df.itertuples(index=False, name=None):
        w.writerow(["dataflow", DATAFLOW, "I", *[_fmt(v) for v in row]])


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    schema = pa.schema([(c, pa.float64() if c in ("OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND")
                         else pa.int64() if c == "N_RESP" else pa.string()) for c in COLUMNS])
    pq.write_table(pa.Table.from_pandas(df, schema=schema, preserve_index=False), path)


JSONSTAT_MEASURES = {"OBS_VALUE": "value", "LOWER_BOUND": "lower bound of the 95% CI",
                     "UPPER_BOUND": "upper bound of the 95% CI", "N_RESP": "number of responses"}
JSONSTAT_DIMS = ["INDICATOR", "TIME_PERIOD", "REF_AREA", "PA_TYPE", "SERVICE_TYPE", "MEASURE"]


def jsonstat(df: pd.DataFrame, freq: str, protection: Protection | None = None) -> dict[str, Any]:
    """JSON-stat 2.0 dataset: dimensions INDICATOR × TIME_PERIOD × REF_AREA × PA_TYPE × SERVICE_TYPE × MEASURE.

    Suppressed cells have ``null`` values (N_RESP too) and ``status`` ``A``; published cells with few
    responses have status ``U``. ``extension.confidentiality`` describes the perturbation.
    """
    protection = protection or Protection()
    cats = {d: sorted(df[d].unique().tolist()) for d in JSONSTAT_DIMS[:-1]}
    cats["MEASURE"] = list(JSONSTAT_MEASURES)
    size = [len(cats[d]) for d in JSONSTAT_DIMS]
    total = int(np.prod(size)) if size else 0
    values: list[Any] = [None] * total
    status: dict[str, str] = {}
    pos = {d: {c: i for i, c in enumerate(cats[d])} for d in JSONSTAT_DIMS}
    strides = [int(np.prod(size[i + 1:])) for i in range(len(size))]
    for r in df.to_dict("records"):
        base = sum(pos[d][r[d]] * strides[i] for i, d in enumerate(JSONSTAT_DIMS[:-1]))
        for j, m in enumerate(cats["MEASURE"]):
            idx = base + j * strides[-1]
            v = r[m]
            values[idx] = None if v is None or v is pd.NA or (isinstance(v, float) and not np.isfinite(v)) else (
                int(v) if m == "N_RESP" else round(float(v), 4))
            if r["CONF_STATUS"] != FREE:
                status[str(idx)] = r["CONF_STATUS"]
            elif r["OBS_STATUS"] == "U" and m != "N_RESP":
                status[str(idx)] = "U"
    return {
        "version": "2.0", "class": "dataset", "label": "Ascolto — customer experience of public services",
        "source": "Ascolto", "id": JSONSTAT_DIMS, "size": size,
        "dimension": {d: {"label": d, "category": {"index": cats[d],
                                                   **({"label": JSONSTAT_MEASURES} if d == "MEASURE" else {})}}
                      for d in JSONSTAT_DIMS},
        "value": values, "status": status,
        "note": [CKM_NOTE] if protection.enabled else [],
        "extension": {"freq": freq, "dataflow": DATAFLOW, "confidentiality": protection.metadata(),
                      "status": {"A": "suppressed: perturbed number of responses below the threshold",
                                 "U": "low reliability: few responses"}},
    }


CKM_NOTE = ("Every figure is derived from counts perturbed by the cell-key method (a small, consistent noise of at "
            "most a few units per count); cells with fewer than the threshold of (perturbed) responses are suppressed. "
            "See docs/confidentiality.md.")


# --- the Data Package of microdata -------------------------------------------------------------

MISSING = ["", "NOT_ASKED", "NOT_ANSWERED", "NOT_SCORED"]
MICRO_DIMS = ["period", "pa_type", "service_type", "region", "channel", "lang"]


def _item_field(item) -> dict[str, Any]:
    f: dict[str, Any] = {"name": f"item_{item.code}", "title": item.label.get("it", item.code),
                         "description": item.label.get("en", item.label.get("it", "")),
                         "labels": dict(item.label), "item_type": item.type}
    if item.type == "rating":
        f.update(type="integer", constraints={"minimum": item.scale_min, "maximum": item.scale_max},
                 scale={"min": item.scale_min, "max": item.scale_max})
    elif item.type == "choice":
        f.update(type="string", constraints={"enum": [o.code for o in item.options]},
                 options=[{"code": o.code, "labels": dict(o.label)} for o in item.options])
    elif item.type == "multi":
        f.update(type="string", format="default",
                 description=f.get("description", "") + " (option codes separated by ';')",
                 options=[{"code": o.code, "labels": dict(o.label)} for o in item.options])
    elif item.type == "boolean":
        f.update(type="boolean")
    if item.show_if:
        f["show_if"] = {"item": item.show_if.item, "op": item.show_if.op, "value": item.show_if.value}
    return f


def _item_value(item, answers: dict[str, Any]) -> Any:
    if item.code in answers and answers[item.code] is not None:
        v = answers[item.code]
        if item.type == "multi":
            return ";".join(v)
        if item.type == "boolean":
            return "true" if v else "false"
        return v
    return "NOT_ASKED" if not item.visible(answers) else "NOT_ANSWERED"


#: The quasi-identifiers of a response: a row is released only when its combination of these is shared
#: by at least k responses.
QUASI_IDENTIFIERS = ["period", "region", "entity", "service", "channel", "lang", "questionnaire"]


def write_datapackage(con, out_dir: Path, k: int = 5, protection: Protection | None = None,
                      progress: bool | None = False) -> Path:
    """Anonymised microdata + codebook, one CSV resource per questionnaire version (for statisticians).

    Released: only rows whose combination of :data:`QUASI_IDENTIFIERS` is shared by at least ``k``
    responses; the others are withheld and counted (``confidentiality.withheld_rows``). Left out:
    submission id, record key, timestamps (only the month is kept), service key, entity, device, page,
    Kafka lineage, and every free-text answer (the comment included).
    """
    protection = protection or Protection()
    from questionnaires import default_catalog
    from questionnaires.codebook import build_codebook, render_markdown
    from questionnaires.taxonomy import pa_categories, service_types

    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    catalog = default_catalog()
    codebook = build_codebook(catalog, pa_categories(), service_types())
    (out_dir / "codebook.json").write_text(json.dumps(codebook, ensure_ascii=False, indent=2) + "\n", "utf-8")
    (out_dir / "codebook.md").write_text(render_markdown(codebook), "utf-8")
    cols = {r[0] for r in con.execute("DESCRIBE responses").fetchall()}

    def c(name: str, typ: str = "VARCHAR") -> str:
        return name if name in cols else f"NULL::{typ} AS {name}"

    dims = ", ".join(c(d) for d in MICRO_DIMS)
    qis = ", ".join(c(d) for d in ("entity", "service"))
    cell = ", ".join(QUASI_IDENTIFIERS)
    sql = f"""
        WITH r AS (SELECT {dims}, {qis}, {c('questionnaire')}, {c('version', 'INTEGER')},
                          {', '.join(c(i, 'DOUBLE') for i in SCORE_INDICATORS)},
                          {', '.join(c(i + '_raw') for i in SCORE_INDICATORS)},
                          {', '.join(c(i, 'VARCHAR[]') for i in CATEGORY_INDICATORS)},
                          {c('answers', 'MAP(VARCHAR, VARCHAR)')}, {c('received_at', 'TIMESTAMPTZ')}
                   FROM responses),
             cells AS (SELECT {cell}, count(*) AS cell_n FROM r GROUP BY ALL)
        SELECT r.* EXCLUDE (received_at, entity, service) FROM r JOIN cells
          ON {' AND '.join(f'r.{q} IS NOT DISTINCT FROM cells.{q}' for q in QUASI_IDENTIFIERS)}
        WHERE cell_n >= ? AND r.questionnaire IS NOT NULL
        ORDER BY questionnaire, version, period, pa_type, service_type, region, received_at
    """
    total = con.execute(f"SELECT count(*) FROM ({sql})", [k]).fetchall()[0][0]
    all_rows = con.execute("SELECT count(*) FROM responses WHERE questionnaire IS NOT NULL").fetchall()[0][0] \
        if "questionnaire" in cols else 0
    reader = con.sql(sql.replace("?", str(int(k)))).to_arrow_reader(10_000)
    writers: dict[tuple[str, int], tuple[Any, Any, list, int]] = {}
    resources = []
    from tqdm import tqdm

    with tqdm(total=total, desc="microdata", unit="row", disable=None if progress is None else not progress) as bar:
        for batch in reader:
            for r in batch.to_pylist():
                key = (r["questionnaire"], int(r["version"]))
                if key not in writers:
                    try:
                        q = catalog.get(*key)
                    except Exception:  # an instrument no longer in the catalog: not described, not released
                        continue
                    items = [it for it in q.items if it.type != "text"]
                    name = f"responses-{key[0]}-v{key[1]}"
                    fh = open(out_dir / f"{name}.csv", "w", newline="", encoding="utf-8")
                    w = csv_writer(fh, lineterminator="\n")
                    header = ["row", *MICRO_DIMS, "questionnaire", "version", *SCORE_INDICATORS,
                              *CATEGORY_INDICATORS, *[f"item_{it.code}" for it in items]]
                    w.writerow(header)
                    writers[key] = (fh, w, items, 0)
                    resources.append(_resource(name, q, items, codebook))
                fh, w, items, count = writers[key]
                pairs = r["answers"] or []  # arrow gives a map as a list of (key, value) pairs
                answers = {k: json.loads(v) for k, v in (pairs.items() if isinstance(pairs, dict) else pairs)}
                scores = []
                for i in SCORE_INDICATORS:
                    if r[i] is not None:
                        scores.append(_fmt(float(r[i])))
                    elif r.get(f"{i}_raw") is not None:
                        scores.append("NOT_SCORED")
                    else:
                        scores.append("NOT_ANSWERED" if i in q_indicators(key, catalog) else "")
                cats = [";".join(r[i]) if r[i] else "" for i in CATEGORY_INDICATORS]
                w.writerow([count + 1, *[r[d] or "" for d in MICRO_DIMS], key[0], key[1], *scores, *cats,
                            *[_fmt(_item_value(it, answers)) for it in items]])
                writers[key] = (fh, w, items, count + 1)
            bar.update(batch.num_rows)
    for fh, *_ in writers.values():
        fh.close()
    package = {
        "profile": "tabular-data-package",
        "name": "ascolto-microdata",
        "title": "Ascolto — anonymised responses to the customer-experience questionnaires",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "description": (f"One row per response, released only where its combination of quasi-identifiers "
                        f"({', '.join(QUASI_IDENTIFIERS)}) is shared by at least {k} responses; "
                        f"{all_rows - total} rows withheld. No identifiers, timestamps (month only), entity, service, "
                        f"device or free text. Item wording in every language: the fields' 'labels', codebook.json "
                        f"and codebook.md. Published tables are protected by the cell-key method: their figures "
                        f"differ slightly from totals computed from these rows (docs/confidentiality.md)."),
        "codebook": "codebook.json",
        "confidentiality": {"microdata_k": k, "quasi_identifiers": QUASI_IDENTIFIERS, "released_rows": int(total),
                            "withheld_rows": int(all_rows - total), "tables": protection.metadata(),
                            "note": CKM_NOTE, "access": "statistician role only"},
        "resources": resources,
    }
    path = out_dir / "datapackage.json"
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return path


_DECLARED: dict[tuple[str, int], set[str]] = {}


def q_indicators(key: tuple[str, int], catalog) -> set[str]:
    """Indicators the questionnaire version declares (others are "" = not measured by it)."""
    if key not in _DECLARED:
        _DECLARED[key] = set(catalog.get(*key).harmonization)
    return _DECLARED[key]


def _resource(name: str, q, items, codebook) -> dict[str, Any]:
    from questionnaires.codebook import INDICATOR_MEANINGS

    fields = [{"name": "row", "type": "integer", "description": "row number within this file (no identifier)"},
              {"name": "period", "type": "string", "description": "month of the response (Europe/Rome), YYYY-MM"},
              {"name": "pa_type", "type": "string", "description": "IPA category of the administration"},
              {"name": "service_type", "type": "string", "description": "service type (taxonomy code)"},
              {"name": "region", "type": "string", "description": "NUTS-2 region of the administration"},
              {"name": "channel", "type": "string", "description": "channel of the service"},
              {"name": "lang", "type": "string", "description": "language the questionnaire was answered in",
               "constraints": {"enum": codebook["languages"]}},
              {"name": "questionnaire", "type": "string", "constraints": {"enum": [q.id]}},
              {"name": "version", "type": "integer", "constraints": {"enum": [q.version]}}]
    for i in SCORE_INDICATORS:
        fields.append({"name": i, "type": "number", "description": f"{INDICATOR_MEANINGS[i]} (0–100)",
                       "constraints": {"minimum": 0, "maximum": 100},
                       "harmonization": dict(q.harmonization[i]) if i in q.harmonization else None})
    for i in CATEGORY_INDICATORS:
        fields.append({"name": i, "type": "string",
                       "description": f"{INDICATOR_MEANINGS[i]}: codes separated by ';' ({', '.join(codebook['category_codes'])})"})
    fields += [_item_field(it) for it in items]
    return {"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
            "encoding": "utf-8", "title": q.title.get("it", q.id),
            "schema": {"fields": fields, "missingValues": MISSING,
                       "missingValueCodes": {"NOT_ASKED": codebook["missing_values"]["not_asked"],
                                             "NOT_ANSWERED": codebook["missing_values"]["not_answered"],
                                             "NOT_SCORED": codebook["missing_values"]["not_scored"],
                                             "": "not applicable (no category chosen)"}}}


def export(con, fmt: str, out: Path, freq: str = "A", start: str | None = None, end: str | None = None,
           protection: Protection | None = None, microdata_k: int = 5, progress: bool | None = False) -> Path:
    """Write one export to ``out`` (a file; a directory for ``datapackage``)."""
    out = Path(out)
    protection = protection or Protection()
    if fmt == "datapackage":
        return write_datapackage(con, out, k=microdata_k, protection=protection, progress=progress)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    df = publication_table(con, freq, start, end, protection=protection, progress=progress)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    if fmt == "parquet":
        write_parquet(df, tmp)
    elif fmt == "jsonstat":
        tmp.write_text(json.dumps(jsonstat(df, freq, protection), ensure_ascii=False), "utf-8")
    else:
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            (write_sdmx_csv if fmt == "sdmx-csv" else write_csv)(df, fh)
    os.replace(tmp, out)
    return out


def render(df: pd.DataFrame, fmt: str, freq: str, protection: Protection | None = None) -> tuple[bytes, str]:
    """One table export in memory, for the console API: (body, media type)."""
    if fmt == "csv" or fmt == "sdmx-csv":
        buf = io.StringIO()
        (write_sdmx_csv if fmt == "sdmx-csv" else write_csv)(df, buf)
        return buf.getvalue().encode("utf-8"), ("application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8"
                                                if fmt == "sdmx-csv" else "text/csv; charset=utf-8")
    if fmt == "jsonstat":
        return json.dumps(jsonstat(df, freq, protection), ensure_ascii=False).encode("utf-8"), "application/json"
    if fmt == "parquet":
        buf = io.BytesIO()
        schema = pa.schema([(c, pa.float64() if c in ("OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND")
                             else pa.int64() if c == "N_RESP" else pa.string()) for c in COLUMNS])
        pq.write_table(pa.Table.from_pandas(df, schema=schema, preserve_index=False), buf)
        return buf.getvalue(), "application/vnd.apache.parquet"
    raise ValueError(fmt)
