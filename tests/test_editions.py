"""The editions: Vietnamese at /, English at /en/, each complete in its own language, linked both
ways by the language switcher and reciprocal hreflang links; a third language needs no template."""

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from bs4 import BeautifulSoup

from bantin.build import build, load_settings
from plugins.i18n.catalogs import update_catalogs
from plugins.i18n import catalog_path
from tests.conftest import CONFERENCE_REPORT_URL, ROOT, SETTINGS_FILE

EN_REPORT_URL = "en/news/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/"
UNTRANSLATED_URL = "tin/2023/lop-boi-duong-nhan-thuc-ve-dang-nam-2023/"
PUBLIC_SITEURL = "https://bantin.example.vn"


def html_pages(site: Path) -> list[Path]:
    return sorted(path for path in site.rglob("*.html") if "pagefind" not in path.parts)


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def switcher(soup: BeautifulSoup) -> dict[str, str | None]:
    """lang -> href of the language switcher (None for the current language, not a link)."""
    nav = soup.select_one("nav.bt-language")
    assert nav is not None and nav.get("aria-label"), "no labelled language switcher"
    return {item["lang"]: item.get("href") for item in nav.select("[lang]")}


def alternates(soup: BeautifulSoup) -> dict[str, str]:
    return {link["hreflang"]: link["href"] for link in soup.select('link[rel="alternate"][hreflang]')}


def file_of(site: Path, url: str, siteurl: str = "") -> Path:
    path = site / url.removeprefix(siteurl).strip("/")
    return path / "index.html" if path.is_dir() else path


def test_each_edition_has_its_language_and_lists_only_its_articles(site, page):
    vi_home, en_home = page(""), page("en/")
    assert vi_home.html["lang"] == "vi" and en_home.html["lang"] == "en"
    en_articles = {a["href"] for a in en_home.select("main a[href*='/news/']")}
    assert f"/{EN_REPORT_URL}" in en_articles
    assert all(a["href"].startswith("/en/") for a in en_home.select("main a[href^='/']"))
    assert not en_home.select("main a[href^='/tin/']"), "a Vietnamese article in the English home"
    assert not page("").select("main a[href^='/en/']")
    assert not (site / "en" / UNTRANSLATED_URL.replace("tin/", "news/")).exists()
    assert not list((site / "en").rglob("lop-boi-duong-nhan-thuc-ve-dang-nam-2023"))


def test_fields_are_translated_and_only_present_where_the_edition_has_articles(site, page):
    field = page("en/fields/youth-union/")
    assert field.html["lang"] == "en"
    assert "Youth Union" in field.select_one("h1").get_text()
    ribbon = [a.get_text(strip=True) for a in page("en/").select(".bt-ribbon__link")]
    assert "Youth Union" in ribbon and "Women's Affairs" in ribbon
    assert "Party Building" not in ribbon, "a field with no English article is offered"
    assert not (site / "en" / "fields" / "party-building").exists()
    assert switcher(field) == {"vi": "/linh-vuc/doan-thanh-nien/", "en": None}
    assert switcher(page("linh-vuc/xay-dung-dang/"))["en"] == "/en/", "no English field: home"


def test_every_page_has_a_switcher_whose_links_exist_and_round_trip(site):
    for path in html_pages(site):
        soup = soup_of(path)
        folder = path.relative_to(site).parent.as_posix()
        own_url = "/" if folder == "." else f"/{folder}/"
        links = switcher(soup)
        current = soup.html["lang"]
        assert links[current] is None, f"{path}: the current language is a link"
        for lang, href in links.items():
            if href is None:
                continue
            target = file_of(site, href)
            assert target.exists(), f"{path}: switcher link {href} leads nowhere"
            if alternates(soup) and path.name == "index.html":
                back = switcher(soup_of(target))[current]
                assert back == own_url, f"{path}: {lang} version {href} links back to {back}"


