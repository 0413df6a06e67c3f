"""The search index, a post-build step: Pagefind run offline on the whole site, in parts.

Every indexed page (an article or a page: the templates mark its text `data-pagefind-body`)
belongs to one part: its language and the folder that holds its own folder, so that the
articles of one year of one edition (`tin/2021/`) are one part and an edition's pages another;
a busier folder is shared out between several parts of at most about PAGES_PER_PART pages.
Each part is a Pagefind bundle of its own at `<site>/pagefind/<lang>/<part>/`, and
`<site>/pagefind/parts.json` lists the parts of each language, newest first; the search page
loads the first and merges the others into it (Pagefind's `mergeIndex`), so that they are
searched as one index. Only the first part of a language keeps Pagefind's script and
WebAssembly, which the merged parts use.

Parts bound Pagefind's memory, which holds a whole index while it writes it, by the largest
part instead of the whole archive, and let a rebuild index again only the parts whose pages
changed: each part's bundle is cached in CACHE_PATH/search/ under a digest of its pages' bytes
and of Pagefind's version, and checked against its own digest when it is used (a damaged entry
is indexed again). What a result shows (field, date, summary, card photo) and the accent-free
words that make "doan" find "Đoàn" are written into the pages by the templates
(plugins/search), so the published pages are indexed as they are.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from importlib.metadata import version
from pathlib import Path

from pagefind_bin import get_executable

from core.errors import Finding
from core.files import CacheStore, FileMemo, FileStat
from core.source import SEARCH_INDEX_FOLDER

PARTS_FILE = "parts.json"
PAGES_MEMO = "pages.json"  # in the cache: each page's language and digest, by its file
# An element whose text Pagefind indexes; article text is escaped, so it cannot fake one.
MARKER = b"data-pagefind-body"
INDEXED = re.compile(rb"<[a-z][^<>]*\s" + MARKER + rb"[\s>=/]")
LANG = re.compile(rb"<html[^>]*\slang=\"([^\"]+)\"")
# What a part's index is made of; the rest of a bundle is Pagefind's script and WebAssembly.
INDEX_FILES = re.compile(r"pagefind-entry\.json|[^/]+\.pf_meta|(index|fragment|filter)/.+")
# Pagefind's ready-made interfaces: the search page has its own (theme/static/js/search.js).
UNUSED_BUNDLE_FILES = re.compile(
    r"pagefind-(component-|modular-)?ui\.[^/]+|pagefind-highlight\.js|playground/.*")
# Pages of one folder (a year of an edition's articles) beyond which they are shared out
# between several parts: Pagefind's time after an edit grows with the part's pages.
PAGES_PER_PART = 250
KEPT_PER_PART = 4  # cache entries kept for each part: a preview and a publish may alternate
# Pagefind's version and this module's code: either changed, every part is indexed again.
INDEXER = version("pagefind_bin") + hashlib.blake2b(Path(__file__).read_bytes()).hexdigest()


@dataclass
class Part:
    """The indexed pages of one language under one folder of the site (or one share of them,
    `share` of `shares`, when the folder holds more than PAGES_PER_PART pages)."""

    lang: str
    folder: str  # the folder that holds the pages' own folders, "" for the site's root
    pages: list[str] = field(default_factory=list)  # paths in the site
    # The pages' paths and bytes, as they are found (searchable_parts).
    digest: "hashlib._Hash" = field(default_factory=lambda: hashlib.blake2b(digest_size=20))
    share: int = 1
    shares: int = 1

    @property
    def name(self) -> str:
        name = self.folder.replace("/", "-") or "_"
        return f"{name}.{self.share}" if self.shares > 1 else name

    @property
    def place(self) -> str:
        """Where the part's bundle is, under pagefind/."""
        return f"{self.lang}/{self.name}"

    @property
    def key(self) -> str:
        """The cache key: the part, its pages' bytes and what indexes them."""
        digest = self.digest.copy()
        digest.update(INDEXER.encode())
        return f"{self.lang}-{self.name}-{digest.hexdigest()}"



