"""Which edition a source belongs to and which sources are versions of one another, from the
file names alone (FILENAME_METADATA: `index.en.md` is English), as Pelican's reader will see them:
shared by the editions plugin, the lint, the preview and the desk without loading Pelican."""

import re
from pathlib import Path


def edition_folder(settings: dict, lang: str) -> str:
    """'' for the default edition, 'en' for English: where the edition lives under the site."""
    return "" if lang == settings["EDITIONS"][0] else lang


def language_in_name(path: str | Path, settings: dict) -> str | None:
    """'en' for index.en.md, None for index.md: FILENAME_METADATA, as Pelican reads it."""
    match = re.match(settings["FILENAME_METADATA"], Path(path).stem)
    return match.groupdict().get("lang") if match else None


def language_of(path: str | Path, lang: str | None, settings: dict) -> str:
    """A source's language: its `Lang:`, else the one its name says, else the default edition's."""
    return lang or language_in_name(path, settings) or settings["EDITIONS"][0]


def translation_key(path: str | Path, kind: str, settings: dict) -> tuple[str, ...]:
    """What the versions of one article or page share: an article's folder; a page's folder and
    name without its language (pages share one folder). Never the Slug, which each version may
    choose for its own address."""
    path = Path(path)
    if kind == "article":
        return (str(path.parent),)
    stem = path.stem
    lang = language_in_name(path, settings)
    return (str(path.parent), stem[: -len(lang) - 1] if lang else stem)
