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


def record_of(settings: dict) -> BuildRecord | None:
    """The record of the build these settings (or this context) belong to; None when Pelican
    runs without the project's build."""
    return settings.get(RECORD_SETTING)
