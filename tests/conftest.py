"""Shared fixtures and helpers: the sample site built once per session in strict mode, a
workplace of its own for a test that changes content, the article file format, settings files
for tasks run as subprocesses, and the way from a site address to its built file."""

import io
import os
import shutil
import socket
import subprocess
import struct
import sys
import time
import urllib.request
import zlib
from contextlib import contextmanager
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image, ImageCms, ImageOps

from bantin.build import build, load_settings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "pelicanconf.py"
SEED = ROOT / "tests" / "fixtures" / "seed" / "conference-report.txt"  # the old portal's page as saved
CONFERENCE_REPORT_URL = "tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/"
PUBLIC_SITEURL = "https://bantin.example.org"


def pytest_collection_modifyitems(items):
    """Every test that drives Chromium (through the `browser` fixture) or lives in tests/browser/
    carries the `browser` mark, so that `pytest -m "not browser"` never starts Chromium."""
    unmarked = [item.nodeid for item in items
                if ("browser" in getattr(item, "fixturenames", ())
                    or ROOT / "tests" / "browser" in item.path.parents)
                and item.get_closest_marker("browser") is None]
    if unmarked:
        raise pytest.UsageError("Chromium without the browser mark: " + ", ".join(unmarked))


@pytest.fixture(scope="session")
def settings() -> dict:
    return load_settings(SETTINGS_FILE)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The sample site built as publishing builds it (strict: any warning fails)."""
    output = tmp_path_factory.mktemp("site") / "output"
    build(SETTINGS_FILE, output=output, strict=True)
    return output


@pytest.fixture(scope="session")
def public_site(tmp_path_factory) -> Path:
    """The sample site built with an absolute SITEURL (PUBLIC_SITEURL), as publishing builds it."""
    output = tmp_path_factory.mktemp("public") / "output"
    return build(SETTINGS_FILE, output=output, strict=True,
                 overrides={"SITEURL": PUBLIC_SITEURL}).output


@pytest.fixture(scope="session")
def page(site):
    """Parse a built page by its address: page("tin/2021/x/") -> BeautifulSoup."""
    return lambda url: parse_html(url_file(site, url))


# --- Pages and addresses --------------------------------------------------------------------------
def parse_html(source: Path | str) -> BeautifulSoup:
    """A page parsed as browsers read it: from a file (UTF-8) or from its text."""
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    return BeautifulSoup(text, "html.parser")


def switcher(page: BeautifulSoup) -> dict[str, str | None]:
    """lang -> href of the language switcher (None for the current language, not a link)."""
    nav = page.select_one("nav.bt-language")
    assert nav is not None and nav.get("aria-label"), "no labelled language switcher"
    return {item["lang"]: item.get("href") for item in nav.select("[lang]")}


def alternates(page: BeautifulSoup) -> dict[str, str]:
    """hreflang -> href of the page's alternate-language links."""
    return {link["hreflang"]: link["href"] for link in page.select('link[rel="alternate"][hreflang]')}


def url_file(site: Path, url: str) -> Path:
    """The built file a site-relative address names, with or without its leading slash; an
    address ending in / (the home page: "" or "/") names the folder's index.html."""
    path = site / url.lstrip("/")
    return path / "index.html" if not url or url.endswith("/") else path


def resolve(site: Path, page_url: str, href: str) -> Path:
    """The output file a link or image source of the page at `page_url` points to."""
    target = href.split("#", 1)[0].split("?", 1)[0]
    path = url_file(site, target if target.startswith("/") else page_url.strip("/") + "/" + target)
    return path / "index.html" if path.is_dir() else path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder with its bytes, to prove that a failure changed nothing."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# --- Content and settings of a test's own ---------------------------------------------------------
