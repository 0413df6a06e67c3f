"""The bad-input suite: each broken or hostile article or asset an editor can push makes
`invoke check` and `invoke publish` both exit 1 and print the same `path:line: message [code]`
lines (one gate: what check lets through publishes), leaves the last good site where it was, and
writes nothing outside the project's folders.

Every case runs the real tasks in subprocesses on a copy of the sample content, as CI would.
"""

import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import (ROOT, article_text, parse_html, run_task, settings_file, snapshot,
                      task_environment)

ARTICLE = "content/articles/2021/bai-thu/index.md"
PHOTO = "content/articles/2021/bai-thu/anh.jpg"
REAL_PHOTO = (ROOT / "content" / "articles" / "2021" / "hoi-nghi-so-ket-6-thang-dau-nam-2021"
              / "IMG_5760.jpg").read_bytes()
# A folder beside the project that hostile paths aim at: nothing may be read from it or written in it.
OUTSIDE = "ngoai"
LONG_NAME = "anh-" + "a" * 300


@dataclass(frozen=True)
class Symlink:
    """A symbolic link to `target` ({outside} is the outside folder's absolute path)."""

    target: str


class Folder:
    """A folder where a file is expected."""


def article(*, title="Bài thử", date="2021-08-01 08:00", field="Đoàn thanh niên",
            extra="", body="Nội dung bài thử.") -> str:
    """An article with a summary (line 4), `extra` metadata from line 5, the body from line 6."""
    return article_text(title, date, field, "Summary: Tóm tắt bài thử.\n" + extra, body)


# (case, files to add: path -> text or bytes, expected "path:line" or path, code, words of the message)
CASES = [
    ("bad date", {ARTICLE: article(date="15/07/2021")}, f"{ARTICLE}:2", "bad-date", "15/07/2021"),
    ("missing metadata", {ARTICLE: "Title: Bài thử\nDate: 2021-08-01\n\nNội dung.\n"},
     ARTICLE, "missing-metadata", "Category"),
    ("unknown field", {ARTICLE: article(field="Thể dục")}, f"{ARTICLE}:3", "unknown-field", "Thể dục"),
    ("unknown metadata", {ARTICLE: article(extra="Nguon: Báo Hà Nam\n")},
     f"{ARTICLE}:5", "unknown-metadata", "Nguon"),
    ("malformed metadata", {ARTICLE: article(extra="Tác giả Nguyễn Văn A\n")},
     f"{ARTICLE}:5", "malformed-metadata", None),
    ("duplicate slug", {ARTICLE: article(extra="Slug: hoi-nghi-so-ket-6-thang-dau-nam-2021\n")},
     "content/articles/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.md:7", "duplicate-slug",
     ARTICLE),
    ("missing photo", {ARTICLE: article(body="![Toàn cảnh hội nghị](khong-co.jpg)")},
     f"{ARTICLE}:6", "missing-photo", "khong-co.jpg"),
    ("broken photo file", {ARTICLE: article(body="![Toàn cảnh hội nghị](anh.jpg)"),
                           PHOTO: b"\xff\xd8 not a photo"},
     f"{ARTICLE}:6", "photo-not-image", "anh.jpg"),
    ("link to a missing article", {ARTICLE: article(body="Xem [bài cũ](../khong-co/index.md).")},
     f"{ARTICLE}:6", "broken-link", "khong-co"),
    ("NFD text", {ARTICLE: article(body=unicodedata.normalize("NFD", "Đoàn viên tình nguyện."))},
     f"{ARTICLE}:6", "not-nfc", None),
    ("TCVN3 mojibake", {ARTICLE: article(body="Héi nghÞ s¬ kÕt c«ng t¸c ®oµn.")},
     f"{ARTICLE}:6", "legacy-encoding", "Hội nghị sơ kết"),
    ("VNI mojibake", {ARTICLE: article(body="Hoäi nghò sô keát coâng taùc ñoaøn.")},
     f"{ARTICLE}:6", "legacy-encoding", "Hội nghị sơ kết"),
    ("Windows-1258 file",
     {ARTICLE: "Title: Đoàn thanh niên\nDate: 2021-08-01\nCategory: Đoàn thanh niên\n\nĐoàn.\n".encode("cp1258")},
     f"{ARTICLE}:1", "encoding", "UTF-8"),
    ("UTF-16 file", {ARTICLE: article().encode("utf-16")}, ARTICLE, "encoding-utf16", "UTF-8"),
    ("empty file", {ARTICLE: b""}, ARTICLE, "empty-file", None),
    ("10 MB paragraph", {ARTICLE: article(body="Đoàn viên tình nguyện " * 450_000)},
     ARTICLE, "file-too-large", None),
    ("article longer than a page may be", {ARTICLE: article(body="Đoàn viên tình nguyện. " * 5_000)},
     ARTICLE, "page-too-large", "kB"),
    ("Image: names a missing photo", {ARTICLE: article(extra="Image: khong-co.jpg\n")},
     f"{ARTICLE}:5", "photo-missing", "khong-co.jpg"),
    ("truncated JPEG", {ARTICLE: article(body="![Toàn cảnh hội nghị](anh.jpg)"),
                        PHOTO: REAL_PHOTO[:20_000]},
     f"{ARTICLE}:6", "photo-corrupt", "anh.jpg"),
    ("text file named .jpg as card photo", {ARTICLE: article(extra="Image: anh.jpg\n"),
                                            PHOTO: "Đây là văn bản, không phải ảnh.\n"},
     f"{ARTICLE}:5", "photo-not-image", "anh.jpg"),
    ("unknown metadata name", {ARTICLE: article(extra="Sumary: Tóm tắt\n")},
     f"{ARTICLE}:5", "unknown-metadata", "Có phải là 'Summary'?"),
    ("photo named with other letter case",
     {ARTICLE: article(body="![Toàn cảnh hội nghị](img_8101.JPG)"),
      "content/articles/2021/bai-thu/IMG_8101.jpg": REAL_PHOTO},
     f"{ARTICLE}:6", "missing-photo", "Có phải là 'IMG_8101.jpg'?"),
]

