"""Photos as an attacker or a failing machine would give them: references that leave the
article's folder, damaged caches, names that collide, photos that cannot be decoded."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import (BLUE, RED, ROOT, SETTINGS_FILE, camera_jpeg, close, colour_at, parse_html,
                      photo_article, run_task, settings_file, snapshot, truncated_jpeg, two_halves)
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from PIL import Image

from bantin.build import build, load_settings, run_pelican
from core.errors import BuildFailed
from plugins.photos import write_published
from core.source import photo_inside
from plugins.photos.library import PhotoLibrary

BODY_LINE = 8  # the first body line of conftest.photo_article's article
META_LINE = 6  # its `extra` metadata line


@pytest.fixture
def site(tmp_path):
    """A content folder with one good article, a foreign folder beside the project holding a
    real photo, and the overrides that keep every cache under tmp_path."""
    content = tmp_path / "content"
    good = photo_article(content, "bai-tot", 1, "![Đại biểu dự hội nghị](IMG_0001.jpg)\n")
    camera_jpeg(good / "IMG_0001.jpg")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    two_halves((900, 600)).save(foreign / "evil.png")
    overrides = {"PATH": str(content), "PHOTO_CACHE_PATH": str(tmp_path / "cache" / "photos"),
                 "CACHE_PATH": str(tmp_path / "cache" / "pelican"), "EDITIONS": ["vi"]}
    return content, foreign, overrides, tmp_path


def strict_build_command(tmp: Path, overrides: dict, output: Path) -> subprocess.CompletedProcess:
    """`invoke build --strict` as an editor or CI runs it, on these overrides."""
    settings = settings_file(tmp / "settings.py", **overrides, OUTPUT_PATH=output)
    return run_task("build", "--strict", "--settings", str(settings),
                    env={**os.environ, "BANTIN_DEBUG": ""})


def page(output: Path, slug: str) -> BeautifulSoup:
    return parse_html(output / "tin" / "2024" / slug / "index.html")


# --- References that leave the article's folder --------------------------------------------------


def link_file(folder: Path, foreign: Path) -> None:
    (folder / "evil.png").symlink_to(foreign / "evil.png")


def link_folder(folder: Path, foreign: Path) -> None:
    (folder / "anh").symlink_to(foreign, target_is_directory=True)


def neighbour(folder: Path, foreign: Path) -> None:
    camera_jpeg(folder.parent / "bai-tot" / "IMG_0009.jpg")


# case -> (Markdown body or `Image:` line, preparation, line of the finding)
HOSTILE = {
    "parent-folders": ("![x](../../../../foreign/evil.png)", None, BODY_LINE),
    "windows-path": ("![x](C:\\Users\\evil.png)", None, BODY_LINE),
    "symlinked-photo": ("![x](evil.png)", link_file, BODY_LINE),
    "symlinked-folder": ("![x](anh/evil.png)", link_folder, BODY_LINE),
    "other-article": ("![x](../bai-tot/IMG_0009.jpg)", neighbour, BODY_LINE),
    "there-and-back": ("![x](anh/../evil.png)", link_folder, BODY_LINE),
    "card-photo": ("Image: ../../../../foreign/evil.png", None, META_LINE),
}


def hostile_article(content: Path, foreign: Path, case: str) -> tuple[str, int]:
    """The article bai-doc referring to a photo as HOSTILE[case] does: the reference, its line."""
    reference, prepare, line = HOSTILE[case]
    reference = reference.format(foreign=foreign)
    body, extra = ("Không có ảnh.", reference) if case == "card-photo" else (reference, "")
    folder = photo_article(content, "bai-doc", 2, body, extra=extra)
    if prepare:
        prepare(folder, foreign)
    return reference, line


@pytest.mark.parametrize("case", HOSTILE)
def test_a_photo_outside_the_article_folder_is_refused_and_nothing_is_written_outside(site, case):
    content, foreign, overrides, tmp = site
    output = tmp / "output"
    build(SETTINGS_FILE, output=output, strict=True, overrides=overrides)
    before, around = snapshot(output), sorted(path.name for path in tmp.iterdir())
    reference, line = hostile_article(content, foreign, case)
    foreign_before, content_before = snapshot(foreign), snapshot(content)

    run = strict_build_command(tmp, overrides, output)

    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    where = f"content/articles/2024/bai-doc/index.md:{line}: "
    named = [text for text in run.stderr.splitlines() if text.startswith(where)]
    assert named and all(reference.split("(")[-1].rstrip(")").split(": ")[-1] in text
                         for text in named)
    assert snapshot(output) == before  # output/ byte-identical after the failed strict build
    assert snapshot(foreign) == foreign_before  # no evil-480.jpg beside the foreign photo
    assert snapshot(content) == content_before
    assert sorted(path.name for path in tmp.iterdir()) == around + ["settings.py"]

    preview = build(SETTINGS_FILE, output=tmp / "preview", strict=False, overrides=overrides)
    assert any(f.line == line and "bai-doc" in str(f.path) for f in preview.findings)
    assert snapshot(foreign) == foreign_before
    assert not list((tmp / "preview").rglob("*evil*"))


@pytest.mark.parametrize("case", HOSTILE)
def test_the_photo_plugin_itself_refuses_a_photo_outside_the_article_folder(site, case):
    """The build's own rule, whatever the lint says first: a reference that leaves the folder is
    one `photo-outside` finding, never a read of the file, never a write beside it."""
    content, foreign, overrides, tmp = site
    reference, line = hostile_article(content, foreign, case)
    foreign_before = snapshot(foreign)
    findings = run_pelican(SETTINGS_FILE, overrides, tmp / "out", {}, tmp / "previous")
    [finding] = [f for f in findings if "bai-doc" in str(f.path)]
    assert (finding.line, finding.code) == (line, "photo-outside")
    assert snapshot(foreign) == foreign_before
    assert not list((tmp / "out").rglob("*evil*"))
    if case != "card-photo":  # the preview shows the refusal where the photo would be
        box = page(tmp / "out", "bai-doc").select_one(".bt-photo-error")
        assert "nằm ngoài thư mục bài viết" in box.get_text()


@hypothesis_settings(max_examples=300, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(src=st.lists(st.sampled_from(["..", ".", "anh", "evil.png", "", "/", "a\\b", "~",
                                     "%2e%2e", "x" * 300, "\x00", "ảnh"]), max_size=6)
       .map("/".join))
def test_photo_inside_never_answers_a_path_outside_the_folder(tmp_path, src):
    folder = tmp_path / "bai"
    (folder / "anh").mkdir(parents=True, exist_ok=True)
    if not (folder / "evil.png").is_symlink():
        (folder / "evil.png").symlink_to(tmp_path / "evil.png")
    inside = photo_inside(folder, src)
    if inside is not None:
        assert folder.resolve() in inside.resolve().parents
        assert ".." not in Path(src).parts and not src.startswith("/")


def test_an_absolute_path_is_a_site_address_never_read_as_a_photo(site):
    """`/images/logo.svg` is an address of the site (the lint judges it); a file-system path
    written the same way is never opened, derived or written beside."""
    content, foreign, overrides, tmp = site
    photo_article(content, "bai-doc", 2, f"![x]({foreign}/evil.png)")
    foreign_before = snapshot(foreign)
    findings = run_pelican(SETTINGS_FILE, overrides, tmp / "out", {}, tmp / "previous")
    assert [f for f in findings if "bai-doc" in str(f.path) and f.code.startswith("photo")] == []
    assert page(tmp / "out", "bai-doc").find("article").find("img")["src"] == f"{foreign}/evil.png"
    assert len(entries(tmp)) == 1  # the good article's photo only: evil.png was not derived
    assert snapshot(foreign) == foreign_before
    assert not list((tmp / "out").rglob("*evil*"))


# --- Damaged caches --------------------------------------------------------------------------


def entries(tmp: Path) -> list[Path]:
    return sorted((tmp / "cache" / "photos").glob("*/*/photo.json"))


def published_photos(output: Path) -> dict[str, bytes]:
    return {name: data for name, data in snapshot(output).items()
            if name.startswith("tin/") and name.endswith((".jpg", ".webp", ".png"))}


def assert_whole(output: Path, expected: dict[str, bytes]) -> None:
    """Every published photo is there, decodes, and has the bytes of a clean build."""
    photos = published_photos(output)
    assert photos == expected
    for name in photos:
        with Image.open(output / name) as image:
            image.load()
    img = page(output, "bai-tot").select_one("picture img")
    assert img is not None and (output / "tin" / "2024" / "bai-tot" / img["src"]).is_file()


def truncate_manifests(tmp: Path) -> None:
    for manifest in entries(tmp):
        manifest.write_bytes(manifest.read_bytes()[:20])


def truncate_manifests_then_edit(tmp: Path) -> None:
    """The reader's cache no longer has the article: its photos are looked up again."""
    truncate_manifests(tmp)
    edit_articles(tmp)


