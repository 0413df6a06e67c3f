"""Content lint: every mistake an editor can make in a Markdown file, as `path:line: message`.

`invoke check` runs it, and so does every build before Pelican reads anything: in strict mode an
error stops the build, in preview mode the broken file is left out and the rest of the site builds.
Messages are Vietnamese, for editors; the code in brackets is a stable English name for each check.

It is the one gate before publishing: whatever in an article would make a strict build or
`invoke publish` fail is found here, by the same rule the build applies (photos are checked by
the photo pipeline itself, raw HTML by the publish checks' own rule), so a clean `invoke check`
means the content will publish. Errors leave the file out of a preview; warnings do not, but
publishing stops on both.
"""

import difflib
import hashlib
import html
import os
import pickle
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup
from markdown import Markdown

from core.errors import Finding
from core.record import RECORD_SETTING, BuildRecord, record_of
from core.header import METADATA_LINE, read_header
from core.files import write_whole
from core.legacy_encodings import convert_legacy, find_legacy_encoding
from core.aliases import alias_problem, parse_aliases, site_path
from core.clock import is_scheduled, now as clock_now
from bantin.site_checks import inline_code, local_address, refused_url, unsafe_content
from core.vietnamese import format_date, nfc, slugify, strip_accents
from core.fingerprint import code_fingerprint
from core.forked import WorkerLost, can_fork, cores, forked_map
from core.source import MARKDOWN_IMAGE as IMAGE
from core.source import (SEARCH_INDEX_FOLDER, field_names, inside, is_local_photo, is_source_link,
                         photo_inside, source_files, vietnamese_fields)
from core.editions import edition_folder, language_of, translation_key

# Every metadata name the site reads (Pelican, plugins/, the theme), as editors write them.
KNOWN_NAMES = ("Title", "Date", "Modified", "Category", "Tags", "Author", "Authors", "Summary",
               "Slug", "Lang", "Image", "Status", "Translation", "Template", "Aliases")
