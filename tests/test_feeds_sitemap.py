"""Feeds, sitemap, robots.txt and sharing metadata of a site built for publishing (absolute
SITEURL), each checked against the pages actually built."""

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from bantin.build import build, load_settings
from conftest import PUBLIC_SITEURL, ROOT, add_article, parse_html, url_file

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
EDITIONS = {"vi": "", "en": "en/"}
FIELD_PAGE = re.compile(r"/(linh-vuc|fields)/[^/]+/$")
ROOT_SETTINGS = load_settings(ROOT / "pelicanconf.py")
ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def local_file(site: Path, url: str) -> Path:
    """The built file an absolute URL of the site points to."""
    assert url.startswith(PUBLIC_SITEURL + "/"), url
    return url_file(site, url.removeprefix(PUBLIC_SITEURL))


def parse(site: Path, url: str) -> BeautifulSoup:
    return parse_html(local_file(site, url))


def article_pages(site: Path, folder: str) -> list[Path]:
    """Pages with og:type article in one edition (not in another edition's folder)."""
    root = site / folder
    pages = []
    for path in root.rglob("index.html"):
        if folder == "" and (site / "en") in path.parents:
            continue
        if 'property="og:type" content="article"' in path.read_text(encoding="utf-8"):
            pages.append(path)
    return pages


def page_url(site: Path, path: Path) -> str:
    return PUBLIC_SITEURL + "/" + path.relative_to(site).as_posix().removesuffix("index.html")


@pytest.mark.parametrize("lang", EDITIONS)
def test_whole_edition_feed_is_atom_with_every_article(public_site, lang):
    feed = ElementTree.parse(public_site / EDITIONS[lang] / "feeds" / "all.atom.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}").text.strip()
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").startswith(PUBLIC_SITEURL + "/")
    entries = feed.findall(f"{ATOM}entry")
    links = set()
    for entry in entries:
        for required in ("id", "title", "updated", "content"):
            assert entry.find(f"{ATOM}{required}").text.strip(), required
        assert ISO_DATE.match(entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}author/{ATOM}name").text.strip()
        link = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
        title = entry.find(f"{ATOM}title").text
        assert parse(public_site, link).find("h1").get_text().split() == title.split()
        links.add(link)
    assert links == {page_url(public_site, path)
                     for path in article_pages(public_site, EDITIONS[lang])}


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def only(element, path: str):
    """The one child of `element` at `path`: RFC 4287 allows exactly one."""
    found = element.findall(path)
    assert len(found) == 1, (path, len(found))
    return found[0]


def test_every_feed_follows_rfc_4287(public_site):
    """Each feed: one permanent id unique across the site, its own address as rel=self, the page
    it stands for as rel=alternate (a field's feed: the field's page, which announces the feed),
    its edition's language, an updated date; each entry: id, title, updated, link."""
    feeds = sorted(public_site.rglob("*.atom.xml"))
    assert len(feeds) >= 2 * 3
    ids = set()
    for path in feeds:
        url = PUBLIC_SITEURL + "/" + path.relative_to(public_site).as_posix()
        lang = "en" if path.relative_to(public_site).parts[0] == "en" else "vi"
        feed = ElementTree.parse(path).getroot()
        assert feed.tag == f"{ATOM}feed"
        assert feed.get(XML_LANG) == lang, path
        feed_id = only(feed, f"{ATOM}id").text
        assert urlsplit(feed_id).scheme in ("https", "tag"), feed_id
        assert feed_id not in ids, f"{path}: id {feed_id} is another feed's"
        ids.add(feed_id)
        assert only(feed, f"{ATOM}title").text.strip()
        updated = only(feed, f"{ATOM}updated").text
        assert ISO_DATE.match(updated)
        assert only(feed, f"{ATOM}link[@rel='self']").get("href") == url
        alternate = only(feed, f"{ATOM}link[@rel='alternate']").get("href")
        home = f"{PUBLIC_SITEURL}/{EDITIONS[lang]}"
        if path.name == "all.atom.xml":
            assert alternate == home
        else:
            assert FIELD_PAGE.search(alternate) and alternate.startswith(home), alternate
        announced = parse(public_site, alternate).select("head link[rel=alternate][type='application/atom+xml']")
        assert url in [link["href"] for link in announced], (alternate, url)
        entries = feed.findall(f"{ATOM}entry")
        assert entries
        entry_ids = set()
        for entry in entries:
            entry_id = only(entry, f"{ATOM}id").text
            assert entry_id not in entry_ids
            entry_ids.add(entry_id)
            title = only(entry, f"{ATOM}title").text
            assert title.strip() and "\u00a0" not in title
            assert ISO_DATE.match(only(entry, f"{ATOM}updated").text) and updated >= only(
                entry, f"{ATOM}updated").text
            assert local_file(public_site, only(entry, f"{ATOM}link[@rel='alternate']").get("href")).is_file()
        assert updated == max(entry.find(f"{ATOM}updated").text for entry in entries)