def edit_articles(tmp: Path) -> None:
    for source in (tmp / "content").rglob("index.md"):
        source.write_text(source.read_text("utf-8") + "\nThêm một câu.\n", encoding="utf-8")


def truncate_one_image(tmp: Path) -> None:
    image = next(entries(tmp)[0].parent.glob("800.jpg"))
    image.write_bytes(image.read_bytes()[:500])


def rewrite_one_image(tmp: Path) -> None:  # same size, other bytes
    image = next(entries(tmp)[0].parent.glob("800.webp"))
    data = bytearray(image.read_bytes())
    data[len(data) // 2] ^= 0xFF
    image.write_bytes(bytes(data))


def delete_one_entry(tmp: Path) -> None:
    shutil.rmtree(entries(tmp)[0].parent)


def delete_the_photo_cache(tmp: Path) -> None:  # the reader's cache still has the markup
    shutil.rmtree(tmp / "cache" / "photos")


DAMAGE = [truncate_manifests, truncate_manifests_then_edit, truncate_one_image, rewrite_one_image,
          delete_one_entry,
          delete_the_photo_cache]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda damage: damage.__name__)
def test_a_damaged_photo_cache_never_reaches_the_site_and_is_repaired(site, damage):
    content, _, overrides, tmp = site
    output = tmp / "output"
    build(SETTINGS_FILE, output=output, strict=True, overrides=overrides)
    clean = published_photos(output)
    assert len(clean) == 14  # 480, 800, 1200 and 1600, and 160-320 for cards, WebP and JPEG

    cached = {path.stat().st_ino for path in (tmp / "cache" / "photos").rglob("*.*")}
    assert not cached & {(output / name).stat().st_ino for name in clean}  # no links into it
    damage(tmp)
    assert published_photos(output) == clean  # copies: damage to the cache stops there

    build(SETTINGS_FILE, output=output, strict=True, overrides=overrides)
    assert_whole(output, clean)
    assert len(entries(tmp)) == 1
    build(SETTINGS_FILE, output=output, strict=True, overrides=overrides)  # and stays repaired
    assert_whole(output, clean)


