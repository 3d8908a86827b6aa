"""The console's CSV downloads open right in Excel with the Italian locale: UTF-8 with a BOM (else
Excel shows "affidabilitÃ "), ``;`` between cells and the decimal comma on an Italian page, ``,`` and
the decimal point on an English one; the machine exports keep no BOM (docs/warehouse.md, "Console
downloads for spreadsheets")."""
from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from tests.console_auth import api_client
from tests.console_data import build

BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings, _tokens = build(tmp_path_factory.mktemp("spreadsheet"))
    return api_client(settings, "admin")


def _download(client, url: str) -> bytes:
    r = client.get(url, follow_redirects=True)
    assert r.status_code == 200 and r.mimetype == "text/csv", url
    return r.get_data()


def test_an_italian_download_has_a_bom_semicolons_and_its_accents(client):
    body = _download(client, "/csv/quality/suppression")
    assert body.startswith(BOM)
    table = pd.read_csv(io.BytesIO(body), sep=";", decimal=",", encoding="utf-8-sig")  # as Excel-it splits it
    assert list(table.columns) == ["Stato", "Celle"]
    assert "bassa affidabilità" in set(table["Stato"])
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Stato", "Celle"] and any(r[0] == "bassa affidabilità" for r in rows)


def test_an_english_download_has_a_bom_and_commas(client):
    body = _download(client, "/csv/quality/suppression?lang=en")
    assert body.startswith(BOM)
    table = pd.read_csv(io.BytesIO(body), encoding="utf-8-sig")
    assert list(table.columns) == ["Status", "Cells"] and "low reliability" in set(table["Status"])


def test_italian_decimals_use_the_comma_and_read_back_as_the_same_numbers(client):
    url = "/csv/overview/trend?freq=M&from=2026-08&to=2026-10"
    italian = _download(client, url)
    english = _download(client, url + "&lang=en")
    assert b"," in italian.split(b"\r\n")[1] and b";" in italian.split(b"\r\n")[1]  # 53,9 between semicolons
    it = pd.read_csv(io.BytesIO(italian), sep=";", decimal=",", encoding="utf-8-sig")
    en = pd.read_csv(io.BytesIO(english), encoding="utf-8-sig")
    numeric = en.select_dtypes("number")
    assert len(numeric.columns) >= 2 and len(it) == len(en) == 3
    assert (it[it.columns[list(en.columns).index(numeric.columns[0])]].to_numpy() == numeric.iloc[:, 0].to_numpy()).all()
    assert pd.api.types.is_float_dtype(it.select_dtypes("number").iloc[:, :].dtypes.iloc[-1])


def test_the_machine_export_keeps_no_bom(client):
    body = _download(client, "/exports/download?format=csv&freq=M")  # freq=A: no year of the data has ended yet
    assert not body.startswith(BOM) and body.split(b"\n", 1)[0].count(b",") > 3


def test_a_negative_decimal_comma_stays_a_number_and_formulas_stay_text():
    from warehouse.console.downloads import spreadsheet_csv

    body = spreadsheet_csv(["Differenza", "Ente"], [[-0.25, "=HYPERLINK(\"http://evil.example\")"]], "it")
    assert list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))[1] == [
        "-0,25", "'=HYPERLINK(\"http://evil.example\")"]