KNOWN_METADATA = {name.lower() for name in KNOWN_NAMES}
# Names Pelican would obey to write a page somewhere else than its address.
REFUSED_METADATA = {"save_as", "url", "lang_save_as", "lang_url", "override_url"}
STATUSES = {"article": ("published", "draft", "hidden"), "page": ("published", "draft", "hidden")}
# Bytes in one file or folder name (Linux file systems): a slug or a photo's published name
# must fit in one.
NAME_MAX = 255
REQUIRED_METADATA = {"article": ("title", "date", "category"), "page": ("title",)}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\((?P<href><[^>]*>|[^)\s]+)")
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(?P<href><[^>]*>|\S+)")
# A link to a file Pelican copies into the site: {attach}name, {static}name (or |attach|...).
ATTACHED_FILE = re.compile(r"^[{|](?:static|attach)[|}](?P<path>.*)$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


@dataclass
class SourceFile:
    """What the lint learned about one file, for the checks that look across files."""

    path: Path
    kind: str  # "article" or "page"
    metadata: dict[str, tuple[int, str]] = field(default_factory=dict)  # key -> (line, value)

    def value(self, key: str) -> str:
        return self.metadata.get(key, (0, ""))[1]


class TextChecks:
    """The checks that read every line (NFC, TCVN3/VNI), remembered by the text they read: the
    legacy-encoding check is the slowest part of the lint, and most texts have not changed since
    the last build. Kept in CACHE_PATH/lint/, one file per version of the code."""

    def __init__(self, settings: dict | None):
        self.path = (Path(settings["CACHE_PATH"]) / "lint" / f"text-{code_fingerprint(settings)}.pickle"
                     if settings and "CACHE_PATH" in settings else None)
        self.known: dict[str, list[tuple]] = {}
        self.changed = False
        if self.path:
            try:
                self.known = pickle.loads(self.path.read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError, ValueError):
                self.known = {}

    def findings(self, text: str, shown: str) -> list[Finding]:
        key = hashlib.blake2b(text.encode(), digest_size=20).hexdigest()
        if key not in self.known:
            found = check_normalisation(text, shown) + check_legacy_encodings(text, shown)
            self.known[key] = [(f.line, f.code, f.message, f.severity) for f in found]
            self.changed = True
        return [Finding(shown, line, code, message, severity)
                for line, code, message, severity in self.known[key]]

    def learn(self, known: dict[str, list[tuple]]) -> None:
        """Take in what another process's checks judged (bantin.lint.linted_files)."""
        if known:
            self.known.update(known)
            self.changed = True

    def save(self) -> None:
        if self.path and self.changed:
            write_whole(self.path, pickle.dumps(self.known))


class PhotoChecks:
    """The photos articles name, checked by the photo pipeline itself (plugins/photos): the
    lint's verdict on a photo (not an image, damaged, too many pixels) is the build's, word for
    word. They are warnings: publishing stops on them, while a preview still shows the article
    (the build reports the same finding once). Results live in the photo cache (PHOTO_CACHE_PATH), keyed by the photo's content, so a
    photo is decoded once for check and build together, and the photos not yet known are worked
    out on every core at once. The photo pipeline (Pillow, the HEIC opener) is loaded only when
    there is a photo to judge: the other checks stay light."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.pending: dict[tuple[Path, str], tuple[str, int]] = {}  # (folder, name) -> first use

    def add(self, folder: Path, src: str, shown: str, line: int) -> None:
        self.pending.setdefault((folder, src), (shown, line))

    def findings(self) -> list[Finding]:
        if not self.pending:
            return []
        from plugins.photos.library import PhotoLibrary, library_for
        from plugins.photos.pipeline import derive_missing

        record = record_of(self.settings)  # a build's: its editions find these photos known
        library = library_for(self.settings) if record is not None else PhotoLibrary(self.settings)
        if record is not None:
            library.cache.remove_leftovers()  # as the build's own derivation ahead does
        jobs: dict[str, Path] = {}
        for folder, src in self.pending:
            if not safe_is_file(folder / src):
                continue  # the library says photo-missing, as in the build
            key = library.key(folder / src)
            if key not in jobs and library.cache.lookup(key) is None:
                jobs[key] = folder / src
        derive_missing(jobs, library.settings, library.cache)
        library.save_keys()
        if record is not None:
            record.photos_prefetched = True  # what the build would derive ahead is derived
        findings = []
        for (folder, src), (shown, line) in self.pending.items():
            error = library.photo(folder, src).error
            if error is not None:
                hint = case_hint(folder / src) if error.code == "photo-missing" else ""
                findings.append(Finding(shown, line, error.code, error.message + hint, "warning"))
        self.pending.clear()
        return findings


# Fewer files than this per worker are checked here: forking would cost more. Shares per worker:
# small enough that no worker waits long for another.
MIN_FILES_PER_WORKER = 64
SHARES_PER_WORKER = 4

# Findings of the checks that compare files: what a file says of others, which its own text
# alone does not decide (bantin/resume.py keeps them while it checks an edited file again).
ACROSS_FILES = {"duplicate-slug", "duplicate-address", "duplicate-lang", "link-to-scheduled"}


def lint(settings: dict, today: datetime | None = None) -> list[Finding]:
    """All findings for the site's content, sorted by file and line."""
    if record_of(settings) is None:  # `invoke check` alone: what git knows is found once, too
        settings = {**settings, RECORD_SETTING: BuildRecord()}
    findings: list[Finding] = []
    sources = []
    text_checks = TextChecks(settings)
    photo_checks = PhotoChecks(settings)
    for source, file_findings in linted_files(source_files(settings), settings, today,
                                              text_checks, photo_checks):
        findings += file_findings
        if source is not None:
            sources.append(source)
    text_checks.save()
    findings += photo_checks.findings()
    findings += static_links_outside(settings)
    findings += duplicate_slugs(sources, settings)
    findings += duplicate_languages(sources, settings)
    findings += links_to_scheduled(sources, settings, today)
    return sorted(findings, key=lambda finding: (str(finding.path), finding.line or 0))


def linted_files(files: list[tuple[Path, str]], settings: dict, today: datetime | None,
                 text_checks: TextChecks, photo_checks: PhotoChecks) -> list[tuple]:
    """lint_file of every file, in order: on every core when there are enough files (workers
    forked with what the checks know, core/forked.py), here otherwise. What the workers' checks
    learn (texts judged, photos named) is added to `text_checks` and `photo_checks`."""
    def here() -> list[tuple]:
        return [lint_file(path, kind, settings, today, text_checks, photo_checks)
                for path, kind in files]

    workers = min(cores(), len(files) // MIN_FILES_PER_WORKER)
    if workers < 2 or not can_fork():
        return here()
    size = -(-len(files) // (workers * SHARES_PER_WORKER))
    shares = [files[start:start + size] for start in range(0, len(files), size)]

    def lint_share(number: int) -> tuple[list[tuple], dict, dict]:
        known = set(text_checks.known)
        photo_checks.pending.clear()
        linted = [lint_file(path, kind, settings, today, text_checks, photo_checks)
                  for path, kind in shares[number]]
        learnt = {key: found for key, found in text_checks.known.items() if key not in known}
        return linted, learnt, dict(photo_checks.pending)

    try:
        checked = forked_map(lint_share, len(shares), workers)
    except WorkerLost:  # killed, or out of memory: the files are checked here instead
        return here()
    linted = []
    for share, learnt, named in checked:
        linted += share
        text_checks.learn(learnt)
        for (folder, src), (shown, line) in named.items():
            photo_checks.add(folder, src, shown, line)
    return linted


def lint_file(
    path: Path, kind: str, settings: dict, today: datetime | None = None,
    text_checks: TextChecks | None = None, photo_checks: PhotoChecks | None = None,
) -> tuple[SourceFile | None, list[Finding]]:
    """Check one file. Returns what was understood of it (None if unreadable) and the findings.
    The photos are checked at once, or by `photo_checks` when the caller gives one."""
    shown = display_path(path, settings)
    problem = check_source_path(path, shown, settings)
    if problem:
        return None, [problem]
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, [Finding(shown, None, "unreadable",
                              f"Không đọc được tệp ({error.strerror}): hãy kiểm tra tệp còn đó "
                              "và có quyền đọc")]
    return lint_source(raw, path, kind, settings, today, text_checks, photo_checks)


def lint_source(
    raw: bytes, path: Path, kind: str, settings: dict, today: datetime | None = None,
    text_checks: TextChecks | None = None, photo_checks: PhotoChecks | None = None,
) -> tuple[SourceFile | None, list[Finding]]:
    """Check the bytes of a source as if they were the file at `path` (the desk checks the
    text an editor is writing before it is saved)."""
    shown = display_path(path, settings)
    if len(raw) > settings["MAX_SOURCE_BYTES"]:
        limit = settings["MAX_SOURCE_BYTES"] // 1_000_000
        return None, [Finding(shown, None, "file-too-large",
                              f"Tệp quá lớn ({len(raw) // 1_000_000} MB, tối đa {limit} MB): "
                              "hãy chia nhỏ bài viết hoặc bỏ phần dán thừa")]
    text, problem = decode(raw, shown)
    if problem:
        return None, [problem]
    page_budget = settings.get("SIZE_BUDGETS", {}).get("html")
    if page_budget and len(raw) > page_budget:  # its page, text and layout, would be larger still
        return None, [Finding(shown, None, "page-too-large",
                              f"Bài quá dài cho một trang ({len(raw) // 1000} kB chữ, một trang "
                              f"tối đa {page_budget // 1000} kB để đọc nhanh trên điện thoại): "
                              "hãy chia thành nhiều bài")]
    if not text.strip():
        return None, [Finding(shown, 1, "empty-file", "Tệp trống: bài viết cần thông tin "
                              "(Title, Date, Category) và nội dung")]
    source = SourceFile(path, kind)
    photos = photo_checks or PhotoChecks(settings)
    findings = read_metadata(text, source, shown)
    findings += check_metadata(source, shown, settings, today)
    findings += check_limits(source, shown, settings)
    findings += check_card_photo(source, path, shown, settings, photos)
    findings += check_body(text, path, shown, settings, photos)
    findings += check_markup(text, shown, settings)
    findings += (text_checks or TextChecks(None)).findings(text, shown)
    if photo_checks is None:
        findings += photos.findings()
    return source, findings


def check_source_path(path: Path, shown: str, settings: dict) -> Finding | None:
    """What makes a name Pelican would read no article: a folder, a link to nothing or to a
    file outside content/ (the build reads nothing outside the project)."""
    if path.is_symlink() and not path.exists():
        return Finding(shown, None, "broken-symlink",
                       "Tệp là lối tắt (symlink) tới một tệp không còn nữa: hãy xóa lối tắt "
                       "hoặc chép tệp thật vào đây")
    if not inside(path, Path(settings["PATH"])):
        what = "Thư mục" if path.is_dir() else "Tệp"
        return Finding(shown, None, "source-outside",
                       f"{what} là lối tắt (symlink) trỏ ra ngoài thư mục content/: trang tin chỉ "
                       "đọc bài nằm trong content/; hãy chép bài thật vào đây")
    if path.is_dir():
        return Finding(shown, None, "folder-named-like-article",
                       f"Đây là thư mục nhưng tên có đuôi {path.suffix} của tệp bài viết nên trang "
                       "tin bỏ qua nó: hãy đổi tên thư mục (bỏ đuôi)", "warning")
    return None


def display_path(path: Path, settings: dict) -> str:
    """The path as the editor knows it: relative to the project folder."""
    root = Path(settings["PATH"]).parent
    try:  # the name itself, not what a symbolic link points at
        return str((path.parent.resolve() / path.name).relative_to(root.resolve()))
    except ValueError:
        return str(path)


def decode(raw: bytes, shown: str) -> tuple[str, Finding | None]:
    """UTF-8 text (a BOM is accepted), or the one sentence that says how the file is saved."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "", Finding(shown, None, "encoding-utf16",
                           "Tệp được lưu dạng UTF-16: hãy lưu lại dạng UTF-8 (Save As, Encoding: UTF-8)")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return "", Finding(shown, line, "encoding",
                           "Tệp không phải UTF-8 (có thể là Windows-1258, TCVN3 hoặc VNI): "
                           "hãy lưu lại dạng UTF-8")


def read_metadata(text: str, source: SourceFile, shown: str) -> list[Finding]:
    """Read the header (core/header.py) into `source.metadata`; what is wrong with it."""
    header = read_header(text)
    if not header.starts:
        return [Finding(shown, 1, "malformed-metadata",
                        "Dòng đầu tiên phải là thông tin bài viết dạng 'Title: Tiêu đề bài viết'")]
    source.metadata = header.values
    findings = [Finding(shown, number, "malformed-metadata",
                        "Dòng thông tin không đúng dạng 'Tên: giá trị'; "
                        "phần thông tin phải kết thúc bằng một dòng trống")
                for number in header.malformed]
    lines = text.splitlines()
    findings += [Finding(shown, number, "duplicate-metadata",
                         f"Thông tin '{METADATA_LINE.match(lines[number - 1])['key']}' "
                         "được khai báo hai lần")
                 for number in header.repeated]
    for key, (number, _) in header.values.items():
        name = header.names[key]
        if key in REFUSED_METADATA:
            findings.append(Finding(shown, number, "refused-metadata",
                                    f"Thông tin '{name}' không được dùng: địa chỉ của bài "
                                    "do trang tin đặt (muốn đổi địa chỉ, dùng 'Slug:')"))
        elif key not in KNOWN_METADATA:
            close = difflib.get_close_matches(key, KNOWN_METADATA, n=1, cutoff=0.6)
            hint = f"Có phải là '{close[0].capitalize()}'? " if close else ""
            findings.append(Finding(shown, number, "unknown-metadata",
                                    f"Không biết thông tin '{name}'. {hint}"
                                    "Các tên dùng được: " + ", ".join(KNOWN_NAMES), "warning"))
    return sorted(findings, key=lambda finding: finding.line)


def check_metadata(
    source: SourceFile, shown: str, settings: dict, today: datetime | None
) -> list[Finding]:
    findings = []
    for key in REQUIRED_METADATA[source.kind]:  # optional ones may stay empty
        if key not in source.metadata:
            findings.append(Finding(shown, 1, "missing-metadata",
                                    f"Thiếu thông tin bắt buộc '{key.capitalize()}:'"))
        elif not source.value(key):
            findings.append(Finding(shown, source.metadata[key][0], "empty-metadata",
                                    f"Thông tin bắt buộc '{key.capitalize()}' để trống"))
    if source.value("date"):
        findings += check_date(source, shown, settings, today)
    if source.value("category"):
        findings += check_field(source, shown, settings)
    if source.value("slug"):
        findings += check_slug(source, shown)
    if source.value("aliases"):
        findings += check_aliases(source, shown)
    lang_line, lang = source.metadata.get("lang", (0, ""))
    if lang and lang not in settings["EDITIONS"]:
        findings.append(Finding(shown, lang_line, "unknown-lang",
                                f"Ngôn ngữ '{lang}' không có trên trang; dùng một trong: "
                                + ", ".join(settings["EDITIONS"])))
    return findings


def parse_date(value: str) -> datetime | None:
    """`2021-07-15 14:00`, or `2021-07-15` (00:00, the start of the day): as Pelican reads it."""
    if not ISO_DATE.match(value):
        return None
    try:
        return datetime.fromisoformat(value.replace(" ", "T"))
    except ValueError:
        return None


def check_date(source: SourceFile, shown: str, settings: dict, today: datetime | None) -> list[Finding]:
    line, value = source.metadata["date"]
    parsed = parse_date(value)
    if parsed is None:
        return [Finding(shown, line, "bad-date",
                        f"Ngày '{value}' không đọc được: viết dạng năm-tháng-ngày giờ:phút, "
                        "ví dụ 'Date: 2021-07-15 14:00'")]
    if settings.get("SCHEDULED_PUBLISHING") and is_scheduled(parsed, today or clock_now(settings)):
        when = format_date(parsed, "vi", settings["LONG_DATE_PATTERNS"]["vi"])
        return [Finding(shown, line, "scheduled",
                        f"Bài sẽ đăng lúc {parsed:%H:%M}, {when}; "
                        "trước đó trang chưa có bài này", "info")]
    return []


def check_field(source: SourceFile, shown: str, settings: dict) -> list[Finding]:
    line, value = source.metadata["category"]
    value = nfc(value)  # as the reader sees it; decomposed text has its own finding
    if value.casefold() in field_names(settings):
        return []
    vietnamese = vietnamese_fields(settings)
    close = nearest_field(value, settings)
    hint = f" Có phải là '{close}'?" if close else ""
    return [Finding(shown, line, "unknown-field",
                    f"Lĩnh vực '{value}' không có trong danh sách lĩnh vực của trang."
                    f"{hint} Các lĩnh vực: " + ", ".join(vietnamese))]


def nearest_field(value: str, settings: dict) -> str | None:
    """The Vietnamese name of the field an editor most likely meant ('Doan thanh nien' ->
    'Đoàn thanh niên'), for `invoke check` and `invoke new` alike."""
    folded = {strip_accents(name).casefold(): name for name in vietnamese_fields(settings)}
    close = difflib.get_close_matches(strip_accents(value).casefold(), folded, n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def check_limits(source: SourceFile, shown: str, settings: dict) -> list[Finding]:
    """Values the build turns into file names (title or slug, tags, authors) that would not fit
    in one, a template the theme lacks, a status Pelican does not know."""
    findings = []
    line, slug = source.metadata.get("slug") or source.metadata.get("title") or (0, "")
    if len(slugify(slug).encode()) > NAME_MAX:
        name = "Slug" if "slug" in source.metadata else "Title"
        findings.append(Finding(shown, line, "too-long",
                                f"'{name}' quá dài ({len(slug)} ký tự) để làm địa chỉ trang: "
                                "hãy viết tiêu đề ngắn gọn hơn, hoặc thêm dòng 'Slug:' ngắn"))
    for key in ("tags", "author", "authors"):
        line, value = source.metadata.get(key, (0, ""))
        if any(len(slugify(item).encode()) > NAME_MAX for item in value.split(",")):
            findings.append(Finding(shown, line, "too-long",
                                    f"Một giá trị của '{key.capitalize()}' quá dài để làm địa chỉ "
                                    "trang: hãy viết ngắn lại"))
    line, template = source.metadata.get("template", (0, ""))
    if template:
        folder = Path(settings["THEME"]) / "templates"
        names = sorted(path.stem for path in folder.glob("*.html")
                       if path.stem.startswith(source.kind))
        if template not in names:
            findings.append(Finding(shown, line, "unknown-template",
                                    f"Không có mẫu trang '{template[:80]}': bỏ dòng 'Template:' "
                                    "hoặc dùng một trong: " + ", ".join(names)))
    line, status = source.metadata.get("status", (0, ""))
    if status and status.lower() not in STATUSES[source.kind]:
        findings.append(Finding(shown, line, "bad-status",
                                f"Trạng thái '{status[:80]}' không có: dùng một trong "
                                + ", ".join(STATUSES[source.kind])))
    return findings


def check_card_photo(
    source: SourceFile, path: Path, shown: str, settings: dict, photos: PhotoChecks
) -> list[Finding]:
    """`Image:` names a photo of the article's folder, used on cards and when shared."""
    line, value = source.metadata.get("image", (0, ""))
    if not value:
        return []
    if not is_local_photo(value):
        return [Finding(shown, line, "photo-outside",
                        f"'Image:' phải là tên một ảnh trong thư mục bài viết, không phải "
                        f"'{value[:80]}'")]
    return check_photo(path.parent, value, shown, line, settings, photos, must_exist=False)


def photo_name_max(settings: dict) -> int:
    """The longest photo name, in bytes, that still fits the disk once the build adds its
    widest width (`-1600.webp`)."""
    return NAME_MAX - len(f"-{max(settings['PHOTO_WIDTHS'])}.webp")


def check_photo(
    folder: Path, src: str, shown: str, line: int, settings: dict, photos: PhotoChecks,
    must_exist: bool = True,
) -> list[Finding]:
    """One photo the article names: inside its folder, with a name that fits, there (a hint
    when only the letter case differs); then decodable and within limits (PhotoChecks, which
    also says `photo-missing` for a card photo, as the build does)."""
    if any(len(part.encode()) > photo_name_max(settings) for part in src.split("/")):
        return [Finding(shown, line, "name-too-long",
                        f"Tên ảnh '{src[:40]}...' quá dài: hãy đổi tên tệp ảnh cho ngắn")]
    inside = photo_inside(folder, src)
    if inside is None:
        return [Finding(shown, line, "photo-outside",
                        f"Ảnh '{src[:80]}' không nằm trong thư mục bài viết: hãy chép ảnh vào "
                        "cạnh index.md và chỉ viết tên tệp, ví dụ ![Toàn cảnh hội nghị](IMG_5760.jpg)")]
    if must_exist and not inside.is_file():
        return [Finding(shown, line, "missing-photo",
                        f"Không tìm thấy ảnh '{src}' trong thư mục bài viết{case_hint(inside)}")]
    photos.add(folder, src, shown, line)
    return []


def case_hint(missing: Path) -> str:
    """The real name of a file written with other letter case (IMG_8101.jpg for img_8101.JPG)."""
    try:
        names = [entry.name for entry in missing.parent.iterdir()]
    except OSError:
        return ""
    same = [name for name in names if name.casefold() == missing.name.casefold()]
    if not same:
        return ""
    return (f". Có phải là '{same[0]}'? Tên tệp phân biệt chữ hoa, chữ thường: "
            "hãy viết đúng như tên tệp")


def check_body(
    text: str, path: Path, shown: str, settings: dict, photos: PhotoChecks
) -> list[Finding]:
    """Photos that must be in the article's folder, exist, decode and be described; links to
    other articles that must exist."""
    findings = []
    folder = path.parent
    for number, line in enumerate(text.splitlines(), start=1):
        for image in IMAGE.finditer(line):
            src = image["src"].strip("<>")
            findings += check_body_photo(folder, src, shown, number, settings, photos)
            if not image["alt"].strip() and not (image["title"] or "").strip():
                findings.append(Finding(shown, number, "missing-alt",
                                        f"Ảnh '{src}' chưa có mô tả: viết mô tả hoặc chú thích "
                                        "trong ngoặc vuông, ví dụ ![Toàn cảnh hội nghị](" + src + ")"))
        for target in [image["src"] for image in IMAGE.finditer(line)] + \
                [link["href"] for link in LINK.finditer(line)] + \
                [link["href"] for link in REFERENCE_DEFINITION.finditer(line)]:
            findings += check_attached_file(folder, target.strip("<>"), shown, number, settings)
        for link in LINK.finditer(line):
            href = link["href"].strip("<>")
            target = href.split("#", 1)[0]
            if is_source_link(href) and not is_source(folder / unquote(target), settings):
                findings.append(Finding(shown, number, "broken-link",
                                        f"Liên kết tới '{target[:80]}' không dẫn tới bài viết nào"))
    return findings


def check_attached_file(folder: Path, target: str, shown: str, line: int,
                        settings: dict) -> list[Finding]:
    """A file named with Pelican's {static} or {attach}: Pelican copies it into the site, so it
    must be a file inside content/ (links followed), never a folder or one of the machine's
    other files."""
    match = ATTACHED_FILE.match(target)
    if not match:
        return []
    name = unquote(match["path"].split("#", 1)[0].split("?", 1)[0])
    content = Path(settings["PATH"])
    candidate = content / name.lstrip("/") if name.startswith("/") else folder / name
    if "\0" not in name and inside(candidate, content) and not os.path.isdir(candidate):
        return []  # a folder would be copied whole, links to elsewhere included
    return [Finding(shown, line, "file-outside",
                    f"Tệp '{name[:80]}' nằm ngoài thư mục content/: trang tin chỉ đăng tệp nằm "
                    "trong content/; hãy chép tệp vào cạnh index.md và viết tên tệp")]


def static_links_outside(settings: dict) -> list[Finding]:
    """Links (symlinks) among the site's static files (STATIC_PATHS) that point outside content/:
    Pelican would copy what they point at into the site."""
    content = Path(settings["PATH"])
    return [Finding(display_path(path, settings), None, "source-outside",
                    "Tệp là lối tắt (symlink) trỏ ra ngoài thư mục content/: trang tin chỉ đăng "
                    "tệp nằm trong content/; hãy chép tệp thật vào đây")
            for folder in settings["STATIC_PATHS"]
            for path in sorted((content / folder).rglob("*"))
            if path.is_symlink() and not inside(path, content)]


def check_body_photo(
    folder: Path, src: str, shown: str, line: int, settings: dict, photos: PhotoChecks
) -> list[Finding]:
    """A photo of the text, named as the Markdown side of plugins/photos reads it (%-decoded);
    a site-absolute path may name a file of the site's own images (STATIC_PATHS)."""
    if src.startswith("/") and not src.startswith("//"):
        if is_static_file(unquote(src), settings):
            return []
        return [Finding(shown, line, "photo-outside",
                        f"Ảnh '{src[:80]}' không nằm trong thư mục bài viết: hãy chép ảnh vào "
                        "cạnh index.md và chỉ viết tên tệp, ví dụ ![Toàn cảnh hội nghị](IMG_5760.jpg)")]
    if not is_local_photo(src):
        return []  # other addresses: check_markup
    return check_photo(folder, unquote(src), shown, line, settings, photos)


def is_static_file(path: str, settings: dict) -> bool:
    """True when a site path (`/images/logo.svg`) is a file of STATIC_PATHS inside content/."""
    relative = path.lstrip("/")
    candidate = photo_inside(Path(settings["PATH"]), relative)
    return (candidate is not None and safe_is_file(candidate)
            and relative.split("/", 1)[0] in settings["STATIC_PATHS"])


def is_source(path: Path, settings: dict) -> bool:
    """True when a link's target is an existing source inside content/ (where Pelican looks)."""
    return safe_is_file(path) and inside(path, Path(settings["PATH"]))


def safe_is_file(path: Path) -> bool:
    """Path.is_file that says False, never raises, for names no file can have (too long...)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def check_markup(text: str, shown: str, settings: dict) -> list[Finding]:
    """HTML and addresses in the article that publishing refuses (bantin.site_checks' own rules:
    inline script, style and handlers, javascript:/data: addresses, frames, forms, images from
    another site), and photos written as <img>, which the photo pipeline never sees."""
    site_host = urlsplit(settings.get("SITEURL") or "").netloc.lower()
    visible = outside_code(text)
    findings = []
    if "<" in visible:
        for element in BeautifulSoup(visible, "html.parser").find_all(True):
            refused = (inline_code(element) or unsafe_content(element, site_host, in_article=True)
                       or local_address(str(element.get("href") or element.get("src") or "")))
            if refused:
                findings.append(Finding(shown, element.sourceline, "unsafe-html",
                                        f"Bài viết có {refused}: trang tin không đăng thứ này vì "
                                        "không an toàn cho người đọc; hãy xóa đoạn HTML đó"))
            elif element.name == "img":
                findings += raw_photo(element, shown)
    seen = set()  # the targets read line by line
    for number, line in enumerate(visible.splitlines(), start=1):
        targets = [(match["href"], False) for match in LINK.finditer(line)]
        targets += [(match["src"], True) for match in IMAGE.finditer(line)]
        targets += [(match["href"], False) for match in REFERENCE_DEFINITION.finditer(line)]
        for target, is_image in targets:
            url = html.unescape(target.strip("<>"))
            seen.add(url)
            refused = refused_url(url, is_image, site_host) or local_address(url)
            if refused:
                findings.append(unsafe_link(shown, number, refused))
    return findings + rendered_links(visible, seen, shown, settings, site_host)


def unsafe_link(shown: str, line: int | None, refused: str) -> Finding:
    return Finding(shown, line, "unsafe-link",
                   f"Bài viết có {refused}: trang tin không đăng liên kết hoặc ảnh này; ảnh "
                   "phải chép vào thư mục bài viết, liên kết phải là http(s)://, mailto: hoặc "
                   "tới bài khác")


def rendered_links(visible: str, seen: set[str], shown: str, settings: dict,
                   site_host: str) -> list[Finding]:
    """Link and photo targets as Markdown itself reads them, where the line-by-line search
    cannot (a space before the target, the target on the next line, brackets in the text): the
    same refusals, so that no form of writing a link gets past `check` to the site. The text is
    rendered only when it holds such a form: most articles cost nothing more."""
    written = len(re.findall(r"\]\(", visible)) + sum(
        1 for line in visible.splitlines() if re.match(r" {0,3}\[[^\]]+\]:", line))
    read = sum(len(LINK.findall(line)) + len(IMAGE.findall(line)) + len(REFERENCE_DEFINITION.findall(line))
               for line in visible.splitlines())
    if written <= read:
        return []
    extensions = list(settings.get("MARKDOWN", {}).get("extension_configs", {}))
    page = BeautifulSoup(Markdown(extensions=extensions).convert(visible), "html.parser")
    findings = []
    for element in page.find_all(("a", "img")):
        url = str(element.get("href") or element.get("src") or "")
        refused = url not in seen and (refused_url(url, element.name == "img", site_host)
                                       or local_address(url))
        if refused:
            findings.append(unsafe_link(shown, line_holding(visible, url), refused))
    return findings


def line_holding(text: str, url: str) -> int | None:
    """The first line of `text` where `url` is written (spaces and case aside), if any."""
    wanted = "".join(url.split()).lower()[:40]
    for number, line in enumerate(text.splitlines(), start=1):
        if wanted and wanted in "".join(html.unescape(line).split()).lower():
            return number
    return None


def raw_photo(element, shown: str) -> list[Finding]:
    """An <img> written by hand: without alt, or a photo of the folder the pipeline won't publish."""
    src = str(element.get("src", ""))
    if not element.has_attr("alt"):
        return [Finding(shown, element.sourceline, "missing-alt",
                        f"Ảnh '{src[:80]}' viết bằng thẻ <img> chưa có mô tả (alt): hãy viết "
                        "![mô tả](tên-ảnh.jpg)")]
    if is_local_photo(src):
        return [Finding(shown, element.sourceline, "raw-photo",
                        f"Ảnh '{src[:80]}' viết bằng thẻ <img> sẽ không được đăng: hãy viết "
                        f"![mô tả]({src[:80]})")]
    return []


def outside_code(text: str) -> str:
    """The text with code (fenced and indented blocks, `code` spans, \\< escapes) blanked,
    line for line: what Markdown shows as code is text on the page, not HTML."""
    lines = text.splitlines()
    fenced = False
    previous_blank = True
    previous_code = False
    for number, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
            lines[number] = ""
            continue
        indented = line.startswith(("    ", "\t")) and (previous_blank or previous_code)
        if fenced or indented:
            lines[number] = ""
            previous_code, previous_blank = not fenced, False
            continue
        previous_code = False
        previous_blank = not line.strip()
        lines[number] = CODE_SPAN.sub(lambda match: " " * len(match.group()),
                                      line.replace("\\<", "  "))
    return "\n".join(lines)


def check_normalisation(text: str, shown: str) -> list[Finding]:
    """Text not in NFC (decomposed tone marks, often pasted from macOS or PDFs)."""
    if unicodedata.is_normalized("NFC", text):
        return []
    for number, line in enumerate(text.splitlines(), start=1):
        if not unicodedata.is_normalized("NFC", line):
            return [Finding(shown, number, "not-nfc",
                            "Chữ có dấu được gõ ở dạng tách rời (NFD): trang vẫn hiển thị đúng, "
                            "nhưng hãy chạy 'invoke check --fix' để sửa tệp", "warning")]
    return []


def check_legacy_encodings(text: str, shown: str) -> list[Finding]:
    """Lines pasted from old TCVN3/VNI documents, which show as "Héi nghÞ" instead of "Hội nghị"."""
    findings = []
    for number, line in enumerate(text.splitlines(), start=1):
        encoding = find_legacy_encoding(line)
        if encoding:
            sample = " ".join(line.split()[:6])
            findings.append(Finding(shown, number, "legacy-encoding",
                                    f"Chữ dán từ văn bản cũ mã {encoding} bị lỗi phông: "
                                    f"'{sample}' đúng ra là '{convert_legacy(sample, encoding)}'; "
                                    "chạy 'invoke check --fix' để chuyển"))
    return findings


def links_to_scheduled(sources: list[SourceFile], settings: dict,
                       today: datetime | None) -> list[Finding]:
    """A link to an article that waits for its date leads nowhere until then: the linking
    article must wait at least as long, or leave the link out."""
    if not settings.get("SCHEDULED_PUBLISHING"):
        return []
    moment = today or clock_now(settings)
    waiting = {}
    for source in sources:
        date = parse_date(source.value("date"))
        if date is not None and is_scheduled(date, moment):
            waiting[source.path.resolve()] = date
    findings = []
    for source in sources if waiting else ():
        own = waiting.get(source.path.resolve())
        text = source.path.read_text(encoding="utf-8-sig")
        for number, line in enumerate(text.splitlines(), start=1):
            for link in LINK.finditer(line):
                href = link["href"].strip("<>")
                target = href.split("#", 1)[0]
                date = waiting.get((source.path.parent / target).resolve()) if is_source_link(href) else None
                if date is not None and (own is None or own < date):
                    when = format_date(date, "vi", settings["LONG_DATE_PATTERNS"]["vi"])
                    findings.append(Finding(
                        display_path(source.path, settings), number, "link-to-scheduled",
                        f"Liên kết tới '{target}', bài hẹn giờ đăng lúc {date:%H:%M}, {when}: "
                        "trước giờ đó liên kết không dẫn tới đâu; bỏ liên kết, hoặc hẹn giờ bài "
                        "này không sớm hơn"))
    return findings


def check_slug(source: SourceFile, shown: str) -> list[Finding]:
    """A Slug is the last part of the address: what the slug rule itself would make of it."""
    line, value = source.metadata["slug"]
    if slugify(value) == value:
        return []
    return [Finding(shown, line, "bad-slug",
                    f"Slug '{value}' chỉ được gồm chữ thường không dấu, số và gạch ngang: "
                    f"viết 'Slug: {slugify(value) or 'dia-chi-bai'}'")]


def check_aliases(source: SourceFile, shown: str) -> list[Finding]:
    """Each of `Aliases:` must be a path of this site (the old portal's address, an address the
    article had before)."""
    line, value = source.metadata["aliases"]
    findings = []
    for alias in parse_aliases(value):
        problem = alias_problem(alias)
        if problem:
            findings.append(Finding(shown, line, "bad-alias",
                                    f"Địa chỉ cũ '{alias}' {problem}; ví dụ đúng: "
                                    "'Aliases: /Pages/hoi-nghi.aspx, /tin/2021/ten-cu/'"))
    return findings


def source_language(source: SourceFile, settings: dict) -> str:
    return language_of(source.path, source.value("lang"), settings)


def own_address(source: SourceFile, settings: dict) -> str | None:
    """The site path a source publishes at (its edition's ARTICLE_URL or PAGE_URL), or None
    when its date or title cannot say."""
    lang = source_language(source, settings)
    slug = source.value("slug") or slugify(source.value("title"))
    if not slug or lang not in settings["EDITIONS"]:
        return None
    key = "ARTICLE_URL" if source.kind == "article" else "PAGE_URL"
    pattern = settings["EDITION_SETTINGS"].get(lang, {}).get(key, settings[key])
    date = parse_date(source.value("date"))
    if date is None and "{date" in pattern:
        return None
    try:
        url = pattern.format(slug=slug, lang=lang, date=date)
    except (KeyError, IndexError, ValueError, AttributeError):
        return None
    folder = edition_folder(settings, lang)
    return site_path((f"{folder}/" if folder else "") + url)


# The parts of a large sitemap, as plugins/sitemap/write.py names them.
SITEMAP_PART = re.compile(r"/sitemap-\d+\.xml")


def site_pages(sources: list[SourceFile], settings: dict) -> dict[str, str]:
    """Addresses of the site's own pages that no source names (homes, lists, fields, tags,
    feeds, files), so that no alias takes one: site path -> what it is, in Vietnamese."""
    pages = {"/sitemap.xml": "sơ đồ trang", "/robots.txt": "tệp robots.txt",
             "/404.html": "trang lỗi 404", "/_headers": "tệp _headers",
             "/_redirects": "tệp _redirects", "/_redirects.nginx": "tệp _redirects.nginx"}
    tags = {}
    for source in sources:
        for tag in source.value("tags").split(","):
            if slugify(tag):
                tags.setdefault(source_language(source, settings), set()).add(slugify(tag))
    for lang in settings["EDITIONS"]:
        urls = {**settings, **settings["EDITION_SETTINGS"].get(lang, {})}
        folder = edition_folder(settings, lang)
        prefix = f"{folder}/" if folder else ""
        pages[site_path(prefix)] = "trang chủ"
        for key in ("CATEGORIES_URL", "TAGS_URL", "ARCHIVES_URL", "SEARCH_URL"):
            pages[site_path(prefix + urls[key])] = "trang danh sách"
        for entry in settings["FIELDS"]:
            slug = slugify(entry.get(lang, entry[settings["EDITIONS"][0]]))
            pages[site_path(prefix + urls["CATEGORY_URL"].format(slug=slug))] = "trang lĩnh vực"
        for slug in tags.get(lang, ()):
            pages[site_path(prefix + urls["TAG_URL"].format(slug=slug))] = "trang thẻ"
    return pages


def reserved_folders(settings: dict) -> list[str]:
    """Folders the build fills by itself (theme files, photos, feeds, archives, search index)."""
    folders = [settings["THEME_STATIC_DIR"], *settings["STATIC_PATHS"], SEARCH_INDEX_FOLDER,
               str(Path(settings["FEED_ATOM"]).parent)]
    folders += [settings["ARCHIVES_URL"]]
    for lang in settings["EDITIONS"][1:]:
        folders += [f"{edition_folder(settings, lang)}/{folder}" for folder in
                    (settings["EDITION_SETTINGS"].get(lang, {}).get("ARCHIVES_URL", ""), "feeds")
                    if folder]
    return [site_path(folder.strip("/") + "/") for folder in folders if folder.strip("/")]


def duplicate_slugs(sources: list[SourceFile], settings: dict) -> list[Finding]:
    """Every address is claimed once: two files that would publish at the same address, an
    alias claimed twice or naming a page of the site. Each finding names both files."""
    claimed: dict[str, SourceFile] = {}
    findings = []
    for source in sources:
        address = own_address(source, settings)
        if address is None:
            continue
        if address in claimed:
            first = display_path(claimed[address].path, settings)
            line = source.metadata.get("slug", source.metadata.get("title", (1, "")))[0]
            slug = address.rstrip("/").rsplit("/", 1)[-1]
            findings.append(Finding(display_path(source.path, settings), line, "duplicate-slug",
                                    f"Địa chỉ '{slug}' trùng với bài {first}: "
                                    "hãy đổi tiêu đề hoặc thêm dòng 'Slug:' khác"))
        else:
            claimed[address] = source
    pages = site_pages(sources, settings)
    reserved = reserved_folders(settings)
    for source in sources:
        if "aliases" not in source.metadata:
            continue
        line, value = source.metadata["aliases"]
        shown = display_path(source.path, settings)
        for alias in parse_aliases(value):
            if alias_problem(alias):
                continue  # said by check_aliases
            address = site_path(alias)
            owner = claimed.get(address)
            if owner is source:
                problem = "là địa chỉ hiện tại của chính bài này: bỏ nó khỏi 'Aliases:'"
            elif owner is not None:
                problem = (f"đã là địa chỉ của {display_path(owner.path, settings)}: mỗi địa chỉ "
                           "chỉ dẫn tới một bài, hãy bỏ nó ở một trong hai tệp")
            elif address in pages or SITEMAP_PART.fullmatch(address):
                what = pages.get(address, "sơ đồ trang")
                problem = f"là địa chỉ của {what} của trang web: hãy bỏ nó"
            elif any(address.startswith(folder) for folder in reserved):
                problem = "nằm trong thư mục trang web tự tạo: hãy bỏ nó"
            else:
                claimed[address] = source
                continue
            findings.append(Finding(shown, line, "duplicate-address", f"Địa chỉ cũ '{alias}' {problem}"))
    return findings


def duplicate_languages(sources: list[SourceFile], settings: dict) -> list[Finding]:
    """Two versions of one article (one folder) or page (one name) in the same language: the
    site could show only one of them."""
    seen: dict[tuple, SourceFile] = {}
    findings = []
    for source in sources:
        lang = source_language(source, settings)
        key = (*translation_key(source.path, source.kind, settings), lang)
        if key in seen:
            first = display_path(seen[key].path, settings)
            line = source.metadata.get("lang", (1, ""))[0]
            findings.append(Finding(display_path(source.path, settings), line, "duplicate-lang",
                                    f"Tệp này và {first} cùng là bản '{lang}' của một bài: mỗi "
                                    "ngôn ngữ một tệp, ví dụ index.md (tiếng Việt) và index.en.md "
                                    "(tiếng Anh, 'Lang: en')"))
        else:
            seen[key] = source
    return findings


def fix_text(settings: dict) -> list[Path]:
    """Rewrite sources as NFC, with lines pasted in TCVN3/VNI converted. Returns the files changed."""
    changed = []
    for path, _ in source_files(settings):
        if not safe_is_file(path) or path.is_symlink():
            continue  # folders and links: reported by the lint
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # reported by the lint; not something --fix can guess
        fixed = "".join(_fix_line(line) for line in nfc(text).splitlines(keepends=True))
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
            changed.append(path)
    return changed


def _fix_line(line: str) -> str:
    encoding = find_legacy_encoding(line)
    return convert_legacy(line, encoding) if encoding else line
