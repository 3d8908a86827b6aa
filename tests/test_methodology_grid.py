"""A mean is published only when the rollup's answer categories hold the scale's scores exactly.

The rollup counts every 0–100 score in one of five categories (0, 25, 50, 75, 100) and the published
mean is computed from those counts (warehouse.protect). For the shipped scales (1–5, stars, faces,
yes/partly/no, yes/no) that is exact; a questionnaire version with a 0–10 or a 1–4 rating — scales
the standard supports (docs/questionnaires.md) — would get a mean of the nearest categories (0–10:
an answer of 1, score 10, counted at 0) published as if it were the answers' mean."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from questionnaires import scales
from questionnaires.catalog import DEFINITIONS_DIR, Catalog
from warehouse import comparability
from warehouse.comparability import NotComparable
from warehouse.rollup import BUCKETS, SCORE_POINTS


def _draft_with_a_rating(tmp_path, lo: int, hi: int):
    """A draft module version extending cx-core@1 with one rating item lo…hi, harmonized linearly."""
    shutil.copy(DEFINITIONS_DIR / "cx-core.v1.json", tmp_path / "cx-core.v1.json")
    draft = {
        "id": "mod-prova", "version": 1, "extends": {"id": "cx-core", "version": 1},
        "title": {"it": "Prova", "en": "Test"}, "description": {"it": "Prova.", "en": "Test."},
        "items": [{"code": "prova_voto", "type": "rating", "scale": {"min": lo, "max": hi}, "required": False,
                   "label": {"it": "Quanto è utile?", "en": "How useful is it?"}}],
        "harmonization": {"mod-prova:voto": {"item": "prova_voto", "method": "linear"}},
    }
    (tmp_path / "mod-prova.v1.json").write_text(json.dumps(draft))
    catalog = Catalog.load(tmp_path, manifest=None)
    return scales.lookup(catalog)[("mod-prova", 1, "mod-prova:voto")]


def _bucket_mean(scores: np.ndarray) -> float:
    """The mean the cube would publish: each score counted at its rollup category's point."""
    points = [SCORE_POINTS[next(n for n, lo, hi in BUCKETS if (lo is None or s >= lo) and (hi is None or s < hi))]
              for s in scores]
    return float(np.mean(points))


@pytest.mark.parametrize("lo, hi, answers", [(0, 10, [1, 1, 2, 9, 9]), (1, 4, [2, 2, 3, 4])])
def test_a_mean_on_a_scale_off_the_rollup_grid_is_refused(tmp_path, lo, hi, answers):
    measure = _draft_with_a_rating(tmp_path, lo, hi)
    scores = np.array([measure.scores[str(a)] for a in answers])
    # what would have been published: not the answers' mean
    assert _bucket_mean(scores) != pytest.approx(scores.mean())
    with pytest.raises(NotComparable) as exc:
        comparability.guard("mean", [measure])
    assert exc.value.reason == "scores_off_grid" and exc.value.fields["scale"] == [f"{measure.scale}: mod-prova@1"]
    assert "scores_off_grid" in comparability.REASONS
    # the positive share is counted on the item's own scale, so it stays
    comparability.guard("positive_share", [measure])


def test_every_shipped_score_measure_is_on_the_grid_and_keeps_its_mean(tmp_path):
    on_grid = _draft_with_a_rating(tmp_path, 1, 5)
    comparability.guard("mean", [on_grid])
    for m in scales.measures():
        if m.kind == "score" and m.indicator != "task_completed":
            comparability.guard("mean", [m])
