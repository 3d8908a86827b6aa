"""The table ``ascolto indicators`` prints (its ``--json`` is the API's rows): one line per cell, then a
legend of every column and every reason code the table shows, so that a reader of the terminal needs no
other document to read it (the mean is of 0–100 scores, not of the answers' 1–5 points)."""
from __future__ import annotations

import click

#: a mean_status that is no reason code of the comparability guard (warehouse.comparability.REASONS)
_MEAN_WORDS = {"undefined": "fewer than 2 answers", "degenerate": "every answer the same: no interval"}


def print_table(rows: list[dict], indicator: str, partial: dict[str, dict], note_of) -> None:
    """Echo ``rows`` (warehouse.cube.rows_json) as a table: for a score n, the positive share and the
    mean; for a category indicator (``CATEGORY_CODES``) the share of each category; a suppressed cell
    says so in its status and shows no figure. Under it: what the columns are, what each reason code
    shown means (warehouse.comparability.REASONS), and ``note_of(coverage)`` for each period in ``partial``."""
    from warehouse.comparability import REASONS
    from warehouse.cube import CATEGORY_CODES, CATEGORY_INDICATORS

    cats = list(CATEGORY_CODES) if indicator in CATEGORY_INDICATORS else []
    pct = lambda v, w: f"{'' if v is None else f'{v:.1f}':>{w}}"  # noqa: E731
    heads = "".join(f" {c + '%':>13}" for c in cats) if cats else f" {'pos%':>6} {'mean':>6}"
    click.echo(f"{'period':8} {'pa_type':7} {'service_type':34} {'n':>6}{heads}  status")
    reasons: set[str] = set()
    for r in rows:
        n = "" if r["n"] is None else r["n"]
        share, mean = r.get("positive_share"), r.get("mean")
        values = "".join(f" {pct(r['shares'][c]['share'], 13)}" for c in cats) if cats else \
            f" {pct(share, 6)} {pct(mean, 6)}"
        status = {"A": "suppressed"}.get(r["conf_status"]) or ", ".join(s for s in (
            "provisional" if partial.get(r["period"], {}).get("running") else "",
            {"U": "low reliability", "B": "break in series"}.get(r["obs_status"], "")) if s)
        note = ""
        if mean is None and r.get("mean_status") not in (None, "ok") and r["conf_status"] != "A":
            note = f" (mean: {r['mean_status']})"
            reasons.add(r["mean_status"])
        if r.get("shares_status") not in (None, "ok"):
            note = f" (shares: {r['shares_status']})"
        click.echo(f"{r['period']:8} {r['pa_type']:7} {r['service_type']:34} {n:>6}{values}  {status}{note}")
    if cats:
        click.echo("n: responses choosing at least one category; a response may choose several, so the shares "
                   "need not add up to 100. Empty: a category the cell's questionnaires do not offer.")
        if any(r.get("shares_status") not in (None, "ok") for r in rows):
            click.echo("shares: mixed_response_formats / mixed_option_sets: the cell pools single- with multiple-choice "
                       "reasons or different category sets, so no share is published (docs/methodology.md §4); "
                       "split by instrument: /api/v1/indicators?indicator=" + indicator + "&by=service_type,instrument.")
    elif rows:
        click.echo("n: responses (perturbed); pos%: the positive share, % of n (the headline, comparable across "
                   "questionnaires); mean: of the answers' scores on 0-100 (a five-point scale's 1 to 5 are 0, 25, 50, 75, 100), "
                   "published only for a cell of one scale and questionnaire.")
        for code in sorted(reasons):
            if code.startswith("mixed_") or code in ("break_in_series", "not_headline"):
                click.echo(f"mean: {code}: the cell pools {REASONS[code]}, so no mean is published; split by "
                           f"instrument: /api/v1/indicators?indicator={indicator}&by=service_type,instrument.")
            else:  # the item's own nature (task_completed's yes / partly / no), or too few answers
                click.echo(f"mean: {code}: no mean: {REASONS.get(code) or _MEAN_WORDS.get(code, 'not published')}.")
    for p, cov in partial.items():
        click.echo(f"{p}: {note_of(cov)}")
