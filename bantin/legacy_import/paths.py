"""Where the importer may read and write: the one place that decides it.

A saved page is untrusted: its `<img src>` may climb out of its folder (`../../etc/passwd`,
`%2e%2e%2f`), name a `file:` URL, or lead to a symbolic link pointing elsewhere. The importer
reads only files that lie, once links are followed, in the saved page's own folder or in a
`..._files` folder inside it (where a browser saves a page's images: `trang_files/`, also when
the page was renamed since); it writes only inside the articles folder, never through a link.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit


def url_path(reference: str) -> str | None:
    """The decoded path of a URL or relative reference; None when it is not one (a malformed
    address, a NUL byte)."""
    try:
        path = unquote(urlsplit(reference).path)
    except ValueError:  # "http://[x": a malformed host
        return None
    return None if "\x00" in path else path


def inside(root: Path, path: Path) -> Path | None:
    """`path` with its links followed, when that real file lies inside `root`; else None."""
    try:
        real = path.resolve()
        return real if real.is_relative_to(root.resolve()) else None
    except (OSError, RuntimeError):  # a loop of links, a name too long
        return None


def readable_by_page(page_source: Path, path: Path) -> Path | None:
    """`path` with its links followed, when it is a file the page may use: in the page's folder,
    or in a `..._files` folder there; else None."""
    folder = page_source.parent
    real = inside(folder, path)
    if real is None:
        return None
    parts = real.relative_to(folder.resolve()).parts
    return real if len(parts) == 1 or parts[0].endswith("_files") else None


def page_file(page_source: Path, reference: str) -> tuple[Path | None, bool]:
    """The file a saved page refers to by `reference`, and whether the reference leads where the
    page may not read (then nothing is read). Searched: the path as written from the page's
    folder, else the file's name in that folder and in `<page>_files`."""
    parts = urlsplit(reference) if url_path(reference) is not None else None
    if parts is None or parts.scheme.lower() == "file":
        return None, True
    relative = unquote(parts.path).replace("\\", "/")
    folder = page_source.parent
    written = os.path.normpath(relative.lstrip("/") or ".")
    if written == ".." or written.startswith("../"):
        return None, True
    name = Path(relative).name
    candidates = [folder / written]
    if name not in ("", ".", ".."):
        candidates += [folder / name, folder / f"{page_source.stem}_files" / name]
    for candidate in candidates:
        try:
            exists = candidate.is_file() or candidate.is_symlink()
        except OSError:  # a name over 255 bytes: no such file
            continue
        if exists:
            real = readable_by_page(page_source, candidate)
            if real is None:
                return None, True
            if real.is_file():
                return real, False
    return None, False


def writable(root: Path, target: Path) -> bool:
    """Whether writing `target` stays inside `root`: its folder is there and it is no link."""
    return not target.is_symlink() and inside(root, target.parent) is not None
