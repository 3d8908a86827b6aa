"""Information loss of the cell-key method (docs/confidentiality.md), measured on simulated cells.

    .venv/bin/python -m bench.confidentiality [--cells 4000] [--D 2] [--V 1]

For cells of several sizes, with answers drawn like the warehouse's (a 5-point scale mapped to
0–100) and record keys from a secret, prints per size class: the mean absolute perturbation of n,
the mean absolute difference between the published mean (from perturbed category counts) and the
true mean, the same for the top-2-box share, and the share of cells suppressed.
"""
from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from dataset.recordkey import KEY_SCALE
from warehouse.protect import Protection, publish
from warehouse.rollup import SCORE_POINTS

SIZES = [(1, 2), (3, 9), (10, 29), (30, 99), (100, 999), (1000, 5000)]


def simulate(cells: int, protection: Protection, seed: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cats = list(SCORE_POINTS)
    rows, truth = [], []
    for lo, hi in SIZES:
        for _ in range(cells // len(SIZES)):
            n = int(rng.integers(lo, hi + 1))
            probs = rng.dirichlet([1, 1.5, 3, 4, 3])
            values = rng.choice(5, size=n, p=probs)
            keys = rng.integers(0, KEY_SCALE, size=n)  # record keys × 2³² (uniform, as HMAC gives)
            row = {"size": f"{lo}–{hi}", "n": n, "k": int(keys.sum() % KEY_SCALE)}
            for j, c in enumerate(cats):
                row[f"c_{c}"] = int((values == j).sum())
                row[f"k_{c}"] = int(keys[values == j].sum() % KEY_SCALE)
            row["c_pos"], row["k_pos"] = int((values >= 3).sum()), int(keys[values >= 3].sum() % KEY_SCALE)  # 4–5
            rows.append(row)
            scores = np.array([SCORE_POINTS[c] for c in cats])[values]
            truth.append({"true_n": n, "true_mean": scores.mean(), "true_top2": 100 * (scores >= 75).mean()})
    df = pd.DataFrame(rows)
    pub = publish(df, "satisfaction", ["size"], protection)
    return pd.concat([pub, pd.DataFrame(truth)], axis=1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cells", type=int, default=6000)
    ap.add_argument("--D", type=int, default=2)
    ap.add_argument("--V", type=float, default=1.0)
    args = ap.parse_args()
    df = simulate(args.cells, Protection(D=args.D, V=args.V))
    print("| cell size | cells | suppressed | mean abs. Δn | mean abs. Δmean (0–100) | mean abs. Δtop-2-box (pp) |")
    print("|---|---|---|---|---|---|")
    for (lo, hi) in SIZES:
        g = df[df["size"] == f"{lo}–{hi}"]
        pub = g[g["conf_status"] == "F"]
        print(f"| {lo}–{hi} | {len(g)} | {100 * (g['conf_status'] != 'F').mean():.0f}% | "
              f"{(pub['n'] - pub['true_n']).abs().mean():.2f} | {(pub['mean'] - pub['true_mean']).abs().mean():.2f} | "
              f"{(pub['top2'] - pub['true_top2']).abs().mean():.2f} |")


if __name__ == "__main__":
    main()
