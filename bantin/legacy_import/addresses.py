"""The page's address on the old portal, kept as the article's `Aliases:` so that links to the
portal land on the new article.

A saved page carries it in several places, read in this order: `<link rel="canonical">`,
`<meta property="og:url">`, the `<!-- saved from url=... -->` mark browsers add,
`_spPageContextInfo.serverRequestPath` and the form's `action` (resolved against the page's own
path, else the portal's `/Pages/` library). When none is there (a text copy), the file name
stands for the page: `hoi-nghi.txt` -> `/Pages/hoi-nghi.aspx`.
"""

import json
import re
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

from bs4 import BeautifulSoup

from bantin.legacy_import.paths import url_path

# SharePoint publishing pages live in the site's Pages library.
PAGES_LIBRARY = "/Pages/"
ALIAS_MAX_LENGTH = 200
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
_REQUEST_PATH = re.compile(r"serverRequestPath\s*:\s*(\"(?:[^\"\\]|\\.)*\")")


def site_path(address: str) -> str | None:
    """The site path of an http(s) address or path, percent-encoded so that it holds no comma,
    space or quote; None for anything else, and for paths with `.`/`..` segments."""
    path = url_path(address)
    try:
        scheme = urlsplit(address).scheme.lower()
    except ValueError:
        return None
    if path is None or scheme not in ("", "http", "https") or not path.startswith("/"):
        return None
    path = re.sub(r"/{2,}", "/", path)
    if re.search(r"[\x00-\x1f\x7f\\]", path) or {".", ".."} & set(path.split("/")):
        return None
    path = quote(path, safe="/-._~")
    return path if path != "/" and len(path) <= ALIAS_MAX_LENGTH else None


def file_name_alias(source: Path) -> str | None:
    stem = source.name if source.suffix.lower() == ".aspx" else f"{source.stem}.aspx"
    return site_path(PAGES_LIBRARY + stem)


def _request_path(markup: str) -> str | None:
    if match := _REQUEST_PATH.search(markup):
        try:
            return json.loads(match[1])  # "\u002fPages\u002f..." as the portal writes it
        except ValueError:
            return None
    return None


def page_aliases(soup: BeautifulSoup, markup: str, source: Path) -> list[str]:
    """Every distinct old address the saved page names for itself (letter case aside)."""
    found = []
    if canonical := soup.find("link", rel="canonical", href=True):
        found.append(canonical["href"])
    if og_url := soup.find("meta", property="og:url", content=True):
        found.append(og_url["content"])
    if saved := _SAVED_FROM.search(markup):
        found.append(saved[1])
    request = _request_path(markup)
    if request:
        found.append(request)
    if form := soup.find("form", action=True):
        base = site_path(request or (saved[1] if saved else "")) or PAGES_LIBRARY
        try:
            found.append(urljoin(base, form["action"]))
        except ValueError:
            pass
    aliases: dict[str, str] = {}
    for address in found:
        if (path := site_path(address)) and path.casefold() not in aliases:
            aliases[path.casefold()] = path
    if not aliases and (fallback := file_name_alias(source)):
        return [fallback]
    return list(aliases.values())
