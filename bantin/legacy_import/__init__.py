"""Import of the old SharePoint portal's archive into article folders (`invoke import-legacy`).

Each source is a saved publishing page (.html, .htm, .aspx) or a plain-text copy of one (.txt);
a folder is searched for both. Every page becomes `<into>/<year>/<slug>/index.md` in the
authoring format with its photos beside it, filed under the site field that LEGACY_FIELD_MAP (in
pelicanconf.py) gives for the portal's field. The report lists, per page, what was imported and
what an editor must review; problems are Findings.

Saved pages are untrusted input: what they say is written as text (markdown.py), files are read
only inside each page's folder (paths.py), and a page that cannot be read or written is one
finding naming its file while the batch goes on with the others.
"""

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from core.errors import Finding
from core.source import vietnamese_fields
from bantin.legacy_import.page import LegacyPage
from bantin.legacy_import.paths import inside
from bantin.legacy_import.plain_text import read_text_page
from bantin.legacy_import.sharepoint import read_html_page
from bantin.legacy_import.writer import Manifest, Outcome, write_article
from core.vietnamese import nfc, slugify

READERS = {
    ".html": read_html_page,
    ".htm": read_html_page,
    ".aspx": read_html_page,
    ".txt": read_text_page,
}
# Slugs from long Vietnamese titles are cut at a word, to keep URLs readable.
SLUG_MAX_LENGTH = 80

STATUS_WORDS = {
    "new": "bài mới",
    "updated": "cập nhật",
    "unchanged": "không đổi",
    "kept": "giữ bản đã sửa",
    "replaced": "ghi đè (--force)",
    "error": "không nhập",
}


def collect_sources(sources: Iterable[Path]) -> tuple[list[Path], list[Finding]]:
    """The page files named, folders searched for pages; a missing path is a finding."""
    files, findings = [], []
    for source in sources:
        try:
            is_dir, is_file = source.is_dir(), source.is_file()
        except OSError as error:  # a name over 255 bytes
            findings.append(
                Finding(source, None, "legacy-unreadable", f"Không đọc được: {error.strerror}.")
            )
            continue
        if is_dir:
            for path in sorted(source.rglob("*")):
                if path.suffix.lower() not in READERS or any(
                    part.endswith("_files") for part in path.relative_to(source).parts
                ):
                    continue
                if inside(source, path) is None:
                    findings.append(
                        Finding(
                            path,
                            None,
                            "legacy-outside-path",
                            "Tệp này là liên kết tới nơi ngoài thư mục đang nhập; đã bỏ qua, "
                            "không đọc.",
                        )
                    )
                elif path.is_file():
                    files.append(path)
                elif not path.is_dir():  # a broken link, a pipe: nothing to read, or never ending
                    findings.append(
                        Finding(
                            path,
                            None,
                            "legacy-unreadable",
                            "Không phải tệp thường (liên kết hỏng, ống dẫn...); không đọc được.",
                        )
                    )
        elif is_file and source.suffix.lower() in READERS:
            files.append(source)
        elif source.exists():
            findings.append(
                Finding(
                    source,
                    None,
                    "legacy-unknown-type",
                    "Không phải trang đã lưu (.html, .htm, .aspx) hay bản chữ (.txt).",
                )
            )
        else:
            findings.append(
                Finding(source, None, "legacy-missing-source", "Không có tệp hay thư mục này.")
            )
    return files, findings


def field_table(settings: Mapping) -> dict[str, str]:
    """LEGACY_FIELD_MAP keyed by slug, so "Đoàn Thanh niên" and "đoàn thanh niên" are one."""
    fields = set(vietnamese_fields(settings))
    table = {}
    for portal_name, site_name in settings.get("LEGACY_FIELD_MAP", {}).items():
        if site_name not in fields:
            raise ValueError(
                f"LEGACY_FIELD_MAP: «{site_name}» (cho «{portal_name}») không có trong FIELDS"
            )
        table[slugify(portal_name)] = site_name
    return table


