"""The preview session: the built site stays in memory between edits, so that saving an article
re-renders its page instead of rebuilding the site.

`invoke livereload` keeps one session. Its first build is the ordinary one (bantin/build.py),
and the session keeps what Pelican made of each edition: its generators, with every article,
page, list and template. On each `update()` it compares the project's files with what that build
read:
- when only the text of existing articles or pages changed, or photos beside them, and what
  other pages show of them (their listing, plugins/incremental: address, title, dates, summary,
  field, card photo...) is the same, each is read again and its objects take the new text; only
  the pages and feeds showing that text are rendered, into a folder of their own, then moved
  into output/ file by file, and the search index is rebuilt if a page changed;
- anything else (a file added, removed or renamed, a changed title or date, an article with an
  error, the theme, the settings, the code) takes an ordinary build, which reuses unchanged pages.
Nothing of output/ is touched before every changed page has been rendered: a failure on the way
leaves the site as it was and hands the update to an ordinary build. Updates and the search index
(rebuilt in the background by `invoke livereload`) hold output/'s lock (bantin/swap.py), as builds
do: a build or publish started meanwhile waits rather than swapping output/ under them.

The session also shows, in the browser, what the last build found (`respond()`, served by
`preview_handler()`): the address of an article left out for an error shows that error (file,
line, the line as written, what to write; when its date or title cannot be read, at the address
it had in an earlier build of the session), `/_loi/` lists every finding, and every page carries a
notice linking there while there are findings. None of it is ever written into output/.
"""

import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pelican import signals

from bantin.build import BuildResult, build, finish, load_settings, staging_path
from core.errors import BuildFailed, Finding
from core.fingerprint import CODE_FOLDERS, code_files
from core.pelican_internals import edition_contents, forget_rendered_text
from bantin.lint import display_path
from bantin.report import LeftOut, describe_source, left_out_sources
from plugins.search.index import index_search
from bantin.swap import site_lock
from plugins.assets import asset_url
from bantin.text_edits import move_into, render_text, sources_to_read

logger = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parent.parent


@dataclass
class Update:
    """What an update did: `kind` is "none", "pages" (only the pages showing changed text) or
    "build" (an ordinary build); `pages_seconds` is when the pages were in place, `seconds` when
    everything was (the search index included, unless it is being rebuilt in the background)."""

    kind: str
    findings: list[Finding] = field(default_factory=list)
    failed: bool = False  # the build stopped (output/ was left as it was)
    written: list[str] = field(default_factory=list)
    pages_seconds: float = 0.0
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)  # sources left out for an error (build)
    summary: list[str] = field(default_factory=list)  # one line per edition (build)


