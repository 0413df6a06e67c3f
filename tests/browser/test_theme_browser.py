"""The theme in a real browser: accessibility (axe-core), keyboard use, the ribbon on a phone
with and without JavaScript, print, and screenshots for people to look at."""

import pytest

from browser.conftest import DESKTOP, PHONE, assert_accessible
from conftest import CONFERENCE_REPORT_URL

FIELD_URL = "linh-vuc/doan-thanh-nien/"
PAGES = {
    "home": "",
    "field": FIELD_URL,
    "conference-report": CONFERENCE_REPORT_URL,
    "404": "khong-co-trang-nay/",
    "en-home": "en/",
    "en-field": "en/fields/youth-union/",
    "en-conference-report": "en/news/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/",
    "en-404": "en/404.html",
    "search": "tim-kiem/?q=hien+mau",
}
SKIP_LINK_TEXT = {"vi": "Bỏ qua đến nội dung chính", "en": "Skip to main content"}

pytestmark = pytest.mark.browser


def focused(browser_page) -> dict:
    """What has keyboard focus: its id, class, href and text."""
    return browser_page.evaluate(
        """() => { const e = document.activeElement;
                   return {id: e.id, className: e.className, tag: e.tagName.toLowerCase(),
                           href: e.getAttribute('href'), text: e.textContent.trim()}; }"""
    )


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violations(open_page, name, width):
    browser_page = open_page(PAGES[name], width=width)
    assert_accessible(browser_page)


def test_unknown_address_shows_the_not_found_page(open_page):
    browser_page = open_page(PAGES["404"])
    assert browser_page.locator("h1").inner_text() == "Không tìm thấy trang"


@pytest.mark.parametrize("name", PAGES)
def test_first_tab_focuses_skip_link_and_enter_moves_focus_to_main(open_page, name):
    browser_page = open_page(PAGES[name])
    skip_link = browser_page.locator(".bt-skip-link").first
    assert skip_link.bounding_box()["width"] <= 1, "the skip link shows before it has focus"

    browser_page.keyboard.press("Tab")
    lang = browser_page.locator("html").get_attribute("lang")
    assert focused(browser_page)["text"] == SKIP_LINK_TEXT[lang]
    box = skip_link.bounding_box()
    assert box["width"] > 200 and box["height"] > 20, "the focused skip link is not plainly visible"

    browser_page.keyboard.press("Enter")
    assert focused(browser_page)["id"] == "main-content"
    browser_page.keyboard.press("Tab")
    assert browser_page.evaluate(
        "document.getElementById('main-content').contains(document.activeElement)"
    ), "after the skip link, Tab should continue inside main"


def test_second_skip_link_jumps_over_the_ribbon(open_page):
    browser_page = open_page(CONFERENCE_REPORT_URL)
    browser_page.keyboard.press("Tab")
    browser_page.keyboard.press("Tab")
    assert focused(browser_page)["text"] == "Bỏ qua thanh lĩnh vực"
    browser_page.keyboard.press("Enter")
    assert focused(browser_page)["id"] == "after-ribbon"
    browser_page.keyboard.press("Tab")
    after = focused(browser_page)
    assert "bt-breadcrumbs__link" in after["className"], after


def test_skip_link_works_without_javascript(open_page):
    browser_page = open_page(FIELD_URL, javascript=False)
    browser_page.keyboard.press("Tab")
    assert focused(browser_page)["href"] == "#main-content"
    browser_page.keyboard.press("Enter")
    assert browser_page.evaluate("location.hash") == "#main-content"
    browser_page.keyboard.press("Tab")
    assert browser_page.evaluate(
        "document.getElementById('main-content').contains(document.activeElement)"
    )


def test_ribbon_marks_current_field_visibly(open_page):
    browser_page = open_page(FIELD_URL)
    current = browser_page.locator(".bt-ribbon__link[aria-current]")
    assert current.count() == 1
    assert current.get_attribute("aria-current") == "page"
    assert current.inner_text() == "Đoàn thanh niên"
    other = browser_page.locator(".bt-ribbon__link", has_text="Công đoàn")
    style = "e => { const s = getComputedStyle(e); return [s.borderBottomStyle, s.borderBottomColor, s.fontWeight]; }"
    current_style, other_style = current.evaluate(style), other.evaluate(style)
    # Marked by a thick underline and weight, not by colour alone.
    assert current_style[1] != other_style[1] and current_style[2] != other_style[2]


