"""The one clock of the project: what time it is for scheduled articles and `invoke new`.

`BANTIN_NOW` (e.g. `2027-01-15 08:00`, read as the site's TIMEZONE when it names no zone) stands
in for the real time, so that tests and a maintainer can build the site as it will be at a given
moment. Nothing else in the project reads the time of day for content decisions.
"""

import os
from datetime import datetime
from zoneinfo import ZoneInfo

from core.errors import BuildFailed, Finding


class ClockError(BuildFailed):
    """BANTIN_NOW is set but is not a date and time: nothing can be decided, so nothing is built."""


def now(settings: dict) -> datetime:
    """The current time in the site's TIMEZONE, or BANTIN_NOW when it is set."""
    zone = ZoneInfo(settings["TIMEZONE"])
    fixed = os.environ.get("BANTIN_NOW", "").strip()
    if not fixed:
        return datetime.now(zone)
    try:
        moment = datetime.fromisoformat(fixed)
    except ValueError:
        raise ClockError([Finding("BANTIN_NOW", None, "bad-clock",
                                  f"BANTIN_NOW='{fixed}' không phải ngày giờ: viết dạng "
                                  "'2027-01-15 08:00', hoặc bỏ trống để dùng giờ thật")]) from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def is_scheduled(date, moment: datetime) -> bool:
    """Dated after `moment`; a date without a zone is in the site's TIMEZONE, as Pelican reads it."""
    if not isinstance(date, datetime):
        return False
    if date.tzinfo is None:
        date = date.replace(tzinfo=moment.tzinfo)
    return date > moment
