"""One rule, in one place, for why a change since the previous period is not stated
(:func:`warehouse.changes.why_not`, docs/methodology.md §8): the public site's highlights, the console's
overview and the workspace's and entity page's services tables all ask it. A change is stated only between
two published, unsuppressed cells with a share and an n, neither of low reliability (OBS_STATUS U: fewer
than ``ASCOLTO_RELIABILITY_MIN_N`` answers) and neither the first period of a new series (OBS_STATUS B);
else the reason, in the precedence missing, suppressed, low_n, break."""
from __future__ import annotations

import pytest

from warehouse.changes import compare, why_not


def _c(share=60.0, n=100, conf="F", obs="A"):
    return {"share": share, "n": n, "conf_status": conf, "obs_status": obs, "share_noise_var": 0.0}


SUPPRESSED = _c(share=None, n=None, conf="A", obs="Q")


@pytest.mark.parametrize("before, now, reason", [
    (_c(), _c(share=70.0), None),
    (None, _c(), "missing"),
    (_c(), None, "missing"),
    (_c(share=None), _c(), "missing"),                 # no published share (e.g. the guard's not_headline)
    (_c(), _c(n=None), "missing"),
    (SUPPRESSED, _c(), "suppressed"),
    (_c(), _c(conf="A"), "suppressed"),
    (_c(), _c(obs="Q"), "suppressed"),
    (_c(obs="U", n=12), _c(), "low_n"),
    (_c(), _c(obs="U", n=12), "low_n"),
    (_c(obs="B"), _c(), "break"),
    (_c(), _c(obs="B"), "break"),
    # precedence: missing before suppressed before low_n before break, whichever cell says it
    (None, SUPPRESSED, "missing"),
    (SUPPRESSED, _c(share=None), "missing"),
    (SUPPRESSED, _c(obs="U", n=12), "suppressed"),
    (_c(obs="B"), SUPPRESSED, "suppressed"),
    (_c(obs="B"), _c(obs="U", n=12), "low_n"),
    (_c(obs="U", n=12), _c(obs="B"), "low_n"),
])
def test_why_not_says_the_first_reason_in_the_precedence(before, now, reason):
    assert why_not(before, now) == reason


def test_compare_gives_the_change_or_the_reason_never_both():
    change, reason = compare(_c(share=80.0), _c(share=20.0), "2026-09")
    assert reason is None and change["verdict"] == "worsened" and change["period"] == "2026-09"
    assert compare(_c(share=80.0, obs="U", n=12), _c(share=20.0), "2026-09") == (None, "low_n")
    assert compare(None, _c(), "2026-09") == (None, "missing")
