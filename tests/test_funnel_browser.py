"""Sampling and response rates through the running stack (issue 14 §5), in Debian chromium.

The widget on a PA page (the stack of ``tests/test_channels_browser.py``: collector, processor,
broker), the funnel counts it reports, the processor's ``funnel`` dataset and the warehouse's
published rates: N questionnaires shown and M answered give a response rate of M/N; a service
with ``sampling_rate=0.5`` invites about half of 1,000 page views.
"""
from __future__ import annotations

from scipy.stats import binom

from tests.browser import BROWSER, CITIZEN_UA
from tests.channel_support import DESK_SERVICE
from tests.conftest import month_ended, wait_for
from tests.test_channels_browser import SAMPLED_SERVICE, browser, stack  # noqa: F401 (module fixtures)

pytestmark = BROWSER


def _cells(stack, service: str):
    """The service's true funnel counts and its rates (exact and published), once the month of the views
    made now has ended: a period's figures are published once it has ended (conftest.month_ended)."""
    from warehouse.protect import Protection
    from warehouse.response_rates import funnel_cells, rates

    with month_ended():
        true = funnel_cells(stack.settings.data_dir, ("service",), {"service": service})
        return true, rates(stack.settings.data_dir, Protection(enabled=False), ("service",), {"service": service}), \
            rates(stack.settings.data_dir, Protection(), ("service",), {"service": service})


def test_n_shown_and_m_answered_give_a_response_rate_of_m_over_n(stack, browser):  # noqa: F811
    context = browser.new_context(locale="it-IT", user_agent=CITIZEN_UA)  # answers counted in item non-response
    page = context.new_page()
    # N = 9 shown, 7 started, M = 6: M's perturbed count (±2) stays above the threshold whatever the random
    # submission ids make the cell key (with M = 4 it fell to 2 in some runs, and the cell was suppressed)
    plan = ["answer", "answer", "start", "answer", "look", "answer", "look", "answer", "answer"]
    for visit, what in enumerate(plan):
        # each a new visit (its own address): a reload of a page whose answer was sent shows the thanks
        # and asks nothing (the widget notes "sent" in the page's history entry)
        page.goto(f"{stack.site}/?s={DESK_SERVICE}&visit={visit}")
        page.get_by_role("radio", name="Soddisfatto/a", exact=True).wait_for()
        if what in ("answer", "start"):
            page.get_by_role("radio", name="Insoddisfatto/a", exact=True).check()
        if what == "answer":
            page.get_by_role("button", name="Invia").click()
            page.get_by_text("Grazie! La tua risposta è stata registrata.").wait_for()
    page.goto("about:blank")  # the last view reports when it is left, as every other
    context.close()
    n, m = plan.count("answer") + plan.count("start") + plan.count("look"), plan.count("answer")
    wait_for(lambda: (lambda t: len(t) > 0 and t.iloc[0]["impressions"] == n)(_cells(stack, DESK_SERVICE)[0]),
             timeout_s=30, message="the funnel counts in the dataset")
    true, exact, protected = _cells(stack, DESK_SERVICE)
    row = true.iloc[0]
    assert (row["impressions"], row["starts"], row["submissions"]) == (n, m + 1, m)
    assert exact.iloc[0]["response_rate"] == 100 * m / n
    assert exact.iloc[0]["break_off"] == 100 * 1 / (m + 1)
    p = protected.iloc[0]  # published: perturbed by at most D per count, never the exact counts on demand
    assert abs(p["impressions"] - n) <= 2 and abs(p["submissions"] - m) <= 2 and p["conf_status"] == "F"

    # the console's quality page shows them (through protect.py; exact here with the protection off)
    from tests.console_auth import token
    from warehouse.console import create_app

    console = create_app(stack.settings.with_(ckm_enabled=False)).test_client()
    console.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token(stack.settings, 'monitoring')}"
    running = console.get(f"/quality/response-rates?service={DESK_SERVICE}").get_data(as_text=True)
    assert f'data-col="impressions">{n}</td>' not in running  # this month: published once it has ended
    with month_ended():
        html = console.get(f"/quality/response-rates?service={DESK_SERVICE}").get_data(as_text=True)
        quality = console.get("/quality").get_data(as_text=True)
    assert (f'data-col="impressions">{n}</td><td data-col="starts">{m + 1}</td><td data-col="submissions">{m}</td>'
            f'<td data-col="response_rate">{100 * m / n:.1f}</td>'.replace(".", ",")) in html  # Italian
    # item non-response of the faces question, named as respondents read it (its code beside it)
    assert '· face)</span></th><td data-col="applicable">' in html
    assert quality.count("/quality/response-rates") == 1


def test_sampling_rate_one_half_invites_about_half_of_1000_page_views(stack, browser):  # noqa: F811
    """Each page view runs the widget once: here 1,000 runs of the one-tag snippet (the script element
    inserted anew, as a page load does), each drawing once; their decisions are counted. One after the
    other, forgetting the service between runs as a new page would: on one page a second tag for the
    same service is ignored."""
    context = browser.new_context(locale="it-IT")
    page = context.new_page()
    page.goto(f"{stack.site}/?s=no-widget-here")  # a page of the site (its own snippet names no service)
    views = 1000
    invited = page.evaluate("""([base, service, views]) => new Promise(done => {
        let seen = 0, invited = 0;
        const box = document.createElement('div');
        box.id = 'views'; box.hidden = true; document.body.appendChild(box);
        const view = () => {
          delete (window.ascoltoServices || {})[service];  // a new page view: a new window
          const s = document.createElement('script');
          s.src = base + '/widget.js'; s.dataset.service = service; s.dataset.target = '#views';
          box.appendChild(s);
        };
        document.addEventListener('ascolto:sampled', e => {
          if (e.detail.service !== service) return;
          seen++; invited += e.detail.invited ? 1 : 0;
          if (seen === views) done(invited); else view();
        });
        view();
      })""", [stack.collector, SAMPLED_SERVICE, views])
    context.close()
    lo, hi = binom.ppf(0.0005, views, 0.5), binom.ppf(0.9995, views, 0.5)  # 99.9% binomial bounds
    assert lo <= invited <= hi, invited
    assert 0 < invited < views
