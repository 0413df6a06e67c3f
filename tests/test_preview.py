"""The preview session (bantin/preview.py): after an edit of an article's text or photos, only
the pages showing it are rendered again, and the site is then the same, byte for byte, as a
clean build of the same content; any other change takes an ordinary build."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from bantin.build import build
from core.placeholder import make_placeholder
from bantin.preview import PreviewSession
from conftest import ROOT, SETTINGS_FILE, add_article, site_digest

REPORT_FOLDER = "content/articles/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021"
REPORT = f"{REPORT_FOLDER}/index.md"
REPORT_PAGE = "tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.html"
REPORT_PAGE_EN = "en/news/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.html"


@pytest.fixture
def workplace(tmp_path):
    """A copy of the sample content, a preview session on it, and a clean build to compare."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    overrides = {"PATH": str(tmp_path / "content"), "CACHE_PATH": str(tmp_path / "cache"),
                 "OUTPUT_PATH": str(tmp_path / "output")}
    session = PreviewSession(SETTINGS_FILE, overrides)
    assert session.build().kind == "build"

    def clean_build() -> Path:
        target = tmp_path / "clean"
        shutil.rmtree(target, ignore_errors=True)
        shutil.rmtree(tmp_path / "clean-cache", ignore_errors=True)
        build(SETTINGS_FILE, output=target, strict=True,
              overrides={**overrides, "CACHE_PATH": str(tmp_path / "clean-cache")})
        return target

    return tmp_path, session, clean_build


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_nothing_changed_means_nothing_done(workplace):
    _, session, _ = workplace
    assert session.update().kind == "none"


def test_an_edited_body_renders_its_page_and_feeds_only_and_equals_a_clean_build(workplace):
    tmp_path, session, clean_build = workplace
    output = session.output
    before = {path: path.stat().st_mtime_ns for path in output.rglob("*.html")}
    append(tmp_path / REPORT, "\nBản tin cập nhật lúc chiều.\n")

    update = session.update()

    assert update.kind == "pages"
    assert [path for path in update.written if path.endswith(".html")] == [REPORT_PAGE]
    assert {path for path in update.written if not path.endswith(".html")} <= {
        "feeds/all.atom.xml", "feeds/doan-thanh-nien.atom.xml"}
    untouched = [path for path, stamp in before.items()
                 if path.relative_to(output).as_posix() != REPORT_PAGE]
    assert all(path.stat().st_mtime_ns == before[path] for path in untouched)
    assert "Bản tin cập nhật lúc&nbsp;chiều." in (output / REPORT_PAGE).read_text(encoding="utf-8")
    assert "Bản tin cập nhật lúc" in (output / "feeds/all.atom.xml").read_text(encoding="utf-8")
    assert update.seconds >= update.pages_seconds > 0
    assert site_digest(output) == site_digest(clean_build())


def test_an_edited_translation_renders_the_english_page_only(workplace):
    tmp_path, session, clean_build = workplace
    append(tmp_path / REPORT_FOLDER / "index.en.md", "\nUpdated in the afternoon.\n")

    update = session.update()

    assert update.kind == "pages"
    assert [path for path in update.written if path.endswith(".html")] == [REPORT_PAGE_EN]
    assert site_digest(session.output) == site_digest(clean_build())


def test_a_replaced_photo_publishes_its_new_versions_without_rendering_pages(workplace):
    tmp_path, session, clean_build = workplace
    photo = tmp_path / REPORT_FOLDER / "IMG_5760.jpg"
    with Image.open(photo) as old:
        size = old.size  # the same size: the page's markup stays as it was
    photo.unlink()
    make_placeholder(photo, "ảnh mới", size, seed=77)

    update = session.update()

    assert update.kind == "pages"
    published = {path for path in update.written if not path.endswith("index.html")}
    assert published and all(Path(path).name.startswith("IMG_5760-") for path in published)
    assert site_digest(session.output) == site_digest(clean_build())


