"""The hosted no-JS form in a real browser (Debian chromium via Playwright), as a citizen meets it.

- After the thank-you page the browser's Back button returns to the form, and Chrome refills the
  answers sent; pressing Send again must not store a second response from the same person. Changing
  an answer before sending again is not thanked as if recorded: the page says the first answers count.
- The comment's limit is in characters as the collector counts them (code points), not in the
  browser's UTF-16 units: an emoji-rich comment is not stopped short of the stated limit.
"""
from __future__ import annotations

import json
import time
from contextlib import contextmanager

from playwright.sync_api import expect

from tests.browser import BROWSER, CITIZEN_UA
from tests.test_widget_browser import SERVICE, stack  # noqa: F401

pytestmark = BROWSER


def _responses(stack, sid: str) -> int:  # noqa: F811
    from warehouse.dataset import open_dataset

    with open_dataset(stack.settings.data_dir) as con:
        return con.execute("SELECT count(*) FROM responses WHERE submission_id = ?", [sid]).fetchone()[0]


@contextmanager
def _citizen(browser, locale: str = "it-IT", **options):
    """A page of a citizen's browser without JavaScript (whom the hosted form is for), closed afterwards."""
    context = browser.new_context(java_script_enabled=False, locale=locale, user_agent=CITIZEN_UA, **options)
    try:
        yield context.new_page()
    finally:
        context.close()


def _open_form(page, url: str) -> tuple[str, float]:
    """Open the form at ``url``: its ``submission_id`` and when it was opened (:func:`_send_after_a_persons_pause`)."""
    page.goto(url)
    return _sid(page), time.monotonic()


def _sid(page) -> str:
    return page.locator("input[name=submission_id]").get_attribute("value")


def _answer_required(page, overall: str = "Complessivamente", yes: str = "Sì") -> None:
    """The two required answers: 4 for the overall satisfaction, yes to the task done."""
    page.get_by_role("group", name=overall).get_by_role("radio", name="4").check()
    page.get_by_role("radio", name=yes).check()


def _send_after_a_persons_pause(page, opened: float, send: str = "Invia") -> None:
    """Send once the form has been open longer than a person needs (the collector refuses a form sent
    within 1.5 s of opening as automated)."""
    time.sleep(max(0.0, 1.7 - (time.monotonic() - opened)))
    page.get_by_role("button", name=send).click()


def test_going_back_after_the_thanks_and_sending_again_counts_once(stack, browser):  # noqa: F811
    with _citizen(browser) as page:
        sid, opened = _open_form(page, f"{stack.collector}/v1/services/{SERVICE}/form?lang=it&page=/back.html")
        _answer_required(page)
        page.get_by_role("textbox").fill("Tutto bene")
        _send_after_a_persons_pause(page, opened)
        expect(page.get_by_role("heading", name="Grazie!")).to_be_visible()

        page.go_back()  # Chrome refills the answers sent...
        expect(page.get_by_role("button", name="Invia")).to_be_visible()
        expect(page.get_by_role("group", name="Complessivamente").get_by_role("radio", name="4")).to_be_checked()
        expect(page.get_by_role("textbox")).to_have_value("Tutto bene")
        # ...and the form carries the submission id they were sent with: sending them again is a duplicate
        assert _sid(page) == sid
        page.get_by_role("button", name="Invia").click()
        expect(page.get_by_role("heading", name="Grazie!")).to_be_visible()
    stack.wait_row(sid)
    time.sleep(1.5)  # the processor's batches are 0.3 s: a second response would be there by now
    assert _responses(stack, sid) == 1


