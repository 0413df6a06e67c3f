"""The content lint finds each mistake an editor can make, with the right file and line."""

import os
import pickle
import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

import bantin.lint
from bantin.build import load_settings
from core.errors import Finding
from bantin.lint import KNOWN_NAMES, fix_text, lint, lint_file
from conftest import ROOT, SETTINGS_FILE, add_article, run_task, settings_file

GOOD = (
    "Title: Ra quân Chủ nhật xanh\nDate: 2024-03-10 07:30\nCategory: Đoàn thanh niên\n"
    "Tags: tình nguyện\nAuthor: Nguyễn Thị Lan\nSummary: Đoàn viên dọn vệ sinh.\n\n"
    "Sáng 10/3, đoàn viên ra quân.\n\n![Đoàn viên dọn rác](anh.jpg)\n"
)
TODAY = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

# (name, index.md text, expected code, expected line); each case is one article folder.
BROKEN = [
    ("no-metadata", "Ra quân Chủ nhật xanh\n\nNội dung.\n", "malformed-metadata", 1),
    ("missing-title", GOOD.replace("Title: Ra quân Chủ nhật xanh\n", ""), "missing-metadata", 1),
    ("missing-date", GOOD.replace("Date: 2024-03-10 07:30\n", ""), "missing-metadata", 1),
    ("bad-line", GOOD.replace("Tags: tình nguyện", "Tags tình nguyện"), "malformed-metadata", 4),
    ("unknown-field", GOOD.replace("Đoàn thanh niên", "Doan thanh nien"), "unknown-field", 3),
    ("bad-date", GOOD.replace("2024-03-10 07:30", "10/3/2024"), "bad-date", 2),
    ("impossible-date", GOOD.replace("2024-03-10", "2024-02-30"), "bad-date", 2),
    ("empty-title", GOOD.replace("Title: Ra quân Chủ nhật xanh", "Title:"), "empty-metadata", 1),
    ("missing-photo", GOOD.replace("anh.jpg", "khong-co.jpg"), "missing-photo", 10),
    ("no-alt", GOOD.replace("![Đoàn viên dọn rác]", "![]"), "missing-alt", 10),
    ("not-nfc", unicodedata.normalize("NFD", GOOD), "not-nfc", 1),
    ("typo-key", GOOD.replace("Author:", "Autor:"), "unknown-metadata", 5),
    ("future", GOOD.replace("2024-03-10", "2027-01-01"), "scheduled", 2),
    ("broken-link", GOOD + "\nXem [bài cũ](../khong-co/index.md).\n", "broken-link", 12),
    ("unknown-lang", GOOD.replace("Summary:", "Lang: fr\nSummary:"), "unknown-lang", 6),
    ("empty", "\n\n", "empty-file", 1),
    ("tcvn3", GOOD.replace("Sáng 10/3, đoàn viên ra quân.", "Héi nghÞ s¬ kÕt c«ng t¸c ®oµn"),
     "legacy-encoding", 8),
    ("card-photo-missing", GOOD.replace("Summary:", "Image: khong-co.jpg\nSummary:"),
     "photo-missing", 6),
    ("card-photo-url", GOOD.replace("Summary:", "Image: https://example.org/a.jpg\nSummary:"),
     "photo-outside", 6),
    ("photo-outside", GOOD.replace("(anh.jpg)", "(../good/anh.jpg)"), "photo-outside", 10),
    ("photo-absolute", GOOD.replace("(anh.jpg)", "(/etc/passwd)"), "photo-outside", 10),
    ("template", GOOD.replace("Summary:", "Template: ../../etc/passwd\nSummary:"),
     "unknown-template", 6),
    ("status", GOOD.replace("Summary:", "Status: nháp\nSummary:"), "bad-status", 6),
    ("save-as", GOOD.replace("Summary:", "Save_as: x.html\nSummary:"), "refused-metadata", 6),
    ("long-title", GOOD.replace("Ra quân Chủ nhật xanh", "Ra quân " * 40), "too-long", 1),
    ("long-tag", GOOD.replace("tình nguyện", "tình nguyện " * 30), "too-long", 4),
    ("script", GOOD + "\n<script src=\"https://example.org/x.js\"></script>\n", "unsafe-html", 12),
    ("style-attribute", GOOD + '\n<p style="color:red">Đỏ</p>\n', "unsafe-html", 12),
    ("script-in-title", GOOD.replace("Title: Ra quân", "Title: <img src=x onerror=alert(1)>"),
     "unsafe-html", 1),
    ("javascript-link", GOOD + "\n[x](JaVaScRiPt:alert(1))\n", "unsafe-link", 12),
    ("javascript-reference", GOOD + "\n[x][1]\n\n[1]: javascript:alert(1)\n", "unsafe-link", 14),
    ("localhost-link", GOOD + "\n[x](http://localhost:8000/tin/)\n", "unsafe-link", 12),
    ("other-site-photo", GOOD.replace("(anh.jpg)", "(//example.org/anh.jpg)"), "unsafe-link", 10),
    ("raw-img-without-alt", GOOD + '\n<img src="https://example.org/x.png">\n', "unsafe-html", 12),
    ("raw-img", GOOD + '\n<img src="anh.jpg" alt="Ảnh">\n', "raw-photo", 12),
]


