"""The editing desk as an editor uses it: Decap CMS at /admin/ of a real `invoke livereload`
over a committed copy of the project, driven in Chromium from the first keystroke to the
published files, then checked as the project checks them (`invoke check`, `invoke build`)."""

import re
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from browser.conftest import add_figure, assert_accessible, local, start_article, write_sports_day
from conftest import (ROOT, desk_project, desk_running, git, parse_html, resolve, settings_file,
                      snapshot, switcher, task_environment)

pytestmark = pytest.mark.browser

ARTICLES = "content/articles"
NEW_FOLDER = f"{ARTICLES}/2025/ngay-hoi-doan-vien-khoe"
EDITED = f"{ARTICLES}/2024/cong-doan-vien-chuc-tinh-huong-ung-thang-cong-nhan-2024"
TRANSLATED = f"{ARTICLES}/2024/ket-nap-dang-vien-moi-nhan-dip-quoc-khanh-2-9"
WAIT = 60_000  # ms: the desk saves and publishes through git on a shared machine


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """(repository, base URL) of `invoke livereload` over the project's content, committed."""
    repo = tmp_path_factory.mktemp("desk")
    with desk_running(repo, desk_project(repo)) as base:
        yield repo, base


@pytest.fixture
def editor(browser, desk):
    """The desk's page, logged in (the local desk has no password) and showing the articles;
    every request the page makes must stay on 127.0.0.1."""
    repo, base = desk
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  timezone_id="Asia/Ho_Chi_Minh", locale="vi-VN")
    context.set_default_timeout(WAIT)
    page = context.new_page()
    requests = []
    context.on("request", lambda request: requests.append(request.url))  # every page, frame
    page.on("dialog", lambda dialog: dialog.accept())  # "publish now?" asks for confirmation
    page.goto(base + "/admin/")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Mỗi bài là một thư mục").wait_for()
    yield page
    context.close()
    assert any(url.startswith(base + "/admin/api/v1") for url in requests)
    elsewhere = [url for url in requests if not local(url)]
    assert elsewhere == [], elsewhere


def wait_until(check, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.3)


def draft_status(repo, folder: str) -> str:
    """The desk's status of the draft of an article's folder ("" without a draft)."""
    slug = folder[len(ARTICLES) + 1:] + "/index"
    return subprocess.run(["git", "config", f"branch.cms/articles/{slug}.description"],
                          cwd=repo, capture_output=True, text=True).stdout.strip()


def save(page, repo, folder: str) -> None:
    page.get_by_role("button", name="Lưu", exact=True).click()
    wait_until(lambda: draft_status(repo, folder) == "decap-cms/draft", "the draft was not saved")
    page.get_by_text("Trạng: Bản nháp").wait_for()


def review_and_publish(page, repo, folder: str, published) -> None:
    """Bản nháp -> Đang xét duyệt -> Sẵn sàng -> Công bố ngay, each step seen in git."""
    for current, step, status in (("Bản nháp", "Đang xét duyệt", "pending_review"),
                                  ("Đang xét duyệt", "Sẵn sàng", "pending_publish")):
        page.get_by_text(f"Trạng: {current}").click()
        page.get_by_text(step, exact=True).click()
        wait_until(lambda: draft_status(repo, folder) == f"decap-cms/{status}",
                   f"the draft did not move to {status}")
    page.get_by_role("button", name="Công bố", exact=True).click()
    page.get_by_text("Công bố ngay").click()
    wait_until(published, "the article was not published")
    wait_until(lambda: draft_status(repo, folder) == "", "the draft was left behind")


def open_entry(page, base: str, folder: str) -> None:
    page.goto(f"{base}/admin/#/collections/articles/entries/{folder[len(ARTICLES) + 1:]}/index")
    # the form is filled once the entry (and its draft, if any) is loaded: edit after that
    expect(page.get_by_label("Tiêu đề").first).not_to_have_value("")
    page.wait_for_load_state("networkidle")


def run_task(repo, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "invoke", *arguments], cwd=ROOT,
                          env=task_environment(PYTHONPATH=str(ROOT)), capture_output=True,
                          text=True, timeout=300)


