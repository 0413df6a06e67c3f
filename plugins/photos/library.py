"""The photos of one build: settings read once, the cache, and each photo's published set.

Before Pelican reads the articles, `prefetch` finds the photos their Markdown names and derives
the missing ones in parallel, so that when the Markdown is converted every photo's sizes (or its
error) are already known and the markup can be written in one pass.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .cache import PhotoCache, cache_key
from .derive import Derived, PhotoError, PhotoSettings, Variant
from .pipeline import derive_into_cache, derive_missing

# Cheap guesses at the photos a Markdown file uses, to start their work early. The Markdown
# treeprocessor is the authority: a photo missed here is derived when it is met.
IMAGE_REFERENCE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)>\s]+)")
IMAGE_METADATA = re.compile(r"^image:\s*(\S.*?)\s*$", re.IGNORECASE | re.MULTILINE)
MARKDOWN_SUFFIXES = (".md", ".markdown")


def is_local_photo(src: str) -> bool:
    """True for a plain relative path such as `IMG_5760.jpg` or `anh/IMG_5760.jpg`."""
    return bool(src) and "://" not in src and not src.startswith(("/", "{", "data:", "#"))


def photo_in_folder(article_dir: Path, src: str) -> Path | None:
    """The file `src` names inside `article_dir`, or None when the name leads out of it (an
    absolute path, `..`, a symbolic link pointing elsewhere): photos are read only from the
    article's own folder. The caller decodes `%2e%2e` forms first, as the Markdown side does."""
    if not src or "\x00" in src or Path(src).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", src):
        return None
    candidate = article_dir / src
    try:
        inside = candidate.resolve().relative_to(article_dir.resolve())
    except (OSError, RuntimeError, ValueError):  # outside, a symlink loop, an unusable name
        return None
    return candidate if inside.parts else None


@dataclass(frozen=True)
class Photo:
    """One photo as an article uses it: where it comes from and what gets published."""

    source: Path
    src: str  # as the editor wrote it, relative to the article's folder
    key: str | None
    derived: Derived | None
    error: PhotoError | None

    def file_name(self, variant: Variant) -> str:
        """Published name, beside the article's page: `anh/IMG_1.jpg` -> `anh/IMG_1-800.webp`."""
        stem = self.src.rsplit(".", 1)[0] if "." in Path(self.src).name else self.src
        return f"{stem}-{variant.width}.{variant.extension}"

    def variants(self, format_: str) -> list[Variant]:
        return [v for v in self.derived.variants if v.format == format_]

    def url(self, variant: Variant) -> str:
        return quote(self.file_name(variant))

    def srcset(self, format_: str, prefix: str = "") -> str:
        return ", ".join(f"{prefix}{self.url(v)} {v.width}w" for v in self.variants(format_))

    def default_variant(self, preferred_width: int) -> Variant:
        """The fallback variant closest to `preferred_width`: `src` for browsers without srcset."""
        return min(
            self.variants(self.derived.fallback), key=lambda v: abs(v.width - preferred_width)
        )


def photo_settings(settings: dict) -> PhotoSettings:
    return PhotoSettings(
        widths=tuple(sorted(settings["PHOTO_WIDTHS"])),
        webp_quality=settings["PHOTO_WEBP_QUALITY"],
        jpeg_quality=settings["PHOTO_JPEG_QUALITY"],
        webp_method=settings["PHOTO_WEBP_METHOD"],
        max_pixels=settings["PHOTO_MAX_PIXELS"],
    )


class PhotoLibrary:
    def __init__(self, settings: dict):
        self.settings = photo_settings(settings)
        self.cache = PhotoCache(Path(settings["PHOTO_CACHE_PATH"]))
        self._photos: dict[tuple[Path, str], Photo] = {}
        self._known_keys: dict[str, str] | None = None
        self._new_keys = False

    def key(self, source: Path) -> str:
        """The photo's cache key, hashed once for each version of the file (as git trusts its
        index: same path, size, modification time and inode, same bytes), so that the editions
        and later builds do not read every photo again. The keys known are kept in the cache."""
        if self._known_keys is None:
            self._known_keys = self.cache.known_keys()
        stat = source.stat()
        identity = f"{source}|{stat.st_size}|{stat.st_mtime_ns}|{stat.st_ino}|{self.settings}"
        if identity not in self._known_keys:
            self._known_keys[identity] = cache_key(source, self.settings)
            self._new_keys = True
        return self._known_keys[identity]

    def photo(self, article_dir: Path, src: str) -> Photo:
        """The photo `src` used by the article in `article_dir`, derived now if need be."""
        known = self._photos.get((article_dir, src))
        if known is not None:
            return known
        source = article_dir / src
        if not source.is_file():
            error = PhotoError("photo-missing", f"Không tìm thấy ảnh “{src}” trong thư mục bài viết")
            return self._remember(article_dir, Photo(source, src, None, None, error))
        key = self.key(source)
        result = self.cache.lookup(key)
        if result is None:
            derive_into_cache(source, key, self.settings, self.cache.root)
            result = self.cache.lookup(key)
        if isinstance(result, PhotoError):
            return self._remember(article_dir, Photo(source, src, key, None, result))
        return self._remember(article_dir, Photo(source, src, key, result, None))

    def save_keys(self) -> None:
        """Keep the keys hashed by this library for later builds and checks."""
        if self._new_keys:
            self.cache.remember_keys(self._known_keys)
            self._new_keys = False

    def forget(self, article_dir: Path) -> None:
        """Look the photos of `article_dir` up again (one of them was replaced or added)."""
        for folder, src in list(self._photos):
            if folder == article_dir:
                del self._photos[(folder, src)]

    def _remember(self, article_dir: Path, photo: Photo) -> Photo:
        self._photos[(article_dir, photo.src)] = photo
        return photo

    def prefetch(self, content_roots: list[Path]) -> None:
        """Derive, on every core, the photos the Markdown under `content_roots` appears to use."""
        jobs: dict[str, Path] = {}
        for source in referenced_photos(content_roots):
            key = self.key(source)
            if key not in jobs and self.cache.lookup(key) is None:
                jobs[key] = source
        derive_missing(jobs, self.settings, self.cache)
        if self._new_keys:
            self.cache.remember_keys(self._known_keys)


_current: tuple[dict, PhotoLibrary] | None = None


def library_for(settings: dict) -> PhotoLibrary:
    """The library of the build these settings belong to (one Pelican run, one settings dict)."""
    global _current
    if _current is None or _current[0] is not settings:
        _current = (settings, PhotoLibrary(settings))
    return _current[1]


def referenced_photos(content_roots: list[Path]) -> list[Path]:
    """Existing files named as images or `Image:` metadata by the Markdown files."""
    found: dict[Path, None] = {}
    for root in content_roots:
        for markdown in sorted(root.rglob("*")):
            if markdown.suffix.lower() not in MARKDOWN_SUFFIXES or not markdown.is_file():
                continue
            text = markdown.read_text(encoding="utf-8", errors="replace")
            names = IMAGE_REFERENCE.findall(text) + IMAGE_METADATA.findall(text)
            for name in names:
                if is_local_photo(name) and (markdown.parent / name).is_file():
                    found[markdown.parent / name] = None
    return list(found)
