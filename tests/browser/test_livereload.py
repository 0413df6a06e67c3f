"""The editor's preview: `invoke livereload` serves the site, and saving an article rebuilds it and
reloads the page open in the browser, under the site's Content-Security-Policy; an article saved
with an error shows the error at its address until it is fixed."""

import time
import urllib.request

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from browser.conftest import assert_accessible
from conftest import free_port, places, settings_file, task_running

pytestmark = pytest.mark.browser

REPORT = "articles/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.md"
REPORT_URL = "tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/"


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"the preview did not answer at {url} within {seconds} s")


@pytest.fixture
def preview(workplace):
    """`invoke livereload` on the workplace; yields (base URL, content folder)."""
    settings = settings_file(workplace / "settings.py", **places(workplace))
    port = free_port()
    with task_running("livereload", "--port", str(port), "--settings", str(settings),
                      log=workplace / "livereload.log"):
        wait_for(f"http://127.0.0.1:{port}/{REPORT_URL}", 120)
        yield f"http://127.0.0.1:{port}", workplace / "content"


def watched_page(browser, url: str):
    """A new context and page showing `url` once livereload's script runs there, and the list
    of Content-Security-Policy violations the page reports from then on."""
    context = browser.new_context()
    violations = []
    page = context.new_page()
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(url)
    page.wait_for_function("() => window.LiveReload !== undefined", timeout=15_000)
    return context, page, violations


def test_saving_an_article_reloads_the_open_page_with_the_change(browser, preview):
    base_url, content = preview
    context, page, violations = watched_page(browser, f"{base_url}/{REPORT_URL}")
    source = content / REPORT
    source.write_text(source.read_text(encoding="utf-8") + "\nĐoàn Khối cập nhật bản tin.\n",
                      encoding="utf-8")
    # livereload ignores a change that comes less than 3 s after its previous reload (it reloads
    # once on start): like an editor, save again when the page did not change.
    changed = "() => document.body.innerText.includes('Đoàn Khối cập nhật bản\\u00a0tin.')"
    wait_for_reload(page, source, changed)
    assert violations == []
    context.close()


def wait_for_reload(page, source, condition: str) -> None:
    """Wait until the page, reloaded by livereload, meets `condition`. livereload ignores a
    change that comes less than 3 s after its previous reload (it reloads once on start): like
    an editor, save again when the page did not change."""
    for _ in range(6):
        try:
            page.wait_for_function(condition, timeout=8_000)
            return
        except PlaywrightTimeout:
            source.touch()
    pytest.fail("the page did not reload with the saved change")


def test_an_error_shows_at_the_article_address_and_the_fix_reloads_the_article(browser, preview):
    base_url, content = preview
    context, page, violations = watched_page(browser, f"{base_url}/{REPORT_URL}")
    source = content / REPORT
    written = source.read_text(encoding="utf-8")
    source.write_text(written.replace("Category: Đoàn thanh niên", "Category: Doan thanh nien cu"),
                      encoding="utf-8")

    wait_for_reload(page, source, "() => document.querySelector('h1').innerText"
                                  " === 'Bài viết chưa hiện được vì có lỗi'")
    assert "index.md:3" in page.locator(".bt-preview-finding").first.inner_text()
    assert page.locator(".bt-preview-finding pre").first.inner_text() == (
        "Category: Doan thanh nien cu")
    page.wait_for_function("() => window.LiveReload !== undefined", timeout=15_000)
    assert_accessible(page)

    source.write_text(written, encoding="utf-8")
    wait_for_reload(page, source, "() => document.querySelector('h1').innerText"
                                  ".startsWith('Hội nghị sơ kết')")
    assert violations == []

    findings = context.new_page()
    findings.goto(f"{base_url}/_loi/")
    assert findings.locator("h1").inner_text() == "Lỗi và cảnh báo khi xem trước"
    context.close()


def test_the_findings_page_and_the_notice_pass_axe(browser, preview):
    base_url, content = preview
    source = content / REPORT
    source.write_text(source.read_text(encoding="utf-8").replace("Summary:", "Sumary:"),
                      encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base_url}/")
    page.wait_for_function("() => window.LiveReload !== undefined", timeout=15_000)
    wait_for_reload(page, source, "() => document.querySelector('.bt-preview-notice') !== null")
    for address in ("", "_loi/"):
        page.goto(f"{base_url}/{address}")
        assert_accessible(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == (
        "Bỏ qua đến nội dung chính")
    context.close()
