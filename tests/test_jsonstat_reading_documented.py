"""The JSON-stat export as an Istat statistician reads it, following docs/warehouse.md (2 December 2026).

"Read back by pyjstat": the obvious ``pyjstat.Collection.read(text).write("dataframe_list")`` stops with
``KeyError: 'href'`` (our collection embeds its datasets, pyjstat fetches each item's ``href``). The page
now says so and gives the way that works; this runs the page's snippet, as written, on a real export."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from settings import Settings
from warehouse import export
from warehouse.dataset import Warehouse

DOC = (Path(__file__).parent.parent / "docs" / "warehouse.md").read_text("utf-8")


def _snippet() -> str:
    at = DOC.index("Read back by pyjstat")
    code = re.search(r"```python\n(.*?)```", DOC[at:], re.S)
    assert code and DOC[at:].index("```python") < 600, "the snippet follows the sentence"
    return "\n".join(line[2:] if line.startswith("  ") else line for line in code.group(1).splitlines())


def test_the_documented_snippet_reads_every_dataset_and_the_naive_call_fails_as_said(data_dir, tmp_path, monkeypatch):
    from pyjstat import pyjstat

    with Warehouse(Settings(data_dir=data_dir)) as wh:
        export.export(wh.cursor(), "jsonstat", tmp_path / "cx.json", freq="M")
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(_snippet(), scope)  # noqa: S102 - the documentation's own code
    frames = scope["frames"]
    assert len(frames) >= 3 and all(len(f) and "TIME_PERIOD" in f.columns for f in frames)
    with pytest.raises(KeyError, match="href"):  # what the page warns of
        pyjstat.Collection.read((tmp_path / "cx.json").read_text("utf-8")).write("dataframe_list")
