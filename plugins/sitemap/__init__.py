"""Sitemap entries, gathered from the content model while each edition's pages are written.

For every public HTML page: its absolute URL, language, last change, and the addresses of the
same content in the other editions, noted in the build's record. plugins/sitemap/write.py turns
them into sitemap.xml once every edition is built; nothing has to read the pages back.
"""

from pathlib import Path

from pelican import signals

from core.record import record_of
from plugins.editions import equivalents

NOT_FOUND_PAGE = "404.html"


def last_modified(context: dict) -> str | None:
    """An article's or page's modified (or published) time; for a list, its newest item's."""
    content = context.get("article") or context.get("page")
    if content is not None:
        stamp = getattr(content, "modified", None) or getattr(content, "date", None)
        return stamp.isoformat() if stamp else None
    listed = context["articles_page"].object_list if "articles_page" in context else context.get("articles")
    stamps = [getattr(item, "modified", None) or item.date for item in listed or []]
    return max(stamps).isoformat() if stamps else None


def record_page(path: str, context: dict) -> None:
    """Note the page at `path` in the build's record (core/record.py)."""
    record = record_of(context)
    if record is None or not path.endswith(".html") or Path(path).name == NOT_FOUND_PAGE:
        return
    content = context.get("article") or context.get("page")
    if content is not None and getattr(content, "status", "published") == "draft":
        return  # drafts are previews for editors, not for search engines
    relative = Path(path).relative_to(context["OUTPUT_PATH"]).as_posix()
    url = f"{context['SITEURL']}/{relative.removesuffix('index.html')}"
    record.sitemap[url] = {
        "lang": context["DEFAULT_LANG"],
        "lastmod": last_modified(context),
        "alternates": equivalents(context),
    }


def register() -> None:
    signals.content_written.connect(record_page)
