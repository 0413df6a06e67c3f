"""The article file in the authoring format: metadata lines, then the body in Markdown."""

import re

from bantin.legacy_import.page import LegacyPage, Photo, Text

# Characters Markdown would read as syntax inside a line of text.
_INLINE_SYNTAX = re.compile(r"([\\`*_\[\]])")
# ... and at the start of a line: headings, quotes, list items.
_LINE_START_SYNTAX = re.compile(r"^(\s*)(#|>|[-+*](?=\s))")
_ORDERED_ITEM = re.compile(r"^(\s*\d+)([.)])(?=\s)")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+(?=[\"“(]?[A-ZÀ-ỸĐ0-9])")
SUMMARY_MAX_LENGTH = 300


def escape(text: str) -> str:
    """Plain text that Markdown shows as written."""
    text = _INLINE_SYNTAX.sub(r"\\\1", text).replace("<", "&lt;")
    text = _ORDERED_ITEM.sub(r"\1\\\2", text)
    return _LINE_START_SYNTAX.sub(r"\1\\\2", text)


def summary_of(plain: str) -> str:
    """The first sentence of the first paragraph, as the sample articles have it."""
    first = _SENTENCE_BREAK.split(plain.strip(), maxsplit=1)[0]
    if len(first) > SUMMARY_MAX_LENGTH:
        first = first[:SUMMARY_MAX_LENGTH].rsplit(" ", 1)[0] + "…"
    return first


def _figure(photo: Photo) -> str:
    """A lone image: its alt is the caption, or its title is when alt and caption differ."""
    alt = photo.alt or photo.caption
    title = photo.caption if photo.caption and photo.caption != alt else ""
    alt_text = escape(alt).replace("\n", " ")
    if title:
        return f'![{alt_text}]({photo.name} "{title.replace(chr(34), "&quot;")}")'
    return f"![{alt_text}]({photo.name})"


def render_article(page: LegacyPage, slug: str, category: str) -> str:
    paragraphs = [block for block in page.blocks if isinstance(block, Text) and block.plain]
    metadata = [
        ("Title", page.title),
        (
            "Date",
            page.date.strftime(
                "%Y-%m-%d %H:%M" if page.date.hour or page.date.minute else "%Y-%m-%d"
            ),
        ),
        ("Category", category),
        ("Tags", ", ".join(page.tags)),
        ("Author", page.author or ""),
        ("Summary", escape(summary_of(paragraphs[0].plain)) if paragraphs else ""),
        ("Slug", slug),
    ]
    head = "\n".join(f"{name}: {value}" for name, value in metadata if value)
    body = "\n\n".join(
        _figure(block) if isinstance(block, Photo) else block.markdown for block in page.blocks
    )
    return f"{head}\n\n{body}\n"
