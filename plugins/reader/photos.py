"""Markdown side of photos: `![...](IMG_5760.jpg)` becomes a responsive `<picture>`.

The path is relative to the article's own folder. The published files sit beside the article's
page, so the markup keeps relative URLs: WebP in a `<source>`, the JPEG (or PNG) fallback in the
`<img>`, each with every width in `srcset`, and the `<img>` with its width and height so the page
does not jump while photos load. The first photo of a page is fetched first; the others lazily.
"""

import xml.etree.ElementTree as etree
from pathlib import Path
from urllib.parse import unquote

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from plugins.photos.library import Photo, PhotoLibrary, PhotoUse, is_local_photo, library_for


class PhotoTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown, library: PhotoLibrary, settings: dict):
        super().__init__(md)
        self.library = library
        self.sizes = settings["PHOTO_SIZES"]
        self.default_width = settings["PHOTO_DEFAULT_WIDTH"]

    def run(self, root: etree.Element) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        first = True
        for image in list(root.iter("img")):
            src = image.get("src", "")
            if not is_local_photo(src):
                continue
            photo = self.library.photo(self.md.photos_folder, unquote(src))
            self.md.photos.append(PhotoUse(photo, describe(image, parents)))
            if photo.derived is None:  # reported with the article (a strict build stops)
                replace(image, broken(photo), parents)
                continue
            replace(image, self.picture(photo, image, first), parents)
            first = False

    def picture(self, photo: Photo, image: etree.Element, first: bool) -> etree.Element:
        picture = etree.Element("picture")
        webp = {"type": "image/webp", "srcset": photo.srcset("webp"), "sizes": self.sizes}
        etree.SubElement(picture, "source", webp)
        default = photo.default_variant(self.default_width)
        largest = photo.derived
        image.set("src", photo.url(default))
        image.set("srcset", photo.srcset(largest.fallback))
        image.set("sizes", self.sizes)
        image.set("width", str(largest.width))
        image.set("height", str(largest.height))
        if first:
            image.set("fetchpriority", "high")
        else:
            image.set("loading", "lazy")
        image.set("decoding", "async")
        picture.append(image)
        return picture


def replace(image: etree.Element, by: etree.Element, parents: dict) -> None:
    parent = parents[image]
    by.tail, image.tail = image.tail, None
    parent[list(parent).index(image)] = by


def broken(photo: Photo) -> etree.Element:
    """What the preview shows where a photo cannot be published: a bordered box of text
    (readable by everyone, screen readers included) naming the photo and the problem, rather
    than a broken image."""
    box = etree.Element("span", {"class": "bt-photo-error", "data-photo-error": photo.error.code})
    label = etree.SubElement(box, "strong")
    label.text = f"Ảnh “{photo.src}” không đọc được."
    label.tail = f" {photo.error.message}"
    return box


def describe(image: etree.Element, parents: dict) -> str:
    """What the photo shows: its alt text, or the caption of its figure."""
    if image.get("alt"):
        return image.get("alt")
    figure = parents.get(image)
    caption = figure.find("figcaption") if figure is not None and figure.tag == "figure" else None
    return "".join(caption.itertext()).strip() if caption is not None else ""


class PhotosExtension(Extension):
    """Photos of the folder of `source_path`; a reader that converts the sources of other
    folders with the same Markdown sets `md.photos_folder` before each."""

    def __init__(self, source_path: str, settings: dict, **kwargs):
        self.article_dir = Path(source_path).parent
        self.settings = settings
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)  # for reset()
        self.md = md
        md.photos, md.photos_folder = [], self.article_dir
        processor = PhotoTreeprocessor(md, library_for(self.settings), self.settings)
        # After figures (25) and inline (20), so every <img> exists.
        md.treeprocessors.register(processor, "photos", 11)

    def reset(self) -> None:
        self.md.photos = []
