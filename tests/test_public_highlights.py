"""The quarter's key findings in words ("In sintesi" / "Highlights" / "Auf einen Blick", docs/public.md):
the national positive share with its published 95% interval, the change since the previous quarter
(warehouse.evaluation.share_change of the two published cells: "nessuna variazione rilevabile" when the
interval holds 0, no change when a cell is suppressed, the quarter is the first or the series breaks),
the service types that changed detectably (Benjamini–Hochberg over those compared) and a partial
quarter — from the releases only: every number of the section is a published one or a change of two.
Real publications over real Parquet; pinned to a December (2026-Q4 running)."""
from __future__ import annotations

import html as markup
import re
from datetime import datetime, timezone

import pytest

from settings import Settings
from tests.warehouse_rows import response, write
from warehouse.changes import noise_from_interval
from warehouse.dataset import Warehouse
from warehouse.evaluation import share_change
from warehouse.numbers import number, signed
from warehouse.protect import Protection
from warehouse.public.releases import Releases
from warehouse.publish import publish

pytestmark = pytest.mark.usefixtures("clock_december")

NOW = datetime(2026, 12, 2, 12, tzinfo=timezone.utc)
Q2, Q3 = ("2026-04", "2026-05", "2026-06"), ("2026-07", "2026-08", "2026-09")


def _rows(months, n, positive, **kw):
    """``n`` answers over ``months``, ``positive`` of them 4 or 5 (a positive judgement), the rest 1 or 2."""
    return [response(period=months[i % len(months)], satisfaction=(4 + i % 2) if i < positive else (1 + i % 2), **kw)
            for i in range(n)]


def _site(root, quarters):
    from warehouse.public import create_app

    settings = Settings(data_dir=root)
    with Warehouse(settings) as wh:
        for q in quarters:
            publish(wh.cursor(), q, settings.releases_path, Protection.from_settings(settings), now=NOW)
    return create_app(settings.with_(public_rate_limit="100000/minute")).test_client(), settings


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    """2026-Q2 holds June only (partial, the first released); from Q2 to Q3 registry certificates rise from
    a third to five in six positive, tax payments stay at half, hospital bookings have one answer in Q2
    (suppressed: not compared)."""
    root = tmp_path_factory.mktemp("highlights-moved")
    write(root, _rows(("2026-06",), 90, 30, service_type="anagrafe.certificati")
          + _rows(("2026-06",), 90, 45, service_type="tributi.pagamento")
          + _rows(("2026-06",), 1, 1, service_type="sanita.prenotazione", pa_type="L7", entity="asl_rm1")
          + _rows(Q3, 90, 75, service_type="anagrafe.certificati")
          + _rows(Q3, 90, 45, service_type="tributi.pagamento")
          + _rows(Q3, 40, 20, service_type="sanita.prenotazione", pa_type="L7", entity="asl_rm1"))
    return _site(root, ("2026-Q2", "2026-Q3"))


@pytest.fixture(scope="module")
def flat(tmp_path_factory):
    """2026-Q1: one answer (the national cell suppressed); Q2 and Q3: the same judgements."""
    root = tmp_path_factory.mktemp("highlights-flat")
    write(root, _rows(("2026-03",), 1, 1) + _rows(Q2, 60, 36) + _rows(Q3, 60, 36))
    return _site(root, ("2026-Q1", "2026-Q2", "2026-Q3"))