def test_going_back_changing_an_answer_and_sending_again_says_the_first_answers_count(stack, browser):  # noqa: F811
    with _citizen(browser) as page:
        sid, opened = _open_form(page, f"{stack.collector}/v1/services/{SERVICE}/form?lang=it&page=/back.html")
        _answer_required(page)
        _send_after_a_persons_pause(page, opened)
        expect(page.get_by_role("heading", name="Grazie!")).to_be_visible()

        page.go_back()
        overall = page.get_by_role("group", name="Complessivamente")
        expect(overall.get_by_role("radio", name="4")).to_be_checked()
        overall.get_by_role("radio", name="2").check()  # second thoughts
        page.get_by_role("button", name="Invia").click()
        # not "Grazie! La tua risposta è stata registrata.": the change is not what is counted
        expect(page.get_by_role("heading", name="Questionario già inviato")).to_be_visible()
        expect(page.get_by_text("restano registrate le risposte del primo invio")).to_be_visible()
        expect(page.get_by_text("Le modifiche fatte dopo non sono state registrate", exact=False)).to_be_visible()
        assert page.title().startswith("Errore: ")
    row = stack.wait_row(sid)
    assert json.loads(dict(row["answers"])["satisfaction"]) == 4  # the first answers: the ones counted
    time.sleep(1.5)  # the processor's batches are 0.3 s: a second response would be there by now
    assert _responses(stack, sid) == 1


def test_an_emoji_rich_comment_reaches_the_stated_limit_and_the_rest_is_said_in_characters(stack, browser):  # noqa: F811
    with _citizen(browser) as page:
        _, opened = _open_form(page, f"{stack.collector}/v1/services/{SERVICE}/form?lang=it")
        expect(page.get_by_text("Al massimo 500 caratteri.")).to_be_visible()
        box = page.get_by_role("textbox")
        box.focus()
        page.keyboard.insert_text("😀" * 450)  # typed: 900 UTF-16 units, 450 characters
        assert len(box.input_value()) == 450  # not stopped at 250 emoji (500 units)
        # sent with a required answer missing, the form comes back saying what is left, in characters
        page.get_by_role("radio", name="Sì").check()
        _send_after_a_persons_pause(page, opened)
        expect(page.get_by_text("Caratteri disponibili: 50 su 500.")).to_be_visible()
        box.press("End")
        page.keyboard.insert_text("ok" * 30)  # 510 characters (960 units): over the limit, not cut
        assert len(box.input_value()) == 510
        _answer_required(page)
        page.get_by_role("button", name="Invia").click()
        expect(page.locator("#q-comment-err")).to_have_text(
            "Il testo può contenere al massimo 500 caratteri: ne ha 510, accorcialo di 10.")
        assert len(box.input_value()) == 510  # the text kept, to be shortened
        box.press("End")
        for _ in range(10):
            box.press("Backspace")
        page.get_by_role("button", name="Invia").click()
        expect(page.get_by_role("heading", name="Grazie!")).to_be_visible()


def test_accents_pasted_decomposed_count_as_the_characters_the_citizen_sees(stack, browser):  # noqa: F811
    """A comment pasted from a PDF or a macOS file name carries "è" as "e" + U+0300: the form said
    "at most 500 characters" and refused 300 of them as 600 ("ne ha 600"). The collector counts the
    NFC form, one character per letter the citizen sees."""
    with _citizen(browser) as page:
        sid, opened = _open_form(page, f"{stack.collector}/v1/services/{SERVICE}/form?lang=it")
        box = page.get_by_role("textbox")
        box.focus()
        page.keyboard.insert_text("e\u0300" * 300)  # 300 letters "è", 600 code points as pasted
        page.get_by_role("radio", name="Sì").check()  # a required answer missing: the form comes back
        _send_after_a_persons_pause(page, opened)
        expect(page.get_by_text("Caratteri disponibili: 200 su 500.")).to_be_visible()
        _answer_required(page)
        page.get_by_role("button", name="Invia").click()
        expect(page.get_by_role("heading", name="Grazie!")).to_be_visible()
    stack.wait_row(sid)


def test_going_back_after_a_corrected_refusal_shows_the_form_not_a_resubmission_error(stack, browser):  # noqa: F811
    """A citizen who forgot a required answer, answered it, sent, and pressed Back met Chrome's
    "Confirm Form Resubmission" (ERR_CACHE_MISS: the refused form's page was no-store). Back shows that
    page again with the answers, and sending them again is the same submission, thanked once."""
    with _citizen(browser) as page:
        sid, opened = _open_form(page, f"{stack.collector}/v1/services/{SERVICE}/form?lang=it")
        page.get_by_role("radio", name="Sì").check()
        _send_after_a_persons_pause(page, opened)  # "Complessivamente" missing
        expect(page.get_by_role("heading", name="Controlla le risposte")).to_be_visible()
        _answer_required(page)
        page.get_by_role("button", name="Invia").click()
        expect(page.get_by_role("heading", name="Grazie!")).to_be_visible()

        page.go_back()  # raised net::ERR_CACHE_MISS
        overall = page.get_by_role("group", name="Complessivamente")
        expect(overall.get_by_role("radio", name="4")).to_be_checked()
        assert _sid(page) == sid
        page.get_by_role("button", name="Invia").click()
        expect(page.get_by_role("heading", name="Grazie!")).to_be_visible()
    stack.wait_row(sid)
    time.sleep(1.5)
    assert _responses(stack, sid) == 1


