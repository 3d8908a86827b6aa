"""A monitoring user's first steps in the console API, in December (the clock pinned at 2026-12-15; the data
2026-08 … 2026-11 and answers of the running month): a code typed wrong is refused with a link the same
role can open (``/api/v1/codelists``: the labels of every code, no figure — it pointed to the exports,
403 for monitoring), and ``/api/v1/meta`` says which months, quarters and years are published (only
ended ones: 2026-Q3 is, 2026-Q4 and 2026 are still running). Real DuckDB/Parquet data
(:mod:`tests.console_data`)."""
from __future__ import annotations

import csv
import html
import io
import re

import pytest

from tests.console_data import build
from tests.warehouse_rows import response, write
from tests.console_auth import get_as
from warehouse import codelists
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_december")
STYPE = "anagrafe.certificati"


@pytest.fixture(scope="module")
def app_tokens(tmp_path_factory):
    root = tmp_path_factory.mktemp("meta-codelists")
    settings, tokens = build(root)  # 2026-08 to 2026-10
    write(root, [response(period="2026-11", day=d, satisfaction=4) for d in range(1, 21)]
          + [response(period="2026-12", day=2, satisfaction=s) for s in (5, 4, 3)])  # the running month: stored only
    return create_app(settings), tokens


def _get(app_tokens, url, role="monitoring", lang=None):
    app, tokens = app_tokens
    return get_as(app, tokens[role], url, lang)


def _links(text: str) -> list[str]:
    return re.findall(r"/api/v1/[\w/]+(?:\?[\w=,&]+)?", text)


@pytest.mark.parametrize("query, codelist, code", [("service_type=nope", "SERVICE_TYPE", STYPE),
                                                   ("region=ITZ9", "REF_AREA", "ITI4"),
                                                   ("channel=fax", "CHANNEL", "front_office")])
def test_an_unknown_code_points_monitoring_to_codelists_it_can_read(app_tokens, query, codelist, code):
    refused = _get(app_tokens, f"/api/v1/indicators?{query}")
    assert refused.status_code == 400
    message = refused.get_json()["message"]
    links = _links(message)
    assert f"/api/v1/codelists?codelist={codelist}" in links and "/api/v1/meta" in links, message
    assert not any("/export" in link for link in links), message  # monitoring may not export: 403
    for link in links:  # every door the refusal names opens for the role refused
        assert _get(app_tokens, link).status_code == 200, link
    body = _get(app_tokens, f"/api/v1/codelists?codelist={codelist}").get_json()
    assert list(body["codelists"]) == [codelist]
    assert body["codelists"][codelist][code] == dict(zip(("it", "en"), codelists.codelists()[codelist][code]))


@pytest.mark.parametrize("url, field, words", [
    ("/api/v1/indicators?service=nope", "service", "Unknown service 'nope'"),
    ("/api/v1/indicators?entity=nope&by=service", "entity", "Unknown entity 'nope'"),
    ("/api/v1/indicators?entity=C_H501&by=entity", "entity", "codes are case-sensitive: did you mean 'c_h501'?"),
    (f"/api/v1/compare?service_type={STYPE}&entity=nope", "entity", "Unknown entity 'nope'")])
def test_an_unknown_entity_or_service_is_a_400_naming_the_filter(app_tokens, url, field, words):
    """An entity or service code that is nowhere answered 200 with empty rows — "nobody answered" —
    while every codelist's filter is a 400 naming it (docs/warehouse.md). IPA codes are the registry's,
    matched exactly: one typed in the wrong case is refused naming the spelling that exists, and the
    refusal names a page the same role opens."""
    refused = _get(app_tokens, url)
    body = refused.get_json()
    assert refused.status_code == 400 and list(body["fields"]) == [field], body
    assert words in body["message"] and "/entities/" in body["message"], body
    assert _get(app_tokens, "/entities/").status_code == 200