def section(page: str) -> str:
    """The visible words of the page's highlights section (one line per bullet)."""
    m = re.search(r'<section class="highlights"[^>]*>(.*?)</section>', page, re.S)
    assert m, "no highlights section"
    items = re.findall(r"<li>(.*?)</li>", m.group(1), re.S)
    return "\n".join(markup.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", i))).strip() for i in items)


def national(settings, quarter: str) -> dict:
    return next(c for c in Releases(settings.releases_path).get()[quarter].cells() if c["indicator"] == "SATISFACTION")


def _change(before: dict, now: dict):
    cells = [(round(c["top2"] * c["n"] / 100), c["n"], noise_from_interval(c["top2"], c["n"], c["top2_lower"],
                                                                        c["top2_upper"])) for c in (before, now)]
    (k0, n0, v0), (k1, n1, v1) = cells
    return share_change(k0, n0, k1, n1, noise_var0=v0, noise_var1=v1)


def test_the_section_gives_the_published_share_and_a_detectable_rise_with_its_sign(moved):
    site, settings = moved
    now, before = national(settings, "2026-Q3"), national(settings, "2026-Q2")
    change = _change(before, now)
    assert change.verdict == "improved" and change.ci[0] > 0  # the seeded rise is beyond noise
    text = section(site.get("/it/2026-Q3").get_data(as_text=True))
    assert (f"Soddisfazione: {number(now['top2'], 'it')}% di giudizi positivi (intervallo di confidenza al 95%: "
            f"{number(now['top2_lower'], 'it')}–{number(now['top2_upper'], 'it')}).") in text, text
    assert (f"Rispetto al trimestre precedente (2026-Q2): {signed(change.difference, 'it')} punti (intervallo di "
            f"confidenza al 95%: da {signed(change.ci[0], 'it')} a {signed(change.ci[1], 'it')}), in aumento.") in text
    # by service type: certificates rose, tax payments did not, hospital bookings had a suppressed cell
    types = next(line for line in text.splitlines() if line.startswith("Per tipo di servizio"))
    assert "variazione rilevabile" in types and "Certificati anagrafici" in types, types
    assert "tipi di servizio confrontati: 2" in types and "Pagamento" not in types and "Prenotazione" not in types
    assert re.search(r"Certificati anagrafici \+\d+,\d punti", types)
    assert len(text.splitlines()) <= 6


def test_the_first_and_partial_quarter_says_there_is_no_previous_one(moved):
    site, _settings = moved
    text = section(site.get("/it/2026-Q2").get_data(as_text=True))
    assert "Nessun confronto con il trimestre precedente: è il primo trimestre pubblicato." in text
    assert "Il trimestre contiene risposte solo dei mesi 2026-06" in text
    assert "Per tipo di servizio" not in text  # nothing to compare: said once, in the headline
    en = section(site.get("/en/2026-Q2").get_data(as_text=True))
    assert "this is the first quarter released" in en and "months 2026-06 only" in en


@pytest.mark.parametrize("lang, heading, words", [
    ("en", "Highlights", ("Satisfaction: ", "% positive judgements (95% confidence interval: ", "an increase",
                          "By service type (Satisfaction), a detectable change")),
    ("de", "Auf einen Blick", ("Zufriedenheit: ", " % positive Bewertungen (95-%-Konfidenzintervall: ", "ein Anstieg",
                               "Nach Art des Dienstes (Zufriedenheit), nachweisbare Veränderung"))])
def test_the_english_and_german_pages_have_the_section(moved, lang, heading, words):
    site, settings = moved
    page = site.get(f"/{lang}/2026-Q3").get_data(as_text=True)
    assert f">{heading}</h2>" in page
    text = section(page)
    assert all(w in text for w in words), text
    assert number(national(settings, "2026-Q3")["top2"], lang) in text
    home = site.get(f"/{lang}/").get_data(as_text=True)  # the home page opens the latest quarter with it
    assert f">{heading}</h3>" in home and section(home) == text


def test_an_undetectable_change_and_a_suppressed_cell(flat):
    site, settings = flat
    assert national(settings, "2026-Q1")["conf_status"] == "A"  # one answer: suppressed
    q3 = section(site.get("/it/2026-Q3").get_data(as_text=True))
    assert "), nessuna variazione rilevabile." in q3, q3
    assert _change(national(settings, "2026-Q2"), national(settings, "2026-Q3")).verdict == "no detectable change"
    assert "Per tipo di servizio (Soddisfazione): nessuna variazione rilevabile rispetto al trimestre precedente " \
           "(tipi di servizio confrontati: 1)." in q3
    q2 = section(site.get("/it/2026-Q2").get_data(as_text=True))
    assert ("Nessun confronto con il trimestre precedente (2026-Q1): il valore di uno dei due trimestri è oscurato "
            "perché le risposte sono troppo poche.") in q2
    assert "punti" not in q2.splitlines()[0]
    assert "nessun confronto con il trimestre precedente, perché nessun tipo ha valori pubblicati" in q2
    en = section(site.get("/en/2026-Q3").get_data(as_text=True))
    assert "no detectable change" in en


def _allowed(settings, lang: str) -> set[str]:
    """Every number the section may say: a published cell's share or bound, or a change between two
    published cells of the same cut (its difference and bounds) — as the page writes them."""
    rel = Releases(settings.releases_path).get()
    out = set()
    cut = {}
    for q, r in rel.items():
        for pa in [None, *r.values("pa_type")]:
            for st in [None, *r.values("service_type")]:
                kw = {k: v for k, v in (("pa_type", pa), ("service_type", st)) if v}
                for c in r.cells(**kw):
                    if c.get("top2") is not None:
                        out |= {number(c[k], lang) for k in ("top2", "top2_lower", "top2_upper")}
                        cut[(q, pa, st, c["indicator"])] = c
    for (q, pa, st, ind), now in cut.items():
        for (q0, pa0, st0, ind0), before in cut.items():
            if (pa0, st0, ind0) == (pa, st, ind) and q0 < q:
                ch = _change(before, now)
                out |= {signed(v, lang) for v in (ch.difference, *ch.ci)}
    return out


@pytest.mark.parametrize("lang", ["it", "en", "de"])
def test_every_number_of_the_section_is_published_or_a_change_of_two_published(moved, flat, lang):
    for site, settings in (moved, flat):
        allowed = _allowed(settings, lang)
        for q in ("2026-Q2", "2026-Q3"):
            text = section(site.get(f"/{lang}/{q}").get_data(as_text=True))
            text = re.sub(r"\d{4}-(Q\d|\d{2})", "", text).replace("95-%", "").replace("95%", "")
            text = re.sub(r"(confrontati|compared|Diensten): \d+", "", text)
            found = re.findall(r"[+-]?\d+(?:[.,]\d+)?", text)
            assert found and all(f in allowed for f in found), (q, [f for f in found if f not in allowed], text)


def test_the_json_gives_the_same_findings(moved):
    site, settings = moved
    data = site.get("/data/2026-Q3.json").get_json()
    h, now = data["highlights"], national(settings, "2026-Q3")
    assert h["previous"] == "2026-Q2" and h["previous_released"] and h["partial_months"] is None
    first = h["national"][0]
    assert first["indicator"] == "SATISFACTION" and first["no_change_reason"] is None
    assert (first["share"], first["lower"], first["upper"], first["n"]) == (now["top2"], now["top2_lower"],
                                                                           now["top2_upper"], now["n"])
    change = _change(national(settings, "2026-Q2"), now)
    assert first["change"]["verdict"] == "improved"
    assert first["change"]["difference"] == pytest.approx(change.difference)
    assert first["change"]["ci"] == pytest.approx(list(change.ci))
    st = h["service_types"]
    assert st["indicator"] == "SATISFACTION" and st["compared"] == 2
    assert [c["service_type"] for c in st["changed"]] == ["anagrafe.certificati"] and st["changed"][0]["q_value"] < 0.05
    assert set(h["text"]) == {"it", "en", "de"} and h["text"]["it"][0].startswith("Soddisfazione: ")
    assert "Certificati anagrafici" in h["text"]["it"][1]
    q2 = site.get("/data/2026-Q2.json").get_json()["highlights"]
    assert q2["national"][0]["no_change_reason"] == "first" and q2["national"][0]["change"] is None
    assert q2["partial_months"] == ["2026-06"] and q2["service_types"] is None


def test_a_break_in_series_gives_no_change(tmp_path, monkeypatch):
    from warehouse import cube

    # cx-core v2 declares a break for satisfaction (the standard has none yet: the cube reads it from here)
    monkeypatch.setattr(cube, "_break_versions", lambda ind: [("cx-core", 2)] if ind == "satisfaction" else [])
    write(tmp_path, _rows(Q2, 60, 20) + _rows(Q3, 60, 50, version=2))
    site, settings = _site(tmp_path, ("2026-Q2", "2026-Q3"))
    assert national(settings, "2026-Q3")["obs_status"] == "B"
    text = section(site.get("/it/2026-Q3").get_data(as_text=True))
    assert ("Nessun confronto con il trimestre precedente (2026-Q2): la serie è interrotta perché è cambiata la "
            "versione del questionario.") in text, text
    assert "in aumento" not in text
    assert site.get("/data/2026-Q3.json").get_json()["highlights"]["national"][0]["no_change_reason"] == "break"


def test_the_change_is_the_consoles_change_since_the_previous_period(moved):
    # the release has no perturbation variance; the one its published interval implies is the cube's, so
    # the site's change is the console's "change since the previous period" of the same two cells
    from warehouse import cube
    from warehouse.changes import change_since

    site, settings = moved
    with Warehouse(settings) as wh:
        df = cube.table(wh.cursor(), cube.Cut(indicator="satisfaction", freq="Q"), Protection.from_settings(settings),
                        noise=True)
    cells = {r["period"]: {"share": r["top2"], "n": r["n"], "share_noise_var": r["top2_noise_var"]}
             for r in df.to_dict("records")}
    for r in df.to_dict("records"):
        published = national(settings, r["period"])
        assert noise_from_interval(published["top2"], published["n"], published["top2_lower"],
                                   published["top2_upper"]) == pytest.approx(r["top2_noise_var"], rel=1e-3)
    console = change_since(cells["2026-Q2"], cells["2026-Q3"], "2026-Q2")
    public = site.get("/data/2026-Q3.json").get_json()["highlights"]["national"][0]["change"]
    assert public["verdict"] == console["verdict"]
    assert public["difference"] == pytest.approx(console["difference"], abs=1e-6)
    assert public["ci"] == pytest.approx(console["ci"], abs=1e-3)


def test_the_noise_a_published_interval_implies_is_the_one_it_was_made_with():
    from warehouse import stats

    for k, n, v in ((70, 100, 4e-4), (7, 10, 0.01), (300, 400, 1e-5), (0, 5, 0.02), (5, 5, 0.01), (40, 100, 0.0)):
        share, lo, hi = (round(float(x), 4) for x in stats.positive_share(k, n, noise_var=v))
        assert noise_from_interval(share, n, lo, hi) == pytest.approx(v, rel=1e-3, abs=1e-7)


def test_a_quarter_not_released_before_and_then_one_of_few_answers(tmp_path):
    from warehouse.public import create_app

    write(tmp_path, _rows(("2026-03",), 60, 30) + _rows(("2026-06",), 10, 5) + _rows(Q3, 60, 30))
    site, settings = _site(tmp_path, ("2026-Q1", "2026-Q3"))
    text = section(site.get("/it/2026-Q3").get_data(as_text=True))
    assert "Nessun confronto con il trimestre precedente: il trimestre 2026-Q2 non è pubblicato." in text, text
    assert "Per tipo di servizio" not in text
    with Warehouse(settings) as wh:  # 2026-Q2 released later, with ten answers: status U (fewer than 30)
        publish(wh.cursor(), "2026-Q2", settings.releases_path, Protection.from_settings(settings), now=NOW)
    assert national(settings, "2026-Q2")["obs_status"] == "U"
    site = create_app(settings.with_(public_rate_limit="100000/minute")).test_client()
    text = section(site.get("/de/2026-Q3").get_data(as_text=True))
    assert ("Kein Vergleich mit dem Vorquartal (2026-Q2): Der Wert eines der beiden Quartale beruht auf weniger als "
            f"{Protection.from_settings(settings).low_n} Antworten.") in text, text
    assert site.get("/data/2026-Q3.json").get_json()["highlights"]["national"][0]["no_change_reason"] == "low_n"


def test_a_service_types_page_opens_with_its_latest_quarters_findings(moved):
    """Registry certificates' page: its own published share of 2026-Q3 and its own change from 2026-Q2 (the same
    two cells the quarter's card judged), no card of service types; hospital bookings, whose Q2 cell is
    suppressed, says why there is no change."""
    site, settings = moved
    rel = Releases(settings.releases_path).get()

    def cell(q, t):
        return next(c for c in rel[q].cells(service_type=t) if c["indicator"] == "SATISFACTION")

    now, before = cell("2026-Q3", "anagrafe.certificati"), cell("2026-Q2", "anagrafe.certificati")
    change = _change(before, now)
    page = site.get("/it/service-types/anagrafe.certificati").get_data(as_text=True)
    assert '>Ultimo trimestre: <a href="/it/2026-Q3">2026-Q3</a></h2>' in page
    text = section(page)
    assert f"Soddisfazione: {number(now['top2'], 'it')}% di giudizi positivi" in text, text
    assert f"{signed(change.difference, 'it')} punti" in text and "in aumento" in text, text
    assert "Per tipo di servizio" not in text
    booking = section(site.get("/it/service-types/sanita.prenotazione").get_data(as_text=True))
    assert "il valore di uno dei due trimestri è oscurato" in booking, booking
    assert ">Latest quarter: <" in site.get("/en/service-types/anagrafe.certificati").get_data(as_text=True)


def test_a_comparable_cell_without_a_published_interval_is_compared_without_its_noise():
    """A release cell with a share and an n but no bounds (an older release's file, a column left empty) is
    compared as before the one rule moved: no perturbation variance, not an error on the quarter's page."""
    from warehouse.public.highlights import compare

    cell = {"top2": 60.0, "n": 200, "conf_status": "F", "obs_status": "A"}
    before = {**cell, "top2": 40.0, "top2_lower": None, "top2_upper": None}
    change, reason = compare(cell, before, "2026-Q2")
    assert reason is None and change["difference"] == pytest.approx(20.0)
