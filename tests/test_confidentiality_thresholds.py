"""Route 16 (red team, third round): a threshold on the true count beside a perturbed count pins it.

The key-driver analysis is refused below ``min_n`` (100) complete responses and, for the statistician,
shows their n perturbed by the cell-key method. The refusal looked at the true n only: an analysis
given means n ≥ 100, and a published n of 98 (the p-table's −2) then leaves n = 100 alone — the exact
count. The cube never had this: a cell is suppressed when its true *or* its perturbed n is below the
threshold, so a published n′ always leaves at least D + 1 true values open. Now the analysis is refused
on either too.
"""
from __future__ import annotations

import numpy as np

from settings import Settings
from tests.console_auth import api_client, token
from tests.warehouse_rows import speed_driven, write

MIN_N = 100


def test_route_16_an_analysis_given_with_a_perturbed_n_under_the_threshold_pins_the_true_n(tmp_path):
    """50 services with exactly 100 complete responses in a month: the statistician asks each one's
    analysis and intersects "given, so n ≥ 100" with "published n′, so n′ − 2 ≤ n ≤ n′ + 2". On the old
    threshold a few were given with n′ = 98: their n, 100, exactly."""
    rng = np.random.default_rng(16)
    services = [f"svc-d{i:02d}" for i in range(50)]
    rows = [r for s in services for r in speed_driven(rng, MIN_N, service=s, entity="c_h501", period="2026-05")]
    write(tmp_path, rows)
    settings = Settings(data_dir=tmp_path)
    client = api_client(settings)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token(settings, 'statistician')}"
    given, pinned = 0, []
    for s in services:
        resp = client.get(f"/api/v1/improve/drivers?service={s}&period=2026-05")
        if resp.status_code == 422:
            assert resp.get_json()["error"] == "too_few_responses"
            continue
        assert resp.status_code == 200, resp.get_data(as_text=True)
        given += 1
        shown = resp.get_json()["drivers"]["n"]
        assert shown >= MIN_N, (s, shown)  # a published n is never under the threshold
        possible = [n for n in range(shown - 2, shown + 3) if n >= MIN_N]
        if len(possible) == 1:
            pinned.append((s, possible[0]))
    assert given >= 25
    assert pinned == []
