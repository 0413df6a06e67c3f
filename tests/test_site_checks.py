"""Site checks on small hand-made sites, each breaking one rule, and on the built sample site."""

import gzip
import json
import os
import shutil
import time
from pathlib import Path

import brotli
import pytest

from bantin.build import load_settings
from bantin.headers import write_headers
from bantin.precompress import precompress
from bantin.site_checks import (SiteLinks, check_html_validity, check_links, check_site, check_sizes,
                                judge_site)

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


# The verdict cache: with CACHE_PATH, a page whose bytes were judged before is not looked at again.
INVALID = "<p>Một <b>hai</p>\n<div><span></div>"


@pytest.fixture
def cached(site, tmp_path_factory):
    """Settings with a verdict cache, and a check that fills it (hong.html invalid)."""
    settings = {**load_settings(ROOT / "pelicanconf.py"), "SIZE_BUDGETS": BUDGETS, "SITEURL": "",
                "CACHE_PATH": str(tmp_path_factory.mktemp("cache"))}
    add_page(site, INVALID)
    first = judge_site(site, settings)
    assert (first.pages, first.rechecked) == (3, 3)
    assert "invalid-html" in codes(first.findings)
    return settings


def verdict_file(settings: dict) -> Path:
    (path,) = (Path(settings["CACHE_PATH"]) / "site-checks").iterdir()
    return path


def without_java(monkeypatch) -> None:
    """No Java on PATH: a check that starts the Nu HTML Checker says no-java."""
    monkeypatch.setenv("PATH", "/nonexistent")


def test_unchanged_pages_keep_their_verdict_without_the_checker(site, cached, monkeypatch):
    uncached = check_site(site, {**cached, "CACHE_PATH": None})
    without_java(monkeypatch)  # so a page validated again would say no-java
    again = judge_site(site, cached)
    assert (again.pages, again.rechecked) == (3, 0)
    assert "3 trang: 0 trang mới hoặc đã đổi" in again.summary()
    assert again.findings == uncached and codes(uncached) == ["invalid-html"] * len(uncached)


def test_a_changed_page_is_checked_again_and_the_others_are_not(site, cached, monkeypatch):
    (site / "tin" / "bai" / "index.html").write_text(page("<main><p>Đoàn</p>\n<span><div></span>"
                                                          "</main>", title="Bài"))
    changed = judge_site(site, cached)
    assert (changed.pages, changed.rechecked) == (3, 1)
    assert {f.path for f in changed.findings if f.code == "invalid-html"} == {
        "hong.html", "tin/bai/index.html"}
    # The anchor the home page links to went with the change: judged across pages, every time.
    assert ("index.html", "broken-anchor") in {(f.path, f.code) for f in changed.findings}
    without_java(monkeypatch)
    assert judge_site(site, cached).rechecked == 0


def test_a_fixed_page_passes_once_checked_again(site, cached):
    add_page(site, "<p>Một <b>hai</b></p>")
    fixed = judge_site(site, cached)
    assert fixed.findings == [] and fixed.rechecked == 1


def test_a_damaged_verdict_file_is_ignored_whole(site, cached):
    file = verdict_file(cached)
    file.write_bytes(file.read_bytes()[:-40])
    again = judge_site(site, cached)
    assert again.rechecked == 3
    assert {f.path for f in again.findings} == {"hong.html"}
    assert judge_site(site, cached).rechecked == 0  # written whole again


def test_an_altered_verdict_is_never_a_false_pass(site, cached):
    """A verdict rewritten to say the invalid page had nothing wrong, under its own seal or
    another page's, is not used: the page is checked again and still refused."""
    file = verdict_file(cached)
    entries = json.loads(file.read_text(encoding="utf-8"))
    hong = next(digest for digest, (_, head, _) in entries.items() if "invalid-html" in head)
    good = next(digest for digest in entries if digest != hong)
    seal, head, references = entries[hong]
    entries[hong] = [seal, head.replace("invalid-html", "ok"), references]
    file.write_text(json.dumps(entries), encoding="utf-8")
    assert "invalid-html" in codes(judge_site(site, cached).findings)
    entries = json.loads(file.read_text(encoding="utf-8"))
    entries[hong] = entries[good]  # a clean page's sealed verdict, moved under the broken one
    file.write_text(json.dumps(entries), encoding="utf-8")
    again = judge_site(site, cached)
    assert again.rechecked == 1 and "invalid-html" in codes(again.findings)


