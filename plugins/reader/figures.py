"""Figures: a photo alone in its paragraph becomes <figure> with a <figcaption>.

    ![Toàn cảnh hội nghị](IMG_5760.jpg)
        -> caption "Toàn cảnh hội nghị"; the image's alt is empty, because the caption already
           says it and a screen reader must not read the same text twice.
    ![Đại biểu biểu quyết](IMG_5760.jpg "Biểu quyết nghị quyết. *Ảnh: [Trần Văn B](...)*")
        -> alt from the brackets, caption from the title, with its inline Markdown rendered.

An image inside running text stays inline. A Python-Markdown extension, added by plugins/reader.
"""

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.inlinepatterns import IMAGE_LINK_RE, ImageInlineProcessor
from markdown.treeprocessors import Treeprocessor

# Before Python-Markdown's inline processor (priority 20): the caption is still raw Markdown
# here, so links and emphasis in it are rendered by the inline processor like any other text.
PRIORITY = 25
_MARKUP = re.compile(r"[*_`]")
_ESCAPE = re.compile(r"\\(.)")


class _ImageSyntax(ImageInlineProcessor):
    """Python-Markdown's own parser of `![alt](src "title")`, used on raw paragraph text.

    Its unescape() needs the inline processor's state, which does not exist yet: here the text
    is still raw, so there is nothing stashed to restore."""

    def unescape(self, text: str) -> str:
        return text


class FigureTreeprocessor(Treeprocessor):
    """Turns each paragraph that holds exactly one image and nothing else into a figure."""

    def __init__(self, md: Markdown):
        super().__init__(md)
        self._image_syntax = _ImageSyntax(IMAGE_LINK_RE, md)

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, paragraph in enumerate(list(parent)):
                if paragraph.tag == "p" and len(paragraph) == 0:
                    figure = self._figure((paragraph.text or "").strip())
                    if figure is not None:
                        figure.tail = paragraph.tail
                        parent[index] = figure

    def _figure(self, source: str) -> etree.Element | None:
        """The figure for `source` when it is one image syntax and nothing else."""
        if not source.startswith("!["):
            return None
        alt, index, handled = self._image_syntax.getText(source, 2)
        if not handled:
            return None
        src, title, index, handled = self._image_syntax.getLink(source, index)
        if not handled or source[index:].strip() or not src:
            return None
        figure = etree.Element("figure")
        image = etree.SubElement(figure, "img", {"src": src, "alt": ""})
        # A quote escaped to fit inside the title's own quotes is an ordinary quote in the caption.
        title = (title or "").replace('\\"', '"')
        caption = (title or alt).strip()
        if title:
            image.set("alt", _ESCAPE.sub(r"\1", _MARKUP.sub("", alt)).strip())
        if caption:
            etree.SubElement(figure, "figcaption").text = caption
        return figure


class FiguresExtension(Extension):
    """Register the figure treeprocessor on a Markdown instance."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(FigureTreeprocessor(md), "figures", PRIORITY)


def makeExtension(**kwargs) -> FiguresExtension:
    """Entry point for `markdown.Markdown(extensions=["plugins.reader.figures"])`."""
    return FiguresExtension(**kwargs)