class PreviewSession:
    def __init__(self, settings_file: str | Path, overrides: dict | None = None):
        self.settings_file = Path(settings_file)
        self.overrides = overrides or {}
        self.settings = load_settings(self.settings_file, self.overrides)
        self.output = Path(self.settings["OUTPUT_PATH"]).resolve()
        self.editions: list[list] = []  # each edition's generators, from the last ordinary build
        self.files: dict[str, tuple] = {}  # what the last build read: path -> (size, mtime, inode)
        self.sources: dict[str, list[tuple]] = {}  # source path -> [(generator, content)]
        self._search: threading.Thread | None = None
        self._search_findings: list[Finding] = []
        self.findings: list[Finding] = []  # what the last build found, kept up to date by updates
        self.left_out: list[LeftOut] = []
        self.addresses: dict[str, str] = {}  # source (as editors know it) -> its last address
        self.built: BuildResult | None = None  # the last ordinary build, its record included

    # --- Ordinary builds ---------------------------------------------------------------------
    def build(self) -> Update:
        """An ordinary build, keeping each edition's generators for the updates after it."""
        started = time.perf_counter()
        earlier = self.wait_for_search()
        self.editions, self.sources = [], {}
        self.files = self.snapshot()
        forget_rendered_text()  # Pelican's memo of every page's text would grow with each build
        keep = self.editions.append
        signals.all_generators_finalized.connect(keep, weak=False)
        try:
            result = build(self.settings_file, strict=False, overrides=self.overrides)
        except BuildFailed as failure:
            self.editions, self.built = [], None
            self.remember(earlier + failure.findings)
            return Update("build", earlier + failure.findings, failed=True,
                          seconds=time.perf_counter() - started)
        finally:
            signals.all_generators_finalized.disconnect(keep)
        self.built = result
        for generators in self.editions:
            for generator in generators:
                for content in edition_contents(generator):
                    self.sources.setdefault(content.source_path, []).append((generator, content))
                    if content.lang == generator.settings["DEFAULT_LANG"]:
                        shown = display_path(Path(content.source_path), self.settings)
                        folder = generator.settings["SITEURL"].removeprefix(
                            self.settings["SITEURL"])  # "" or "/en"
                        self.addresses[shown] = f"{folder}/{content.url}"
        self.remember(earlier + result.findings)
        seconds = time.perf_counter() - started
        return Update("build", earlier + result.findings, pages_seconds=seconds, seconds=seconds,
                      skipped=result.skipped, summary=result.summary)

    def remember(self, findings: list[Finding], replacing: set[str] | None = None) -> None:
        """Keep `findings` as what the preview shows: all of them after a build, or in place of
        those of the sources `replacing` (paths as editors know them) after an update."""
        if replacing is not None:
            findings = [finding for finding in self.findings
                        if str(finding.path) not in replacing] + findings
        self.findings = findings
        self.left_out = [  # an address the build cannot work out is the one it had last
            source if source.address else replace(source, address=self.addresses.get(source.shown))
            for source in left_out_sources(findings, self.settings)]

    # --- Updates -----------------------------------------------------------------------------
    def update(self, background_search: bool = False) -> Update:
        """Bring output/ up to date with the project's files: the pages showing changed text
        only when that is all that changed, an ordinary build otherwise."""
        started = time.perf_counter()
        earlier = self.wait_for_search()
        now = self.snapshot()
        changed = {path for path in now.keys() | self.files.keys()
                   if now.get(path) != self.files.get(path)}
        if not changed:
            return Update("none", earlier)
        sources = self.changed_sources(changed) if self.editions else None
        if sources is None:
            return self._build_after(earlier)
        self.files = now
        try:
            with site_lock(self.output):  # a build or publish of the same folder waits meanwhile
                update = self.render(sources)
        except Exception as error:  # whatever went wrong, an ordinary build says it properly
            logger.debug("preview update handed to an ordinary build: %r", error)
            update = None
        if update is None:
            return self._build_after(earlier)
        self.remember(earlier + update.findings,
                      {display_path(Path(source), self.settings) for source in sources})
        update.findings[:0] = earlier
        update.pages_seconds = time.perf_counter() - started
        if any(path.endswith(".html") for path in update.written):
            if background_search:
                self._search = threading.Thread(target=self._index_search, daemon=True)
                self._search.start()
            else:
                with site_lock(self.output):
                    update.findings += index_search(self.output, self.settings)
        update.seconds = time.perf_counter() - started
        return update

    def _build_after(self, earlier: list[Finding]) -> Update:
        update = self.build()
        update.findings[:0] = earlier
        return update

    def wait_for_search(self) -> list[Finding]:
        """Wait for a search index being rebuilt in the background; its findings."""
        if self._search is not None:
            self._search.join()
            self._search = None
        findings, self._search_findings = self._search_findings, []
        return findings

    def _index_search(self) -> None:
        """Index output/ holding its lock, as a build would: a build or publish of the same
        folder started meanwhile waits, rather than swapping output/ under the indexer."""
        try:
            with site_lock(self.output):
                self._search_findings = index_search(self.output, self.settings)
        except BuildFailed as failure:  # output/'s folder cannot be locked: said, not raised
            self._search_findings = failure.findings

    def snapshot(self) -> dict[str, tuple]:
        """Size, modification time and inode of every file the build depends on."""
        roots = [Path(self.settings["PATH"]), Path(self.settings["THEME"]), *CODE_FOLDERS]
        files = {}
        for settings_file in {self.settings_file.resolve(), PROJECT / "pelicanconf.py"}:
            files[str(settings_file)] = stamp(settings_file)
        for root in roots:
            for path in walk_files(root):
                files[path] = stamp(path)
        return files

    def changed_sources(self, changed: set[str]) -> set[str] | None:
        """The Markdown sources to read again for `changed` files, or None when the change is
        more than text and photos of known sources (an ordinary build is needed)."""
        return sources_to_read(changed, self.sources, lambda path: path in self.files)

    def render(self, sources: set[str]) -> Update | None:
        """Read `sources` again and render the pages and feeds that show their text into the
        staging folder, then move them into output/. None when an ordinary build is needed."""
        staging = staging_path(self.output)
        findings = render_text(sources, self.sources, self.editions, self.settings, staging)
        if findings is None:
            return None
        written = move_into(staging, self.output)
        finish(self.built, self.settings)  # the build's record holds these pages too
        return Update("pages", findings, written=written)

    # --- What the browser is shown ----------------------------------------------------------
    def respond(self, path: str) -> tuple[int, str, bytes] | None:
        """The preview's answer for the site path `path` ("tin/2021/slug/"), as (status, content
        type, body), or None when output/'s own file is to be served as it is: the list of
        findings at /_loi/, the error page at a left-out source's address, output/'s pages with
        a notice while there are findings, and the site's 404 page for the rest."""
        url = "/" + path.lstrip("/")
        if url in (FINDINGS_URL, FINDINGS_URL.rstrip("/"), FINDINGS_URL + "index.html"):
            return 200, HTML, self.render_page("list.html", groups=self.finding_groups())
        if url == PREVIEW_CSS_URL:
            return 200, "text/css; charset=utf-8", (TEMPLATES / "preview.css").read_bytes()
        target = self.output / url.lstrip("/")
        if url.endswith("/"):
            target = target / "index.html"
        if not target.resolve().is_relative_to(self.output):
            return None  # the static handler refuses it
        if target.is_file():
            if target.suffix != ".html" or not self.findings:
                return None
            return 200, HTML, self.with_notice(target.read_text(encoding="utf-8"))
        if target.is_dir():
            return None  # the static handler adds the slash
        address = url.removesuffix("index.html")
        sources = [source for source in self.left_out if source.address == address]
        if sources:
            return 200, HTML, self.render_page("article.html", address=address, sources=sources,
                                               items=self.described(self.findings_of(sources)))
        not_found = self.output / "404.html"
        if not not_found.is_file():
            return None
        return 404, HTML, self.with_notice(not_found.read_text(encoding="utf-8"))

    def findings_of(self, sources: list[LeftOut]) -> list[Finding]:
        """The findings that leave `sources` out: an article's are those of its folder."""
        folders = {str(Path(source.shown).parent) for source in sources if source.kind == "article"}
        files = {source.shown for source in sources}
        return [finding for finding in self.findings
                if str(finding.path) in files or str(Path(finding.path).parent) in folders]

    def finding_groups(self) -> list[tuple[str, list[dict]]]:
        """The findings by severity, errors first, each described for the list page."""
        groups = []
        for severity, title in SEVERITIES.items():
            found = [finding for finding in self.findings if finding.severity == severity]
            if found:
                groups.append((title, self.described(found)))
        return groups

    def described(self, findings: list[Finding]) -> list[dict]:
        """Each finding with its label, where it is, the address of its article or page (when
        known) and the line as the editor wrote it."""
        root = Path(self.settings["PATH"]).parent
        addresses = {**self.addresses, **{source.shown: source.address for source in self.left_out}}
        items = []
        for finding in findings:
            where = f"{finding.path}:{finding.line}" if finding.line else str(finding.path)
            source = root / finding.path
            if str(finding.path) not in addresses and source.is_file():
                about = describe_source(source, self.settings)
                addresses[str(finding.path)] = about.address if about else None
            address = addresses.get(str(finding.path))
            items.append({"finding": finding, "where": where,
                          "label": SEVERITIES.get(finding.severity, "Lưu ý"),
                          "address": address if address and self.shows(address) else None,
                          "text": source_line(source, finding.line)})
        return items

    def shows(self, address: str) -> bool:
        """Whether the preview shows something at `address`: a page, or an error page (an
        article waiting for its date, say, has an address but no page yet)."""
        page = self.output / address.lstrip("/")
        return (page / "index.html").is_file() or page.is_file() or any(
            source.address == address for source in self.left_out)

    def render_page(self, template: str, **context) -> bytes:
        site = self.settings["SITEURL"]
        page = PREVIEW_TEMPLATES.get_template(template).render(
            csp=self.settings["CONTENT_SECURITY_POLICY"], sitename=self.settings["SITENAME"],
            site_css=asset_url(self.settings, 'css/site.css'),
            preview_css=site + PREVIEW_CSS_URL, home=f"{site}/", list_url=site + FINDINGS_URL,
            left_out=self.left_out, **context)
        return page.encode("utf-8")

    def with_notice(self, page: str) -> bytes:
        """A page of output/ with the preview's notice, when there are findings: after the skip
        links (they stay the first thing a keyboard reaches), before the page's header."""
        if not self.findings:
            return page.encode("utf-8")
        counts = ", ".join(f"{count} {name.lower()}" for severity, name in SEVERITIES.items()
                           if (count := sum(f.severity == severity for f in self.findings)))
        notice = PREVIEW_TEMPLATES.get_template("notice.html").render(
            counts=counts, left_out=len({  # articles, whatever their languages
                str(Path(source.shown).parent) if source.kind == "article" else source.shown
                for source in self.left_out}),
            list_url=self.settings["SITEURL"] + FINDINGS_URL)
        style = f'<link rel="stylesheet" href="{self.settings["SITEURL"]}{PREVIEW_CSS_URL}">'
        page = page.replace("</head>", style + "</head>", 1)
        if NOTICE_PLACE.search(page):
            page = NOTICE_PLACE.sub(lambda place: notice + place[0], page, count=1)
        else:
            page = BODY_START.sub(lambda start: start[0] + notice, page, count=1)
        return page.encode("utf-8")


