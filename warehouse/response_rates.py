"""Response rates, break-off and item non-response (issue 14 §5) from the ``funnel`` dataset.

:func:`funnel_cells` sums the widget's counts (each ``report_id`` once: :mod:`dataset.funnel`)
per cut with the key sums the cell-key method needs; :func:`rates` publishes them through
:func:`warehouse.protect_rates.publish_rates` — the only path to published figures. Item non-response
(:func:`item_nonresponse`) is the share of submissions to which an item applied (its ``show_if``
held) that left it unanswered: the true counts and key sums are summed here and published only through
:func:`warehouse.protect.publish_item_nonresponse`, over the rows that count (:func:`dataset.views.counted`: no automated answers).
Every read of the files keeps the ended months only (:func:`warehouse.periods.ended_only`, as the
warehouse's views): a period's figures are published once it has ended.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import duckdb
import numpy as np
import pandas as pd

from dataset.funnel import funnel_view_sql
from dataset.recordkey import KEY_SCALE, secret_for, stored_or_computed
from dataset.views import counted, responses_view_sql
from questionnaires import UnknownQuestionnaire, default_catalog

from .periods import ended_only, loaded_today
from .protect import Protection
from .protect_rates import RATE_COUNTS, publish_item_nonresponse, publish_rates
from .rollup import RESPONSES, sum_mod

DIMS = ("period", "service", "entity", "service_type", "channel", "pa_type", "region", "day")


def _check_dims(dims: Sequence[str]) -> list[str]:
    bad = [d for d in dims if d not in DIMS]
    if bad:
        raise ValueError(f"unknown dimension(s) {bad}; use {', '.join(DIMS)}")
    return list(dims)


def funnel_cells(data_dir: Path, dims: Sequence[str] = ("service", "period"),
                 where: dict[str, str] | None = None, secret: str | None = None, con=None) -> pd.DataFrame:
    """True counts per cell (``dims``, each count, its key sum ``k_<count>``): for protection only.

    The submissions' key sum is the cell's *answers'* (:func:`answer_keys`: the cube's ``responses``
    cell of the same cut, its records' keys) wherever the cell has answers, the reports' own keys
    only where it has none. The widget's submissions and the cube's n count (nearly) the same answers:
    perturbed with independent keys, a service answered only through the widget had its n published
    twice with two noises, and the mean of the two (exact when they differ by 2·D) gave it back. On
    one key, equal counts get one published figure; counts of ``D`` or more that differ (a report
    lost, an answer through the form without script) get the same deviation, so the two figures differ
    by that difference and their mean is no better than either (``secret``, ``con``: as :func:`answer_keys`)."""
    dims = _check_dims(dims)
    # the months ``con``'s answers were loaded with, not the live clock's: at a month's turn an older cursor
    # lacks the month just ended, whose submissions would otherwise keep their reports' own keys (route 22)
    cells = _funnel_sums(data_dir, dims, where, loaded_today(con))
    answers = answer_keys(data_dir, dims, where, secret, con)
    if cells.empty or answers.empty:
        return cells
    merged = cells.merge(answers, on=dims, how="left") if dims else cells.assign(n=answers["n"].iloc[0],
                                                                                  k=answers["k"].iloc[0])
    has = merged["n"].fillna(0).to_numpy() > 0
    cells["k_submissions"] = np.where(has, merged["k"].fillna(0).to_numpy(), cells["k_submissions"].to_numpy())
    cells["k_submissions"] = cells["k_submissions"].astype("int64")
    return cells


def _day_sql() -> str:
    """A response's day in Rome as the rollup counts it (its period's first day when it has no time)."""
    return ("strftime(coalesce(CAST(timezone('Europe/Rome', received_at::TIMESTAMPTZ) AS DATE), "
            "CAST(period || '-01' AS DATE)), '%Y-%m-%d')")


def answer_keys(data_dir: Path, dims: Sequence[str], where: dict[str, str] | None = None,
                secret: str | None = None, con=None) -> pd.DataFrame:
    """Per cell of ``dims``: ``n``, the answers that count (:func:`dataset.views.counted`), and ``k``,
    the sum of their record keys modulo 2³² — the cube's ``responses`` cell of the same cut. From the
    rollup when ``con`` (a warehouse cursor) is given — the cube's own sums —, else from the files (a
    row without a stored key keyed by ``secret`` and its ``submission_id``,
    :func:`dataset.recordkey.stored_or_computed`; ``secret`` default :func:`dataset.recordkey.secret_for`
    of ``data_dir``). True counts: for protection only."""
    dims = _check_dims(dims)
    if con is not None:
        return _rollup_keys(con, dims, where)
    cols = {d: (_day_sql() if d == "day" else d) for d in dims}
    filters = [f"{cols[_check_dims([k])[0]]} = ?" for k in (where or {})]
    sel = "".join(f"{e} AS {d}, " for d, e in cols.items())
    group = f" GROUP BY {', '.join(str(i + 1) for i in range(len(dims)))}" if dims else ""
    q = (f"SELECT {sel}count(*)::BIGINT AS n, (sum(CAST(round(coalesce(record_key, 0) * {KEY_SCALE}) AS HUGEINT)) "
         f"% {KEY_SCALE})::BIGINT AS k, list(submission_id) FILTER (WHERE record_key IS NULL) AS unkeyed "
         f"FROM responses WHERE {counted()} AND {ended_only()}{''.join(' AND ' + f for f in filters)}{group}")
    con = duckdb.connect(":memory:")
    try:
        con.execute(responses_view_sql(data_dir, listed=True))  # no superseded input
        df = con.execute(q, list((where or {}).values())).df()
    finally:
        con.close()
    if df.empty or (not dims and not df["n"].iloc[0]):
        return pd.DataFrame(columns=[*dims, "n", "k"])
    if any(isinstance(u, (list, np.ndarray)) and len(u) for u in df["unkeyed"]):
        secret = secret or secret_for(Path(data_dir))
        df["k"] = [(int(k) + sum(stored_or_computed(None, s, secret) for s in (u if u is not None else ()))) % KEY_SCALE
                   for k, u in zip(df["k"], df["unkeyed"])]
    return df[[*dims, "n", "k"]]


def _rollup_keys(con, dims: list[str], where: dict[str, str] | None) -> pd.DataFrame:
    """:func:`answer_keys` from the rollup's ``responses`` rows (the automated answers never enter it)."""
    cols = {d: ("strftime(day, '%Y-%m-%d')" if d == "day" else d) for d in dims}
    filters = "".join(f" AND {cols[_check_dims([k])[0]]} = ?" for k in (where or {}))
    sel = "".join(f"{e} AS {d}, " for d, e in cols.items())
    group = f" GROUP BY {', '.join(str(i + 1) for i in range(len(dims)))}" if dims else ""
    df = con.execute(f"SELECT {sel}sum(n)::BIGINT AS n, {sum_mod('k')} AS k FROM rollup WHERE indicator = ?"
                     f"{filters}{group}", [RESPONSES, *(where or {}).values()]).df()
    df = df[df["n"].fillna(0) > 0]
    return df[[*dims, "n", "k"]] if len(df) else pd.DataFrame(columns=[*dims, "n", "k"])