def test_keyboard_focus_is_visible_everywhere(open_page):
    """Every link and button the keyboard reaches gets the yellow focus fill or underline."""
    browser_page = open_page(CONFERENCE_REPORT_URL)
    unmarked = []
    for _ in range(60):
        browser_page.keyboard.press("Tab")
        mark = browser_page.evaluate(
            """() => { const e = document.activeElement;
                       if (e === document.body) return null;
                       const s = getComputedStyle(e);
                       return {html: e.outerHTML.slice(0, 80), background: s.backgroundColor,
                               border: s.borderBottomColor, shadow: s.boxShadow}; }"""
        )
        if mark is None:
            break
        focus_fill = mark["background"] == "rgb(255, 221, 0)"
        focus_line = mark["border"] == "rgb(11, 12, 12)" or "rgb(11, 12, 12)" in mark["shadow"]
        if not (focus_fill or focus_line):
            unmarked.append(mark)
    assert not unmarked, unmarked


def test_ribbon_collapses_on_a_phone_and_works_by_keyboard(open_page):
    browser_page = open_page(CONFERENCE_REPORT_URL, width=PHONE)
    button = browser_page.locator(".bt-ribbon__toggle")
    field_link = browser_page.locator(".bt-ribbon__link", has_text="Công đoàn")
    assert button.is_visible()
    assert button.get_attribute("aria-expanded") == "false"
    assert not field_link.is_visible()

    for _ in range(10):  # skip links and header links come first
        browser_page.keyboard.press("Tab")
        if "bt-ribbon__toggle" in focused(browser_page)["className"]:
            break
    assert "bt-ribbon__toggle" in focused(browser_page)["className"]
    browser_page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert field_link.is_visible()

    browser_page.keyboard.press("Tab")
    assert focused(browser_page)["text"] == "Trang chủ"
    browser_page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert not field_link.is_visible()
    assert "bt-ribbon__toggle" in focused(browser_page)["className"]

    browser_page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "true"
    browser_page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "false"


def test_ribbon_shows_every_field_without_javascript(open_page, page):
    expected = [a["href"] for a in page(FIELD_URL).select(".bt-ribbon__link")]
    browser_page = open_page(FIELD_URL, width=PHONE, javascript=False)
    assert not browser_page.locator(".bt-ribbon__toggle").is_visible()
    reached = []
    for _ in range(len(expected) + 10):  # skip links and header links come first
        browser_page.keyboard.press("Tab")
        reached.append(focused(browser_page)["href"])
    assert all(href in reached for href in expected), (expected, reached)
    for link in browser_page.locator(".bt-ribbon__link").all():
        assert link.is_visible()
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= PHONE, (
        "the page scrolls sideways on a phone"
    )


def test_ribbon_is_a_row_on_a_desktop(open_page):
    browser_page = open_page(FIELD_URL, width=DESKTOP)
    assert not browser_page.locator(".bt-ribbon__toggle").is_visible()
    tops = {round(link.bounding_box()["y"]) for link in browser_page.locator(".bt-ribbon__link").all()}
    assert len(tops) == 1, "the ribbon wraps onto several lines at 1280 px"


def test_print_shows_the_article_alone_with_link_addresses(open_page):
    browser_page = open_page(CONFERENCE_REPORT_URL)
    browser_page.emulate_media(media="print")
    for hidden in [".bt-ribbon", ".bt-breadcrumbs", ".bt-footer", ".bt-related", ".bt-skip-link"]:
        assert not browser_page.locator(hidden).first.is_visible(), hidden
    assert browser_page.locator(".bt-article h1").is_visible()
    tag_link = browser_page.locator(".bt-tags__link").first
    after = tag_link.evaluate("e => getComputedStyle(e, '::after').content")
    assert after == f'" ({tag_link.get_attribute("href")})"'
    assert browser_page.locator(".bt-header__name").is_visible(), "the print loses whose bulletin it is"


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("name", PAGES)
def test_screenshot(open_page, screenshots_dir, name, width):
    browser_page = open_page(PAGES[name], width=width)
    # Lazy photos below the fold would show blank in a full-page screenshot.
    browser_page.evaluate(
        """() => Promise.all([...document.images].map(image => {
             image.loading = "eager";
             return image.decode().catch(() => null);
           }))"""
    )
    target = screenshots_dir / f"{name}-{width}.png"
    browser_page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


