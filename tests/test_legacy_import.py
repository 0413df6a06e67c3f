"""The importer of the old portal: the seed page, SharePoint 2010/2013 saved pages, re-imports,
bad input, and the imported article through the project's build."""

import json
import os
import re
import shutil
import subprocess
import unicodedata
from xml.etree import ElementTree
from datetime import datetime
from pathlib import Path

import markdown
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
import pytest
from PIL import Image

from bantin.build import build
from core.legacy_encodings import TCVN3_TABLE
from bantin.legacy_import import article_slug, format_report, has_errors, import_pages
from bantin.legacy_import.dates import find_date
from bantin.legacy_import.markdown import escape, link_target
from conftest import ROOT, SEED, parse_html, run_task
from plugins.reader.figures import FiguresExtension

FIXTURES = ROOT / "tests" / "fixtures" / "sharepoint"
SEED_FIGURES = [
    ("IMG_5760.jpg", "Toàn cảnh hội nghị"),
    (
        "IMG_5751.jpg",
        "Bí thư Đoàn Khối các cơ quan tỉnh Đinh Đức Trung triển khai nhiệm vụ trọng tâm 6 tháng cuối năm",
    ),
    ("IMG_5764.jpg", "Tập thể được Trung ương Đoàn và Tỉnh đoàn khen thưởng"),
    ("IMG_5767.jpg", "Tập thể được Đoàn Khối các cơ quan tỉnh khen thưởng"),
]


def run_import(settings, into, *sources, force=False):
    outcomes, findings = import_pages([Path(s) for s in sources], into, settings, force=force)
    return outcomes, findings


def codes(outcome) -> list[str]:
    return [finding.code for finding in outcome.findings]


def figures(article_text: str) -> list[tuple[str, str]]:
    """(file, caption) of each figure, through the Markdown the site uses."""
    html = markdown.markdown(article_text.split("\n\n", 1)[1], extensions=["extra"])
    soup = parse_html(html)
    return [(img["src"], img.get("title") or img["alt"]) for img in soup.find_all("img")]


def metadata(article_text: str) -> dict[str, str]:
    head = article_text.split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in head.splitlines())


# -- the seed page -----------------------------------------------------------------------------


@pytest.fixture
def seed_import(settings, tmp_path):
    into = tmp_path / "articles"
    outcomes, findings = run_import(settings, into, SEED)
    assert findings == [] and len(outcomes) == 1
    return outcomes[0], into


def test_seed_gives_the_conference_report(seed_import):
    outcome, into = seed_import
    text = outcome.article.read_text(encoding="utf-8")
    meta = metadata(text)
    assert meta["Title"].startswith("Hội nghị sơ kết công tác đoàn và phong trào thanh niên")
    assert meta["Date"] == "2021-07-15 14:00"  # "Chiều ngày 15/7/2021": afternoon is 14:00
    assert meta["Category"] == "Đoàn thanh niên"
    assert meta["Summary"].startswith("Chiều ngày 15/7/2021, Đoàn Khối các cơ quan tỉnh tổ chức")
    assert meta["Summary"].endswith("cuối năm 2021.")
    assert outcome.article.parent == into / "2021" / meta["Slug"]
    assert figures(text) == SEED_FIGURES


def test_seed_keeps_every_paragraph_in_order_and_no_chrome(seed_import):
    outcome, _ = seed_import
    body = outcome.article.read_text(encoding="utf-8").split("\n\n", 1)[1]
    for chrome in ("Skip Ribbon Commands", "Skip to main content", "Tin theo lĩnh vực"):
        assert chrome not in body
    seed_lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    paragraphs = [line for line in seed_lines[7:] if len(line) > 120]
    positions = [body.index(paragraph) for paragraph in paragraphs]
    assert len(paragraphs) == 5 and positions == sorted(positions)
    assert body.count("Hội nghị sơ kết công tác đoàn") == 0  # the title is not repeated


def test_seed_photos_are_labelled_placeholders_and_reported(seed_import):
    outcome, _ = seed_import
    assert outcome.photos == 4 and outcome.placeholders == 4
    assert codes(outcome).count("legacy-photo-placeholder") == 4
    for name, _ in SEED_FIGURES:
        with Image.open(outcome.article.parent / name) as photo:
            assert photo.format == "JPEG"
    report = format_report([outcome], [])
    assert "4 ảnh (4 ảnh thay thế)" in report and "IMG_5767.jpg" in report


def build_imported(into: Path, tmp_path: Path) -> Path:
    """Imported articles through the project's build, strict as publishing is."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    shutil.copytree(ROOT / "content" / "images", content / "images")
    shutil.copytree(
        into, content / "articles", ignore=shutil.ignore_patterns(".legacy-import.json")
    )
    output = tmp_path / "output"
    build(ROOT / "pelicanconf.py", output=output, strict=True, overrides={"PATH": str(content)})
    return output


def test_seed_article_builds(seed_import, tmp_path):
    """The imported article through the project's build, strict as publishing is."""
    outcome, into = seed_import
    output = build_imported(into, tmp_path)
    slug = outcome.article.parent.name
    page = parse_html(output / "tin" / "2021" / slug / "index.html")
    captions = [figure.figcaption.get_text(" ", strip=True) for figure in page.find_all("figure")]
    assert captions == [caption for _, caption in SEED_FIGURES]


# -- SharePoint 2013 saved page ----------------------------------------------------------------


@pytest.fixture
def page_2013(settings, tmp_path):
    outcomes, _ = run_import(settings, tmp_path / "articles", FIXTURES / "2013")
    (outcome,) = outcomes
    return outcome, outcome.article.read_text(encoding="utf-8")


