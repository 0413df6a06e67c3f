"""The content lint finds each mistake an editor can make, with the right file and line."""

import subprocess
import sys
import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bantin.build import load_settings
from bantin.lint import fix_text, lint
from conftest import ROOT, SETTINGS_FILE

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
]


def write_article(content: Path, name: str, text: str | bytes) -> Path:
    folder = content / "articles" / "2024" / name
    folder.mkdir(parents=True)
    (folder / "anh.jpg").write_bytes(b"")
    path = folder / "index.md"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


@pytest.fixture
def content(tmp_path) -> Path:
    (tmp_path / "content" / "pages").mkdir(parents=True)
    return tmp_path / "content"


def lint_folder(content: Path):
    return lint(load_settings(SETTINGS_FILE, {"PATH": str(content)}), today=TODAY)


def test_good_article_has_no_finding(content):
    write_article(content, "good", GOOD)
    assert lint_folder(content) == []


@pytest.mark.parametrize("name, text, code, line", BROKEN, ids=[case[0] for case in BROKEN])
def test_each_broken_article_is_found_at_its_line(content, name, text, code, line):
    write_article(content, name, text)
    findings = [finding for finding in lint_folder(content) if finding.code == code]
    assert findings, lint_folder(content)
    assert findings[0].path == f"content/articles/2024/{name}/index.md"
    assert findings[0].line == line
    assert str(findings[0]).startswith(f"content/articles/2024/{name}/index.md:{line}: ")


def test_unknown_field_suggests_the_right_one(content):
    write_article(content, "typo", GOOD.replace("Đoàn thanh niên", "Doàn thanh nien"))
    (finding,) = lint_folder(content)
    assert "Có phải là 'Đoàn thanh niên'?" in finding.message


CP1258_TEXT = "Title: Đoàn viên ra quân\nDate: 2024-03-10\nCategory: Đoàn thanh niên\n\nĐoàn.\n"


@pytest.mark.parametrize("raw, code", [
    (GOOD.encode("utf-16"), "encoding-utf16"),
    (CP1258_TEXT.encode("cp1258"), "encoding"),
], ids=["utf-16", "windows-1258"])
def test_files_not_saved_as_utf8_are_explained(content, raw, code):
    write_article(content, "encoded", raw)
    (finding,) = lint_folder(content)
    assert finding.code == code and finding.is_error


def test_duplicate_slug_names_both_files(content):
    write_article(content, "one", GOOD)
    write_article(content, "two", GOOD)
    (finding,) = lint_folder(content)
    assert finding.code == "duplicate-slug"
    assert "content/articles/2024/one/index.md" in finding.message


def test_translation_with_the_same_slug_is_not_a_duplicate(content):
    path = write_article(content, "one", GOOD)
    (path.parent / "index.en.md").write_text(GOOD.replace("Summary:", "Lang: en\nSummary:"),
                                               encoding="utf-8")
    assert lint_folder(content) == []


def test_fix_converts_text_pasted_in_tcvn3(content):
    path = write_article(content, "tcvn3", GOOD + "\nHéi nghÞ s¬ kÕt c«ng t¸c ®oµn.\n")
    settings = load_settings(SETTINGS_FILE, {"PATH": str(content)})
    assert fix_text(settings) == [path]
    assert path.read_text(encoding="utf-8").endswith("\nHội nghị sơ kết công tác đoàn.\n")
    assert lint_folder(content) == []


def test_fix_rewrites_nfd_as_nfc(content):
    path = write_article(content, "nfd", unicodedata.normalize("NFD", GOOD))
    settings = load_settings(SETTINGS_FILE, {"PATH": str(content)})
    assert fix_text(settings) == [path]
    assert path.read_text(encoding="utf-8") == GOOD
    assert lint_folder(content) == []


def test_invoke_check_on_the_sample_content_prints_nothing():
    result = subprocess.run([sys.executable, "-m", "invoke", "check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def settings_for(tmp_path: Path, content: Path) -> Path:
    """A settings file like the project's, reading content from `content`."""
    settings = tmp_path / "settings.py"
    settings.write_text(f"from pelicanconf import *\nPATH = {str(content)!r}\n", encoding="utf-8")
    return settings


def invoke(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=ROOT,
                          capture_output=True, text=True)


def test_invoke_check_exits_1_and_prints_path_line_message(tmp_path, content):
    write_article(content, "bad", GOOD.replace("2024-03-10 07:30", "hôm qua"))
    result = invoke("check", "--settings", str(settings_for(tmp_path, content)))
    assert result.returncode == 1
    assert result.stdout.startswith(
        "content/articles/2024/bad/index.md:2: Ngày 'hôm qua' không đọc được")
    assert "Traceback" not in result.stdout + result.stderr


def test_invoke_new_creates_an_article_that_builds(tmp_path, content):
    from bantin.build import build

    settings = settings_for(tmp_path, content)
    result = invoke("new", "Hội thi Tìm hiểu Luật Công đoàn năm 2026", "--field", "công đoàn",
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
    result = invoke("new", "Tin mới", "--field", "Thể thao", "--settings",
                    str(settings_for(tmp_path, content)))
    assert result.returncode == 1
    assert "Lĩnh vực 'Thể thao' không có" in result.stderr
