"""Absolute photo URLs in the Atom feeds, a post-build step.

Articles refer to their photos by paths relative to the article's page (`IMG_5751-800.jpg`), which
a news reader cannot resolve: each entry's content is rewritten with its `src`, `srcset` and
`href` made absolute against the entry's own link. The content is the project's own Markdown
output, whose attributes are always double-quoted, so the attributes are found by pattern rather
than by parsing every entry.
"""

import os
import re
from html import escape, unescape
from pathlib import Path
from urllib.parse import urljoin
from xml.etree import ElementTree

from core.errors import Finding
from core.source import SEARCH_INDEX_FOLDER

ATOM = "http://www.w3.org/2005/Atom"
FEED_SUFFIX = ".atom.xml"
SRCSET_ENTRY = re.compile(r"\s*([^\s,]+)(\s+[^,]*)?")
URL_ATTRIBUTE = re.compile(r'(\s(?:src|href|srcset)=")([^"]*)(")')


def absolutise_feeds(output: Path, settings: dict) -> list[Finding]:
    """Rewrite every Atom feed of the site so that its entries' links and photos are absolute."""
    ElementTree.register_namespace("", ATOM)
    for feed in feed_files(Path(output)):
        tree = ElementTree.parse(feed)
        for entry in tree.getroot().iter(f"{{{ATOM}}}entry"):
            link = entry.find(f"{{{ATOM}}}link[@rel='alternate']")
            content = entry.find(f"{{{ATOM}}}content")
            if link is not None and content is not None and content.text:
                content.text = absolute_html(content.text, link.get("href"))
        tree.write(feed, encoding="utf-8", xml_declaration=True)
    return []


def absolute_html(html: str, base: str) -> str:
    """`html` with relative src, srcset and href resolved against `base`."""

    def absolute(match: re.Match) -> str:
        before, value, after = match.groups()
        if before.endswith('srcset="'):
            value = ", ".join(
                urljoin(base, url) + (descriptor or "").rstrip()
                for url, descriptor in SRCSET_ENTRY.findall(unescape(value))
            )
        else:
            value = urljoin(base, unescape(value))
        return before + escape(value, quote=True) + after

    return URL_ATTRIBUTE.sub(absolute, html)


def feed_files(output: Path) -> list[Path]:
    """The site's Atom feeds, outside the search index's folders: the index is made meanwhile,
    in a thread of its own, and its work folders come and go under it."""
    found = []
    for folder, subfolders, files in os.walk(output):
        if Path(folder) == output:
            subfolders[:] = [name for name in subfolders
                             if name.split(".")[0] != SEARCH_INDEX_FOLDER]
        subfolders.sort()
        found += [Path(folder, name) for name in sorted(files) if name.endswith(FEED_SUFFIX)]
    return found