def test_2013_metadata_from_layout_fields(page_2013):
    _, text = page_2013
    meta = metadata(text)
    assert (
        meta["Title"] == "Công đoàn Khối trao quà Tết cho công nhân lao động có hoàn cảnh khó khăn"
    )
    assert meta["Date"] == "2016-01-15 14:30"
    assert meta["Category"] == "Công đoàn"
    assert meta["Author"] == "Ban Nữ công - Công đoàn Khối"
    assert meta["Tags"] == "công đoàn, Tết, trao quà"
    assert meta["Summary"].startswith("Nhân dịp Tết Nguyên đán Bính Thân 2016")


def test_2013_body_keeps_everything_in_order(page_2013):
    _, text = page_2013
    body = text.split("\n\n", 1)[1]
    expected_in_order = [
        "![Đồng chí Chủ tịch Công đoàn Khối trao quà cho công nhân](trao-qua-1.jpg)",
        "**Công đoàn Khối các cơ quan tỉnh**",
        "*Ban Thường vụ Công đoàn Khối*",
        "[chương trình Tết Sum vầy](https://congdoanvn.org.vn/tet-sum-vay)",
        "### Danh sách đơn vị nhận quà",
        "- Công ty May Hà Nam\n    1. Phân xưởng cắt\n    2. Phân xưởng may\n- Công ty Cổ phần Xi măng",
        "| Đơn vị | Số suất quà |\n| --- | --- |\n| Công ty May Hà Nam | 70 |",
        '![Công nhân nhận quà](trao-qua-2.jpg "Công nhân Công ty May Hà Nam nhận quà Tết")',
        "![Các đại biểu chụp ảnh lưu niệm](IMG_0412.JPG)",
        '<th colspan="2">Kinh phí (đồng)</th>',
        "> Chăm lo Tết cho công nhân",
        "**Thu Hà**",
    ]
    positions = [body.index(part) for part in expected_in_order]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "chrome",
    [
        "Skip Ribbon Commands",
        "Skip to main content",
        "Duyệt",
        "Trang chủ",
        "Đăng nhập",
        "Giới thiệu",
        "Page Content",
        "_spPageContextInfo",
        "google-analytics",
        "onclick",
        "trackClick",
        "counter.gif",
        "blank.gif",
        "ms-rte",
        "© 2016",
        "style=",
        "\u200b",
        "&#160;",
        "\u00a0",
        "Xây dựng Đảng",
        "WebForm",
        "__VIEWSTATE",
        "ke-hoach-tet-2016.aspx",
    ],
)
def test_2013_chrome_and_foreign_markup_are_dropped(page_2013, chrome):
    _, text = page_2013
    assert chrome not in text


def test_2013_reports_what_it_could_not_place(page_2013):
    outcome, _ = page_2013
    assert outcome.status == "new"
    assert sorted(codes(outcome)) == sorted(
        [
            "legacy-portal-link",
            "legacy-unplaceable",
            "legacy-unplaceable",
            "legacy-photo-placeholder",
        ]
    )
    report = format_report([outcome], [])
    assert "youtube.com/embed" in report and "/PublishingImages/2016/IMG_0412.JPG" in report


def test_2013_photos_are_copied_beside_the_article(page_2013):
    outcome, _ = page_2013
    source = FIXTURES / "2013" / "trao-qua-tet-cong-nhan_files"
    for name in ("trao-qua-1.jpg", "trao-qua-2.jpg"):
        assert (outcome.article.parent / name).read_bytes() == (source / name).read_bytes()
    assert outcome.placeholders == 1


# -- SharePoint 2010 saved page with legacy encodings -----------------------------------------


def test_2010_page_with_tcvn3_and_vni_text(settings, tmp_path):
    (outcome,), _ = run_import(
        settings, tmp_path / "articles", FIXTURES / "2010" / "ky-niem-85-nam.html"
    )
    text = outcome.article.read_text(encoding="utf-8")
    meta = metadata(text)
    assert meta["Title"] == "Kỷ niệm 85 năm ngày thành lập Đảng Cộng sản Việt Nam"
    assert meta["Date"] == "2015-02-03 08:00"  # "Sáng ngày 3/2/2015": morning is 08:00
    assert meta["Category"] == "Đoàn thanh niên"  # the portal's "Công tác Đoàn", mapped
    assert "Sáng ngày 3/2/2015, tại Hội trường Tỉnh ủy, Đoàn Khối các cơ quan tỉnh" in text
    assert "Các đồng chí đoàn viên thanh niên đã ôn lại truyền thống vẻ vang của Đảng." in text
    assert figures(text) == [("le-ky-niem.jpg", "Quang cảnh buổi lễ kỷ niệm")]
    assert codes(outcome).count("legacy-encoding-converted") == 3
    for chrome in ("Skip Ribbon", "Bản quyền", "Lĩnh vực", "Trang >", "VnTime"):
        assert chrome not in text


# -- importing again ---------------------------------------------------------------------------


def test_same_page_twice_is_one_article(settings, tmp_path):
    into = tmp_path / "articles"
    run_import(settings, into, SEED)
    outcomes, _ = run_import(settings, into, SEED, FIXTURES / "2013")
    assert [outcome.status for outcome in outcomes] == ["unchanged", "new"]
    assert len(list(into.glob("*/*/index.md"))) == 2


