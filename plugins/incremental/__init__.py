"""Incremental rendering: a page whose inputs are unchanged since the last build is not rendered
again; its previous bytes are reused. This is what makes a rebuild after one edit fast.

A page's fingerprint has two parts:
- the build's: settings, the theme's files, the project's code and library versions, and every
  article's and page's *listing* (address, title, dates, summary, field, tags, authors, language,
  status, card photo, translations), since any page may list or link any of them;
- the page's own: every value the writer hands this template beyond the global context (the
  article with its full content, the field, the page of a list...).
Editing an article's text changes only the pages that show that text; editing a title or a date
changes the listings, and every page is rendered again (safe rather than clever).

Fingerprints of the pages of the last successful build are kept per output folder in
CACHE_PATH/render/. A page is reused only if the previous output file is still the very file that
build wrote (same size and modification time), and only if rendering it raised no warning (a
reused page would not repeat it, and a strict build must see it). The build (bantin/build.py)
passes PREVIOUS_OUTPUT_PATH, the site's current output folder, and a record (core/record.py) in
which the writer notes every page it wrote; it saves the new manifest from that record only after
it has put the new site in place. Templates show the content (not only the listing) of the
page's own article or page only.

On a clean build nearly every page is rendered: the writer then shares the article pages out to
a worker per core (ParallelWriter), as bare Pelican, which renders on one core, cannot; and each
article's address is worked out once for all the pages naming it (freeze_urls).
"""

import hashlib
import json
import os
from datetime import date, datetime
from pathlib import Path

from pelican import signals
from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

from core.editions import edition_folder
from core.files import write_whole
from core.logs import counting_warnings
from core.forked import can_fork, cores, forked_map
from core.pelican_internals import (TemplateWrappingWriter, edition_contents, freeze_urls,
                                    refuse_second_write, settle_attachments, written_files)
from core.record import RECORD_SETTING, record_of
from core.fingerprint import code_fingerprint

# Fewer pages than this per worker are written by the build itself: forking would cost more.
MIN_PAGES = 32
# Shares per worker: small enough that a worker left with the heaviest pages does not keep the
# others waiting, large enough that sending each back costs little.
SHARES_PER_WORKER = 8

# Settings that name places of this build rather than what it produces.
PLACE_SETTINGS = {"OUTPUT_PATH", "CACHE_PATH", "PREVIOUS_OUTPUT_PATH", "PHOTO_CACHE_PATH",
                  RECORD_SETTING}


def manifest_path(cache_path: str | Path, output: str | Path) -> Path:
    place = hashlib.blake2b(str(Path(output).resolve()).encode(), digest_size=12).hexdigest()
    return Path(cache_path) / "render" / f"{place}.json"


def load_manifest(cache_path: str | Path, output: str | Path) -> dict[str, list]:
    try:
        return json.loads(manifest_path(cache_path, output).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save_manifest(cache_path: str | Path, output: Path, written: dict[str, str]) -> None:
    """Record the fingerprint, size and time of every page `written` (the build record's) now in
    `output` (call it after the new site is in place)."""
    manifest = {}
    for relative, fingerprint in written.items():
        try:
            stat = (output / relative).stat()
        except OSError:
            continue
        manifest[relative] = [fingerprint, stat.st_size, stat.st_mtime_ns]
    write_whole(manifest_path(cache_path, output), json.dumps(manifest))


def stable(value, known: "Fingerprints") -> object:
    """A representation of `value` that is equal across builds exactly when the value is."""
    if isinstance(value, Content):
        return known.listing(value)
    if isinstance(value, URLWrapper):
        return (type(value).__name__, value.name, value.slug)
    if isinstance(value, Page):
        return ("page", value.number, [stable(item, known) for item in value.object_list])
    if isinstance(value, Paginator):
        return ("paginator", value.name, value.url, value.count, value.num_pages)
    if isinstance(value, dict):
        return sorted((str(key), stable(item, known)) for key, item in value.items())
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], Content):
        listed = known.listings(value)  # lists of articles: the common, long case
        if listed is not None:
            return listed
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [stable(item, known) for item in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, (str, int, float, bool, type(None), date, datetime, Path)):
        return repr(value)
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value))}"
    return f"{type(value).__name__}:{value!r}"


