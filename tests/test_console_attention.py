"""The national "Da guardare" / "Needs attention" page (``/attention``): for one indicator and period, the units
that their service type's funnel places outside the limits, below the benchmark first — each with exactly the
value, interval, flag and FDR verdict its service type's page shows — and, in one sentence, the types with
nothing listed (compared with no unit outside, not comparable, too few units). Pinned to 2027: 2026-10 ended."""
from __future__ import annotations

import csv
import html as markup
import io
import re

import pytest

from registry import connect, session_scope
from registry.tokens import create_token
from tests.console_data import build
from tests.warehouse_rows import response, write
from warehouse.console import create_app
from warehouse.console.data import type_label
from warehouse.console.i18n_attention import EN as ATTENTION_EN

pytestmark = pytest.mark.usefixtures("clock_2027")

TYPE = "tributi.pagamento"  # eleven entities answering clarity: Milano far below, Roma within
PAGE_TYPE = "informazioni.pagina"  # clarity pooled from cx-core and the page rating: not comparable
FEW_TYPE = "sanita.prenotazione"  # two entities: no informative funnel
QUERY = "indicator=clarity&freq=M&period=2026-10"
MILANO, ROMA = "c_f205", "c_h501"


@pytest.fixture(scope="module")
def client_auth(tmp_path_factory):
    root = tmp_path_factory.mktemp("attention")
    settings, tokens = build(root)
    with session_scope(connect(settings.database_url)) as s:
        tokens["entity"] = create_token(s, role="entity", label="roma", actor="test", entity=ROMA)[1]
    rows = []
    others = [f"c_x{i:03d}" for i in range(9)]
    for j, e in enumerate([ROMA, *others]):  # 70–80% positive, 40 answers each
        rows += [response(period="2026-10", day=1 + i % 27, service_type=TYPE, entity=e, region="ITC1",
                          clarity=5 if i % 10 < 7 + j % 2 else 2) for i in range(40)]
    rows += [response(period="2026-10", day=1 + i % 27, service_type=TYPE, entity=MILANO, region="ITC4",
                      clarity=5 if i % 10 == 0 else 1) for i in range(40)]  # 10% positive
    rows += [response(period="2026-10", day=1 + i % 27, entity=ROMA, service="svc-roma-pagina",
                      service_type=PAGE_TYPE, questionnaire="di-rating-pagina", clarity=5 if i % 4 else 2)
             for i in range(40)]
    rows += [response(period="2026-10", day=1 + i % 27, entity=e, service=f"svc-{e}-pagina", service_type=PAGE_TYPE,
                      clarity=2 + i % 3) for e in ("c_y001", "c_y002", "c_y003") for i in range(30)]
    rows += [response(period="2026-10", day=1 + i % 27, entity=e, service_type=FEW_TYPE, clarity=2 + i % 4)
             for e in ("c_z001", "c_z002") for i in range(30)]
    write(root, rows)
    return create_app(settings).test_client(), tokens


def _get(client_auth, url, role="monitoring"):
    client, tokens = client_auth
    return client.get(url, headers={"Authorization": f"Bearer {tokens[role]}"})


