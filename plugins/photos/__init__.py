"""Photos beside the article: editors write `![...](IMG_5760.jpg)`, readers get fast, safe images.

- Before the articles are read, the photos their Markdown names are derived on every core into a
  cache keyed by content and settings (library.py, pipeline.py, derive.py, cache.py): a second
  build does no image work, and a changed photo is redone alone.
- While Markdown is converted, each photo becomes a responsive `<picture>` (markdown.py).
- Each article and page gets `card_image` (its `Image:` metadata, or its first photo) for lists
  and search results, with the small card widths (PHOTO_CARD_WIDTHS) that only card photos
  publish, and `share_photo` (the widest JPEG or PNG up to PHOTO_SHARE_WIDTH) for Open Graph and
  JSON-LD; a bad photo becomes one finding naming the article and the file.
- When a page is written, its photos' files are copied beside it from the cache, each checked
  against the digest the cache recorded (copies, not links: damage to the cache later cannot
  reach a published file); the same file published again in the same build (the other
  edition, another article using the same photo) is a hard link to that first copy. Originals
  are published only when PHOTO_PUBLISH_ORIGINALS is set.
- Photos are untrusted: a reference that leaves the article's folder is never read
  (core.source.photo_inside), and `write_published` writes nothing outside the output folder.
"""

import dataclasses
import logging
import os
from pathlib import Path

from pelican import signals
from pelican.contents import Article, Page

from core.errors import Finding
from core.record import record_of

from .library import PhotoUse, library_for, source_inside

logger = logging.getLogger(__name__)


def prefetch(pelican) -> None:
    """Derive the photos the content names, on every core, once per build (not per edition:
    the editions share the content and the photo cache)."""
    settings = pelican.settings
    record = record_of(settings)
    if record is not None:
        if record.photos_prefetched:
            return
        record.photos_prefetched = True
    content = Path(settings["PATH"])
    roots = [content / folder for folder in settings["ARTICLE_PATHS"] + settings["PAGE_PATHS"]]
    library_for(settings).prefetch([root for root in roots if root.is_dir()])


def enrich(content) -> None:
    """Card image and findings for one article or page."""
    if not isinstance(content, (Article, Page)):
        return
    uses: list[PhotoUse] = list(getattr(content, "photos", None) or [])
    article_dir = Path(content.source_path).parent
    named = getattr(content, "image", None)
    if named:
        photo = library_for(content.settings).photo(article_dir, str(named).strip())
        card = next((use for use in uses if use.photo.src == photo.src), None)
        if card is None:  # a photo shown only on cards: published all the same
            card = PhotoUse(photo, "")
            uses.append(card)
    else:
        card = next((use for use in uses if use.photo.derived is not None), None)
    if card is not None:
        uses[uses.index(card)] = card = dataclasses.replace(card, card=True)
    content.photos = uses
    report_errors(content, uses)
    report_clashes(content, uses)
    if card is not None and card.photo.derived is not None:
        prefix = page_folder(content)  # Pelican works the page's address out on each call
        content.card_image = card_image(content, card, prefix)
        content.share_photo = share_photo(content, card, prefix)


def page_folder(content) -> str:
    """The site-relative folder of `content`'s page, with its slash ("" at the root)."""
    url = content.url  # worked out by Pelican anew on every reading
    folder = url.rsplit("/", 1)[0] if "/" in url else ""
    return f"{folder}/" if folder else ""


def card_image(content, use: PhotoUse, prefix: str) -> dict:
    """The contract of docs/architecture.md: site-relative url, width, height, alt, srcset,
    webp_srcset. `url` is the smallest card width: cards show a thumbnail, and browsers that
    read `srcset` pick their own."""
    photo = use.photo
    variant = photo.variants(photo.derived.fallback, card=True)[-1]
    return {
        "url": prefix + photo.url(variant),
        "width": variant.width,
        "height": variant.height,
        "alt": use.alt,
        "srcset": photo.srcset(photo.derived.fallback, f"{content.settings['SITEURL']}/{prefix}",
                               card=True),
        "webp_srcset": photo.srcset("webp", f"{content.settings['SITEURL']}/{prefix}", card=True),
    }


def share_photo(content, use: PhotoUse, prefix: str) -> dict:
    """What social networks and search engines show of the article (Open Graph, JSON-LD): the
    widest JPEG or PNG up to PHOTO_SHARE_WIDTH (they take neither WebP everywhere nor srcset)."""
    photo = use.photo
    fitting = [v for v in photo.variants(photo.derived.fallback)
               if v.width <= content.settings["PHOTO_SHARE_WIDTH"]]
    variant = fitting[0] if fitting else photo.variants(photo.derived.fallback)[-1]
    return {"url": prefix + photo.url(variant), "width": variant.width,
            "height": variant.height, "alt": use.alt}


def report_errors(content, uses: list[PhotoUse]) -> None:
    reported = set()
    for use in uses:
        error = use.photo.error
        if error is None or use.photo.src in reported:
            continue
        reported.add(use.photo.src)
        report(content, use.photo.src, error.code, error.message)


