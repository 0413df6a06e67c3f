"""Interface strings in the edition's language: gettext for the theme's templates.

Catalogs live as theme/translations/<lang>/LC_MESSAGES/messages.po and are compiled in memory at
build time, so a fresh clone builds without a compile step and a stale .mo can never be used.
"""

import gettext
import io
import logging
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from pelican import signals

logger = logging.getLogger(__name__)


def catalog_path(settings: dict, lang: str) -> Path:
    return Path(settings["THEME"]) / "translations" / lang / "LC_MESSAGES" / "messages.po"


@lru_cache(maxsize=None)
def load_translations(po_path: Path, mtime: float) -> gettext.GNUTranslations:
    """Compile a .po catalog into translations (cached per file version)."""
    with po_path.open("rb") as source:
        catalog = read_po(source)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def install_translations(generator) -> None:
    lang = generator.settings["DEFAULT_LANG"]
    po_path = catalog_path(generator.settings, lang)
    if po_path.exists():
        translations = load_translations(po_path, po_path.stat().st_mtime)
    else:
        logger.warning("Missing interface catalog for language %r: %s", lang, po_path)
        translations = gettext.NullTranslations()
    generator.env.install_gettext_translations(translations, newstyle=True)


def register() -> None:
    signals.generator_init.connect(install_translations)
