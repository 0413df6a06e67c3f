"""The sample site, built as publishing builds it, read back as a reader's browser would."""

import re

from PIL import Image, ImageStat

from core.placeholder import make_sample_photo
from conftest import CONFERENCE_REPORT_URL, ROOT, SEED, resolve

PHOTO_LINE = re.compile(r"^IMG_\d+\.jpg$")
QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u00a0": " "})


def seed_article() -> tuple[list[str], list[tuple[str, str]]]:
    """The seed's paragraphs and its (photo, caption) pairs, chrome and title left out."""
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    body = lines[lines.index(next(l for l in lines if l.startswith("Tin theo lĩnh vực"))) + 2 :]
    paragraphs, photos = [], []
    index = 0
    while index < len(body):
        if PHOTO_LINE.match(body[index]):
            photos.append((body[index], body[index + 1]))
            index += 2
        else:
            paragraphs.append(body[index])
            index += 1
    return paragraphs, photos


def text_of(element) -> str:
    return " ".join(element.get_text(" ").translate(QUOTES).split())


def test_seed_is_understood():
    paragraphs, photos = seed_article()
    assert len(photos) == 4 and len(paragraphs) == 5
    assert photos[0] == ("IMG_5760.jpg", "Toàn cảnh hội nghị")


def test_conference_report_is_published_at_its_clean_url(site, page):
    assert (site / CONFERENCE_REPORT_URL / "index.html").is_file()
    assert not list(site.rglob("hoi-nghi-so-ket-6-thang-dau-nam-2021.html"))
    html = page(CONFERENCE_REPORT_URL)
    title = ("Hội nghị sơ kết công tác đoàn và phong trào thanh niên 6 tháng đầu năm, "
             "triển khai nhiệm vụ trọng tâm 6 tháng cuối năm 2021")
    assert text_of(html.find("h1")) == title
    assert title in text_of(html.title)


def test_conference_report_shows_its_date_in_vietnamese(page):
    time = page(CONFERENCE_REPORT_URL).find("article").find("time")
    assert time["datetime"].startswith("2021-07-15T14:00:00+07:00")
    assert text_of(time) == "Thứ Năm, 15/07/2021"


def test_conference_report_keeps_every_paragraph(page):
    article_text = text_of(page(CONFERENCE_REPORT_URL).find("article"))
    paragraphs, _ = seed_article()
    for paragraph in paragraphs:
        assert " ".join(paragraph.split()) in article_text


def test_conference_report_has_four_captioned_photos_that_resolve(site, page):
    html = page(CONFERENCE_REPORT_URL)
    figures = html.find("article").find_all("figure")
    _, photos = seed_article()
    assert [text_of(figure.figcaption) for figure in figures] == [caption for _, caption in photos]
    for figure, (name, _) in zip(figures, photos):
        image = figure.find("img")
        assert name.removesuffix(".jpg") in image["src"]
        assert resolve(site, CONFERENCE_REPORT_URL, image["src"]).is_file()


def test_caption_is_not_read_twice(page):
    """Alt repeats no caption: empty when the caption describes the photo, distinct otherwise."""
    for figure in page(CONFERENCE_REPORT_URL).find("article").find_all("figure"):
        image = figure.find("img")
        assert image["alt"] != text_of(figure.figcaption)


def test_field_page_lists_the_conference_report(site, page):
    field = page("linh-vuc/doan-thanh-nien/")
    links = [a["href"] for a in field.find_all("a", href=True)]
    assert any(CONFERENCE_REPORT_URL in href for href in links)
    assert "Đoàn thanh niên" in text_of(field.find("h1"))


def test_article_links_to_its_field(page):
    links = page(CONFERENCE_REPORT_URL).find_all("a", href=re.compile("linh-vuc/doan-thanh-nien/"))
    assert any("Đoàn thanh niên" in text_of(link) for link in links)


def test_home_lists_the_site_news(site, page):
    home = page("")
    article_links = {a["href"] for a in home.find_all("a", href=re.compile(r"tin/\d{4}/"))}
    assert len(article_links) >= 7


def test_pages_are_published(page):
    assert "Giới thiệu" in text_of(page("gioi-thieu/").find("h1"))
    assert "Liên hệ" in text_of(page("lien-he/").find("h1"))


def test_every_page_is_nfc(site):
    import unicodedata

    for path in site.rglob("*.html"):
        assert unicodedata.is_normalized("NFC", path.read_text(encoding="utf-8")), path


def test_sample_photos_say_they_are_samples():
    """Every sample photo carries "Ảnh mẫu" in its JPEG comment (its corner says so too)."""
    photos = sorted((ROOT / "content" / "articles").glob("*/*/IMG_*.jpg"))
    assert len(photos) == 9
    for path in photos:
        with Image.open(path) as photo:
            assert photo.format == "JPEG"
            assert "Ảnh mẫu" in photo.info["comment"].decode("utf-8"), path


def test_readers_see_the_sample_mark_on_every_published_sample_photo(site):
    """The photo a reader gets (the article's 800 px copy, WebP and JPEG) shows the "Ảnh mẫu"
    label in its bottom right corner: white text on a dark band, which the calm scene beside
    it does not have."""
    photos = sorted((ROOT / "content" / "articles").glob("*/*/IMG_*.jpg"))
    for source in photos:
        folder = source.parent.relative_to(ROOT / "content" / "articles")
        for suffix in ("jpg", "webp"):
            [published] = (site / "tin" / folder).glob(f"{source.stem}-800.{suffix}")
            with Image.open(published) as photo:
                grey = photo.convert("L")
            width, height = grey.size
            side = min(width, height)
            band = (0.075, 0.03)  # from the bottom: the label's band, as core.placeholder draws it
            corner = grey.crop((int(width - side * 0.16), int(height - side * band[0]),
                                int(width - side * 0.03), int(height - side * band[1])))
            beside = grey.crop((int(width - side * 0.32), int(height - side * band[0]),
                                int(width - side * 0.19), int(height - side * band[1])))
            (corner_low, corner_high), (beside_low, beside_high) = corner.getextrema(), beside.getextrema()
            assert corner_high >= 220 > beside_high, (published, "no white label text")
            assert corner_low <= beside_low - 25, (published, "no dark band under the label")
            assert ImageStat.Stat(corner).mean[0] < ImageStat.Stat(beside).mean[0], published


def test_sample_photo_is_drawn_the_same_from_the_same_seed(tmp_path):
    first = make_sample_photo(tmp_path / "a.jpg", (300, 200), seed=7)
    again = make_sample_photo(tmp_path / "b.jpg", (300, 200), seed=7)
    other = make_sample_photo(tmp_path / "c.jpg", (300, 200), seed=8)
    assert first.read_bytes() == again.read_bytes() != other.read_bytes()
    with Image.open(first) as photo:
        assert photo.size == (300, 200)


def test_every_page_links_to_the_search_page(page):
    for url in ("", "linh-vuc/doan-thanh-nien/", CONFERENCE_REPORT_URL, "en/"):
        link = page(url).select_one(".bt-header a[href$='/tim-kiem/'], .bt-header a[href$='/search/']")
        assert link is not None, url
