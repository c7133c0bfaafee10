"""core/entries.py: entry numbers per session, the earliest time an entry may carry, late entries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kapsession.core.entries import (
    earliest_entry_time,
    entry_number,
    entry_numbers,
    entry_seq,
    written_late,
)
from kapsession.core.errors import InputError
from tests.conftest import START


def replaced(event, **changes):
    """The event with some fields changed."""
    return event.model_copy(update=changes)


def test_numbers_count_the_entries_of_one_session_whatever_their_store_seq(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    chart.phase()
    chart.note("resting")
    # As the store gives them: seqs shared with other sessions, so with gaps.
    chart.events[:] = [replaced(e, seq=seq) for e, seq in zip(chart.events, (40, 44, 51), strict=True)]
    state = chart.state()
    assert entry_numbers(state) == {40: 1, 44: 2, 51: 3}
    assert entry_number(state, 51) == 3 and entry_number(state, None) is None
    assert entry_seq(state, 2) == 44
    with pytest.raises(InputError, match=r"^there is no entry #4 in this session: accepted 1-3"):
        entry_seq(state, 4)


def test_the_earliest_time_is_four_hours_before_writing_to_the_whole_minute(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    opened = chart.events[0]
    chart.events[0] = replaced(opened, at=START + timedelta(seconds=42), recorded_at=START + timedelta(seconds=42))
    assert earliest_entry_time(chart.state()) == START - timedelta(hours=4)


def test_a_late_entry_is_one_written_over_ten_minutes_after_it_happened(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    chart.advance(30)
    on_time = chart.vitals("120/80", at="-9m")
    late = chart.vitals("120/80", at="-11m")
    state = chart.state()
    assert written_late(state, on_time) is None
    assert written_late(state, late) == chart.now


def test_practice_entries_are_never_late(new_chart) -> None:
    """A rehearsal's entries carry the practice clock's times, ahead of the wall clock or, resumed
    days later, far behind it: neither says anything about when it was written."""
    chart = new_chart("sublingual-troche", practice=True)
    chart.advance(30)
    event = chart.vitals("120/80", at="-20m")
    assert written_late(chart.state(), event) is None
