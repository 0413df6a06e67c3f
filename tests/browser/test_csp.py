"""The site works under its own Content-Security-Policy: Chromium reports no violation on any kind
of page, script runs (the menu, search with its WebAssembly), and the policy is the settings' one."""

import pytest

pytestmark = pytest.mark.browser

PAGES = [
    "",
    "linh-vuc/doan-thanh-nien/",
    "tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/",
    "luu-tru/",
    "tim-kiem/",
    "khong-co-trang-nay/",
    "en/",
]


@pytest.fixture
def watched_page(browser, base_url):
    """A page that records CSP violations and console errors from before the first request."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    browser_page = context.new_page()
    problems = []
    browser_page.on("console", lambda message: message.type in ("error", "warning")
                    and problems.append(message.text))
    browser_page.on("pageerror", lambda error: problems.append(str(error)))
    browser_page.add_init_script("""document.addEventListener('securitypolicyviolation', event =>
        console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI));""")
    yield browser_page, problems
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_policy_violation_on_any_kind_of_page(watched_page, base_url, settings, path):
    browser_page, problems = watched_page
    browser_page.goto(f"{base_url}/{path}")
    browser_page.wait_for_load_state("networkidle")
    policy = browser_page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert policy == settings["CONTENT_SECURITY_POLICY"]
    csp_problems = [text for text in problems if "Content Security Policy" in text or "CSP" in text]
    assert csp_problems == []


def test_search_runs_its_webassembly_under_the_policy(watched_page, base_url):
    browser_page, problems = watched_page
    browser_page.goto(f"{base_url}/tim-kiem/?q=hien+mau")
    field = browser_page.locator("form[role=search] input[type=search]")
    field.wait_for(state="visible")
    field.fill("hien mau")
    field.press("Enter")
    browser_page.locator(".bt-search__result").first.wait_for()
    assert problems == []
