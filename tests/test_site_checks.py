"""Site checks on small hand-made sites, each breaking one rule, and on the built sample site."""

import gzip
from pathlib import Path

import brotli
import pytest

from bantin.build import load_settings
from bantin.headers import write_headers
from bantin.precompress import precompress
from bantin.site_checks import check_html_validity, check_links, check_site, check_sizes

BUDGETS = {"html": 50_000, "css": 20_000, "jpg": 5_000, "default": 100_000}
ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {"SIZE_BUDGETS": BUDGETS, "SITEURL": ""}


def page(body: str, title: str = "Trang") -> str:
    return (
        '<!doctype html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A valid two-page site with one photo and one stylesheet."""
    (tmp_path / "tin" / "bai").mkdir(parents=True)
    (tmp_path / "theme" / "css").mkdir(parents=True)
    (tmp_path / "tin" / "bai" / "anh.jpg").write_bytes(b"\xff\xd8" + b"0" * 1000)
    (tmp_path / "theme" / "css" / "site.css").write_text("body { color: #111; }\n")
    (tmp_path / "index.html").write_text(
        page('<link rel="stylesheet" href="/theme/css/site.css">\n<main id="noi-dung">'
             '<a href="#noi-dung">Lên đầu</a> <a href="tin/bai/">Bài</a> '
             '<a href="/tin/bai/#doan-2">Đoạn 2</a> <a href="https://example.org/">Ngoài</a></main>'),
    )
    (tmp_path / "tin" / "bai" / "index.html").write_text(
        page('<main><p id="doan-2">Đoàn</p>\n<img src="anh.jpg" alt="Toàn cảnh hội nghị">'
             '<a href="../../">Trang chủ</a></main>', title="Bài")
    )
    return tmp_path


def codes(findings) -> list[str]:
    return sorted(finding.code for finding in findings)


def add_page(site: Path, body: str) -> None:
    (site / "hong.html").write_text(page(body))


def test_a_correct_site_passes(site):
    assert check_site(site, SETTINGS) == []


@pytest.mark.parametrize(
    "body, code",
    [
        ('<a href="tin/khong-co/">x</a>', "broken-link"),
        ('<a href="/tin/bai/#khong-co">x</a>', "broken-anchor"),
        ('<a href="#khong-co">x</a>', "broken-anchor"),
        ('<a href="../ngoai-trang/">x</a>', "broken-link"),
        ('<img src="tin/bai/khong-co.jpg" alt="x">', "missing-image"),
        ('<img src="tin/bai/anh.jpg" alt="x" srcset="tin/bai/anh.jpg 1x, tin/bai/anh@2x.jpg 2x">', "missing-image"),
        ('<a href="http://localhost:8000/tin/bai/">x</a>', "local-link"),
        ('<a href="http://127.0.0.1/">x</a>', "local-link"),
        ('<a href="file:///home/bientap/anh.jpg">x</a>', "local-link"),
        ('<a href="tin/bai/index.md">x</a>', "source-link"),
        ('<a href="content/articles/2021/bai/">x</a>', "source-link"),
        ('<a href="%7Bfilename%7D/articles/bai.md">x</a>', "source-link"),
        ("<script>document.title = 'x'</script>", "inline-code"),
        ("<style>p { color: red }</style>", "inline-code"),
        ('<p style="color: red">x</p>', "inline-code"),
        ('<button type="button" onclick="history.back()">x</button>', "inline-code"),
        ('<a href="javascript:history.back()">x</a>', "inline-code"),
        ('<a href=" JaVa\tScript:history.back()">x</a>', "unsafe-markup"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "unsafe-markup"),
        ('<iframe src="https://example.org/" title="x"></iframe>', "unsafe-markup"),
        ('<embed src="tin/bai/anh.jpg">', "unsafe-markup"),
        ('<img src="https://example.org/anh.jpg" alt="x">', "unsafe-markup"),
        ('<img src="tin/bai/anh.jpg" alt="x" srcset="//example.org/anh.jpg 2x">', "unsafe-markup"),
        ('<form action="https://example.org/"><input name="q"></form>', "unsafe-markup"),
        ('<script src="https://example.org/x.js"></script>', "unsafe-markup"),
    ],
)
def test_each_broken_reference_is_reported_on_its_line(site, body, code):
    add_page(site, body)
    findings = check_links(site, SETTINGS)
    assert codes(findings) == [code]
    assert findings[0].path == "hong.html"
    assert findings[0].line == 8  # the body line of page()


def test_an_image_without_alt_is_reported_by_both_checks(site):
    add_page(site, '<img src="tin/bai/anh.jpg">')
    assert codes(check_site(site, SETTINGS)) == ["invalid-html", "missing-alt"]
    assert codes(check_links(site, SETTINGS)) == ["missing-alt"]


def test_the_sites_own_search_form_and_scripts_are_accepted(site):
    add_page(site, '<form action="/" method="get" role="search"><input name="q"></form>'
                   '<script src="/theme/css/site.css"></script>')
    assert check_links(site, SETTINGS) == []


def test_structured_data_scripts_are_not_inline_code(site):
    add_page(site, '<script type="application/ld+json">{"@type": "NewsArticle"}</script>')
    assert check_links(site, SETTINGS) == []


def test_an_empty_alt_is_accepted_for_decorative_images(site):
    add_page(site, '<img src="tin/bai/anh.jpg" alt="">')
    assert check_links(site, SETTINGS) == []


def test_links_through_the_public_address_are_checked_as_internal(site):
    settings = {**SETTINGS, "SITEURL": "https://doankhoi.example.vn/bantin"}
    add_page(site, '<a href="https://doankhoi.example.vn/bantin/tin/bai/">có</a>'
                   '<a href="/bantin/tin/bai/#doan-2">có</a>'
                   '<a href="https://doankhoi.example.vn/bantin/tin/mat/">mất</a>'
                   '<a href="/tin/bai/">ngoài tiền tố</a>')
    findings = [f for f in check_links(site, settings) if f.path == "hong.html"]
    assert codes(findings) == ["broken-link", "broken-link"]
    assert {f.message.split(": ", 1)[1] for f in findings} == {
        "https://doankhoi.example.vn/bantin/tin/mat/", "/tin/bai/",
    }


def test_a_stylesheet_pointing_at_a_missing_image_is_reported(site):
    (site / "theme" / "css" / "site.css").write_text("body {\n  background: url('../img/nen.png');\n}\n")
    findings = check_links(site, SETTINGS)
    assert [(f.path, f.line, f.code) for f in findings] == [("theme/css/site.css", 2, "missing-image")]


def test_files_over_their_size_budget_are_reported(site):
    (site / "tin" / "bai" / "anh.jpg").write_bytes(b"\xff\xd8" + b"0" * 6000)
    (site / "du-lieu.bin").write_bytes(b"0" * 100_001)
    findings = check_sizes(site, SETTINGS)
    assert {(f.path, f.code) for f in findings} == {
        ("tin/bai/anh.jpg", "over-size-budget"),
        ("du-lieu.bin", "over-size-budget"),
    }


def test_compressed_copies_are_not_counted_against_the_budget(site):
    (site / "index.html.gz").write_bytes(b"0" * 200_000)
    assert check_sizes(site, SETTINGS) == []


def test_missing_size_budgets_setting_is_an_error(site):
    assert codes(check_sizes(site, {"SITEURL": ""})) == ["no-size-budgets"]


def test_invalid_html_names_the_page_and_line(site):
    (site / "hong.html").write_text(page("<p>Một <b>hai</p>\n<div><span></div>"))
    findings = check_html_validity([site / "hong.html"], site)
    assert findings and {f.code for f in findings} == {"invalid-html"}
    assert {f.path for f in findings} == {"hong.html"}
    lines = {f.line for f in findings}
    assert 8 in lines and lines <= {8, 9, 10}


def test_precompressed_copies_decompress_to_the_original(site):
    precompress(site, SETTINGS)
    original = (site / "index.html").read_bytes()
    assert gzip.decompress((site / "index.html.gz").read_bytes()) == original
    assert brotli.decompress((site / "index.html.br").read_bytes()) == original
    assert not (site / "tin" / "bai" / "anh.jpg.gz").exists()  # photos are already compressed


def test_precompression_is_reproducible(site):
    precompress(site, SETTINGS)
    first = (site / "index.html.gz").read_bytes()
    precompress(site, SETTINGS)
    assert (site / "index.html.gz").read_bytes() == first


def test_a_copy_that_would_be_larger_is_not_kept(site):
    (site / "theme" / "css" / "site.css").write_text("a{}")
    precompress(site, SETTINGS)
    assert not (site / "theme" / "css" / "site.css.gz").exists()
    assert not (site / "theme" / "css" / "site.css.br").exists()


def test_headers_file_carries_the_settings_policy(site):
    policy = "default-src 'none'; script-src 'self'"
    settings = {**load_settings(ROOT / "pelicanconf.py"), "CONTENT_SECURITY_POLICY": policy}
    assert write_headers(site, settings) == []
    headers = (site / "_headers").read_text()
    assert headers.startswith("/*\n")
    assert f"  Content-Security-Policy: {policy}; frame-ancestors 'none'\n" in headers
    assert "  X-Content-Type-Options: nosniff\n" in headers


def test_headers_without_a_policy_setting_is_an_error(site):
    assert codes(write_headers(site, {})) == ["no-csp"]
    assert not (site / "_headers").exists()


def test_a_policy_with_wasm_unsafe_eval_is_valid_but_a_broken_policy_is_not(site):
    meta = '<meta http-equiv="Content-Security-Policy" content="{}">\n'
    good = page("<p>Tìm kiếm</p>").replace("<title>", meta.format("script-src 'self' 'wasm-unsafe-eval'") + "<title>")
    bad = page("<p>Tìm kiếm</p>").replace("<title>", meta.format("script-src 'selff'") + "<title>")
    (site / "tot.html").write_text(good)
    (site / "hong.html").write_text(bad)
    findings = check_html_validity([site / "tot.html", site / "hong.html"], site)
    assert [(f.path, f.code) for f in findings] == [("hong.html", "invalid-html")]