# Hostile input: what an attacker (or a careless paste) can put in an article.
HOSTILE_CASES = [
    ("inline script", {ARTICLE: article(body="Tin.\n\n<script>alert(1)</script>")},
     f"{ARTICLE}:8", "unsafe-html", "<script>"),
    ("inline handler", {ARTICLE: article(body='<p onmouseover="alert(1)">Tin.</p>')},
     f"{ARTICLE}:6", "unsafe-html", "onmouseover"),
    ("javascript: link", {ARTICLE: article(body="Xem [đây](javascript:alert(1)).")},
     f"{ARTICLE}:6", "unsafe-link", "javascript:"),
    ("data: image", {ARTICLE: article(body="![Ảnh](data:image/png;base64,iVBORw0KGgo=)")},
     f"{ARTICLE}:6", "unsafe-link", "data:"),
    ("iframe", {ARTICLE: article(body='<iframe src="https://example.org/"></iframe>')},
     f"{ARTICLE}:6", "unsafe-html", "<iframe>"),
    ("object", {ARTICLE: article(body='<object data="x.swf"></object>')},
     f"{ARTICLE}:6", "unsafe-html", "<object>"),
    ("form", {ARTICLE: article(body='<form action="/"><input name="mat-khau"></form>')},
     f"{ARTICLE}:6", "unsafe-html", "<form>"),
    ("image from another site", {ARTICLE: article(body="![Ảnh](https://example.org/anh.jpg)")},
     f"{ARTICLE}:6", "unsafe-link", "example.org"),
    ("raw <img> of the folder", {ARTICLE: article(body='<img src="anh.jpg" alt="Ảnh">'),
                                 PHOTO: REAL_PHOTO},
     f"{ARTICLE}:6", "raw-photo", "anh.jpg"),
    ("photo path leaving the folder",
     {ARTICLE: article(body=f"![x](../../../../{OUTSIDE}/evil.png)")},
     f"{ARTICLE}:6", "photo-outside", "evil.png"),
    ("photo path leaving the folder, %-encoded",
     {ARTICLE: article(body=f"![x](%2e%2e/%2e%2e/%2e%2e/%2E%2E/{OUTSIDE}/evil.png)")},
     f"{ARTICLE}:6", "photo-outside", "evil.png"),
    ("absolute photo path", {ARTICLE: article(body="![x]({outside}/evil.png)")},
     f"{ARTICLE}:6", "photo-outside", "evil.png"),
    ("absolute path in Image:", {ARTICLE: article(extra="Image: {outside}/evil.png\n")},
     f"{ARTICLE}:5", "photo-outside", "evil.png"),
    ("photo symlink leaving content/", {ARTICLE: article(body="![Ảnh](anh.png)"),
                                        "content/articles/2021/bai-thu/anh.png":
                                            Symlink("{outside}/evil.png")},
     f"{ARTICLE}:6", "photo-outside", "anh.png"),
    ("article symlink leaving content/", {ARTICLE: Symlink("{outside}/bai.md")},
     ARTICLE, "source-outside", "content/"),
    ("article folder symlink leaving content/",
     {"content/articles/2021/ngoai": Symlink("{outside}"), OUTSIDE + "/index.md": article()},
     "content/articles/2021/ngoai", "source-outside", "Thư mục"),
    ("dangling index.md symlink", {ARTICLE: Symlink("{outside}/khong-co/index.md")},
     ARTICLE, "broken-symlink", None),
    ("folder named x.md", {"content/articles/2021/x.md/anh.txt": "x"},
     "content/articles/2021/x.md", "folder-named-like-article", ".md"),
    (".mkd file Pelican reads", {"content/articles/2021/bai-thu/index.mkd": article(date="hôm qua")},
     "content/articles/2021/bai-thu/index.mkd:2", "bad-date", "hôm qua"),
    ("photo name over 255 bytes", {ARTICLE: article(body=f"![Ảnh]({LONG_NAME}.jpg)")},
     f"{ARTICLE}:6", "name-too-long", None),
    ("link name over 255 bytes", {ARTICLE: article(body=f"[bài]({LONG_NAME}.md)")},
     f"{ARTICLE}:6", "broken-link", None),
    ("5,000-character title", {ARTICLE: article(title="Tiêu đề rất dài " * 320)},
     f"{ARTICLE}:1", "too-long", "Title"),
    ("template outside the theme", {ARTICLE: article(extra="Template: ../../etc/passwd\n")},
     f"{ARTICLE}:5", "unknown-template", "../../etc/passwd"),
    ("Save_as writing elsewhere", {ARTICLE: article(extra="Save_as: ../../../ngoai/x.html\n")},
     f"{ARTICLE}:5", "refused-metadata", "Save_as"),
]
# Forms of writing a link or a photo that Markdown reads as one but a line-by-line search does
# not, and files Pelican would copy into the site from outside content/: `check` refuses them as
# publishing does, naming the file and line.
LINK_FORMS = [
    ("link target after a space", {ARTICLE: article(body="Xem [đây]( javascript:alert(1) ).")},
     f"{ARTICLE}:6", "unsafe-link", "javascript:"),
    ("link target on the next line", {ARTICLE: article(body="Xem [đây](\njavascript:alert(1)).")},
     f"{ARTICLE}:7", "unsafe-link", "javascript:"),
    ("brackets in the link text", {ARTICLE: article(body="Xem [a [b] c](javascript:alert(1)).")},
     f"{ARTICLE}:6", "unsafe-link", "javascript:"),
    ("another site's photo after a space",
     {ARTICLE: article(body="![Ảnh]( https://example.org/anh.jpg )")},
     f"{ARTICLE}:6", "unsafe-link", "example.org"),
    ("embed", {ARTICLE: article(body='<embed src="x.swf">')},
     f"{ARTICLE}:6", "unsafe-html", "<embed>"),
    # Files Pelican copies into the site must be inside content/: it would publish any other.
    ("{attach} of a file outside content/",
     {ARTICLE: article(body="Xem [tài liệu]({attach}../../../../ngoai/bai.md).")},
     f"{ARTICLE}:6", "file-outside", "ngoai/bai.md"),
    ("{attach} through a symlink leaving content/",
     {ARTICLE: article(body="Xem [tài liệu]({attach}bi-mat.md)."),
      "content/articles/2021/bai-thu/bi-mat.md": Symlink("{outside}/bai.md")},
     f"{ARTICLE}:6", "file-outside", "bi-mat.md"),
    ("static file symlink leaving content/",
     {"content/images/bi-mat.txt": Symlink("{outside}/bai.md")},
     "content/images/bi-mat.txt", "source-outside", "content/"),
]
ALL_CASES = CASES + HOSTILE_CASES + LINK_FORMS


