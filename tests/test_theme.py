"""The theme's HTML on the built sample site: head metadata, skip links, ribbon, pages,
article furniture, pagination, CSP-safe markup and the weight of CSS and JS."""

import gzip
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from bantin.build import build
from core.vietnamese import format_date
from conftest import CONFERENCE_REPORT_URL, SETTINGS_FILE, parse_html
from plugins.assets import find_source, published_bytes

FIELD_URL = "linh-vuc/doan-thanh-nien/"
ROOT_CONTENT = Path(SETTINGS_FILE).resolve().parent / "content"
ASSET_BUDGET_GZIP = 30_000


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def edition_of(site: Path, path: Path, settings: dict) -> str:
    """The language of a built page: other editions live under /<lang>/."""
    top = path.relative_to(site).parts[0]
    return top if top in settings.get("EDITIONS", [])[1:] else settings["DEFAULT_LANG"]


def test_every_page_has_language_title_and_assets(site, settings):
    for path in html_files(site):
        soup = parse_html(path)
        assert soup.html["lang"] == edition_of(site, path, settings), path
        assert soup.title.get_text(strip=True), path
        assert soup.find("meta", attrs={"name": "viewport"}), path
        assert soup.find("link", rel="icon"), path
        assert soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"] == (
            settings["CONTENT_SECURITY_POLICY"]
        ), path
        assert len(soup.select("main#main-content")) == 1, path
        assert len(soup.find_all("h1")) == 1, path


def test_no_inline_script_or_style_anywhere(site):
    """The Content-Security-Policy allows no inline code: script-src 'self'; style-src 'self'."""
    for path in html_files(site):
        soup = parse_html(path)
        for script in soup.find_all("script"):
            if script.get("type") == "application/ld+json":
                continue  # a data block: never executed, so the policy does not apply
            assert script.get("src") and not script.string, f"{path}: inline script"
        assert not soup.find("style"), f"{path}: <style> element"
        assert not soup.find(style=True), f"{path}: style attribute"
        assert not soup.find(lambda tag: any(a.startswith("on") for a in tag.attrs)), (
            f"{path}: event handler attribute"
        )


def test_skip_links_are_the_first_focusable_elements(page):
    for url in ["", FIELD_URL, CONFERENCE_REPORT_URL, "404.html"]:
        soup = page(url)
        focusable = soup.body.find_all(["a", "button", "input", "select", "textarea"])
        assert [a.get("href") for a in focusable[:2]] == ["#main-content", "#after-ribbon"]
        assert focusable[0].get_text(strip=True) == "Bỏ qua đến nội dung chính"
        assert not focusable[0].find_parent("nav")
        assert soup.find(id="after-ribbon").find("main", id="main-content")
        ribbon = soup.select_one("nav.bt-ribbon")
        assert ribbon.find_next(id="after-ribbon"), "the second skip link must land after the ribbon"


def test_head_metadata_of_the_conference_report(page, settings):
    soup = page(CONFERENCE_REPORT_URL)
    summary = "Chiều ngày 15/7/2021, Đoàn Khối các cơ quan tỉnh tổ chức hội nghị sơ kết"
    assert soup.find("meta", attrs={"name": "description"})["content"].startswith(summary)
    canonical = soup.find("link", rel="canonical")["href"]
    assert canonical == f"{settings['SITEURL']}/{CONFERENCE_REPORT_URL}"
    og = {m["property"]: m["content"] for m in soup.find_all("meta", property=True)}
    assert og["og:type"] == "article"
    assert og["og:url"] == canonical
    assert og["og:title"].startswith("Hội nghị sơ kết công tác đoàn")
    assert og["og:image"].endswith(".jpg") and int(og["og:image:width"]) > 0
    assert og["og:locale"] == "vi_VN"
    assert soup.title.get_text().endswith(settings["SITENAME"])


def test_home_canonical_is_the_site_root_and_404_has_none(page, settings):
    assert page("").find("link", rel="canonical")["href"] == f"{settings['SITEURL']}/"
    assert page("404.html").find("link", rel="canonical") is None