def test_switcher_names_each_language_in_itself(page):
    nav = page(CONFERENCE_REPORT_URL).select_one("nav.bt-language")
    link = nav.select_one("a[lang='en']")
    assert link.get_text(strip=True) == "English" and link["hreflang"] == "en"
    assert link["href"] == f"/{EN_REPORT_URL}"
    current = nav.select_one("[lang='vi']")
    assert current.name != "a" and current.get_text(strip=True) == "Tiếng Việt"


def test_untranslated_article_offers_no_english_version(page):
    soup = page(UNTRANSLATED_URL)
    assert alternates(soup) == {}
    assert switcher(soup)["en"] == "/en/"


def test_english_dates_and_interface(page):
    soup = page(EN_REPORT_URL)
    assert soup.select_one("article time").get_text() == "Thursday, 15 July 2021"
    assert soup.select_one(".bt-skip-link").get_text() == "Skip to main content"
    assert "Bulletin" in soup.select_one(".bt-header__name").get_text()


def vietnamese_interface_strings() -> set[str]:
    """Pieces of the Vietnamese catalog's translations, placeholders cut out."""
    with catalog_path(load_settings(SETTINGS_FILE), "vi").open("rb") as source:
        catalog = read_po(source)
    pieces = set()
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in filter(None, strings):
            pieces.update(piece.strip(" :,.–") for piece in re.split(r"%\(\w+\)s|\{\w+\}", string))
    return {piece for piece in pieces if len(piece) >= 4 and re.search(r"[^\x00-\x7f]", piece)}


def test_no_english_page_shows_a_vietnamese_interface_string(site):
    vietnamese = vietnamese_interface_strings()
    assert "Bỏ qua đến nội dung chính" in vietnamese  # the check looks for something real
    for path in html_pages(site / "en"):
        soup = soup_of(path)
        for other_language in soup.select("body [lang]:not([lang='en'])"):
            other_language.decompose()
        shown = soup.body.get_text(" ") + " ".join(
            tag[attribute] for attribute in ("aria-label", "alt", "title", "placeholder")
            for tag in soup.select(f"[{attribute}]")
        ) + soup.title.get_text()
        found = sorted(piece for piece in vietnamese if piece in shown)
        assert not found, f"{path.relative_to(site)} shows Vietnamese interface text: {found}"


@pytest.fixture(scope="module")
def public_site(tmp_path_factory) -> Path:
    """The sample site built with an absolute SITEURL, as publishing builds it."""
    output = tmp_path_factory.mktemp("public") / "output"
    return build(SETTINGS_FILE, output=output, strict=True,
                 overrides={"SITEURL": PUBLIC_SITEURL}).output


def test_hreflang_links_are_absolute_reciprocal_with_x_default(public_site):
    checked = 0
    for path in html_pages(public_site):
        links = alternates(soup_of(path))
        if not links:
            continue
        checked += 1
        assert all(href.startswith(PUBLIC_SITEURL + "/") for href in links.values()), links
        assert set(links) == {"vi", "en", "x-default"}, f"{path}: {links}"
        assert links["x-default"] == links["vi"]
        own = soup_of(path).select_one('link[rel="canonical"]')
        assert own is None or own["href"] in links.values(), f"{path}: not among its alternates"
        for lang in ("vi", "en"):
            target = soup_of(file_of(public_site, links[lang], PUBLIC_SITEURL))
            assert alternates(target) == links, f"{path}: {lang} alternates are not reciprocal"
    # Home, archives, fields and tags lists, two fields, three articles, two pages.
    assert checked >= 2 * 11
    assert switcher(soup_of(file_of(public_site, CONFERENCE_REPORT_URL)))["en"] == (
        f"{PUBLIC_SITEURL}/{EN_REPORT_URL}")


FRENCH = {
    "Skip to main content": "Aller au contenu principal",
    "Home": "Accueil",
    "Latest news": "Dernières nouvelles",
}


