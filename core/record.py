"""The record of one build: what its plugins wrote, what the sitemap lists, and what git knows
of the content it read.

The build makes one, hands it to Pelican under the BUILD_RECORD setting (so every plugin finds it
in its settings or context), and gets it back in its result: nothing crosses a layer through a
module's global variable, and two builds in one process cannot mix their pages.
"""

from dataclasses import dataclass, field

RECORD_SETTING = "BUILD_RECORD"


@dataclass(eq=False)
class BuildRecord:
    # Pages written by this build: path in the site -> fingerprint (plugins/incremental).
    written: dict[str, str] = field(default_factory=dict)
    # Public pages: absolute URL -> {"lang", "lastmod", "alternates"} (plugins/sitemap).
    sitemap: dict[str, dict] = field(default_factory=dict)
    # The content's files as committed in git, found once per build (core/checkout.py).
    committed: dict[str, tuple] | None = None
    # Whether the photos the content names were derived ahead (plugins/photos): once per build.
    photos_prefetched: bool = False
    # The build's photo libraries (plugins/photos), one per set of photo settings: the lint and
    # every edition look each photo up, hash it and publish its first copy once.
    photo_libraries: dict = field(default_factory=dict)
    # Whether the sources missing from the reader's cache were converted ahead (plugins/reader).
    converted_ahead: bool = False
    # The reader's conversions by cache key, loaded once and shared by the editions (each reads
    # every source): an entry is found by the key of the bytes it came from, never by path.
    conversions: dict[str, tuple] = field(default_factory=dict)


def record_of(settings: dict) -> BuildRecord | None:
    """The record of the build these settings (or this context) belong to; None when Pelican
    runs without the project's build."""
    return settings.get(RECORD_SETTING)
