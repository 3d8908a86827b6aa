"""The console's Exports page refuses a range in Italian, its language: a range cutting a quarter or a year
(``/exports/download?format=csv&freq=Q&from=2025-02``) or ending inside one was said as
"Parametro non valido: «from». (freq=Q publishes whole quarters, but from=2025-02 starts inside 2025-Q1; …)",
the API's English in brackets. Real data, the real console app (its test client); no mocks."""
from __future__ import annotations

import re

import pytest

from settings import Settings
from tests.console_auth import api_client
from tests.warehouse_rows import response, write


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    data = tmp_path_factory.mktemp("exports-words")
    write(data, [response(period=f"2025-{m:02d}", day=3, satisfaction=1 + i % 5) for m in range(1, 13)
                 for i in range(6)])
    return api_client(Settings(data_dir=data, rollup_check_s=0.0), "statistician")


def _said(page, url: str) -> str:
    r = page.get(url, headers={"Accept": "text/html"})
    assert r.status_code == 400, r.status_code
    main = re.search(r"<main.*?</main>", r.get_data(as_text=True), re.S).group(0)
    return " ".join(re.sub(r"<[^>]+>", " ", main).split()).replace("&#39;", "'")


@pytest.mark.parametrize("query, field, words", [
    ("freq=Q&from=2025-02", "from", "la frequenza Q pubblica trimestri interi, ma 2025-02 comincia dentro 2025-Q1: "
                                     "cominciare da 2025-Q1"),
    ("freq=A&to=2025-Q2", "to", "la frequenza A pubblica anni interi, ma 2025-Q2 finisce dentro 2025: finire con 2025"),
])
def test_a_range_the_download_refuses_is_said_in_italian(page, query, field, words):
    said = _said(page, f"/exports/download?format=csv&{query}")
    assert f"«{field}»" in said and words in said, said
    assert "publishes" not in said, said


@pytest.mark.parametrize("query, field, words", [
    ("format=xml", "format", "i valori ammessi sono csv, parquet, sdmx-csv"),
    ("format=datapackage", "format", "i valori ammessi sono csv"),
    ("format=csv&lang=de", "lang", "i valori ammessi sono it e en"),
])
def test_a_format_or_language_the_download_lacks_is_refused_on_the_page(page, query, field, words):
    """Such a download was sent on (303) to the API, whose JSON 400 the browser showed."""
    said = _said(page, f"/exports/download?{query}")
    assert f"«{field}»" in said and words in said, said
