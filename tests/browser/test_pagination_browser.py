"""Paged lists in a real browser: no axe-core violation on a middle page (both ellipses shown),
on a phone and a desktop, and the next page is reached with the keyboard alone, with and without
JavaScript."""

import functools
import http.server
import threading

import pytest
from axe_playwright_python.sync_playwright import Axe

from bantin.build import build
from tests.browser.conftest import StaticSiteHandler
from tests.browser.test_theme_browser import AXE_TAGS, DESKTOP, PHONE
from tests.conftest import SETTINGS_FILE

MIDDLE = "trang/5/"  # the home page, one article a page: 9 pages of the sample site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def paged_url(tmp_path_factory):
    """The sample site with one article a page, served on a free port of 127.0.0.1."""
    output = tmp_path_factory.mktemp("paged") / "output"
    build(SETTINGS_FILE, output=output, strict=True, overrides={"DEFAULT_PAGINATION": 1})
    handler = functools.partial(StaticSiteHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def open_paged(browser, paged_url):
    contexts = []

    def open_(path: str, width: int = DESKTOP, javascript: bool = True):
        context = browser.new_context(viewport={"width": width, "height": 800},
                                      java_script_enabled=javascript)
        contexts.append(context)
        browser_page = context.new_page()
        browser_page.goto(paged_url + path)
        return browser_page

    yield open_
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_axe_finds_no_violations_on_a_middle_page(open_paged, width):
    browser_page = open_paged(MIDDLE, width=width)
    assert browser_page.locator(".bt-pagination__item--ellipsis").count() == 2
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(browser_page, options=options)
    assert results.violations_count == 0, results.generate_report()


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
