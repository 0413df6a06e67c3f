"""Conversion ahead, on every core: when Pelican sets up its readers, the sources missing from
the reader's cache are handed to worker processes, which convert them and store them there.
Pelican reads meanwhile, one source after the other, in the order it will read them: the reader
waits for a source's conversion (ready()) instead of converting it again, so that Pelican's
own reading overlaps the workers' conversion. On a clean build this is most of the reading; on
later builds only the edited sources are left to convert.

A conversion that logs anything is not stored, so that Pelican converts it again itself and its
warning is reported like any other (a strict build must see it).
"""

import logging
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path

from core.logs import counting_warnings
from core.processes import start_worker
from core.record import record_of
from plugins.reader.cache import ReaderCache
from core.source import SOURCE_SUFFIXES

# Fewer sources than this are converted by Pelican itself: starting workers would cost more.
MIN_SOURCES = 16
# Sources per job: small, so that the reader rarely waits long for the one it reads next.
SOURCES_PER_JOB = 8

_last_settings: dict | None = None  # the settings of the Pelican run last seen (one per run)
_worker_reader = None  # the reader the workers inherit
_pool: ProcessPoolExecutor | None = None
_pending: dict[str, Future] = {}  # cache key -> the job converting that source


def convert_ahead(reader_class, settings: dict) -> None:
    """Start converting, on every core, the sources of this run missing from the reader's
    cache."""
    global _last_settings, _worker_reader, _pool
    if settings is _last_settings:  # the run's other generators
        return
    finish()  # a run that ended before reading everything leaves no workers behind
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
    _worker_reader = reader  # forked workers share the loaded code and the photo library
    _pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"),
                                initializer=_silence)
    for start in range(0, len(jobs), SOURCES_PER_JOB):
        chunk = jobs[start:start + SOURCES_PER_JOB]
        job = _pool.submit(_convert, chunk)
        _pending.update((key, job) for _, key in chunk)


def ready(key: str) -> None:
    """Wait until the source of cache key `key` is converted, if a worker has it; then it is in
    the cache, unless its conversion logged something (the reader converts it itself)."""
    job = _pending.pop(key, None)
    if job is not None:
        try:
            job.result()
        except BrokenProcessPool:  # a worker was killed (out of memory): the reader converts
            pass
        if not _pending:
            finish()


def finish(*_) -> None:
    """Wait for the workers' last conversions and end them: the build may fork again only
    once its process has no other thread, and the pool has one."""
    global _pool, _worker_reader
    if _pool is not None:
        _pool.shutdown(wait=True)
    _pool = _worker_reader = None
    _pending.clear()


def sources(settings: dict) -> list[str]:
    """The Markdown sources under the article and page folders, in the order Pelican reads them
    (its generators list each folder's files in a set of their paths relative to the content:
    one built here the same way iterates the same way). Pelican leaves out the excluded ones;
    converting one more than needed is harmless. Broken links and links leading out of
    content/ are not read: the lint reports them and the build leaves them out."""
    content = Path(settings["PATH"])
    inside = content.resolve()
    found = []
    for folders in (settings["ARTICLE_PATHS"], settings["PAGE_PATHS"]):
        relative = set()
        for folder in folders:
            for root, _, names in os.walk(content / folder, followlinks=True):
                for name in names:
                    path = os.path.join(root, name)
                    if (name.endswith(SOURCE_SUFFIXES) and os.path.isfile(path)
                            and Path(path).resolve().is_relative_to(inside)):
                        relative.add(os.path.relpath(path, content))
        found += [str(content / path) for path in relative]
    return found


def _silence() -> None:
    """A worker prints nothing: what it would say, Pelican says again when it converts."""
    logging.getLogger().handlers = []
    start_worker()  # and ends with the build that started it


def _convert(jobs: list[tuple[str, str]]) -> None:
    for source, key in jobs:
        with counting_warnings() as counter:
            try:
                converted = _worker_reader.convert(source)
            except Exception:  # Pelican meets the same source and reports the problem properly
                continue
        if not counter.count:
            ReaderCache(_worker_reader.settings).store(key, converted)
