"""Vietnamese text done right: NFC, accent-free slugs, dates as Vietnamese readers write them."""

import re
import unicodedata
from datetime import date, datetime

from babel.dates import format_date as babel_format_date

# Letters that do not decompose into a base letter plus combining marks.
_UNDECOMPOSABLE = str.maketrans({"đ": "d", "Đ": "D"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def nfc(text: str) -> str:
    """The composed (NFC) form: what the site publishes, whatever the editor's keyboard sent."""
    return unicodedata.normalize("NFC", text)


def strip_accents(text: str) -> str:
    """'Đoàn thanh niên' -> 'Doan thanh nien': tone marks and đ folded, case kept."""
    decomposed = unicodedata.normalize("NFD", text.translate(_UNDECOMPOSABLE))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def slugify(text: str) -> str:
    """'Đoàn thanh niên' -> 'doan-thanh-nien': readable, stable, ASCII URL segments."""
    return _NOT_SLUG.sub("-", strip_accents(nfc(text)).lower()).strip("-")


def format_date(value: date | datetime, lang: str, pattern: str | None = None) -> str:
    """A date in the reader's language with a Babel pattern from settings (LONG_DATE_PATTERNS):
    'EEEE, dd/MM/yyyy' gives 'Thứ Năm, 15/07/2021'. Without a pattern, CLDR's full format."""
    return babel_format_date(value, pattern or "full", locale=lang)
