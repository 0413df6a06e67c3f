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
    # Photo files this build published, by (photo key, variant): path, inode, size and time of
    # the first copy, to which later pages link (plugins/photos).
    photo_copies: dict[tuple, tuple] = field(default_factory=dict)

    def writing_state(self) -> dict[str, dict]:
        """What writing pages has added to this record so far (WRITING_PARTS), as a copy."""
        return {name: dict(getattr(self, name)) for name in WRITING_PARTS}

    def added_since(self, state: dict[str, dict]) -> dict[str, dict]:
        """What writing pages added to this record since `state` (writing_state), to be sent by
        a worker that wrote some of them (plugins/incremental) and added to the build's."""
        return {name: {key: value for key, value in getattr(self, name).items()
                       if key not in state[name] or state[name][key] != value}
                for name in WRITING_PARTS}

    def add(self, parts: dict[str, dict]) -> None:
        """Take in what a worker's pages added to its copy of this record (added_since)."""
        for name, part in parts.items():
            getattr(self, name).update(part)


# The parts of a record that writing pages fills.
WRITING_PARTS = ("written", "sitemap", "photo_copies")


def record_of(settings: dict) -> BuildRecord | None:
    """The record of the build these settings (or this context) belong to; None when Pelican
    runs without the project's build."""
    return settings.get(RECORD_SETTING)