def test_editor_changes_are_kept_without_force(settings, tmp_path):
    into = tmp_path / "articles"
    (first,), _ = run_import(settings, into, SEED)
    edited = first.article.read_text(encoding="utf-8") + "\nĐoạn biên tập viên thêm.\n"
    first.article.write_text(edited, encoding="utf-8")
    (kept,), _ = run_import(settings, into, SEED)
    assert kept.status == "kept" and "legacy-kept-edited" in codes(kept)
    assert first.article.read_text(encoding="utf-8") == edited
    (replaced,), _ = run_import(settings, into, SEED, force=True)
    assert replaced.status == "replaced"
    assert "Đoạn biên tập viên thêm." not in first.article.read_text(encoding="utf-8")


def test_an_article_written_by_hand_is_found_by_title(settings, tmp_path):
    """The sample conference report lives in a folder of its own name: it is the same page."""
    into = tmp_path / "articles"
    shutil.copytree(ROOT / "content" / "articles" / "2021", into / "2021")
    before = sorted(into.glob("2021/*"))
    (outcome,), _ = run_import(settings, into, SEED)
    assert outcome.status == "kept"
    assert outcome.article.parent.name == "hoi-nghi-so-ket-6-thang-dau-nam-2021"
    assert sorted(into.glob("2021/*")) == before


def test_real_photo_replaces_the_placeholder_later(settings, tmp_path):
    pages = tmp_path / "saved"
    pages.mkdir()
    shutil.copy(SEED, pages / "hoi-nghi.txt")
    into = tmp_path / "articles"
    (first,), _ = run_import(settings, into, pages)
    Image.new("RGB", (300, 200), (10, 120, 60)).save(pages / "IMG_5760.jpg", "JPEG")
    (second,), _ = run_import(settings, into, pages)
    assert second.placeholders == 3
    photo = first.article.parent / "IMG_5760.jpg"
    assert photo.read_bytes() == (pages / "IMG_5760.jpg").read_bytes()


# -- bad input ---------------------------------------------------------------------------------


def test_bad_pages_are_reported_not_imported(settings, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(FIXTURES / "bad", bad)
    (bad / "not-a-page.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (bad / "no-date.txt").write_text(
        "Tiêu đề\n\nTin theo lĩnh vực Công đoàn\nTiêu đề\nMột đoạn văn.\n", encoding="utf-8"
    )
    into = tmp_path / "articles"
    outcomes, findings = run_import(settings, into, bad, tmp_path / "missing.html")
    by_file = {outcome.source.name: codes(outcome) for outcome in outcomes}
    assert by_file == {
        "binary.txt": ["legacy-unreadable"],
        "no-body.html": ["legacy-no-body"],
        "no-date.txt": ["legacy-no-date"],
        "not-a-page.html": ["legacy-no-body"],
        "unknown-field.html": ["legacy-unknown-field"],
    }
    assert [finding.code for finding in findings] == ["legacy-missing-source"]
    assert has_errors(outcomes, findings)
    assert not into.exists() or not list(into.rglob("index.md"))
    for outcome in outcomes:
        assert all(str(finding).startswith(str(outcome.source)) for finding in outcome.findings)


def test_task_exits_with_one_line_per_problem(tmp_path):
    result = run_task("import-legacy", str(FIXTURES / "bad"), "--into", str(tmp_path / "articles"))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "unknown-field.html: Lĩnh vực «Khuyến học»" in result.stdout


def test_tcvn3_text_file_in_8_bits(settings, tmp_path):
    """A copy saved by an old editor as 8-bit TCVN3 bytes, not UTF-8."""
    reverse = {letter: legacy for legacy, letter in TCVN3_TABLE.items()}
    lines = [
        "Héi thao thÓ thao",
        "",
        "Tin theo lÜnh vùc V¨n hãa - ThÓ thao",
        "Héi thao thÓ thao",
        "Ngµy 2/9/2020, §oµn Khèi tæ chøc héi thao.",
    ]
    assert "".join(reverse.get(char, char) for char in "Hội thao") == "Héi thao"
    path = tmp_path / "hoi-thao.txt"
    path.write_bytes("\n".join(lines).encode("cp1252"))
    (outcome,), _ = run_import(settings, tmp_path / "articles", path)
    text = outcome.article.read_text(encoding="utf-8")
    assert metadata(text)["Title"] == "Hội thao thể thao"
    assert metadata(text)["Category"] == "Văn hóa - Thể thao"
    assert "Ngày 2/9/2020, Đoàn Khối tổ chức hội thao." in text


# -- pieces ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chiều ngày 15/7/2021, Đoàn Khối", datetime(2021, 7, 15, 14, 0)),
        ("15/07/2021 14:30", datetime(2021, 7, 15, 14, 30)),
        ("Sáng 3/2/2015", datetime(2015, 2, 3, 8, 0)),
        ("Tối ngày 1.10.2020", datetime(2020, 10, 1, 19, 0)),
        ("ngày 20 tháng 11 năm 2019", datetime(2019, 11, 20)),
        ("Chiều ngày 5/5/2022 lúc 3h30", datetime(2022, 5, 5, 15, 30)),
        ("Hà Nội, 31/02/2021 và 01/03/2021", datetime(2021, 3, 1)),
        ("không có ngày", None),
    ],
)
def test_vietnamese_dates(text, expected):
    found = find_date(text)
    assert (found[0] if found else None) == expected


@pytest.mark.parametrize(
    "text",
    [
        "*không* phải [nhấn mạnh] và _gạch_",
        "# không phải tiêu đề",
        "1. không phải danh sách",
        "- không phải gạch đầu dòng",
        "> không phải trích dẫn",
        "a <b>không</b> phải thẻ",
        "C:\\Tệp",
    ],
)
def test_escaped_text_reads_as_written(text):
    html = markdown.markdown(escape(text), extensions=["extra"])
    assert parse_html(html).get_text() == text


