"""Photos beside the article: editors write `![...](IMG_5760.jpg)`, readers get fast, safe images.

- Before the articles are read, the photos their Markdown names are derived on every core into a
  cache keyed by content and settings (library.py, pipeline.py, derive.py, cache.py): a second
  build does no image work, and a changed photo is redone alone.
- While Markdown is converted, each photo becomes a responsive `<picture>` (markdown.py).
- Each article and page gets `card_image` (its `Image:` metadata, or its first photo) for lists
  and Open Graph, and a bad photo becomes one finding naming the article and the file.
- When a page is written, its photos' files are copied beside it from the cache. Originals are
  published only when PHOTO_PUBLISH_ORIGINALS is set.
"""

import logging
import os
import shutil
from pathlib import Path

from pelican import signals
from pelican.contents import Article, Page

from bantin.errors import Finding

from .library import library_for
from .markdown import PhotoUse

logger = logging.getLogger(__name__)


def prefetch(pelican) -> None:
    settings = pelican.settings
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
        card = next((use for use in uses if use.photo is photo), None)
        if card is None:  # a photo shown only on cards: published all the same
            card = PhotoUse(photo, "")
            uses.append(card)
    else:
        card = next((use for use in uses if use.photo.derived is not None), None)
    content.photos = uses
    report_errors(content, uses)
    if card is not None and card.photo.derived is not None:
        content.card_image = card_image(content, card)


def card_image(content, use: PhotoUse) -> dict:
    """The contract of docs/architecture.md: site-relative url, width, height, alt, srcset,
    webp_srcset."""
    photo = use.photo
    folder = content.url.rsplit("/", 1)[0] if "/" in content.url else ""
    prefix = f"{folder}/" if folder else ""
    variant = photo.default_variant(content.settings["PHOTO_DEFAULT_WIDTH"])
    return {
        "url": prefix + photo.url(variant),
        "width": variant.width,
        "height": variant.height,
        "alt": use.alt,
        "srcset": photo.srcset(photo.derived.fallback, f"{content.settings['SITEURL']}/{prefix}"),
        "webp_srcset": photo.srcset("webp", f"{content.settings['SITEURL']}/{prefix}"),
    }


def report_errors(content, uses: list[PhotoUse]) -> None:
    reported = set()
    for use in uses:
        error = use.photo.error
        if error is None or use.photo.src in reported:
            continue
        reported.add(use.photo.src)
        source = Path(content.source_path)
        shown = Path(content.settings["PATH"]).parent
        path = source.relative_to(shown) if shown in source.parents else source
        finding = Finding(path, line_of(source, use.photo.src), error.code, error.message)
        logger.error(str(finding), extra={"finding": finding})


def line_of(source: Path, src: str) -> int | None:
    """The first line of the article that names the photo, for the editor's finding."""
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((number for number, line in enumerate(lines, 1) if src in line), None)


def place(source: Path, target: str) -> None:
    """Publish `source` at `target` as a hard link (no bytes copied: cache entries are never
    written in place), or as a copy where the two folders are on different file systems."""
    try:
        os.link(source, target)
    except FileExistsError:
        os.unlink(target)
        place(source, target)
    except OSError:
        shutil.copyfile(source, target)


def publish(path: str, context: dict) -> None:
    """Publish the photos of the page just written at `path` beside it, from the cache."""
    content = context.get("article") or context.get("page")
    if content is None:
        return
    folder = os.path.dirname(path)
    library = library_for(content.settings)
    for use in getattr(content, "photos", None) or []:
        photo = use.photo
        if photo.derived is None:
            continue
        for variant in photo.derived.variants:
            target = os.path.join(folder, photo.file_name(variant))
            if "/" in photo.src:  # a photo in a subfolder of the article's folder
                os.makedirs(os.path.dirname(target), exist_ok=True)
            place(library.cache.file(photo.key, variant), target)
        if content.settings["PHOTO_PUBLISH_ORIGINALS"]:
            shutil.copyfile(photo.source, os.path.join(folder, photo.src))


def register() -> None:
    signals.initialized.connect(prefetch)
    signals.content_object_init.connect(enrich)
    signals.content_written.connect(publish)
