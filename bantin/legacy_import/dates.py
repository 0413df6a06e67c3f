"""Dates as the portal's pages wrote them: "Chiều ngày 15/7/2021", "15/07/2021 14:30",
"ngày 15 tháng 7 năm 2021".

A part of the day without a time gives a conventional hour, so that two events of one day keep
their order: sáng (morning) 08:00, trưa (noon) 12:00, chiều (afternoon) 14:00, tối (evening)
19:00, đêm (night) 21:00. A date alone has no time.
"""

import re
from datetime import datetime

from core.vietnamese import nfc

PART_OF_DAY_HOURS = {"sáng": 8, "trưa": 12, "chiều": 14, "tối": 19, "đêm": 21}

_PART = r"(?:(?P<part>sáng|trưa|chiều|tối|đêm)\s+(?:ngày\s+|hôm\s+)?)?"
_TIME = r"(?:,?\s*(?:lúc\s*)?(?P<hour>\d{1,2})\s*(?::|h|giờ)\s*(?P<minute>\d{2})?)?"
_NUMERIC = re.compile(
    _PART + r"(?:ngày\s+)?(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})" + _TIME,
    re.IGNORECASE,
)
_WORDS = re.compile(
    _PART + r"ngày\s+(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2})\s+năm\s+(?P<year>\d{4})" + _TIME,
    re.IGNORECASE,
)
_ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2}))?"
)


def find_date(text: str) -> tuple[datetime, bool] | None:
    """The first date written in `text`, and whether it carries a time (given or by part of day)."""
    text = nfc(text)
    matches = [match for pattern in (_NUMERIC, _WORDS, _ISO) for match in pattern.finditer(text)]
    for match in sorted(matches, key=lambda match: match.start()):
        parts = match.groupdict()
        hour, minute = parts.get("hour"), parts.get("minute")
        part = (parts.get("part") or "").lower()
        if hour is None and part:
            hour = PART_OF_DAY_HOURS[part]
        try:
            value = datetime(
                int(parts["year"]),
                int(parts["month"]),
                int(parts["day"]),
                int(hour or 0),
                int(minute or 0),
            )
        except ValueError:  # 31/02/2021, 25:00: not a date after all
            continue
        if part in ("chiều", "tối") and value.hour < 12:  # "chiều 2 giờ" is 14:00
            value = value.replace(hour=value.hour + 12)
        return value, hour is not None
    return None