def test_a_verdict_is_not_used_for_another_site_address(site, cached, monkeypatch):
    """The host of SITEURL is part of a verdict (images of other sites are refused): another
    address is another cache file, and every page is checked again."""
    add_page(site, '<img src="https://bantin.example/anh.jpg" alt="Ảnh">')
    assert "unsafe-markup" in codes(judge_site(site, cached).findings)
    moved = {**cached, "SITEURL": "https://bantin.example"}
    again = judge_site(site, moved)
    assert again.rechecked == 3 and "unsafe-markup" not in codes(again.findings)
    assert len(list((Path(cached["CACHE_PATH"]) / "site-checks").iterdir())) == 2


def test_a_checker_that_fails_keeps_no_verdict(site, cached, monkeypatch):
    add_page(site, "<p>Mới</p>")
    without_java(monkeypatch)
    assert codes(judge_site(site, cached).findings) == ["no-java"]
    monkeypatch.undo()
    assert judge_site(site, cached).rechecked == 1


def test_links_are_judged_again_only_on_new_pages_of_a_site_of_the_same_shape(site, cached,
                                                                               monkeypatch):
    """A publication after an edit of text alone: the pages' links are kept by page and shape
    (files and ids), so only the edited page's links are judged again, and a link that broke
    with a change of shape is found on every page that has it."""
    add_page(site, '<p>Một <b>hai</b> <a href="/tin/khong-co/">hỏng</a></p>')
    judge_site(site, cached)
    uncached = check_site(site, {**cached, "CACHE_PATH": None})
    judged = []
    check = SiteLinks.check_references
    monkeypatch.setattr(SiteLinks, "check_references",
                        lambda self, name, refs: judged.append(name) or check(self, name, refs))
    again = judge_site(site, cached)
    assert again.findings == uncached and ("hong.html", "broken-link") in {
        (f.path, f.code) for f in uncached}
    assert judged == ["theme/css/site.css"]  # stylesheets only: every page's links kept

    judged.clear()
    bai = site / "tin" / "bai" / "index.html"
    bai.write_text(bai.read_text(encoding="utf-8").replace("Đoàn", "Đoàn viên"))
    findings = judge_site(site, cached).findings
    assert judged == ["tin/bai/index.html", "theme/css/site.css"]
    assert findings == check_site(site, {**cached, "CACHE_PATH": None})

    judged.clear()
    (site / "tin" / "bai" / "anh.jpg").unlink()  # another shape: every page judged again
    findings = judge_site(site, cached).findings
    assert ("tin/bai/index.html", "missing-image") in {(f.path, f.code) for f in findings}
    assert sorted(judged) == ["hong.html", "index.html", "theme/css/site.css", "tin/bai/index.html"]

    # The search index's files are left out of the shape: a page linking into it is judged
    # every time, and finds its link broken as soon as the file goes.
    (site / "pagefind").mkdir()
    (site / "pagefind" / "parts.json").write_text("{}")
    add_page(site, '<p>Một <b>hai</b> <a href="/pagefind/parts.json">chỉ mục</a></p>')
    judge_site(site, cached)
    (site / "pagefind" / "parts.json").unlink()
    judged.clear()
    assert ("hong.html", "broken-link") in {(f.path, f.code) for f in judge_site(site, cached).findings}
    assert "hong.html" in judged