def report(content, src: str, code: str, message: str) -> None:
    """One finding on the line of `content`'s source that names the photo `src`."""
    source = Path(content.source_path)
    shown = Path(content.settings["PATH"]).parent
    path = source.relative_to(shown) if shown in source.parents else source
    finding = Finding(path, line_of(source, src), code, message)
    logger.error(str(finding), extra={"finding": finding})


def report_clashes(content, uses: list[PhotoUse]) -> None:
    """Two sources that would publish under one name (left after published_stem's rule only by
    names made to collide, such as `gps.png` beside `gps-png.jpg`): one would overwrite the
    other."""
    owners: dict[str, str] = {}
    for use in uses:
        photo = use.photo
        if photo.derived is None:
            continue
        for variant in use.published():
            other = owners.setdefault(photo.file_name(variant), photo.src)
            if other != photo.src:
                report(content, photo.src, "photo-name-clash",
                       f"Ảnh “{photo.src}” và ảnh “{other}” sẽ được đăng cùng một tên tệp "
                       f"“{photo.file_name(variant)}”: hãy đổi tên một trong hai ảnh")
                break


def line_of(source: Path, src: str) -> int | None:
    """The first line of the article that names the photo, for the editor's finding."""
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((number for number, line in enumerate(lines, 1) if src in line), None)


def write_published(data: bytes | Path, target: Path, output: Path,
                    checked: set[str] | None = None) -> bool:
    """Write one published photo file: the only place photos are written to the site. Refuses
    (False) any target outside `output`, the build's output or staging folder, whatever the
    names it was made from: `..` steps, or a symlink on the way below `output`. Replaces a file
    already there rather than writing through it. `data` is the bytes, or a file this build
    already published with those bytes, linked rather than copied again. `checked` holds the
    folders the caller already found safe (a page's photos share one), so that each is walked
    once rather than for every file."""
    root = os.path.abspath(output)
    inside = os.path.normpath(os.path.join(root, target))
    if not inside.startswith(root + os.sep):
        return False
    folder = os.path.dirname(inside)
    if checked is None or folder not in checked:
        step = root
        for part in os.path.relpath(folder, root).split(os.sep):
            step = os.path.join(step, part)
            if os.path.islink(step):
                return False
        os.makedirs(folder, exist_ok=True)
        if checked is not None:
            checked.add(folder)
    if os.path.islink(inside):
        return False
    try:
        _place(data, inside)
    except FileExistsError:
        os.unlink(inside)
        _place(data, inside)
    return True


def _place(data: bytes | Path, path: str) -> None:
    """A new file at `path` (never through one already there): a link to `data`, or its bytes."""
    if isinstance(data, Path):
        os.link(data, path)
        return
    with open(path, "xb") as file:
        file.write(data)


def publish(path: str, context: dict) -> None:
    """Publish the photos of the page just written at `path` beside it, from the cache. A photo
    that cannot be published whole is an error: a strict build never ships a page without it."""
    content = context.get("article") or context.get("page")
    if content is None:
        return
    output = Path(content.settings["OUTPUT_PATH"])
    folder = Path(path).parent
    library = library_for(content.settings)
    checked: set[str] = set()
    for use in getattr(content, "photos", None) or []:
        photo = use.photo
        if photo.derived is None:
            continue
        for variant in use.published():
            target = folder / photo.file_name(variant)
            earlier = library.earlier_copy(photo, variant)
            if earlier is not None:
                try:
                    if write_published(earlier, target, output, checked):
                        continue
                except OSError:
                    pass  # linking failed: a copy from the cache, below, says why if it fails too
            data = library.published_bytes(photo, variant)
            if data is None:
                report(content, photo.src, "photo-cache",
                       f"Không đăng được ảnh “{photo.src}”: bản đã xử lý trong bộ nhớ đệm bị hỏng "
                       "và không làm lại được; hãy dựng lại trang")
                break
            try:
                written = write_published(data, target, output, checked)
            except OSError as error:
                report(content, photo.src, "photo-write",
                       f"Không ghi được ảnh “{photo.src}” vào thư mục trang web: {error.strerror}")
                break
            if not written:
                report(content, photo.src, "photo-outside", outside(photo.src))
                break
            library.remember_copy(photo, variant, target)
        if content.settings["PHOTO_PUBLISH_ORIGINALS"]:
            source = source_inside(photo)
            if source is None or not write_published(source.read_bytes(), folder / photo.src,
                                                     output, checked):
                report(content, photo.src, "photo-outside", outside(photo.src))


def outside(src: str) -> str:
    return f"Ảnh “{src}” nằm ngoài thư mục bài viết hoặc sẽ được ghi ra ngoài thư mục trang web"


def register() -> None:
    signals.initialized.connect(prefetch)
    signals.content_object_init.connect(enrich)
    signals.content_written.connect(publish)
