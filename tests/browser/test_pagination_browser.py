"""Paged lists in a real browser: no axe-core violation on a middle page (both ellipses shown),
on a phone and a desktop, and the next page is reached with the keyboard alone, with and without
JavaScript."""

import pytest

from bantin.build import build
from browser.conftest import DESKTOP, PHONE, assert_accessible, page_opener, serving
from conftest import SETTINGS_FILE

MIDDLE = "trang/5/"  # the home page, one article a page: 9 pages of the sample site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def paged_url(tmp_path_factory):
    """The sample site with one article a page, served on a free port of 127.0.0.1."""
    output = tmp_path_factory.mktemp("paged") / "output"
    build(SETTINGS_FILE, output=output, strict=True, overrides={"DEFAULT_PAGINATION": 1})
    with serving(output) as url:
        yield f"{url}/"


@pytest.fixture
def open_paged(browser, paged_url):
    """open_paged(path, width, javascript): open_page on the paged site."""
    with page_opener(browser, paged_url) as open_:
        yield open_


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_axe_finds_no_violations_on_a_middle_page(open_paged, width):
    browser_page = open_paged(MIDDLE, width=width)
    assert browser_page.locator(".bt-pagination__item--ellipsis").count() == 2
    assert_accessible(browser_page)


@pytest.mark.parametrize("javascript", [True, False])
def test_keyboard_reaches_and_follows_the_next_page_link(open_paged, paged_url, javascript):
    browser_page = open_paged(MIDDLE, javascript=javascript)
    for _ in range(200):
        browser_page.keyboard.press("Tab")
        rel = browser_page.evaluate("() => document.activeElement.getAttribute('rel')")
        if rel == "next":
            break
    else:
        pytest.fail("Tab never reached the next page link")
    browser_page.keyboard.press("Enter")
    browser_page.wait_for_url(paged_url + "trang/6/")
    current = browser_page.locator("nav.bt-pagination [aria-current=page]")
    assert current.inner_text().strip() == "6"