def test_long_titles_make_readable_slugs():
    title = (
        "Hội nghị sơ kết công tác đoàn và phong trào thanh niên 6 tháng đầu năm, triển khai "
        "nhiệm vụ trọng tâm 6 tháng cuối năm 2021"
    )
    assert (
        article_slug(title)
        == "hoi-nghi-so-ket-cong-tac-doan-va-phong-trao-thanh-nien-6-thang-dau-nam"
    )
    assert article_slug("Đoàn thanh niên") == "doan-thanh-nien"


# -- hostile pages -----------------------------------------------------------------------------
# Saved pages are untrusted: they may try to read files outside their folder, smuggle markup
# into the site, or break the importer. Each case runs the real task as a subprocess.

PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>{title}</title>{head}</head>
<body><form method="post" action="{action}">
<div class="ms-webpart-zone"><h2><span>Tin theo lĩnh vực </span><a href="/x">Công đoàn</a></h2></div>
<div class="date-line">15/01/2016 14:30</div><div class="by-line">{author}</div>
<div class="article-content"><div class="ms-rtestate-field">{body}</div></div>
</form></body></html>
"""


def saved_page(folder: Path, name: str, body: str, title="Trang thử", author="Thu Hà",
               head="", action="./trang.aspx", charset="utf-8") -> Path:
    """A saved SharePoint publishing page with the parts the importer reads."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    html = PAGE.format(title=title, head=head, action=action, author=author, body=body,
                       charset=charset)
    path.write_bytes(cp1258(html) if charset == "windows-1258" else html.encode(charset))
    return path


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 writes it: a letter with a tone mark is its base letter (â, ơ...
    are in the code page) followed by the mark as a combining character."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    encoded = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        marks = "".join(c for c in decomposed if c in tones)
        encoded.append((base + marks).encode("cp1258"))
    return b"".join(encoded)


def jpeg(path: Path, colour=(200, 30, 30)) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), colour).save(path, "JPEG")
    return path.read_bytes()


def import_task(*sources, into: Path) -> subprocess.CompletedProcess:
    return run_task("import-legacy", *map(str, sources[:1]), "--into", str(into),
                    *(["--", *map(str, sources[1:])] if sources[1:] else []))


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        str(path): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


GOOD_BODY = "<p>Chiều ngày 15/1/2016, Công đoàn Khối trao quà Tết.</p>"


def _photo_page(*references: str):
    """A case: one page whose photos are `references`, beside a file and folder outside."""

    def make(tmp_path: Path) -> list[Path]:
        body = GOOD_BODY + "".join(
            f'<p><img src="{src}" alt="Ảnh {n}"></p>' for n, src in enumerate(references)
        )
        return [saved_page(tmp_path / "saved", "trang.html", body, title="Trang ảnh")]

    return make


def _linked_photo(tmp_path: Path) -> list[Path]:
    (tmp_path / "saved").mkdir()
    (tmp_path / "saved" / "lien-ket.jpg").symlink_to(tmp_path / "outside" / "secret.jpg")
    return _photo_page("lien-ket.jpg")(tmp_path)


def _linked_files_folder(tmp_path: Path) -> list[Path]:
    (tmp_path / "saved").mkdir()
    (tmp_path / "saved" / "trang_files").symlink_to(tmp_path / "outside")
    return _photo_page("trang_files/secret.jpg")(tmp_path)


def _other_subfolder(tmp_path: Path) -> list[Path]:
    (tmp_path / "saved" / "rieng").mkdir(parents=True)
    shutil.copy(tmp_path / "outside" / "secret.jpg", tmp_path / "saved" / "rieng" / "anh.jpg")
    return _photo_page("rieng/anh.jpg")(tmp_path)


def _linked_page(tmp_path: Path) -> list[Path]:
    saved_page(tmp_path / "outside", "ngoai.html", GOOD_BODY, title="Trang ngoài")
    (tmp_path / "saved").mkdir()
    (tmp_path / "saved" / "ngoai.html").symlink_to(tmp_path / "outside" / "ngoai.html")
    return [tmp_path / "saved"]


def _page_with(body: str, **page):
    return lambda tmp_path: [saved_page(tmp_path / "saved", "trang.html", body, **page)]


def _pipe(tmp_path: Path) -> list[Path]:
    (tmp_path / "saved").mkdir()
    os.mkfifo(tmp_path / "saved" / "ong.html")  # reading it would never end
    return [tmp_path / "saved"]


def _broken_link(tmp_path: Path) -> list[Path]:
    (tmp_path / "saved").mkdir()
    (tmp_path / "saved" / "hong.html").symlink_to(tmp_path / "saved" / "khong-co.html")
    return [tmp_path / "saved"]


def _manifest(text: str):
    def make(tmp_path: Path) -> list[Path]:
        (tmp_path / "articles").mkdir()
        (tmp_path / "articles" / ".legacy-import.json").write_text(text, encoding="utf-8")
        return [saved_page(tmp_path / "saved", "trang.html", GOOD_BODY, title="Trang tốt")]

    return make


