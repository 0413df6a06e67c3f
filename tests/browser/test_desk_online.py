"""The desk published online writes the project's own files: the page `invoke build` publishes at
/admin/ for a git host, served as static hosting serves it, driven in Chromium. The host is
Decap's in-memory repository (its "test-repo" backend) seeded with the sample content, standing
in for GitHub behind the same translation (admin/online.js), so that what the desk would commit
is read back byte for byte."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from PIL import Image
from playwright.sync_api import expect

from bantin.build import build
from bantin.desk.entries import from_desk, to_desk
from browser.conftest import (add_figure, assert_accessible, local, serving, start_article,
                              write_sports_day)
from conftest import ROOT, SETTINGS_FILE, parse_html, places, settings_file, task_environment

pytestmark = pytest.mark.browser

ARTICLES = "content/articles"
EDITED = f"{ARTICLES}/2024/cong-doan-vien-chuc-tinh-huong-ung-thang-cong-nhan-2024"
TRANSLATED = f"{ARTICLES}/2024/ket-nap-dang-vien-moi-nhan-dip-quoc-khanh-2-9"
CAPTIONED = f"{ARTICLES}/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021"
NEW_FOLDER = f"{ARTICLES}/2025/ngay-hoi-doan-vien-khoe"
HOST = "github"
WAIT = 60_000


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """Base URL of the site built with a git host named, so that /admin/ is published."""
    output = tmp_path_factory.mktemp("online-desk") / "output"
    build(SETTINGS_FILE, output=output, strict=True,
          overrides={"DESK_BACKEND": {"name": HOST, "repo": "doankhoi/bantin"}})
    with serving(output) as base:
        yield base, output


def sources() -> dict[str, str]:
    """Every article's text file of the sample content, by its path in the repository."""
    return {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted((ROOT / ARTICLES).rglob("*.md"))}


def seed_script(files: dict[str, str]) -> str:
    """Decap's in-memory repository holding `files`. It lists a collection's folder by a key of
    its own name ("content/articles") and reads a file by walking the path's parts: both views
    share the one tree of objects."""
    return (f"window.repoFiles = {{}};\n"
            f"for (const [path, content] of Object.entries({json.dumps(files)})) {{\n"
            "  const parts = path.split('/'); let folder = window.repoFiles;\n"
            "  while (parts.length > 1) { const part = parts.shift();\n"
            "    folder = folder[part] = folder[part] || {}; }\n"
            "  folder[parts[0]] = {content, path};\n"
            "}\n"
            f"window.repoFiles['{ARTICLES}'] = window.repoFiles.content.articles;\n"
            # Its media listing takes every file under a folder for an uploaded photo: list the
            # photos beside an article only, as the git hosts' listings do for Decap.
            "const testRepo = CMS.getBackend('test-repo'); const start = testRepo.init;\n"
            "testRepo.init = (...args) => { const repo = start(...args);\n"
            "  Object.getPrototypeOf(repo).getMedia = function (folder = this.mediaFolder) {\n"
            "    let node = window.repoFiles;\n"
            "    for (const part of folder.split('/')) { node = node && node[part]; }\n"
            "    const photos = Object.values(node || {}).filter(item => item?.content?.fileObj);\n"
            "    return Promise.resolve(photos.map(item => this.normalizeAsset(item.content)));\n"
            "  };\n"
            "  return repo; };\n")


@pytest.fixture
def editor(browser, published):
    """The published desk with the settings' host replaced by the in-memory repository; every
    request the page makes must stay on 127.0.0.1."""
    base, output = published
    admin = output / "admin"
    page_html = (admin / "index.html").read_text(encoding="utf-8")
    page_html = page_html.replace(f'"backend": "{HOST}"', '"backend": "test-repo"').replace(
        '<script src="desk.', '<script src="seed.js"></script>\n  <script src="desk.')
    config = yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))
    assert config["backend"]["name"] == HOST
    config["backend"] = {"name": "test-repo"}
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  timezone_id="Asia/Ho_Chi_Minh", locale="vi-VN")
    context.set_default_timeout(WAIT)
    context.route(base + "/admin/", lambda route: route.fulfill(
        body=page_html, content_type="text/html; charset=utf-8"))
    context.route(base + "/admin/config.yml", lambda route: route.fulfill(
        body=yaml.safe_dump(config, allow_unicode=True), content_type="text/yaml"))
    context.route(base + "/admin/seed.js", lambda route: route.fulfill(
        body=seed_script(sources()), content_type="text/javascript"))
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.errors = []  # what the page's scripts threw and nothing caught
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(base + "/admin/")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Mỗi bài là một thư mục").wait_for()
    yield page
    context.close()
    assert [url for url in requests if not local(url)] == []
    assert page.errors == []


