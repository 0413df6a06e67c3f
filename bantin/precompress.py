"""Precompressed `.gz` and `.br` copies of text files, a post-build step.

Static hosts that serve precompressed files (nginx gzip_static/brotli_static, Caddy
precompressed, Netlify/Cloudflare) then skip compressing on every request, and readers on slow
phone connections get the smallest file. A copy is kept only when it is smaller than the
original. Output is reproducible: gzip headers carry no time stamp or file name.

Brotli at its best quality costs about a tenth of a second per page, the largest part of a full
build, so compressed copies are kept in a cache keyed by the file's bytes (a rebuild compresses
only the pages that changed), and files are compressed on every core (zlib and brotli release the
GIL).
"""

import gzip
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import brotli

from core.errors import Finding
from core.files import write_whole

TEXT_SUFFIXES = {
    ".html", ".css", ".js", ".mjs", ".json", ".xml", ".svg", ".txt", ".map", ".webmanifest", ".ico",
}


COMPRESSORS = {
    ".gz": partial(gzip.compress, compresslevel=9, mtime=0),
    ".br": partial(brotli.compress, mode=brotli.MODE_TEXT, quality=11),
}
# Part of every cache key: raise it when COMPRESSORS change.
COMPRESSION_VERSION = 1


def precompress(output: Path, settings: dict, only: list[str] | None = None) -> list[Finding]:
    """Write `<file>.gz` and `<file>.br` next to every text file of the built site (or those of
    `only`, paths in the site: a site built from the previous one changes only those).

    Compressed copies are reused from CACHE_PATH when the settings name one (a site's build
    always does; a hand-made folder in a test need not)."""
    cache = Path(settings["CACHE_PATH"]) / "precompressed" if "CACHE_PATH" in settings else None
    candidates = sorted(Path(output).rglob("*")) if only is None else [
        Path(output) / relative for relative in sorted(only)]
    files = [path for path in candidates
             if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(partial(compress_file, cache=cache), files))  # list(): raise any error
    return []


def compress_file(path: Path, cache: Path | None) -> None:
    data = path.read_bytes()
    digest = hashlib.blake2b(f"{COMPRESSION_VERSION}:".encode(), digest_size=20)
    digest.update(data)
    for suffix in COMPRESSORS:
        compressed = compressed_copy(data, suffix, digest.hexdigest(), cache)
        write_if_smaller(path.with_name(path.name + suffix), compressed, data)


def compressed_copy(data: bytes, suffix: str, key: str, cache: Path | None) -> bytes:
    """`data` compressed for `suffix`, from the cache when these bytes were compressed before."""
    entry = cache / key[:2] / (key + suffix) if cache else None
    if entry and entry.is_file():
        return entry.read_bytes()
    compressed = COMPRESSORS[suffix](data)
    if entry:
        store(entry, compressed)
    return compressed


def store(entry: Path, data: bytes) -> None:
    """Write a cache entry whole or not at all: an interrupted build leaves no truncated copy."""
    write_whole(entry, data)


def write_if_smaller(copy: Path, compressed: bytes, original: bytes) -> None:
    """A new file, never a write through the old one: a site built from the previous one
    shares that site's files (hard links) until it replaces them."""
    if len(compressed) < len(original):
        write_whole(copy, compressed)
    else:
        copy.unlink(missing_ok=True)