# --- The preview's own pages -----------------------------------------------------------------
TEMPLATES = Path(__file__).resolve().parent / "preview_templates"
PREVIEW_TEMPLATES = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(
    default=True), trim_blocks=True, lstrip_blocks=True)
FINDINGS_URL = "/_loi/"  # never published: only the preview answers there
PREVIEW_CSS_URL = FINDINGS_URL + "xem-truoc.css"
HTML = "text/html; charset=utf-8"
SEVERITIES = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Thông tin"}
BODY_START = re.compile(r"<body[^>]*>")
NOTICE_PLACE = re.compile(r"<header\b")


def source_line(source: Path, line: int | None) -> str | None:
    """Line `line` of a source file as written, or None."""
    if not line or not source.is_file():
        return None
    lines = source.read_bytes().decode("utf-8", errors="replace").splitlines()
    return lines[line - 1] if line <= len(lines) else None


def preview_handler(session: PreviewSession):
    """livereload's static file handler answering with `session.respond()` first. livereload
    puts its reload script in every HTML answer, these included, so an error page reloads
    into the article once the file is fixed."""
    from livereload.handlers import StaticFileHandler

    class PreviewHandler(StaticFileHandler):
        async def get(self, path: str, include_body: bool = True) -> None:
            answer = session.respond(path)
            if answer is None:
                return await super().get(path, include_body)
            status, content_type, body = answer
            self.set_status(status)
            self.set_header("Content-Type", content_type)
            self.set_header("Cache-Control", "no-store")
            if include_body:
                self.write(body)

        def compute_etag(self) -> str | None:
            """No ETag for the session's own answers (they are not files)."""
            return super().compute_etag() if getattr(self, "absolute_path", None) else None

    return PreviewHandler


# --- Helpers ---------------------------------------------------------------------------------
def walk_files(root: Path):
    """Every file under `root` (or `root` itself), but in folders that hold no code or content
    (bytecode, the desk's npm packages)."""
    if root.is_file():
        yield str(root)
        return
    for path in code_files(root):
        yield str(path)


def stamp(path) -> tuple | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)