@pytest.mark.parametrize("lang", EDITIONS)
def test_each_field_page_links_to_its_own_feed(public_site, lang):
    ribbon = parse(public_site, f"{PUBLIC_SITEURL}/{EDITIONS[lang]}").select(".bt-ribbon a[href]")
    fields = [link for link in ribbon if FIELD_PAGE.search(link["href"])]
    assert len(fields) >= 2
    for field_link in fields:
        field_url = field_link["href"]
        field_page = parse(public_site, field_url)
        visible = field_page.select_one("main a[type='application/atom+xml']")
        discovered = field_page.select("head link[rel=alternate][type='application/atom+xml']")
        assert visible["href"] in [link["href"] for link in discovered]
        feed = ElementTree.parse(local_file(public_site, visible["href"])).getroot()
        entries = feed.findall(f"{ATOM}entry")
        assert entries
        for entry in entries:
            article = parse(public_site, entry.find(f"{ATOM}link[@rel='alternate']").get("href"))
            section = article.find("meta", property="article:section")["content"]
            assert section == field_link.get_text(strip=True)


def test_feed_photos_and_links_are_absolute_and_exist(public_site):
    feed = ElementTree.parse(public_site / "feeds" / "all.atom.xml").getroot()
    images = 0
    for entry in feed.iter(f"{ATOM}entry"):
        content = parse_html(entry.find(f"{ATOM}content").text)
        for element in content.find_all(["img", "source"]):
            urls = [element["src"]] if element.get("src") else []
            urls += [part.split()[0] for part in element.get("srcset", "").split(",") if part.strip()]
            for url in urls:
                assert local_file(public_site, url).is_file(), url
                images += 1
        for link in content.find_all("a", href=True):
            assert urlsplit(link["href"]).scheme in ("https", "http", "mailto"), link["href"]
    assert images > 10  # the sample articles have photos in several widths


def sitemap_entries(site: Path) -> dict[str, dict]:
    """Every entry of the site's sitemap, read through its index when it has parts."""
    root = ElementTree.parse(site / "sitemap.xml").getroot()
    urls = root.findall(f"{SITEMAP}url")
    for part in root.findall(f"{SITEMAP}sitemap"):
        urls += ElementTree.parse(local_file(site, part.find(f"{SITEMAP}loc").text)).getroot() \
            .findall(f"{SITEMAP}url")
    entries = {}
    for url in urls:
        alternates = {link.get("hreflang"): link.get("href")
                      for link in url.findall(f"{XHTML}link[@rel='alternate']")}
        entries[url.find(f"{SITEMAP}loc").text] = {
            "lastmod": url.find(f"{SITEMAP}lastmod").text, "alternates": alternates}
    return entries


def test_sitemap_lists_every_public_page_once_with_lastmod(public_site):
    entries = sitemap_entries(public_site)
    pages = {page_url(public_site, path) for path in public_site.rglob("index.html")}
    assert set(entries) == pages
    assert f"{PUBLIC_SITEURL}/" in entries and f"{PUBLIC_SITEURL}/en/" in entries
    assert not any(url.endswith("404.html") for url in entries)
    for url, entry in entries.items():
        assert ISO_DATE.match(entry["lastmod"]), url
        published = parse(public_site, url).find("meta", property="article:published_time")
        if published:
            assert entry["lastmod"] >= published["content"]