PHOTO = (ROOT / "content" / "articles" / "2021" / "hoi-nghi-so-ket-6-thang-dau-nam-2021"
         / "IMG_5760.jpg").read_bytes()


def article_beside_photo(content: Path, name: str, text: str | bytes) -> Path:
    """content/articles/2024/<name>/index.md holding `text`, beside the photo anh.jpg."""
    path = add_article(content, name, date="2024", text=text)
    (path.parent / "anh.jpg").write_bytes(PHOTO)
    return path


@pytest.fixture
def content(tmp_path) -> Path:
    (tmp_path / "content" / "pages").mkdir(parents=True)
    return tmp_path / "content"


def lint_folder(content: Path):
    return lint(load_settings(SETTINGS_FILE, {"PATH": str(content)}), today=TODAY)


def test_good_article_has_no_finding(content):
    article_beside_photo(content, "good", GOOD)
    assert lint_folder(content) == []


@pytest.mark.parametrize("name, text, code, line", BROKEN, ids=[case[0] for case in BROKEN])
def test_each_broken_article_is_found_at_its_line(content, name, text, code, line):
    article_beside_photo(content, name, text)
    findings = [finding for finding in lint_folder(content) if finding.code == code]
    assert findings, lint_folder(content)
    assert findings[0].path == f"content/articles/2024/{name}/index.md"
    assert findings[0].line == line
    assert str(findings[0]).startswith(f"content/articles/2024/{name}/index.md:{line}: ")


def test_html_shown_as_code_is_not_refused(content):
    article_beside_photo(content, "code", GOOD + (
        "\nĐừng dán `<script>` hay ``<iframe src=x>`` vào bài, \\<form> cũng vậy.\n\n"
        "```html\n<script>alert(1)</script>\n```\n\n    <object data=x></object>\n"))
    assert lint_folder(content) == []


def test_unknown_metadata_suggests_the_name_and_lists_every_known_one(content):
    article_beside_photo(content, "typo", GOOD.replace("Summary:", "Sumary:"))
    (finding,) = lint_folder(content)
    assert (finding.code, finding.line, finding.severity) == ("unknown-metadata", 6, "warning")
    assert "Có phải là 'Summary'?" in finding.message
    assert all(name in finding.message for name in KNOWN_NAMES)


@pytest.mark.parametrize("name", ["Image", "Aliases", "Status", "Translation", "Template", "Modified",
                                  "Authors"])
def test_every_name_the_site_reads_is_known(content, name):
    article_beside_photo(content, "known", GOOD.replace("Summary:", f"{name}: anh.jpg\nSummary:"))
    assert "unknown-metadata" not in {finding.code for finding in lint_folder(content)}


def test_a_photo_named_with_other_letter_case_gets_the_real_name(content):
    path = article_beside_photo(content, "case", GOOD.replace("anh.jpg", "img_8101.JPG"))
    (path.parent / "anh.jpg").rename(path.parent / "IMG_8101.jpg")
    (finding,) = lint_folder(content)
    assert finding.code == "missing-photo" and finding.line == 10
    assert "Có phải là 'IMG_8101.jpg'?" in finding.message