def test_a_damaged_link_verdict_file_counts_as_absent(site, cached):
    add_page(site, '<p>Một <b>hai</b> <a href="/tin/khong-co/">hỏng</a></p>')
    judge_site(site, cached)
    (links,) = (Path(cached["CACHE_PATH"]) / "site-links").iterdir()
    sealed, payload = json.loads(links.read_text(encoding="utf-8"))
    links.write_text(json.dumps([sealed, payload.replace("broken-link", "ok")]), encoding="utf-8")
    assert "broken-link" in codes(judge_site(site, cached).findings)
    links.write_bytes(links.read_bytes()[:-10])
    assert "broken-link" in codes(judge_site(site, cached).findings)


def test_altered_kept_references_are_never_a_false_pass(site, cached):
    add_page(site, '<p>Một <b>hai</b> <a href="/tin/khong-co/">hỏng</a></p>')
    judge_site(site, cached)
    shutil.rmtree(Path(cached["CACHE_PATH"]) / "site-links")  # the links judged again
    file = verdict_file(cached)
    entries = json.loads(file.read_text(encoding="utf-8"))
    for digest, (sealed, head, references) in entries.items():
        entries[digest] = [sealed, head, references.replace("/tin/khong-co/", "/tin/bai/")]
    file.write_text(json.dumps(entries), encoding="utf-8")
    again = judge_site(site, cached)
    assert again.rechecked == 1 and "broken-link" in codes(again.findings)


def rewrite_keeping_time(path: Path, text: str) -> None:
    """Replace a file's bytes in place by `text` padded to the same size, then put its
    modification time back."""
    stat = path.stat()
    data = text.encode()
    path.write_bytes(data + b" " * (stat.st_size - len(data)))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size


def age_pages(site: Path) -> None:
    """Every page modified ten seconds ago: old enough for its digest to be kept."""
    old = (site / "hong.html").stat().st_mtime_ns - 10**10
    for path in site.rglob("*.html"):
        os.utime(path, ns=(old, old))


def test_a_page_whose_file_is_unchanged_is_not_read_again(site, cached):
    """Pages are known by their file (size, time, inode) once old enough: a publication after an
    edit hard-links every page it did not write, so only new files are read. Proven here by a
    page changed behind the check's back, its size and time put back: its old verdict stands
    until its file changes."""
    hong = site / "hong.html"
    age_pages(site)
    assert judge_site(site, cached).rechecked == 0  # the digests are kept from here on
    rewrite_keeping_time(hong, page("<p>Một <b>hai</b></p>"))
    unread = judge_site(site, cached)
    assert unread.rechecked == 0 and "invalid-html" in codes(unread.findings)
    os.utime(hong)  # a new time: read, and judged again
    read = judge_site(site, cached)
    assert read.rechecked == 1 and read.findings == []


def test_a_page_modified_just_before_the_check_is_read_again_at_the_next(site, cached):
    """Written within the file system's clock tick, a page could change again unseen: its
    digest is not kept (a time ahead of the clock stands for "just now", however long the
    checks take)."""
    just_now = time.time_ns() + 10**10
    for path in site.rglob("*.html"):
        os.utime(path, ns=(just_now, just_now))
    assert judge_site(site, cached).rechecked == 0
    rewrite_keeping_time(site / "hong.html", page("<p>Một <b>hai</b></p>"))
    again = judge_site(site, cached)
    assert again.rechecked == 1 and again.findings == []


def test_a_damaged_page_digest_file_counts_as_absent(site, cached):
    """The invalid page given, in the kept digests, the digest of a valid page judged before
    (whose verdict is kept): under the old seal, that is never a false pass; nor is a cut file."""
    age_pages(site)
    judge_site(site, cached)
    (digests,) = (Path(cached["CACHE_PATH"]) / "site-digests").iterdir()
    sealed, payload = json.loads(digests.read_text(encoding="utf-8"))
    known = json.loads(payload)
    known["hong.html"][1] = known["index.html"][1]
    digests.write_text(json.dumps([sealed, json.dumps(known)]), encoding="utf-8")
    assert "invalid-html" in codes(judge_site(site, cached).findings)
    digests.write_bytes(digests.read_bytes()[:-10])
    assert "invalid-html" in codes(judge_site(site, cached).findings)
