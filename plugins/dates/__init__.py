"""Date filters for templates, in the edition's language.

`{{ article.date|longdate }}` -> "Thứ Năm, 15/07/2021" (or "Thursday, 15 July 2021" in English),
`{{ article.date|isodate }}` -> "2021-07-15T14:00:00+07:00" for <time datetime>.
"""

from datetime import date, datetime
from functools import partial

from pelican import signals

from core.vietnamese import format_date


def isodate(value: date | datetime) -> str:
    return value.isoformat()


def add_filters(generator) -> None:
    lang = generator.settings["DEFAULT_LANG"]
    pattern = generator.settings["LONG_DATE_PATTERNS"].get(lang)
    generator.env.filters["longdate"] = partial(format_date, lang=lang, pattern=pattern)
    generator.env.filters["isodate"] = isodate


def register() -> None:
    signals.generator_init.connect(add_filters)