@pytest.fixture
def last_good_site(workplace) -> None:
    """In the workplace: a previous site in output/ and target/, a folder outside the project,
    and caidat.py, publishing settings that read the workplace's content."""
    settings_file(workplace / "caidat.py", "publishconf", PATH=workplace / "content",
                  OUTPUT_PATH=workplace / "output")
    for folder in ("output", "target", OUTSIDE):
        (workplace / folder).mkdir()
        (workplace / folder / "index.html").write_text("bản tốt gần nhất", encoding="utf-8")
    (workplace / OUTSIDE / "evil.png").write_bytes((ROOT / "theme" / "static" / "images" / "favicon.png").read_bytes())
    (workplace / OUTSIDE / "bai.md").write_text(article(date="2021-08-02 08:00"), encoding="utf-8")


def add_files(workplace: Path, files: dict) -> None:
    """Write a case's files; `{outside}` stands for the outside folder's absolute path."""
    outside = str(workplace / OUTSIDE)
    for name, data in files.items():
        path = workplace / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Symlink):
            path.symlink_to(data.target.replace("{outside}", outside))
        elif isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data.replace("{outside}", outside), encoding="utf-8")


def run_publish(workplace: Path) -> subprocess.CompletedProcess:
    return run_task("publish", "--settings", str(workplace / "caidat.py"), timeout=300,
                    env=task_environment(BANTIN_DEPLOY="rsync",
                                         BANTIN_RSYNC_TARGET=str(workplace / "target")))


