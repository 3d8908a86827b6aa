"""The status of a published response-rate row says when either of its rates is unreliable: a break-off
of a few starts was marked ``A`` because the row's impressions were many, though its perturbed starts
and submissions (each ±D) give 0% as often as not (half of the demo's cells read 0.0)."""
from __future__ import annotations

import pandas as pd

from warehouse.protect import Protection, publish_rates


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
