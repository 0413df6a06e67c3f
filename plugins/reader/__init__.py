"""The Markdown reader of Bản tin: one place where an article's text enters the site.

It decodes strictly as UTF-8 (the lint explains other encodings to the editor), normalises the
text to NFC so that search, slugs and typography see one spelling of each letter, and builds each
file's Markdown instance with the project's extensions: figures, links between articles by plain
relative path, and photos (which need the file's own folder). Typography (typogrify) is applied
here too rather than by Pelican, so that the whole conversion is cached (cache.py): an unchanged
article costs a file read and an unpickle, in every edition and every later build; the sources
missing from the cache are converted ahead on every core while Pelican reads (ahead.py).

A source without `Summary:` gets its opening words as summary here, without its photos: Pelican's
own summary would carry the article's photos, whose relative addresses break on list pages.
"""

import logging
from pathlib import Path

from bs4 import BeautifulSoup
from markdown import Markdown
from pelican import signals
from pelican.readers import MarkdownReader
from pelican.utils import truncate_html_words

from core.pelican_internals import markdown_metadata
from core.record import record_of
from core.vietnamese import nfc
from plugins.reader.figures import FiguresExtension
from plugins.reader.photos import PhotosExtension
from plugins.reader import ahead
from plugins.reader.cache import ReaderCache
from plugins.reader.links import ArticleLinksExtension
from plugins.reader.typography import typography

logger = logging.getLogger(__name__)


class ArticleReader(MarkdownReader):
    """Pelican's Markdown reader with NFC text, the project's extensions, and a cache."""

    def read(self, source_path: str):
        self._source_path = source_path
        if getattr(self, "_cache", None) is None:
            self._cache = ReaderCache(self.settings)
        key = self._cache.key(source_path)
        record = record_of(self.settings)
        shared = record.conversions if record is not None else {}
        converted = shared.get(key)
        if converted is None:
            ahead.ready(key)  # when a worker converts it
            converted = self._cache.load(key)
        if converted is None:
            converted = self.convert(source_path)
            self._cache.store(key, converted)
        shared[key] = converted  # the other editions read the same bytes: not unpickled again
        content, meta, formatted, photos = converted
        metadata = self.metadata(meta, formatted)
        metadata["photos"] = list(photos)
        return content, metadata

    def convert(self, source_path: str) -> tuple[str, dict, dict, list]:
        """Markdown to HTML: (content, raw metadata, formatted fields as HTML, photos)."""
        text, fields = self.markdowns(source_path)
        with open(source_path, encoding="utf-8-sig") as source:
            content = text.convert(nfc(source.read()))
        photos = list(text.photos)
        meta = {name.lower(): values for name, values in getattr(text, "Meta", {}).items()}
        formatted = {}
        for name in self.settings["FORMATTED_FIELDS"]:
            if name in meta:
                fields.reset()
                formatted[name] = typography(fields.convert("\n".join(meta[name])),
                                             self.settings)
        if "title" in meta:
            meta["title"] = [typography(value, self.settings) for value in meta["title"]]
        content = typography(content, self.settings)
        if "summary" not in meta and "summary" in self.settings["FORMATTED_FIELDS"]:
            formatted["summary"] = opening_words(content, self.settings)
        return content, meta, formatted, photos

    def markdowns(self, source_path: str) -> tuple[Markdown, Markdown]:
        """This reader's Markdown for a source's text, and the one for its formatted fields
        (no metadata inside those), reset and set to the photos of `source_path`'s folder: made
        once, since making one costs a tenth of a conversion."""
        if getattr(self, "_markdowns", None) is None:
            fields = markdown_for(self.settings, source_path)
            fields.preprocessors.deregister("meta")
            self._markdowns = (markdown_for(self.settings, source_path), fields)
        for md in self._markdowns:
            md.reset()
            md.photos_folder = Path(source_path).parent
        return self._markdowns

    def metadata(self, meta: dict[str, list[str]], formatted: dict[str, str]) -> dict:
        """Pelican's metadata objects from the raw values, and the opening words as summary."""
        output = markdown_metadata(self, meta, formatted, self._source_path)
        if "summary" in formatted and "summary" not in output:  # the opening words
            output["summary"] = formatted["summary"]
        return output


def markdown_for(settings: dict, source_path: str | None) -> Markdown:
    """The project's Markdown: settings' extensions, figures, links between articles, and the
    photos of the folder of `source_path` (without one, photos stay plain <img>: the desk's
    preview of text not saved yet)."""
    config = settings["MARKDOWN"]
    photos = [PhotosExtension(source_path=source_path, settings=settings)] if source_path else []
    # Pelican's reader adds every configured extension and `meta` to MARKDOWN["extensions"] when
    # it starts; the desk renders without a Pelican run, so the list is made here the same way.
    named = dict.fromkeys([*config.get("extensions", []), *config.get("extension_configs", {}),
                           "markdown.extensions.meta"])
    return Markdown(
        extensions=[*named, FiguresExtension(), ArticleLinksExtension(), *photos],
        extension_configs=config.get("extension_configs", {}),
        output_format=config.get("output_format", "html5"),
    )


def opening_words(content: str, settings: dict) -> str:
    """The summary of a source without `Summary:`: its first SUMMARY_MAX_LENGTH words as Pelican
    would cut them, without photos, figures or photo error boxes."""
    soup = BeautifulSoup(content, "html.parser")
    for photo in soup.select("figure, picture, img, .bt-photo-error"):
        photo.decompose()
    if settings["SUMMARY_MAX_LENGTH"] is None:
        return str(soup)
    return truncate_html_words(str(soup), settings["SUMMARY_MAX_LENGTH"],
                               settings["SUMMARY_END_SUFFIX"])


def add_reader(readers) -> None:
    for extension in ArticleReader.file_extensions:
        readers.reader_classes[extension] = ArticleReader
    ahead.convert_ahead(ArticleReader, readers.settings)


def register() -> None:
    signals.readers_init.connect(add_reader)
    signals.all_generators_finalized.connect(ahead.finish)