@pytest.mark.parametrize("change", ["title", "new article", "removed article", "theme"])
def test_other_changes_take_an_ordinary_build(workplace, change):
    tmp_path, session, clean_build = workplace
    report = tmp_path / REPORT
    if change == "title":
        report.write_text(report.read_text(encoding="utf-8").replace(
            "Title: Hội nghị sơ kết", "Title: Hội nghị toàn thể sơ kết"), encoding="utf-8")
    elif change == "new article":
        add_article(tmp_path / "content", "tin-moi", "Tin mới", "2025-03-01 08:00")
    elif change == "removed article":
        shutil.rmtree(tmp_path / REPORT_FOLDER)
    else:  # a template of the project's theme: the session watches the theme it builds with
        template = Path(session.settings["THEME"]) / "templates" / "base.html"
        os.utime(template)

    update = session.update()

    assert update.kind == "build" and not update.failed
    assert site_digest(session.output) == site_digest(clean_build())


def test_an_article_broken_by_an_edit_is_reported_and_left_out(workplace):
    tmp_path, session, _ = workplace
    report = tmp_path / REPORT
    report.write_text(report.read_text(encoding="utf-8").replace(
        "Date: 2021-", "Date: 2021-13-", 1), encoding="utf-8")

    update = session.update()

    assert update.kind == "build"
    errors = [finding for finding in update.findings if finding.is_error]
    assert errors and all(str(finding.path).endswith(REPORT) for finding in errors)
    assert not (session.output / REPORT_PAGE).exists()
    assert (session.output / "index.html").exists()


def test_a_failure_while_rendering_leaves_the_site_to_an_ordinary_build(workplace, monkeypatch):
    tmp_path, session, clean_build = workplace
    append(tmp_path / REPORT, "\nMột câu nữa.\n")

    def broken(*args, **kwargs):
        raise OSError("đĩa đầy")

    monkeypatch.setattr("bantin.preview.move_into", broken)
    update = session.update()
    monkeypatch.undo()

    assert update.kind == "build"
    assert site_digest(session.output) == site_digest(clean_build())


def test_a_photo_taken_out_of_the_text_is_taken_out_of_the_site(workplace):
    tmp_path, session, clean_build = workplace
    report = tmp_path / REPORT
    text = report.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if "IMG_5764.jpg" in line)
    report.write_text(text.replace(line + "\n", ""), encoding="utf-8")

    session.update()

    published = session.output / Path(REPORT_PAGE).parent
    assert not list(published.glob("IMG_5764-*"))
    assert site_digest(session.output) == site_digest(clean_build())


# --- Errors in the browser -------------------------------------------------------------------
REPORT_URL = "/" + REPORT_PAGE.removesuffix("index.html")
REPORT_URL_EN = "/" + REPORT_PAGE_EN.removesuffix("index.html")
FIELD_LINE = "Category: Đoàn thanh niên"
BROKEN_FIELD_LINE = "Category: Doan thanh nien cu"