@pytest.fixture
def workplace(tmp_path) -> Path:
    """A folder of the test's own holding a copy of the sample content in content/, to edit and
    build without touching the project's."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path


@pytest.fixture
def new_site(tmp_path) -> Path:
    """A site of the test's own: an empty content/ (but the share image) and settings.py
    (preview) and publish.py (publishing) that read it and write output/ and cache/ beside it."""
    (tmp_path / "content" / "articles").mkdir(parents=True)
    (tmp_path / "content" / "pages").mkdir()
    shutil.copytree(ROOT / "content" / "images", tmp_path / "content" / "images")
    for name, base in (("settings.py", "pelicanconf"), ("publish.py", "publishconf")):
        settings_file(tmp_path / name, base, **places(tmp_path))
    return tmp_path


def places(folder: Path) -> dict[str, str]:
    """Settings that put a build's content, output and cache in `folder`."""
    return {"PATH": str(folder / "content"), "OUTPUT_PATH": str(folder / "output"),
            "CACHE_PATH": str(folder / "cache")}


def settings_file(path: Path, base: str = "pelicanconf", **values) -> Path:
    """A settings file at `path` for a task run as a subprocess: everything of `base`
    (pelicanconf or publishconf), then `values` (a Path is written as its text)."""
    path.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom {base} import *  # noqa\n"
        + "".join(f"{name} = {str(value) if isinstance(value, Path) else value!r}\n"
                  for name, value in values.items()),
        encoding="utf-8")
    return path


def article_text(title: str = "Bài thử", date: str = "2021-08-01 08:00",
                 category: str = "Công đoàn", metadata: str = "", body: str = "Nội dung.") -> str:
    """An article file as editors write it; `metadata` adds lines such as "Status: draft\\n"
    after Title, Date and Category (lines 1 to 3)."""
    return f"Title: {title}\nDate: {date}\nCategory: {category}\n{metadata}\n{body}\n"


def add_article(content: Path, slug: str, title: str = "Bài thử", date: str = "2021-08-01 08:00",
                metadata: str = "", body: str = "Nội dung.", *, category: str = "Công đoàn",
                text: str | bytes | None = None) -> Path:
    """content/articles/<year of date>/<slug>/index.md holding an article (article_text), or
    `text` as it is (bytes for a file in another encoding)."""
    folder = content / "articles" / date[:4] / slug
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "index.md"
    if text is None:
        text = article_text(title, date, category, metadata, body)
    source.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return source


# --- Photos made here, as editors' cameras and phones give them ------------------------------------
SERIAL = "SN-4242-PRIVATE"  # the camera's serial number, which no published file may carry
RED, BLUE = (220, 20, 20), (20, 20, 220)