def listing(content: Content) -> tuple:
    """What pages other than its own may show of an article or page (lists, neighbours, cards,
    language links): two versions with equal listings look the same everywhere but on their own
    page and in the feeds."""
    return (
        content.url, content.title, repr(getattr(content, "date", None)),
        repr(getattr(content, "modified", None)), getattr(content, "summary", ""),
        str(getattr(content, "category", "")), [str(tag) for tag in getattr(content, "tags", [])],
        [str(author) for author in getattr(content, "authors", [])], content.lang,
        content.status, repr(getattr(content, "card_image", None)),
        [other.url for other in getattr(content, "translations", [])],
    )


class Fingerprints:
    """Fingerprints of one edition's pages."""

    def __init__(self, settings: dict, context: dict):
        self._listings: dict[int, str] = {}
        self._lists: dict[int, tuple] = {}
        self._contents: dict[int, str] = {}
        digest = hashlib.blake2b(digest_size=20)
        settings_part = {k: v for k, v in settings.items() if k not in PLACE_SETTINGS}
        digest.update(repr(stable(settings_part, self)).encode())
        digest.update(theme_fingerprint(settings["THEME"]).encode())
        digest.update(code_fingerprint(settings).encode())
        everything = [item for key in ("articles", "hidden_articles", "drafts", "pages",
                                       "hidden_pages", "draft_pages")
                      for item in context.get(key) or []]
        digest.update(repr([self.listing(item) for item in everything]).encode())
        digest.update(repr(sorted(context.get("static_content", {}))).encode())
        self.build = digest.hexdigest()

    def listing(self, content: Content) -> str:
        """A digest of what other pages may show of `content`."""
        key = id(content)
        if key not in self._listings:
            shown = repr(listing(content)).encode()
            self._listings[key] = hashlib.blake2b(shown, digest_size=16).hexdigest()
        return self._listings[key]

    def listings(self, contents: list | tuple) -> str | None:
        """One digest of the listings of a list of articles or pages (None if not all are):
        the same list handed to many pages (every article, a field's articles) is digested
        once, not once per page, which would grow with the square of the archive. The list is
        held, so that its id cannot be reused by another while this edition is written."""
        known = self._lists.get(id(contents))
        shape = (len(contents), id(contents[0]), id(contents[-1]))
        if known is not None and known[0] is contents and known[1] == shape:
            return known[2]
        if not all(isinstance(item, Content) for item in contents):
            return None
        joined = "".join(map(self.listing, contents)).encode()
        digest = "listings:" + hashlib.blake2b(joined, digest_size=20).hexdigest()
        self._lists[id(contents)] = (contents, shape, digest)
        return digest

    def content(self, content: Content) -> str:
        key = id(content)
        if key not in self._contents:
            self._contents[key] = hashlib.blake2b(
                content._content.encode(), digest_size=20).hexdigest()
        return self._contents[key]

    def page(self, localcontext: dict, own_keys: set[str]) -> str:
        """The fingerprint of the page rendered from `localcontext`, whose values beyond the
        global context are under `own_keys`."""
        digest = hashlib.blake2b(self.build.encode(), digest_size=20)
        for key in sorted(own_keys & localcontext.keys()):
            value = localcontext[key]
            digest.update(f"\0{key}\0{stable(value, self)!r}".encode())
            if isinstance(value, Content):
                digest.update(self.content(value).encode())
        return digest.hexdigest()


