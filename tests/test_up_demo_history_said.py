"""A second `make run` (``ascolto up``) in a data directory whose demo history is loaded said it was "loading 13
months of demo history…" and then that it was "already loaded": one line now, and a true one
(:func:`deploy.up.load_demo_history`, the step ``up`` runs and prints through)."""
from __future__ import annotations

import json

from deploy.demo_history import MARKER
from deploy.up import load_demo_history


def _refuse(*args, **kw):
    raise AssertionError("the history was loaded again")


def test_a_loaded_history_is_said_in_one_line_without_loading(tmp_path):
    (tmp_path / MARKER).write_text(json.dumps({"lines": 5200, "accepted": 5180, "refused": {}, "months": 13}))
    said, after = [], []
    load_demo_history(tmp_path, {}, ["http://localhost:8002"], 13, lambda *a, **k: after.append(a),
                      say=said.append, loader=_refuse)
    assert said == ["demo history already loaded in this data directory (13 months, 5180 answers accepted, at its "
                    "first start): not loaded again."]
    assert after == []  # nothing published again either


def test_an_unreadable_marker_still_says_loaded_once(tmp_path):
    (tmp_path / MARKER).write_text("{torn")
    said = []
    load_demo_history(tmp_path, {}, [], 13, None, say=said.append, loader=_refuse)
    assert said == ["demo history already loaded in this data directory (at its first start): not loaded again."]


def test_a_new_data_directory_is_said_loading_then_what_was_loaded(tmp_path):
    summary = {"lines": 10, "accepted": 9, "refused": {"rate_limited": 1}, "funnel": {"lines": 2, "accepted": 2}}
    said, after = [], []
    load_demo_history(tmp_path, {"X": "1"}, ["o"], 3, lambda *a, say: after.append(a), say=said.append,
                      loader=lambda data_dir, env, origins, months: summary)
    assert said[0] == "loading 3 months of demo history through the collector's intake…"
    assert said[1].startswith("demo history: 9 of 10 accepted (1 rate_limited; 2 of them the widget's funnel reports "
                              "of the last 3 months) in ")
    assert len(said) == 2 and after == [(tmp_path, {"X": "1"}, summary, 3)]
