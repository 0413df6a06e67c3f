"""Card photos are downloaded at the width they are shown: each card's `sizes` (CARD_IMAGE_SIZES)
says the width the layout gives it at 390, 768 and 1280 px, and a phone fetches a card-sized
file for a thumbnail, not a photo made for the article column."""

import pytest

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/linh-vuc/doan-thanh-nien/",
    "/en/",
    "/tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/",
    "/tim-kiem/?q=hi%E1%BA%BFn+m%C3%A1u",
]
WIDTHS = [390, 768, 1280]
# For each card photo: its rendered width, the width its `sizes` gives (the first entry whose
# media condition matches, its length resolved by the browser's own CSS), and the width of the
# file the browser chose (the `w` of the chosen srcset candidate).
MEASURE = """
() => Array.from(document.querySelectorAll("img.bt-card__image")).map(image => {
  const source = image.parentElement.querySelector("source");
  let length = null;
  for (const entry of image.sizes.split(/,(?![^(]*\\))/)) {
    const match = entry.trim().match(/^(\\(.*?\\))?\\s*(.+)$/);
    if (!match[1] || matchMedia(match[1]).matches) { length = match[2]; break; }
  }
  const probe = document.createElement("div");
  probe.style.cssText = "position:absolute;visibility:hidden;width:" + length;
  document.body.append(probe);
  const said = probe.getBoundingClientRect().width;
  probe.remove();
  const chosen = (source ? source.srcset : image.srcset).split(", ")
    .find(candidate => new URL(candidate.split(" ")[0], location.href).href === image.currentSrc);
  return {src: image.currentSrc, shown: image.getBoundingClientRect().width, said,
          file: chosen ? parseInt(chosen.split(" ")[1]) : null,
          sizesMatch: !source || source.sizes === image.sizes};
})
"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_card_sizes_match_the_layout(browser, base_url, path, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(base_url + path, wait_until="networkidle")
        if path.startswith("/tim-kiem/"):
            page.wait_for_selector(".bt-search__results img", timeout=15_000)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")
        cards = page.evaluate(MEASURE)
    finally:
        context.close()
    assert cards, f"{path}: no card photo"
    for card in cards:
        assert card["sizesMatch"], card
        assert abs(card["shown"] - card["said"]) <= 1, f"{path} at {width}px: {card}"


# (The English home's only photo is its lead story's.)
@pytest.mark.parametrize("path", ["/", "/linh-vuc/doan-thanh-nien/",
                                  "/tim-kiem/?q=hi%E1%BA%BFn+m%C3%A1u"])
def test_a_phone_downloads_thumbnails_made_for_cards(browser, base_url, path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True)
    try:
        page = context.new_page()
        page.goto(base_url + path, wait_until="networkidle")
        if path.startswith("/tim-kiem/"):
            page.wait_for_selector(".bt-search__results img", timeout=15_000)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")
        cards = page.evaluate(MEASURE)
    finally:
        context.close()
    thumbnails = [card for card in cards if card["shown"] < 200]
    assert thumbnails, f"{path}: no thumbnail"
    for card in thumbnails:  # 104 px at 2x: the 240 px file, never a 480 px one
        assert card["file"] is not None and card["shown"] * 2 <= card["file"] <= 320, card
        assert card["src"].endswith((".webp", ".jpg")), card