def two_halves(size=(1600, 1000), first=RED, second=BLUE, mode="RGB") -> Image.Image:
    """Left half `first`, right half `second`: which side ends up on top shows the rotation."""
    image = Image.new(mode, size, second)
    image.paste(first, (0, 0, size[0] // 2, size[1]))
    return image


def personal_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: orientation, maker, serial, author and location."""
    exif = Image.Exif()
    exif[ImageOps.ExifTags.Base.Orientation] = orientation
    exif[ImageOps.ExifTags.Base.Make] = "PhoneMaker"
    exif[ImageOps.ExifTags.Base.BodySerialNumber] = SERIAL
    exif[ImageOps.ExifTags.Base.Artist] = "Nguyễn Văn A"
    exif[ImageOps.ExifTags.Base.GPSInfo] = {
        ImageOps.ExifTags.GPS.GPSLatitudeRef: "N",
        ImageOps.ExifTags.GPS.GPSLatitude: (20.0, 32.0, 45.0),
        ImageOps.ExifTags.GPS.GPSLongitudeRef: "E",
        ImageOps.ExifTags.GPS.GPSLongitude: (105.0, 55.0, 10.0),
    }
    return exif


def camera_jpeg(path: Path, orientation: int = 1) -> Path:
    """A landscape sensor image stored sideways, with location, serial, XMP and a comment."""
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><serial>{SERIAL}</serial></x:xmpmeta>'
    two_halves().save(
        path, "JPEG", quality=90, exif=personal_exif(orientation), xmp=xmp.encode(),
        comment=f"owner {SERIAL}", icc_profile=ImageCms.ImageCmsProfile(
            ImageCms.createProfile("sRGB")).tobytes(),
    )
    return path


def png_bomb(path: Path) -> Path:
    """A few hundred bytes claiming 100 000 x 100 000 pixels."""
    buffer = io.BytesIO()
    Image.new("1", (8, 8)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = struct.pack(">II", 100_000, 100_000) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    path.write_bytes(bytes(data))
    return path


def truncated_jpeg(path: Path) -> Path:
    """The first half of a JPEG, as an interrupted copy leaves it."""
    buffer = io.BytesIO()
    two_halves().save(buffer, "JPEG", quality=90)
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    return path


# Files named like photos that are not usable photos: name -> (finding code, maker).
BAD_FILES = {
    "truncated.jpg": ("photo-corrupt", truncated_jpeg),
    "notes.jpg": ("photo-not-image", lambda p: p.write_text("Biên bản hội nghị") and p),
    "bomb.png": ("photo-too-large", png_bomb),
    "scan.pcx": ("photo-unsupported-format", lambda p: two_halves((50, 50)).save(p) or p),
}


def colour_at(image: Image.Image, xy) -> tuple[int, ...]:
    return image.convert("RGB").getpixel(xy)


def close(colour, expected, tolerance=40) -> bool:
    """Whether two colours match within what lossy compression changes."""
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected))


def photo_article(content: Path, slug: str, day: int, body: str, extra: str = "") -> Path:
    """The folder of an article of May 2024 (add_article) with its Slug and a summary, `extra`
    metadata on line 6 and the body from line 8."""
    return add_article(content, slug, f"Bài {slug}", f"2024-05-0{day} 09:00",
                       f"Slug: {slug}\nSummary: Bài thử ảnh.\n{extra}\n", body,
                       category="Đoàn thanh niên").parent


# --- Tasks as editors and CI run them -------------------------------------------------------------
def task_environment(**values: str) -> dict[str, str]:
    """This process's environment without the project's own variables (BANTIN_*), plus `values`."""
    clean = {name: value for name, value in os.environ.items() if not name.startswith("BANTIN_")}
    return {**clean, **values}


def run_task(*arguments: str, env: dict | None = None,
             timeout: float | None = None) -> subprocess.CompletedProcess:
    """`invoke <arguments>` from the project folder, its output captured as text; `env` is the
    whole environment (this process's when None)."""
    return subprocess.run([sys.executable, "-m", "invoke", *arguments], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@contextmanager
def task_running(*arguments: str, log: Path):
    """`invoke <arguments>` started in the background (a server, a preview), its output in
    `log` as it comes; stopped at the end."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    with open(log, "w", encoding="utf-8") as output:
        process = subprocess.Popen([sys.executable, "-m", "invoke", *arguments], cwd=ROOT,
                                   stdout=output, stderr=subprocess.STDOUT, env=environment)
        try:
            yield process
        finally:
            process.terminate()
            process.wait(timeout=30)


# --- The editing desk over a repository of its own -------------------------------------------------
DESK_BRANCH = "main"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout


def desk_project(repo: Path) -> Path:
    """A copy of the project's content committed on DESK_BRANCH of a new git repository at
    `repo`, as the desk works on it, and settings.py that builds it into output/ and cache/
    beside it (returned)."""
    shutil.copytree(ROOT / "content", repo / "content")
    settings = settings_file(repo / "settings.py", **places(repo),
                             PHOTO_CACHE_PATH=repo / "cache" / "photos")
    (repo / ".gitignore").write_text("output/\ncache/\noutput.*\n.output.lock\nlivereload.log\n"
                                     "__pycache__/\nsettings.py\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", DESK_BRANCH)
    git(repo, "add", ".")
    git(repo, "-c", "user.name=Tòa soạn", "-c", "user.email=toa-soan@localhost",
        "commit", "-qm", "Nội dung mẫu")
    return settings


@contextmanager
def desk_running(repo: Path, settings: Path):
    """`invoke livereload` on the desk's project at `repo`: its base URL once the preview
    answers; its output in repo/livereload.log, which must hold no traceback at the end."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = repo / "livereload.log"
    with task_running("livereload", "--port", str(port), "--settings", str(settings),
                      log=log) as process:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(base + "/admin/config.yml", timeout=5).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, \
                    log.read_text(encoding="utf-8")
                time.sleep(0.5)
        yield base
    assert "Traceback" not in log.read_text(encoding="utf-8")


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on (a task started next can take it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_exists(pid: int) -> bool:
    """Whether a process runs (a zombie waiting for its parent to collect it does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().rsplit(") ", 1)[-1].startswith("Z"))
