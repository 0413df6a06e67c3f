"""What a build tells the person at the terminal: one Vietnamese line per edition ("Bản tiếng
Việt: 12 bài, 2 trang, 1 bỏ qua") in place of Pelican's English "Done: Processed ..." lines, and
the sources a preview build leaves out because of an error, each with what it would publish as
(its language, its address), so that the preview can show the error at that address.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pelican
from babel import Locale
from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.utils import get_date

from core.errors import Finding
from bantin.lint import SourceFile, decode, display_path, read_metadata
from core.vietnamese import slugify
from core.editions import language_of
from plugins.editions import edition_urls
from core.source import SOURCE_SUFFIXES


@dataclass(frozen=True)
class LeftOut:
    """A source a preview build leaves out: `shown` is its path as editors know it."""

    shown: str
    kind: str  # "article" or "page"
    lang: str
    address: str | None  # its site path ("/tin/2021/slug/", "/en/news/..."), None when unknown


def source_kind(source: Path, settings: dict) -> str | None:
    """"article" or "page" for a Markdown source under the content folder, else None."""
    content = Path(settings["PATH"])
    for kind, key in (("article", "ARTICLE_PATHS"), ("page", "PAGE_PATHS")):
        if any(content / folder in source.parents for folder in settings[key]):
            return kind
    return None


def describe_source(source: Path, settings: dict) -> LeftOut | None:
    """The language and address of a content source, read from its metadata as the build
    would: `Slug:` or the title's slug, the date's year, the edition's URL pattern. The address
    is None when the slug or the date cannot be read."""
    kind = source_kind(source, settings)
    if kind is None or source.suffix not in SOURCE_SUFFIXES:
        return None
    shown = display_path(source, settings)
    metadata = SourceFile(source, kind)
    try:
        text, problem = decode(source.read_bytes(), shown)
    except OSError:
        text, problem = "", True
    if not problem:
        read_metadata(text, metadata, shown)
    lang = language_of(source, metadata.value("lang"), settings)
    slug = metadata.value("slug") or slugify(metadata.value("title"))
    urls = edition_urls(settings).get(lang)
    address = None
    if slug and urls:
        try:
            date = get_date(metadata.value("date")) if kind == "article" else None
            pattern = urls["ARTICLE_URL" if kind == "article" else "PAGE_URL"]
            folder = urls["SITEURL"].removeprefix(settings["SITEURL"])  # "" or "/en"
            address = f"{folder}/{pattern.format(slug=slug, date=date, lang=lang)}"
        except (ValueError, KeyError, AttributeError, IndexError, TypeError):
            address = None
    return LeftOut(shown, kind, lang, address)


def left_out_sources(findings: list[Finding], settings: dict) -> list[LeftOut]:
    """Every source a preview build leaves out (bantin.build.excluded_sources): the files with
    an error, and the other language versions in an article folder with an error."""
    root = Path(settings["PATH"]).parent
    sources = set()
    for finding in findings:
        source = root / finding.path
        if not finding.is_error or source_kind(source, settings) is None:
            continue
        if source_kind(source, settings) == "article" and source.parent.is_dir():
            sources.update(path for path in source.parent.iterdir()
                           if path.suffix in SOURCE_SUFFIXES)
        elif source.is_file():
            sources.add(source)
    described = (describe_source(source, settings) for source in sorted(sources))
    return [source for source in described if source is not None]


@contextmanager
def counting_editions(counts: dict[str, tuple[int, int]]):
    """While Pelican runs: record in `counts` each edition's published articles and pages, and
    keep Pelican's own English summary off the terminal."""

    def count(generators) -> None:
        articles = sum(len(g.articles) for g in generators if isinstance(g, ArticlesGenerator))
        pages = sum(len(g.pages) for g in generators if isinstance(g, PagesGenerator))
        counts[generators[0].settings["DEFAULT_LANG"]] = (articles, pages)

    signals.all_generators_finalized.connect(count, weak=False)
    quiet, pelican.console.quiet = pelican.console.quiet, True
    try:
        yield counts
    finally:
        pelican.console.quiet = quiet
        signals.all_generators_finalized.disconnect(count)


def summary_lines(counts: dict[str, tuple[int, int]], left_out: list[LeftOut]) -> list[str]:
    """'Bản tiếng Việt: 12 bài, 2 trang, 1 bỏ qua', one line per edition built."""
    lines = []
    for lang, (articles, pages) in counts.items():
        name = Locale.parse(lang).get_display_name("vi")
        skipped = sum(1 for source in left_out if source.lang == lang)
        line = f"Bản {name[:1].lower()}{name[1:]}: {articles} bài, {pages} trang"
        lines.append(line + (f", {skipped} bỏ qua" if skipped else ""))
    return lines