def _linked_article(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "articles" / "2016" / "trang-bi-tro"
    folder.mkdir(parents=True)
    (folder / "index.md").symlink_to(tmp_path / "outside" / "secret.jpg")
    return _page_with(GOOD_BODY, title="Trang bị trỏ")(tmp_path)


DEEP = "<div>" * 400 + GOOD_BODY + "</div>" * 400
LONG = "x" * 300

# (case, makes the sources, exit code, expected lines: (file as written, code)); the cases
# named in AS_TASK run `invoke import-legacy` as a subprocess, the others the same import in
# this process (the task prints format_report and exits 1 when has_errors).
HOSTILE_INPUTS = [
    ("dot-dot", _photo_page("../outside/secret.jpg"), 0,
     [("saved/trang.html", "legacy-outside-path")]),
    ("encoded-slash", _photo_page("..%2Foutside%2Fsecret.jpg"), 0,
     [("saved/trang.html", "legacy-outside-path")]),
    ("encoded-dots", _photo_page("%2e%2e/%2E%2E/outside/secret.jpg"), 0,
     [("saved/trang.html", "legacy-outside-path")]),
    ("etc-passwd", _photo_page("../../../../../../../../etc/passwd"), 0,
     [("saved/trang.html", "legacy-outside-path")]),
    ("file-url", _photo_page("file:///etc/passwd"), 0,
     [("saved/trang.html", "legacy-outside-path")]),
    ("absolute", _photo_page("/etc/passwd"), 0,  # a portal path: looked for inside the folder
     [("saved/trang.html", "legacy-photo-placeholder")]),
    ("linked-photo", _linked_photo, 0, [("saved/trang.html", "legacy-outside-path")]),
    ("linked-files-folder", _linked_files_folder, 0,
     [("saved/trang.html", "legacy-outside-path")]),
    ("other-subfolder", _other_subfolder, 0, [("saved/trang.html", "legacy-outside-path")]),
    ("linked-page", _linked_page, 1, [("saved/ngoai.html", "legacy-outside-path")]),
    ("linked-article", _linked_article, 1, [("saved/trang.html", "legacy-outside-path")]),
    ("nul-in-name", _photo_page("anh%00.jpg"), 0, [("saved/trang.html", "legacy-outside-path")]),
    ("bad-address", _photo_page("http://[::1/anh.jpg"), 0,
     [("saved/trang.html", "legacy-outside-path")]),
    ("photo-name-over-255-bytes", _photo_page(LONG + ".jpg"), 0,
     [("saved/trang.html", "legacy-photo-placeholder")]),
    ("source-name-over-255-bytes", lambda tmp_path: [tmp_path / (LONG + ".html")], 1,
     [(LONG + ".html", "legacy-unreadable")]),
    ("400-nested-elements", _page_with(DEEP), 1, [("saved/trang.html", "legacy-too-deep")]),
    ("pipe", _pipe, 1, [("saved/ong.html", "legacy-unreadable")]),
    ("broken-link", _broken_link, 1, [("saved/hong.html", "legacy-unreadable")]),
    ("damaged-manifest", _manifest('{"2016/x": {"sha256": '), 1,
     [("articles/.legacy-import.json", "legacy-manifest-damaged")]),
    ("manifest-not-a-table", _manifest("[1, 2]"), 1,
     [("articles/.legacy-import.json", "legacy-manifest-damaged")]),
    ("javascript-link", _page_with(GOOD_BODY + '<p><a href="javascript:alert(1)">bấm</a></p>'),
     0, [("saved/trang.html", "legacy-unsafe-link")]),
    ("windows-1258", _page_with(GOOD_BODY, title="Trao quà Tết", charset="windows-1258"), 0,
     []),
]


AS_TASK = {"dot-dot", "linked-page", "linked-article", "source-name-over-255-bytes",
           "400-nested-elements", "pipe", "damaged-manifest", "javascript-link"}


def import_in_process(settings, *sources, into: Path) -> tuple[int, str]:
    outcomes, findings = import_pages(list(sources), into, settings)
    return int(has_errors(outcomes, findings)), format_report(outcomes, findings)


@pytest.mark.parametrize(
    ("case", "make", "exit_code", "expected"),
    HOSTILE_INPUTS,
    ids=[case[0] for case in HOSTILE_INPUTS],
)
def test_hostile_input(settings, tmp_path, case, make, exit_code, expected):
    """`invoke import-legacy` on a hostile page, beside a good one: the exit code, one line per
    problem naming the file, the good page imported all the same, nothing read from outside
    the pages' folders, nothing written outside the articles folder."""
    secret = jpeg(tmp_path / "outside" / "secret.jpg")
    sources = make(tmp_path)
    good = saved_page(tmp_path / "good", "tot.html", GOOD_BODY, title="Trang bên cạnh")
    into = tmp_path / "articles"
    before = {path: data for path, data in files_under(tmp_path).items()
              if not Path(path).is_relative_to(into)}

    if case in AS_TASK:
        result = import_task(*sources, good, into=into)
        returncode, output = result.returncode, result.stdout + result.stderr
    else:
        returncode, output = import_in_process(settings, *sources, good, into=into)
    assert returncode == exit_code, output
    assert "Traceback" not in output
    problems = [line.strip() for line in output.splitlines() if line.rstrip().endswith("]")]
    for file, code in expected:
        assert any(line.startswith(f"{tmp_path / file}:") and line.endswith(f"[{code}]")
                   for line in problems), (file, code, output)
    assert f"{good} → " in output  # the batch went on
    after = files_under(tmp_path)
    assert {path: data for path, data in after.items()
            if not Path(path).is_relative_to(into)} == before
    assert secret not in [data for path, data in after.items() if Path(path).is_relative_to(into)]
    assert Path("/etc/passwd").read_bytes() not in after.values()
    for article in into.glob("*/*/index.md"):
        assert all(len(path.name.encode()) <= 255 for path in article.parent.iterdir())


def test_windows_1258_page_finds_its_field(settings, tmp_path):
    """Windows-1258 writes tone marks as combining characters: "lĩnh vực" is found after NFC."""
    page = saved_page(tmp_path / "saved", "trao-qua.html", GOOD_BODY, title="Trao quà Tết",
                      charset="windows-1258")
    text = page.read_bytes().decode("cp1258")
    assert "lĩnh vực" not in text and "lĩnh vực" in unicodedata.normalize("NFC", text)
    (outcome,), _ = run_import(settings, tmp_path / "articles", page)
    assert codes(outcome) == [] and outcome.status == "new"
    meta = metadata(outcome.article.read_text(encoding="utf-8"))
    assert meta["Category"] == "Công đoàn" and meta["Title"] == "Trao quà Tết"


HOSTILE_TITLE = "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; Hội nghị {: onclick=alert(0)}"
HOSTILE_BODY = """
<p>Chiều ngày 15/1/2016, &lt;script&gt;alert(2)&lt;/script&gt; và &amp;lt;b&amp;gt; như chữ.</p>
<p>Liên kết <a href="https://example.org/a) [z](javascript:alert(3)">xem thêm</a>,
<a href="javascript:alert(4)">bấm</a>, <a href="java&#9;script:alert(5)">bấm nữa</a>,
<a href=" data:text/html,&lt;script&gt;alert(6)&lt;/script&gt;">dữ liệu</a>,
<a href="vbscript:msgbox(7)">vb</a>, <a href="mailto:ban@example.org">thư</a>,
<a href="tel:+84 226 3852 000">gọi</a>,
<a href='https://example.org/x" onmouseover="alert(8)'>dấu nháy</a>.</p>
<h3>Tiêu đề {: onclick="alert(9)" }</h3>
<p>Đoạn văn {: onmouseover="alert(10)" }</p>
<p>[liên kết](javascript:alert(11)) và ![ảnh](x.jpg) và &lt;img src=x onerror=alert(12)&gt;</p>
<pre>mã
```
&lt;script&gt;alert(13)&lt;/script&gt;
```
</pre>
<p><img src="anh.jpg)&lt;img src=x onerror=alert(14)&gt;" alt="Ảnh một"></p>
<p><img src='anh 2".jpg' alt="Ảnh hai" title="x"></p>
<p><img src="Ảnh Hội Nghị (1).PNG" alt="Ảnh ba"></p>
<p><img src="anh-ba.png" alt="Ảnh bốn"></p>
<p>Chú thích có "nháy" và ) ngoặc\\ *b* [l](javascript:alert(23)) {: onclick=x} &lt;i&gt;</p>
<blockquote><pre>a

&lt;script&gt;alert(19)&lt;/script&gt;

b</pre></blockquote>
<ul><li>Mục <pre>

&lt;img src=x onerror=alert(20)&gt;


[x](javascript:alert(21))</pre></li></ul>
<table><tr><td>a | b</td><td>&lt;script&gt;alert(15)&lt;/script&gt;</td></tr></table>
"""


def assert_inert(html_file: Path, raw: str | None = None) -> None:
    """No script but the site's own, no event handler attribute, no javascript:/data: URL.
    html.parser does not know that <title> holds text up to the first "</title": that part is
    cut as a browser's tokenizer reads it, then the rest is parsed."""
    raw = html_file.read_text(encoding="utf-8") if raw is None else raw
    title = re.search(r"<title>(.*?)</title[\s/>]", raw, re.DOTALL | re.IGNORECASE)
    if title:
        raw = raw[: title.start()] + raw[title.end():]
    soup = parse_html(raw)
    for script in soup.find_all("script"):
        if script.get("type") == "application/ld+json":
            json.loads(script.string)  # whole: nothing broke out of it
        else:
            assert re.fullmatch(r".*/js/(site|search)\.[0-9a-f]+\.js", script.get("src", ""))
            assert not script.string, (html_file, script)
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), (html_file, tag)
            for item in value if isinstance(value, list) else [value]:
                cleaned = re.sub(r"[\x00-\x20]", "", item).lower()
                assert not cleaned.startswith(("javascript:", "vbscript:", "data:text")), (
                    html_file, tag)


