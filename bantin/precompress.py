"""Precompressed `.gz` and `.br` copies of text files, a post-build step.

Static hosts that serve precompressed files (nginx gzip_static/brotli_static, Caddy
precompressed, Netlify/Cloudflare) then skip compressing on every request, and readers on slow
phone connections get the smallest file. A copy is kept only when it is smaller than the
original. Output is reproducible: gzip headers carry no time stamp or file name.
"""

import gzip
from pathlib import Path

import brotli

from bantin.errors import Finding

TEXT_SUFFIXES = {
    ".html", ".css", ".js", ".mjs", ".json", ".xml", ".svg", ".txt", ".map", ".webmanifest", ".ico",
}


def precompress(output: Path, settings: dict) -> list[Finding]:
    """Write `<file>.gz` and `<file>.br` next to every text file of the built site."""
    for path in sorted(Path(output).rglob("*")):
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES:
            data = path.read_bytes()
            write_if_smaller(path.with_name(path.name + ".gz"), gzip.compress(data, 9, mtime=0), data)
            write_if_smaller(
                path.with_name(path.name + ".br"),
                brotli.compress(data, mode=brotli.MODE_TEXT, quality=11),
                data,
            )
    return []


def write_if_smaller(copy: Path, compressed: bytes, original: bytes) -> None:
    if len(compressed) < len(original):
        copy.write_bytes(compressed)
    else:
        copy.unlink(missing_ok=True)
