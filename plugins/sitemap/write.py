"""sitemap.xml and robots.txt, a post-build step.

Every public HTML page of every edition is listed with its absolute URL and `lastmod`, from the
entries plugins/sitemap noted in the build's record (core/record.py) while the pages were
written. A page that exists in several languages carries all its versions as `xhtml:link`
hreflang alternates, plus x-default (the default edition's version); versions are grouped across
all pages, so every version lists the same set, itself included: reciprocal by construction.

A site whose sitemap would outgrow its size budget (SIZE_BUDGETS: an archive of thousands of
articles) gets it in parts, `sitemap-1.xml`, `sitemap-2.xml`, ... at the site's root (a sitemap
may list only addresses below its own folder), and `sitemap.xml` becomes their index.
"""

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from core.errors import Finding
from core.record import record_of


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
URLSET_HEAD = (XML_DECLARATION + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
               ' xmlns:xhtml="http://www.w3.org/1999/xhtml">\n')
URLSET_TAIL = "</urlset>\n"
INDEX_HEAD = XML_DECLARATION + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
INDEX_TAIL = "</sitemapindex>\n"
PART_NAME = "sitemap-{number}.xml"
MAX_URLS = 50_000  # per file, by the sitemaps protocol


def write_sitemap(output: Path, settings: dict) -> list[Finding]:
    """Write `<output>/sitemap.xml` (with its parts, when it has some) and `<output>/robots.txt`."""
    output = Path(output)
    site_url = settings["SITEURL"].rstrip("/")
    pages = dict(sorted(record_of(settings).sitemap.items()))
    newest = max((page["lastmod"] for page in pages.values() if page["lastmod"]), default=None)
    versions = language_versions(pages, settings["EDITIONS"][0])
    entries = [(sitemap_entry(url, page["lastmod"] or newest, versions.get(url, {})),
                page["lastmod"] or newest) for url, page in pages.items()]
    budgets = settings["SIZE_BUDGETS"]
    budget = budgets.get("xml", budgets["default"])
    parts = shared_out(entries, budget - len(URLSET_HEAD) - len(URLSET_TAIL))
    if len(parts) == 1:
        (output / "sitemap.xml").write_text(urlset(parts[0]), encoding="utf-8")
    else:
        index = []
        for number, part in enumerate(parts, 1):
            name = PART_NAME.format(number=number)
            (output / name).write_text(urlset(part), encoding="utf-8")
            lastmods = [lastmod for _, lastmod in part if lastmod]
            index.append(sitemap_reference(f"{site_url}/{name}", max(lastmods, default=None)))
        (output / "sitemap.xml").write_text(INDEX_HEAD + "".join(index) + INDEX_TAIL,
                                            encoding="utf-8")
    (output / "robots.txt").write_text(
        f"User-agent: *\nAllow: /\n\nSitemap: {site_url}/sitemap.xml\n", encoding="utf-8"
    )
    return []


def shared_out(entries: list[tuple[str, str | None]], room: int) -> list[list]:
    """The entries in order, in parts of at most `room` bytes (UTF-8) and MAX_URLS entries each;
    always at least one part."""
    parts, part, used = [], [], 0
    for entry in entries:
        size = len(entry[0].encode("utf-8"))
        if part and (used + size > room or len(part) == MAX_URLS):
            parts.append(part)
            part, used = [], 0
        part.append(entry)
        used += size
    return parts + [part]


def urlset(entries: list[tuple[str, str | None]]) -> str:
    return URLSET_HEAD + "".join(entry for entry, _ in entries) + URLSET_TAIL


def sitemap_reference(url: str, lastmod: str | None) -> str:
    """One part of the sitemap, as its index lists it."""
    line = f"    <lastmod>{escape(lastmod)}</lastmod>\n" if lastmod else ""
    return f"  <sitemap>\n    <loc>{escape(url)}</loc>\n{line}  </sitemap>\n"


def language_versions(pages: dict[str, dict], default_lang: str) -> dict[str, dict[str, str]]:
    """URL -> {lang: URL} of all its versions (with x-default), for pages with more than one."""
    group_of = {url: {url} for url in pages}
    for url, page in pages.items():
        for other in page["alternates"].values():
            if other in pages and group_of[other] is not group_of[url]:
                merged = group_of[url] | group_of[other]
                for member in merged:
                    group_of[member] = merged
    versions = {}
    for url, group in group_of.items():
        by_lang = {pages[member]["lang"]: member for member in sorted(group)}
        if len(by_lang) > 1:
            if default_lang in by_lang:
                by_lang["x-default"] = by_lang[default_lang]
            versions[url] = by_lang
    return versions


def sitemap_entry(url: str, lastmod: str | None, versions: dict[str, str]) -> str:
    lines = [f"  <url>\n    <loc>{escape(url)}</loc>\n"]
    if lastmod:
        lines.append(f"    <lastmod>{escape(lastmod)}</lastmod>\n")
    for lang, href in versions.items():
        lines.append(
            f'    <xhtml:link rel="alternate" hreflang={quoteattr(lang)} href={quoteattr(href)}/>\n'
        )
    lines.append("  </url>\n")
    return "".join(lines)