def test_hostile_text_builds_into_inert_html(tmp_path):
    saved = tmp_path / "saved"
    saved.mkdir()
    jpeg(saved / "anh-ba.png")  # a JPEG under another name: kept, it is a photo
    page = saved_page(
        saved, "hoi-nghi.html", HOSTILE_BODY, title=HOSTILE_TITLE,
        author="&lt;img src=x onerror=alert(16)&gt; Ban &lt;/title&gt;",
        head='<meta name="keywords" content="&lt;script&gt;alert(17)&lt;/script&gt;, '
             'tag\nSlug: ../../../etc, <b onmouseover=alert(18)>">',
        action="/Pages/hoi-nghi-so-ket.aspx?x=1, /evil",
    )
    into = tmp_path / "articles"
    result = import_task(page, into=into)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output
    for src in ("javascript:alert(4)", "java script:alert(5)", "vbscript:msgbox(7)"):
        assert any(f"{page}:" in line and src in line and "[legacy-unsafe-link]" in line
                   for line in output.splitlines()), src
    (article,) = into.glob("*/*/index.md")
    text = article.read_text(encoding="utf-8")
    meta = metadata(text)
    assert meta["Aliases"] == "/Pages/hoi-nghi-so-ket.aspx"
    assert "\nSlug: ../" not in text and meta["Slug"] == article.parent.name
    photos = sorted(path.name for path in article.parent.iterdir() if path.name != "index.md")
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name) for name in photos), photos
    assert len(photos) == len(set(name.lower() for name in photos)) == 4

    output_dir = build_imported(into, tmp_path)
    # The old address leads to the new article, through the host's redirect map.
    (redirect,) = [line.split() for line in (output_dir / "_redirects").read_text().splitlines()
                   if line.startswith("/Pages/hoi-nghi-so-ket.aspx ")]
    assert redirect[1].endswith(f"/tin/2016/{article.parent.name}/")
    pages = sorted(output_dir.rglob("*.html"))
    assert len(pages) > 10
    for html_file in pages:
        assert_inert(html_file)
    feeds = sorted(output_dir.rglob("*.atom.xml"))
    entries = [  # feed readers show the HTML of summaries and contents
        (feed, element.text or "")
        for feed in feeds
        for element in ElementTree.parse(feed).iter()
        if element.get("type") == "html"
    ]
    assert len(entries) >= 2
    for feed, html in entries:
        assert_inert(feed, html)
    built = parse_html(output_dir / "tin" / "2016" / article.parent.name / "index.html")
    # Imported text comes out as the text it was.
    def shown_text(tag) -> str:  # as a reader sees it: no-break spaces and word joiners aside
        return " ".join(tag.get_text(" ").replace("\u2060", "").split())

    assert shown_text(built.h1) == "</title><script>alert(1)</script> Hội nghị {: onclick=alert(0)}"
    body = built.find(class_="bt-article__body") or built.main
    words = shown_text(body)
    for shown in ("<script>alert(2)</script>", "&lt;b&gt;", "{: onmouseover=\"alert(10)\" }",
                  "[liên kết](javascript:alert(11))", "<img src=x onerror=alert(12)>",
                  "<script>alert(13)</script>", "<script>alert(15)</script>",
                  "<script>alert(19)</script>", "<img src=x onerror=alert(20)>"):
        assert shown in words.replace("“", '"').replace("”", '"'), shown
    links = {a.get_text(" ", strip=True): a["href"] for a in body.find_all("a", href=True)}
    assert links["xem thêm"].startswith("https://example.org/a%29%20%5Bz%5D%28javascript")
    assert links["thư"] == "mailto:ban@example.org"
    assert links["gọi"] == "tel:+84%20226%203852%20000"
    assert not {"bấm", "bấm nữa", "dữ liệu", "vb"} & set(links)
    assert [shown_text(cell) for cell in body.table.find_all("th")] == [
        "a | b", "<script>alert(15)</script>"]
    captions = [shown_text(figure.figcaption) for figure in body.find_all("figure")]
    caption = 'Chú thích có "nháy" và ) ngoặc\\ *b* [l](javascript:alert(23)) {: onclick=x} <i>'
    assert caption in [c.replace("“", '"').replace("”", '"') for c in captions], captions


