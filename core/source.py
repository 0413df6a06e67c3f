"""The model of a source: which files are articles and pages, the fields they are filed under, and
which photos beside them they may name.

The suffixes are those of Pelican's Markdown reader (tests/test_addresses.py holds them equal), so
that the lint, the preview and the reader look at the same files.
"""

import os
import re
from pathlib import Path

SOURCE_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")
SOURCE_KINDS = (("article", "ARTICLE_PATHS"), ("page", "PAGE_PATHS"))
# The site's folder the search index fills: no source may take it, and the site checks skip it.
SEARCH_INDEX_FOLDER = "pagefind"
# A Markdown image as editors write it, `![alt](src "title")`; src may stand in <angle brackets>.
MARKDOWN_IMAGE = re.compile(
    r"!\[(?P<alt>(?:[^\]\\]|\\.)*)\]\((?P<src><[^>]*>|[^)\s]+)(?:\s+\"(?P<title>[^\"]*)\")?\)")


def source_files(settings: dict) -> list[tuple[Path, str]]:
    """Every Markdown source of the site with its kind ("article" or "page"), in a stable order:
    every name Pelican's reader would take, folders and broken links included, so that the lint
    can say what is wrong with them, and the links to folders outside content/, which Pelican
    would follow."""
    content = Path(settings["PATH"])
    found = []
    for kind, key in SOURCE_KINDS:
        for folder in settings[key]:
            found += [(path, kind) for path in sorted((content / folder).rglob("*"))
                      if path.suffix in SOURCE_SUFFIXES
                      or (path.is_symlink() and path.is_dir() and not inside(path, content))]
    return found


def inside(path: Path, folder: Path) -> bool:
    """True when `path`, links followed, is in `folder`."""
    try:
        path.resolve().relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):
        return False
    return True


def field_names(settings: dict) -> dict[str, dict]:
    """Every accepted spelling of a field (Vietnamese or translated name, case folded) -> its
    FIELDS entry."""
    return {name.casefold(): entry for entry in settings["FIELDS"] for name in entry.values()}


def vietnamese_fields(settings: dict) -> list[str]:
    """The fields' Vietnamese names, in FIELDS order: what an editor writes as Category."""
    return [entry["vi"] for entry in settings["FIELDS"]]


def is_local_photo(src: str) -> bool:
    """True for a plain relative path such as `IMG_5760.jpg` or `anh/IMG_5760.jpg`. An absolute
    path is a site address (`/images/logo.svg`), never read as a photo (the lint judges it)."""
    return bool(src) and "://" not in src and not src.startswith(("/", "{", "data:", "#"))


def photo_inside(folder: Path, src: str) -> Path | None:
    """The file `src` names inside the article's `folder`, or None when it would leave the
    folder: a `..` step (even one that comes back: published names must stay beside the page
    too), an absolute or Windows path, or a symlink (at any step) to somewhere else. Photos are untrusted
    input: the build reads no file an article's folder does not hold. The file need not exist
    (the caller says "missing"); only where it would be is judged."""
    parts = [part for part in src.split("/") if part not in ("", ".")]
    if not parts or "\0" in src or src.startswith("/") or ".." in parts \
            or re.match(r"[A-Za-z]:[\\/]", src):  # a Windows path: C:\Users\...
        return None
    candidate = Path(folder) / src
    step = str(folder)
    for part in parts:  # one lstat a step: resolving whole paths costs ten times more
        step = os.path.join(step, part)
        if os.path.islink(step):
            break
    else:
        return candidate
    base, inside = os.path.realpath(folder), os.path.realpath(candidate)
    return candidate if inside.startswith(base + os.sep) else None


def is_source_link(href: str) -> bool:
    """True for a relative link to another Markdown source file (with or without #anchor)."""
    path = href.split("#", 1)[0]
    return (
        bool(path)
        and "://" not in path
        and not path.startswith(("/", "{", "mailto:", "tel:"))
        and path.lower().endswith(SOURCE_SUFFIXES)
    )


def image_sources(text: str) -> list[str]:
    """The src of every Markdown image of `text`, as written (angle brackets taken off)."""
    return [match["src"].removeprefix("<").removesuffix(">")
            for match in MARKDOWN_IMAGE.finditer(text)]
