"""The "Da guardare" page (``/attention``) and the service type's page read a not-comparable type's note from the
console's comparison cache (one per rollup version), as they read the comparisons: a warm visit runs no query for
it (it ran one per withheld type on every visit), and new data (a new rollup version) computes it again.
Pinned to 2027: 2026-10 has ended."""
from __future__ import annotations

import html as markup
import re

import pytest

from tests.console_data import build
from tests.warehouse_rows import response, write
from warehouse import cube
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_2027")

PAGE_TYPE = "informazioni.pagina"  # clarity pooled from cx-core and the page rating: not comparable
QUERY = "indicator=clarity&freq=M&period=2026-10"


def _rows(entities, day=1):
    return [response(period="2026-10", day=day + i % 20, entity=e, service=f"svc-{e}-pagina", service_type=PAGE_TYPE,
                     clarity=2 + i % 3) for e in entities for i in range(30)]


@pytest.fixture
def app_auth(tmp_path):
    settings, tokens = build(tmp_path)  # rollup_check_s 0: every request sees the newest files
    write(tmp_path, [response(period="2026-10", day=1 + i % 27, entity="c_h501", service="svc-roma-pagina",
                              service_type=PAGE_TYPE, questionnaire="di-rating-pagina", clarity=5 if i % 4 else 2)
                     for i in range(40)] + _rows(("c_y001", "c_y002", "c_y003")))
    return create_app(settings), {"Authorization": f"Bearer {tokens['monitoring']}"}, tmp_path


@pytest.fixture
def instrument_queries(monkeypatch):
    """The protected tables by instrument asked for (the note's query), each one's cut: the real ones run."""
    asked, real = [], cube.table

    def spy(con, cut, *a, **kw):
        if cut.by == ["instrument"]:
            asked.append(cut)
        return real(con, cut, *a, **kw)
    monkeypatch.setattr(cube, "table", spy)
    return asked


def _page(client, auth, url):
    r = client.get(url, headers=auth)
    assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[-800:])
    # the sign-out form's CSRF token is signed with the second it was made: two visits a second apart differ there
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', markup.unescape(r.get_data(as_text=True)))


@pytest.mark.parametrize("level", ["entity", "service"])
def test_a_warm_visit_runs_no_query_for_a_type_not_comparable(app_auth, instrument_queries, level):
    app, auth, _root = app_auth
    client = app.test_client()
    first = _page(client, auth, f"/attention?{QUERY}&level={level}")
    assert "non confrontabili: 1" in first and len(instrument_queries) == 1, instrument_queries
    instrument_queries.clear()
    assert _page(client, auth, f"/attention?{QUERY}&level={level}") == first
    assert instrument_queries == []
    # the type's own page reads the same note (its instruments linked), in either language, with no query either
    for lang, words in (("it", "Confronto non fatto"), ("en", "Comparison not made")):
        page = _page(client, auth, f"/service-types/{PAGE_TYPE}?{QUERY}&level={level}&lang={lang}")
        assert words in page, page[-3000:]
        assert 'data-split-instrument="di-rating-pagina"' in page and 'data-split-instrument="cx-core"' in page
    assert instrument_queries == []


def test_new_data_computes_the_note_again(app_auth, instrument_queries):
    app, auth, root = app_auth
    client = app.test_client()
    _page(client, auth, f"/attention?{QUERY}")
    _page(client, auth, f"/attention?{QUERY}")
    assert len(instrument_queries) == 1, instrument_queries
    write(root, _rows(("c_y004",), day=3))  # a new response file: a new rollup version
    after = _page(client, auth, f"/attention?{QUERY}")
    assert len(instrument_queries) == 2, instrument_queries
    assert "non confrontabili: 1" in after, after[-3000:]
