"""Addresses never move by accident and old ones keep working: one slug rule for the lint,
`invoke new`, folder names and every published URL; `Aliases:` redirect pages and host maps;
translations linked by their folder whatever their Slug; the lint refuses an address claimed
twice and two versions of one article in the same language."""

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pelican.readers import MarkdownReader
from pelican.urlwrappers import Author, Category, Tag
from pelican.utils import slugify as pelican_slugify

from bantin.build import load_settings
from bantin.lint import SourceFile, lint, own_address, read_metadata, source_files
from core.source import SOURCE_SUFFIXES
from core.vietnamese import SLUG_REGEX_SUBSTITUTIONS, slugify
from conftest import (add_article, alternates, parse_html, run_task, switcher, task_environment,
                      url_file)

NOW = "2026-09-02 08:00"


def run_invoke(*args: str, now: str = NOW) -> subprocess.CompletedProcess:
    return run_task(*args, env=task_environment(BANTIN_NOW=now, BANTIN_DEPLOY=""))


def findings_of(new_site: Path) -> list:
    return lint(load_settings(new_site / "settings.py"))


# --- One slug rule --------------------------------------------------------------------------------

def test_pelican_uses_the_project_slug_rule_for_every_kind_of_address(settings):
    for kind in ("SLUG", "CATEGORY", "TAG", "AUTHOR"):
        assert settings[f"{kind}_REGEX_SUBSTITUTIONS"] == SLUG_REGEX_SUBSTITUTIONS
    assert slugify("Quốc khánh 2/9") == "quoc-khanh-2-9"
    assert slugify("26/3") == "26-3"
    assert slugify("Đội “Đoàn kết” – Ửng hồng!") == "doi-doan-ket-ung-hong"
    names = [name for field in settings["FIELDS"] for name in field.values()]
    for name in [*names, "Quốc khánh 2/9", "26/3", "Đảng ủy Khối", "Lê Thị Hồng Nhung"]:
        for wrapper in (Category, Tag, Author):
            assert wrapper(name, settings).slug == slugify(name), (wrapper, name)


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
       | st.text(alphabet="aăâđeêioôơuưyáàảãạấầẩẫậếềểễệốồổỗộớờởỡợứừửữựĐĂÂ /-–:,.“”26", max_size=60))
def test_a_slug_is_an_address_segment_and_its_own_slug(text):
    """What the lint's `bad-slug` check relies on: the rule's output is a valid Slug as it is."""
    slug = slugify(text)
    assert re.fullmatch(r"([a-z0-9]+(-[a-z0-9]+)*)?", slug), slug
    assert slugify(slug) == slug


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
       | st.text(alphabet="aăâđeêioôơuưyáàảãạấầẩẫậếềểễệốồổỗộớờởỡợứừửữựĐĂÂ <b>&;/-–:,.“”ﬁ²26",
                 max_size=60))
def test_the_project_slug_is_pelicans_slug(text):
    """core.vietnamese.slugify repeats Pelican's steps so the lint need not import Pelican: the
    two must never differ, or the lint would promise an address Pelican does not publish."""
    assert slugify(text) == pelican_slugify(unicodedata.normalize("NFC", text),
                                            regex_subs=SLUG_REGEX_SUBSTITUTIONS)


