"""The Markdown reader of Bản tin: one place where an article's text enters the site.

It decodes strictly as UTF-8 (the lint explains other encodings to the editor), normalises the
text to NFC so that search, slugs and typography see one spelling of each letter, and builds each
file's Markdown instance with the project's extensions: figures, links between articles by plain
relative path, and photos (which need the file's own folder).
"""

from markdown import Markdown
from pelican import signals
from pelican.readers import MarkdownReader

from bantin.vietnamese import nfc
from plugins.figures import FiguresExtension
from plugins.photos.markdown import PhotosExtension
from plugins.reader.links import ArticleLinksExtension


class ArticleReader(MarkdownReader):
    """Pelican's Markdown reader with NFC text and the project's per-file extensions."""

    def read(self, source_path: str):
        self._source_path = source_path
        config = self.settings["MARKDOWN"]
        self._md = Markdown(
            extensions=[
                *config["extensions"],
                FiguresExtension(),
                ArticleLinksExtension(),
                PhotosExtension(source_path=source_path, settings=self.settings),
            ],
            extension_configs=config.get("extension_configs", {}),
            output_format=config.get("output_format", "html5"),
        )
        with open(source_path, encoding="utf-8-sig") as source:
            content = self._md.convert(nfc(source.read()))
        photos = list(self._md.photos)  # before the summary, a formatted field, is converted
        metadata = self._parse_metadata(self._md.Meta) if hasattr(self._md, "Meta") else {}
        metadata["photos"] = photos
        return content, metadata


def add_reader(readers) -> None:
    for extension in ArticleReader.file_extensions:
        readers.reader_classes[extension] = ArticleReader


def register() -> None:
    signals.readers_init.connect(add_reader)
