"""sitemap.xml and robots.txt, a post-build step.

Every public HTML page of every edition is listed with its absolute URL and `lastmod`, from the
entries plugins/sitemap noted in the build's record (core/record.py) while the pages were
written. A page that exists in several languages carries all its versions as `xhtml:link`
hreflang alternates, plus x-default (the default edition's version); versions are grouped across
all pages, so every version lists the same set, itself included: reciprocal by construction.
"""

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from core.errors import Finding
from core.record import record_of


def write_sitemap(output: Path, settings: dict) -> list[Finding]:
    """Write `<output>/sitemap.xml` and `<output>/robots.txt`."""
    output = Path(output)
    site_url = settings["SITEURL"].rstrip("/")
    pages = dict(sorted(record_of(settings).sitemap.items()))
    newest = max((page["lastmod"] for page in pages.values() if page["lastmod"]), default=None)
    versions = language_versions(pages, settings["EDITIONS"][0])
    entries = "".join(
        sitemap_entry(url, page["lastmod"] or newest, versions.get(url, {}))
        for url, page in pages.items()
    )
    (output / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + entries + "</urlset>\n",
        encoding="utf-8",
    )
    (output / "robots.txt").write_text(
        f"User-agent: *\nAllow: /\n\nSitemap: {site_url}/sitemap.xml\n", encoding="utf-8"
    )
    return []


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