def article_slug(title: str) -> str:
    """The title's slug; for a long title, its first clause's, else the slug cut at a word."""
    slug = slugify(title)
    if len(slug) <= SLUG_MAX_LENGTH:
        return slug
    clause = slugify(re.split(r"[,;:–—]", title, maxsplit=1)[0])
    if clause.count("-") >= 3 and len(clause) <= SLUG_MAX_LENGTH:
        return clause
    return slug[: SLUG_MAX_LENGTH + 1].rsplit("-", 1)[0]


def read_page(path: Path) -> LegacyPage:
    """One page read, never raising: an unreadable file is a finding of its own."""
    try:
        return READERS[path.suffix.lower()](path)
    except OSError as error:
        page = LegacyPage(source=path)
        page.finding(None, "legacy-unreadable", f"Không đọc được tệp: {error.strerror}.", "error")
        return page
    except RecursionError:  # the reader walks the page's elements depth first
        page = LegacyPage(source=path)
        page.finding(
            None,
            "legacy-too-deep",
            "Trang có quá nhiều thẻ lồng nhau (hàng trăm tầng) nên không đọc được; hãy chép "
            "nội dung bài ra bản chữ (.txt) rồi nhập bản đó.",
            "error",
        )
        return page


def import_page(
    path: Path, into: Path, fields: dict[str, str], manifest: Manifest, force: bool
) -> Outcome:
    page = read_page(path)
    if not any(finding.is_error for finding in page.findings):
        if page.date is None:
            page.finding(
                None,
                "legacy-no-date",
                "Không tìm thấy ngày đăng trong trang (ví dụ «Chiều ngày 15/7/2021»).",
                "error",
            )
        if page.field_name is None:
            page.finding(
                None,
                "legacy-no-field",
                "Trang không ghi lĩnh vực (dòng «Tin theo lĩnh vực ...»).",
                "error",
            )
        elif slugify(page.field_name) not in fields:
            page.finding(
                None,
                "legacy-unknown-field",
                f"Lĩnh vực «{page.field_name}» của cổng cũ chưa có trong LEGACY_FIELD_MAP "
                "(pelicanconf.py); thêm vào rồi nhập lại.",
                "error",
            )
    if any(finding.is_error for finding in page.findings):
        return Outcome(path, findings=page.findings)
    try:
        slug = article_slug(page.title) or f"bai-viet-{page.date:%Y%m%d-%H%M}"
        return write_article(
            page, into, slug, fields[slugify(page.field_name)], manifest, force
        )
    except OSError as error:  # disk full, no permission: this page only
        where = error.filename or into
        page.finding(
            None, "legacy-write-failed", f"Không ghi được {where}: {error.strerror}.", "error"
        )
        return Outcome(path, findings=page.findings)


def import_pages(
    sources: Iterable[Path], into: Path, settings: Mapping, force: bool = False
) -> tuple[list[Outcome], list[Finding]]:
    """Import every page; returns each page's outcome and the findings about the sources."""
    fields = field_table(settings)
    files, findings = collect_sources(sources)
    manifest = Manifest(into)
    if manifest.damaged:
        findings.append(manifest.damaged)
    return [import_page(path, into, fields, manifest, force) for path in files], findings


def format_report(outcomes: list[Outcome], findings: list[Finding]) -> str:
    """The report for the editor: per page, what became of it and what to review."""
    lines = [str(finding) for finding in findings]
    for outcome in outcomes:
        status = STATUS_WORDS[outcome.status]
        target = f" → {outcome.article}" if outcome.article and outcome.status != "error" else ""
        photos = ""
        if outcome.photos:
            photos = f"; {outcome.photos} ảnh"
            if outcome.placeholders:
                photos += f" ({outcome.placeholders} ảnh thay thế)"
        lines.append(nfc(f"{outcome.source}{target}: {status}{photos}"))
        lines += [f"  {finding}" for finding in outcome.findings]
    counts = {status: sum(o.status == status for o in outcomes) for status in STATUS_WORDS}
    summary = ", ".join(
        f"{count} {STATUS_WORDS[status]}" for status, count in counts.items() if count
    )
    lines.append(f"{len(outcomes)} trang: {summary}" if outcomes else "Không có trang nào để nhập.")
    return "\n".join(lines)


def has_errors(outcomes: list[Outcome], findings: list[Finding]) -> bool:
    return any(f.is_error for f in findings) or any(o.status == "error" for o in outcomes)