def test_a_cache_that_cannot_be_written_fails_a_strict_build_naming_the_photo(site):
    content, _, overrides, tmp = site
    output = tmp / "output"
    blocked = tmp / "not-a-folder"
    blocked.write_text("")
    overrides = {**overrides, "PHOTO_CACHE_PATH": str(blocked)}
    with pytest.raises(BuildFailed) as failed:
        build(SETTINGS_FILE, output=output, strict=True, overrides=overrides)
    [finding] = failed.value.findings
    assert finding.code == "photo-cache" and finding.line == BODY_LINE
    assert str(finding.path).endswith("articles/2024/bai-tot/index.md")
    assert not output.exists()


def test_two_builds_racing_on_a_damaged_cache_both_publish_every_photo(site):
    content, _, overrides, tmp = site
    for day, slug in enumerate(("mot", "hai", "ba"), start=2):
        folder = photo_article(content, slug, day, f"![Ảnh {slug}](IMG_{slug}.jpg)\n")
        camera_jpeg(folder / f"IMG_{slug}.jpg", orientation=day)
    build(SETTINGS_FILE, output=tmp / "clean", strict=True, overrides=overrides)
    clean = published_photos(tmp / "clean")
    truncate_manifests_then_edit(tmp)
    outputs = [tmp / "a", tmp / "b"]
    runs = [subprocess.Popen(
        [sys.executable, "-c",
         "from bantin.build import build; "
         f"build({str(SETTINGS_FILE)!r}, output={str(output)!r}, strict=True, "
         f"overrides={overrides!r})"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for output in outputs]
    for process in runs:
        _, stderr = process.communicate()
        assert process.returncode == 0, stderr
    for output in outputs:
        assert published_photos(output) == clean


# --- Findings survive the reader's cache ----------------------------------------------------------


def test_a_bad_photo_gets_the_same_findings_on_every_build(site):
    content, _, overrides, tmp = site
    folder = photo_article(content, "anh-hong", 2,
                           "![Ảnh hỏng](hong.jpg)\n\n![Ảnh lạ](la.jpg)\n")
    truncated_jpeg(folder / "hong.jpg")
    (folder / "la.jpg").write_text("Biên bản hội nghị", encoding="utf-8")

    def findings(run: int):
        found = run_pelican(SETTINGS_FILE, overrides, tmp / f"out-{run}", {}, tmp / "previous")
        return sorted((str(f.path), f.line, f.code) for f in found)

    first = findings(1)
    assert [(line, code) for _, line, code in first] == [
        (BODY_LINE, "photo-corrupt"), (BODY_LINE + 2, "photo-not-image")]
    assert any((tmp / "cache" / "pelican" / "reader").rglob("*"))  # the second run reads it
    assert findings(2) == first
    assert findings(3) == first


# --- Names that collide ---------------------------------------------------------------------------


def test_photos_differing_only_by_extension_publish_under_distinct_names(site):
    content, _, overrides, tmp = site
    folder = photo_article(content, "ban-do", 2,
                           "![JPEG](gps.jpg)\n\n![PNG](gps.png)\n\n![WebP](gps.webp)\n")
    colours = {"jpg": RED, "png": BLUE, "webp": (20, 160, 20)}
    for extension, colour in colours.items():
        Image.new("RGB", (900, 600), colour).save(folder / f"gps.{extension}")
    output = build(SETTINGS_FILE, output=tmp / "output", strict=True, overrides=overrides).output
    images = page(output, "ban-do").select(".bt-article__body picture img")  # not the related cards
    assert [img["src"] for img in images] == ["gps-jpg-800.jpg", "gps-png-800.jpg",
                                              "gps-webp-800.jpg"]
    for img, colour in zip(images, colours.values()):
        with Image.open(output / "tin" / "2024" / "ban-do" / img["src"]) as published:
            assert close(colour_at(published.convert("RGB"), (400, 300)), colour)
    assert (output / "tin" / "2024" / "bai-tot" / "IMG_0001-800.jpg").is_file()  # unchanged


def test_names_made_to_collide_are_refused_naming_both_photos(site):
    content, _, overrides, tmp = site
    folder = photo_article(content, "trung-ten", 2,
                           "![A](gps.png)\n\n![B](gps.jpg)\n\n![C](gps-png.jpg)\n")
    for name in ("gps.png", "gps.jpg", "gps-png.jpg"):
        Image.new("RGB", (900, 600), RED).save(folder / name)
    with pytest.raises(BuildFailed) as failed:
        build(SETTINGS_FILE, output=tmp / "output", strict=True, overrides=overrides)
    [clash] = [f for f in failed.value.findings if f.code == "photo-name-clash"]
    assert "gps.png" in clash.message and "gps-png.jpg" in clash.message
    assert clash.line in (BODY_LINE, BODY_LINE + 4)


# --- The preview shows what it cannot publish --------------------------------------------------


def test_the_preview_shows_a_labelled_box_for_a_photo_it_cannot_decode(site):
    content, _, overrides, tmp = site
    folder = photo_article(content, "anh-loi", 2, "![Toàn cảnh hội trường](IMG_5760.jpg)\n")
    truncated_jpeg(folder / "IMG_5760.jpg")
    output = build(SETTINGS_FILE, output=tmp / "output", strict=False, overrides=overrides).output
    article = page(output, "anh-loi").find("article")
    box = article.select_one("figure .bt-photo-error")
    assert box is not None and box.name == "span"
    assert "Ảnh “IMG_5760.jpg” không đọc được." in box.get_text()
    assert "bị hỏng" in box.get_text()
    assert article.find("img", src="IMG_5760.jpg") is None  # no broken image in its place
    assert "Toàn cảnh hội trường" in article.find("figure").get_text()  # its caption stays
    css = (output / "theme" / "css").glob("site*.css")
    assert any(".bt-photo-error" in path.read_text("utf-8") for path in css)
    with pytest.raises(BuildFailed) as failed:
        build(SETTINGS_FILE, output=tmp / "strict", strict=True, overrides=overrides)
    assert [f.code for f in failed.value.findings] == ["photo-corrupt"]


def test_the_one_writer_of_published_photos_refuses_any_path_outside_the_output(tmp_path):
    output, foreign = tmp_path / "output", tmp_path / "foreign"
    (output / "tin" / "bai").mkdir(parents=True)
    foreign.mkdir()
    (output / "tin" / "bai" / "anh").symlink_to(foreign, target_is_directory=True)
    (output / "tin" / "bai" / "lien-ket.jpg").symlink_to(foreign / "x.jpg")
    page = output / "tin" / "bai"
    checked = set()  # as a page's photos share it: its own folder, once found safe
    assert write_published(b"data", page / "IMG_2-480.jpg", output, checked) is True
    for name in ("../../../foreign/evil-480.jpg", "anh/evil-480.jpg", "lien-ket.jpg",
                 str(foreign / "evil-480.jpg")):
        assert write_published(b"data", page / name, output) is False
        assert write_published(b"data", page / name, output, checked) is False
    assert list(foreign.iterdir()) == []
    assert write_published(b"data", page / "con" / "IMG_1-480.jpg", output) is True
    assert (page / "con" / "IMG_1-480.jpg").read_bytes() == b"data"
    assert write_published(b"new", page / "IMG_2-480.jpg", output, checked) is True
    assert (page / "IMG_2-480.jpg").read_bytes() == b"new"  # replaced, not written through


PATH_PIECES = ["..", ".", "", "anh", "evil.png", "IMG_1.jpg", "lien-ket", "/", "\\", "%2e%2e",
               "~", "x" * 260, "ảnh", "\x00", "C:", "foreign"]


@hypothesis_settings(max_examples=200, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(src=st.lists(st.sampled_from(PATH_PIECES), min_size=1, max_size=6).map("/".join))
def test_path_like_photo_names_never_read_or_write_outside(tmp_path_factory, src):
    """The build's photo steps on any path-like name: a finding or a photo inside the folder,
    never an exception, never a file written outside the output folder."""
    tmp = tmp_path_factory.mktemp("paths")
    folder, foreign, output = tmp / "bai", tmp / "foreign", tmp / "output"
    (folder / "anh").mkdir(parents=True)
    foreign.mkdir()
    output.mkdir()
    two_halves((500, 300)).save(foreign / "evil.png")
    two_halves((500, 300)).save(folder / "IMG_1.jpg")
    (folder / "lien-ket").symlink_to(foreign, target_is_directory=True)
    (folder / "evil.png").symlink_to(foreign / "evil.png")
    settings = load_settings(SETTINGS_FILE, {"PHOTO_CACHE_PATH": str(tmp / "cache")})
    library = PhotoLibrary(settings)

    photo = library.photo(folder, src)

    if photo.derived is None:
        assert photo.error.code in {"photo-outside", "photo-missing", "photo-not-image",
                                    "photo-unreadable"}
    else:
        assert folder.resolve() in photo.source.resolve().parents
        for variant in photo.derived.variants:
            data = library.published_bytes(photo, variant)
            write_published(data, output / "tin" / photo.file_name(variant), output)
    assert sorted(path.name for path in foreign.iterdir()) == ["evil.png"]
    assert sorted(path.name for path in tmp.iterdir()) == ["bai", "cache", "foreign", "output"] \
        or sorted(path.name for path in tmp.iterdir()) == ["bai", "foreign", "output"]


def test_a_build_removes_what_killed_builds_left_in_the_photo_cache(site):
    content, _, overrides, tmp = site
    build(SETTINGS_FILE, output=tmp / "output", strict=True, overrides=overrides)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    shelf = tmp / "cache" / "photos" / "ab"
    leftovers = [shelf / f"ab12.tmp-{gone}-0a1b", shelf / "ab34.damaged-5c6d"]
    running = shelf / f"ab56.tmp-{os.getpid()}-7e8f"  # a build still writing it
    for folder in [*leftovers, running]:
        folder.mkdir(parents=True)
        (folder / "800.webp").write_bytes(b"half")
    build(SETTINGS_FILE, output=tmp / "output", strict=True, overrides=overrides)
    assert [path for path in leftovers if path.exists()] == []
    assert running.exists()


def test_a_photo_the_cache_can_no_longer_give_fails_a_strict_build_after_a_good_one(site):
    """The reader's cache still has the article's markup, the photo cache is gone and cannot be
    made again: the page is not published without its photo."""
    content, _, overrides, tmp = site
    output = tmp / "output"
    build(SETTINGS_FILE, output=output, strict=True, overrides=overrides)
    before = snapshot(output)
    shutil.rmtree(tmp / "cache" / "photos")
    (tmp / "cache" / "photos").write_text("")
    with pytest.raises(BuildFailed) as failed:
        build(SETTINGS_FILE, output=output, strict=True, overrides=overrides)
    [finding] = failed.value.findings
    assert (finding.code, finding.line) == ("photo-cache", BODY_LINE)
    assert "IMG_0001.jpg" in finding.message
    assert snapshot(output) == before