@pytest.mark.parametrize("data, code", [
    (b"GIF89a not really", "photo-not-image"),
    (PHOTO[:4000], "photo-corrupt"),
    ("Đây là văn bản.".encode(), "photo-not-image"),
], ids=["fake-gif", "truncated-jpeg", "text-named-jpg"])
def test_photos_are_checked_by_the_photo_pipeline(content, data, code):
    path = article_beside_photo(content, "photo", GOOD)
    (path.parent / "anh.jpg").write_bytes(data)
    (finding,) = lint_folder(content)
    assert (finding.code, finding.line, finding.severity) == (code, 10, "warning")
    assert finding.blocks_publishing
    assert "anh.jpg" in finding.message


def test_photo_verdicts_are_cached_by_content(tmp_path, content, monkeypatch):
    """A second check, or the same bytes under another name, decodes nothing again."""
    article_beside_photo(content, "one", GOOD)
    settings = load_settings(SETTINGS_FILE, {"PATH": str(content),
                                             "PHOTO_CACHE_PATH": str(tmp_path / "photos")})
    assert lint(settings, today=TODAY) == []
    assert len(list((tmp_path / "photos").glob("*/*/photo.json"))) == 1

    def no_work(*args, **kwargs):
        raise AssertionError("a photo was decoded again")

    monkeypatch.setattr("plugins.photos.pipeline.derive", no_work)
    monkeypatch.setattr("plugins.photos.library.derive_into_cache", no_work)
    article_beside_photo(content, "two", GOOD.replace("Ra quân Chủ nhật xanh", "Ra quân lần hai"))
    settings = load_settings(SETTINGS_FILE, {"PATH": str(content),
                                             "PHOTO_CACHE_PATH": str(tmp_path / "photos")})
    assert lint(settings, today=TODAY) == []


def test_folders_broken_links_and_other_suffixes_are_named(content, tmp_path):
    article_beside_photo(content, "good", GOOD)
    (content / "articles" / "2024" / "x.md").mkdir()
    (content / "pages" / "gay.md").symlink_to(tmp_path / "khong-co.md")
    (content / "pages" / "ngoai.markdown").symlink_to(SETTINGS_FILE)
    (content / "articles" / "2024" / "ngoai").symlink_to(ROOT / "content" / "articles" / "2021",
                                                       target_is_directory=True)
    (content / "pages" / "cu.mdown").write_text("Title: Trang cũ\nSlug: cu\nLang: fr\n\nx\n",
                                               encoding="utf-8")
    found = {(str(finding.path), finding.code, finding.severity) for finding in lint_folder(content)}
    assert found == {
        ("content/articles/2024/x.md", "folder-named-like-article", "warning"),
        ("content/pages/gay.md", "broken-symlink", "error"),
        ("content/pages/ngoai.markdown", "source-outside", "error"),
        ("content/articles/2024/ngoai", "source-outside", "error"),
        ("content/pages/cu.mdown", "unknown-lang", "error"),
    }


# Path-like photo and link targets, as an attacker or a fuzzer would write them.
PATH_PARTS = ["..", ".", "%2e%2e", "%2E%2e", "%2F", "%00", "/", "//", "\\", "~", "C:", "anh.jpg",
              "IMG_5760.JPG", "a" * 300, "ả" * 100, "x.md", "index.md", "#", "?", ":", " ", "\x00",
              "file:", "{static}", "data:", "etc", "passwd", "<", ">", "%", "'", '"']
path_like = st.one_of(
    st.lists(st.sampled_from(PATH_PARTS), min_size=1, max_size=8).map("".join),
    st.lists(st.sampled_from(PATH_PARTS), min_size=1, max_size=6).map("/".join),
    st.text(max_size=40),
)


@pytest.fixture(scope="module")
def fuzz_article(tmp_path_factory):
    content = tmp_path_factory.mktemp("fuzz") / "content"
    (content / "pages").mkdir(parents=True)
    path = article_beside_photo(content, "fuzz", GOOD)
    (path.parent / "ngoai.jpg").symlink_to(SETTINGS_FILE)
    return path, load_settings(SETTINGS_FILE, {"PATH": str(content)})


@hypothesis_settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(photo=path_like, link=path_like, card=path_like)
def test_path_like_targets_get_findings_never_an_exception(fuzz_article, photo, link, card):
    path, settings = fuzz_article
    card = " ".join(card.split())
    path.write_text(GOOD.replace("Summary:", f"Image: {card}\nSummary:")
                    + f"\n![Ảnh]({photo})\n\n[Bài]({link})\n\n<img src=\"{photo}\" alt=\"x\">\n",
                    encoding="utf-8")
    _, findings = lint_file(path, "article", settings, TODAY)
    assert all(isinstance(finding, Finding) and finding.message for finding in findings)


