"""The entity workspace read by a PA's digital-services office: every figure with its interval, period
and a download, the rank with its interval, what to do when a service has no answers yet, and how to
replace a token (tests/test_workspace.py's fixtures: the same seeded registry and cube)."""
from __future__ import annotations

import html as markup
import re

import pytest

from tests import console_csv
from tests.test_workspace import KEYS, client, get, seeded  # noqa: F401  (fixtures)
from tests.workspace_data import MILANO, ROMA, build_workspace
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods


def test_the_period_menu_lists_the_periods_of_the_frequency(client, seeded):
    """The workspace's "Periodo" menu was always empty (the page's periods were left out of its data): a PA
    could see only the latest period. It lists the frequency's periods, newest first, the shown one selected."""
    entity = seeded[1]["entity"]
    for query, chosen in (("freq=Q&period=2026-Q3", "2026-Q3"), ("", None), ("freq=M&period=2026-09", "2026-09")):
        html = get(client, entity, f"/workspace/{ROMA}?{query}").get_data(as_text=True)
        menu = re.search(r'<select id="f-period" name="period">(.*?)</select>', html, re.S).group(1)
        options = re.findall(r'<option value="([^"]+)" ?(selected)?>', menu)
        stated = re.search(r'data-period="([^"]+)"', html).group(1)
        assert len(options) >= 2 and [v for v, s in options if s] == [chosen or stated], query
        values = [v for v, _ in options]
        assert values == sorted(values, reverse=True) and all(("Q" in v) == ("freq=Q" in query) for v in values)


def test_the_funnel_of_the_workspace_names_its_service_type_in_the_readers_language(client, seeded):
    """In English the workspace's funnel chart (title, picture's text, table, CSV) named the service type in
    Italian ("Funnel plot — Certificati anagrafici") beside a position table saying "Registry certificates"."""
    from warehouse.console.data import type_label

    tok = seeded[1]["entity"]
    en, it = type_label("anagrafe.certificati", "en"), type_label("anagrafe.certificati", "it")
    page = markup.unescape(get(client, tok, f"/workspace/{ROMA}?period=2026-10&lang=en").get_data(as_text=True))
    assert f"Funnel plot — {en}" in page and f"Funnel plot — {it}" not in page
    csv_text = get(client, tok, f"/workspace/{ROMA}/csv/funnel-anagrafe.certificati?period=2026-10&lang=en"
                   ).get_data(as_text=True)
    assert en in csv_text and it not in csv_text
    assert f"Funnel plot — {it}" in markup.unescape(get(client, tok, f"/workspace/{ROMA}?period=2026-10"
                                                        ).get_data(as_text=True))


def test_the_services_mean_comes_with_its_interval(client, seeded):
    """The services table gave the mean (0–100) bare, beside a share with its 95% CI: a PA read 28,1
    against 40,4 with nothing saying the two might not differ. The mean has its published interval."""
    admin, entity = seeded[1]["admin"], seeded[1]["entity"]
    api = get(client, admin, f"/api/v1/indicators?by=service&period=2026-10&service={KEYS[ROMA]}").json["rows"][0]
    html = get(client, entity, f"/workspace/{ROMA}?period=2026-10").get_data(as_text=True)
    row = html[html.index(f'<tr data-service="{KEYS[ROMA]}">'):].split("</tr>")[0]
    mean = re.search(r'<td data-col="mean">([\d,]+) <span class="small" data-col="mean-ci">\(IC 95% ([\d,]+) – ([\d,]+)\)',
                     row)
    assert mean, row
    m, lo, hi = (float(x.replace(",", ".")) for x in mean.groups())
    assert lo < m < hi and m == pytest.approx(api["mean"], abs=0.06)
    assert (lo, hi) == (pytest.approx(api["mean_ci"][0], abs=0.06), pytest.approx(api["mean_ci"][1], abs=0.06))


