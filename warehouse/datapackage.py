"""The Frictionless Data Package of anonymised microdata (statisticians only): one CSV resource per
questionnaire version, its Table Schema the codebook, k-anonymous rows only (docs/confidentiality.md)."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from dataset.recordkey import KEY_SCALE, stored_or_computed
from dataset.views import counted
from questionnaires.codebook import MISSING_VALUES
from questionnaires.harmonize import CATEGORY_INDICATORS, SCORE_INDICATORS

from . import codelists as cl
from .csvsafe import csv_writer, fmt_value as _fmt
from .datapackage_text import T, description, field_description, meaning, missing_values, text
from .microdata_fields import item_field
from .outpath import OutputError, check_parent
from .protect import Protection, too_few
from .refmeta import reference_metadata
from .released import GROUP_N, QUASI_IDENTIFIERS, UNITS, released_sql


#: The missing-value codes of the rows: the codebook's (its ``missing_values``, one description each), and
#: "" for a category or indicator that does not apply (:data:`EMPTY` says which).
MISSING = ["", *MISSING_VALUES]
EMPTY = T["empty"][1]
#: The dimensions a row carries before its instrument: the quasi-identifiers but the questionnaire and version.
MICRO_DIMS = [q for q in QUASI_IDENTIFIERS if q not in ("questionnaire", "version")]
#: The coded fields of the rows and the codelist (:mod:`warehouse.codelists`) labelling their codes.
CODELISTS = {"pa_type": "PA_TYPE", "service_type": "SERVICE_TYPE", "region": "REF_AREA", "channel": "CHANNEL",
             "questionnaire": "INSTRUMENT", "instrument": "INSTRUMENT"}


def _item_value(item, answers: dict[str, Any]) -> Any:
    if item.code in answers and answers[item.code] is not None:
        v = answers[item.code]
        if item.type == "multi":
            return ";".join(v)
        if item.type == "boolean":
            return "true" if v else "false"
        return v
    return "NOT_ASKED" if not item.visible(answers) else "NOT_ANSWERED"


# QUASI_IDENTIFIERS and the rule of which rows are released have one home, warehouse.released
# (the key-driver analysis reads the same rule, route 24).
#: Each quasi-identifier in words (Italian, English): what the console's Exports page says k is counted over.
QUASI_IDENTIFIER_WORDS = dict(zip(QUASI_IDENTIFIERS, [
    ("mese", "month"), ("tipo di PA", "PA type"), ("tipo di servizio", "service type"), ("regione", "region"),
    ("canale", "channel"), ("lingua", "language"), ("questionario", "questionnaire"), ("versione", "version")]))


PACKAGE_NAME = "ascolto-microdata"
#: Hidden working directories of an export in progress (removed when it ends; one left by an interrupted
#: export is Ascolto's and is removed by the next one).
STAGING = ".ascolto-partial-"
_FIXED = ("datapackage.json", "codebook.json", "codebook.md")


def previous_package(out_dir: Path) -> set[str] | None:
    """The file names of the Ascolto package in ``out_dir`` (its ``datapackage.json`` is ours, by its
    name :data:`PACKAGE_NAME`: the descriptor, the codebook files and the resources it lists), else None."""
    try:
        descriptor = json.loads((out_dir / "datapackage.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(descriptor, dict) or descriptor.get("name") != PACKAGE_NAME:
        return None
    paths = {r.get("path") for r in descriptor.get("resources", []) if isinstance(r, dict)}
    return {*_FIXED, *(p for p in paths if isinstance(p, str) and "/" not in p)}


def check_out_dir(out_dir: Path) -> set[str]:
    """Refuse (:class:`~warehouse.outpath.OutputError`) a package directory Ascolto may not write:
    ``out_dir`` is a file, or a directory holding anything but a previous Ascolto package (the
    tool never deletes what it did not write); returns the previous package's file names to
    replace (empty for a new or empty directory)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} is a file; the data package is written to a directory: give a new or "
                          "empty directory, or a previous Ascolto package's.")
    if not out_dir.exists():
        check_parent(out_dir / "datapackage.json", out_dir)  # the package's directory is created, inside one that exists
        return set()
    present = {p.name for p in out_dir.iterdir() if not p.name.startswith(STAGING)}
    if not present:
        check_parent(out_dir / "datapackage.json")
        return set()
    ours = previous_package(out_dir)
    if ours is None:
        raise OutputError(f"{out_dir} is not empty and holds no Ascolto data package (no datapackage.json of "
                          f"{PACKAGE_NAME}); give a new or empty directory: the export never replaces files "
                          "it did not write.")
    foreign = sorted(present - ours)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise OutputError(f"{out_dir} holds an Ascolto data package and files it did not write ({shown}); "
                          "move them away or give another directory.")
    check_parent(out_dir / "datapackage.json")
    return ours