def test_a_registered_entity_or_one_with_answers_is_a_valid_filter(app_tokens):
    """Valid: a unit of the registry without answers yet (empty rows: nobody answered, truly) and one with
    answers the registry does not hold (``c_a944`` is in the data only)."""
    from registry import connect, ops, session_scope
    from registry.models import Entity

    app, _tokens = app_tokens
    with session_scope(connect(app.config["ASCOLTO_SETTINGS"].database_url)) as s:
        if s.get(Entity, "c_b157") is None:
            ops.add_entity(s, actor="test", ipa_code="c_b157", name="Comune di Brescia", category="L6",
                           comune_istat="017029")
    new = _get(app_tokens, "/api/v1/indicators?entity=c_b157&by=entity&period=2026-10")
    assert new.status_code == 200 and new.get_json()["rows"] == []
    data_only = _get(app_tokens, "/api/v1/indicators?entity=c_a944&service=svc-bologna-anagrafe&by=service&period=2026-10")
    assert data_only.status_code == 200 and [r["service"] for r in data_only.get_json()["rows"]] == ["svc-bologna-anagrafe"]


def test_the_export_of_codelists_refused_to_monitoring_names_the_route_it_may_read(app_tokens):
    refused = _get(app_tokens, "/api/v1/export/codelists?freq=Q")
    assert refused.status_code == 403
    message = refused.get_json()["message"]
    assert message.endswith("The codes' labels alone are open to every console role: /api/v1/codelists."), message
    assert _get(app_tokens, _links(message)[-1]).status_code == 200
    assert "/api/v1/codelists" not in _get(app_tokens, "/api/v1/export/csv?freq=Q").get_json()["message"]


def test_the_italian_page_names_the_same_codelists(app_tokens):
    page = _get(app_tokens, f"/service-types/{STYPE}?region=ITZZ")
    assert page.status_code == 400
    text = html.unescape(page.get_data(as_text=True))
    assert "Codice sconosciuto «ITZZ»" in text or "Codice sconosciuto 'ITZZ'" in text
    assert "/api/v1/codelists?codelist=REF_AREA" in text and "esportazione" not in text


def test_codelists_are_every_code_with_both_labels_as_json_or_csv(app_tokens):
    body = _get(app_tokens, "/api/v1/codelists").get_json()
    assert set(body["codelists"]) == set(codelists.codelists())
    assert body["filters"]["service_type"] == "SERVICE_TYPE"  # which codelist each filter's codes come from
    # every valid code, not only those with data (the export's codelists label the table's codes only)
    assert set(body["codelists"]["SERVICE_TYPE"]) == set(codelists.codelists()["SERVICE_TYPE"])
    two = _get(app_tokens, "/api/v1/codelists?codelist=CHANNEL,FREQ").get_json()
    assert list(two["codelists"]) == ["CHANNEL", "FREQ"]
    bad = _get(app_tokens, "/api/v1/codelists?codelist=NOPE")
    assert bad.status_code == 400 and bad.get_json()["fields"] == {"codelist": [bad.get_json()["message"]]}
    got = _get(app_tokens, "/api/v1/codelists?codelist=CHANNEL&format=csv")
    assert got.status_code == 200 and got.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(got.get_data(as_text=True))))
    assert rows[0] == ["codelist", "code", "label_it", "label_en"]  # the export's codelists file, same columns
    assert ["CHANNEL", "front_office", "Sportello", "Front office"] in rows[1:]
    assert _get(app_tokens, "/api/v1/codelists?format=xlsx").status_code == 400


def test_meta_lists_the_published_periods_of_each_frequency(app_tokens):
    meta = _get(app_tokens, "/api/v1/meta").get_json()
    published = meta["published_periods"]
    assert published["M"] == ["2026-08", "2026-09", "2026-10", "2026-11"] == meta["periods"]  # kept: the months
    assert published["Q"] == ["2026-Q3"] and "2026-Q4" not in published["Q"]
    assert published["A"] == []  # 2026 still runs
    assert meta["running_periods"] == {"M": "2026-12", "Q": "2026-Q4", "A": "2026"}
    for freq, periods in published.items():  # each one listed is one the API serves
        for period in periods:
            assert _get(app_tokens, f"/api/v1/indicators?freq={freq}&period={period}").status_code == 200
    assert _get(app_tokens, "/api/v1/indicators?freq=Q&period=2026-Q4").status_code == 400
