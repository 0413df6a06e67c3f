"""Vietnamese text done right: NFC, accent-free slugs, dates as Vietnamese readers write them."""

import functools
import re
import unicodedata
from datetime import date, datetime

from babel.dates import format_date as babel_format_date
from markupsafe import Markup
from unidecode import unidecode

# Letters that do not decompose into a base letter plus combining marks.
_UNDECOMPOSABLE = str.maketrans({"đ": "d", "Đ": "D"})
# The slug rule, applied by Pelican to the ASCII form of a text (tone marks and đ folded): every
# run of anything but letters and digits is one hyphen, none at the ends. So "Quốc khánh 2/9"
# gives "quoc-khanh-2-9" and the tag "26/3" "26-3", never "29" or "263". pelicanconf.py sets it
# for article, page, field, tag and author addresses alike.
SLUG_REGEX_SUBSTITUTIONS = [(r"[^a-z0-9]+", "-"), (r"^-+|-+$", "")]


def nfc(text: str) -> str:
    """The composed (NFC) form: what the site publishes, whatever the editor's keyboard sent."""
    return unicodedata.normalize("NFC", text)


def strip_accents(text: str) -> str:
    """'Đoàn thanh niên' -> 'Doan thanh nien': tone marks and đ folded, case kept."""
    decomposed = unicodedata.normalize("NFD", text.translate(_UNDECOMPOSABLE))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def slugify(text: str) -> str:
    """'Đoàn thanh niên' -> 'doan-thanh-nien': readable, stable, ASCII URL segments. The steps of
    Pelican's own slugify (tags stripped, NFKC, ASCII by Unidecode, the rule, lower case) with
    the project's rule, so that the lint, `invoke new`, folder names and published URLs agree
    while the lint and the desk need not import Pelican (tests/test_addresses.py checks that the
    two give the same slug)."""
    value = unidecode(unicodedata.normalize("NFKC", Markup(nfc(text)).striptags()))
    for pattern, replacement in SLUG_REGEX_SUBSTITUTIONS:
        value = re.sub(pattern, replacement, value, flags=re.IGNORECASE)
    return value.lower().strip()


def format_date(value: date | datetime, lang: str, pattern: str | None = None) -> str:
    """A date in the reader's language with a Babel pattern from settings (LONG_DATE_PATTERNS):
    'EEEE, dd/MM/yyyy' gives 'Thứ Năm, 15/07/2021'. Without a pattern, CLDR's full format."""
    # Babel formats the calendar day of a datetime: each day is formatted once, though every
    # card and page showing an article shows its date.
    return _format_day(value.date() if isinstance(value, datetime) else value, lang,
                       pattern or "full")


@functools.lru_cache(maxsize=4096)
def _format_day(day: date, lang: str, pattern: str) -> str:
    return babel_format_date(day, pattern, locale=lang)