def repository(page, path: str):
    """A file of the in-memory repository (its text, or None)."""
    return page.evaluate("""path => {
        let node = window.repoFiles;
        for (const part of path.split('/')) { node = node && node[part]; }
        return node ? node.content : null;
    }""", path)


def draft(page, path: str):
    """The text of `path` in the desk's unpublished drafts (None when no draft holds it)."""
    return page.evaluate("""path => {
        for (const entry of Object.values(window.repoFilesUnpublished)) {
            for (const diff of entry.diff || entry.diffs || []) {
                if (diff.path === path) { return diff.content; }
            }
            for (const file of entry.dataFiles || []) {
                if (file.path === path) { return file.raw; }
            }
        }
        return null;
    }""", path)


def test_every_sample_article_reads_and_writes_back_byte_for_byte(editor):
    """Opened and saved with no change, every sample file is the same bytes; written as a new
    file, it is what the local desk writes (bantin/desk/entries.py) for the same form."""
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    for path, text in sources().items():
        again, fresh = editor.evaluate("""text => {
            const desk = window.bantinDeskOnline;
            const form = desk.format.toFile(desk.format.fromFile(text));
            return [desk.written(form, text, {}), desk.written(form, undefined, {})];
        }""", text)
        assert again == text, path
        expected = from_desk(to_desk(text.encode()), None, zone).decode()
        assert fresh == expected, path


def test_the_list_shows_each_article_once_under_its_vietnamese_name(editor):
    titles = editor.locator("h2").all_inner_texts()
    assert any("Công đoàn Viên chức tỉnh" in title for title in titles), titles
    cards = [title for title in titles if title != "Bộ sưu tập"]
    assert len(cards) >= 2 and len(cards) == len(set(cards)), cards  # no article twice
    assert not editor.get_by_text("index.vi.md").count()


def open_entry(page, base, folder):
    page.goto(f"{base}/admin/#/collections/articles/entries/{folder[len(ARTICLES) + 1:]}/index")
    expect(page.get_by_label("Tiêu đề").first).not_to_have_value("")


def save(page) -> None:
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_text("Trạng: Bản nháp").wait_for()


def review_and_publish(page) -> None:
    """Bản nháp -> Đang xét duyệt -> Sẵn sàng -> Công bố ngay, as on the local desk."""
    for current, step in (("Bản nháp", "Đang xét duyệt"), ("Đang xét duyệt", "Sẵn sàng")):
        page.get_by_text(f"Trạng: {current}").click()
        page.get_by_text(step, exact=True).click()
        page.get_by_text(f"Trạng: {step}").wait_for()
    page.get_by_role("button", name="Công bố", exact=True).click()
    page.get_by_text("Công bố ngay").click()


def photo_bytes(page, path: str):
    """The bytes of a photo the desk committed to the in-memory repository (None if absent)."""
    data = page.evaluate("""async path => {
        let node = window.repoFiles;
        for (const part of path.split('/')) { node = node && node[part]; }
        if (!node || !node.content || !node.content.fileObj) { return null; }
        return Array.from(new Uint8Array(await node.content.fileObj.arrayBuffer()));
    }""", path)
    return None if data is None else bytes(data)