def test_the_lint_reads_the_files_pelican_reads_without_importing_it():
    assert SOURCE_SUFFIXES == tuple(f".{suffix}" for suffix in MarkdownReader.file_extensions)
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, bantin.lint, core.source, core.vietnamese; "
         "print(sorted({name.split('.')[0] for name in sys.modules} & {'pelican', 'PIL'}))"],
        cwd=Path(__file__).parent.parent, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_lint_new_folders_and_built_urls_agree(new_site):
    result = run_invoke("new", "Lễ kỷ niệm Quốc khánh 2/9 của Đoàn Khối", "--field",
                        "Doàn thanh niên", "--settings", str(new_site / "settings.py"))
    assert result.returncode == 1 and "Có phải là 'Đoàn thanh niên'?" in result.stderr
    result = run_invoke("new", "Lễ kỷ niệm Quốc khánh 2/9 của Đoàn Khối", "--field",
                        "Đoàn thanh niên", "--settings", str(new_site / "settings.py"))
    assert result.returncode == 0, result.stderr
    slug = "le-ky-niem-quoc-khanh-2-9-cua-doan-khoi"
    source = new_site / "content" / "articles" / "2026" / slug / "index.md"
    text = source.read_text(encoding="utf-8")
    assert f"Slug: {slug}\n" in text and "Date: 2026-09-02 08:00\n" in text
    source.write_text(text.replace("Tags:", "Tags: 26/3, Đội Đoàn kết, Quốc khánh 2/9")
                      .replace("Author:", "Author: Đỗ Thị Hà") + "Nội dung.\n", encoding="utf-8")
    # Without a Slug line, the address comes from the title by the same rule.
    add_article(new_site / "content", "ky-niem-2-9", "Kỷ niệm 2/9 – Đảng ủy Khối", "2026-09-01 10:00",
                metadata="Tags: 26/3\n")
    assert findings_of(new_site) == []
    result = run_invoke("build", "--strict", "--settings", str(new_site / "settings.py"))
    assert result.returncode == 0, result.stderr
    output = new_site / "output"
    settings = load_settings(new_site / "settings.py")
    for path, kind in source_files(settings):  # the lint's idea of each address is the build's
        parsed = SourceFile(path, kind)
        read_metadata(path.read_text(encoding="utf-8"), parsed, str(path))
        assert (output / own_address(parsed, settings).strip("/") / "index.html").is_file(), path
    assert (output / "tin" / "2026" / "ky-niem-2-9-dang-uy-khoi" / "index.html").is_file()
    page = parse_html(output / "tin" / "2026" / slug / "index.html")
    hrefs = {a["href"] for a in page.select("a[href]")}
    assert {"/the/26-3/", "/the/doi-doan-ket/", "/the/quoc-khanh-2-9/",
            "/linh-vuc/doan-thanh-nien/"} <= hrefs
    for href in ("the/26-3/", "the/doi-doan-ket/", "the/quoc-khanh-2-9/", "tac-gia/do-thi-ha/"):
        assert (output / href / "index.html").is_file(), href
    assert not (output / "the" / "263").exists()


def test_a_title_edited_later_keeps_the_address(new_site):
    assert run_invoke("new", "Hội thao 2026", "--field", "Công đoàn", "--settings",
                      str(new_site / "settings.py")).returncode == 0
    source = new_site / "content" / "articles" / "2026" / "hoi-thao-2026" / "index.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "Title: Hội thao 2026", "Title: Sôi nổi Hội thao công nhân viên chức 2026") + "Tin.\n",
        encoding="utf-8")
    assert run_invoke("build", "--strict", "--settings",
                      str(new_site / "settings.py")).returncode == 0
    assert (new_site / "output" / "tin" / "2026" / "hoi-thao-2026" / "index.html").is_file()


@pytest.mark.parametrize("args", [(), ("--field", "Công đoàn"), ("Tin mới",), ("Tin mới", "--field")])
def test_invoke_new_without_its_arguments_shows_the_usage_in_vietnamese(args):
    result = run_invoke("new", *args)
    assert result.returncode != 0
    assert result.stderr.strip() == 'Cách dùng: invoke new "Tiêu đề bài viết" --field "Đoàn thanh niên"'


def test_a_slug_that_is_not_an_address_is_refused(new_site):
    add_article(new_site / "content", "bai", "Bài", "2026-01-01 08:00", metadata="Slug: Bài Viết\n")
    (finding,) = findings_of(new_site)
    assert (finding.code, finding.line) == ("bad-slug", 4)
    assert "viết 'Slug: bai-viet'" in finding.message


# --- Aliases ----------------------------------------------------------------------------------------

MOVED = "tin/2026/dai-hoi-doan-khoi/"


def article_with_aliases(new_site: Path, aliases: str) -> Path:
    return add_article(new_site / "content", "dai-hoi-doan-khoi", "Đại hội Đoàn Khối", "2026-05-10 08:00",
                       metadata=f"Aliases: {aliases}\n")