def run_check(workplace: Path) -> subprocess.CompletedProcess:
    return run_task("check", "--settings", str(workplace / "caidat.py"), timeout=300,
                    env=task_environment())


def finding_lines(text: str) -> set[str]:
    """The `path:line: message [code]` lines of a task's output."""
    return {line for line in text.splitlines() if line.startswith("content/") and line.endswith("]")}


@pytest.mark.parametrize("case, files, where, code, words", ALL_CASES,
                         ids=[case[0] for case in ALL_CASES])
def test_check_and_publish_refuse_bad_input_alike_and_keep_the_last_good_site(
    workplace, last_good_site, case, files, where, code, words
):
    add_files(workplace, files)
    kept = ("output", "target", OUTSIDE)
    before = {folder: snapshot(workplace / folder) for folder in kept}

    checked = run_check(workplace)
    result = run_publish(workplace)

    assert result.returncode == 1, result.stdout + result.stderr
    assert checked.returncode == 1, checked.stdout + checked.stderr
    for run in (checked, result):
        assert "Traceback" not in run.stdout + run.stderr
    assert "Không xuất bản" in result.stderr
    lines = [
        line for line in result.stderr.splitlines()
        if line.startswith(where + ":") and line.endswith(f"[{code}]")
    ]
    assert lines, f"no `{where}: ... [{code}]` line in:\n{result.stderr}"
    if words:
        assert any(words in line for line in lines), lines
    # One gate: check names exactly what stops publishing, file, line and words.
    assert finding_lines(checked.stdout) == finding_lines(result.stderr)
    assert {folder: snapshot(workplace / folder) for folder in kept} == before
    assert sorted(path.name for path in workplace.iterdir()) == sorted([".output.lock", "caidat.py", "content", *kept])