def _install(staging: Path, out_dir: Path, previous: set[str]) -> None:
    """Move the complete package from ``staging`` into ``out_dir``: by one rename when ``out_dir`` is
    new; else file by file (each a rename, ``datapackage.json`` last), then the previous package's
    files the new one no longer has are removed, and any staging left by an interrupted export."""
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    names = sorted(p.name for p in staging.iterdir())
    for name in sorted(names, key=lambda n: n == "datapackage.json"):
        os.replace(staging / name, out_dir / name)
    for name in previous - set(names):
        (out_dir / name).unlink(missing_ok=True)
    staging.rmdir()
    for left in out_dir.glob(f"{STAGING}*"):
        shutil.rmtree(left, ignore_errors=True)


def write_datapackage(con, out_dir: Path, k: int = 5, protection: Protection | None = None,
                      progress: bool | None = False, freq: str = "M", start: str | None = None,
                      end: str | None = None, secret: str | None = None, lang: str = "en") -> Path:
    """Write the package (:func:`build_datapackage`) into ``out_dir`` without ever deleting what
    Ascolto did not write: ``out_dir`` must be new, empty or a previous Ascolto package
    (:func:`check_out_dir`). The package is built in a hidden staging directory (inside ``out_dir``
    when it exists, else beside it) and moved into place only once complete (:func:`_install`); on
    any error the staging is removed and ``out_dir`` is left as it was."""
    out_dir = Path(out_dir)
    previous = check_out_dir(out_dir)
    existed = out_dir.is_dir()
    staging = Path(tempfile.mkdtemp(prefix=STAGING, dir=out_dir if existed else out_dir.parent))
    umask = os.umask(0o022)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp's 0700 would become the package directory's mode
    try:
        build_datapackage(con, staging, k=k, protection=protection, progress=progress, freq=freq, start=start,
                          end=end, secret=secret, lang=lang)
        _install(staging, out_dir, previous)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir / "datapackage.json"


#: The terms of the microdata: restricted, never an open licence (docs/confidentiality.md, point 7).
TERMS = T["terms"][1]


def coverage(con, freq: str = "M", start: str | None = None, end: str | None = None,
             lang: str = "en") -> dict[str, Any]:
    """The months a package holds: ``--from``/``--to`` (whole periods of ``freq``,
    :func:`warehouse.periods.validate_range`) turned into months, an open end taken from the responses
    that count. Rows are monthly whatever ``freq``: it only says which boundaries the range must respect
    (``note`` says so; with an open end, that the end is the data's first or last month, not a boundary).
    ``partial``: the range's coverage (:func:`warehouse.cube.coverage`: its last month still running, or
    the data beginning after its first month), said in ``partial_note`` in ``lang`` (empty when whole)."""
    from .cube import coverage as covered, partial_note
    from .periods import validate_range

    first, last = validate_range(freq, start, end)
    lo, hi = con.execute(f"SELECT min(period)::VARCHAR, max(period)::VARCHAR FROM responses "
                         f"WHERE {counted()}").fetchone()
    cov = covered(first or lo, lo, end=last or hi)
    return {"from": first or lo, "to": last or hi, "freq": freq,
            "requested": {"from": start, "to": end},
            "note": text("period_note" if start and end else "period_note_open", lang), "partial": cov, "partial_note": partial_note(cov, lang)}