def test_aliases_publish_redirect_pages_and_host_maps(new_site):
    article_with_aliases(new_site, "/Pages/dai-hoi.aspx, /tin-cu/dai-hoi/, /tin/2025/dai-hoi, "
                                  "/cu/dai-hoi.html, /tin-c%C5%A9/h%E1%BB%99i, /a%2Fb/")
    result = run_invoke("build", "--strict", "--settings", str(new_site / "settings.py"))
    assert result.returncode == 0, result.stderr
    output = new_site / "output"
    for alias in ("tin-cu/dai-hoi/index.html", "tin/2025/dai-hoi/index.html", "cu/dai-hoi.html",
                  "tin-cũ/hội/index.html"):
        page = parse_html(output / alias)
        refresh = page.select_one('meta[http-equiv="refresh"]')["content"]
        assert refresh == f"0; url=/{MOVED}"
        assert page.select_one('link[rel="canonical"]')["href"] == f"/{MOVED}"
        assert page.select_one('meta[name="robots"]')["content"] == "noindex"
        assert page.select_one('meta[http-equiv="Content-Security-Policy"]')["content"].startswith(
            "default-src 'none'")
        link = page.select_one("main a")
        assert link["href"] == f"/{MOVED}"
        assert link.get_text().replace("\xa0", " ") == "Đại hội Đoàn Khối"
        assert page.html["lang"] == "vi" and not page.select("script, style, [style]")
    assert not (output / "Pages").exists(), "a static host cannot serve .aspx as a page"
    assert (output / "_redirects").read_text(encoding="utf-8").splitlines() == [
        f"/Pages/dai-hoi.aspx /{MOVED} 301", f"/tin-cu/dai-hoi/ /{MOVED} 301",
        f"/tin/2025/dai-hoi/ /{MOVED} 301", f"/cu/dai-hoi.html /{MOVED} 301",
        f"/tin-c%C5%A9/h%E1%BB%99i/ /{MOVED} 301", f"/a%2Fb/ /{MOVED} 301"]
    assert not (output / "a").exists(), "an encoded slash made a folder"
    nginx = (output / "_redirects.nginx").read_text(encoding="utf-8").splitlines()
    assert f'"/Pages/dai-hoi.aspx" "/{MOVED}";' in nginx
    assert {f'"/tin-cu/dai-hoi/" "/{MOVED}";', f'"/tin-cu/dai-hoi" "/{MOVED}";',
            f'"/tin-cũ/hội/" "/{MOVED}";'} <= set(nginx)
    assert "tin-cu" not in (output / "sitemap.xml").read_text(encoding="utf-8")
    assert (output / MOVED / "index.html").is_file()


def test_published_redirects_pass_the_publishing_checks(new_site):
    article_with_aliases(new_site, "/Pages/dai-hoi.aspx, /tin-cu/dai-hoi/")
    result = run_invoke("publish", "--settings", str(new_site / "publish.py"))
    assert result.returncode == 0, result.stdout + result.stderr
    page = parse_html(new_site / "output" / "tin-cu" / "dai-hoi" / "index.html")
    assert page.select_one('link[rel="canonical"]')["href"] == f"https://doankhoi-hanam.github.io/{MOVED}"
    assert "https://doankhoi-hanam.github.io/tin/2026/dai-hoi-doan-khoi/ 301" in (
        new_site / "output" / "_redirects").read_text(encoding="utf-8")


@pytest.mark.parametrize("alias, words", [
    ("https://cong.example.vn/Pages/a.aspx", "có cả tên miền"),
    ("Pages/a.aspx", "phải bắt đầu bằng '/'"),
    ("/tin/../a/", "'..'"),
    ("/Pages/a.aspx?ID=3", "'?'"),
    ("/tin cu/a/", "dấu cách"),
])
def test_a_bad_alias_is_one_sentence_at_its_line(new_site, alias, words):
    article_with_aliases(new_site, alias)
    (finding,) = findings_of(new_site)
    assert (finding.code, finding.line, finding.is_error) == ("bad-alias", 4, True)
    assert words in finding.message and alias in finding.message


@pytest.mark.parametrize("alias, words", [
    ("/tin/2026/dai-hoi-doan-khoi/", "chính bài này"),
    ("/linh-vuc/cong-doan/", "trang lĩnh vực"),
    ("/luu-tru/2026/", "thư mục trang web tự tạo"),
    ("/", "trang chủ"),
    ("/sitemap.xml", "sơ đồ trang"),
    ("/sitemap-2.xml", "sơ đồ trang"),
])
def test_an_alias_may_not_take_a_page_of_the_site(new_site, alias, words):
    article_with_aliases(new_site, alias)
    (finding,) = findings_of(new_site)
    assert finding.is_error and words in finding.message