def test_assets_are_hashed_copies_of_the_theme_files(site, page, settings):
    soup = page("")
    urls = [soup.find("link", rel="stylesheet")["href"], soup.find("script")["src"]]
    for url, name in zip(urls, ["css/site.css", "js/site.js"]):
        assert re.fullmatch(rf"/theme/{name[:-len(Path(name).suffix)]}\.[0-9a-f]{{8}}\.\w+", url)
        published = site / url.lstrip("/")
        assert published.read_bytes() == published_bytes(find_source(settings, name))


def test_css_and_js_stay_under_the_weight_budget(settings):
    """All of the theme's own CSS and JS together, gzipped, as a reader's phone downloads it."""
    static = [Path(settings["THEME"]) / folder for folder in settings["ASSET_PATHS"]]
    files = [path for folder in static for path in folder.rglob("*") if path.suffix in {".css", ".js"}]
    total = sum(len(gzip.compress(published_bytes(path), 9)) for path in files)
    assert any(path.name == "site.css" for path in files)
    assert total < ASSET_BUDGET_GZIP, f"{total} bytes gzipped"


def test_ribbon_lists_home_fields_in_settings_order_then_pages(page, settings):
    links = page("").select("nav.bt-ribbon a.bt-ribbon__link")
    names = [a.get_text(strip=True) for a in links]
    fields = [field["vi"] for field in settings["FIELDS"]]
    listed_fields = [name for name in names if name in fields]
    assert names[0] == "Trang chủ"
    assert listed_fields == sorted(listed_fields, key=fields.index) and len(listed_fields) >= 3
    assert names[len(listed_fields) + 1:] == ["Giới\xa0thiệu", "Liên\xa0hệ"]
    assert page("").select_one("nav.bt-ribbon")["aria-label"] == "Lĩnh vực"


@pytest.mark.parametrize(
    "url, current, state",
    [
        ("", "Trang chủ", "page"),
        (FIELD_URL, "Đoàn thanh niên", "page"),
        (CONFERENCE_REPORT_URL, "Đoàn thanh niên", "true"),
        ("gioi-thieu/", "Giới\xa0thiệu", "page"),
        ("luu-tru/", None, None),
    ],
)
def test_ribbon_marks_the_current_item(page, url, current, state):
    marked = page(url).select("nav.bt-ribbon [aria-current]")
    assert [(a.get_text(strip=True), a["aria-current"]) for a in marked] == (
        [(current, state)] if current else []
    )


def test_menu_button_is_hidden_until_script_runs(page):
    button = page("").select_one("nav.bt-ribbon button")
    assert button.has_attr("hidden")
    assert button["aria-expanded"] == "false"
    assert page("").find(id=button["aria-controls"]).name == "ul"


def test_field_page_heading_and_list(page):
    soup = page(FIELD_URL)
    assert soup.h1.get_text(strip=True) == "Tin theo lĩnh vực: Đoàn thanh niên"
    titles = [a["href"] for a in soup.select("main .bt-card__title a")]
    assert f"/{CONFERENCE_REPORT_URL}" in titles
    crumbs = [li.get_text(strip=True) for li in soup.select("nav.bt-breadcrumbs li")]
    assert crumbs == ["Trang chủ", "Đoàn thanh niên"]


def test_a_date_is_the_day_it_names_in_its_own_time_zone():
    """Dates are formatted once per day shown: two equal instants on different days (00:30 in
    Hà Nội is 17:30 UTC the day before) keep their own day."""
    hanoi = timezone(timedelta(hours=7))
    early = datetime(2021, 7, 16, 0, 30, tzinfo=hanoi)
    same_instant = early.astimezone(timezone.utc)
    assert early == same_instant
    assert format_date(early, "vi", "EEEE, dd/MM/yyyy") == "Thứ Sáu, 16/07/2021"
    assert format_date(same_instant, "vi", "EEEE, dd/MM/yyyy") == "Thứ Năm, 15/07/2021"
    assert format_date(early.date(), "vi", "EEEE, dd/MM/yyyy") == "Thứ Sáu, 16/07/2021"


