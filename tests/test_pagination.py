"""Listings scale: a site whose articles all fall in one month, one year, one field, one tag and
one author still publishes pages within their budgets, every article is reachable through the
pagination of each list, the pagination is navigable (rel prev/next, aria-current, a labelled
nav), and the sitemap lists every page of every list, in both editions."""

import re
import shutil
from xml.etree import ElementTree
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from bantin.build import build, load_settings
from bantin.site_checks import check_sizes
from conftest import ROOT, SETTINGS_FILE, add_article, parse_html

ARTICLES = 160  # as cards, more than one page's budget: a list that is not paged fails
TRANSLATED = 40  # the first ones have an English version
PER_PAGE = 7
SITEURL = "https://bantin.example"
AUTHOR = "Ban Biên tập"


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    """The site's pages and images, and ARTICLES articles dated in March 2024, all filed under
    Công đoàn with the tag "thi đua", built with PER_PAGE articles a page."""
    root = tmp_path_factory.mktemp("crowded")
    content = root / "content"
    for folder in ("pages", "images"):
        shutil.copytree(ROOT / "content" / folder, content / folder)
    for number in range(ARTICLES):
        slug = f"thi-dua-so-{number:03}"
        date = f"2024-03-{1 + number % 28:02} {8 + number % 10:02}:{number % 60:02}"
        metadata = f"Tags: thi đua\nAuthor: {AUTHOR}\nSummary: Tin thi đua số {number}.\n"
        source = add_article(content, slug, f"Thi đua số {number}", date, metadata,
                             body="Công đoàn cơ sở phát động thi đua. " * 20)
        if number < TRANSLATED:
            (source.parent / "index.en.md").write_text(
                f"Title: Emulation {number}\nDate: {date}\nCategory: Công đoàn\nTags: emulation\n"
                f"Author: {AUTHOR}\nSlug: {slug}\nLang: en\n\nA trade union campaign.\n",
                encoding="utf-8")
    overrides = {"PATH": str(content), "CACHE_PATH": str(root / "cache"),
                 "DEFAULT_PAGINATION": PER_PAGE, "SITEURL": SITEURL}
    output = root / "output"
    build(SETTINGS_FILE, output=output, strict=True, overrides=overrides)
    return output, load_settings(SETTINGS_FILE, overrides)


def walk(output: Path, first_url: str) -> list[tuple[str, BeautifulSoup]]:
    """Every page of a list, from its first page along rel=next: (address, parsed page)."""
    pages, url = [], first_url
    while url:
        assert url.startswith(SITEURL + "/") and url not in [seen for seen, _ in pages]
        path = output / url.removeprefix(SITEURL + "/") / "index.html"
        soup = parse_html(path)
        pages.append((url, soup))
        following = soup.select_one("nav.bt-pagination a[rel=next]")
        url = following["href"] if following else None
    return pages


def listed_articles(soup: BeautifulSoup, edition: str) -> list[str]:
    """Addresses of the articles the page lists in its main list (the home page's newest of
    each field left out)."""
    main = soup.select_one("main")
    for aside in main.select(".bt-by-field"):
        aside.decompose()
    article = re.compile(rf"^{SITEURL}/{edition}(tin|news)/2024/[^/]+/$")
    return [a["href"] for a in main.select("a[href]") if article.match(a["href"])]


LISTS = [
    # edition folder, first page, the paged addresses' infix, articles listed
    ("", "", "trang", ARTICLES),
    ("", "linh-vuc/cong-doan/", "trang", ARTICLES),
    ("", "the/thi-dua/", "trang", ARTICLES),
    ("", "tac-gia/ban-bien-tap/", "trang", ARTICLES),
    ("", "luu-tru/2024/03/", "trang", ARTICLES),
    ("en/", "", "page", TRANSLATED),
    ("en/", "fields/trade-union/", "page", TRANSLATED),
    ("en/", "tags/emulation/", "page", TRANSLATED),
    ("en/", "archives/2024/03/", "page", TRANSLATED),
]


@pytest.mark.parametrize("edition, first, infix, count", LISTS)
def test_every_article_is_reachable_through_the_pagination(crowded, edition, first, infix, count):
    output, _ = crowded
    base = f"{SITEURL}/{edition}{first}"
    pages = walk(output, base)
    last = -(-count // PER_PAGE)
    assert [url for url, _ in pages] == [base] + [f"{base}{infix}/{n}/" for n in range(2, last + 1)]

    listed = [url for _, soup in pages for url in listed_articles(soup, edition)]
    assert len(listed) == count and len(set(listed)) == count
    for number, (url, soup) in enumerate(pages, start=1):
        nav = soup.select_one("nav.bt-pagination")
        assert nav["aria-label"] in {"Phân trang", "Pagination"}
        current = nav.select("[aria-current]")
        assert [(a.get_text(strip=True), a["aria-current"], a["href"]) for a in current] == [
            (str(number), "page", url)]
        assert all(a.get("href") for a in nav.select("a")), "every control is a link: keyboard"
        previous = pages[number - 2][0] if number > 1 else None
        following = pages[number][0] if number < len(pages) else None
        for rel, expected in (("prev", previous), ("next", following)):
            in_nav = nav.select_one(f"a[rel={rel}]")
            in_head = soup.head.find("link", rel=rel)
            assert (in_nav and in_nav["href"]) == expected
            assert (in_head and in_head["href"]) == expected


def test_every_page_is_within_its_budget(crowded):
    output, settings = crowded
    assert check_sizes(output, settings) == []
    # The month's cards on one page would not have been: the paging is what keeps it small.
    pages = list((output / "luu-tru/2024/03").rglob("index.html"))
    assert len(pages) == -(-ARTICLES // PER_PAGE)
    assert sum(page.stat().st_size for page in pages) > settings["SIZE_BUDGETS"]["html"]


def test_year_and_archives_pages_list_months_with_counts_on_one_page(crowded):
    output, _ = crowded
    for edition, year_page, archives, count in (("", "luu-tru/2024/", "luu-tru/", ARTICLES),
                                                ("en/", "archives/2024/", "archives/", TRANSLATED)):
        month_url = f"{SITEURL}/{edition}{year_page}03/"
        for page in (year_page, archives):
            soup = parse_html(output / edition / page / "index.html")
            (month,) = [a for a in soup.select("main a") if a["href"] == month_url]
            assert f"({count} " in month.parent.get_text(" ", strip=True)
            assert not soup.select("main .bt-card"), "months, not articles"
            assert soup.select_one("nav.bt-pagination") is None
        assert not (output / edition / year_page / ("page" if edition else "trang")).exists()
    month = parse_html(output / "luu-tru/2024/03/trang/2/index.html")
    trail = [a["href"] for a in month.select("nav.bt-breadcrumbs a")]
    assert trail == [f"{SITEURL}/", f"{SITEURL}/luu-tru/", f"{SITEURL}/luu-tru/2024/"]


def test_sitemap_lists_every_page_of_every_list(crowded):
    output, _ = crowded
    tree = ElementTree.parse(output / "sitemap.xml")
    locations = {loc.text for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    for edition, first, _, _ in LISTS:
        for url, _ in walk(output, f"{SITEURL}/{edition}{first}"):
            assert url in locations