def test_sitemap_hreflang_alternates_are_reciprocal_and_match_the_pages(public_site):
    entries = sitemap_entries(public_site)
    with_alternates = {url: entry for url, entry in entries.items() if entry["alternates"]}
    conference_vi = f"{PUBLIC_SITEURL}/tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/"
    conference_en = f"{PUBLIC_SITEURL}/en/news/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/"
    assert with_alternates[conference_vi]["alternates"] == {
        "vi": conference_vi, "en": conference_en, "x-default": conference_vi}
    for url, entry in with_alternates.items():
        alternates = entry["alternates"]
        assert url in alternates.values()
        assert alternates["x-default"] == alternates["vi"]
        for lang, other in alternates.items():
            assert entries[other]["alternates"] == alternates, (url, other)  # reciprocal
        head = parse(public_site, url).select("head link[rel=alternate][hreflang]")
        assert {link["hreflang"]: link["href"] for link in head} == alternates


def test_a_sitemap_over_its_size_budget_comes_in_parts_with_an_index(public_site, tmp_path):
    whole = sitemap_entries(public_site)
    budgets = {**ROOT_SETTINGS["SIZE_BUDGETS"], "xml": 4000}
    output = tmp_path / "output"
    build(ROOT / "pelicanconf.py", output=output, strict=True,
          overrides={"SITEURL": PUBLIC_SITEURL, "SIZE_BUDGETS": budgets})
    index = ElementTree.parse(output / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAP}sitemapindex" and not index.findall(f"{SITEMAP}url")
    parts = [(part.find(f"{SITEMAP}loc").text, part.find(f"{SITEMAP}lastmod").text)
             for part in index.findall(f"{SITEMAP}sitemap")]
    assert [url for url, _ in parts] == [
        f"{PUBLIC_SITEURL}/sitemap-{number}.xml" for number in range(1, len(parts) + 1)]
    assert len(parts) >= 3
    for url, lastmod in parts:
        part = local_file(output, url)
        assert part.stat().st_size <= 4000
        stamps = [entry.find(f"{SITEMAP}lastmod").text
                  for entry in ElementTree.parse(part).getroot().findall(f"{SITEMAP}url")]
        assert stamps and lastmod == max(stamps)
    assert sitemap_entries(output) == whole  # every page once, with its alternates, in one part


