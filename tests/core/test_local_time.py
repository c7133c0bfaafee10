"""Instants shown in local time (`to_local`) read as the zone's own rules do."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kapsession.core.timeparse import format_local, to_local

ZONES = ("Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC")
INSTANTS = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1)).map(
    lambda moment: moment.replace(tzinfo=UTC)
)


@pytest.mark.parametrize("name", ZONES)
def test_local_time_is_the_zones_own(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("TZ", name)
    zone = zoneinfo.ZoneInfo(name)

    @settings(max_examples=300, deadline=None)
    @given(moment=INSTANTS)
    def same(moment: datetime) -> None:
        expected = moment.astimezone(zone)
        shown = to_local(moment)
        assert shown.replace(tzinfo=None) == expected.replace(tzinfo=None)
        assert shown.utcoffset() == expected.utcoffset()
        assert shown == moment  # the same instant

    same()


@pytest.mark.parametrize(
    ("name", "utc", "local"),
    [
        # the hour repeated when clocks go back, and the one skipped when they go forward
        ("Europe/Paris", datetime(2026, 10, 25, 0, 30), "02:30"),
        ("Europe/Paris", datetime(2026, 10, 25, 1, 30), "02:30"),
        ("Europe/Paris", datetime(2026, 3, 29, 0, 59), "01:59"),
        ("Europe/Paris", datetime(2026, 3, 29, 1, 0), "03:00"),
        ("America/New_York", datetime(2026, 11, 1, 5, 30), "01:30"),
        ("America/New_York", datetime(2026, 11, 1, 6, 30), "01:30"),
    ],
)
def test_daylight_saving_changes_are_shown_as_the_clock_on_the_wall(
    monkeypatch: pytest.MonkeyPatch, name: str, utc: datetime, local: str
) -> None:
    monkeypatch.setenv("TZ", name)
    assert format_local(utc.replace(tzinfo=UTC)) == local


def test_a_changed_tz_is_honoured_and_a_given_zone_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    assert format_local(moment) == "21:00"
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    assert format_local(moment) == "05:00"
    assert format_local(moment, timezone(timedelta(hours=2))) == "14:00"
    monkeypatch.setenv("TZ", "")
    assert format_local(moment) == "12:00"  # an empty $TZ is UTC, as the C library reads it


@pytest.mark.parametrize(
    "tz",
    [
        "Europe/Paris",
        ":Europe/Paris",
        "",
        "UTC",
        "EST5EDT,M3.2.0,M11.1.0",
        "CET-1CEST,M3.5.0,M10.5.0/3",
        "EST5",
        "UTC+3",
        "GMT-5",
        "<+0530>-5:30",
        "Foo/Bar",
    ],
)
def test_a_time_read_off_the_screen_and_typed_back_is_the_same_instant(
    monkeypatch: pytest.MonkeyPatch, tz: str
) -> None:
    """Shown local times and typed local times are read from $TZ alike, whatever $TZ holds."""
    from kapsession.core import timeparse

    monkeypatch.setenv("TZ", tz)
    monkeypatch.setattr(timeparse, "_ZONES", {})
    for moment in (datetime(2026, 7, 1, 12, 0, tzinfo=UTC), datetime(2026, 1, 15, 23, 40, tzinfo=UTC)):
        shown = format_local(moment)
        typed = timeparse.parse_entry_time(shown, now=moment + timedelta(minutes=1))
        assert typed == moment, (tz, shown, typed)