def test_a_third_language_needs_settings_and_a_catalog_only(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    settings = load_settings(SETTINGS_FILE, {"THEME": str(theme)})
    with catalog_path(settings, "en").open("rb") as source:
        catalog = read_po(source, locale="fr")
    for message in catalog:
        if message.id in FRENCH:
            message.string = FRENCH[message.id]
    french_catalog = catalog_path(settings, "en").parents[2] / "fr" / "LC_MESSAGES" / "messages.po"
    french_catalog.parent.mkdir(parents=True)
    with french_catalog.open("wb") as target:
        write_po(target, catalog)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    report = content / "articles" / "2021" / "hoi-nghi-so-ket-6-thang-dau-nam-2021"
    (report / "index.fr.md").write_text(
        "Title: Conférence de bilan du premier semestre 2021\nDate: 2021-07-15 14:00\n"
        "Category: Đoàn thanh niên\nSlug: hoi-nghi-so-ket-6-thang-dau-nam-2021\nLang: fr\n\n"
        "Le 15 juillet 2021, l'Union de la jeunesse a fait le bilan du semestre.\n",
        encoding="utf-8",
    )
    settings_file = tmp_path / "troisconf.py"
    settings_file.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(theme)!r}\nPATH = {str(content)!r}\n"
        "EDITIONS = EDITIONS + ['fr']\n"
        "EDITION_SETTINGS = {**EDITION_SETTINGS, 'fr': {'SITENAME': 'Bulletin de la jeunesse', "
        "'ARTICLE_URL': 'actualites/{date:%Y}/{slug}/'}}\n",
        encoding="utf-8",
    )
    output = build(settings_file, output=tmp_path / "output", strict=True).output

    french = soup_of(output / "fr" / "actualites" / "2021" / "hoi-nghi-so-ket-6-thang-dau-nam-2021"
                     / "index.html")
    assert french.html["lang"] == "fr"
    assert french.select_one(".bt-skip-link").get_text() == "Aller au contenu principal"
    assert french.select_one("article time").get_text().startswith("jeudi 15 juillet 2021")
    assert switcher(french) == {"vi": f"/{CONFERENCE_REPORT_URL}", "en": f"/{EN_REPORT_URL}",
                                "fr": None}
    vietnamese = soup_of(output / CONFERENCE_REPORT_URL / "index.html")
    assert switcher(vietnamese)["fr"] == "/fr/actualites/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/"
    assert set(alternates(vietnamese)) == {"vi", "en", "fr", "x-default"}
    assert vietnamese.select_one("nav.bt-language [lang='fr']").get_text(strip=True) == "Français"
    for template in (ROOT / "theme" / "templates").rglob("*.html"):
        copy = theme / "templates" / template.relative_to(ROOT / "theme" / "templates")
        assert copy.read_bytes() == template.read_bytes()


def test_i18n_adds_new_strings_and_reports_untranslated_and_fuzzy(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    settings = load_settings(SETTINGS_FILE, {"THEME": str(theme)})
    (theme / "templates" / "partials" / "new.html").write_text(
        '<p>{{ _("Read the whole story") }}</p>\n', encoding="utf-8")
    english = catalog_path(settings, "en")
    english.write_text(english.read_text(encoding="utf-8").replace(
        'msgid "Home"', '#, fuzzy\nmsgid "Home"', 1), encoding="utf-8")

    written, findings = update_catalogs(settings)

    assert theme / "translations" / "messages.pot" in written
    reported = {(Path(finding.path).parts[-3], finding.code, finding.message) for finding in findings}
    for lang in ("vi", "en"):
        assert (lang, "untranslated", "Chưa dịch: 'Read the whole story'") in reported
        with catalog_path(settings, lang).open("rb") as source:
            assert read_po(source).get("Read the whole story") is not None
    assert ("en", "fuzzy-translation", "Bản dịch cần xem lại (fuzzy): 'Home'") in reported
    assert update_catalogs(settings)[0] == [], "a second run rewrites unchanged catalogs"


def test_i18n_finds_the_real_catalogs_complete(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    _, findings = update_catalogs(load_settings(SETTINGS_FILE, {"THEME": str(theme)}))
    assert findings == []
