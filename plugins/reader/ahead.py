"""Conversion ahead, on every core: when Pelican sets up its readers, the sources missing from
the reader's cache are converted in worker processes and stored there, so that Pelican, which
reads one source after the other, then finds every conversion ready. On a clean build this is
most of the reading; on later builds only the edited sources are left to convert.

A conversion that logs anything is not stored, so that Pelican converts it again itself and its
warning is reported like any other (a strict build must see it).
"""

import logging
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from core.logs import counting_warnings
from core.processes import start_worker
from core.record import record_of
from plugins.reader.cache import ReaderCache
from core.source import SOURCE_SUFFIXES

# Fewer sources than this are converted by Pelican itself: starting workers would cost more.
MIN_SOURCES = 16

_last_settings: dict | None = None  # the settings of the Pelican run last seen (one per run)
_worker_reader = None  # the reader the workers inherit


def convert_ahead(reader_class, settings: dict) -> None:
    """Convert, on every core, the sources of this run missing from the reader's cache."""
    global _last_settings, _worker_reader
    if settings is _last_settings:  # the run's other generators
        return
    _last_settings = settings
    record = record_of(settings)
    if record is not None:  # the build's other editions read the same sources
        if record.converted_ahead:
            return
        record.converted_ahead = True
    reader = reader_class(settings)  # first: Pelican's Markdown reader completes the MARKDOWN
    cache = ReaderCache(settings)    # setting as it starts, and the cache's key depends on it
    jobs = []
    for source in sources(settings):
        key = cache.key(source)
        if not cache.has(key):
            jobs.append((source, key))
    workers = min(os.cpu_count() or 1, len(jobs) // MIN_SOURCES)
    if workers < 2:
        return
    _worker_reader = reader
    try:  # forked workers share the loaded code and the photo library's lookups
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"),
                                 initializer=_silence) as pool:
            list(pool.map(_convert, jobs, chunksize=max(1, len(jobs) // (workers * 8))))
    finally:
        _worker_reader = None


def sources(settings: dict) -> list[str]:
    """The Markdown sources under the article and page folders (Pelican leaves out the same
    excluded ones; converting one more than needed is harmless). Broken links and links leading
    out of content/ are not read: the lint reports them and the build leaves them out."""
    content = Path(settings["PATH"])
    inside = content.resolve()
    found = []
    for folder in settings["ARTICLE_PATHS"] + settings["PAGE_PATHS"]:
        for root, _, names in os.walk(content / folder):
            paths = [os.path.join(root, name) for name in names if name.endswith(SOURCE_SUFFIXES)]
            found += [path for path in paths
                      if os.path.isfile(path) and Path(path).resolve().is_relative_to(inside)]
    return sorted(found)


def _silence() -> None:
    """A worker prints nothing: what it would say, Pelican says again when it converts."""
    logging.getLogger().handlers = []
    start_worker()  # and ends with the build that started it


def _convert(job: tuple[str, str]) -> None:
    source, key = job
    with counting_warnings() as counter:
        try:
            converted = _worker_reader.convert(source)
        except Exception:  # Pelican meets the same source and reports the problem properly
            return
    if not counter.count:
        ReaderCache(_worker_reader.settings).store(key, converted)