def build_datapackage(con, out_dir: Path, k: int = 5, protection: Protection | None = None,
                      progress: bool | None = False, freq: str = "M", start: str | None = None,
                      end: str | None = None, secret: str | None = None, lang: str = "en") -> Path:
    """Anonymised microdata + codebook, one CSV resource per questionnaire version (for statisticians),
    written into ``out_dir``, an existing empty directory (:func:`write_datapackage` places it).
    Only the months of the requested range (:func:`coverage`, stated in ``datapackage.json`` → ``period``).

    Released: only rows whose combination of :data:`QUASI_IDENTIFIERS` is shared by at least ``k``
    responses, and not one or two of another administration or service among a larger one's
    (:mod:`warehouse.released`); the others are withheld and counted (``confidentiality.withheld_rows``: a count like any
    published one, :func:`withheld_figure`; ``secret`` keys the rows stored without a record key). Left out:
    submission id, record key, timestamps (only the month is kept), service key, entity, device, page,
    Kafka lineage, and every free-text answer (the comment included). Within a month and group the
    rows are in the order of a hash of their submission id — not of their arrival, which would give
    away the order of the answers that the month hides — the same order in every export.
    ``lang`` (``it``, ``en``): the language of the descriptor's words — title, terms, description, the
    protection, the fields' and missing values' descriptions (:mod:`warehouse.datapackage_text`); the
    reference metadata are there in both (``reference_metadata``, ``reference_metadata_it``).
    """
    protection = protection or Protection()
    from questionnaires import default_catalog
    from questionnaires.codebook import build_codebook, render_markdown
    from questionnaires.taxonomy import pa_categories, service_types

    out_dir = Path(out_dir)
    catalog = default_catalog()
    codebook = build_codebook(catalog, pa_categories(), service_types(), lang)  # in the package's language
    (out_dir / "codebook.json").write_text(json.dumps(codebook, ensure_ascii=False, indent=2) + "\n", "utf-8")
    (out_dir / "codebook.md").write_text(render_markdown(codebook), "utf-8")
    cols = {r[0] for r in con.execute("DESCRIBE responses").fetchall()}
    period = coverage(con, freq, start, end, lang)
    # months validated as YYYY-MM (warehouse.periods), so safe to inline
    in_range = (f"period::VARCHAR BETWEEN '{period['from']}' AND '{period['to']}'" if period["from"] else "FALSE")

    def c(name: str, typ: str = "VARCHAR") -> str:
        return name if name in cols else f"NULL::{typ} AS {name}"

    dims = ", ".join(c(d) for d in MICRO_DIMS)
    source = f"""(SELECT {dims}, {c('questionnaire')}, {c('version', 'INTEGER')},
                          {', '.join(c(i, 'DOUBLE') for i in SCORE_INDICATORS)},
                          {', '.join(c(i + '_raw') for i in SCORE_INDICATORS)},
                          {', '.join(c(i, 'VARCHAR[]') for i in CATEGORY_INDICATORS)},
                          {c('answers', 'MAP(VARCHAR, VARCHAR)')}, md5({c('submission_id')}) AS shuffle,
                          {c('record_key', 'DOUBLE')}, {c('submission_id')}, {', '.join(c(w) for w in UNITS)}
                   FROM responses WHERE {counted()} AND {in_range})"""
    # the released rows (warehouse.released: the rule, its units looked at and left out)
    sql = f"""
        SELECT * EXCLUDE (shuffle, {GROUP_N}, {', '.join(UNITS)}) FROM ({released_sql(source, int(k))})
        ORDER BY questionnaire, version, period, pa_type, service_type, region, shuffle
    """
    total = con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]
    all_rows, all_keys = _count_keys(con, cols, in_range, secret) if "questionnaire" in cols else (0, 0)
    written_keys = 0
    reader = con.sql(sql).to_arrow_reader(10_000)
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
                    header = ["row", *MICRO_DIMS, "questionnaire", "version", "instrument", *SCORE_INDICATORS,
                              *CATEGORY_INDICATORS, *[f"item_{it.code}" for it in items]]
                    w.writerow(header)
                    writers[key] = (fh, w, items, 0)
                    resources.append(_resource(name, q, items, codebook, lang))
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
                w.writerow([count + 1, *[r[d] or "" for d in MICRO_DIMS], key[0], key[1], instrument_of(*key), *scores, *cats,
                            *[_fmt(_item_value(it, answers)) for it in items]])
                writers[key] = (fh, w, items, count + 1)
                written_keys += stored_or_computed(r["record_key"], r["submission_id"], secret)
            bar.update(batch.num_rows)
    for fh, *_ in writers.values():
        fh.close()
    total = sum(count for *_, count in writers.values())  # written: an instrument the catalog lost is not
    # stated for one calendar month, quarter or year, or every period: over any range the month being a
    # quasi-identifier, the count was a fresh perturbation of a sum of monthly counts, and the 78 ranges of
    # a year decoded each month's — a suppressed cell's 1 or 2 (route 23, docs/confidentiality.md)
    from .periods import calendar_period

    stated = (start is None and end is None) or calendar_period(period["from"], period["to"]) is not None
    withheld = (withheld_figure(all_rows - total, (all_keys - written_keys) % KEY_SCALE, protection)
                if stated or all_rows == total else None)
    stated = stated or all_rows == total  # none withheld: 0, as every count of none
    package = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": text("title", lang), "language": lang,
        "access": text("access", lang),
        "terms": text("terms", lang),
        "period": period,
        "description": description(period, k, QUASI_IDENTIFIERS, withheld, protection.min_n,
                                   protection.methodology(lang), lang, stated),
        "codebook": "codebook.json",
        "reference_metadata": reference_metadata(con, freq, start, end, protection, k),  # English, as the package
        "reference_metadata_it": reference_metadata(con, freq, start, end, protection, k, lang="it"),
        "confidentiality": {"microdata_k": k, "quasi_identifiers": QUASI_IDENTIFIERS, "released_rows": int(total),
                            "withheld_rows": withheld,
                            "withheld_rows_note": None if stated else text("withheld_not_stated", lang),
                            "tables": protection.metadata(lang),  # as the package
                            "note": protection.note_in(lang), "access": text("conf_access", lang)},
        "resources": resources,
    }
    path = out_dir / "datapackage.json"
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return path


