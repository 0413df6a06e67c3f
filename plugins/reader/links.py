"""Links between articles by plain relative path: `[bài trước](../hoi-nghi/index.md)`.

Editors link to the source file they can see; Pelican's `{filename}` marker, which turns a
source path into the published URL and warns when the target does not exist, is added for them.
"""

import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from core.source import is_source_link


class ArticleLinksTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for link in root.iter("a"):
            href = link.get("href", "")
            if is_source_link(href):
                link.set("href", "{filename}" + href)


class ArticleLinksExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After the inline processor (20) has made the <a> elements.
        md.treeprocessors.register(ArticleLinksTreeprocessor(md), "article_links", 12)
