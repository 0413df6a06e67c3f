"""The preview session (bantin/preview.py): after an edit of an article's text or photos, only
the pages showing it are rendered again, and the site is then the same, byte for byte, as a
clean build of the same content; any other change takes an ordinary build."""

import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from bantin.build import build
from bantin.placeholder import make_placeholder
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