def theme_fingerprint(theme: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(Path(theme).rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(theme)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


class _ReusingTemplate:
    """Stands for a Jinja template in the writer: renders only when the page changed."""

    def __init__(self, template, writer: "IncrementalWriter", context: dict, own_keys: set[str]):
        self.template, self.writer, self.context = template, writer, context
        self.own_keys = own_keys

    def render(self, localcontext: dict) -> str:
        writer = self.writer
        if writer.fingerprints is None:  # the global context is complete once writing starts
            writer.fingerprints = Fingerprints(writer.settings, self.context)
        in_site = os.path.join(writer.folder, localcontext["output_file"])
        fingerprint = writer.fingerprints.page(localcontext, self.own_keys)
        previous = writer.previous.get(in_site)
        if previous and previous[0] == fingerprint:
            path = Path(writer.settings["PREVIOUS_OUTPUT_PATH"]) / in_site
            try:
                stat = path.stat()
                if [stat.st_size, stat.st_mtime_ns] == previous[1:]:
                    writer.record.written[in_site] = fingerprint
                    return path.read_text(encoding="utf-8")
            except OSError:
                pass
        with counting_warnings() as counter:
            html = self.template.render(localcontext)
        if not counter.count:
            writer.record.written[in_site] = fingerprint
        return html


class IncrementalWriter(TemplateWrappingWriter):
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.folder = edition_folder(settings, settings["DEFAULT_LANG"])
        self.previous = load_manifest(settings["CACHE_PATH"], settings["PREVIOUS_OUTPUT_PATH"])
        self.record = record_of(settings)
        self.fingerprints = None

    def wrap(self, template, context: dict, own_keys: set[str]) -> "_ReusingTemplate":
        return _ReusingTemplate(template, self, context, own_keys)


class ParallelWriter(IncrementalWriter):
    """The build's writer: the article generator's pages (every article, the lists of fields,
    tags and periods, the home page: nearly all of an edition) are rendered on every core.

    Pelican writes them one after the other. This writer holds them until the generator says it
    is done (article_writer_finalized), then shares them out to workers forked from the build
    (core/forked.py), which hold the same model without copying it. Each renders and writes its
    share into the same folder and sends back what it added to the build's record (the pages
    written, the sitemap's entries, the photos published) and the files it wrote; what it logs is
    logged by the build, so warnings count as they do here. Pages with one name stay together
    and in their order, since Pelican decides by that order whether a write may overwrite
    another; a file written by two shares is refused as Pelican refuses it. Fewer pages than
    MIN_PAGES per worker, or a process with other threads (the preview session), write here.
    """

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.held: list[tuple] | None = []  # None once the article generator is done
        self.shares: list[list[tuple]] = []

    def write_file(self, name, template, context, *args, **kwargs):
        if self.held is None:
            return super().write_file(name, template, context, *args, **kwargs)
        self.held.append((name, template, context.copy(), args, kwargs))

    def write_held(self, contents: list) -> None:
        """Write the pages held, on every core when there are enough; `contents`, the
        generator's articles, whose attached files must move here (settle_attachments)."""
        held, self.held = self.held, None
        workers = min(cores(), len(held) // MIN_PAGES)
        if workers < 2 or not can_fork():
            for name, template, context, args, kwargs in held:
                super().write_file(name, template, context, *args, **kwargs)
            return
        settle_attachments(contents)
        if self.fingerprints is None:  # made once, before the workers start, not once in each
            self.fingerprints = Fingerprints(self.settings, held[0][2])
        self.shares = shares_of(held, workers * SHARES_PER_WORKER)
        written, overwritten = written_files(self)
        try:
            for added, files, overwrites in forked_map(self.write_share, len(self.shares),
                                                       workers):
                self.record.add(added)
                for path in files & written:
                    refuse_second_write(path)
                written |= files
                overwritten |= overwrites
        finally:
            self.shares = []

    def write_share(self, number: int) -> tuple[dict, set[str], set[str]]:
        """Write the held pages of share `number`; what they added to the record, the files
        written and those overwritten."""
        state = self.record.writing_state()
        written, overwritten = (set(files) for files in written_files(self))
        for name, template, context, args, kwargs in self.shares[number]:
            super().write_file(name, template, context, *args, **kwargs)
        now_written, now_overwritten = written_files(self)
        return (self.record.added_since(state), now_written - written,
                now_overwritten - overwritten)


def shares_of(held: list[tuple], count: int) -> list[list[tuple]]:
    """Up to `count` shares of the held pages, those of one name in one share, in their order.
    Names are dealt out in turn, so that every share gets its part of the costly list pages
    (fields, tags, periods), which the generator writes last, and no worker is left with them
    alone."""
    by_name: dict[str, list[tuple]] = {}
    for page in held:
        by_name.setdefault(page[0], []).append(page)
    groups = list(by_name.values())
    return [[page for group in groups[start::count] for page in group]
            for start in range(min(count, len(groups)))]


def write_held(generator, writer) -> None:
    if isinstance(writer, ParallelWriter):
        writer.write_held(edition_contents(generator))


def writer_class(pelican):
    """Only the project's build, which passes the previous output and a record, renders
    incrementally, and on every core."""
    settings = pelican.settings
    return ParallelWriter if settings.get("PREVIOUS_OUTPUT_PATH") and record_of(settings) else None


def register() -> None:
    signals.get_writer.connect(writer_class)
    signals.article_writer_finalized.connect(write_held)
    signals.all_generators_finalized.connect(freeze_urls)