def built_site(repo):
    """`invoke build` of the repository's content into a folder beside it, with a cache of its
    own (the running preview's are left alone): the output folder."""
    work = repo.with_name(repo.name + "-build")
    work.mkdir(exist_ok=True)
    settings = settings_file(work / "settings.py", PATH=repo / "content",
                             OUTPUT_PATH=work / "output", CACHE_PATH=work / "cache",
                             PHOTO_CACHE_PATH=work / "cache" / "photos")
    result = run_task(repo, "build", "--settings", str(settings))
    assert result.returncode == 0, result.stdout + result.stderr
    return work / "output"


def test_a_new_article_with_two_captioned_photos_goes_from_draft_to_published(
        editor, desk, tmp_path):
    repo, base = desk
    photos = write_sports_day(editor, tmp_path)
    save(editor, repo, NEW_FOLDER)
    assert not (repo / NEW_FOLDER).exists()  # a draft lives on its branch until published
    review_and_publish(editor, repo, NEW_FOLDER, lambda: (repo / NEW_FOLDER / "index.md").exists())

    source = (repo / NEW_FOLDER / "index.md").read_text(encoding="utf-8")
    assert source.startswith("Title: Ngày hội đoàn viên khỏe\nDate: 2025-11-20 08:00\n"
                             "Category: Đoàn thanh niên\n")
    assert "\nSlug: ngay-hoi-doan-vien-khoe\n" in source and "---" not in source
    assert '![Đoàn viên xuất phát](xuat-phat.jpg "Đoàn viên xuất phát từ quảng trường.")' in source
    assert '![Trao giải](trao-giai.jpg "Ban tổ chức trao giải cho các đội.")' in source
    for photo in photos:
        assert (repo / NEW_FOLDER / photo.name).read_bytes() == photo.read_bytes()
    assert not (repo / NEW_FOLDER / "index.en.md").exists()  # no English was written
    assert git(repo, "status", "--porcelain") == ""

    check = run_task(repo, "check", "--settings", str(repo / "settings.py"))
    assert check.returncode == 0 and "ngay-hoi" not in check.stdout, check.stdout + check.stderr
    page = parse_html(built_site(repo) / "tin/2025/ngay-hoi-doan-vien-khoe/index.html")
    figures = page.select("article figure")
    assert [" ".join(figure.figcaption.get_text().split()) for figure in figures] == [
        "Đoàn viên xuất phát từ quảng trường.", "Ban tổ chức trao giải cho các đội."]
    assert [figure.img["alt"] for figure in figures] == ["Đoàn viên xuất phát", "Trao giải"]