def share_page(browser, base_url, web_share: bool, width: int = PHONE,
               path: str = CONFERENCE_REPORT_URL):
    """The conference report in a context that may offer the Web Share API (recorded, not sent)
    and lets the page write to the clipboard, as a phone's browser does."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    if web_share:
        context.add_init_script("""window.sharedWith = [];
            navigator.share = data => { window.sharedWith.push(data); return Promise.resolve(); };""")
    browser_page = context.new_page()
    browser_page.goto(f"{base_url}/{path}")
    return context, browser_page


def tab_to(browser_page, selector: str, limit: int = 120) -> None:
    """Press Tab until `selector` has keyboard focus."""
    for _ in range(limit):
        browser_page.keyboard.press("Tab")
        if browser_page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_share_uses_the_phones_share_sheet_from_the_keyboard(browser, base_url):
    context, browser_page = share_page(browser, base_url, web_share=True)
    try:
        native = browser_page.locator("[data-share-native]")
        assert native.is_visible() and native.inner_text() == "Chia sẻ…"
        assert not browser_page.locator("[data-share-links]").is_visible()
        tab_to(browser_page, "[data-share-native]")
        browser_page.keyboard.press("Enter")
        shared = browser_page.evaluate("window.sharedWith")
        assert shared == [{"title": "Hội nghị sơ kết công tác đoàn và phong trào thanh niên 6 tháng "
                                    "đầu năm, triển khai nhiệm vụ trọng tâm 6 tháng cuối năm 2021",
                           "url": f"{base_url}/{CONFERENCE_REPORT_URL}"}]
    finally:
        context.close()


def test_share_without_a_share_sheet_offers_links_and_copies_the_link(browser, base_url):
    context, browser_page = share_page(browser, base_url, web_share=False)
    try:
        assert not browser_page.locator("[data-share-native]").is_visible()
        for name in ("Facebook", "Zalo", "Thư điện tử"):
            assert browser_page.locator(".bt-share__link", has_text=name).is_visible()
        tab_to(browser_page, "[data-share-copy]")
        browser_page.keyboard.press("Enter")
        status = browser_page.locator("[data-share-status]")
        status.filter(has_text="Đã sao chép liên kết").wait_for()
        assert status.get_attribute("role") == "status"
        assert browser_page.evaluate("navigator.clipboard.readText()") == (
            f"{base_url}/{CONFERENCE_REPORT_URL}")
    finally:
        context.close()


@pytest.mark.parametrize("web_share", [True, False])
def test_share_speaks_english_in_the_english_edition(browser, base_url, web_share):
    """The share control of an English article: English labels, the English page's address."""
    path = PAGES["en-conference-report"]
    context, browser_page = share_page(browser, base_url, web_share=web_share, path=path)
    try:
        share = browser_page.locator(".bt-share")
        assert share.locator("h2").inner_text() == "Share this article"
        if web_share:
            assert share.locator("[data-share-native]").inner_text() == "Share…"
            tab_to(browser_page, "[data-share-native]")
            browser_page.keyboard.press("Enter")
            assert browser_page.evaluate("window.sharedWith")[0]["url"] == f"{base_url}/{path}"
        else:
            assert share.locator(".bt-share__link", has_text="Email").is_visible()
            tab_to(browser_page, "[data-share-copy]")
            assert browser_page.locator("[data-share-copy]").inner_text() == "Copy the link"
            browser_page.keyboard.press("Enter")
            share.locator("[data-share-status]").filter(has_text="The link is copied").wait_for()
            assert browser_page.evaluate("navigator.clipboard.readText()") == f"{base_url}/{path}"
        assert_accessible(browser_page, context={"include": [[".bt-share"]]})
    finally:
        context.close()