def test_article_page(page):
    soup = page(CONFERENCE_REPORT_URL)
    crumbs = soup.select("nav.bt-breadcrumbs li")
    assert [li.get_text(strip=True) for li in crumbs[:2]] == ["Trang chủ", "Đoàn thanh niên"]
    assert crumbs[-1]["aria-current"] == "page"
    article = soup.select_one("main article")
    assert article.h1.get_text().startswith("Hội nghị sơ kết công tác đoàn")
    time = article.find("time")
    assert time["datetime"] == "2021-07-15T14:00:00+07:00"
    assert time.get_text() == "Thứ Năm, 15/07/2021"
    figures = article.find_all("figure")
    assert len(figures) == 4 and all(f.find("img") and f.figcaption for f in figures)
    assert figures[0].figcaption.get_text(strip=True) == "Toàn cảnh hội nghị"
    tags = [a.get_text(strip=True) for a in article.select(".bt-tags a")]
    assert tags == ["hội nghị", "sơ kết", "tình nguyện", "hiến máu"]


def test_article_neighbours_and_related_stay_in_the_field(page):
    soup = page(CONFERENCE_REPORT_URL)
    field_urls = {a["href"] for a in page(FIELD_URL).select("main .bt-card__title a")}
    neighbours = soup.select("nav.bt-neighbours a")
    assert neighbours and {a["href"] for a in neighbours} <= field_urls
    related = [a["href"] for a in soup.select(".bt-related .bt-card__title a")]
    assert 0 < len(related) <= 5
    assert set(related) <= field_urls and f"/{CONFERENCE_REPORT_URL}" not in related
    assert soup.select_one(".bt-related h2").get_text(strip=True) == "Tin cùng lĩnh vực"


def test_home_shows_latest_news_and_the_newest_of_each_field(page, site):
    soup = page("")
    assert soup.h1.get_text(strip=True) == "Tin mới nhất"
    assert soup.select_one(".bt-card--lead .bt-card__title a")["href"] == "/tin/2025/xuan-yeu-thuong-mang-tet-som-den-thieu-nhi/"


def top_list(soup: BeautifulSoup) -> list[str]:
    """The addresses of the stories of the home page's top list: lead, list beside it, grid."""
    return [a["href"] for a in soup.select(".bt-latest .bt-card__title a, .bt-news-list--grid .bt-card__title a")]


@pytest.mark.parametrize("fixture", ["site", "paginated_site"])
def test_home_grid_fills_its_rows_and_drops_no_story(request, fixture):
    """The grid of three columns has only full rows; lead, list and grid show the whole page 1."""
    output = request.getfixturevalue(fixture)
    soup = parse_html(output / "index.html")
    grid = soup.select(".bt-news-list--grid > .bt-news-list__item")
    assert len(grid) % 3 == 0
    beside = soup.select(".bt-latest__more > .bt-news-list__item")
    assert len(beside) <= 5 and (len(beside) >= 3 or not grid)
    per_page = 2 if fixture == "paginated_site" else 10
    stories = len(list((ROOT_CONTENT / "articles").glob("*/*/index.md")))
    assert len(top_list(soup)) == len(set(top_list(soup))) == min(per_page, stories)


@pytest.mark.parametrize("fixture", ["site", "paginated_site"])
def test_field_block_shows_only_what_the_top_list_does_not(request, fixture):
    """Each field's newest story not in the top list, and no field whose stories are all there."""
    output = request.getfixturevalue(fixture)
    soup = parse_html(output / "index.html")
    shown = set(top_list(soup))
    listed = {}
    for item in soup.select(".bt-by-field__item"):
        field_page = item.select_one(".bt-by-field__link")["href"]
        listed[field_page] = item.select_one(".bt-card__title a")["href"]
    assert not shown & set(listed.values())
    for field_link in soup.select("nav.bt-ribbon a[href^='/linh-vuc/']"):
        field_page = field_link["href"]
        stories = [a["href"] for a in parse_html(output / field_page.strip("/") / "index.html").select("main .bt-card__title a")]
        # The field's first page holds its newest stories (two a page is enough here: the top
        # list of the paginated site has two stories).
        not_shown = [href for href in stories if href not in shown]
        assert listed.get(field_page) == (not_shown[0] if not_shown else None), field_page
    if fixture == "paginated_site":
        assert len(listed) >= 3  # the rule has something to show when the top list is short
    else:
        assert soup.select_one(".bt-by-field") is None  # all nine stories are in the top list