def test_a_german_speaker_sent_the_italian_link_switches_the_form_to_german(stack, browser):  # noqa: F811
    """A link sent by SMS or e-mail carries one language (``lang=it`` by default, registry.snippet):
    a German speaker (Alto Adige) had the questionnaire in Italian and no way to change it. The form
    links to its questionnaire's other languages, each named in itself, keeping the way back."""
    with _citizen(browser, locale="de-DE") as page:
        page.goto(f"{stack.site}/inline.html")  # the PA's page: the Referer the way back is taken from
        page.goto(f"{stack.collector}/v1/services/{SERVICE}/form?lang=it&page=/inline.html", referer=f"{stack.site}/inline.html")
        languages = page.get_by_role("navigation", name="Altre lingue")
        expect(languages.get_by_role("link")).to_have_count(4)  # not Italiano: the page is in it
        link = languages.get_by_role("link", name="Deutsch")
        assert link.get_attribute("lang") == "de"  # spoken as German by a screen reader reading Italian
        link.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Ihre Meinung zum Dienst")
        assert page.locator("html").get_attribute("lang") == "de"
        expect(page.get_by_role("navigation", name="Andere Sprachen").get_by_role("link", name="Italiano")).to_be_visible()
        opened = time.monotonic()
        _answer_required(page, overall="Wie zufrieden sind Sie insgesamt", yes="Ja")
        _send_after_a_persons_pause(page, opened, send="Senden")
        expect(page.get_by_role("heading", name="Danke!")).to_be_visible()
        expect(page.get_by_role("link", name="Zurück zur Seite, von der Sie gekommen sind")).to_have_attribute(
            "href", f"{stack.site}/inline.html")


def test_on_a_phone_at_200_percent_zoom_no_word_runs_past_the_screen(stack, browser):  # noqa: F811
    """A 360 px phone at 200% zoom is 180 CSS px wide: "Meldebescheinigungen" in the header and
    "soddisfatto/a" in a question ran past the right edge, and the page scrolled sideways."""
    with _citizen(browser, viewport={"width": 180, "height": 640}) as page:
        for lang in ("it", "de"):
            for path in (f"form?lang={lang}", f"form/thanks?lang={lang}"):
                page.goto(f"{stack.collector}/v1/services/{SERVICE}/{path}")
                assert page.evaluate("document.documentElement.scrollWidth") <= 180, path


def test_a_form_filler_that_fills_the_hidden_field_is_told_what_to_do(stack, browser):  # noqa: F811
    """A form-filling extension fills every text field, the hidden one that catches robots too: the
    citizen read "Lascia vuoto il campo nascosto" about a field they cannot see. The page says what
    happened and what they can do; the answers are kept and, the field left empty, the form is taken."""
    with _citizen(browser) as page:
        _, opened = _open_form(page, f"{stack.collector}/v1/services/{SERVICE}/form?lang=it")
        _answer_required(page)
        page.locator("#asc-hp").fill("Mario Rossi", force=True)  # what the extension does
        _send_after_a_persons_pause(page, opened)
        summary = page.get_by_role("alert")
        expect(summary).to_contain_text("un campo nascosto risulta compilato")
        expect(summary).to_contain_text("Se usi un'estensione che compila i moduli da sola, disattivala per questa pagina")
        expect(summary).not_to_contain_text("Lascia vuoto il campo nascosto")
        expect(page.get_by_role("radio", name="Sì")).to_be_checked()
        page.get_by_role("button", name="Invia").click()
        expect(page.get_by_role("heading", name="Grazie!")).to_be_visible()
