"""The data-quality page counts the dead letters as ``ascolto failed list`` does: one per letter, however
many times it was written (a batch written again after a crash, with other boundaries), each by its status
— pending, replayed, dismissed. It counted ``count(*)`` over the ``failed/`` rows: a letter written twice
counted twice, a dismissed or replayed one as still to do. Both read :func:`dataset.failed.letters` (the
warehouse never imports the processor). Real Parquet files, the real CLI and console app."""
from __future__ import annotations

import re
from collections import Counter

import pytest
from click.testing import CliRunner

from ascolto.cli import main
from processor.badrows import Failure, Reason, Source
from processor.failed import FailedStore, failure_id
from tests.console_data import EXPECTED_FAILED, build
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

TWICE = Failure(Source("ascolto.submissions", 0, 40), Reason.UNKNOWN_SERVICE, "no service 'x'", b'{"service": "x"}')
DISMISSED = Failure(Source("ascolto.submissions", 0, 41), Reason.UNDECODABLE, "not JSON", b"{")
REPLAYED = Failure(Source("ascolto.submissions", 0, 42), Reason.INVALID_ANSWERS, "bad", b'{"answers": 1}')


def _cli(root, *args) -> str:
    out = CliRunner().invoke(main, ["failed", *args], env={"ASCOLTO_DATA_DIR": str(root), "ASCOLTO_ACTOR": "test:cli"})
    assert out.exit_code == 0, out.output
    return out.output


def _cli_counts(root) -> Counter:
    """``{(reason, status): letters}`` from ``ascolto failed list``'s summary line."""
    summary = _cli(root, "list").strip().splitlines()[-1]
    return Counter({(r, s): int(n) for n, r, s in re.findall(r"; (\d+) (\w+) (\w+)", summary)})


def _page(client) -> tuple[str, str, dict[str, list[int]]]:
    """The page's count of letters to replay, the head of its table's CSV and each reason's counts."""
    html = client.get("/quality").get_data(as_text=True)
    kpi = re.search(r'data-kpi="failed">([^<]*)<', html).group(1)
    rows = client.get("/csv/quality/failed").get_data(as_text=True).lstrip("\ufeff").splitlines()
    return kpi, rows[0], {r.split(";")[1]: [int(x) for x in r.split(";")[2:]] for r in rows[1:]}


def test_the_quality_page_counts_letters_and_their_status_as_the_cli(tmp_path):
    settings, tokens = build(tmp_path)
    store = FailedStore(tmp_path)
    store.write([TWICE, DISMISSED, REPLAYED], partition=0, first=40, last=42)
    store.write([TWICE], partition=0, first=40, last=40)  # written again after a crash: another file, one letter
    c = create_app(settings.with_(collector_metrics_url="http://127.0.0.1:9/metrics")).test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
    pending = sum(EXPECTED_FAILED.values()) + 3
    kpi, head, rows = _page(c)
    assert kpi == str(pending)  # the letter written twice counted once (it said 9)
    assert head == "Motivo;Codice;Da rielaborare;Rielaborati;Archiviati;Totale"
    assert rows["unknown_service"] == [4, 0, 0, 4]

    _cli(tmp_path, "dismiss", failure_id(DISMISSED), "--note", "garbage")  # the ledger only: no new Parquet file
    store.record_replays([{"failure_id": failure_id(REPLAYED), "outcome": "written", "at": "2026-10-21T09:00:00+00:00"}])
    kpi, _head, rows = _page(c)  # the page of the same data version sees the ledger's change
    cli = _cli_counts(tmp_path)
    assert cli[("undecodable", "dismissed")] == 1 and cli[("invalid_answers", "written")] == 1
    assert kpi == str(sum(n for (_r, s), n in cli.items() if s == "pending")) == str(pending - 2)
    for reason in {r for r, _s in cli}:
        mine = {s: n for (r, s), n in cli.items() if r == reason}
        assert rows[reason] == [mine.get("pending", 0), mine.get("written", 0) + mine.get("duplicate", 0),
                                mine.get("dismissed", 0), sum(mine.values())], reason
    assert set(rows) == {r for r, _s in cli}
    html = c.get("/quality").get_data(as_text=True)
    assert "Record scartati da rielaborare" in html and f"su {pending} in tutto (rielaborati: 1; archiviati: 1)" in html
    english = c.get("/quality?lang=en").get_data(as_text=True)
    assert "Failed records to replay" in english and f"of {pending} in all (replayed: 1; dismissed: 1)" in english