def searchable_parts(site: Path, memo: FileMemo | None = None) -> list[Part]:
    """The parts of the pages of `site` that Pagefind indexes, in a stable order. A folder of
    more than PAGES_PER_PART pages (a busy year) is shared out between several parts by a
    digest of each page's path, so that a page stays in its part when others are added, and
    an edit indexes again a share of the folder rather than all of it. Each page's language and
    digest come from `memo` when its file is the same one as when they were learnt."""
    parts: dict[tuple[str, str, int], Part] = {}
    counts: dict[tuple[str, str], int] = {}
    found = []
    memo = memo or FileMemo(None)
    for folder, subfolders, files in os.walk(site):
        if Path(folder) == site:  # the index itself, or one being written, is not indexed
            subfolders[:] = [name for name in subfolders
                             if name.split(".")[0] != SEARCH_INDEX_FOLDER]
        subfolders.sort()
        for name in sorted(files):
            if not name.endswith(".html"):
                continue
            path = os.path.join(folder, name)
            relative = Path(path).relative_to(site)
            learnt = memo.get(relative.as_posix(), FileStat.of(os.stat(path)),
                              partial(search_facts, path), is_search_facts)
            if not learnt:
                continue
            lang, page_digest = learnt
            holder = relative.parent.parent.as_posix()
            holder = "" if holder == "." else holder
            counts[(lang, holder)] = counts.get((lang, holder), 0) + 1
            found.append((lang, holder, relative.as_posix(), bytes.fromhex(page_digest)))
    memo.save()
    for lang, holder, relative, page_digest in found:
        shares = -(-counts[(lang, holder)] // PAGES_PER_PART)
        share = 1 + int.from_bytes(hashlib.blake2b(relative.encode(), digest_size=8).digest(),
                                   "big") % shares
        part = parts.setdefault((lang, holder, share), Part(lang, holder, share=share,
                                                              shares=shares))
        part.pages.append(relative)
        part.digest.update(f"{relative}\0".encode())
        part.digest.update(page_digest)
    return [parts[key] for key in sorted(parts)]


def search_facts(path: str) -> list[str]:
    """What the index needs of a page file: [its language, its bytes' digest] when Pagefind
    indexes it, else []."""
    page = Path(path).read_bytes()
    if not is_indexed(page):
        return []
    lang = LANG.search(page[:4096])
    lang = lang[1].decode("ascii", "replace") if lang else "unknown"
    return [lang, hashlib.blake2b(page, digest_size=20).hexdigest()]


def is_search_facts(value) -> bool:
    return isinstance(value, list) and (value == [] or (
        len(value) == 2 and all(isinstance(item, str) for item in value)
        and re.fullmatch(r"[0-9a-f]{40}", value[1]) is not None))


def is_indexed(page: bytes) -> bool:
    """Whether Pagefind indexes `page`: the marker found first by a plain search (most pages
    have none), then checked to be an attribute of a tag."""
    at = page.find(MARKER)
    while at != -1:
        if INDEXED.match(page, page.rfind(b"<", 0, at)):
            return True
        at = page.find(MARKER, at + len(MARKER))
    return False


class BundleCache(CacheStore):
    """Pagefind bundles of parts, by Part.key; each entry carries the digest of its files, so a
    damaged one counts as absent."""

    def load_bundle(self, key: str) -> dict[str, bytes] | None:
        entry = self.load(key)
        if not isinstance(entry, dict) or not isinstance(entry.get("files"), dict):
            return None
        if entry.get("check") != bundle_digest(entry["files"]):
            return None
        try:
            os.utime(self.entry(key))  # used: kept longest (prune)
        except OSError:
            pass
        return entry["files"]

    def store_bundle(self, key: str, files: dict[str, bytes]) -> None:
        self.store(key, {"files": files, "check": bundle_digest(files)})

    def prune(self, parts: list[Part]) -> None:
        """Keep only the KEPT_PER_PART entries of each part used last."""
        for part in parts:
            same = re.compile(rf"{re.escape(part.lang)}-{re.escape(part.name)}-[0-9a-f]{{40}}")
            folder = self.entry(part.key).parent
            try:
                entries = [path for path in folder.iterdir() if same.fullmatch(path.name)]
            except OSError:
                continue
            entries.sort(key=last_used, reverse=True)
            for stale in entries[KEPT_PER_PART:]:
                stale.unlink(missing_ok=True)


def last_used(entry: Path) -> int:
    try:
        return entry.stat().st_mtime_ns
    except OSError:  # removed meanwhile by a build sharing the cache
        return 0


def bundle_digest(files: dict[str, bytes]) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.blake2b(files[name], digest_size=20).digest())
    return digest.hexdigest()