@pytest.mark.parametrize("url", ["", FIELD_URL, "linh-vuc/cuu-chien-binh/", "en/", "the/hien-mau/"])
def test_no_card_without_a_photo_or_its_fallback(page, url):
    """A card that shows a photo shows it, or a decorative block with its field's name: never a
    hole. The titles-only lists (beside the lead, by field) show no photo by design."""
    soup = page(url)
    cards = [card for card in soup.select("main .bt-card")
             if not card.find_parent(class_=["bt-latest__more", "bt-by-field"])]
    assert cards
    for card in cards:
        image = card.select_one("picture img.bt-card__image")
        fallback = card.select_one(".bt-card__fallback")
        assert bool(image) != bool(fallback), card.select_one(".bt-card__title").get_text()
        if fallback:
            assert fallback["aria-hidden"] == "true" and not fallback.find(["img", "a"])
            assert "bt-card--fallback" in card["class"]
            field = card.select_one(".bt-card__field")
            if field:
                assert fallback.get_text(strip=True) == field.get_text(strip=True)


def test_a_story_without_a_photo_gets_the_fallback_in_the_home_grid(page):
    """The sample's veterans' story has no photo: its card keeps the grid's shape."""
    card = page("").select_one(".bt-news-list--grid .bt-card--fallback")
    assert card and card.select_one(".bt-card__fallback").get_text(strip=True) == "Cựu chiến binh"
    assert "bt-card__fallback--5" in card.select_one(".bt-card__fallback")["class"]  # FIELDS order


@pytest.mark.parametrize("url", ["", "en/"])
def test_the_home_pages_lead_photo_is_fetched_first_and_the_others_lazily(page, url):
    """The lead photo is the home page's largest paint on a phone: it is fetched at once and
    ahead of everything else, the other card photos only when they come near the screen."""
    soup = page(url)
    lead = soup.select_one("main .bt-card--lead img.bt-card__image")
    assert lead is not None and (lead.get("loading"), lead.get("fetchpriority")) == ("eager", "high")
    for image in soup.select("main img.bt-card__image"):
        if image is not lead:
            assert (image.get("loading"), image.get("fetchpriority")) == ("lazy", None), image["src"]


def test_field_page_sets_its_stories_in_columns(page):
    assert page(FIELD_URL).select_one("main ul.bt-news-list--columns .bt-card")


def test_archives_by_year_and_month(page, site):
    soup = page("luu-tru/")
    links = [a["href"] for a in soup.select("main a")]
    assert "/luu-tru/2021/" in links and "/luu-tru/2021/07/" in links
    month = page("luu-tru/2021/07/")
    assert month.h1.get_text(strip=True) == "Lưu trữ tháng 7/2021"
    assert f"/{CONFERENCE_REPORT_URL}" in [a["href"] for a in month.select("main .bt-card__title a")]


def test_tag_author_and_plain_pages(page):
    tag = page("the/hien-mau/")
    assert tag.h1.get_text(strip=True) == "Thẻ: hiến máu"
    author_link = page(CONFERENCE_REPORT_URL).select_one(".bt-article__byline a")
    author = page(author_link["href"])
    assert author.h1.get_text(strip=True) == "Tin của Đoàn Khối các cơ quan tỉnh"
    about = page("gioi-thieu/")
    assert about.h1.get_text(strip=True) == "Giới\xa0thiệu"