def test_the_preview_builds_the_rest_of_the_site_around_hostile_sources(workplace, last_good_site):
    """A folder named x.md, a dangling index.md, a 5,000-character title, a template outside
    the theme: each named by the lint, left out, and the other articles published."""
    from bantin.build import build

    add_files(workplace, {
        "content/articles/2021/x.md/anh.txt": "x",
        "content/articles/2021/gay/index.md": Symlink("{outside}/khong-co/index.md"),
        "content/articles/2021/dai/index.md": article(title="Tiêu đề rất dài " * 320),
        ARTICLE: article(extra="Template: ../../etc/passwd\n"),
    })
    result = build(ROOT / "pelicanconf.py", output=workplace / "xem-truoc", strict=False,
                   overrides={"PATH": str(workplace / "content")})
    assert sorted(result.skipped) == [
        "content/articles/2021/bai-thu/index.md", "content/articles/2021/dai/index.md",
        "content/articles/2021/gay/index.md"]
    assert (workplace / "xem-truoc" / "tin" / "2021" / "hoi-nghi-so-ket-6-thang-dau-nam-2021"
            / "index.html").is_file()
    assert {finding.code for finding in result.findings} >= {
        "folder-named-like-article", "broken-symlink", "too-long", "unknown-template"}


# What looks like the hostile cases but is harmless, and must pass both: HTML shown as code,
# the site's own images, links to other sites, a photo in a subfolder of the article's folder.
LOOK_ALIKE = article(title="Hướng dẫn chèn mã", extra="Image: anh/IMG_1.jpg\n", body=(
    "Đừng dán `<script>alert(1)</script>` hay `<iframe>` vào bài.\n\n"
    "```\n<form action=\"https://example.org/\"><input></form>\n```\n\n"
    "    <object data=\"x.swf\"></object>\n\n"
    "![Ảnh chia sẻ](/images/share.png)\n\n![Hội nghị](anh/IMG_1.jpg)\n\n"
    "Xem [trang Đoàn](https://doanthanhnien.vn/) hoặc [thư](mailto:bientap@example.org)."))


def test_the_same_workplace_publishes_when_nothing_is_wrong(workplace, last_good_site):
    add_files(workplace, {ARTICLE: LOOK_ALIKE, "content/articles/2021/bai-thu/anh/IMG_1.jpg": REAL_PHOTO})
    checked = run_check(workplace)
    assert (checked.returncode, checked.stdout) == (0, "")
    result = run_publish(workplace)
    assert result.returncode == 0, result.stderr
    assert "Đã xuất bản: rsync tới" in result.stdout
    published = snapshot(workplace / "target" / "current")  # the release readers see
    assert "tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.html" in published
    shown = published["tin/2021/huong-dan-chen-ma/index.html"].decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "<script>alert" not in shown
    assert published == snapshot(workplace / "output")


def test_an_article_without_summary_passes_check_and_publish_with_no_photo_in_the_lists(
    workplace, last_good_site
):
    """Without `Summary:`, the lists show the article's opening words: its photos, whose
    addresses are relative to the article, stay out of them, so a clean check publishes."""
    add_files(workplace, {
        ARTICLE: ("Title: Bài không tóm tắt\nDate: 2021-08-01 08:00\nCategory: Đoàn thanh niên\n\n"
                  "![Toàn cảnh hội nghị](anh.jpg)\n\nĐoàn viên ra quân tình nguyện.\n"),
        PHOTO: REAL_PHOTO,
    })
    checked = run_check(workplace)
    assert (checked.returncode, checked.stdout) == (0, "")
    result = run_publish(workplace)
    assert result.returncode == 0, result.stderr
    listing = parse_html(snapshot(workplace / "target" / "current")[
        "linh-vuc/doan-thanh-nien/index.html"].decode())
    card = next(card for card in listing.select(".bt-card")
                if card.find("a", href=lambda href: href and href.endswith("/tin/2021/bai-khong-tom-tat/")))
    assert card.select_one(".bt-card__summary").get_text(strip=True).replace("\xa0", " ") == "Đoàn viên ra quân tình nguyện."
    assert all(img.get("src", "").startswith(("/", "http")) for img in listing.find_all("img"))