def test_unknown_field_suggests_the_right_one(content):
    article_beside_photo(content, "typo", GOOD.replace("Đoàn thanh niên", "Doàn thanh nien"))
    (finding,) = lint_folder(content)
    assert "Có phải là 'Đoàn thanh niên'?" in finding.message


CP1258_TEXT = "Title: Đoàn viên ra quân\nDate: 2024-03-10\nCategory: Đoàn thanh niên\n\nĐoàn.\n"


@pytest.mark.parametrize("raw, code", [
    (GOOD.encode("utf-16"), "encoding-utf16"),
    (CP1258_TEXT.encode("cp1258"), "encoding"),
], ids=["utf-16", "windows-1258"])
def test_files_not_saved_as_utf8_are_explained(content, raw, code):
    article_beside_photo(content, "encoded", raw)
    (finding,) = lint_folder(content)
    assert finding.code == code and finding.is_error


def test_duplicate_slug_names_both_files(content):
    article_beside_photo(content, "one", GOOD)
    article_beside_photo(content, "two", GOOD)
    (finding,) = lint_folder(content)
    assert finding.code == "duplicate-slug"
    assert "content/articles/2024/one/index.md" in finding.message


def test_translation_with_the_same_slug_is_not_a_duplicate(content):
    path = article_beside_photo(content, "one", GOOD)
    (path.parent / "index.en.md").write_text(GOOD.replace("Summary:", "Lang: en\nSummary:"),
                                               encoding="utf-8")
    assert lint_folder(content) == []


def test_fix_converts_text_pasted_in_tcvn3(content):
    path = article_beside_photo(content, "tcvn3", GOOD + "\nHéi nghÞ s¬ kÕt c«ng t¸c ®oµn.\n")
    settings = load_settings(SETTINGS_FILE, {"PATH": str(content)})
    assert fix_text(settings) == [path]
    assert path.read_text(encoding="utf-8").endswith("\nHội nghị sơ kết công tác đoàn.\n")
    assert lint_folder(content) == []


def test_fix_rewrites_nfd_as_nfc(content):
    path = article_beside_photo(content, "nfd", unicodedata.normalize("NFD", GOOD))
    settings = load_settings(SETTINGS_FILE, {"PATH": str(content)})
    assert fix_text(settings) == [path]
    assert path.read_text(encoding="utf-8") == GOOD
    assert lint_folder(content) == []


def test_invoke_check_on_the_sample_content_prints_nothing():
    result = run_task("check")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def settings_for(tmp_path: Path, content: Path) -> Path:
    """A settings file like the project's, reading content from `content`."""
    return settings_file(tmp_path / "settings.py", PATH=content)


def test_invoke_check_fails_on_a_warning_as_publishing_does(tmp_path, content):
    body = "Sáng 10/3, đoàn viên ra quân."
    article_beside_photo(content, "nfd", GOOD.replace(body, unicodedata.normalize("NFD", body)))
    result = run_task("check", "--settings", str(settings_for(tmp_path, content)))
    assert result.returncode == 1
    assert result.stdout.startswith("content/articles/2024/nfd/index.md:8: ")
    assert result.stdout.rstrip().endswith("[not-nfc]")
    assert "Còn 1 điều phải sửa" in result.stderr


def test_invoke_check_exits_1_and_prints_path_line_message(tmp_path, content):
    article_beside_photo(content, "bad", GOOD.replace("2024-03-10 07:30", "hôm qua"))
    result = run_task("check", "--settings", str(settings_for(tmp_path, content)))
    assert result.returncode == 1
    assert result.stdout.startswith(
        "content/articles/2024/bad/index.md:2: Ngày 'hôm qua' không đọc được")
    assert "Traceback" not in result.stdout + result.stderr