def test_the_rank_comes_with_its_interval_as_on_the_comparison(client, seeded):
    """The position gave a bare EB rank ("4" of 6 entities): a PA read it as its certain place. The
    rank's 95% interval (the positions the entity may hold) is beside it, the comparison's own, and the
    legend says what both mean."""
    admin, entity = seeded[1]["admin"], seeded[1]["entity"]
    cmp = get(client, admin, "/api/v1/compare?service_type=anagrafe.certificati").json
    own = next(u for u in cmp["units"] if u["entity"] == ROMA)
    assert own["rank_interval"] is not None  # the fixture ranks its entities
    ws = get(client, entity, f"/api/v1/workspace/{ROMA}").json
    assert ws["position"][0]["rank_interval"] == own["rank_interval"]
    html = get(client, entity, f"/workspace/{ROMA}").get_data(as_text=True)
    row = html[html.index('<tr data-type="anagrafe.certificati">'):].split("</tr>")[0]
    lo, hi = own["rank_interval"]
    assert f'<td data-col="rank_interval">{lo}–{hi}</td>' in row and 'data-legend="rank_interval"' in html


def test_the_tokens_page_says_how_to_replace_each_kind_of_token(client, seeded):
    """The manager's tokens page listed entity, back-end and operator tokens with a "Revoca" button and
    nothing on replacing one: revoking a back end's token first stops its answers (403), and the page
    cannot make back-end, operator or manager tokens. It says which token is replaced how, in both languages."""
    it = markup.unescape(get(client, seeded[1]["entity"], f"/workspace/{ROMA}/tokens").get_data(as_text=True))
    note = it[it.index('data-note="rotation"'):].split("</section>")[0]
    assert "creane uno nuovo con il modulo qui sopra" in note and "lo crea solo lo staff nazionale" not in note
    assert "li crea solo lo staff nazionale" in note and "poi revoca qui il vecchio" in note
    en = markup.unescape(get(client, seeded[1]["entity"], f"/workspace/{ROMA}/tokens?lang=en").get_data(as_text=True))
    assert "Replacing a token" in en and "created by national staff only" in en and "revoca" not in en.lower()


def test_the_services_table_downloads_as_its_published_cells(client, seeded):
    """The workspace's main table — each service's N, positive share and mean with their intervals,
    and the change since the previous period — had no download, where every chart's table had one: a PA
    copied it by hand. It downloads as CSV, the page's indicator and period, suppressed cells empty."""
    admin, entity = seeded[1]["admin"], seeded[1]["entity"]
    page = markup.unescape(get(client, entity, f"/workspace/{ROMA}?freq=M&period=2026-10").get_data(as_text=True))
    link = re.search(r'<a class="btn btn-outline" href="([^"]+)" download data-link="services-csv">', page).group(1)
    assert link.startswith(f"/workspace/{ROMA}/services.csv?") and "period=2026-10" in link
    r = get(client, entity, link)
    assert r.status_code == 200 and "ascolto-c_h501-services-satisfaction-2026-10.csv" in r.headers["Content-Disposition"]
    rows = {x["Chiave"]: x for x in console_csv.dicts(r)}
    api = get(client, admin, f"/api/v1/indicators?by=service&period=2026-10&entity={ROMA}").json["rows"]
    for cell in api:
        row = rows[cell["service"]]
        if cell["conf_status"] == "A":
            assert (row["Risposte"], row["Quota positiva %"], row["Stato"]) == ("", "", "oscurato")
        else:
            assert int(row["Risposte"]) == cell["n"] and float(row["Quota positiva %"]) == pytest.approx(cell["positive_share"], abs=0.06)
            assert float(row["IC 95% inf."]) < float(row["Quota positiva %"]) < float(row["IC 95% sup."])
    assert {x["Periodo"] for x in rows.values()} == {"2026-10"}
    en = console_csv.rows(get(client, entity, link + "&lang=en"))
    assert en[0][:7] == ["Service", "Key", "Service type", "Channel", "Period", "Responses", "Positive share %"]
    assert get(client, seeded[1]["entity"], f"/workspace/{MILANO}/services.csv").status_code == 403


