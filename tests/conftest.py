"""Shared fixtures: the sample site, built once per test session in strict mode."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from bantin.build import build, load_settings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "pelicanconf.py"
SEED = ROOT / "tests" / "fixtures" / "seed" / "conference-report.txt"  # the old portal's page as saved
CONFERENCE_REPORT_URL = "tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/"


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
def page(site):
    """Parse a built page by its URL path: page("tin/2021/x/") -> BeautifulSoup."""

    def parse(url: str) -> BeautifulSoup:
        path = site / url.strip("/") / "index.html" if not url.endswith(".html") else site / url
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    return parse


def resolve(site: Path, page_url: str, href: str) -> Path:
    """The output file a link or image source of the page at `page_url` points to."""
    target = href.split("#", 1)[0].split("?", 1)[0]
    if target.startswith("/"):
        path = site / target.lstrip("/")
    else:
        path = site / page_url.strip("/") / target
    return path / "index.html" if target.endswith("/") or path.is_dir() else path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder with its bytes, to prove that a failure changed nothing."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def add_article(content: Path, slug: str, title: str, date: str, metadata: str = "",
                body: str = "Nội dung.") -> Path:
    """A small article filed under Công đoàn at content/articles/<year>/<slug>/index.md;
    `metadata` adds lines such as "Status: draft\n"."""
    folder = content / "articles" / date[:4] / slug
    folder.mkdir(parents=True)
    source = folder / "index.md"
    source.write_text(f"Title: {title}\nDate: {date}\nCategory: Công đoàn\n{metadata}\n{body}\n",
                      encoding="utf-8")
    return source
