"""A channel has one name in each language wherever a reader meets it — the console's channel view, the
faccia report, the exports' codelist and the SDMX structure — because all of them read the CHANNEL codelist
(``warehouse.codelists.CHANNELS``). The channel view and the report had words of their own ("E-mail"
where the codelist said "Email")."""
from __future__ import annotations

import pytest

from tests.console_data import build
from tests.warehouse_rows import response, write
from warehouse import codelists, faccia_report
from warehouse.console import create_app


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_faccia_report_names_every_channel_as_the_codelist_does(lang):
    for code in codelists.CHANNELS:
        assert faccia_report.channel_label(code, lang) == codelists.label("CHANNEL", code, lang)
    assert codelists.label("CHANNEL", "email", "it") == "E-mail"  # the Italian spelling the pages used


def test_the_channel_view_names_a_channel_as_the_codelist_does(tmp_path):
    settings, tokens = build(tmp_path)
    rows = [response(period="2026-09", day=3, entity="c_h501", service="demo-roma-anagrafe", region="ITI4",
                     channel=channel, satisfaction=4) for channel in ("email", "front_office") for _ in range(12)]
    write(tmp_path, rows)
    client = create_app(settings).test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
    page = client.get("/channels?entity=c_h501&freq=Q").get_data(as_text=True)
    assert ">E-mail<" in page and ">Sportello<" in page and ">Email<" not in page
    with client.session_transaction() as s:
        s["lang"] = "en"
    english = client.get("/channels?entity=c_h501&freq=Q").get_data(as_text=True)
    assert ">Email<" in english and ">Front office<" in english


def test_the_channel_view_names_its_columns_and_instruments_as_the_other_pages_do(tmp_path):
    """The channel view's table said "N", "Quota positiva (%)" and showed the questionnaire's code
    (``cx-core``) under "Strumento", where every other page says "Risposte", "Quota positiva %" and the
    instrument's title (the console review's note); the CSV keeps the code, as every export does."""
    settings, tokens = build(tmp_path)
    write(tmp_path, [response(period="2026-09", day=3, entity="c_h501", service="demo-roma-anagrafe", region="ITI4",
                              satisfaction=4) for _ in range(12)])
    client = create_app(settings).test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
    page = client.get("/channels?entity=c_h501&freq=Q").get_data(as_text=True)
    head = page.split('data-table="channels"', 1)[1].split("</thead>", 1)[0]
    assert '<th scope="col">Risposte</th>' in head and "Quota positiva %" in head and ">N<" not in head
    title = codelists.label("INSTRUMENT", "cx-core", "it")
    assert title != "cx-core" and f'<td data-instrument="cx-core">{title}</td>' in page
