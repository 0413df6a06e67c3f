"""An edit of text alone, brought to the site without a build: the sources are read again on the
model Pelican made of each edition in the last build, and only the pages and feeds that show
their text are rendered.

Both the preview session (bantin/preview.py, which keeps the model in memory) and a build
resuming from the model the last build saved (bantin/resume.py) use it. An edit is text alone
when every changed file is a known source or a file beside one (its photos), and what other
pages show of each source (its listing: address, title, dates, summary, field, card photo...)
and its metadata stay the same; anything else takes an ordinary build.
"""

import logging
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from pelican.contents import Article, Content

from core.editions import edition_folder
from core.errors import Finding
from core.logs import WarningCounter
from core.pelican_internals import (content_lists, forget_rendered_text, holds_contents,
                                    read_source, write_content_pages, write_feeds)
from core.source import SOURCE_SUFFIXES
from bantin.lint import lint_file
from plugins.feeds.absolute import absolutise_feeds
from plugins.incremental import IncrementalWriter, listing
from plugins.photos.library import library_for

# Source path -> where each edition's model holds it: [(generator, content)].
Holders = dict[str, list[tuple]]


def sources_to_read(changed: set[str], holders: Holders,
                    was_read: Callable[[str], bool]) -> set[str] | None:
    """The Markdown sources to read again for the `changed` files, or None when the change is
    more than text and photos of known sources (a source added or removed, a file of the theme,
    the settings, the code or the site's own images): an ordinary build is needed."""
    sources = set()
    for path in changed:
        if path in holders:
            if not was_read(path) or not os.path.exists(path):
                return None
            sources.add(path)
            continue
        if path.endswith(SOURCE_SUFFIXES):
            return None  # a new or left-out article, or one no edition shows
        beside = [source for source in holders if Path(source).parent in Path(path).parents]
        if not beside:
            return None  # theme, settings, code, static files
        nearest = max(len(Path(source).parent.parts) for source in beside)
        sources.update(s for s in beside if len(Path(s).parent.parts) == nearest)
    return sources


def render_text(sources: set[str], holders: Holders, editions: list[list], settings: dict,
                staging: Path) -> list[Finding] | None:
    """Read `sources` again, give the model their new text, and render the pages and feeds that
    show it into `staging` (emptied first), each edition in its folder; the sources' findings.
    None, with nothing of the site touched, when an ordinary build is needed: a source with an
    error, a listing or metadata that changed, a warning while reading or writing."""
    findings = []
    for source in sorted(sources):
        kind = "article" if isinstance(holders[source][0][1], Article) else "page"
        _, found = lint_file(Path(source), kind, settings)
        if any(finding.is_error for finding in found):
            return None  # the ordinary build leaves the article out and says why
        findings += found
    shutil.rmtree(staging, ignore_errors=True)
    recorder = WarningCounter()
    logging.getLogger().addHandler(recorder)
    try:
        replaced = []
        for source in sorted(sources):
            for generator, content in holders[source]:
                library_for(generator.settings).forget(Path(source).parent)
                fresh = read_again(generator, content)
                if fresh is None:
                    return None
                replaced.append((content, fresh))
        if recorder.findings:
            return None  # a problem met while reading: the ordinary build reports it
        for content, fresh in replaced:
            take_text(content, fresh)
        shown = {id(content) for content, _ in replaced}
        for generators in editions:
            write_pages_showing(generators, shown, staging)
        absolutise_feeds(staging, settings)
        if recorder.findings:
            return None
    finally:
        logging.getLogger().removeHandler(recorder)
    return findings


def read_again(generator, content: Content) -> Content | None:
    """`content`'s source read as its generator read it; None when what other pages show of
    it (its listing, its metadata) changed."""
    fresh = read_source(generator, content)
    if type(fresh) is not type(content) or published_photos(content) - published_photos(fresh):
        return None  # a photo file of the old version would stay in output/: a build drops it
    fresh.translations = getattr(content, "translations", [])
    described = {key: value for key, value in fresh.metadata.items() if key != "photos"}
    if listing(fresh) != listing(content) or described != {
            key: value for key, value in content.metadata.items() if key != "photos"}:
        return None
    return fresh


def published_photos(content: Content) -> set[str]:
    """The photo files published beside `content`'s page."""
    return {use.photo.file_name(variant) for use in getattr(content, "photos", None) or []
            for variant in use.published()}


def take_text(content: Content, fresh: Content) -> None:
    """Give `content`, which every list, neighbour and translation of the edition refers to, the
    text and photos of `fresh`; Pelican's memo of its old text is forgotten."""
    for name, value in vars(fresh).items():
        if name != "translations":
            setattr(content, name, value)
    forget_rendered_text(content)


class _PagesShowing:
    """Stands for the writer in a generator's output step: writes only the pages whose own
    article or page is in `shown` (ids), and the feeds listing one of them."""

    def __init__(self, writer: IncrementalWriter, shown: set[int]):
        self.writer, self.shown = writer, shown

    def write_file(self, name, template, context, *args, **kwargs):
        if id(kwargs.get("article") or kwargs.get("page")) in self.shown:
            return self.writer.write_file(name, template, context, *args, **kwargs)
        return None

    def write_feed(self, elements, context, *args, **kwargs):
        if any(id(item) in self.shown for item in elements[: self.writer.settings["FEED_MAX_ITEMS"]]):
            return self.writer.write_feed(elements, context, *args, **kwargs)
        return None


def write_pages_showing(generators: list, shown: set[int], staging: Path) -> None:
    """Run the edition's article and page output steps with a writer that writes only the pages
    and feeds showing the contents in `shown`: Pelican's own code decides every page's template,
    context and address, as in the ordinary build. The feeds see every article; the pages'
    steps see only the contents in `shown`, so that they do not work out the address of every
    other article on the way (the lists behind listing pages are not these, and those pages
    are not written). Each edition writes into its own folder of `staging`, as in a build."""
    for generator in generators:
        if not holds_contents(generator):
            continue
        settings = generator.settings
        folder = staging / edition_folder(settings, settings["DEFAULT_LANG"])
        writer = _PagesShowing(IncrementalWriter(str(folder), settings=settings), shown)
        write_feeds(generator, writer)
        with only_contents(generator, shown):
            write_content_pages(generator, writer)


@contextmanager
def only_contents(generator, shown: set[int]):
    """The generator's lists of articles and pages narrowed to the contents in `shown` for the
    time of the `with` block; its articles by date too, which every tag's, field's and period's
    page would otherwise go through whole (none of them is written)."""
    kept = content_lists(generator)
    if isinstance(getattr(generator, "dates", None), list):
        kept["dates"] = generator.dates
    try:
        for name, contents in kept.items():
            setattr(generator, name, [content for content in contents if id(content) in shown])
        yield
    finally:
        for name, contents in kept.items():
            setattr(generator, name, contents)


def move_into(staging: Path, output: Path) -> list[str]:
    """Move every file of `staging` to the same place in `output`, each with one rename; the
    paths (relative, POSIX) of those whose bytes changed."""
    changed = []
    for path in sorted(staging.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(staging).as_posix()
        target = output / relative
        if not (target.is_file() and same_bytes(path, target)):
            changed.append(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
    shutil.rmtree(staging, ignore_errors=True)
    return changed


def same_bytes(first: Path, second: Path) -> bool:
    if os.path.samefile(first, second):
        return True
    if first.stat().st_size != second.stat().st_size:
        return False
    return first.read_bytes() == second.read_bytes()