def _page(client_auth, url):
    r = _get(client_auth, url)
    assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[-800:])
    return r.get_data(as_text=True)


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def _table(page: str, table_id: str) -> tuple[list[str], list[dict[str, str]], list[str]]:
    """A table's headers, its rows as {data-col: text} and each row's raw HTML."""
    body = page.split(f'data-table="{table_id}"', 1)[1].split("</table>", 1)[0]
    heads = [_text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", body, re.S)]
    raw = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    rows = [{k: _text(v) for k, v in re.findall(r'<td data-col="([^"]+)">(.*?)</td>', tr, re.S)} for tr in raw]
    return heads, rows, raw


def _unit(rows, key, code):
    found = [r for r in rows if r.get(key) == code]
    assert len(found) == 1, (code, rows)
    return found[0]


def test_an_entity_far_below_is_listed_as_its_service_types_page_shows_it(client_auth):
    page = _page(client_auth, f"/attention?{QUERY}")
    _heads, rows, raw = _table(page, "outside-limits")
    mine = _unit(rows, "entity", MILANO)
    _h, funnel, _raw = _table(_page(client_auth, f"/service-types/{TYPE}?{QUERY}"), "funnel")
    theirs = _unit(funnel, "entity", MILANO)
    for col in ("name", "n", "value", "ci_lower", "ci_upper", "flag", "fdr"):
        assert mine[col] == theirs[col], (col, mine, theirs)
    assert mine["flag"] == "sotto il limite al 99,8%" and mine["fdr"].startswith("significativamente sotto")
    assert mine["service_type"] == TYPE and mine["name"] == "Comune di Milano"
    # the benchmark is the type page's, the row links the type's page (same indicator, period) and the entity's
    bench = re.search(r'data-benchmark="[^"]*"[^>]*>.*?<strong>(.*?)</strong>', _page(client_auth,
                      f"/service-types/{TYPE}?{QUERY}"), re.S).group(1)
    assert mine["benchmark"] + "%" == _text(bench)
    html_row = markup.unescape(raw[rows.index(mine)])
    assert f'href="/service-types/{TYPE}?indicator=clarity&freq=M&period=2026-10"' in html_row, html_row
    assert f'href="/entities/{MILANO}?indicator=clarity&freq=M&period=2026-10"' in html_row, html_row
    # below first: no row above the benchmark before a row below it
    flags = [r["flag"] for r in rows]
    assert flags == sorted(flags, key=lambda f: not f.startswith("sotto")), flags


def test_an_entity_within_the_limits_is_not_listed(client_auth):
    _h, rows, _raw = _table(_page(client_auth, f"/attention?{QUERY}"), "outside-limits")
    assert ROMA not in {r["entity"] for r in rows if r["service_type"] == TYPE}
    _h, funnel, _raw = _table(_page(client_auth, f"/service-types/{TYPE}?{QUERY}"), "funnel")
    assert _unit(funnel, "entity", ROMA)["flag"] == "entro i limiti"
    # nor any unit the type's page shows within its limits or without a flag (suppressed)
    listed = {(r["service_type"], r["entity"]) for r in rows}
    assert not any((TYPE, r["entity"]) in listed for r in funnel if r["flag"] in ("entro i limiti", "—"))
    # a suppressed unit (tests.console_data: Torino's one answer, anagrafe.certificati) has no flag: never listed
    page = _page(client_auth, "/attention?indicator=satisfaction&freq=M&period=2026-10")
    _h, funnel, _raw = _table(_page(client_auth, "/service-types/anagrafe.certificati?freq=M&period=2026-10"), "funnel")
    assert _unit(funnel, "entity", "c_l219")["flag"] == "—" and "c_l219" not in page


def test_the_types_with_nothing_listed_are_counted_in_one_sentence(client_auth):
    page = _page(client_auth, f"/attention?{QUERY}")
    summary = _text(re.search(r"<p data-summary>(.*?)</p>", page, re.S).group(1))
    assert summary == (f"Tipi di servizio confrontati: 1, di cui 0 senza enti fuori dai limiti; non confrontabili: 1 "
                       f"({type_label(PAGE_TYPE, 'it')}); con meno di 5 enti pubblicati, funnel non informativo: 1 "
                       f"({type_label(FEW_TYPE, 'it')})."), summary
    note = _text(re.search(r"<p class=\"small\" data-limits-note>(.*?)</p>", page, re.S).group(1))
    assert "da guardare, non bocciato" in note and "FDR" in note and "99,8%" in note, note


def test_level_service_lists_the_services(client_auth):
    page = _page(client_auth, f"/attention?{QUERY}&level=service")
    heads, rows, raw = _table(page, "outside-limits")
    assert "Chiave" in heads and "Servizio" in heads
    key = f"svc-{MILANO}-{TYPE}"
    mine = _unit(rows, "service", key)
    _h, funnel, _raw = _table(_page(client_auth, f"/service-types/{TYPE}?{QUERY}&level=service"), "funnel")
    theirs = _unit(funnel, "service", key)
    for col in ("n", "value", "ci_lower", "ci_upper", "flag", "fdr"):
        assert mine[col] == theirs[col], (col, mine, theirs)
    html_row = markup.unescape(raw[rows.index(mine)])
    assert "level=service" in html_row and f'href="/entities/{MILANO}?' in html_row, html_row
    assert "Tipi di servizio confrontati: 1, di cui 0 senza servizi fuori dai limiti;" in page


def test_an_entity_token_is_refused(client_auth):
    for url in (f"/attention?{QUERY}", f"/csv/attention/outside-limits?{QUERY}"):
        assert _get(client_auth, url, role="entity").status_code == 403, url


@pytest.mark.parametrize("level", ["entity", "service"])
def test_the_csv_is_the_table(client_auth, level):
    heads, rows, _raw = _table(_page(client_auth, f"/attention?{QUERY}&level={level}"), "outside-limits")
    r = _get(client_auth, f"/csv/attention/outside-limits?{QUERY}&level={level}")
    assert r.status_code == 200 and r.mimetype == "text/csv", r.status_code
    assert "2026-10" in r.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == heads
    assert [[c or "—" for c in line] for line in lines[1:]] == [list(row.values()) for row in rows]
    assert len(lines) > 1


def test_the_english_page_has_its_texts(client_auth):
    page = markup.unescape(_page(client_auth, f"/attention?{QUERY}&lang=en"))
    assert "Needs attention" in page and "needs attention; it has not failed" in page
    assert "Service types compared: 1, of which 0 without entities outside the limits; not comparable: 1 (" in page
    assert "Funnel position" in page and "below the 99.8% limit" in page
    italian = [it for it in ATTENTION_EN if it.split("{")[0].strip() and it.split("{")[0].strip() in _text(page)]
    assert not italian, italian


def test_the_national_menu_links_the_page(client_auth):
    page = _page(client_auth, "/service-types/")
    assert re.search(r'<a href="/attention"[^>]*data-menu="attention">Da guardare</a>', page), page[:3000]
    assert 'aria-current="page" data-menu="attention"' in _page(client_auth, f"/attention?{QUERY}")
