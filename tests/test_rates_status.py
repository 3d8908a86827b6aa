"""The status of a published response-rate row says when either of its rates is unreliable: a break-off
of a few starts was marked ``A`` because the row's impressions were many, though its perturbed starts
and submissions (each ±D) give 0% as often as not (half of the demo's cells read 0.0)."""
from __future__ import annotations

import pandas as pd

from warehouse.protect import Protection
from warehouse.protect_rates import publish_rates


def _cells(*rows):
    df = pd.DataFrame(rows, columns=["service", "impressions", "starts", "submissions"])
    for c in ("impressions", "starts", "submissions"):
        df[f"k_{c}"] = range(len(df))  # any key sums: the status below does not depend on the noise
    return df


def test_a_break_off_of_few_starts_marks_the_row_low_reliability():
    p = Protection()
    out = publish_rates(_cells(("few-starts", 400, 12, 10), ("many", 400, 150, 110), ("few-views", 20, 12, 10),
                               ("no-starts", 400, 1, 1)), ["service"], p).set_index("service")
    assert out.loc["few-starts", "obs_status"] == "U" and out.loc["few-starts", "break_off"] >= 0  # shown, flagged
    assert out.loc["many", "obs_status"] == "A"
    assert out.loc["few-views", "obs_status"] == "U"
    # starts below the minimum: no break-off at all, so only the response rate's own reliability counts
    assert pd.isna(out.loc["no-starts", "break_off"]) and out.loc["no-starts", "obs_status"] == "A"


def test_one_page_view_published_as_three_is_suppressed_with_its_rate():
    """A cell key in the top tenth of row 1 of the p-table turns a true count of 1 into 3 (≥ min_n):
    the row showed a response rate of 0 or 100 % — whether that one visitor answered. The true count
    is below the threshold, so the row is suppressed; so is a break-off of one start."""
    from dataset.recordkey import KEY_SCALE

    p = Protection()
    from warehouse.protect import unscramble

    up = int(unscramble(int(0.95 * KEY_SCALE)))  # the key sum looked up at 0.95 (row 1: d = +2 in [0.898, 1))
    assert p.perturb([1], [up])[0] == 3
    df = pd.DataFrame([("one-view", 1, 1, 1), ("one-start", 400, 1, 1)],
                      columns=["service", "impressions", "starts", "submissions"])
    for c in ("impressions", "starts", "submissions"):
        df[f"k_{c}"] = up
    out = publish_rates(df, ["service"], p).set_index("service")
    assert out.loc["one-view", "conf_status"] == "A" and pd.isna(out.loc["one-view", "response_rate"])
    assert pd.isna(out.loc["one-start", "break_off"]) and pd.isna(out.loc["one-start", "starts"])