def run_pagefind(site: Path, part: Part, work: Path) -> dict[str, bytes] | Finding:
    """Index the pages of `part` alone (links to them in a folder of their own under `work`,
    so that Pagefind sees them at their addresses); the bundle's files, or what went wrong."""
    pages, bundle = work / "pages" / part.place, work / "bundles" / part.place
    for relative in part.pages:
        (pages / relative).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(site / relative, pages / relative)
        except OSError:  # a file system without hard links
            shutil.copyfile(site / relative, pages / relative)
    command = [str(get_executable()), "--site", str(pages), "--output-path", str(bundle),
               "--silent"]
    result = subprocess.run(command, capture_output=True, text=True)
    try:
        if result.returncode != 0 or not (bundle / "pagefind.js").exists():
            detail = " ".join((result.stderr or result.stdout).split())[:300]
            return Finding("pagefind", None, "search-index-failed",
                           f"không tạo được chỉ mục tìm kiếm ({part.place}): {detail}")
        return {path.relative_to(bundle).as_posix(): path.read_bytes()
                for path in sorted(bundle.rglob("*")) if path.is_file()
                if not UNUSED_BUNDLE_FILES.fullmatch(path.relative_to(bundle).as_posix())}
    finally:
        shutil.rmtree(pages, ignore_errors=True)
        shutil.rmtree(bundle, ignore_errors=True)


def write_bundle(folder: Path, files: dict[str, bytes], with_runtime: bool) -> None:
    for name, data in files.items():
        if with_runtime or INDEX_FILES.fullmatch(name):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)


def index_search(output: Path, settings: dict,
                 pagefind_running: threading.Event | None = None) -> list[Finding]:
    """Write the search index of every edition into `<output>/pagefind/`, indexing again only
    the parts whose pages changed. The new index is written beside the old one and takes its
    place only once complete, so that a preview that re-indexes a live site (bantin/preview.py)
    keeps a working search meanwhile. `pagefind_running` is set once the pages are found and
    Pagefind, in processes of its own, does the rest: a caller in another thread can then run
    beside it rather than compete for Python's lock."""
    output = Path(output)
    cache = BundleCache(Path(settings["CACHE_PATH"]) / "search")
    parts = searchable_parts(output, FileMemo(cache.root / PAGES_MEMO))
    bundle = output / SEARCH_INDEX_FOLDER
    fresh = output / f"{SEARCH_INDEX_FOLDER}.new-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        listed: dict[str, list[str]] = {}  # each language's parts, newest first
        for part in sorted(parts, key=lambda part: (part.lang, part.name), reverse=True):
            listed.setdefault(part.lang, []).append(part.name)
        first = {f"{lang}/{names[0]}" for lang, names in listed.items()}  # with the runtime
        missing = []
        for part in parts:  # cached bundles written one at a time, not all held at once
            files = cache.load_bundle(part.key)
            if files is None:
                missing.append(part)
            else:
                write_bundle(fresh / part.place, files, with_runtime=part.place in first)
        if missing:
            work = fresh / ".work"
            missing.sort(key=lambda part: len(part.pages), reverse=True)  # no big one left last
            if pagefind_running is not None:
                pagefind_running.set()
            with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
                indexed = list(pool.map(lambda part: run_pagefind(output, part, work), missing))
            shutil.rmtree(work, ignore_errors=True)
            failed = [result for result in indexed if isinstance(result, Finding)]
            if failed:
                return failed
            for part, files in zip(missing, indexed):
                cache.store_bundle(part.key, files)
                write_bundle(fresh / part.place, files, with_runtime=part.place in first)
        fresh.mkdir(exist_ok=True)
        (fresh / PARTS_FILE).write_text(json.dumps(dict(sorted(listed.items()))), encoding="utf-8")
        replaced = output / f"{SEARCH_INDEX_FOLDER}.old-{os.getpid()}"
        if bundle.exists():
            bundle.rename(replaced)
        fresh.rename(bundle)
        shutil.rmtree(replaced, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    cache.prune(parts)
    return []