def test_share_links_work_without_javascript(open_page):
    browser_page = open_page(CONFERENCE_REPORT_URL, width=PHONE, javascript=False)
    links = browser_page.locator(".bt-share__link")
    assert links.count() == 3 and all(link.is_visible() for link in links.all())
    assert not browser_page.locator("[data-share-native]").is_visible()
    assert not browser_page.locator("[data-share-copy]").is_visible()


@pytest.mark.parametrize("path", ["theo-doi-tin/", "en/theo-doi-tin/"])
def test_the_help_page_on_following_news_passes_axe(open_page, path):
    browser_page = open_page(path, width=PHONE)
    assert_accessible(browser_page)


def test_footer_contact_links_and_share_section_pass_axe_on_a_phone(open_page):
    browser_page = open_page(CONFERENCE_REPORT_URL, width=PHONE)
    assert_accessible(browser_page, context={"include": [[".bt-share"], [".bt-footer"]]})
    telephone = browser_page.locator(".bt-footer a[href^='tel:']")
    assert telephone.is_visible() and telephone.bounding_box()["height"] >= 24


SLOT_AND_RENDERED = """img => {
    const entries = img.sizes.split(/,\\s*(?![^(]*\\))/);
    let length = entries[entries.length - 1];
    for (const entry of entries) {
        const media = entry.match(/^(\\(.*?\\))\\s+(.+)$/);
        if (!media) { length = entry; break; }
        if (matchMedia(media[1]).matches) { length = media[2]; break; }
    }
    const probe = document.createElement("div");
    probe.style.width = length;
    document.body.appendChild(probe);
    const slot = probe.getBoundingClientRect().width;
    probe.remove();
    return {slot, rendered: img.getBoundingClientRect().width, src: img.currentSrc,
            priority: img.getAttribute("fetchpriority")};
}"""


@pytest.mark.parametrize("width", [360, 700, 800, 1280])
def test_card_photos_are_webp_sized_for_the_slot_they_fill(open_page, width):
    """Each card photo's `sizes` names the width it is shown at, in every layout, and the
    browser picks a WebP; on the home page the lead photo is fetched first."""
    for path in ("", FIELD_URL, CONFERENCE_REPORT_URL):
        browser_page = open_page(path, width=width)
        images = browser_page.locator("img.bt-card__image")
        assert images.count() > 0, path
        for image in images.all():
            image.scroll_into_view_if_needed()
            image.evaluate("img => img.decode()")
            found = image.evaluate(SLOT_AND_RENDERED)
            assert abs(found["slot"] - found["rendered"]) <= 2, (path, width, found)
            assert found["src"].endswith(".webp"), found
        if path == "":
            lead = browser_page.locator(".bt-card--lead .bt-card__image")
            assert lead.get_attribute("fetchpriority") == "high"
            assert browser_page.locator(".bt-card__image[fetchpriority=high]").count() == 1


HEADER_BOXES = """() => {
    const box = selector => document.querySelector(selector).getBoundingClientRect();
    const brand = box('.bt-header__brand'), tools = box('.bt-header__tools');
    return {brandLeft: brand.left, toolsBelow: tools.top >= brand.bottom - 1,
            toolsEdge: tools.top >= brand.bottom - 1 ? tools.left : tools.right,
            overflow: document.documentElement.scrollWidth > innerWidth};
}"""


@pytest.mark.parametrize("width", [390, 768, 1280])
def test_header_is_laid_out_alike_whatever_the_length_of_the_site_name(open_page, width):
    """The long English name wraps inside the header: its logo, name and tools sit where the
    Vietnamese ones do (tools beside the name and flush right on a wide screen, below it and flush
    left on narrow ones)."""
    vietnamese = open_page("", width=width).evaluate(HEADER_BOXES)
    english = open_page("en/", width=width).evaluate(HEADER_BOXES)
    assert vietnamese == english
    assert not english["overflow"]
    assert english["toolsBelow"] == (width < 1024)