def test_robots_txt_points_to_the_sitemap(public_site):
    robots = (public_site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {PUBLIC_SITEURL}/sitemap.xml" in robots.splitlines()
    assert "Disallow: /" not in robots.splitlines()


NO_BREAK_SPACE = "\u00a0"
HEADLINE_LIMIT = 110


@pytest.mark.parametrize("lang", EDITIONS)
def test_articles_carry_news_article_json_ld_open_graph_and_twitter_card(
    public_site, settings, lang
):
    pages = article_pages(public_site, EDITIONS[lang])
    assert pages
    with_photo = trimmed = 0
    for path in pages:
        soup = parse_html(path)
        url = page_url(public_site, path)
        data = json.loads(soup.find("script", type="application/ld+json").string)
        meta = {tag.get("property") or tag.get("name"): tag["content"]
                for tag in soup.find_all("meta", content=True)}
        heading = " ".join(soup.find("h1").get_text().split())
        assert data["@type"] == "NewsArticle"
        # The headline is the title, cut at a word with an ellipsis past Google's 110 characters.
        assert len(data["headline"]) <= HEADLINE_LIMIT
        if data["headline"] != heading:
            trimmed += 1
            assert data["headline"].endswith("…") and len(heading) > HEADLINE_LIMIT
            assert (heading + " ").startswith(data["headline"][:-1].rstrip(" ,;:") + " ")
        # The no-break space of the no-widow rule stays in the visible heading only.
        for text in (soup.title.string, meta["og:title"], meta["twitter:title"], data["headline"]):
            assert NO_BREAK_SPACE not in text, (path, text)
        assert meta["og:title"].split() == heading.split()
        assert data["datePublished"] == soup.select_one(".bt-article__meta time")["datetime"]
        assert data["dateModified"] >= data["datePublished"]
        assert data["inLanguage"] == soup.html["lang"] == lang
        assert data["articleSection"] == meta["article:section"] == soup.select_one(
            ".bt-article__field a").get_text(strip=True)
        assert data["author"][0]["name"] and data["publisher"]["name"]
        assert data["mainEntityOfPage"] == url == soup.find("link", rel="canonical")["href"]
        assert meta["og:url"] == url and meta["twitter:title"] == meta["og:title"]
        # Every article has a picture to share: its own photo, else the site's share image.
        image = data["image"][0]
        assert image["url"] == meta["og:image"] == meta["twitter:image"]
        assert local_file(public_site, image["url"]).is_file()
        assert (image["width"], image["height"]) == (
            int(meta["og:image:width"]), int(meta["og:image:height"]))
        assert meta["og:image:alt"] and meta["twitter:card"] == "summary_large_image"
        if soup.select_one(".bt-article__body img"):
            with_photo += 1
            assert not image["url"].endswith(settings["SHARE_IMAGE"]["url"])
        else:
            assert image["url"].endswith("/" + settings["SHARE_IMAGE"]["url"])
            assert (image["width"], image["height"]) == (1200, 630)
            with Image.open(local_file(public_site, image["url"])) as share:
                assert share.size == (1200, 630)
    assert with_photo
    if lang == "vi":
        assert trimmed, "the sample has a title over 110 characters"


def test_an_article_without_photo_shares_the_site_image(public_site):
    """The sample's article without a photo still shows a picture when shared."""
    soup = parse(public_site,
                 f"{PUBLIC_SITEURL}/tin/2024/ket-nap-dang-vien-moi-nhan-dip-quoc-khanh-2-9/")
    assert not soup.select_one(".bt-article__body img")
    assert soup.find("meta", property="og:image")["content"] == f"{PUBLIC_SITEURL}/images/share.png"
    # Made for the site: the logo (one of its colours) on the site's brand colour.
    theme = ROOT / "theme" / "static"
    brand = re.search(r"--bt-brand:\s*#([0-9a-f]{6})",
                      (theme / "css" / "site.css").read_text(encoding="utf-8"))[1]
    logo = re.findall(r'fill="#([0-9a-f]{6})"',
                      (theme / "images" / "logo.svg").read_text(encoding="utf-8"))
    with Image.open(public_site / "images" / "share.png") as share:
        colours = {colour: count for count, colour in share.convert("RGB").getcolors(1 << 20)}
    pixels = sum(colours.values())
    assert colours.get(tuple(bytes.fromhex(brand)), 0) > pixels / 2
    assert any(colours.get(tuple(bytes.fromhex(fill)), 0) > pixels / 100 for fill in logo)


def test_sitemap_leaves_out_drafts_and_not_found_pages(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    for slug, status in (("bai-dang", ""), ("bai-nhap", "Status: draft\n")):
        add_article(content, slug, slug, "2024-01-02 10:00", status)
    output = tmp_path / "output"
    build(ROOT / "pelicanconf.py", output=output, strict=True,
          overrides={"SITEURL": PUBLIC_SITEURL, "PATH": str(content)})
    assert (output / "nhap" / "bai-nhap" / "index.html").is_file()
    entries = sitemap_entries(output)
    assert f"{PUBLIC_SITEURL}/tin/2024/bai-dang/" in entries
    assert not any("bai-nhap" in url or url.endswith("404.html") for url in entries)


def test_feed_content_srcset_and_src_become_absolute():
    from plugins.feeds.absolute import absolute_html

    html = absolute_html('<picture><source srcset="a-480.webp 480w, a-800.webp 800w">'
                         '<img src="a-800.jpg" alt=""></picture><a href="/linh-vuc/x/">x</a>',
                         f"{PUBLIC_SITEURL}/tin/2022/bai/")
    soup = parse_html(html)
    assert soup.source["srcset"] == (f"{PUBLIC_SITEURL}/tin/2022/bai/a-480.webp 480w, "
                                     f"{PUBLIC_SITEURL}/tin/2022/bai/a-800.webp 800w")
    assert soup.img["src"] == f"{PUBLIC_SITEURL}/tin/2022/bai/a-800.jpg"
    assert soup.a["href"] == f"{PUBLIC_SITEURL}/linh-vuc/x/"
