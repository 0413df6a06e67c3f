"""Markdown side of photos: relative image paths resolved against the article's own folder."""

import xml.etree.ElementTree as etree
from pathlib import Path

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor


def is_local_photo(src: str) -> bool:
    """True for a plain relative path such as `IMG_5760.jpg` or `anh/IMG_5760.jpg`."""
    return bool(src) and "://" not in src and not src.startswith(("/", "{", "data:", "#"))


class PhotoPathsTreeprocessor(Treeprocessor):
    """Records each local photo and marks it for Pelican to publish beside the article."""

    def __init__(self, md: Markdown, source_dir: Path):
        super().__init__(md)
        self.source_dir = source_dir

    def run(self, root: etree.Element) -> None:
        for image in root.iter("img"):
            src = image.get("src", "")
            if is_local_photo(src):
                self.md.photos.append(self.source_dir / src)
                # {attach} publishes the file next to the article's page (Pelican core).
                image.set("src", "{attach}" + src)


class PhotosExtension(Extension):
    def __init__(self, source_path: str, settings: dict, **kwargs):
        self.source_dir = Path(source_path).parent
        self.settings = settings
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        md.photos = []
        # After figures (25) and inline (20), so every <img> exists.
        md.treeprocessors.register(PhotoPathsTreeprocessor(md, self.source_dir), "photo_paths", 11)