def test_not_found_page(page):
    soup = page("404.html")
    assert soup.h1.get_text(strip=True) == "Không tìm thấy trang"
    assert soup.select_one("main a")["href"] == "/"


@pytest.fixture(scope="module")
def paginated_site(tmp_path_factory) -> Path:
    """The sample site with two articles a page, so that field pages have several pages."""
    output = tmp_path_factory.mktemp("paginated") / "output"
    build(SETTINGS_FILE, output=output, strict=True, overrides={"DEFAULT_PAGINATION": 2})
    return output


def test_pagination_nav(paginated_site):
    first = parse_html(paginated_site / FIELD_URL / "index.html")
    nav = first.select_one("nav.bt-pagination")
    assert nav["aria-label"] == "Phân trang"
    current = nav.select("[aria-current]")
    assert [(a.get_text(strip=True), a["aria-current"]) for a in current] == [("1", "page")]
    next_link = nav.select_one("a[rel=next]")
    assert next_link["href"] == f"/{FIELD_URL}trang/2/"
    assert first.find("link", rel="next")["href"] == next_link["href"]

    second = parse_html(paginated_site / FIELD_URL / "trang/2/index.html")
    assert second.select_one("nav.bt-pagination [aria-current=page]").get_text(strip=True) == "2"
    assert second.select_one("nav.bt-pagination a[rel=prev]")["href"] == f"/{FIELD_URL}"
    assert "trang 2/" in second.h1.get_text()
    ribbon_current = second.select_one("nav.bt-ribbon [aria-current]")
    assert ribbon_current["aria-current"] == "true", "page 2 is inside the field, not the field page"


@pytest.mark.parametrize("prefix, lang", [("", "vi"), ("en/", "en")])
def test_footer_carries_the_block_of_a_public_body(page, settings, prefix, lang):
    """The organisation, its governing body, address, telephone (tel:), email (mailto:), who
    answers for the content and a copyright line, from settings, in the edition's language."""
    publisher = settings["EDITION_SETTINGS"].get(lang, {}).get("SITE_PUBLISHER", settings["SITE_PUBLISHER"])
    organisation = settings["EDITION_SETTINGS"].get(lang, {}).get("SITE_ORGANISATION", settings["SITE_ORGANISATION"])
    labels = {"vi": ["Cơ quan chủ quản", "Địa chỉ", "Điện thoại", "Thư điện tử", "Chịu trách nhiệm nội dung"],
              "en": ["Governing body", "Address", "Telephone", "Email", "Responsible for the content"]}[lang]
    article = prefix + CONFERENCE_REPORT_URL.replace("tin/", "news/" if prefix else "tin/")
    for url in (prefix, prefix + "404.html", article):
        footer = page(url).select_one("footer.bt-footer")
        assert footer.select_one(".bt-footer__owner").get_text(strip=True) == organisation
        details = {dt.get_text(strip=True).rstrip(":"): dt.find_next_sibling("dd")
                   for dt in footer.select("address dl dt")}
        assert list(details) == labels, url
        parent, address, telephone, email, responsible = (details[label] for label in labels)
        assert parent.get_text(strip=True) == publisher["parent_body"]
        assert address.get_text(strip=True) == publisher["address"]
        assert telephone.a["href"] == "tel:" + publisher["telephone"].replace(" ", "")
        assert telephone.a.get_text(strip=True) == publisher["telephone"]
        assert email.a["href"] == "mailto:" + publisher["email"]
        assert responsible.get_text(strip=True) == publisher["responsible"]
        copyright_line = footer.select_one(".bt-footer__copyright").get_text(" ", strip=True)
        assert re.match(r"© 2021–20\d\d " + re.escape(organisation), copyright_line), copyright_line