def test_a_service_without_answers_in_the_period_says_where_to_look(tmp_path):
    """A service just installed showed "0" in the latest complete month with nothing more: its first answers
    (in the running month) and "Verifica la mia pagina" were not mentioned. The page says both."""
    from registry import connect, ops, session_scope

    settings, tokens = build_workspace(tmp_path)
    with session_scope(connect(settings.database_url)) as s:
        ops.add_service(s, actor="test", key="roma-nuovo", entity_ipa=ROMA, name="Servizio nuovo",
                        service_type="anagrafe.certificati")
    client = create_app(settings).test_client()
    entity = tokens["entity"]
    ws = get(client, entity, f"/api/v1/workspace/{ROMA}?freq=M&period=2026-09").json
    assert [s["key"] for s in ws["services"] if s["collected"] and not s["cell"]] == ["roma-nuovo"]
    latest = ws["per"]["periods"][-1]
    assert latest != "2026-09"
    html = markup.unescape(get(client, entity, f"/workspace/{ROMA}?freq=M&period=2026-09").get_data(as_text=True))
    note = re.search(r'<p class="small" data-note="no-answers">(.*?)</p>', html).group(1)
    assert "Servizi senza risposte nel periodo 2026-09 (N 0): 1." in note
    assert f"scegliendo il periodo {latest}" in note and "Verifica la mia pagina" in note
    en = markup.unescape(get(client, entity, f"/workspace/{ROMA}?freq=M&period=2026-09&lang=en").get_data(as_text=True))
    assert "Services without answers in the period 2026-09 (N 0): 1." in en and "Check my page" in en
    html = get(client, entity, f"/workspace/{ROMA}?freq=M&period={latest}").get_data(as_text=True)
    assert "scegliendo il periodo" not in html  # the latest period shown: nothing later to look at


def test_the_legend_explains_the_columns_the_workspace_shows_only(client, seeded):
    """The workspace's legend explained the rank interval, the EB estimate and the funnel position it shows,
    and also "Confronto (FDR)", a column it does not have."""
    html = get(client, seeded[1]["entity"], f"/workspace/{ROMA}").get_data(as_text=True)
    for shown in ("rank_interval", "eb_estimate", "flag"):
        assert f'data-legend="{shown}"' in html, shown
    assert 'data-legend="fdr"' not in html and "Confronto (FDR)" not in html
    assert 'data-legend="fdr"' in get(client, seeded[1]["admin"],
                                      "/service-types/anagrafe.certificati").get_data(as_text=True)


def test_a_mean_of_low_reliability_is_marked_as_every_other_value(client, seeded):
    """The services table marked a share of fewer than 30 answers «(bassa affidabilità)» and gave the mean
    of the same cell bare beside it (Milano's 24 answers: "41,7 (bassa affidabilità)" then "57,3"), where
    every other table of the console marks a mean by the cell's status (``_macros.value``/``cellfmt``).
    The mean carries the same marker, by the same rule (OBS_STATUS U), explained by the page's legend;
    a reliable cell's mean (Roma's) carries none."""
    admin = seeded[1]["admin"]
    marker = '<span class="st st-u" title="bassa affidabilità">(bassa affidabilità)</span>'
    for ipa, low in ((MILANO, True), (ROMA, False)):
        api = get(client, admin, f"/api/v1/indicators?by=service&period=2026-10&service={KEYS[ipa]}").json["rows"][0]
        assert (api["obs_status"] == "U") is low
        html = get(client, admin, f"/workspace/{ipa}?period=2026-10").get_data(as_text=True)
        row = html[html.index(f'<tr data-service="{KEYS[ipa]}">'):].split("</tr>")[0]
        share = re.search(r'<td data-col="share">(.*?)</td>', row).group(1)
        mean = re.search(r'<td data-col="mean">(.*?)</td>', row).group(1)
        assert re.match(r"[\d,]+ ", mean), mean
        assert (marker in share) is low and (marker in mean) is low, (ipa, mean)
        if low:  # after the number, before its interval, as the share's marker
            assert mean.index(marker) < mean.index('data-col="mean-ci"')
        assert "Legenda degli stati" in html and "bassa affidabilità: meno di 30 risposte" in html
