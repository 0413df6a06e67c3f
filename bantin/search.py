"""The search index, a post-build step: Pagefind run once on the whole site, offline.

Pagefind reads each page's `<html lang>` and writes one index per language into the one bundle at
`<site>/pagefind/`; each edition's search page loads it and searches its own language. What a
result shows (field, date, summary, card photo) and the accent-free words that make "doan" find
"Đoàn" are written into the pages by the templates (plugins/search) as Pagefind attributes, so the
published pages are indexed as they are, with no copy to prepare.
"""

import shutil
import subprocess
from pathlib import Path

from pagefind_bin import get_executable

from bantin.errors import Finding

BUNDLE_DIR = "pagefind"
# Pagefind's ready-made interfaces: the search page has its own (theme/static/js/search.js).
UNUSED_BUNDLE_FILES = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*",
                       "pagefind-highlight.js")


def index_search(output: Path, settings: dict) -> list[Finding]:
    """Write the search index of every edition into `<output>/pagefind/`."""
    bundle = Path(output) / BUNDLE_DIR
    shutil.rmtree(bundle, ignore_errors=True)
    command = [str(get_executable()), "--site", str(output), "--output-path", str(bundle),
               "--silent"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0 or not (bundle / "pagefind.js").exists():
        detail = " ".join((result.stderr or result.stdout).split())[:300]
        return [Finding("pagefind", None, "search-index-failed",
                        f"không tạo được chỉ mục tìm kiếm: {detail}")]
    for pattern in UNUSED_BUNDLE_FILES:
        for unused in bundle.glob(pattern):
            unused.unlink()
    return []