def test_invoke_new_creates_an_article_that_builds(tmp_path, content):
    from bantin.build import build

    settings = settings_for(tmp_path, content)
    result = run_task("new", "Hội thi Tìm hiểu Luật Công đoàn năm 2026", "--field", "công đoàn",
                    "--settings", str(settings))
    assert result.returncode == 0, result.stderr
    (path,) = content.glob("articles/*/hoi-thi-tim-hieu-luat-cong-doan-nam-2026/index.md")
    text = path.read_text(encoding="utf-8")
    assert "Title: Hội thi Tìm hiểu Luật Công đoàn năm 2026\n" in text
    assert "Category: Công đoàn\n" in text
    assert "Đã tạo content/articles/" in result.stdout
    (path.parent / "index.md").write_text(text + "Sáng nay, hội thi khai mạc.\n", encoding="utf-8")
    output = tmp_path / "output"
    build(settings, output=output, strict=True)
    page = next(output.glob("tin/*/hoi-thi-tim-hieu-luat-cong-doan-nam-2026/index.html"))
    text = page.read_text(encoding="utf-8").replace("&nbsp;", " ")  # typogrify's widow control
    assert "Sáng nay, hội thi khai mạc." in text
    assert (output / "linh-vuc" / "cong-doan" / "index.html").is_file()


def test_invoke_new_refuses_an_unknown_field(tmp_path, content):
    result = run_task("new", "Tin mới", "--field", "Thể thao", "--settings",
                    str(settings_for(tmp_path, content)))
    assert result.returncode == 1
    assert "Lĩnh vực 'Thể thao' không có" in result.stderr


def test_files_checked_on_every_core_get_the_findings_of_one_process(tmp_path, content, monkeypatch):
    """With enough files the lint shares them out to forked workers: the findings (every broken
    case at once, duplicates across files included), the texts it remembers and the photos it
    judges are those of checking every file here."""
    for name, text, _, _ in BROKEN:
        article_beside_photo(content, name, text)
    article_beside_photo(content, "same-slug", GOOD)  # a duplicate of "good"'s address
    article_beside_photo(content, "good", GOOD)
    broken_photo = article_beside_photo(content, "photo-not-image", GOOD.replace(
        "Ra quân Chủ nhật xanh", "Ảnh hỏng"))
    (broken_photo.parent / "anh.jpg").write_bytes(b"GIF89a not really")
    for number in range(150):
        article_beside_photo(content, f"tin-{number}", GOOD.replace(
            "Ra quân Chủ nhật xanh", f"Ra quân lần {number}").replace(
            "anh.jpg)", "anh.jpg)" if number % 50 else "hong.jpg)"))
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setattr(bantin.lint, "can_fork", lambda: True)  # beside the suite's server thread
    forks = []
    forked_map = bantin.lint.forked_map

    def counting(work, shares, workers):
        forks.append(workers)
        return forked_map(work, shares, workers)

    monkeypatch.setattr(bantin.lint, "forked_map", counting)

    def check(name):
        settings = load_settings(SETTINGS_FILE, {"PATH": str(content),
                                                 "CACHE_PATH": str(tmp_path / f"cache-{name}")})
        findings = lint(settings, today=TODAY)
        memo = next((tmp_path / f"cache-{name}" / "lint").glob("text-*.pickle")).read_bytes()
        return findings, pickle.loads(memo)

    in_workers, in_workers_memo = check("in-workers")
    assert forks == [2]
    monkeypatch.setattr(bantin.lint, "MIN_FILES_PER_WORKER", 10**6)
    here, here_memo = check("here")
    assert forks == [2]
    assert in_workers == here
    assert in_workers_memo == here_memo and len(here_memo) > 150
    codes = {finding.code for finding in in_workers}
    assert {case[2] for case in BROKEN} <= codes
    assert {"duplicate-slug", "missing-photo", "photo-not-image"} <= codes

    # A worker killed mid-way (out of memory, say): the files are checked here instead.
    monkeypatch.setattr(bantin.lint, "MIN_FILES_PER_WORKER", 64)
    parent, lint_file = os.getpid(), bantin.lint.lint_file

    died = tmp_path / "died"

    def dying(path, *args, **kwargs):
        if os.getpid() != parent and path.parent.name == "tin-120":
            died.touch()
            os._exit(9)
        return lint_file(path, *args, **kwargs)

    monkeypatch.setattr(bantin.lint, "lint_file", dying)
    lost, lost_memo = check("lost")
    assert forks == [2, 2] and died.exists()
    assert lost == here and lost_memo == here_memo
