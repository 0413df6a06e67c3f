"""The model of a source: which files are articles and pages, and the fields they are filed under.

The suffixes are those of Pelican's Markdown reader, so that the lint, the preview and the
reader look at the same files.
"""

from pathlib import Path

from pelican.readers import MarkdownReader

SOURCE_SUFFIXES = tuple(f".{extension}" for extension in MarkdownReader.file_extensions)
SOURCE_KINDS = (("article", "ARTICLE_PATHS"), ("page", "PAGE_PATHS"))


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
