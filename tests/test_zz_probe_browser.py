import time, json
from playwright.sync_api import expect
from tests.browser import BROWSER, CITIZEN_UA
from tests.test_widget_browser import SERVICE, stack  # noqa
from tests.test_citizen_kiosk_browser import wcag_violations

pytestmark = BROWSER
OVER = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth, [...document.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.tagName + '.' + e.className).slice(0,8)]"

def test_probe(stack, browser):
    from axe_playwright_python.sync_playwright import Axe
    for width in (320, 256):
        for lang in ("it", "de"):
            ctx = browser.new_context(java_script_enabled=False, user_agent=CITIZEN_UA, viewport={"width": width, "height": 640})
            page = ctx.new_page()
            page.goto(f"{stack.collector}/v1/services/{SERVICE}/form?lang={lang}")
            print("form", width, lang, page.evaluate(OVER))
            page.goto(f"{stack.collector}/v1/services/{SERVICE}/form/thanks?lang={lang}")
            print("thanks", width, lang, page.evaluate(OVER))
            ctx.close()
        for path in ("/inline.html", "/de.html", "/floating.html"):
            ctx = browser.new_context(user_agent=CITIZEN_UA, viewport={"width": width, "height": 640})
            page = ctx.new_page()
            page.goto(f"{stack.site}{path}")
            page.get_by_role("button").first.wait_for(timeout=10000)
            time.sleep(0.5)
            if "floating" in path:
                page.get_by_role("button").first.click()
                time.sleep(0.5)
            print("widget", width, path, page.evaluate(OVER))
            print(wcag_violations(Axe().run(page)))
            page.screenshot(path=f"/tmp/citizen/w{width}{path.replace('/','-')}.png")
            ctx.close()