def test_two_articles_claiming_one_address_name_both_files(new_site):
    article_with_aliases(new_site, "/tin-cu/dai-hoi/")
    add_article(new_site / "content", "hoi-nghi", "Hội nghị", "2026-05-11 08:00",
                metadata="Aliases: /tin-cu/dai-hoi/index.html, /tin/2026/dai-hoi-doan-khoi/\n")
    findings = findings_of(new_site)
    assert [finding.code for finding in findings] == ["duplicate-address", "duplicate-address"]
    for finding in findings:
        assert str(finding.path) == "content/articles/2026/hoi-nghi/index.md"
        assert "content/articles/2026/dai-hoi-doan-khoi/index.md" in finding.message
    result = run_invoke("check", "--settings", str(new_site / "settings.py"))
    assert result.returncode == 1 and "[duplicate-address]" in result.stdout


# --- Translations beside the article ---------------------------------------------------------------

def test_a_translation_beside_the_article_is_linked_whatever_its_slug(new_site):
    source = add_article(new_site / "content", "hien-mau", "Hiến máu tình nguyện", "2026-01-09 08:00",
                         metadata="Slug: hien-mau-tinh-nguyen-2026\n")
    (source.parent / "index.en.md").write_text(  # no Slug, no Lang: its name says English
        "Title: Voluntary blood donation\nDate: 2026-01-09 08:00\nCategory: Công đoàn\n\nText.\n",
        encoding="utf-8")
    pages = new_site / "content" / "pages"
    (pages / "gioi-thieu.md").write_text("Title: Giới thiệu\n\nVề chúng tôi.\n", encoding="utf-8")
    (pages / "gioi-thieu.en.md").write_text("Title: About us\n\nAbout.\n", encoding="utf-8")
    assert findings_of(new_site) == []
    result = run_invoke("build", "--strict", "--settings", str(new_site / "settings.py"))
    assert result.returncode == 0, result.stderr
    output = new_site / "output"
    pairs = [("/tin/2026/hien-mau-tinh-nguyen-2026/", "/en/news/2026/voluntary-blood-donation/"),
             ("/gioi-thieu/", "/en/about-us/")]
    for vi, en in pairs:
        vi_page, en_page = parse_html(url_file(output, vi)), parse_html(url_file(output, en))
        assert en_page.html["lang"] == "en"
        assert alternates(vi_page) == alternates(en_page) == {"vi": vi, "en": en, "x-default": vi}
        assert switcher(vi_page) == {"vi": None, "en": en}
        assert switcher(en_page) == {"vi": vi, "en": None}


def test_two_files_of_one_article_in_the_same_language_are_refused(new_site):
    source = add_article(new_site / "content", "hien-mau", "Hiến máu", "2026-01-09 08:00")
    (source.parent / "index.en.md").write_text(
        "Title: Blood donation\nDate: 2026-01-09 08:00\nCategory: Công đoàn\nLang: vi\n\nText.\n",
        encoding="utf-8")
    pages = new_site / "content" / "pages"
    (pages / "lien-he.md").write_text("Title: Liên hệ\n\nA.\n", encoding="utf-8")
    (pages / "lien-he.en.md").write_text("Title: Contact\nLang: vi\n\nB.\n", encoding="utf-8")
    findings = findings_of(new_site)
    assert sorted((str(f.path), f.code, f.line) for f in findings) == [
        ("content/articles/2026/hien-mau/index.md", "duplicate-lang", 1),
        ("content/pages/lien-he.md", "duplicate-lang", 1)]
    assert "content/articles/2026/hien-mau/index.en.md" in findings[0].message + findings[1].message
    assert "content/pages/lien-he.en.md" in findings[0].message + findings[1].message


# --- Author pages ----------------------------------------------------------------------------------

def test_no_page_links_to_a_list_of_authors_that_does_not_exist(site):
    assert not (site / "tac-gia" / "index.html").exists()
    authors = 0
    for path in site.rglob("*.html"):
        for link in parse_html(path).select("a[href]"):
            href = link["href"]
            assert not re.fullmatch(r"(/en)?/(tac-gia|authors)/?", href), f"{path}: {href}"
            if re.match(r"(/en)?/(tac-gia|authors)/", href):
                authors += 1
                assert (site / href.strip("/") / "index.html").is_file(), f"{path}: {href}"
    assert authors, "no author link was checked"
