"""The photos of one build: settings read once, the cache, and each photo's published set.

Before Pelican reads the articles, `prefetch` finds the photos their Markdown names and derives
the missing ones in parallel, so that when the Markdown is converted every photo's sizes (or its
error) are already known and the markup can be written in one pass.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from core.checkout import committed_for, committed_id
from core.record import record_of
from core.source import SOURCE_SUFFIXES, image_sources, is_local_photo, photo_inside

from .cache import PhotoCache, cache_key
from .derive import Derived, PhotoError, PhotoSettings, Variant
from .pipeline import derive_into_cache, derive_missing

# Cheap guesses at the photos a Markdown file uses, to start their work early. The Markdown
# treeprocessor is the authority: a photo missed here is derived when it is met.
IMAGE_METADATA = re.compile(r"^image:\s*(\S.*?)\s*$", re.IGNORECASE | re.MULTILINE)


def source_inside(photo: "Photo") -> Path | None:
    """`photo`'s source, if it is still inside its article's folder (a photo kept from an earlier
    build, by the reader's cache, is judged again before it is read)."""
    folder = photo.source
    for _ in photo.src.split("/"):
        folder = folder.parent
    return photo_inside(folder, photo.src)


@dataclass(frozen=True)
class Photo:
    """One photo as an article uses it: where it comes from and what gets published."""

    source: Path
    src: str  # as the editor wrote it, relative to the article's folder
    key: str | None
    derived: Derived | None
    error: PhotoError | None
    stem: str = ""  # published name without width and extension (published_stem)

    def file_name(self, variant: Variant) -> str:
        """Published name, beside the article's page: `anh/IMG_1.jpg` -> `anh/IMG_1-800.webp`."""
        return f"{self.stem or self.src}-{variant.width}.{variant.extension}"

    def variants(self, format_: str, card: bool = False) -> list[Variant]:
        """The published widths in `format_`, largest first; with `card`, the card widths too."""
        every = self.derived.variants + (self.derived.card_variants if card else ())
        return [v for v in every if v.format == format_]

    def url(self, variant: Variant) -> str:
        return quote(self.file_name(variant))

    def srcset(self, format_: str, prefix: str = "", card: bool = False) -> str:
        return ", ".join(f"{prefix}{self.url(v)} {v.width}w" for v in self.variants(format_, card))

    def default_variant(self, preferred_width: int) -> Variant:
        """The fallback variant closest to `preferred_width`: `src` for browsers without srcset."""
        return min(
            self.variants(self.derived.fallback), key=lambda v: abs(v.width - preferred_width)
        )


# Sources whose names compete for one published name when only their extension differs.
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".jpe", ".png", ".webp", ".heic", ".heif", ".gif", ".tif",
                  ".tiff", ".bmp"}


def published_stem(src: str, neighbours: set[str]) -> str:
    """`IMG_1.jpg` -> `IMG_1`; but when the folder also holds another photo of that name with
    another extension (`gps.jpg`, `gps.png`, `gps.webp`), each keeps its extension in its
    published name (`gps-jpg`, `gps-png`, `gps-webp`), so distinct sources never overwrite each
    other's published files. `neighbours` are the file names of the photo's own folder."""
    folder, _, name = src.rpartition("/")
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return src
    same_stem = [other for other in neighbours if other != name
                 and other.rpartition(".")[0].casefold() == stem.casefold()
                 and Path(other).suffix.lower() in PHOTO_SUFFIXES]
    if same_stem:
        stem = f"{stem}-{extension}"
    return f"{folder}/{stem}" if folder else stem


def photo_settings(settings: dict) -> PhotoSettings:
    return PhotoSettings(
        widths=tuple(sorted(settings["PHOTO_WIDTHS"])),
        card_widths=tuple(sorted(settings["PHOTO_CARD_WIDTHS"])),
        webp_quality=settings["PHOTO_WEBP_QUALITY"],
        jpeg_quality=settings["PHOTO_JPEG_QUALITY"],
        webp_method=settings["PHOTO_WEBP_METHOD"],
        max_pixels=settings["PHOTO_MAX_PIXELS"],
    )


