"""The editor's preview: `invoke livereload` serves the site, and saving an article rebuilds it and
reloads the page open in the browser, under the site's Content-Security-Policy; an article saved
with an error shows the error at its address until it is fixed."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import ROOT
from tests.browser.test_theme_browser import AXE_TAGS

pytestmark = pytest.mark.browser

REPORT = "articles/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.md"
REPORT_URL = "tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
def preview(tmp_path):
    """`invoke livereload` on a copy of the sample content; yields (base URL, content folder)."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"from pelicanconf import *\nPATH = {str(content)!r}\n"
        f"OUTPUT_PATH = {str(tmp_path / 'output')!r}\nCACHE_PATH = {str(tmp_path / 'cache')!r}\n",
        encoding="utf-8")
    port = free_port()
    log = open(tmp_path / "livereload.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "invoke", "livereload", "--port", str(port),
         "--settings", str(settings)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        wait_for(f"http://127.0.0.1:{port}/{REPORT_URL}", 120)
        yield f"http://127.0.0.1:{port}", content
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_saving_an_article_reloads_the_open_page_with_the_change(browser, preview):
    base_url, content = preview
    context = browser.new_context()
    violations = []
    page = context.new_page()
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"{base_url}/{REPORT_URL}")
    page.wait_for_function("() => window.LiveReload !== undefined", timeout=15_000)
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
    context = browser.new_context()
    violations = []
    page = context.new_page()
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"{base_url}/{REPORT_URL}")
    page.wait_for_function("() => window.LiveReload !== undefined", timeout=15_000)
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
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    assert results.violations_count == 0, results.generate_report()

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
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    for address in ("", "_loi/"):
        page.goto(f"{base_url}/{address}")
        results = Axe().run(page, options=options)
        assert results.violations_count == 0, results.generate_report()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == (
        "Bỏ qua đến nội dung chính")
    context.close()
