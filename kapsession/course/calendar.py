"""The next session as an `.ics` file for the client's calendar (the `icalendar` package).

It holds the practice's name and the time only: a calendar is often shared with family or synced
to a phone's lock screen, so no clinical word (not "ketamine", not "session", not "therapy")
and no name of the client goes in it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

DEFAULT_LENGTH = timedelta(hours=3)
NEUTRAL_TITLE = "Appointment"


def appointment_ics(
    when: datetime, *, practice_name: str = "", length: timedelta = DEFAULT_LENGTH, now: datetime | None = None
) -> bytes:
    """One event: `practice_name` (or "Appointment") from `when` for `length`."""
    import hashlib

    from icalendar import Calendar, Event

    start = when.astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//appointment//EN")  # not the app's name: it says what kind of appointment
    calendar.add("version", "2.0")
    event = Event()
    title = " ".join((practice_name or "").split()) or NEUTRAL_TITLE
    event.add("summary", title)
    event.add("dtstart", start)
    event.add("dtend", start + length)
    event.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC))
    # Stable for one appointment, so importing a second copy updates it rather than doubling it.
    digest = hashlib.sha256(f"{title}|{start.isoformat()}".encode()).hexdigest()[:24]
    event.add("uid", f"{digest}@appointment.invalid")
    calendar.add_component(event)
    return calendar.to_ical()