def test_field_page_says_in_plain_words_how_to_follow_it(page):
    for url, text, help_title in (
        (FIELD_URL, "Nhận tin Đoàn thanh niên qua ứng dụng đọc tin", "Theo dõi tin mới"),
        ("en/fields/youth-union/", "Get Youth Union news in a news reader app", "Following the news"),
    ):
        line = page(url).select_one("main .bt-feed-link")
        feed, help_link = line.find_all("a")
        assert feed.get_text(strip=True) == text and "Atom" not in line.get_text()
        assert feed["href"].endswith(".atom.xml")
        help_page = page(help_link["href"])
        assert help_page.h1.get_text().split() == help_title.split()
        assert "ứng dụng đọc tin" in help_page.main.get_text() or "news reader" in help_page.main.get_text()
    # A help page, not a section of the site: it stays out of the ribbon and the footer.
    links = [a["href"] for a in page("").select(".bt-ribbon a, .bt-footer a")]
    assert not any("theo-doi-tin" in href for href in links)


def test_last_breadcrumb_names_a_long_article_in_a_few_words(page):
    soup = page(CONFERENCE_REPORT_URL)
    title = " ".join(soup.h1.get_text().split())
    last = soup.select("nav.bt-breadcrumbs li")[-1].get_text(strip=True)
    assert len(title) > 100 and len(last) <= 60
    assert last.endswith("…") and title.startswith(last[:-1])
    assert title[len(last) - 1] == " ", "cut inside a word"
    short = page("tin/2023/lop-boi-duong-nhan-thuc-ve-dang-nam-2023/")
    assert short.select("nav.bt-breadcrumbs li")[-1].get_text(" ", strip=True) == " ".join(
        short.h1.get_text().split())


def test_article_offers_plain_share_links_without_script(page, settings):
    soup = page(CONFERENCE_REPORT_URL)
    share = soup.select_one("main article section.bt-share")
    assert share.h2.get_text(strip=True) == "Chia sẻ bài viết"
    canonical = soup.find("link", rel="canonical")["href"]
    links = {a.get_text(strip=True): a["href"] for a in share.select("a")}
    assert list(links) == [name for name, _ in settings["SHARE_LINKS"]] + ["Thư điện tử"]
    for name, href in links.items():
        query = parse_qs(urlsplit(href).query)
        assert canonical in (query.get("u") or query.get("url") or query.get("body")), (name, href)
    assert urlsplit(links["Facebook"]).netloc == "www.facebook.com"
    assert parse_qs(urlsplit(links["Thư điện tử"]).query)["subject"] == [
        " ".join(soup.h1.get_text().split())]
    # What needs script is hidden until site.js shows it: the share sheet and "copy the link".
    assert share.select_one("[data-share-native]").has_attr("hidden")
    assert share.select_one("[data-share-copy-item]").has_attr("hidden")
    assert not share.find("script") and not share.find("iframe")


def test_no_break_spaces_stay_in_the_visible_headings(site):
    """The no-widow rule's U+00A0 is for headings on the page; <title>, og:title and
    twitter:title are laid out by other programs."""
    checked = 0
    for path in html_files(site):
        soup = parse_html(path)
        texts = [soup.title.get_text()] + [
            meta["content"] for meta in soup.find_all("meta", content=True)
            if (meta.get("property") or meta.get("name")) in ("og:title", "twitter:title", "description",
                                                                "og:description", "twitter:description")]
        for text in texts:
            assert "\u00a0" not in text, (path, text)
        checked += "\u00a0" in soup.h1.get_text()
    assert checked, "no heading of the sample has a no-break space: the test proves nothing"


def test_shorten_cuts_at_a_word_and_plain_drops_markup_and_no_break_spaces():
    from plugins.sharing import plain, shorten

    title = "Hội nghị sơ kết công tác đoàn, triển khai nhiệm vụ&nbsp;<em>2021</em>"
    assert plain(title) == "Hội nghị sơ kết công tác đoàn, triển khai nhiệm vụ 2021"
    assert shorten(title, 100) == plain(title)
    assert shorten(title, 32) == "Hội nghị sơ kết công tác đoàn…"  # no comma before the ellipsis
    assert len(shorten(title, 32)) <= 32
    assert shorten("Một", 2) == "M…"
