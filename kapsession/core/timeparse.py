"""Times typed to backdate an entry: `10:42`, `10.42pm`, `22:05`, `-5m`, or an ISO timestamp.

A clock time means its most recent occurrence (so 23:50 typed at 00:10 means last night); an entry
is never in the future.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta, tzinfo

from kapsession.core.errors import InputError

ACCEPTED_TIMES = "accepted: a clock time like 10:42, 10.42pm or 22:05, '-5m' (minutes ago), or an ISO timestamp"

_CLOCK = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?(?::(\d{2}))?\s*(am|pm|a|p)?$", re.ASCII)
_AGO = re.compile(r"^-\s*(\d{1,3})\s*(m|min|mins|minutes?)?(\s+ago)?$", re.ASCII)
_AGO_WORDS = re.compile(r"^(\d{1,3})\s*(m|min|mins|minutes?)\s+ago$", re.ASCII)


_ZONES: dict[str | None, tzinfo] = {}


def local_zone() -> tzinfo:
    """The local time zone ($TZ, else /etc/localtime), read once per value of $TZ: the live
    screen formats times many times a second, and a changed $TZ is still honoured."""
    key = os.environ.get("TZ")
    zone = _ZONES.get(key)
    if zone is None:
        zone = _ZONES[key] = _system_zone(key)
    return zone


def _system_zone(name: str | None) -> tzinfo:
    """The standard library's zoneinfo for an IANA name or the system zone file (daylight saving
    and repeated hours right); dateutil for what zoneinfo cannot read (a POSIX rule such as
    `EST5EDT,M3.2.0,M11.1.0`)."""
    import zoneinfo

    try:
        if name == "":
            return UTC  # as the C library reads an empty $TZ
        if name is None or name == ":":
            with open("/etc/localtime", "rb") as handle:
                return zoneinfo.ZoneInfo.from_file(handle, key="localtime")
        name = name[1:] if name.startswith(":") else name
        if name.startswith("/"):
            with open(name, "rb") as handle:
                return zoneinfo.ZoneInfo.from_file(handle, key=name)
        return zoneinfo.ZoneInfo(name)
    except (OSError, ValueError, zoneinfo.ZoneInfoNotFoundError):
        from dateutil import tz

        return tz.gettz() or UTC


def parse_entry_time(text: str, now: datetime, zone: tzinfo | None = None) -> datetime:
    """Parse a typed time into an aware UTC datetime no later than `now`, or raise InputError."""
    if not isinstance(text, str):
        raise InputError("a time must be text; " + ACCEPTED_TIMES)
    zone = zone or local_zone()
    cleaned = text.strip().lower()
    if not cleaned:
        raise InputError("the time is empty; " + ACCEPTED_TIMES)

    ago = _AGO.match(cleaned) or _AGO_WORDS.match(cleaned)
    if ago:
        minutes = int(ago.group(1))
        if minutes > 12 * 60:
            raise InputError(f"{minutes} minutes ago is more than 12 hours back; " + ACCEPTED_TIMES)
        return (now - timedelta(minutes=minutes)).astimezone(UTC)

    clock = _CLOCK.match(cleaned)
    if clock:
        hour = int(clock.group(1))
        minute = int(clock.group(2) or 0)
        second = int(clock.group(3) or 0)
        meridiem = clock.group(4)
        if clock.group(2) is None and meridiem is None:
            raise InputError(f"'{text.strip()}' needs minutes, like {hour}:00; " + ACCEPTED_TIMES)
        if meridiem:
            if not 1 <= hour <= 12:
                raise InputError(f"'{text.strip()}' has hour {hour}; with am/pm accepted 1-12")
            hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
        if hour > 23 or minute > 59 or second > 59:
            raise InputError(f"'{text.strip()}' is not a time of day; " + ACCEPTED_TIMES)
        local_now = now.astimezone(zone)
        candidate = datetime(local_now.year, local_now.month, local_now.day, hour, minute, second, tzinfo=zone)
        if candidate > local_now:
            # The most recent occurrence: yesterday's, if that is within 12 hours.
            yesterday = local_now - timedelta(days=1)
            candidate = datetime(yesterday.year, yesterday.month, yesterday.day, hour, minute, second, tzinfo=zone)
            if local_now - candidate > timedelta(hours=12):
                raise InputError(
                    f"{text.strip()} is in the future (it is now {local_now:%H:%M}); a backdated entry must be earlier"
                )
        return candidate.astimezone(UTC)

    if re.match(r"^\d{4}-\d{2}-\d{2}", cleaned, re.ASCII):
        try:
            from dateutil import parser as date_parser  # lazy: not on the way to the first paint

            parsed = date_parser.isoparse(text.strip())
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=zone)
            parsed = parsed.astimezone(UTC)
        except (ValueError, OverflowError, TypeError) as error:
            raise InputError(f"'{text.strip()}' is not a valid ISO timestamp; " + ACCEPTED_TIMES) from error
        if parsed > now:
            raise InputError(f"{text.strip()} is in the future; a backdated entry must be earlier")
        return parsed

    raise InputError(f"'{text.strip()}' is not a time; " + ACCEPTED_TIMES)


def to_local(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """An instant in local time (or in `zone`), by the same zone rules typed times are read with."""
    return moment.astimezone(zone or local_zone())


def format_local(moment: datetime, zone: tzinfo | None = None, seconds: bool = False) -> str:
    return to_local(moment, zone).strftime("%H:%M:%S" if seconds else "%H:%M")


def format_duration(delta: timedelta | float, *, seconds: bool = True) -> str:
    """The one way a duration is written: `h:mm:ss` (`0:05:30`, `1:02:47`), or `h:mm` with
    `seconds=False` (`0:55`, `1:02`) where seconds do not matter. The hours are always there, so
    `1:01` never means a minute in one place and an hour in another; a negative duration gets a
    minus sign."""
    total = delta.total_seconds() if isinstance(delta, timedelta) else float(delta)
    sign = "-" if total < 0 else ""
    whole = int(abs(total))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if seconds:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{hours}:{minutes:02d}"
