"""The reader's output kept between builds, so an unchanged article is not converted again.

An entry is keyed by everything the conversion depends on: the source's bytes; the name, size and
modification time of every file beside it (its photos: a replaced photo changes the markup), or,
for a file as committed, the id git gives its bytes, which a fresh checkout keeps
(core/checkout.py); the settings that shape the conversion; and the code that does it (the
project's own modules and the versions of the libraries). Each edition's build and every later
build share the entries.
"""

import hashlib
import os
from pathlib import Path

from core.checkout import committed_for, committed_id
from core.files import CacheStore
from core.fingerprint import code_fingerprint

# Settings the conversion reads (photos settings are every PHOTO_* key).
CONVERSION_SETTINGS = (
    "MARKDOWN", "READER_TYPOGRIFY", "TYPOGRIFY_IGNORE_TAGS", "TYPOGRIFY_OMIT_FILTERS",
    "TYPOGRIFY_DASHES", "FORMATTED_FIELDS", "SUMMARY_MAX_LENGTH", "SUMMARY_END_SUFFIX",
)


def settings_fingerprint(settings: dict) -> str:
    chosen = {key: settings.get(key) for key in CONVERSION_SETTINGS}
    chosen.update((key, value) for key, value in settings.items() if key.startswith("PHOTO_"))
    digest = hashlib.blake2b(repr(sorted(chosen.items())).encode(), digest_size=16)
    digest.update(code_fingerprint(settings).encode())
    return digest.hexdigest()


class ReaderCache(CacheStore):
    """Conversions by source; an entry that cannot be read whole counts as absent: the source is
    converted again, and its findings reported again, rather than failing the article."""

    def __init__(self, settings: dict):
        super().__init__(Path(settings["CACHE_PATH"]) / "reader" / settings_fingerprint(settings))
        self.settings = settings

    def key(self, source_path: str) -> str:
        source = Path(source_path)
        digest = hashlib.blake2b(source.read_bytes(), digest_size=20)
        digest.update(str(source).encode())
        committed = committed_for(self.settings)
        with os.scandir(source.parent) as entries:
            for entry in sorted(entries, key=lambda entry: entry.name):
                if entry.is_file() and entry.path != str(source):
                    stat = entry.stat()
                    version = (committed_id(entry.path, stat, committed)
                               or f"{stat.st_size}\0{stat.st_mtime_ns}")
                    digest.update(f"\0{entry.name}\0{version}".encode())
        return digest.hexdigest()
