"""The article file in the authoring format: metadata lines, then the body in Markdown.

Everything a portal page says is text: it is written so that Markdown, the metadata reader and
the theme show it as written and never read it as markup (escape, metadata_text), links keep
only the targets a reader can safely follow (link_target), and photo names are plain.
"""

import re
from urllib.parse import quote

from core.header import header_text
from bantin.legacy_import.page import LegacyPage, Photo, Text
from bantin.site_checks import local_address

# Characters Markdown (with the extra extensions: attribute lists, tables) would read as syntax
# inside a line of text; brackets become character references, so that no reading of the
# source (the lint's included) can take escaped text for a link.
_INLINE_SYNTAX = re.compile(r"([\\`*_{}|])")
_BRACKETS = {"[": "&#91;", "]": "&#93;"}
# Indentation at the start of a line (four spaces make a code block) ...
_INDENTATION = re.compile(r"^[ \t]+", re.MULTILINE)
# ... and syntax there: headings, quotes, list items, rules ("---").
_LINE_START_SYNTAX = re.compile(r"^(\s*)(#|>|-|[+*](?=\s))", re.MULTILINE)
_ORDERED_ITEM = re.compile(r"^(\s*\d+)([.)])(?=\s)", re.MULTILINE)
# "&" that HTML would read as the start of a character reference ("&lt;", "&#60;").
_REFERENCE_START = re.compile(r"&(?=#|[A-Za-z])")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+(?=[\"“(]?[A-ZÀ-ỸĐ0-9])")
SUMMARY_MAX_LENGTH = 300
# Link targets a reader may follow; anything else (javascript:, data:, file:...) becomes text.
LINK_SCHEMES = ("http", "https", "mailto", "tel")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# Characters left as they are in a link target: RFC 3986's, without the ones that end or nest
# a Markdown link ("(", ")", "<", ">", spaces, quotes, brackets are percent-encoded).
_URL_SAFE = "/?#&=+;:@!$,%~-._*"


def _html_text(text: str) -> str:
    return _REFERENCE_START.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def escape(text: str) -> str:
    """Plain text that Markdown shows as written. Indentation goes: four spaces would make a
    code block, and the page showed none (HTML collapses it)."""
    text = _INLINE_SYNTAX.sub(r"\\\1", _html_text(_INDENTATION.sub("", text)))
    text = re.sub(r"[\[\]]", lambda match: _BRACKETS[match[0]], text)
    text = _ORDERED_ITEM.sub(r"\1\\\2", text)
    return _LINE_START_SYNTAX.sub(r"\1\\\2", text)


def metadata_text(text: str) -> str:
    """A metadata value that the site shows as the text it was: one line, and HTML-escaped,
    since the theme prints Title, Author and Tags as HTML. `</` gets an invisible word joiner
    as well: the page's <title> shows the title through Jinja's striptags, which turns
    "&lt;/title&gt;" back into an end tag."""
    line = " ".join(text.split())
    return _html_text(line).replace("&lt;/", "&lt;\u2060/")


def tag_text(tag: str) -> str:
    """A tag as text Pelican keeps whole: it splits tags at ";" (so no character reference
    can be written) and ",", and prints them as HTML, so "<" and ">" go."""
    tag = re.sub(r"[<>;,]", " ", tag)
    return " ".join(_REFERENCE_START.sub("& ", tag).split())


def _as_browsers_read(href: str) -> str:
    """Browsers ignore these around and inside a URL: "java\tscript:" is "javascript:"."""
    return re.sub(r"[\t\n\r]", "", href).strip("\x00- ")


def has_scheme(href: str) -> bool:
    return bool(_SCHEME.match(_as_browsers_read(href)))


def link_target(href: str) -> str | None:
    """The target of an imported link, written so that it cannot end the Markdown link early;
    None when it is not an http(s), mailto or tel address, nor a site-relative path."""
    href = _as_browsers_read(href)
    if not href or re.search(r"[\x00-\x1f\x7f]", href):
        return None
    scheme = _SCHEME.match(href)
    if scheme:
        if scheme[1].lower() not in LINK_SCHEMES:
            return None
    elif not href.startswith(("/", "#")) or href.startswith("//"):
        return None
    target = quote(href, safe=_URL_SAFE)
    return None if local_address(target) else target  # the editor's machine: never published


def summary_of(plain: str) -> str:
    """The first sentence of the first paragraph, as the sample articles have it."""
    first = _SENTENCE_BREAK.split(plain.strip(), maxsplit=1)[0]
    if len(first) > SUMMARY_MAX_LENGTH:
        first = first[:SUMMARY_MAX_LENGTH].rsplit(" ", 1)[0] + "…"
    return first


def code_block(code: str) -> str:
    """A fenced code block; code with a line that looks like a fence itself (which could end
    the block, and would mislead the lint) is written as escaped text, line by line."""
    if re.search(r"^ {0,3}(```|~~~)", code, re.MULTILINE):
        return "  \n".join(escape(line) for line in code.splitlines() if line.strip())
    return f"```\n{code}\n```"


def _caption_text(text: str) -> str:
    """A caption inside the image's quoted title: the figures plugin renders its inline
    Markdown, so every character Markdown or the quotes would read is a character reference."""
    text = _html_text(" ".join(text.split()))
    return re.sub(r'["()\\*_`\[\]{}|!]', lambda match: f"&#{ord(match[0])};", text)


def _figure(photo: Photo) -> str:
    """A lone image: its alt is the caption, or its title is when alt and caption differ."""
    alt = photo.alt or photo.caption
    title = photo.caption if photo.caption and photo.caption != alt else ""
    alt_text = escape(" ".join(alt.split()))
    if title:
        return f'![{alt_text}]({photo.name} "{_caption_text(title)}")'
    return f"![{alt_text}]({photo.name})"


def render_article(page: LegacyPage, slug: str, category: str) -> str:
    paragraphs = [block for block in page.blocks if isinstance(block, Text) and block.plain]
    summary = " ".join(summary_of(paragraphs[0].plain).split()) if paragraphs else ""
    metadata = [
        ("Title", metadata_text(page.title)),
        (
            "Date",
            page.date.strftime(
                "%Y-%m-%d %H:%M" if page.date.hour or page.date.minute else "%Y-%m-%d"
            ),
        ),
        ("Category", category),
        ("Tags", ", ".join(filter(None, (tag_text(tag) for tag in page.tags)))),
        ("Author", metadata_text(page.author or "")),
        ("Summary", escape(summary)),
        ("Slug", slug),
        ("Aliases", ", ".join(page.aliases)),
    ]
    head = header_text([(name, value) for name, value in metadata if value])
    body = "\n\n".join(
        _figure(block) if isinstance(block, Photo) else block.markdown for block in page.blocks
    )
    return f"{head}{body}\n"
