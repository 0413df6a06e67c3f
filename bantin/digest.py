"""What a built site is, byte for byte: the measure by which a rebuild that reuses earlier work
(incremental pages, the preview, an unchanged build) must equal a clean build of the same content."""

import hashlib
import re
from pathlib import Path

# Pagefind writes its filter and metadata indexes in a different order on every run, even from
# the same pages (Pagefind/pagefind#638), in every part of the index (plugins/search/index.py);
# its page fragments and word index are reproducible and compared like every other file.
PAGEFIND_UNORDERED = re.compile(
    r"^pagefind/(?:.*/)?(?:pagefind-entry\.json|pagefind\.[^/]+\.pf_meta|filter/)")


def site_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder` but Pagefind's unordered indexes, by relative path."""
    return {
        relative: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*")) if path.is_file()
        if not PAGEFIND_UNORDERED.match(relative := path.relative_to(folder).as_posix())
    }