def test_editing_a_sample_articles_summary_changes_only_that_line(editor, desk):
    repo, base = desk
    summary = ("Công đoàn Viên chức tỉnh phát động Tháng Công nhân năm 2024 và trao hai "
               "\"Mái ấm Công đoàn\".")
    open_entry(editor, base, EDITED)
    editor.get_by_label("Tóm tắt").first.fill(summary)
    expect(editor.get_by_label("Tóm tắt").first).to_have_value(summary)
    save(editor, repo, EDITED)
    before = git(repo, "rev-parse", "HEAD")
    review_and_publish(editor, repo, EDITED, lambda: git(repo, "rev-parse", "HEAD") != before)

    diff = git(repo, "diff", "--unified=0", "HEAD^1", "HEAD")
    changed = [line for line in diff.splitlines()
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert [line.split(":")[0] for line in changed] == ["-Summary", "+Summary"], diff
    assert changed[1] == f"+Summary: {summary}"
    assert git(repo, "diff", "--name-only", "HEAD^1", "HEAD").split() == [f"{EDITED}/index.md"]
    assert git(repo, "status", "--porcelain") == ""


def test_an_english_version_is_published_beside_the_vietnamese_and_linked_from_it(editor, desk):
    repo, base = desk
    open_entry(editor, base, TRANSLATED)
    editor.get_by_label("Tiêu đề").nth(1).fill("New Party members admitted on National Day")
    editor.get_by_label("Tóm tắt").nth(1).fill("Two outstanding Youth Union members joined.")
    editor.get_by_role("switch").nth(1).click()  # the English body as Markdown text
    body = editor.locator("[data-slate-editor]").last  # Decap's raw mode is a plain Slate field
    body.click()
    body.press_sequentially("Two outstanding Youth Union members joined the Party on "
                            "29 August 2024.")
    save(editor, repo, TRANSLATED)
    english = repo / TRANSLATED / "index.en.md"
    review_and_publish(editor, repo, TRANSLATED, english.exists)

    text = english.read_text(encoding="utf-8")
    assert text.startswith("Title: New Party members admitted on National Day\n")
    assert "Date: 2024-08-29 16:00\n" in text and "Category: Xây dựng Đảng\n" in text
    assert text.rstrip().endswith("on 29 August 2024.")
    assert git(repo, "diff", "--name-only", "HEAD^1", "HEAD").split() == [
        f"{TRANSLATED}/index.en.md"]
    site = built_site(repo)
    address = "tin/2024/ket-nap-dang-vien-moi-nhan-dip-quoc-khanh-2-9/"
    link = switcher(parse_html(site / address / "index.html"))["en"]
    page = parse_html(resolve(site, address, link))
    assert page.html["lang"] == "en"
    assert " ".join(page.h1.get_text().split()) == "New Party members admitted on National Day"


def test_a_file_that_is_not_a_photo_is_refused_with_the_lints_sentence(editor, desk, tmp_path):
    repo, base = desk
    notes = tmp_path / "bien-ban.jpg"
    notes.write_text("Biên bản hội nghị, không phải ảnh.", encoding="utf-8")
    before = snapshot(repo / "content"), git(repo, "for-each-ref")
    start_article(editor, "Ảnh không mở được")
    add_figure(editor, notes, "Biên bản", "Biên bản hội nghị.")
    editor.get_by_role("button", name="Lưu", exact=True).click()
    refusal = editor.get_by_text("không phải là ảnh").first
    refusal.wait_for()
    assert "bien-ban.jpg" in refusal.inner_text()
    assert (snapshot(repo / "content"), git(repo, "for-each-ref")) == before


def test_the_desks_own_parts_are_accessible(editor, desk, browser):
    """axe on what the project adds to Decap: the page shell without JavaScript, and the
    preview with the lint's findings above the article. Decap's own interface is left out of
    the scope (its buttons and switches without names are not the project's to fix)."""
    repo, base = desk
    context = browser.new_context(java_script_enabled=False)
    shell = context.new_page()
    shell.goto(base + "/admin/")
    assert "Bàn biên tập cần JavaScript" in shell.inner_text("body")
    context.close()
    # axe needs JavaScript: the same page, as a browser without it shows it (noscript's
    # text, no scripts), checked in a page where axe can run.
    with urllib.request.urlopen(base + "/admin/") as answer:
        html = answer.read().decode("utf-8")
    html = re.sub(r"</?noscript>|<script[^>]*></script>", "", html)
    shell = editor.context.new_page()
    shell.route(base + "/admin/", lambda route: route.fulfill(body=html,
                                                              content_type="text/html"))
    shell.goto(base + "/admin/")
    assert_accessible(shell)
    shell.close()

    open_entry(editor, base, TRANSLATED)
    editor.get_by_role("switch").first.click()  # the Vietnamese body as Markdown text
    body = editor.locator("[data-slate-editor]").first
    body.click()
    editor.keyboard.press("Control+End")
    body.press_sequentially("\n\n![Ảnh hội nghị](khong-co.jpg)")
    editor.get_by_title("Toggle preview").click()
    preview = editor.frame_locator("iframe").first
    findings = preview.locator("section.bantin-desk-findings")
    findings.get_by_text("khong-co.jpg").wait_for()
    assert findings.get_by_role("heading").inner_text().startswith("Cần sửa trước khi gửi duyệt")
    preview.locator(".bt-article").get_by_text("Chi bộ Sở Khoa học").first.wait_for()
    frame = next(frame for frame in editor.frames
                 if frame.query_selector(".bantin-desk-preview") is not None)
    assert_accessible(frame, {"include": [[".bantin-desk-preview"]]})