def _funnel_sums(data_dir: Path, dims: list[str], where: dict[str, str] | None, today=None) -> pd.DataFrame:
    """The widget's counts and their reports' key sums per cell of ``dims``, months ended on ``today``."""
    sql = funnel_view_sql(data_dir)
    cols = dims + [c for n in RATE_COUNTS for c in (n, f"k_{n}")]
    if sql is None:
        return pd.DataFrame(columns=cols)
    sums = ", ".join(f"sum({n})::BIGINT AS {n}, (sum(CAST(round(coalesce(record_key, 0) * {KEY_SCALE}) AS HUGEINT) "
                     f"* {n}) % {KEY_SCALE})::BIGINT AS k_{n}" for n in RATE_COUNTS)
    filters = [ended_only(today=today)] + [f"{_check_dims([k])[0]} = ?" for k in (where or {})]
    con = duckdb.connect(":memory:")
    try:
        group = ", ".join(dims) if dims else "1"
        q = (f"SELECT {', '.join(dims) + ', ' if dims else ''}{sums} FROM ({sql}) "
             f"{'WHERE ' + ' AND '.join(filters) if filters else ''} GROUP BY {group} ORDER BY {group}")
        return con.execute(q, list((where or {}).values())).df()[cols]
    finally:
        con.close()


