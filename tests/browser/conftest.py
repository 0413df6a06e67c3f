"""Real-browser fixtures: the sample site served on 127.0.0.1 and Debian's Chromium driven by
Playwright, axe-core's accessibility check. Screenshots go to screenshots/ (git-ignored) for
people to look at. Every test here carries the `browser` mark (tests/conftest.py sees to it)."""

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from conftest import ROOT
from core.placeholder import make_placeholder
from tasks import CHROMIUM, CHROMIUM_FLAGS

SCREENSHOTS = ROOT / "screenshots"
# WCAG 2.2 A and AA, and axe-core's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice"]
PHONE, DESKTOP = 360, 1280  # viewport widths


class StaticSiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site as static hosting does: 404.html for unknown addresses."""

    def send_error(self, code, message=None, explain=None):
        not_found_page = Path(self.directory) / "404.html"
        if code != 404 or not not_found_page.exists():
            return super().send_error(code, message, explain)
        body = not_found_page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # keep the test output quiet


@contextmanager
def serving(site: Path):
    """A built site served as static hosting serves it, on a free port of 127.0.0.1: its URL
    (no trailing slash)."""
    handler = functools.partial(StaticSiteHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def page_opener(browser, base_url: str):
    """open_(path, width=DESKTOP, javascript=True) -> a Playwright page showing `path` of the
    site at `base_url`, each in a context of its own, all closed at the end."""
    contexts = []

    def open_(path: str, width: int = DESKTOP, javascript: bool = True):
        context = browser.new_context(
            viewport={"width": width, "height": 800}, java_script_enabled=javascript
        )
        contexts.append(context)
        browser_page = context.new_page()
        browser_page.goto(base_url.rstrip("/") + "/" + path.lstrip("/"))
        return browser_page

    try:
        yield open_
    finally:
        for context in contexts:
            context.close()


def assert_accessible(browser_page, context: dict | None = None) -> None:
    """axe-core finds no violation of AXE_TAGS on the page (or on the parts named by `context`)."""
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(browser_page, context=context, options=options)
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture(scope="session")
def base_url(site):
    """URL of the built sample site, served on a free port of 127.0.0.1."""
    with serving(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `invoke test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, base_url):
    """open_page(path, width=1280, javascript=True) -> a Playwright page showing `path`."""
    with page_opener(browser, base_url) as open_:
        yield open_


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


def local(url: str) -> bool:
    """Whether a request stays on this machine: 127.0.0.1, or a blob:/data: URL the page made
    itself from 127.0.0.1."""
    if url.startswith("data:"):
        return True
    address = urlsplit(url[len("blob:"):] if url.startswith("blob:") else url)
    return address.scheme == "http" and address.hostname == "127.0.0.1"



# --- The desk's form, as an editor fills it (the local and the published desk alike) -----------
def add_figure(page, photo, alt: str, caption: str) -> None:
    """The "+" of the rich text editor -> "Ảnh có chú thích": upload, describe, caption."""
    page.get_by_title("Add Component").first.click()
    page.get_by_text("Ảnh có chú thích", exact=True).first.click()
    page.get_by_text("Chọn một hình").last.click()
    page.locator("input[type=file]").set_input_files(str(photo))
    page.get_by_role("button", name="Lấy những cái đã chọn").click()
    page.get_by_label("Mô tả ảnh").last.fill(alt)
    page.get_by_label("Chú thích").last.fill(caption)


def start_article(page, title: str) -> None:
    page.get_by_role("link", name="Tạo bài thuộc loại bài viết").click()
    page.get_by_label("Tiêu đề").first.fill(title)
    page.locator("input[type=datetime-local]").first.fill("2025-11-20T08:00")
    page.get_by_role("combobox", name="Lĩnh vực").first.click()
    page.get_by_role("option", name="Đoàn thanh niên", exact=True).click()


def write_sports_day(page, folder: Path) -> list[Path]:
    """The issue's new article: "Ngày hội đoàn viên khỏe" in Đoàn thanh niên with two photos
    (made in `folder`), each with its description and caption. Returns the photos."""
    photos = [make_placeholder(folder / name, "Ảnh", size=(1200, 800), seed=seed)
              for seed, name in enumerate(("xuat-phat.jpg", "trao-giai.jpg"), 1)]
    start_article(page, "Ngày hội đoàn viên khỏe")
    page.get_by_text("/tin/<năm>/ngay-hoi-doan-vien-khoe/").first.wait_for()
    add_figure(page, photos[0], "Đoàn viên xuất phát", "Đoàn viên xuất phát từ quảng trường.")
    add_figure(page, photos[1], "Trao giải", "Ban tổ chức trao giải cho các đội.")
    return photos
