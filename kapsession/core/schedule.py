"""A course's schedule in words, turned into dates with python-dateutil's rrule.

    weekly | once a week | every week | every other week | every 2 weeks
    twice a week | three times a week
    every Monday and Thursday | every mon, thu
    every 3 days | daily
    ... optionally ending `at 10:00` (else the time of the last session)

`planned_dates(schedule, after, count)` gives the next `count` dates after a moment (local time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from kapsession.core.errors import InputError

ACCEPTED = (
    "accepted: 'weekly', 'twice a week', 'three times a week', 'every other week', "
    "'every 3 days', 'every Monday and Thursday', each optionally with 'at 10:00'"
)
_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_AT = re.compile(r"\s+at\s+(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "other": 2}


@dataclass(frozen=True)
class Schedule:
    """What a schedule says: every `interval` days or weeks, on some weekdays, at a time."""

    text: str
    unit: str  # "daily" | "weekly"
    interval: int = 1
    weekdays: tuple[int, ...] = ()  # 0 = Monday; empty: the weekday of the course's last session
    times_a_week: int = 1  # "twice a week" without days: spread from the last session's weekday
    hour: int | None = None
    minute: int = 0


def _day(word: str) -> int | None:
    return _DAYS.get(word[:3]) if len(word) >= 3 and word[:3] in _DAYS else None


def parse_schedule(text: str) -> Schedule:
    cleaned = " ".join((text or "").strip().lower().split())
    if not cleaned:
        raise InputError("the schedule is empty; " + ACCEPTED)
    if len(cleaned) > 120:
        raise InputError(f"the schedule is {len(cleaned)} characters long; " + ACCEPTED)
    hour: int | None = None
    minute = 0
    at = _AT.search(cleaned)
    if at:
        hour, minute = int(at.group(1)), int(at.group(2) or 0)
        if at.group(3) == "pm" and hour < 12:
            hour += 12
        if at.group(3) == "am" and hour == 12:
            hour = 0
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            raise InputError(f"'{at.group(0).strip()}' is not a time of day; " + ACCEPTED)
        cleaned = cleaned[: at.start()].strip()
    base = {"text": text.strip(), "hour": hour, "minute": minute}
    if cleaned in ("weekly", "once a week", "every week"):
        return Schedule(unit="weekly", **base)  # type: ignore[arg-type]
    if cleaned in ("daily", "every day"):
        return Schedule(unit="daily", **base)  # type: ignore[arg-type]
    times = re.fullmatch(r"(twice|two times|three times|3 times|2 times) a week", cleaned)
    if times:
        count = 2 if times.group(1) in ("twice", "two times", "2 times") else 3
        return Schedule(unit="weekly", times_a_week=count, **base)  # type: ignore[arg-type]
    every = re.fullmatch(r"every (\d{1,2}|other|two|three|four) (day|days|week|weeks)", cleaned)
    if every:
        amount = int(every.group(1)) if every.group(1).isdigit() else _NUMBER_WORDS[every.group(1)]
        if amount < 1:
            raise InputError(f"'{text.strip()}' repeats every 0; " + ACCEPTED)
        return Schedule(unit="daily" if every.group(2).startswith("day") else "weekly", interval=amount, **base)  # type: ignore[arg-type]
    if cleaned.startswith("every "):
        words = re.split(r"[\s,]+(?:and\s+)?|\s+and\s+", cleaned[len("every ") :])
        days = [_day(word) for word in words if word and word != "and"]
        if days and all(day is not None for day in days):
            return Schedule(unit="weekly", weekdays=tuple(sorted(set(days))), **base)  # type: ignore[arg-type]
    raise InputError(f"'{text.strip()}' is not a schedule kapsession knows; " + ACCEPTED)


def planned_dates(
    schedule: Schedule | str, after: datetime, count: int, *, zone: tzinfo | None = None, anchor: datetime | None = None
) -> list[datetime]:
    """The next `count` dates of the schedule strictly after `after` (aware; local time `zone`).
    `anchor` (the course's last session) gives the weekday and time a schedule leaves open."""
    from dateutil.rrule import DAILY, WEEKLY, rrule

    if isinstance(schedule, str):
        schedule = parse_schedule(schedule)
    if count <= 0:
        return []
    from kapsession.core.timeparse import local_zone, to_local

    zone = zone or local_zone()
    local_after = to_local(after, zone)
    start = to_local(anchor or after, zone)
    hour = schedule.hour if schedule.hour is not None else start.hour
    minute = schedule.minute if schedule.hour is not None else start.minute
    weekdays: tuple[int, ...] | None = schedule.weekdays or None
    if schedule.unit == "weekly" and weekdays is None and schedule.times_a_week > 1:
        step = 7 // schedule.times_a_week
        weekdays = tuple(sorted({(start.weekday() + step * k) % 7 for k in range(schedule.times_a_week)}))
    if schedule.unit == "weekly" and weekdays is None:
        weekdays = (start.weekday(),)
    # Wall-clock times in the local zone: a 10:00 session stays at 10:00 across daylight saving.
    begin = start.replace(hour=hour, minute=minute, second=0, microsecond=0, tzinfo=None)
    naive_after = local_after.replace(tzinfo=None)
    rule = rrule(
        DAILY if schedule.unit == "daily" else WEEKLY,
        interval=schedule.interval,
        byweekday=weekdays if schedule.unit == "weekly" else None,
        byhour=hour,
        byminute=minute,
        bysecond=0,
        dtstart=begin.replace(hour=0, minute=0),
    )
    return [moment.replace(tzinfo=zone) for moment in rule.xafter(naive_after, count=count)]