def rates(data_dir: Path, protection: Protection, dims: Sequence[str] = ("service", "period"),
          where: dict[str, str] | None = None, secret: str | None = None, con=None) -> pd.DataFrame:
    """Published response rate and break-off rate per cell (see :func:`warehouse.protect_rates.publish_rates`;
    the submissions on their answers' cell key: :func:`funnel_cells`; ``secret``, the installation's
    record-key secret, default :func:`dataset.recordkey.secret_for` of ``data_dir``; ``con``, a warehouse
    cursor: the answers' keys from the rollup)."""
    return publish_rates(funnel_cells(data_dir, dims, where, secret, con), dims, protection)


def _published_item(item) -> bool:
    """Whether an item's non-response is published: asked of every respondent and not free text.

    A free-text item's answers are the cell's comments, which the workspace lists in full up to its cap: their
    number is exact there, so a perturbed count of those who left it empty added to it was a second draw of
    the cell's n beside the cube's (route 25, docs/confidentiality.md). A conditional item applies to an answer
    category ("went_well" to those satisfied): its applicable count, perturbed on its own key, was another
    draw of that category beside the cube's, and the two conditional counts together one more of n."""
    return item.show_if is None and item.type != "text"


def item_nonresponse(data_dir: Path, protection: Protection, service: str, period: str | None = None,
                     secret: str | None = None) -> pd.DataFrame:
    """Per (period, questionnaire, version, item) of ``service`` — items asked of every respondent, not free
    text (:func:`_published_item`) — the submissions the item applied to
    and the share that left it unanswered, with its 95% interval — published by
    :func:`warehouse.protect.publish_item_nonresponse` (perturbed counts, the interval covering the
    perturbation; suppressed below ``min_n``: ``OBS_STATUS`` Q and ``CONF_STATUS`` A). Each row's
    record key as the rollup counts it (:func:`dataset.recordkey.stored_or_computed`; ``secret``, the
    installation's record-key secret, default :func:`dataset.recordkey.secret_for` of ``data_dir``)."""
    secret = secret or secret_for(Path(data_dir))
    con = duckdb.connect(":memory:")
    try:
        con.execute(responses_view_sql(data_dir, listed=True))  # no superseded input
        q = (f"SELECT period, questionnaire, version, answers, record_key, submission_id FROM responses "
             f"WHERE service = ? AND {counted()} AND {ended_only()}"
             + (" AND period = ?" if period else ""))
        rows = con.execute(q, [service] + ([period] if period else [])).fetchall()
    finally:
        con.close()
    acc: dict[tuple, list[int]] = {}
    for per, qid, version, answers, key, sid in rows:
        try:
            questionnaire = default_catalog().get(qid, version)
        except UnknownQuestionnaire:
            continue
        given = {k: json.loads(v) for k, v in (answers or {}).items()} if not isinstance(answers, list) \
            else {k: json.loads(v) for k, v in answers}
        key_int = stored_or_computed(key, sid, secret)
        for item in questionnaire.items:
            if not _published_item(item) or not item.visible(given):
                continue
            cell = acc.setdefault((per, qid, version, item.code), [0, 0, 0, 0])
            cell[0] += 1
            cell[1] = (cell[1] + key_int) % KEY_SCALE
            if item.code not in given:
                cell[2] += 1
                cell[3] = (cell[3] + key_int) % KEY_SCALE
    dims = ["period", "questionnaire", "version", "item"]
    vals = np.array([acc[k] for k in acc], dtype=np.int64).reshape(-1, 4)
    cells = pd.DataFrame(list(acc), columns=dims) if acc else pd.DataFrame(columns=dims)
    for j, c in enumerate(("applicable", "k_applicable", "missing", "k_missing")):
        cells[c] = vals[:, j]
    return publish_item_nonresponse(cells, dims, protection)