# -- old addresses -----------------------------------------------------------------------------


def test_old_portal_addresses_become_aliases(settings, tmp_path, page_2013):
    """Where a saved page names its own address, in the order the importer trusts it; the file
    name stands for the page only when the page names none."""
    _, text_2013 = page_2013
    assert metadata(text_2013)["Aliases"] == "/Pages/trao-qua-tet-cong-nhan.aspx"
    into = tmp_path / "articles"
    (page_2010,), _ = run_import(settings, into, FIXTURES / "2010" / "ky-niem-85-nam.html")
    (seed,), _ = run_import(settings, into, SEED)
    assert metadata(page_2010.article.read_text(encoding="utf-8"))["Aliases"] == (
        "/Pages/ky-niem-85-nam.aspx")
    assert metadata(seed.article.read_text(encoding="utf-8"))["Aliases"] == (
        "/Pages/conference-report.aspx")
    body = "<p>Chiều ngày 15/1/2016, Công đoàn Khối trao quà.</p>"
    head = (
        '<link rel="canonical" href="http://doankhoi.example.vn/Pages/Trao%20qua.aspx?ID=3">'
        '<meta property="og:url" content="https://doankhoi.example.vn/pages/trao%20qua.aspx">'
    )
    page = saved_page(tmp_path / "saved", "a.html", body, title="Trao quà", head=head,
                      action="../../Lists/x/../../etc/passwd")
    page.write_text("<!-- saved from url=(0048)http://doankhoi.example.vn/Pages/Cu,ky.aspx -->\n"
                    + page.read_text(encoding="utf-8"), encoding="utf-8")
    (outcome,), _ = run_import(settings, into, page)
    aliases = metadata(outcome.article.read_text(encoding="utf-8"))["Aliases"]
    assert aliases == "/Pages/Trao%20qua.aspx, /Pages/Cu%2Cky.aspx"


@pytest.mark.parametrize(
    ("href", "target"),
    [
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("https://example.org/a) [z](javascript:alert(3)",
         "https://example.org/a%29%20%5Bz%5D%28javascript:alert%283%29"),
        ("HTTP://example.org/?q=1&r=2#x", "HTTP://example.org/?q=1&r=2#x"),
        ("mailto:ban@example.org", "mailto:ban@example.org"),
        ("tel:+84 226", "tel:+84%20226"),
        ("/tin/2021/bai/", "/tin/2021/bai/"),
        ("#muc-1", "#muc-1"),
        ("javascript:alert(1)", None),
        (" JaVaScRiPt:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("vbscript:x", None),
        ("file:///etc/passwd", None),
        ("//evil.example/x", None),
        ("../x.aspx", None),
        ("https://exa\x00mple.org/", None),
    ],
)
def test_only_safe_link_targets_are_kept(href, target):
    assert link_target(href) == target


def test_a_title_without_letters_still_gets_a_folder(settings, tmp_path):
    page = saved_page(tmp_path / "saved", "a.html", "<p>Chiều ngày 15/1/2016, trao quà.</p>",
                      title="&lt;&lt;&lt; !!! &gt;&gt;&gt;")
    (outcome,), _ = run_import(settings, tmp_path / "articles", page)
    assert outcome.article == tmp_path / "articles" / "2016" / "bai-viet-20160115-1430" / "index.md"


def test_files_that_are_no_photo_or_unreadable_are_not_copied(settings, tmp_path):
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "ghi-chu.jpg").write_text("mật khẩu: 123", encoding="utf-8")
    jpeg(saved / "khoa.jpg")
    (saved / "khoa.jpg").chmod(0)
    body = ('<p>Chiều ngày 15/1/2016, trao quà.</p><p><img src="ghi-chu.jpg" alt="Một"></p>'
            '<p><img src="khoa.jpg" alt="Hai"></p>')
    page = saved_page(saved, "a.html", body)
    (outcome,), _ = run_import(settings, tmp_path / "articles", page)
    assert outcome.status == "new" and outcome.placeholders == (2 if os.geteuid() else 1)
    assert "legacy-not-a-photo" in codes(outcome)
    copied = outcome.article.parent / "ghi-chu.jpg"
    with Image.open(copied) as photo:  # the labelled placeholder, not the text
        assert photo.format == "JPEG"
    if os.geteuid() != 0:  # root reads any file
        assert "legacy-unreadable" in codes(outcome)
        page.chmod(0)
        (unreadable,), _ = run_import(settings, tmp_path / "articles", page)
        assert codes(unreadable) == ["legacy-unreadable"]
        assert str(unreadable.findings[0]).startswith(f"{page}: Không đọc được tệp")


