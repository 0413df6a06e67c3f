"""The search index, a post-build step: Pagefind run once on the whole site, offline.

Pagefind reads each page's `<html lang>` and writes one index per language into the one bundle at
`<site>/pagefind/`; each edition's search page loads it and searches its own language. What a
result shows (field, date, summary, card photo) and the accent-free words that make "doan" find
"Đoàn" are written into the pages by the templates (plugins/search) as Pagefind attributes, so the
published pages are indexed as they are, with no copy to prepare.
"""

import os
import shutil
import subprocess
from pathlib import Path

from pagefind_bin import get_executable

from core.errors import Finding

BUNDLE_DIR = "pagefind"
# Pagefind's ready-made interfaces: the search page has its own (theme/static/js/search.js).
UNUSED_BUNDLE_FILES = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*",
                       "pagefind-highlight.js")


def index_search(output: Path, settings: dict) -> list[Finding]:
    """Write the search index of every edition into `<output>/pagefind/`. The new index is
    written beside the old one and takes its place only once complete, so that a preview that
    re-indexes a live site (bantin/preview.py) keeps a working search meanwhile."""
    bundle = Path(output) / BUNDLE_DIR
    fresh = Path(output) / f"{BUNDLE_DIR}.new-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    command = [str(get_executable()), "--site", str(output), "--output-path", str(fresh),
               "--silent"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0 or not (fresh / "pagefind.js").exists():
        shutil.rmtree(fresh, ignore_errors=True)
        detail = " ".join((result.stderr or result.stdout).split())[:300]
        return [Finding("pagefind", None, "search-index-failed",
                        f"không tạo được chỉ mục tìm kiếm: {detail}")]
    for pattern in UNUSED_BUNDLE_FILES:
        for unused in fresh.glob(pattern):
            unused.unlink()
    replaced = Path(output) / f"{BUNDLE_DIR}.old-{os.getpid()}"
    if bundle.exists():
        bundle.rename(replaced)
    fresh.rename(bundle)
    shutil.rmtree(replaced, ignore_errors=True)
    return []