def replace_line(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def shown_page(session: PreviewSession, url: str) -> tuple[int, BeautifulSoup]:
    """What the preview shows at `url`: its own answer, or output/'s file as it is."""
    answer = session.respond(url.lstrip("/"))
    if answer is None:
        target = session.output / url.lstrip("/") / "index.html"
        return 200, BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
    status, content_type, body = answer
    assert content_type == "text/html; charset=utf-8"
    return status, BeautifulSoup(body.decode("utf-8"), "html.parser")


def test_an_article_with_an_error_shows_the_error_at_its_address(workplace):
    tmp_path, session, _ = workplace
    replace_line(tmp_path / REPORT, FIELD_LINE, BROKEN_FIELD_LINE)

    update = session.update()

    assert update.kind == "build" and not update.failed
    assert not (session.output / REPORT_PAGE).exists()  # left out, the rest of the site built
    assert (session.output / "index.html").exists()
    for url in (REPORT_URL, REPORT_URL_EN):  # the translation is left out with it
        status, shown = shown_page(session, url)
        assert status == 200
        assert shown.html["lang"] == "vi"
        assert shown.h1.get_text() == "Bài viết chưa hiện được vì có lỗi"
        finding = shown.select_one(".bt-preview-finding")
        assert f"{REPORT}:3" in finding.get_text()
        assert finding.pre.get_text() == BROKEN_FIELD_LINE  # the line as written...
        assert "Có phải là 'Đoàn thanh niên'?" in finding.get_text()  # ...and what to write
        assert "[unknown-field]" in finding.get_text()
        assert shown.find("a", href="/_loi/")
        stylesheets = [link["href"] for link in shown.select("link[rel=stylesheet]")]
        assert any(href.startswith("/theme/css/site.") for href in stylesheets)
        assert all((session.output / href.lstrip("/")).is_file() or session.respond(href)
                   for href in stylesheets)
        policy = shown.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        assert policy == session.settings["CONTENT_SECURITY_POLICY"]


def test_the_error_page_gives_way_to_the_article_once_the_file_is_fixed(workplace):
    tmp_path, session, clean_build = workplace
    replace_line(tmp_path / REPORT, FIELD_LINE, BROKEN_FIELD_LINE)
    session.update()
    replace_line(tmp_path / REPORT, BROKEN_FIELD_LINE, FIELD_LINE)

    update = session.update()

    assert update.skipped == [] and session.findings == []
    assert session.respond(REPORT_URL) is None  # output/'s page, as it is
    status, shown = shown_page(session, REPORT_URL)
    assert shown.h1.get_text().startswith("Hội nghị sơ kết")
    assert session.respond("_loi/")[0] == 200
    assert site_digest(session.output) == site_digest(clean_build())


def test_the_findings_page_lists_every_finding_with_its_article(workplace):
    tmp_path, session, _ = workplace
    replace_line(tmp_path / REPORT, FIELD_LINE, BROKEN_FIELD_LINE)
    blood = tmp_path / "content/articles/2022/hien-mau-tinh-nguyen-le-hoi-xuan-hong-2022/index.md"
    replace_line(blood, "Summary:", "Sumary:")  # a warning: the article is still published
    session.update()

    status, shown = shown_page(session, "/_loi/")

    assert status == 200
    headings = [heading.get_text() for heading in shown.find_all("h2")]
    assert headings[0] == "Tệp bị bỏ qua vì có lỗi (2)"
    assert "Lỗi (1)" in headings and any(heading.startswith("Cảnh báo") for heading in headings)
    left_out = {link.get_text(): link["href"] for link in shown.find("ul").find_all("a")}
    assert left_out == {REPORT: REPORT_URL,
                        f"{REPORT_FOLDER}/index.en.md": REPORT_URL_EN}
    items = {item.find("a").get_text(): item for item in shown.select(".bt-preview-finding")
             if item.find("a")}
    assert items[f"{REPORT}:3"].find("a")["href"] == REPORT_URL
    warning = next(item for where, item in items.items() if where.startswith(
        "content/articles/2022/hien-mau"))
    assert warning.find("a")["href"] == "/tin/2022/hien-mau-tinh-nguyen-le-hoi-xuan-hong-2022/"
    assert "[unknown-metadata]" in warning.get_text()
    assert (session.output / warning.find("a")["href"].lstrip("/") / "index.html").exists()


def test_an_unreadable_date_keeps_the_address_the_article_had(workplace):
    tmp_path, session, _ = workplace
    replace_line(tmp_path / REPORT, "Date: 2021-07-15 14:00", "Date: 15/7/2021")

    session.update()

    status, shown = shown_page(session, REPORT_URL)
    assert status == 200 and "[bad-date]" in shown.select_one(".bt-preview-finding").get_text()


def test_a_page_with_an_error_shows_it_at_its_address(workplace):
    tmp_path, session, _ = workplace
    contact = tmp_path / "content/pages/lien-he.md"
    replace_line(contact, "Title: Liên hệ\n", "Title: Liên hệ\nLang: fr\n")

    update = session.update()

    assert update.skipped == ["content/pages/lien-he.md"]  # its translation is its own file
    status, shown = shown_page(session, "/lien-he/")
    assert status == 200 and "[unknown-lang]" in shown.select_one(".bt-preview-finding").get_text()
    assert (session.output / "en/lien-he/index.html").exists()


def test_a_new_article_with_an_unreadable_date_is_listed_without_an_address(workplace):
    tmp_path, session, _ = workplace
    add_article(tmp_path / "content", "tin-moi", "Tin mới", "2025-03-01 08:00")
    replace_line(tmp_path / "content/articles/2025/tin-moi/index.md", "Date: 2025-03-01 08:00",
                 "Date: sáng mai")

    session.update()

    status, shown = shown_page(session, "/_loi/")
    item = shown.find("code", string="content/articles/2025/tin-moi/index.md").parent
    assert "chưa biết địa chỉ" in item.get_text() and not item.find("a")
    status, shown = shown_page(session, "/tin/2025/tin-moi/")
    assert status == 404 and shown.h1.get_text() == "Không tìm thấy trang"


def test_pages_carry_a_notice_linking_to_the_findings_only_while_there_are_some(workplace):
    tmp_path, session, _ = workplace
    assert session.respond("") is None  # no findings: output/'s pages as they are

    replace_line(tmp_path / REPORT, FIELD_LINE, BROKEN_FIELD_LINE)
    session.update()

    status, shown = shown_page(session, "/")
    notice = shown.find("aside", class_="bt-preview-notice")
    assert notice["aria-label"] and "1 lỗi; 1 bài bị bỏ qua." in " ".join(notice.get_text().split())
    assert notice.find("a")["href"] == "/_loi/"
    first_links = [link["href"] for link in shown.body.find_all("a")[:3]]
    assert first_links[:2] == ["#main-content", "#after-ribbon"]  # skip links come first
    assert notice.find_next_sibling("header")
    status, shown = shown_page(session, "/khong-co-trang-nay/")
    assert status == 404 and shown.find("aside", class_="bt-preview-notice")


def test_the_preview_writes_nothing_of_its_own_into_the_site_and_publishing_has_none(
        workplace, site):
    tmp_path, session, _ = workplace
    replace_line(tmp_path / REPORT, FIELD_LINE, BROKEN_FIELD_LINE)
    session.update()

    assert not (session.output / "_loi").exists()
    assert not list(session.output.rglob("*preview*")) and not list(site.rglob("_loi"))
    assert "_loi" not in (site / "sitemap.xml").read_text(encoding="utf-8")


def test_each_build_says_one_line_per_edition_and_what_it_left_out(workplace):
    tmp_path, session, _ = workplace
    first = session.build()
    counts = {line.split(":")[0]: line for line in first.summary}
    assert list(counts) == ["Bản tiếng Việt", "Bản tiếng Anh"] and "bỏ qua" not in str(counts)
    replace_line(tmp_path / REPORT, FIELD_LINE, BROKEN_FIELD_LINE)

    update = session.update()

    assert update.skipped == [f"{REPORT_FOLDER}/index.en.md", REPORT]
    for before, after in zip(first.summary, update.summary):
        articles = int(before.split(": ")[1].split(" ")[0])
        assert after.startswith(f"{before.split(':')[0]}: {articles - 1} bài, ")
        assert after.endswith(", 1 bỏ qua")


# --- The preview commands, as editors run them ---------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def project_copy(tmp_path: Path) -> Path:
    """A copy of the sample content and a settings file building it inside tmp_path."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"from pelicanconf import *\nPATH = {str(tmp_path / 'content')!r}\n"
        f"OUTPUT_PATH = {str(tmp_path / 'output')!r}\nCACHE_PATH = {str(tmp_path / 'cache')!r}\n",
        encoding="utf-8")
    return settings


def invoke(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "invoke", *arguments]


INVOKE_ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


@contextmanager
def running(command: list[str], log: Path):
    """A task started as a subprocess, its output in `log`; stopped at the end."""
    with open(log, "w", encoding="utf-8") as output:
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                                   env=INVOKE_ENV)
        try:
            yield process
        finally:
            process.terminate()
            process.wait(timeout=30)


def fetch(url: str, seconds: float = 0) -> tuple[int, str]:
    """Status and text of `url`, retried for `seconds` while nothing answers."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                return answer.status, answer.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_livereload_shows_the_error_at_the_address_until_the_file_is_fixed(tmp_path):
    settings = project_copy(tmp_path)
    replace_line(tmp_path / REPORT, FIELD_LINE, BROKEN_FIELD_LINE)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running(invoke("livereload", "--port", str(port), "--settings", str(settings)),
                 tmp_path / "livereload.log") as process:
        status, text = fetch(base + REPORT_URL, seconds=180)
        shown = BeautifulSoup(text, "html.parser")
        assert status == 200 and shown.h1.get_text() == "Bài viết chưa hiện được vì có lỗi"
        assert f"{REPORT}:3" in shown.select_one(".bt-preview-finding").get_text()
        assert any("livereload.js" in script.get_text() for script in shown.find_all("script"))
        policy = shown.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        assert "script-src 'self' 'unsafe-inline'" in policy  # livereload's script may run
        status, text = fetch(base + "/_loi/")
        assert status == 200 and REPORT in text
        status, text = fetch(base + "/")
        assert 'class="bt-preview-notice"' in text and "livereload.js" in text

        replace_line(tmp_path / REPORT, BROKEN_FIELD_LINE, FIELD_LINE)
        deadline = time.monotonic() + 180
        while True:  # livereload notices the saved file within a second or so, then rebuilds
            status, text = fetch(base + REPORT_URL)
            if "Bài viết chưa hiện được" not in text or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        shown = BeautifulSoup(text, "html.parser")
        assert status == 200 and shown.h1.get_text().startswith("Hội nghị sơ kết")
        assert 'class="bt-preview-notice"' not in fetch(base + "/")[1]
        assert process.poll() is None
    log = (tmp_path / "livereload.log").read_text(encoding="utf-8")
    assert f"Bỏ qua (có lỗi): {REPORT}" in log
    assert f"Bỏ qua (có lỗi): {REPORT_FOLDER}/index.en.md" in log
    assert re.search(r"^Bản tiếng Việt: \d+ bài, \d+ trang, 1 bỏ qua$", log, re.M)
    assert re.search(r"^Bản tiếng Anh: \d+ bài, \d+ trang$", log, re.M)  # after the fix
    assert "Done: Processed" not in log and "Traceback" not in log


def test_serve_builds_then_serves_on_the_port_it_is_given(tmp_path):
    settings = project_copy(tmp_path)
    port = free_port()
    with running(invoke("serve", "--port", str(port), "--settings", str(settings)),
                 tmp_path / "serve.log"):
        status, text = fetch(f"http://127.0.0.1:{port}{REPORT_URL}", seconds=180)
    assert status == 200 and "Hội nghị sơ kết" in text
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert re.search(r"^Bản tiếng Việt: \d+ bài, \d+ trang$", log, re.M)
    assert "Done: Processed" not in log


@pytest.mark.parametrize("task", ["serve", "livereload"])
def test_a_port_in_use_is_one_sentence_said_before_building(tmp_path, task):
    settings = project_copy(tmp_path)
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = subprocess.run(invoke(task, "--port", str(port), "--settings", str(settings)),
                                cwd=ROOT, capture_output=True, text=True, env=INVOKE_ENV,
                                timeout=120)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"Cổng {port} đang được dùng (có thể một bản xem trước khác đang chạy): hãy dừng "
        f"chương trình đó hoặc chọn cổng khác, ví dụ --port {port + 1}.")
    assert not (tmp_path / "output").exists()  # nothing was built


