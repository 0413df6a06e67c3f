"""Lists on a 1280 px screen, measured in the browser: the home grid has no holes (full rows,
every card's picture slot filled by a photo or its field's block) and a field page spreads its
stories over the page's width instead of one narrow column."""

import pytest

from browser.conftest import DESKTOP

pytestmark = pytest.mark.browser

# Each item of a list: its box, and the box of its picture slot (photo or fallback block).
ITEMS = """selector => Array.from(document.querySelectorAll(selector), item => {
    const box = item.getBoundingClientRect();
    const picture = item.querySelector('.bt-card__image');
    const slot = picture ? picture.getBoundingClientRect() : null;
    return {left: Math.round(box.left), right: Math.round(box.right), top: Math.round(box.top),
            slot: slot && {width: Math.round(slot.width), height: Math.round(slot.height)},
            photo: !!(picture && picture.tagName === 'IMG' && picture.complete
                      && picture.naturalWidth > 0)};
})"""
CONTENT_BOX = """() => {
    const main = document.querySelector('main'), style = getComputedStyle(main);
    const box = main.getBoundingClientRect();
    return {left: box.left + parseFloat(style.paddingLeft),
            right: box.right - parseFloat(style.paddingRight)};
}"""


def loaded(browser_page) -> None:
    """Every photo decoded, lazy ones included, so that a slot is measured with what fills it."""
    browser_page.evaluate("""() => Promise.all([...document.images].map(image => {
        image.loading = "eager";
        return image.decode().catch(() => null);
    }))""")


def rows(items: list[dict]) -> list[list[dict]]:
    by_top = {}
    for item in items:
        by_top.setdefault(item["top"], []).append(item)
    return [by_top[top] for top in sorted(by_top)]


@pytest.mark.parametrize("path", ["", "en/"])
def test_the_home_grid_has_no_holes_at_1280_px(open_page, path):
    browser_page = open_page(path, width=DESKTOP)
    loaded(browser_page)
    items = browser_page.evaluate(ITEMS, ".bt-news-list--grid > .bt-news-list__item")
    if not items:  # an edition too small for a grid shows the lead and the list beside it
        assert browser_page.locator(".bt-card--lead").count() == 1
        return
    content = browser_page.evaluate(CONTENT_BOX)
    for row in rows(items):
        assert len(row) == 3, f"a row of {len(row)} cards leaves a hole: {row}"
        assert abs(min(item["left"] for item in row) - content["left"]) <= 1, row
        assert abs(max(item["right"] for item in row) - content["right"]) <= 1, row
        slots = {(item["slot"]["width"], item["slot"]["height"]) for item in row if item["slot"]}
        assert len(slots) == 1 and all(item["slot"] for item in row), row
        width, height = slots.pop()
        assert width > 200 and height > 100, row
    assert any(item["photo"] for item in items)


@pytest.mark.parametrize("path", ["linh-vuc/doan-thanh-nien/", "en/fields/youth-union/"])
def test_a_field_page_uses_the_width_at_1280_px(open_page, path):
    browser_page = open_page(path, width=DESKTOP)
    loaded(browser_page)
    items = browser_page.evaluate(ITEMS, "main .bt-news-list--columns > .bt-news-list__item")
    assert len(items) >= 2, path
    content = browser_page.evaluate(CONTENT_BOX)
    assert content["right"] - content["left"] > 1000
    # The list spans the page's content box: no wide empty margin beside one column of stories.
    assert abs(min(item["left"] for item in items) - content["left"]) <= 1, items
    assert abs(max(item["right"] for item in items) - content["right"]) <= 1, items
    columns = {item["left"] for item in items}
    assert len(columns) == 2, f"stories in {len(columns)} column(s): {items}"
    for row in rows(items):
        assert len(row) in (1, 2), row
        if len(row) == 1:  # a story alone on its row spans both columns
            assert abs(row[0]["right"] - row[0]["left"] - (content["right"] - content["left"])) <= 1