# -- properties of the writing functions -------------------------------------------------------

PAGE_TEXT = st.one_of(
    st.text(
        alphabet=st.sampled_from("aăâđêôơưáờữ0123456789 ![]()\"'*_`#>-+=\\<>&;{}|:~./"),
        max_size=60,
    ),
    st.lists(  # pieces of syntax, more likely to meet than letter by letter
        st.sampled_from(["---", "***", "1.", "- ", "# ", "> ", "<b>", "&lt;", "&#60;", "[a]",
                         "(javascript:x)", "{: #x }", "```", "~~~", "|", "![b](c)", " ", "x",
                         "<http://e.vn>", "*[a]: b", "[^1]", "\\", "=", "_u_"]),
        max_size=8,
    ).map("".join),
)
FUZZ = hypothesis_settings(max_examples=300, deadline=None)


@FUZZ
@given(PAGE_TEXT)
@example("    0")  # indented: a code block, had it kept its spaces
@example("a\n\t    b")
def test_any_escaped_text_reads_as_written(text):
    """Whatever a page says, Markdown shows it as text: no element but the paragraph."""
    html = markdown.markdown(escape(text), extensions=["extra"])
    soup = parse_html(html)
    assert {tag.name for tag in soup.find_all(True)} <= {"p"}, html
    assert " ".join(soup.get_text().split()) == " ".join(text.split())


@FUZZ
@given(PAGE_TEXT)
def test_any_link_target_is_safe(href):
    target = link_target(href)
    if target is not None:
        assert not re.search(r"[\s()<>\"'\\\[\]`{}|]", target), target
        html = markdown.markdown(f"[x]({target})", extensions=["extra"])
        (link,) = parse_html(html).find_all("a")
        assert re.match(r"(https?:|mailto:|tel:|/(?!/)|#)", link["href"], re.IGNORECASE)


def test_photos_beside_the_page_and_in_files_folders_are_copied(settings, tmp_path):
    """The page may read its folder and a `..._files` folder there, also one named after the
    page's name before it was renamed."""
    saved = tmp_path / "saved"
    beside = jpeg(saved / "canh.jpg", (10, 200, 10))
    renamed = jpeg(saved / "trang-cu_files" / "anh.jpg", (10, 10, 200))
    body = GOOD_BODY + '<p><img src="canh.jpg" alt="Một"></p>' + (
        '<p><img src="trang-cu_files/anh.jpg" alt="Hai"></p>')
    page = saved_page(saved, "bai-moi.html", body)
    (outcome,), _ = run_import(settings, tmp_path / "articles", page)
    assert codes(outcome) == [] and outcome.placeholders == 0
    folder = outcome.article.parent
    assert (folder / "canh.jpg").read_bytes() == beside
    assert (folder / "anh.jpg").read_bytes() == renamed


HTML_PIECE = st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<br>", "<b>", "</b>", "<em>", "</em>", "<h3>", "</h3>",
    "<ul><li>", "</li></ul>", "<blockquote>", "</blockquote>", "<pre>", "</pre>",
    "<table><tr><td>", "</td></tr></table>", "<sup>", "</sup>",
    '<a href="javascript:alert(1)">', '<a href="https://e.vn/a)(b">', '<a href="/x y">', "</a>",
    '<img src="x.jpg)<img src=x onerror=alert(1)>" alt="a]b">', '<img src="../../a.jpg">',
    "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;",
    "[x](javascript:alert(1))", "{: onclick=alert(1)}", "```", "---", "\n\n", "*", "_", "|",
    "<", ">", "&amp;", "\\", "Chữ", " ", "1. ", "# ", "> ",
])


@hypothesis_settings(max_examples=100, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(HTML_PIECE, max_size=25).map("".join))
def test_any_page_body_imports_into_inert_markup(settings, tmp_path, body):
    """Whatever the body of a page, the article's Markdown, as the site converts it, holds no
    script, event handler or javascript: address."""
    folder = tmp_path / str(abs(hash(body)))
    page = saved_page(folder, "a.html", GOOD_BODY + body)
    (outcome,), _ = run_import(settings, folder / "articles", page)
    if outcome.status == "error":
        return
    text = outcome.article.read_text(encoding="utf-8").split("\n\n", 1)[1]
    html = markdown.markdown(text, extensions=["extra", FiguresExtension()])
    assert_inert(page, html)
