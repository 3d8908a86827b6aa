"""Route 19 (red team, third round): cell keys that added up, read through the p-table's order.

A cell key was the sum of its records' keys (mod 1), so the key of a union of two cells was the sum of
theirs; and the p-table lays a row's deviations end to end in order (−2, −1, 0, +1, +2 on [0, 1)).
Together they tied the noise of a union to its parts': ``n′(A ∪ B) − n′(A) − n′(B)`` was 0 only when all
three deviations were 0 — then all three counts were exact, for sure — and its other values left few
deviations possible. The cube's multi-valued filters (``service=A,B``) make such unions at will. This
test performs the certain part of the attack over the real rollup of 50 services and their 1,225 pairs
(each union summed and published exactly as the cube publishes a cell over ``service=A,B``): on the
additive keys 12 unions had an n′ equal to the sum of their parts', every one of their counts exact.
The key sum is now scrambled by a fixed bijection of 32-bit integers before the p-table lookup
(:func:`warehouse.protect.scramble`): such a union is as often wrong as independent noise makes it.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from dataset.recordkey import KEY_SCALE
from settings import Settings
from tests.warehouse_rows import response, write
from warehouse.cube import Cut, aggregate
from warehouse.dataset import Warehouse
from warehouse.protect import Protection, publish


def test_route_19_a_union_whose_n_is_the_sum_of_its_parts_gave_three_exact_counts(tmp_path):
    rng = np.random.default_rng(20)
    sizes = {f"svc-u{i:02d}": int(rng.integers(4, 40)) for i in range(50)}
    write(tmp_path, [response(period="2026-05", service=s, satisfaction=1 + j % 5) for s, n in sizes.items()
                     for j in range(n)])
    with Warehouse(Settings(data_dir=tmp_path)) as wh:
        raw = aggregate(wh.cursor(), Cut(indicator="responses", by=["service"], freq="M", start="2026-05",
                                         end="2026-05")).set_index("service")
    protection = Protection()
    shown = publish(raw.reset_index(), "responses", ["service"], protection).set_index("service")["n"]
    pairs = list(combinations(sizes, 2))
    unions = pd.DataFrame({"pair": range(len(pairs)), "n": [int(raw.loc[list(p), "n"].sum()) for p in pairs],
                           "k": [int(raw.loc[list(p), "k"].sum()) % KEY_SCALE for p in pairs]})
    union_n = publish(unions, "responses", ["pair"], protection)["n"].to_numpy()
    certain = [(a, b) for (a, b), n_ab in zip(pairs, union_n) if n_ab == shown[a] + shown[b]]
    assert len(certain) >= 3  # about 0.6 % of the unions
    wrong = [(a, b) for a, b in certain if (shown[a], shown[b]) != (sizes[a], sizes[b])]
    assert wrong, f"{len(certain)} unions whose n′ is the sum of their parts': every one of their counts exact"
