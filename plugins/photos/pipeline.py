"""Derive every photo missing from the cache, on every core, with a progress bar on a terminal."""

import os
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from core.processes import start_worker

from .cache import PhotoCache
from .derive import PhotoError, PhotoSettings, corrupt, derive

# Show the bar only when the work lasts longer than this (seconds), so cached builds stay quiet.
PROGRESS_DELAY = 1.0


def derive_into_cache(source: Path, key: str, settings: PhotoSettings, cache_root: Path) -> None:
    """Derive one photo and store the outcome, success or editor-facing error, in the cache."""
    cache = PhotoCache(cache_root)
    try:
        derived, files = derive(source, settings)
    except PhotoError as error:
        cache.store(key, error, {})
        return
    except Exception:  # a decoder tripping on a malformed file in a way no check foresaw
        cache.store(key, corrupt(source), {})
        return
    cache.store(key, derived, files)


def derive_missing(
    jobs: dict[str, Path], settings: PhotoSettings, cache: PhotoCache, progress: bool | None = None
) -> None:
    """Derive each `key -> source` of `jobs` into `cache`, one process per core. A job whose
    worker died (out of memory...) leaves no entry, and is redone in-process when it is used."""
    if not jobs:
        return
    if progress is None:
        progress = sys.stderr.isatty()
    workers = min(len(jobs), os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers, initializer=start_worker) as pool:
        futures = [
            pool.submit(derive_into_cache, source, key, settings, cache.root)
            for key, source in jobs.items()
        ]
        done, pending = wait(futures, timeout=PROGRESS_DELAY if progress else None)
        if pending:  # only with a terminal, and only when the work lasts
            with _progress_bar() as bar:
                task = bar.add_task("Đang xử lý ảnh", total=len(futures), completed=len(done))
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    bar.update(task, advance=len(done))


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
