"""Photos through the whole build: what readers download, what editors are told."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import CONFERENCE_REPORT_URL, ROOT, SETTINGS_FILE, resolve
from PIL import Image
from test_photos import BAD_FILES, RED, SERIAL, camera_jpeg, close, colour_at

from bantin.build import build
from core.errors import BuildFailed

ARTICLE = """Title: {title}
Slug: {slug}
Date: 2024-05-0{day} 09:00
Category: Đoàn thanh niên
Summary: Bài thử ảnh.
{extra}

{body}
"""


def write_article(content: Path, slug: str, day: int, body: str, extra: str = "") -> Path:
    folder = content / "articles" / "2024" / slug
    folder.mkdir(parents=True, exist_ok=True)
    title = f"Bài {slug}"
    (folder / "index.md").write_text(
        ARTICLE.format(title=title, slug=slug, day=day, extra=extra, body=body), encoding="utf-8"
    )
    return folder


@pytest.fixture
def newsroom(tmp_path):
    """A content folder with one article of camera photos, and the settings to build it."""
    content = tmp_path / "content"
    folder = write_article(
        content, "anh-tu-dien-thoai", 1,
        "![Đại biểu dự hội nghị](IMG_0001.jpg)\n\nĐoạn văn.\n\n![Phát biểu](IMG_0002.jpg)\n",
        extra="Image: logo.png",
    )
    camera_jpeg(folder / "IMG_0001.jpg", orientation=6)
    camera_jpeg(folder / "IMG_0002.jpg", orientation=1)
    logo = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    logo.paste((200, 30, 30, 255), (100, 100, 500, 500))
    logo.save(folder / "logo.png")
    overrides = {
        "PATH": str(content), "PHOTO_CACHE_PATH": str(tmp_path / "cache"), "EDITIONS": ["vi"]
    }
    return content, folder, overrides, tmp_path


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def cache_entries(cache: Path) -> dict[Path, int]:
    return {entry: entry.stat().st_mtime_ns for entry in cache.glob("*/*/photo.json")}


# --- The sample site, built once for the whole suite ---------------------------------------------


def test_conference_report_photos_are_responsive_and_stripped(site, page):
    images = page(CONFERENCE_REPORT_URL).find("article").select("figure picture img")
    assert len(images) == 4
    for index, image in enumerate(images):
        webp = image.find_previous_sibling("source")
        assert webp["type"] == "image/webp"
        assert (image.get("fetchpriority"), image.get("loading")) == (
            ("high", None) if index == 0 else (None, "lazy")
        )
        for srcset in (webp["srcset"], image["srcset"]):
            for candidate in srcset.split(", "):
                url, descriptor = candidate.split()
                published = resolve(site, CONFERENCE_REPORT_URL, url)
                with Image.open(published) as photo:
                    assert photo.width == int(descriptor.removesuffix("w"))
                    assert not photo.getexif() and "exif" not in photo.info
        with Image.open(resolve(site, CONFERENCE_REPORT_URL, image["src"])) as fallback:
            assert fallback.format == "JPEG"
            assert int(image["width"]) / int(image["height"]) == pytest.approx(
                fallback.width / fallback.height, rel=0.01
            )
    folder = site / CONFERENCE_REPORT_URL
    assert not list(folder.glob("IMG_5760.jpg")), "originals are not published by default"


def test_cards_and_open_graph_use_the_first_photo(site, page):
    link = page("linh-vuc/doan-thanh-nien/").select_one(f'a[href$="/{CONFERENCE_REPORT_URL}"]')
    image = link.find_parent("article").select_one("img.bt-card__image")
    assert image["src"].endswith(f"{CONFERENCE_REPORT_URL}IMG_5760-800.jpg")
    assert (image["width"], image["height"]) == ("800", "533")
    for candidate in image["srcset"].split(", "):
        assert (site / candidate.split()[0].lstrip("/")).is_file()
    og = page(CONFERENCE_REPORT_URL).select_one('meta[property="og:image"]')
    assert og["content"].endswith(f"{CONFERENCE_REPORT_URL}IMG_5760-800.jpg")
    assert (site / CONFERENCE_REPORT_URL / "IMG_5760-800.jpg").is_file()


# --- A newsroom of our own: camera photos, bad files, the cache -----------------------------------


def test_camera_photos_are_upright_stripped_and_carded(newsroom):
    content, folder, overrides, tmp = newsroom
    output = build(SETTINGS_FILE, output=tmp / "output", strict=True, overrides=overrides).output
    page_dir = output / "tin" / "2024" / "anh-tu-dien-thoai"
    html = soup(page_dir / "index.html")
    first, second = html.select("figure picture img")
    assert (first["width"], first["height"]) == ("1000", "1600")  # turned upright
    assert (second["width"], second["height"]) == ("1600", "1000")
    published = sorted(
        path.name for path in page_dir.iterdir() if path.suffix in (".webp", ".jpg", ".png")
    )
    assert "IMG_0001.jpg" not in published and "logo.png" not in published
    for name in published:
        data = (page_dir / name).read_bytes()
        assert SERIAL.encode() not in data and b"PhoneMaker" not in data
        with Image.open(page_dir / name) as image:
            assert not image.getexif(), f"{name} keeps EXIF"
            if name.startswith("IMG_0001"):  # red half of the sideways photo now on top
                assert close(colour_at(image, (image.width // 2, image.height // 8)), RED)
    # `Image:` metadata wins for cards: a transparent logo keeps a PNG fallback.
    card = soup(output / "index.html").select_one("img.bt-card__image")
    assert card["src"].endswith("tin/2024/anh-tu-dien-thoai/logo-600.png")
    assert (output / card["src"].lstrip("/")).is_file()


def test_originals_are_published_only_when_settings_say_so(newsroom):
    content, folder, overrides, tmp = newsroom
    overrides["PHOTO_PUBLISH_ORIGINALS"] = True
    output = build(SETTINGS_FILE, output=tmp / "output", strict=True, overrides=overrides).output
    original = output / "tin" / "2024" / "anh-tu-dien-thoai" / "IMG_0001.jpg"
    assert original.read_bytes() == (folder / "IMG_0001.jpg").read_bytes()


def test_second_build_does_no_image_work_and_a_changed_photo_is_redone_alone(newsroom):
    content, folder, overrides, tmp = newsroom
    cache = tmp / "cache"
    build(SETTINGS_FILE, output=tmp / "output", strict=True, overrides=overrides)
    first = cache_entries(cache)
    assert len(first) == 3
    build(SETTINGS_FILE, output=tmp / "output", strict=True, overrides=overrides)
    assert cache_entries(cache) == first
    camera_jpeg(folder / "IMG_0002.jpg", orientation=8)
    build(SETTINGS_FILE, output=tmp / "output", strict=True, overrides=overrides)
    after = cache_entries(cache)
    assert len(set(after) - set(first)) == 1
    assert all(after[entry] == mtime for entry, mtime in first.items())


def bad_article(content: Path) -> Path:
    body = "\n\n".join(f"![Ảnh {index}]({name})" for index, name in enumerate(BAD_FILES))
    folder = write_article(content, "anh-hong", 2, body)
    for name, (_, make) in BAD_FILES.items():
        make(folder / name)
    return folder


def test_bad_photos_are_reported_and_the_rest_of_the_site_builds(newsroom):
    content, _, overrides, tmp = newsroom
    bad_article(content)
    result = build(SETTINGS_FILE, output=tmp / "output", strict=False, overrides=overrides)
    index = "articles/2024/anh-hong/index.md"
    photo_findings = {f.code: str(f) for f in result.findings if f.code.startswith("photo-")}
    assert set(photo_findings) == {code for code, _ in BAD_FILES.values()}
    names = list(BAD_FILES)
    for line in photo_findings.values():
        assert index in line and "\n" not in line
        name = next(name for name in names if name in line)
        assert f"index.md:{names.index(name) * 2 + 8}:" in line  # the line that names it
    assert (result.output / "tin" / "2024" / "anh-tu-dien-thoai" / "IMG_0001-800.webp").is_file()
    assert (result.output / "tin" / "2024" / "anh-hong" / "index.html").is_file()


def test_bad_photos_fail_a_strict_build_and_keep_the_last_good_site(newsroom):
    content, _, overrides, tmp = newsroom
    output = build(SETTINGS_FILE, output=tmp / "output", strict=True, overrides=overrides).output
    before = sorted(output.rglob("*"))
    bad_article(content)
    with pytest.raises(BuildFailed) as failed:
        build(SETTINGS_FILE, output=output, strict=True, overrides=overrides)
    assert {f.code for f in failed.value.findings} >= {"photo-corrupt", "photo-too-large"}
    assert sorted(output.rglob("*")) == before


def test_editors_get_one_line_per_bad_photo_and_no_traceback(newsroom):
    content, _, overrides, tmp = newsroom
    bad_article(content)
    settings = tmp / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {overrides['PATH']!r}\nPHOTO_CACHE_PATH = {overrides['PHOTO_CACHE_PATH']!r}\n"
        f"OUTPUT_PATH = {str(tmp / 'output')!r}\nEDITIONS = ['vi']\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "invoke", "build", "--strict", "--settings", str(settings)],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "BANTIN_DEBUG": ""},
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr + run.stdout
    lines = [line for line in run.stderr.splitlines() if "[photo-" in line]
    assert len(lines) == len(BAD_FILES)
    assert any("bomb.png" in line and "[photo-too-large]" in line for line in lines)


def test_card_photo_named_in_metadata_must_exist(newsroom):
    content, _, overrides, tmp = newsroom
    write_article(content, "anh-bia-thieu", 3, "Không có ảnh trong bài.", extra="Image: bia.jpg")
    result = build(SETTINGS_FILE, output=tmp / "output", strict=False, overrides=overrides)
    [finding] = [f for f in result.findings if f.code.startswith("photo-")]
    assert str(finding).startswith("content/articles/2024/anh-bia-thieu/index.md:6: ")
    assert "bia.jpg" in finding.message and finding.code == "photo-missing"
