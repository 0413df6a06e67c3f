"""The search page in a real browser: queries typed without tone marks or đ find the articles,
field filters narrow the results, each edition searches its own language, and the page explains
itself when nothing matches or script is off."""

import re

import pytest

VI_SEARCH = "tim-kiem/"
EN_SEARCH = "en/search/"
BLOOD_DONATION = "/tin/2022/hien-mau-tinh-nguyen-le-hoi-xuan-hong-2022/"
CONFERENCE_REPORT = "/tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/"


def search(browser_page, query: str) -> list[dict]:
    """Type `query` as a reader would, press Enter, and return the results shown."""
    field = browser_page.get_by_label(re.compile("Từ cần tìm|Words to search for"))
    field.fill("")
    field.press_sequentially(query)
    field.press("Enter")
    status = browser_page.locator("[data-search-status]")
    status.filter(has_text=query).wait_for()
    browser_page.wait_for_function(
        "() => !document.querySelector('[data-search-status]').textContent.includes('…')")
    return browser_page.locator(".bt-search__result").evaluate_all("""items => items.map(item => ({
        title: item.querySelector('h2 a').textContent,
        href: new URL(item.querySelector('h2 a').href).pathname,
        field: (item.querySelector('.bt-card__field') || {}).textContent,
        date: (item.querySelector('time') || {}).textContent,
        excerpt: item.querySelector('.bt-search__excerpt').textContent,
        marks: Array.from(item.querySelectorAll('mark'), mark => mark.textContent),
        image: item.querySelector('img') && item.querySelector('img').naturalWidth,
    }))""")


@pytest.fixture
def search_page(open_page):
    browser_page = open_page(VI_SEARCH)
    browser_page.locator("form[role=search]").wait_for(state="visible")
    return browser_page


def test_every_page_links_to_the_search_page(page):
    for url in ("", "linh-vuc/doan-thanh-nien/", CONFERENCE_REPORT, "en/"):
        link = page(url).select_one(".bt-header a[href$='/tim-kiem/'], .bt-header a[href$='/search/']")
        assert link is not None, url


def test_hien_mau_without_tone_marks_finds_the_blood_donation_article(search_page):
    results = search(search_page, "hien mau")
    assert results[0]["href"] == BLOOD_DONATION
    first = results[0]
    assert "hiến" in first["title"] and first["field"] == "Đoàn thanh niên"
    assert re.match(r"Chủ Nhật, 09/01/2022", first["date"])
    assert first["excerpt"] and first["image"] > 0  # the card photo loaded
    assert any(mark.lower() in ("hiến", "máu") for mark in first["marks"])
    assert "kết quả cho “hien mau”" in search_page.locator("[data-search-status]").inner_text()


def test_doan_thanh_nien_without_accents_or_d_stroke_finds_doan_thanh_nien(search_page):
    results = search(search_page, "doan thanh nien")
    hrefs = [result["href"] for result in results]
    assert BLOOD_DONATION in hrefs and CONFERENCE_REPORT in hrefs
    assert "Đoàn thanh niên" in {result["field"] for result in results}
    # Only the folded spelling matched "doan": the excerpt still reads as Vietnamese.
    assert not any(re.search(r"\bdoan\b", result["excerpt"]) for result in results)


def test_doan_alone_finds_doan_and_the_exact_spelling_is_highlighted(search_page):
    folded = search(search_page, "doan")
    exact = search(search_page, "Đoàn")
    assert folded and exact
    assert {result["href"] for result in exact} <= {result["href"] for result in folded}
    # Typed with đ, the query matches the pages' own words (any tone), never the folded copies.
    marks = [mark.lower() for result in exact for mark in result["marks"]]
    assert "đoàn" in marks and all(mark.startswith("đ") for mark in marks)


def test_field_filter_narrows_the_results(search_page):
    search_page.get_by_label("Xây dựng Đảng").check()
    results = search(search_page, "doan")
    assert results
    assert {result["field"] for result in results} == {"Xây dựng Đảng"}
    assert "field=" in search_page.url and "q=doan" in search_page.url


def test_a_query_without_results_says_what_to_try(search_page):
    assert search(search_page, "xyzzyq") == []
    status = search_page.locator("[role=status]")
    assert status.get_attribute("aria-live") == "polite"
    assert "Không tìm thấy tin nào cho “xyzzyq”" in status.inner_text()
    assert "thử từ khác" in status.inner_text()


def test_the_form_works_from_the_keyboard(search_page):
    search_page.keyboard.press("Tab")
    for _ in range(30):
        if search_page.evaluate("document.activeElement.id") == "search-query":
            break
        search_page.keyboard.press("Tab")
    search_page.keyboard.type("hien mau")
    search_page.keyboard.press("Enter")
    search_page.locator(".bt-search__result").first.wait_for()
    assert search_page.locator(".bt-search__result a").first.get_attribute("href").endswith(
        BLOOD_DONATION)


def test_a_shared_search_address_runs_the_search(open_page):
    browser_page = open_page(VI_SEARCH + "?q=hien+mau")
    browser_page.locator(".bt-search__result").first.wait_for()
    assert browser_page.get_by_label("Từ cần tìm").input_value() == "hien mau"


def test_english_edition_searches_english_articles(open_page):
    browser_page = open_page(EN_SEARCH)
    browser_page.locator("form[role=search]").wait_for(state="visible")
    results = search(browser_page, "blood donation")
    assert results[0]["href"] == "/en/news/2022/hien-mau-tinh-nguyen-le-hoi-xuan-hong-2022/"
    assert all(result["href"].startswith("/en/") for result in results)
    assert results[0]["field"] == "Youth Union"
    assert "results for “blood donation”" in browser_page.locator("[role=status]").inner_text()


def test_without_javascript_the_page_says_so_and_offers_the_fields(open_page):
    browser_page = open_page(VI_SEARCH, javascript=False)
    assert not browser_page.locator("form[role=search]").is_visible()
    fallback = browser_page.locator("[data-search-fallback]")
    assert "cần JavaScript" in fallback.inner_text()
    assert fallback.locator("a[href*='/linh-vuc/']").count() >= 3