def _count_keys(con, cols, in_range: str, secret: str | None) -> tuple[int, int]:
    """The count of the rows of the range a package may hold and their record keys' sum modulo 2³²
    (a row stored without a key keyed by ``secret``, :func:`dataset.recordkey.stored_or_computed`)."""
    n, k, unkeyed = con.execute(
        f"SELECT count(*), (coalesce(sum(CAST(round(coalesce({'record_key' if 'record_key' in cols else 'NULL::DOUBLE'}, 0) "
        f"* {KEY_SCALE}) AS HUGEINT)), 0) "
        f"% {KEY_SCALE})::BIGINT, list({'submission_id' if 'submission_id' in cols else 'NULL'}) FILTER (WHERE "
        f"{'record_key IS NULL' if 'record_key' in cols else 'TRUE'}) FROM responses WHERE questionnaire IS NOT NULL "
        f"AND {counted()} AND {in_range}").fetchall()[0]
    return int(n), (int(k) + sum(stored_or_computed(None, s, secret) for s in unkeyed or ())) % KEY_SCALE


def withheld_figure(count: int, key_sum: int, protection: Protection) -> int | None:
    """The count of rows withheld as the package states it: 0 when none, else perturbed by the
    cell-key method with its rows' key sum, and None (suppressed: "fewer than ``min_n``") when its
    true or perturbed value is under ``min_n`` (:func:`warehouse.protect.too_few`). The exact count
    gave, month by month, the n of a cell the cube suppresses: its one or two answers were the month's
    only small group (route 17, docs/confidentiality.md)."""
    if count == 0:
        return 0
    published = int(protection.perturb([count], [key_sum])[0])
    return None if too_few([count], [published], protection)[0] else published