def test_an_edited_summary_changes_only_that_line_of_index_md(editor, published):
    base, _ = published
    original = (ROOT / EDITED / "index.md").read_text(encoding="utf-8")
    summary = "Công đoàn Viên chức tỉnh phát động Tháng Công nhân năm 2024."
    open_entry(editor, base, EDITED)
    editor.get_by_label("Tóm tắt").first.fill(summary)
    save(editor)
    saved = draft(editor, f"{EDITED}/index.md")
    assert saved is not None, editor.evaluate("JSON.stringify(window.repoFilesUnpublished)")
    before = original.splitlines()
    after = saved.splitlines()
    assert [line for line in before if line not in after][0].startswith("Summary:")
    assert [line for line in after if line not in before] == [f"Summary: {summary}"]
    assert draft(editor, f"{EDITED}/index.vi.md") is None


def test_a_new_article_with_two_photos_is_committed_as_the_local_desk_writes_it(
        editor, tmp_path):
    photos = write_sports_day(editor, tmp_path)
    save(editor)
    assert repository(editor, f"{NEW_FOLDER}/index.md") is None  # a draft until published
    assert draft(editor, f"{NEW_FOLDER}/index.vi.md") is None
    review_and_publish(editor)
    expect(editor.get_by_text("Trạng: Bản nháp")).to_have_count(0)
    source = None
    for _ in range(100):
        source = repository(editor, f"{NEW_FOLDER}/index.md")
        if source:
            break
        editor.wait_for_timeout(300)
    assert source is not None, "the article was not published"

    assert source.startswith("Title: Ngày hội đoàn viên khỏe\nDate: 2025-11-20 08:00\n"
                             "Category: Đoàn thanh niên\n")
    assert "\nSlug: ngay-hoi-doan-vien-khoe\n" in source and "---" not in source
    assert '![Đoàn viên xuất phát](xuat-phat.jpg "Đoàn viên xuất phát từ quảng trường.")' in source
    assert '![Trao giải](trao-giai.jpg "Ban tổ chức trao giải cho các đội.")' in source
    for name in ("index.vi.md", "index.en.md"):
        assert repository(editor, f"{NEW_FOLDER}/{name}") is None, name

    # the committed folder, put into a copy of the content, passes the lint and builds
    folder = tmp_path / NEW_FOLDER
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(source, encoding="utf-8")
    for photo in photos:
        assert photo_bytes(editor, f"{NEW_FOLDER}/{photo.name}") == photo.read_bytes()
        (folder / photo.name).write_bytes(photo.read_bytes())
    shutil.copytree(ROOT / "content", tmp_path / "content", dirs_exist_ok=True)
    settings = settings_file(tmp_path / "settings.py", **places(tmp_path))
    for task in ("check", "build"):
        result = subprocess.run([sys.executable, "-m", "invoke", task, "--settings",
                                 str(settings)], cwd=ROOT, capture_output=True, text=True,
                                env=task_environment(PYTHONPATH=str(ROOT)), timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "ngay-hoi" not in result.stdout, result.stdout
    page = parse_html(tmp_path / "output/tin/2025/ngay-hoi-doan-vien-khoe/index.html")
    assert [figure.img["alt"] for figure in page.select("article figure")] == [
        "Đoàn viên xuất phát", "Trao giải"]


def test_an_english_version_is_index_en_md_beside_the_unchanged_vietnamese(editor, published):
    base, _ = published
    open_entry(editor, base, TRANSLATED)
    editor.get_by_label("Tiêu đề").nth(1).fill("New Party members admitted on National Day")
    editor.get_by_role("switch").nth(1).click()  # the English body as Markdown text
    body = editor.locator("[data-slate-editor]").last
    body.click()
    body.press_sequentially("Two outstanding Youth Union members joined the Party.")
    save(editor)

    english = draft(editor, f"{TRANSLATED}/index.en.md")
    assert english is not None
    assert english.startswith("Title: New Party members admitted on National Day\n")
    assert "Date: 2024-08-29 16:00\n" in english and "Category: Xây dựng Đảng\n" in english
    assert english.rstrip().endswith("joined the Party.")
    vietnamese = draft(editor, f"{TRANSLATED}/index.md")
    assert vietnamese in (None, (ROOT / TRANSLATED / "index.md").read_text(encoding="utf-8"))
    assert draft(editor, f"{TRANSLATED}/index.vi.md") is None


def not_a_photo(folder: Path) -> Path:
    notes = folder / "bien-ban.jpg"
    notes.write_text("Biên bản hội nghị, không phải ảnh.", encoding="utf-8")
    return notes


def too_many_pixels(folder: Path) -> Path:
    """A photo one row over PHOTO_MAX_PIXELS (60 million), small on disk."""
    return save_image(Image.new("L", (8000, 7501)), folder / "toan-canh.png")


def name_too_long(folder: Path) -> Path:
    """A name that fits the disk but not once the build adds its width to it."""
    return save_image(Image.new("RGB", (40, 30)), folder / ("hoi-nghi-" * 27 + "a.jpg"))


def save_image(image, path: Path) -> Path:
    image.save(path)
    return path


@pytest.mark.parametrize("make, refusal", [
    (not_a_photo, "“bien-ban.jpg” không phải là ảnh"),
    (too_many_pixels, "“toan-canh.png” quá lớn (8000×7501 điểm ảnh, tối đa 60 triệu"),
    (name_too_long, "quá dài: hãy đổi tên tệp ảnh cho ngắn"),
], ids=["not-a-photo", "too-many-pixels", "name-too-long"])
def test_a_photo_the_build_would_refuse_is_refused_before_it_is_sent(editor, tmp_path, make,
                                                                      refusal):
    photo = make(tmp_path)
    start_article(editor, "Ảnh không dùng được")
    add_figure(editor, photo, "Ảnh", "Ảnh hội nghị.")
    editor.get_by_role("button", name="Lưu", exact=True).click()
    editor.get_by_text(refusal).first.wait_for()
    # Decap ends a refused save by rejecting with its own failure action, which nothing catches
    assert editor.errors == ["Object"]
    editor.errors.clear()
    assert editor.evaluate("Object.keys(window.repoFilesUnpublished)") == []
    assert repository(editor, f"{ARTICLES}/2025/anh-khong-dung-duoc") is None


def test_the_preview_shows_figures_with_captions_in_the_sites_styles(editor, published):
    """Decap's own preview online, with the desk's figure component: the same figures and
    captions as the built page, in the site's stylesheets."""
    base, output = published
    open_entry(editor, base, CAPTIONED)
    editor.get_by_title("Toggle preview").click()
    preview = editor.frame_locator("iframe").first
    preview.locator("figure figcaption").first.wait_for()
    shown = [" ".join(text.split())
             for text in preview.locator("figure figcaption").all_inner_texts()]
    site = parse_html(output / "tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.html")
    built = [" ".join(figure.figcaption.get_text().split())
             for figure in site.select("article figure") if figure.figcaption]
    assert shown == built and len(built) >= 2, (shown, built)
    styles = preview.locator("link[rel=stylesheet]").evaluate_all(
        "links => links.map(link => new URL(link.href).pathname)")
    assert any(re.fullmatch(r"/theme/css/[^/]+\.css", style) for style in styles), styles
    frame = next(frame for frame in editor.frames
                 if frame.query_selector(".bantin-desk-preview") is not None)
    assert_accessible(frame, {"include": [[".bantin-desk-preview"]]})


def test_html_in_an_article_does_not_run_in_the_preview(editor, published):
    base, _ = published
    folder = f"{ARTICLES}/2025/bai-co-ma"
    text = ("Title: Bài có mã\nDate: 2025-01-02 08:00\nCategory: Đoàn thanh niên\n\n"
            "Đoạn đầu.\n\n<img src=\"khong-co.jpg\" onerror=\"window.ran = 1\">\n\n"
            "<a href=\"javascript:window.ran = 2\">liên kết</a>\n")
    editor.evaluate("""([folder, text]) => {
        let node = window.repoFiles;
        for (const part of folder.split('/')) { node = node[part] = node[part] || {}; }
        node['index.md'] = {content: text, path: folder + '/index.md'};
    }""", [folder, text])
    open_entry(editor, base, folder)
    editor.get_by_title("Toggle preview").click()
    preview = editor.frame_locator("iframe").first
    preview.get_by_text("Đoạn đầu.").wait_for()
    html = preview.locator(".bt-article").inner_html()
    assert "onerror" not in html and "javascript:" not in html, html
    assert editor.evaluate("window.ran") is None