@dataclass(frozen=True)
class PhotoUse:
    """A photo where an article shows it, with the text that describes it there; `card` when it
    is also the article's card photo in lists, which publishes its card widths too."""

    photo: Photo
    alt: str
    card: bool = False

    def published(self) -> tuple[Variant, ...]:
        """The variants published beside the article's page."""
        derived = self.photo.derived
        if derived is None:
            return ()
        return derived.variants + (derived.card_variants if self.card else ())


class PhotoLibrary:
    def __init__(self, settings: dict):
        self.settings = photo_settings(settings)
        self.build_settings = settings
        self.cache = PhotoCache(Path(settings["PHOTO_CACHE_PATH"]))
        self._photos: dict[tuple[Path, str], Photo] = {}
        self._listings: dict[Path, set[str]] = {}
        # (key, variant) -> the first published copy of this build: path, inode, size, time
        record = record_of(settings)
        self._copies: dict[tuple[str, Variant], tuple[Path, int, int, int]] = (
            record.photo_copies if record is not None else {})
        self._known_keys: dict[str, str] | None = None
        self._new_keys = False

    def key(self, source: Path) -> str:
        """The photo's cache key, hashed once for each version of the file (as git trusts its
        index: same path, size, modification time and inode, same bytes; or, for a file as
        committed, the id git gives its bytes, which a fresh checkout keeps), so that the
        editions and later builds do not read every photo again. The keys known are kept in the
        cache."""
        if self._known_keys is None:
            self._known_keys = self.cache.known_keys()
        stat = source.stat()
        version = (committed_id(source, stat, committed_for(self.build_settings))
                   or f"{source}|{stat.st_size}|{stat.st_mtime_ns}|{stat.st_ino}")
        identity = f"{version}|{self.settings}"
        if identity not in self._known_keys:
            self._known_keys[identity] = cache_key(source, self.settings)
            self._new_keys = True
        return self._known_keys[identity]

    def photo(self, article_dir: Path, src: str) -> Photo:
        """The photo `src` used by the article in `article_dir`, derived now if need be."""
        known = self._photos.get((article_dir, src))
        if known is not None:
            return known
        source = photo_inside(article_dir, src)
        if source is None:
            error = PhotoError(
                "photo-outside",
                f"Ảnh “{src}” nằm ngoài thư mục bài viết: hãy chép ảnh vào thư mục của bài "
                "rồi chỉ ghi tên tệp, ví dụ ![Mô tả](IMG_5760.jpg)")
            return self._remember(article_dir, Photo(article_dir, src, None, None, error))
        stem = published_stem(src, self._names(source.parent))
        try:
            found = source.is_file()
        except OSError:  # a name the file system refuses (over 255 bytes...)
            error = PhotoError("photo-unreadable",
                               f"Tên ảnh “{src}” quá dài hoặc không hợp lệ: hãy đặt tên ngắn hơn")
            return self._remember(article_dir, Photo(source, src, None, None, error, stem))
        if not found:
            error = PhotoError("photo-missing",
                               f"Không tìm thấy ảnh “{src}” trong thư mục bài viết")
            return self._remember(article_dir, Photo(source, src, None, None, error, stem))
        try:
            key = self.key(source)
        except OSError as error:
            problem = PhotoError("photo-unreadable",
                                 f"Không đọc được ảnh “{src}”: {error.strerror}")
            return self._remember(article_dir, Photo(source, src, None, None, problem, stem))
        result = self._derived(source, key)
        if isinstance(result, PhotoError):
            return self._remember(article_dir, Photo(source, src, key, None, result, stem))
        return self._remember(article_dir, Photo(source, src, key, result, None, stem))

    def _derived(self, source: Path, key: str) -> Derived | PhotoError:
        """The cache's result for `key`, derived now when missing or damaged. A build that
        cannot store it (disk full, a folder it may not write) gets an error, never a photo
        silently left out."""
        for _ in range(3):  # a concurrent build may set a damaged entry aside meanwhile
            result = self.cache.lookup(key)
            if result is not None:
                return result
            try:
                derive_into_cache(source, key, self.settings, self.cache.root)
            except OSError:
                break
        return self.cache.lookup(key) or PhotoError(
            "photo-cache",
            f"Không lưu được ảnh “{source.name}” vào thư mục {self.cache.root}: hãy kiểm tra ổ "
            "đĩa còn chỗ trống rồi dựng lại trang")

    def published_bytes(self, photo: Photo, variant: Variant) -> bytes | None:
        """The bytes to publish for one variant of `photo`, checked against the digest the
        cache recorded; a damaged or vanished entry is derived again from the source (if the
        source still has the content the markup was made from). None if that fails."""
        for _ in range(3):
            data = self.cache.verified(photo.key, variant)
            if data is not None:
                return data
            if source_inside(photo) is None:
                return None
            try:
                if cache_key(photo.source, self.settings) != photo.key:
                    return None  # the photo changed during the build: the next build redoes it
            except OSError:
                return None
            self._derived(photo.source, photo.key)
        return None

    def remember_copy(self, photo: Photo, variant: Variant, target: Path) -> None:
        """`target` now holds the verified bytes of `variant`: later pages may link to it."""
        stat = target.stat()
        self._copies[(photo.key, variant)] = (target, stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def earlier_copy(self, photo: Photo, variant: Variant) -> Path | None:
        """A file this build published with `variant`'s bytes, if it is still that very file
        (the preview moves published files away; a name may be written again for another photo)."""
        known = self._copies.get((photo.key, variant))
        if known is None:
            return None
        path, inode, size, mtime = known
        try:
            stat = path.stat()
        except OSError:
            return None
        same = (stat.st_ino, stat.st_size, stat.st_mtime_ns) == (inode, size, mtime)
        return path if same else None

    def _names(self, folder: Path) -> set[str]:
        """The file names of a photo's folder (remembered for the run)."""
        if folder not in self._listings:
            try:
                self._listings[folder] = {entry.name for entry in os.scandir(folder)}
            except OSError:
                self._listings[folder] = set()
        return self._listings[folder]

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
        for folder in list(self._listings):
            if folder == article_dir or article_dir in folder.parents:
                del self._listings[folder]

    def _remember(self, article_dir: Path, photo: Photo) -> Photo:
        self._photos[(article_dir, photo.src)] = photo
        return photo

    def prefetch(self, content_roots: list[Path]) -> None:
        """Derive, on every core, the photos the Markdown under `content_roots` appears to use."""
        self.cache.remove_leftovers()
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
    """The library of the build these settings belong to: the one its record keeps (shared by
    the lint and every edition), or, without a build, one per settings dict."""
    global _current
    record = record_of(settings)
    if record is not None:
        key = photo_settings(settings)
        if key not in record.photo_libraries:
            record.photo_libraries[key] = PhotoLibrary(settings)
        return record.photo_libraries[key]
    if _current is None or _current[0] is not settings:
        _current = (settings, PhotoLibrary(settings))
    return _current[1]


def referenced_photos(content_roots: list[Path]) -> list[Path]:
    """Existing files named as images or `Image:` metadata by the Markdown files."""
    found: dict[Path, None] = {}
    for root in content_roots:
        for markdown in sorted(root.rglob("*")):
            if markdown.suffix.lower() not in SOURCE_SUFFIXES or not markdown.is_file():
                continue
            text = markdown.read_text(encoding="utf-8", errors="replace")
            names = image_sources(text) + IMAGE_METADATA.findall(text)
            for name in names:
                source = photo_inside(markdown.parent, name) if is_local_photo(name) else None
                try:
                    if source is not None and source.is_file():
                        found[source] = None
                except OSError:
                    pass  # reported when the article is read
    return list(found)
