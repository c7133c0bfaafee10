"""Every entry as `show`, `add` and the record say it: no internal alert key, no doubled word."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from kapsession.core import commands
from kapsession.core.events import AlertAcknowledged
from kapsession.core.state import fold
from kapsession.core.timeline import acknowledged_words, describe
from kapsession.presets import default_library

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _session():
    preset = default_library().get("sublingual-troche")
    opened = commands.open_session(client_name="A.B.", preset=preset, now=START, weight_kg=70, planned_dose_mg=200)
    return preset, [opened.model_copy(update={"seq": 1})]


def _add(preset, events, build, minutes, *args):
    now = START + timedelta(minutes=minutes)
    event = build(fold(events, preset, now), *args, now) if args else build(fold(events, preset, now), now)
    event = event.model_copy(update={"seq": len(events) + 1})
    events.append(event)
    return event


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch):
    """Local time is UTC, so the next session's words hold on any machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_strike_next_session_and_ack_read_as_sentences(utc) -> None:
    preset, events = _session()
    _add(preset, events, commands.start_phase, 1, "next")
    reading = _add(preset, events, commands.record_vitals, 2, "150/95 80 98")
    ack = _add(preset, events, commands.acknowledge, 3)
    struck = _add(preset, events, commands.strike, 4, 3, "wrong cuff")
    nxt = _add(preset, events, commands.set_next_session, 5, "in 3 days at 10:00")
    state = fold(events, preset, START + timedelta(minutes=6))
    assert reading.seq == 3
    assert describe(ack, state) == ("ack", "BP 150/95 above 140/90 before dosing: decide before giving the dose")
    assert describe(struck, state) == ("struck", "#3, reason: wrong cuff")
    assert describe(nxt, state) == ("next", "session: Thu 5 Mar 2026 at 10:00")


def test_an_alert_no_longer_derived_is_named_in_words_never_by_its_key() -> None:
    preset, events = _session()
    state = fold(events, preset, START + timedelta(minutes=1))
    gone = AlertAcknowledged(at=START, key="spit:13", seq=2)
    assert acknowledged_words(gone, state) == "troche: time to spit"
    assert acknowledged_words(AlertAcknowledged(at=START, key="whatever:9", seq=3), state) == "an alert"