def test_build_says_one_line_per_edition_and_each_source_left_out(tmp_path):
    settings = project_copy(tmp_path)
    replace_line(tmp_path / REPORT, FIELD_LINE, BROKEN_FIELD_LINE)

    result = subprocess.run(invoke("build", "--settings", str(settings)), cwd=ROOT,
                            capture_output=True, text=True, env=INVOKE_ENV, timeout=600)

    assert result.returncode == 0, result.stderr
    assert f"Bỏ qua (có lỗi): {REPORT}\n" in result.stderr
    summary = [line for line in result.stdout.splitlines() if line.startswith("Bản ")]
    assert len(summary) == 2
    assert all(re.fullmatch(r"Bản tiếng (Việt|Anh): \d+ bài, \d+ trang, 1 bỏ qua", line)
               for line in summary)
    assert "Done: Processed" not in result.stdout + result.stderr


@pytest.mark.parametrize("port", ["huit", "70000"])
def test_a_port_that_is_not_a_port_is_one_sentence(tmp_path, port):
    settings = project_copy(tmp_path)
    result = subprocess.run(invoke("livereload", "--port", port, "--settings", str(settings)),
                            cwd=ROOT, capture_output=True, text=True, env=INVOKE_ENV,
                            timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"Cổng '{port}' không hợp lệ: hãy ghi một số, ví dụ --port 8001.")
    assert not (tmp_path / "output").exists()
