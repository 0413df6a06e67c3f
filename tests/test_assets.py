"""One minified, hashed copy of each theme asset, shared by every edition (plugins/assets)."""

import re
from pathlib import Path

import pytest

from conftest import parse_html
from plugins.assets import find_source, published_bytes

HASHED = re.compile(r".+\.[0-9a-f]{8}\.\w+")


def asset_references(html: Path) -> list[str]:
    """Every CSS, JS and icon address a page names in its head and header."""
    soup = parse_html(html)
    urls = [tag["href"] for tag in soup.select("link[rel=stylesheet], link[rel=icon]")]
    urls += [tag["src"] for tag in soup.select("script[src], img.bt-header__logo")]
    return urls


@pytest.mark.parametrize("page", ["index.html", "en/index.html", "en/search/index.html"])
def test_every_edition_uses_the_one_copy_at_the_root(site, page):
    urls = asset_references(site / page)
    assert any(url.endswith(".css") for url in urls) and any(url.endswith(".js") for url in urls)
    assert any("logo" in url for url in urls)
    for url in urls:
        assert url.startswith("/theme/") and HASHED.fullmatch(url), url


def test_no_edition_publishes_its_own_or_an_unhashed_copy(site):
    assert not (site / "en" / "theme").exists()
    assert not (site / "en" / "images" / "logo.svg").exists()
    published = [path for path in (site / "theme").rglob("*") if path.is_file()]
    assert published
    for path in published:
        assert HASHED.fullmatch(path.name), path


def test_every_published_asset_is_used(site):
    """Nothing dead under /theme/: each file is named by a page (the worker by the search page)."""
    pages = "".join(path.read_text(encoding="utf-8") for path in site.rglob("*.html"))
    published = [path for path in (site / "theme").rglob("*")
                 if path.is_file() and path.suffix not in (".br", ".gz")]
    assert len(published) >= 5
    unused = [path.relative_to(site) for path in published if f"/{path.relative_to(site).as_posix()}" not in pages]
    assert not unused


def test_every_referenced_asset_exists(site):
    missing = {url for html in site.rglob("*.html") for url in asset_references(html)
               if url.startswith("/theme/") and not (site / url.lstrip("/")).is_file()}
    assert not missing


@pytest.mark.parametrize("name", ["css/site.css", "css/search.css", "js/site.js", "js/search.js"])
def test_css_and_js_are_published_minified(site, settings, name):
    source = find_source(settings, name)
    stem, suffix = Path(name).stem, Path(name).suffix
    [copy] = (site / "theme" / Path(name).parent).glob(f"{stem}.*{suffix}")
    text = copy.read_text(encoding="utf-8")
    assert copy.read_bytes() == published_bytes(source)
    assert len(text) < 0.85 * len(source.read_text(encoding="utf-8"))
    assert "/*" not in text and "\n  " not in text
    # The source kept in the repository stays the readable one: commented, one rule a line.
    readable = source.read_text(encoding="utf-8")
    assert readable.lstrip().startswith("/*") and readable.count("\n") > 50
