"""The language switcher in a real browser: reached by keyboard, it leads to the same article in
the other language and back."""

import pytest

from conftest import CONFERENCE_REPORT_URL

pytestmark = pytest.mark.browser


def test_keyboard_user_switches_language_and_back(open_page, base_url):
    browser_page = open_page(CONFERENCE_REPORT_URL)
    english = browser_page.locator("nav.bt-language a[hreflang='en']")
    english.focus()
    browser_page.keyboard.press("Enter")
    browser_page.wait_for_url(base_url + "/en/news/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/")
    assert browser_page.locator("html").get_attribute("lang") == "en"
    assert browser_page.locator("nav.bt-language [aria-current]").inner_text() == "English"

    browser_page.locator("nav.bt-language a[hreflang='vi']").click()
    browser_page.wait_for_url(base_url + "/" + CONFERENCE_REPORT_URL)
    assert browser_page.locator("nav.bt-language [aria-current]").inner_text() == "Tiếng Việt"


def test_switcher_stays_usable_on_a_phone(open_page):
    browser_page = open_page("en/", width=360)
    link = browser_page.locator("nav.bt-language a[hreflang='vi']")
    assert link.is_visible()
    box = link.bounding_box()
    assert box["height"] >= 24 and box["width"] >= 24, "target smaller than WCAG 2.2 minimum"