_DECLARED: dict[tuple[str, int], set[str]] = {}


def instrument_of(qid: str, version: int) -> str:
    """The instrument of a questionnaire version's core items (a module's are ``cx-core``'s)."""
    from questionnaires.scales import lookup

    found = sorted(m.instrument for (q, v, i), m in lookup().items()
                   if q == qid and v == version and i in SCORE_INDICATORS)
    return found[0] if found else qid


def q_indicators(key: tuple[str, int], catalog) -> set[str]:
    """Indicators the questionnaire version declares (others are "" = not measured by it)."""
    if key not in _DECLARED:
        _DECLARED[key] = set(catalog.get(*key).harmonization)
    return _DECLARED[key]


def _resource(name: str, q, items, codebook, lang: str = "en") -> dict[str, Any]:
    def d(field: str) -> str:
        return field_description(field, lang)

    fields = [{"name": "row", "type": "integer", "description": d("row")},
              {"name": "period", "type": "yearmonth", "description": d("period")},
              {"name": "pa_type", "type": "string", "description": d("pa_type")},
              {"name": "service_type", "type": "string", "description": d("service_type")},
              {"name": "region", "type": "string", "description": d("region")},
              {"name": "channel", "type": "string", "description": d("channel")},
              {"name": "lang", "type": "string", "description": d("lang"),
               "constraints": {"enum": codebook["languages"]}},
              {"name": "questionnaire", "type": "string", "description": d("questionnaire"),
               "constraints": {"enum": [q.id]}},
              {"name": "version", "type": "integer", "description": d("version"), "constraints": {"enum": [q.version]}},
              {"name": "instrument", "type": "string", "constraints": {"enum": [instrument_of(q.id, q.version)]},
               "description": d("instrument")}]
    from questionnaires.scales import lookup, scale_label

    measures = lookup()
    for i in SCORE_INDICATORS:
        m = measures.get((q.id, q.version, i))
        fields.append({"name": i, "type": "number", "description": f"{meaning(i, lang)} (0–100)",
                       "constraints": {"minimum": 0, "maximum": 100},
                       "harmonization": dict(q.harmonization[i]) if i in q.harmonization else None,
                       **({"instrument": m.instrument, "scale": m.scale,
                           "scale_label": {"it": scale_label(m.scale, "it"), "en": scale_label(m.scale, "en")},
                           "positive_answers": list(m.positive), "headline": m.headline} if m else {})})
    for i in CATEGORY_INDICATORS:
        # its harmonization, as a score's: how the item's own codes became the standard's (faccia's staff → other)
        fields.append({"name": i, "type": "string",
                       "description": f"{meaning(i, lang)}: {text('codes_separated', lang)} "
                                      f"({', '.join(codebook['category_codes'])})",
                       "harmonization": dict(q.harmonization[i]) if i in q.harmonization else None})
    fields += [item_field(it, q, lang) for it in items]
    for f in fields:  # the classifications' codes with their labels, those of the tables' codelists (a field
        if f["name"] in CODELISTS:  # with one value, the questionnaire and its instrument: that code's)
            only = f.get("constraints", {}).get("enum")
            f["options"] = [{"code": code, "labels": {"it": it, "en": en}}
                            for code, (it, en) in cl.codelists()[CODELISTS[f["name"]]].items()
                            if not code.startswith("_") and code != cl.NATIONAL and (only is None or code in only)]
    return {"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
            "encoding": "utf-8", "title": q.title.get(lang) or q.title.get("it", q.id),
            "schema": {"fields": fields, "missingValues": MISSING,
                       "missingValueCodes": missing_values(lang)}}
