"""Nothing on a page moves once it is shown (Cumulative Layout Shift, as Lighthouse measures it),
on a 390 px phone, while the scripts and search results arrive late as they do on a slow network,
on the pages `invoke lighthouse` judges and one page of every other kind."""

import time

import pytest

from benchmarks.lighthouse import PAGES

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CLS_TARGET = 0.01
# Scripts held back this long, so that the page is painted before they run (a phone on 3G).
SCRIPT_DELAY = 0.4
# Every layout shift since the page began, summed as Lighthouse does for a page load.
OBSERVE = """
window.__shifts = [];
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) {
      window.__shifts.push({value: entry.value, nodes: entry.sources.map(
        s => s.node ? (s.node.id || s.node.className || s.node.nodeName) : "?")});
    }
  }
}).observe({type: "layout-shift", buffered: true});
"""


def slow_script(route):
    time.sleep(SCRIPT_DELAY)
    route.continue_()


# Besides the pages Lighthouse judges, one of every other kind, in both editions.
OTHER_PAGES = [
    "/en/news/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/",
    "/en/fields/youth-union/",
    "/en/search/?q=blood",
    "/tim-kiem/",
    "/the/hien-mau/",
    "/luu-tru/",
    "/luu-tru/2021/07/",
    "/theo-doi-tin/",
    "/gioi-thieu/",
    "/khong-co-trang-nay/",
]


@pytest.mark.parametrize("path", PAGES + OTHER_PAGES)
def test_nothing_moves_after_the_first_paint(browser, base_url, path):
    context = browser.new_context(viewport=PHONE, device_scale_factor=3, is_mobile=True,
                                  has_touch=True)
    try:
        page = context.new_page()
        page.route("**/*.js", slow_script)
        page.add_init_script(OBSERVE)
        page.goto(base_url + path, wait_until="networkidle")
        if "?q=" in path:
            page.wait_for_selector(".bt-search__results li", timeout=15_000)
        page.wait_for_timeout(500)  # a shift after the last request still counts
        shifts = page.evaluate("window.__shifts")
    finally:
        context.close()
    total = sum(shift["value"] for shift in shifts)
    assert total < CLS_TARGET, f"{path}: CLS {total:.3f} from {shifts}"
